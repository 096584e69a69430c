//! The bad-input suite: one crafted PDF for each way an input can try to stop the batch
//! (an image header that contradicts its dictionary, bombs in images and content, short
//! predictor data, a huge page, a dense ruling grid, a page-tree loop, odd rotations,
//! overflowing numbers and infinite matrices, deep nesting, a self-containing object
//! stream, encryption with and without the empty password). The batch runs in both
//! isolation modes under a 4 GiB address-space cap (`prlimit --as`), must finish with exit
//! 1 (some documents failed), and gives each file one documents row with a clear message.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use polars::prelude::*;

use crate::common::{corpus_for, pdf, stream};

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("deflate");
    e.finish().expect("deflate")
}

/// A one-page PDF: `page` is the page dictionary's extra entries, `content` its content
/// stream, `more` further objects (numbered from 5), resources naming `/F1` (Helvetica)
/// and `/Im1` (object 5) when `more` has it.
fn one_page(page: &str, content: &[u8], more: Vec<Vec<u8>>) -> Vec<u8> {
    let xobject = if more.is_empty() {
        String::new()
    } else {
        "/XObject << /Im1 5 0 R >>".to_string()
    };
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {page} /Contents 4 0 R \
             /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> {xobject} >> >>"
        )
        .into_bytes(),
        stream("", content),
    ];
    objects.extend(more);
    pdf(&objects, 1)
}

/// A page that is one full-page image (a scan), for the image cases.
fn scan_page(image: Vec<u8>) -> Vec<u8> {
    one_page("", b"q 595 0 0 842 0 0 cm /Im1 Do Q", vec![image])
}

/// A JPEG that is only its start, a frame header claiming `w` x `h` gray pixels, and its end.
fn jpeg_header(w: u16, h: u16) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08];
    j.extend_from_slice(&h.to_be_bytes());
    j.extend_from_slice(&w.to_be_bytes());
    j.extend_from_slice(&[0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]);
    j
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Total 1,234) Tj ET";

/// The suite's files: name and bytes.
fn suite() -> Vec<(&'static str, Vec<u8>)> {
    let gray = "/Type /XObject /Subtype /Image /ColorSpace /DeviceGray /BitsPerComponent 8";
    let mut v = vec![
        (
            "jpeg_header_lies.pdf",
            scan_page(stream(
                &format!("{gray} /Width 100 /Height 100 /Filter /DCTDecode"),
                &jpeg_header(60000, 60000),
            )),
        ),
        (
            "jpeg_huge_declared.pdf",
            scan_page(stream(
                &format!("{gray} /Width 60000 /Height 60000 /Filter /DCTDecode"),
                &jpeg_header(60000, 60000),
            )),
        ),
        (
            "image_flate_bomb.pdf",
            scan_page(stream(
                &format!("{gray} /Width 100 /Height 100 /Filter /FlateDecode"),
                &deflate(&vec![0u8; 1 << 30]),
            )),
        ),
        (
            "content_bomb.pdf",
            pdf(
                &[
                    b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
                        .to_vec(),
                    stream("/Filter /FlateDecode", &deflate(&vec![b' '; 1 << 30])),
                ],
                1,
            ),
        ),
        (
            "short_predictor.pdf",
            scan_page(stream(
                &format!(
                    "{gray} /Width 100 /Height 100 /Filter /FlateDecode \
                     /DecodeParms << /Predictor 15 /Colors 1 /Columns 100 >>"
                ),
                &deflate(&[2u8; 150]),
            )),
        ),
        (
            "huge_page.pdf",
            one_page(
                "/MediaBox [0 0 200000 200000]",
                b"q 200000 0 0 200000 0 0 cm /Im1 Do Q",
                vec![stream(
                    &format!("{gray} /Width 100 /Height 100"),
                    &[128u8; 100 * 100],
                )],
            ),
        ),
        ("dense_rulings.pdf", dense_rulings(3000)),
        (
            "page_tree_loop.pdf",
            pdf(
                &[
                    b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                    b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>".to_vec(),
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
                      /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
                        .to_vec(),
                    stream("", TEXT),
                ],
                1,
            ),
        ),
        ("rotate_45.pdf", one_page("/Rotate 45", TEXT, vec![])),
        ("rotate_270.pdf", one_page("/Rotate 270", TEXT, vec![])),
        (
            "infinite_matrix.pdf",
            one_page(
                "",
                b"1e308 0 0 1e308 0 0 cm 1e308 0 0 1e308 0 0 cm BT /F1 12 Tf (A) Tj ET \
                  BT /F1 1e39 Tf 1 0 0 1 1e38 1e38 Tm (B) Tj ET 0 0 m 1e400 1e400 l S",
                vec![],
            ),
        ),
        (
            "overflowing_numbers.pdf",
            one_page(
                "/UserUnit 99999999999999999999999999",
                b"BT /F1 99999999999999999999999 Tf 99999999999999999999 99999999999999999999 Td (A) Tj ET",
                vec![],
            ),
        ),
        (
            "deep_arrays.pdf",
            one_page(
                &format!("/Deep {}{}", "[".repeat(100_000), "]".repeat(100_000)),
                TEXT,
                vec![],
            ),
        ),
        ("self_object_stream.pdf", self_object_stream()),
    ];
    if let Some(c) = corpus_for("bad_inputs") {
        let tabula = c.join("peers/tabula-java/pdf");
        for (name, file) in [
            ("encrypted_empty_password.pdf", "S2MNCEbirdisland.pdf"),
            ("encrypted_with_password.pdf", "encrypted.pdf"),
        ] {
            v.push((
                name,
                std::fs::read(tabula.join(file)).expect("tabula fixture"),
            ));
        }
    }
    v
}

/// A page ruled by `n` horizontal and `n` vertical lines, with a word in one cell.
fn dense_rulings(n: usize) -> Vec<u8> {
    let mut c = String::from("0.5 w\n");
    let step = 10.0;
    let size = n as f64 * step;
    for i in 0..=n {
        let p = i as f64 * step;
        c.push_str(&format!("0 {p} m {size} {p} l S\n{p} 0 m {p} {size} l S\n"));
    }
    for i in (0..n).step_by(7) {
        let p = i as f64 * step;
        c.push_str(&format!(
            "BT /F1 6 Tf {} {} Td (12) Tj ET\n",
            p + 1.0,
            p + 2.0
        ));
    }
    one_page(
        &format!("/MediaBox [0 0 {size} {size}]"),
        c.as_bytes(),
        vec![],
    )
}

/// An object stream (object 5) whose only object claims to be object 5, the stream
/// itself, and is the document's page.
fn self_object_stream() -> Vec<u8> {
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>".to_vec(),
            b"null".to_vec(),
            b"null".to_vec(),
            stream(
                "/Type /ObjStm /N 1 /First 4",
                b"5 0 << /Type /Page /Parent 2 0 R >>",
            ),
        ],
        1,
    )
}

/// Status and message (error, else warnings) of every row of the documents table, by file name.
fn documents(out: &Path) -> BTreeMap<String, (String, String)> {
    let df = ParquetReader::new(File::open(out.join("documents.parquet")).expect("documents"))
        .finish()
        .expect("read documents");
    let col = |n: &str| df.column(n).expect(n).str().expect("str").clone();
    let (path, status, error) = (col("path"), col("status"), col("error"));
    let warnings = df
        .column("warnings")
        .expect("warnings")
        .list()
        .expect("list")
        .clone();
    let mut m = BTreeMap::new();
    for i in 0..df.height() {
        let name = Path::new(path.get(i).unwrap_or(""))
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let message = match error.get(i) {
            Some(e) => e.to_string(),
            None => warnings
                .get_as_series(i)
                .map(|s| {
                    let ca = s.str().expect("str").clone();
                    (0..ca.len())
                        .filter_map(|j| ca.get(j).map(str::to_string))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .unwrap_or_default(),
        };
        assert!(
            m.insert(
                name.clone(),
                (status.get(i).unwrap_or("").to_string(), message)
            )
            .is_none(),
            "two rows for {name}"
        );
    }
    m
}

#[test]
fn every_bad_input_ends_in_one_clear_row_in_both_isolation_modes_under_a_memory_cap() {
    // NENPO_KEEP_BAD_INPUTS=1 keeps the files and outputs (for a look, or a benchmark).
    let keep = std::env::var("NENPO_KEEP_BAD_INPUTS").as_deref() == Ok("1");
    let dir = tempfile::Builder::new()
        .prefix("nenpo-bad-inputs")
        .disable_cleanup(keep)
        .tempdir()
        .expect("tempdir");
    if keep {
        eprintln!("bad inputs kept in {}", dir.path().display());
    }
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let files = suite();
    for (name, bytes) in &files {
        std::fs::write(input.join(name), bytes).expect("write");
    }
    let mut by_mode = Vec::new();
    for isolation in ["process", "thread"] {
        let out = dir.path().join(format!("out-{isolation}"));
        let pipeline = dir.path().join(format!("{isolation}.toml"));
        let limits = if isolation == "process" {
            "document_seconds = 300\n"
        } else {
            ""
        };
        std::fs::write(
            &pipeline,
            format!(
                "[input]\npaths = [\"in/*.pdf\"]\n[output]\ndir = \"{}\"\n[run]\nisolation = \"{isolation}\"\n{limits}",
                out.display()
            ),
        )
        .expect("pipeline");
        let result = Command::new("prlimit")
            .arg(format!("--as={}", 4u64 << 30))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_nenpo"))
            .args(["run", pipeline.to_str().expect("utf-8"), "--json"])
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("prlimit (util-linux) runs nenpo");
        let err = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{isolation}: {err}");
        let docs = documents(&out);
        let expected: BTreeSet<&str> = files.iter().map(|(n, _)| *n).collect();
        let got: BTreeSet<&str> = docs.keys().map(String::as_str).collect();
        assert_eq!(got, expected, "{isolation}: one documents row per file");
        for (name, (status, message)) in &docs {
            if status != "ok" {
                assert!(
                    message.len() > 15
                        && !message.contains("panicked")
                        && !message.contains("stack backtrace")
                        && !message.contains("rust_begin_unwind"),
                    "{isolation}: {name} is {status} with an unclear message: {message:?}"
                );
            }
        }
        let status = |n: &str| docs.get(n).map(|(s, m)| (s.as_str(), m.as_str()));
        for (name, expected, words) in [
            // An image nenpo will not decode is drawn by poppler instead, within the
            // same pixel cap: read (as a blank page), not failed.
            ("jpeg_header_lies.pdf", "ok", ""),
            ("jpeg_huge_declared.pdf", "ok", ""),
            ("image_flate_bomb.pdf", "ok", ""),
            ("short_predictor.pdf", "ok", ""),
            ("content_bomb.pdf", "failed", "content stream not decoded"),
            ("page_tree_loop.pdf", "partial", "page tree"),
            ("rotate_45.pdf", "ok", ""),
            ("rotate_270.pdf", "ok", ""),
            ("dense_rulings.pdf", "failed", "max_lattice_slots"),
            ("deep_arrays.pdf", "failed", "could not be parsed"),
            ("overflowing_numbers.pdf", "failed", "could not be parsed"),
            ("encrypted_empty_password.pdf", "ok", ""),
            ("encrypted_with_password.pdf", "failed", "password"),
        ] {
            if let Some((s, m)) = status(name) {
                assert!(
                    s == expected && m.contains(words),
                    "{isolation}: {name}: expected {expected} saying {words:?}, got {s}: {m}"
                );
            }
        }
        by_mode.push(docs);
    }
    // A /Rotate that is not a multiple of 90 is read as 0, and the page says so.
    let rotated = crate::common::extract_json(&input.join("rotate_45.pdf"), &[]);
    assert!(
        rotated["page_info"][0]["warnings"]
            .to_string()
            .contains("/Rotate 45 is not a multiple of 90"),
        "{}",
        rotated["page_info"]
    );
    let statuses = |d: &BTreeMap<String, (String, String)>| {
        d.iter()
            .map(|(n, (s, _))| (n.clone(), s.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        statuses(&by_mode[0]),
        statuses(&by_mode[1]),
        "the two isolation modes disagree"
    );
}
