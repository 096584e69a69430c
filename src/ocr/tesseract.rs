//! Tesseract through its command line: `tesseract stdin stdout -l jpn+eng --psm 6
//! --dpi 300 tsv` with `OMP_THREAD_LIMIT=1` (pages run in parallel, one thread each), the
//! image given as PGM on stdin; and the parser of its TSV word boxes.
//!
//! The CLI was chosen over the `tesseract` crate: it reads the same words, its start-up
//! (about 0.15 s with `jpn+eng` here) is small beside 1–3 s of recognition per page, and
//! it keeps `libclang`/`libtesseract-dev` and a bindgen build out of CI.

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

use super::words::EngineWord;
use super::{Error, OcrSettings};

/// Writes `data` to the child's stdin from another thread while its output is collected.
pub(crate) fn feed_and_wait(child: &mut Child, data: &[u8]) -> std::io::Result<Output> {
    let stdin = child.stdin.take();
    let out = std::thread::scope(|scope| {
        if let Some(mut stdin) = stdin {
            scope.spawn(move || {
                // A child that exits early closes the pipe; its status says why.
                let _ = stdin.write_all(data);
            });
        }
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let (o, e) = (child.stdout.take(), child.stderr.take());
        let err_thread = scope.spawn(move || {
            if let Some(mut e) = e {
                let _ = std::io::Read::read_to_end(&mut e, &mut stderr);
            }
            stderr
        });
        if let Some(mut o) = o {
            std::io::Read::read_to_end(&mut o, &mut stdout)?;
        }
        let stderr = err_thread.join().unwrap_or_default();
        Ok::<_, std::io::Error>((stdout, stderr))
    })?;
    let status = child.wait()?;
    Ok(Output {
        status,
        stdout: out.0,
        stderr: out.1,
    })
}

/// Tesseract's version line (`tesseract 5.3.0`), asked once per program per process.
pub fn version(program: &str) -> Result<String, Error> {
    static SEEN: OnceLock<Mutex<Vec<(String, String)>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(Vec::new()));
    if let Ok(v) = seen.lock() {
        if let Some((_, ver)) = v.iter().find(|(p, _)| p == program) {
            return Ok(ver.clone());
        }
    }
    let out = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::TesseractMissing {
                program: program.to_string(),
            },
            _ => Error::Io {
                what: format!("running {program} --version"),
                source: e,
            },
        })?;
    // Tesseract 4 printed its version on stderr, 5 on stdout.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ver = text
        .lines()
        .next()
        .unwrap_or("tesseract (unknown version)")
        .trim()
        .to_string();
    if let Ok(mut v) = seen.lock() {
        v.push((program.to_string(), ver.clone()));
    }
    Ok(ver)
}

/// The resolutions Tesseract accepts for `--dpi` (it warns and guesses outside them).
const TESSERACT_DPI: (f64, f64) = (70.0, 2400.0);

/// Runs Tesseract on a PGM image of `dpi` dots per inch; returns its TSV.
pub fn run(pgm: &[u8], dpi: f64, s: &OcrSettings) -> Result<String, Error> {
    let dpi = dpi.round().clamp(TESSERACT_DPI.0, TESSERACT_DPI.1);
    let mut child = Command::new(&s.tesseract)
        .args([
            "stdin",
            "stdout",
            "-l",
            &s.language,
            "--psm",
            &s.psm.to_string(),
            "--dpi",
            &dpi.to_string(),
            "tsv",
        ])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::TesseractMissing {
                program: s.tesseract.clone(),
            },
            _ => Error::Io {
                what: format!("starting {}", s.tesseract),
                source: e,
            },
        })?;
    let out = feed_and_wait(&mut child, pgm).map_err(|e| Error::Io {
        what: format!("running {}", s.tesseract),
        source: e,
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        if stderr.contains("Failed loading language") || stderr.contains("traineddata") {
            return Err(Error::LanguageMissing {
                language: s.language.clone(),
                stderr,
            });
        }
        return Err(Error::Tesseract {
            status: out.status.to_string(),
            stderr,
        });
    }
    String::from_utf8(out.stdout).map_err(|e| Error::Tesseract {
        status: "ok".into(),
        stderr: format!("output is not utf-8: {e}"),
    })
}

/// Parses Tesseract's TSV: the word rows (level 5) with non-blank text.
pub fn parse_tsv(tsv: &str) -> Result<Vec<EngineWord>, Error> {
    let mut words = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if i == 0 && line.starts_with("level") {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.splitn(12, '\t').collect();
        let bad = |message: String| Error::Tsv {
            line: i + 1,
            message,
        };
        if f.len() < 11 {
            return Err(bad(format!("{} fields in {line:?}", f.len())));
        }
        let int = |k: usize| {
            f[k].trim()
                .parse::<i64>()
                .map_err(|_| bad(format!("field {} is {:?}", k + 1, f[k])))
        };
        if int(0)? != 5 {
            continue;
        }
        let text = f.get(11).map_or("", |t| t.trim());
        if text.is_empty() {
            continue;
        }
        let conf: f32 = f[10]
            .trim()
            .parse()
            .map_err(|_| bad(format!("confidence {:?}", f[10])))?;
        let u = |k: usize| -> Result<u32, Error> { Ok(int(k)?.max(0) as u32) };
        words.push(EngineWord {
            text: text.to_string(),
            left: int(6)? as f64,
            top: int(7)? as f64,
            width: int(8)? as f64,
            height: int(9)? as f64,
            confidence: (conf / 100.0).clamp(0.0, 1.0),
            line: (u(2)?, u(3)?, u(4)?),
        });
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t1653\t2339\t-1\t
4\t1\t1\t1\t1\t0\t458\t125\t904\t44\t-1\t
5\t1\t1\t1\t1\t1\t458\t125\t209\t39\t91.998886\t平成
5\t1\t1\t1\t1\t2\t553\t121\t49\t57\t90.419228\t29
5\t1\t1\t1\t1\t3\t560\t121\t49\t57\t95\t 
5\t1\t1\t2\t1\t1\t109\t294\t9\t22\t96.827797\tA2,515
";

    #[test]
    fn parses_word_rows() {
        let w = parse_tsv(TSV).expect("valid tsv");
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].text, "平成");
        assert_eq!(
            (w[0].left, w[0].top, w[0].width, w[0].height),
            (458.0, 125.0, 209.0, 39.0)
        );
        assert!((w[0].confidence - 0.92).abs() < 0.001);
        assert_eq!(w[0].line, (1, 1, 1));
        assert_eq!(w[2].line, (1, 2, 1));
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(
            parse_tsv("5\t1\t1\n"),
            Err(Error::Tsv { line: 1, .. })
        ));
        assert!(matches!(
            parse_tsv("5\t1\t1\t1\t1\t1\tx\t1\t1\t1\t90\tA\n"),
            Err(Error::Tsv { .. })
        ));
        assert_eq!(parse_tsv("").map(|w| w.len()).ok(), Some(0));
    }

    #[test]
    fn missing_program_names_the_packages() {
        let s = OcrSettings {
            tesseract: "/nonexistent/tesseract-nenpo".into(),
            ..Default::default()
        };
        let e = run(b"P5\n1 1\n255\n\xff", 300.0, &s).expect_err("no such program");
        assert!(
            e.to_string()
                .contains("apt-get install tesseract-ocr tesseract-ocr-jpn"),
            "{e}"
        );
        assert!(matches!(
            version(&s.tesseract),
            Err(Error::TesseractMissing { .. })
        ));
    }
}
