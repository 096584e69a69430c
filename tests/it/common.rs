//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus beside the repository, if present.
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    p.is_dir().then_some(p)
}

/// The shared corpus for `test`: when it is absent the test prints a note and passes,
/// unless `NENPO_REQUIRE_CORPUS=1` (CI), where it fails.
pub fn corpus_for(test: &str) -> Option<PathBuf> {
    let c = corpus();
    if c.is_none() {
        assert!(
            std::env::var("NENPO_REQUIRE_CORPUS").as_deref() != Ok("1"),
            "{test}: ../shared/corpus is required (NENPO_REQUIRE_CORPUS=1)"
        );
        eprintln!("note: {test} skipped: ../shared/corpus absent");
    }
    c
}

/// Runs the nenpo binary with `args`.
pub fn nenpo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run nenpo")
}

/// Runs `nenpo extract FILE --format json ARGS...` and parses its JSON; panics with stderr on failure.
pub fn extract_json(file: &Path, args: &[&str]) -> serde_json::Value {
    let f = file.to_string_lossy();
    let mut all = vec!["extract", f.as_ref(), "--format", "json"];
    all.extend_from_slice(args);
    let out = nenpo(&all);
    assert!(
        out.status.success(),
        "nenpo extract {f} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("extract prints JSON")
}

/// All cell texts of every table (header rows and rows), whitespace removed, joined.
pub fn all_text(v: &serde_json::Value) -> String {
    let mut s = String::new();
    for t in v["tables"].as_array().into_iter().flatten() {
        for r in t["header_rows"].as_array().into_iter().flatten() {
            for c in r.as_array().into_iter().flatten() {
                s.push_str(c.as_str().unwrap_or(""));
            }
        }
        for r in t["rows"].as_array().into_iter().flatten() {
            for c in r["cells"].as_array().into_iter().flatten() {
                s.push_str(c.as_str().unwrap_or(""));
            }
        }
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A minimal PDF from object bodies (object i+1 = bodies[i]), with a correct xref.
pub fn pdf(bodies: &[Vec<u8>], root: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(b);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            bodies.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\nendstream");
    v
}

/// A one-page PDF of a ruled table whose cells are `rows` (Japanese text in a
/// non-embedded `UniJIS-UCS2-H` font, as many government PDFs print it): each cell's
/// text at the left of its box, 110 pt columns, 16 pt rows from the top of an A4 page.
pub fn table_pdf(rows: &[&[&str]]) -> Vec<u8> {
    let ncols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let (x0, top, w, h) = (70.0, 760.0, 110.0, 16.0);
    let mut content = String::new();
    for (i, r) in rows.iter().enumerate() {
        for (k, t) in r.iter().enumerate() {
            let hex: String = t.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let (x, y) = (x0 + w * k as f64 + 4.0, top - h * (i + 1) as f64 + 4.0);
            content.push_str(&format!("BT /F1 10 Tf 1 0 0 1 {x} {y} Tm <{hex}> Tj ET\n"));
        }
    }
    let bottom = top - h * rows.len() as f64;
    for i in 0..=rows.len() {
        let y = top - h * i as f64;
        content.push_str(&format!("{x0} {y} m {} {y} l S\n", x0 + w * ncols as f64));
    }
    for k in 0..=ncols {
        let x = x0 + w * k as f64;
        content.push_str(&format!("{x} {top} m {x} {bottom} l S\n"));
    }
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", content.as_bytes()),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPr6N-Regular /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>".to_vec(),
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPr6N-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /DW 1000 >>".to_vec(),
        ],
        1,
    )
}
