//! The nightly batch (`nenpo run`): incremental reruns, repair after SIGKILL, shards plus
//! merge, and one error row per bad input with every good document processed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use polars::prelude::*;

use crate::common::{corpus, nenpo, pdf, root, stream};

/// A pipeline file in `dir` reading `dir/in` and writing `dir/out`.
fn pipeline(dir: &Path, isolation: &str) -> PathBuf {
    let p = dir.join("pipeline.toml");
    let text = format!("[input]\npaths = [\"in/**/*.pdf\"]\n[output]\ndir = \"out\"\n[run]\nisolation = \"{isolation}\"\n");
    std::fs::write(&p, text).expect("write pipeline");
    p
}

/// Digital documents to build archives from: the samples, plus the shared corpus's
/// digital dev documents when present.
fn digital_sources() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .expect("samples")
        .flatten()
        .map(|e| e.path())
        .collect();
    if let Some(c) = corpus() {
        for e in std::fs::read_dir(c.join("dev")).expect("dev").flatten() {
            let p = e.path();
            let truth = p.with_extension("truth.json");
            let digital =
                std::fs::read_to_string(&truth).is_ok_and(|t| t.contains("\"scanned\": false"));
            if p.extension().is_some_and(|x| x == "pdf") && digital {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// An archive of `n` documents copied round-robin from the sources, in subfolders by 100.
fn make_archive(dir: &Path, n: usize) {
    let sources = digital_sources();
    for i in 0..n {
        let sub = dir.join(format!("in/batch{:02}", i / 100));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::copy(
            &sources[i % sources.len()],
            sub.join(format!("doc{i:04}.pdf")),
        )
        .expect("copy");
    }
}

fn run(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = nenpo(args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every row of a dataset as a sortable string, plus the documents table's statuses.
fn dataset_rows(out: &Path) -> (Vec<String>, BTreeMap<String, String>) {
    let mut rows = Vec::new();
    let mut files = Vec::new();
    collect(&out.join("tables"), &mut files);
    for f in files {
        let df = ParquetReader::new(File::open(&f).expect("open"))
            .finish()
            .expect("read parquet");
        let path = df
            .column("source_path")
            .expect("source_path")
            .str()
            .expect("str")
            .clone();
        let table = df
            .column("table_index")
            .expect("t")
            .u32()
            .expect("u32")
            .clone();
        let row = df
            .column("row_index")
            .expect("r")
            .u32()
            .expect("u32")
            .clone();
        let cells = df
            .column("cells")
            .expect("cells")
            .list()
            .expect("list")
            .clone();
        for i in 0..df.height() {
            let c = cells
                .get_as_series(i)
                .map(|s| {
                    let ca = s.str().expect("str").clone();
                    format!(
                        "{:?}",
                        (0..ca.len())
                            .map(|j| ca.get(j).unwrap_or("").to_string())
                            .collect::<Vec<_>>()
                    )
                })
                .unwrap_or_default();
            let part = f
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            rows.push(format!(
                "{}|{part}|{}|{}|{c}",
                path.get(i).unwrap_or(""),
                table.get(i).unwrap_or(0),
                row.get(i).unwrap_or(0)
            ));
        }
    }
    rows.sort();
    let mut docs = BTreeMap::new();
    if let Ok(f) = File::open(out.join("documents.parquet")) {
        let df = ParquetReader::new(f).finish().expect("read documents");
        let p = df.column("path").expect("path").str().expect("str").clone();
        let s = df
            .column("status")
            .expect("status")
            .str()
            .expect("str")
            .clone();
        for i in 0..df.height() {
            docs.insert(
                p.get(i).unwrap_or("").to_string(),
                s.get(i).unwrap_or("").to_string(),
            );
        }
    }
    (rows, docs)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Path, size and modification time of every file under `dir`.
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    let mut v: Vec<_> = files
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).expect("stat");
            (f, m.len(), m.modified().expect("mtime"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn noop_rerun_over_1000_documents_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_archive(dir.path(), 1000);
    let p = pipeline(dir.path(), "thread");
    let p = p.to_str().expect("utf-8");
    let (code, first, err) = run(&["run", p, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(first["new"], 1000);
    let before = snapshot(&dir.path().join("out"));
    let (code, second, err) = run(&["run", p, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(second["skipped"], 1000, "{second}");
    assert_eq!(
        second["new"].as_u64().unwrap_or(9) + second["changed"].as_u64().unwrap_or(9),
        0
    );
    assert_eq!(second["rows"], first["rows"]);
    assert_eq!(
        snapshot(&dir.path().join("out")),
        before,
        "a no-op rerun changed files"
    );

    // A touched but unchanged file is confirmed by hash and still skipped; a changed one is redone.
    let touched = dir.path().join("in/batch00/doc0000.pdf");
    let bytes = std::fs::read(&touched).expect("read");
    std::fs::write(&touched, &bytes).expect("rewrite");
    let changed = dir.path().join("in/batch00/doc0001.pdf");
    std::fs::copy(dir.path().join("in/batch00/doc0002.pdf"), &changed).expect("replace");
    std::fs::remove_file(dir.path().join("in/batch00/doc0003.pdf")).expect("remove");
    let (code, third, err) = run(&["run", p, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(third["skipped"], 998, "{third}");
    assert_eq!(third["changed"], 1, "{third}");
    assert_eq!(third["removed"], 1, "{third}");
    let (_, docs) = dataset_rows(&dir.path().join("out"));
    assert_eq!(docs.len(), 999);
}

#[test]
fn killed_runs_are_repaired_by_the_next_run() {
    let clean = tempfile::tempdir().expect("tempdir");
    make_archive(clean.path(), 24);
    let p = pipeline(clean.path(), "process");
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let expected = dataset_rows(&clean.path().join("out"));
    assert!(expected.0.len() > 100);

    let dir = tempfile::tempdir().expect("tempdir");
    make_archive(dir.path(), 24);
    let p = pipeline(dir.path(), "process");
    // Deterministic "random" moments (an LCG), spread over a run's duration.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..20 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(20 + (seed >> 33) % 900);
        let mut child = Command::new(env!("CARGO_BIN_EXE_nenpo"))
            .args(["run", p.to_str().expect("utf-8")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Every other round, also change the archive a little in between.
        if round % 5 == 4 {
            let f = dir
                .path()
                .join(format!("in/batch00/doc{:04}.pdf", round % 24));
            let bytes = std::fs::read(&f).expect("read");
            std::fs::write(&f, bytes).expect("touch");
        }
    }
    let (code, report, err) = run(&["run", p.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, Some(0), "{err}\n{report}");
    let got = dataset_rows(&dir.path().join("out"));
    let rel = |v: &Vec<String>, base: &Path| {
        v.iter()
            .map(|r| r.replace(&base.display().to_string(), ""))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rel(&got.0, dir.path()),
        rel(&expected.0, clean.path()),
        "rows differ from a clean run"
    );
    assert_eq!(got.1.len(), 24);
    assert!(got.1.values().all(|s| s == "ok"));
    let mut leftovers = Vec::new();
    collect(&dir.path().join("out"), &mut leftovers);
    assert!(
        !leftovers
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".tmp")),
        "temporary files left: {leftovers:?}"
    );
}

#[test]
fn four_shards_and_a_merge_equal_one_run() {
    let single = tempfile::tempdir().expect("tempdir");
    make_archive(single.path(), 40);
    let p = pipeline(single.path(), "thread");
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{err}");
    let expected = dataset_rows(&single.path().join("out"));

    let dir = tempfile::tempdir().expect("tempdir");
    make_archive(dir.path(), 40);
    let p = pipeline(dir.path(), "thread");
    let children: Vec<_> = (0..4)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_nenpo"))
                .args([
                    "run",
                    p.to_str().expect("utf-8"),
                    "--shard",
                    &format!("{i}/4"),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn shard")
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().expect("wait");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(
        !dir.path().join("out/documents.parquet").exists(),
        "shards do not write the documents table"
    );
    let (code, report, err) = run(&["run", p.to_str().expect("utf-8"), "--merge-only", "--json"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(report["documents"], 40);
    let got = dataset_rows(&dir.path().join("out"));
    let rel = |v: &Vec<String>, base: &Path| {
        v.iter()
            .map(|r| r.replace(&base.display().to_string(), ""))
            .collect::<Vec<_>>()
    };
    assert_eq!(rel(&got.0, dir.path()), rel(&expected.0, single.path()));
    assert_eq!(got.1.len(), 40);
    // After the merge, a plain run has nothing to do.
    let (_, again, _) = run(&["run", p.to_str().expect("utf-8"), "--json"]);
    assert_eq!(again["skipped"], 40, "{again}");
}

#[test]
fn a_second_run_on_the_same_output_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_archive(dir.path(), 2);
    let p = pipeline(dir.path(), "thread");
    std::fs::create_dir_all(dir.path().join("out/_nenpo")).expect("mkdir");
    let lock = dir.path().join("out/_nenpo/lock");
    // A pid in the lock file does not hold it (only an OS lock does): the run goes ahead.
    std::fs::write(&lock, format!("{}\n", std::process::id())).expect("write");
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{err}");
    // A lock held by a live process (this test), as a run holds it.
    let held = std::fs::File::open(&lock).expect("open");
    held.try_lock().expect("lock");
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8"), "--force"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("another nenpo run")
            && err.contains(&format!("(pid {})", std::process::id()))
            && err.contains("lock"),
        "{err}"
    );
    drop(held);
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8"), "--force"]);
    assert_eq!(code, Some(0), "released with its holder: {err}");
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("deflate");
    e.finish().expect("deflate")
}

#[test]
fn bad_inputs_become_error_rows_and_good_documents_still_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let good = root().join("samples/dev_0009.pdf");
    std::fs::copy(&good, input.join("good1.pdf")).expect("copy");
    std::fs::copy(
        root().join("samples/seed_reform_h22.pdf"),
        input.join("good2.pdf"),
    )
    .expect("copy");
    let good_bytes = std::fs::read(&good).expect("read");

    std::fs::write(input.join("zero.pdf"), b"").expect("write");
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..20000 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    std::fs::write(input.join("random.pdf"), &noise).expect("write");
    std::fs::write(
        input.join("truncated.pdf"),
        &good_bytes[..good_bytes.len() / 3],
    )
    .expect("write");
    let mut broken = good_bytes.clone();
    if let Some(pos) = broken.windows(4).rposition(|w| w == b"xref") {
        for b in &mut broken[pos..] {
            if b.is_ascii_digit() {
                *b = b'9';
            }
        }
    }
    // A broken xref *and* no objects to recover from.
    broken.truncate(broken.len().min(400));
    broken.extend_from_slice(
        b"\nxref\n0 9\nzzzz\ntrailer\n<< /Root 99 0 R >>\nstartxref\n12\n%%EOF\n",
    );
    std::fs::write(input.join("broken_xref.pdf"), &broken).expect("write");
    let encrypted = corpus()
        .map(|c| c.join("peers/camelot/pdf/health_protected.pdf"))
        .filter(|p| p.is_file());
    if let Some(e) = &encrypted {
        std::fs::copy(e, input.join("encrypted.pdf")).expect("copy");
    }
    let deep = format!(
        "<< /Type /Catalog /Pages 2 0 R /Deep {}{} >>",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    std::fs::write(
        input.join("deep.pdf"),
        pdf(
            &[
                deep.into_bytes(),
                b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
            ],
            1,
        ),
    )
    .expect("write");
    std::fs::write(
        input.join("count10000.pdf"),
        pdf(
            &[
                b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                b"<< /Type /Pages /Kids [] /Count 10000 >>".to_vec(),
            ],
            1,
        ),
    )
    .expect("write");
    // 1 GiB of content stream from about 1 MiB of file.
    let bomb = deflate(&vec![b' '; 1 << 30]);
    std::fs::write(
        input.join("bomb.pdf"),
        pdf(
            &[
                b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
                stream("/Filter /FlateDecode", &bomb),
            ],
            1,
        ),
    )
    .expect("write");

    let out_dir = dir.path().join("out");
    let (code, report, err) = run(&[
        "run",
        "--input",
        input.to_str().expect("utf-8"),
        "--output",
        out_dir.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(code, Some(1), "{err}\n{report}");
    let bad = if encrypted.is_some() { 8 } else { 7 };
    assert_eq!(report["failed"], bad, "{report}");
    assert_eq!(report["ok"], 2, "{report}");
    let (rows, docs) = dataset_rows(&out_dir);
    assert!(!rows.is_empty());
    assert_eq!(docs.len(), bad + 2);
    for f in report["failures"].as_array().expect("failures") {
        let e = f["error"].as_str().unwrap_or("");
        assert!(
            e.len() > 10 && !e.contains("panicked"),
            "unclear error: {f}"
        );
    }
    let error_of = |name: &str| {
        report["failures"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["path"].as_str().unwrap_or("").ends_with(name))
            .map(|f| f["error"].to_string())
            .unwrap_or_default()
    };
    if encrypted.is_some() {
        assert!(
            error_of("encrypted.pdf").contains("password"),
            "{}",
            error_of("encrypted.pdf")
        );
    }
    assert!(!error_of("bomb.pdf").is_empty());
}

/// A hash of a file's bytes, for telling versions apart.
fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn a_reader_during_runs_never_sees_two_versions_under_one_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_archive(dir.path(), 16);
    let p = pipeline(dir.path(), "process");
    let (code, _, err) = run(&["run", p.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let out = dir.path().join("out");

    // A reader in a loop: every Parquet file it can open, by name, with its content.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (out, stop) = (out.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen: BTreeMap<PathBuf, u64> = BTreeMap::new();
            let mut conflicts = Vec::new();
            let mut reads = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut files = Vec::new();
                collect(&out, &mut files);
                for f in files {
                    let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                    if !name.is_some_and(|n| n.ends_with(".parquet") && !n.starts_with('.'))
                        || f.ends_with("documents.parquet")
                    {
                        continue;
                    }
                    // Gone since it was listed: a reader's retry, never wrong rows.
                    let Ok(bytes) = std::fs::read(&f) else {
                        continue;
                    };
                    reads += 1;
                    let h = content_hash(&bytes);
                    if let Some(old) = seen.insert(f.clone(), h) {
                        if old != h {
                            conflicts.push(f);
                        }
                    }
                }
            }
            (reads, conflicts)
        })
    };
    // Every document changes its bytes (and so its rows' document_id) twice; a removed
    // document and a new one on the way.
    for round in 0..2 {
        let mut docs = Vec::new();
        collect(&dir.path().join("in"), &mut docs);
        for f in &docs {
            let mut bytes = std::fs::read(f).expect("read");
            bytes.extend_from_slice(format!("\n%round {round}\n").as_bytes());
            std::fs::write(f, bytes).expect("write");
        }
        if round == 1 {
            std::fs::remove_file(&docs[0]).expect("remove");
        }
        let (code, report, err) = run(&["run", p.to_str().expect("utf-8"), "--json"]);
        assert_eq!(code, Some(0), "{err}\n{report}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, conflicts) = reader.join().expect("reader");
    assert!(reads > 16, "the reader read {reads} files");
    assert!(
        conflicts.is_empty(),
        "names that held two versions: {conflicts:?}"
    );

    // After the run: exactly the files the documents table names, each present.
    let df = ParquetReader::new(File::open(out.join("documents.parquet")).expect("open"))
        .finish()
        .expect("read documents");
    assert_eq!(df.height(), 15);
    let lists = df
        .column("files")
        .expect("files column")
        .list()
        .expect("list")
        .clone();
    let named: std::collections::BTreeSet<PathBuf> = (0..lists.len())
        .filter_map(|i| lists.get_as_series(i))
        .flat_map(|s| {
            let ca = s.str().expect("str").clone();
            (0..ca.len())
                .filter_map(|i| ca.get(i).map(|f| out.join(f)))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(named.len() >= 20, "{named:?}");
    let mut present = Vec::new();
    for d in ["tables", "values"] {
        collect(&out.join(d), &mut present);
    }
    let present: std::collections::BTreeSet<PathBuf> = present.into_iter().collect();
    assert_eq!(
        present, named,
        "files on disk and in the documents table differ"
    );
}
