//! Robustness: no panic on any PDF of the corpus (every page), nor on bad inputs; errors
//! carry their fields; encrypted documents open with the right password only.

mod common;

use common::*;
use nenpo_pdf::{Document, Error};
use std::path::{Path, PathBuf};

fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            pdfs_under(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

#[test]
fn every_corpus_pdf_reads_without_panic() {
    let Some(c) = corpus() else { return };
    let mut files = Vec::new();
    pdfs_under(&c, &mut files);
    files.sort();
    let (mut pages, mut errors) = (0usize, Vec::new());
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        match Document::load(&bytes, None) {
            Ok(doc) => {
                for n in 1..=doc.page_count() {
                    pages += 1;
                    match doc.page(n) {
                        Ok(_) => {}
                        Err(e @ Error::Panic { .. }) => panic!("{}: {e}", f.display()),
                        Err(e) => errors.push(format!("{} p{n}: {e}", f.display())),
                    }
                }
            }
            Err(e @ Error::Panic { .. }) => panic!("{}: {e}", f.display()),
            Err(e) => errors.push(format!("{}: {e}", f.display())),
        }
    }
    println!("{} files, {pages} pages, errors: {errors:#?}", files.len());
    assert!(files.len() > 10);
}

#[test]
fn bad_inputs_give_errors_not_panics() {
    assert!(Document::load(b"", None).is_err());
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let random: Vec<u8> = (0..20000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert!(Document::load(&random, None).is_err());
    let mut with_header = b"%PDF-1.7\n".to_vec();
    with_header.extend_from_slice(&random);
    assert!(Document::load(&with_header, None).is_err());
    let good = std::fs::read(fixture("ruled_reportlab_ttf.pdf")).unwrap();
    for cut in [10, 100, 1000, good.len() / 2, good.len() - 10] {
        if let Ok(doc) = Document::load(&good[..cut], None) {
            for n in 1..=doc.page_count() {
                assert!(!matches!(doc.page(n), Err(Error::Panic { .. })));
            }
        }
    }
}

#[test]
fn page_errors_print_their_fields() {
    let doc = load(&fixture("ruled_reportlab_ttf.pdf"));
    let e = doc.page(9).unwrap_err();
    assert_eq!(e.to_string(), "page 9 not found (document has 2 pages)");
    assert!(doc.page(0).is_err());
    assert_eq!(
        Error::Malformed { detail: "x".into() }.to_string(),
        "malformed pdf: x"
    );
}

#[test]
fn encrypted_needs_the_password() {
    let Some(c) = corpus() else { return };
    let bytes = std::fs::read(c.join("peers/camelot/pdf/health_protected.pdf")).unwrap();
    assert!(matches!(
        Document::load(&bytes, None),
        Err(Error::Encrypted)
    ));
    assert!(matches!(
        Document::load(&bytes, Some("wrong")),
        Err(Error::Encrypted)
    ));
    let doc = Document::load(&bytes, Some("userpass")).unwrap();
    let p = doc.page(1).unwrap();
    assert!(p.glyphs.len() > 100, "{} glyphs", p.glyphs.len());
}

#[test]
fn document_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Document>();
}

/// Found by fuzzing (`fuzz/`): an embedded font whose cmap declares huge code ranges made
/// the reader try to allocate 4 GiB. It must read within ordinary memory.
#[test]
fn fuzz_cmap_with_huge_ranges_reads_in_bounded_memory() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz_cmap_ranges.pdf");
    let bytes = std::fs::read(&path).expect("fixture");
    if let Ok(doc) = nenpo_pdf::Document::load(&bytes, None) {
        for n in 1..=doc.page_count() {
            let _ = doc.page(n);
        }
    }
}
