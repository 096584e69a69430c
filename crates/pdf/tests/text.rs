//! Text-layer tests: character recall against the font fixtures' truth tables, precision of
//! the no-ToUnicode fixture, scans, and spot checks on real Japanese PDFs.

mod common;

use common::*;
use std::path::Path;

/// Recall of the truth table's characters in the whole document, printed, asserted ≥ `min`.
fn check_recall(pdf: &Path, truth: &Path, min: f64) -> f64 {
    let doc = load(pdf);
    let (r, missing) = recall(&truth_text(truth), &all_text(&doc));
    println!(
        "recall {}: {:.4} (missing {:?})",
        pdf.display(),
        r,
        &missing[..missing.len().min(20)]
    );
    assert!(
        r >= min,
        "recall {r:.4} < {min} for {}; missing {missing:?}",
        pdf.display()
    );
    r
}

#[test]
fn recall_fixtures_in_crate() {
    check_recall(
        &fixture("budget_reportlab_cid_noembed.pdf"),
        &fixture("budget.truth.json"),
        0.995,
    );
    check_recall(
        &fixture("ruled_reportlab_ttf.pdf"),
        &fixture("ruled.truth.json"),
        0.995,
    );
}

#[test]
fn recall_font_corpus() {
    let Some(c) = corpus() else { return };
    let f = c.join("fonts");
    let t = f.join("truth");
    for (pdf, truth) in [
        ("ruled_chromium.pdf", "ruled.json"),
        ("ruled_reportlab_ttf.pdf", "ruled.json"),
        ("budget_chromium.pdf", "budget.json"),
        ("budget_lo_calc.pdf", "budget.json"),
        ("budget_reportlab_cid_noembed.pdf", "budget.json"),
        ("long_chromium.pdf", "long.json"),
    ] {
        check_recall(&f.join(pdf), &t.join(truth), 0.995);
    }
}

/// Without ToUnicode, text comes from the embedded font's cmap; what cannot be decoded is
/// counted, and nothing decoded may differ from the ToUnicode version at the same place.
#[test]
fn no_to_unicode_is_precise() {
    let Some(c) = corpus() else { return };
    let f = c.join("fonts");
    let with = load(&f.join("ruled_chromium.pdf"));
    let without = load(&f.join("ruled_chromium_noToUnicode.pdf"));
    let (mut same, mut wrong, mut undecoded, mut total) = (0usize, Vec::new(), 0usize, 0usize);
    for n in 1..=with.page_count() {
        let a = with.page(n).unwrap();
        let b = without.page(n).unwrap();
        undecoded += b.undecoded_glyphs;
        for g in &b.glyphs {
            total += 1;
            // The glyph(s) of the ToUnicode version under this glyph's centre.
            let under: String = a
                .glyphs
                .iter()
                .filter(|h| h.bbox.contains_point(g.bbox.cx(), g.bbox.cy()))
                .map(|h| h.text.as_str())
                .collect();
            let bag = char_bag(&g.text);
            let under_bag = char_bag(&under);
            if bag
                .iter()
                .all(|(c, k)| under_bag.get(c).copied().unwrap_or(0) >= *k)
            {
                same += 1;
            } else {
                wrong.push((n, g.text.clone(), under));
            }
        }
    }
    let truth = truth_text(&f.join("truth/ruled.json"));
    let (r, _) = recall(&truth, &all_text(&without));
    println!("noToUnicode: {total} glyphs, {same} agree, {} differ, {undecoded} undecoded, recall {r:.4}", wrong.len());
    assert!(
        wrong.is_empty(),
        "glyphs decoded differently from the ToUnicode version: {wrong:?}"
    );
    assert!(
        undecoded > 0 || r >= 0.995,
        "recall {r:.4} without any undecoded glyph counted"
    );
}

#[test]
fn scans_have_one_page_image_and_no_text() {
    let Some(c) = corpus() else { return };
    for (name, filter) in [
        ("ruled_scan300_jpeg.pdf", "DCTDecode"),
        ("budget_scan300_png.pdf", "FlateDecode"),
    ] {
        let doc = load(&c.join("fonts").join(name));
        for n in 1..=doc.page_count() {
            let p = doc.page(n).unwrap();
            assert!(
                p.glyphs.is_empty() && p.undecoded_glyphs == 0,
                "{name} p{n} has text"
            );
            assert_eq!(p.images.len(), 1, "{name} p{n}");
            let im = &p.images[0];
            assert_eq!(im.filter, filter);
            assert!(
                im.bbox.x0.abs() < 1.0 && im.bbox.top.abs() < 1.0,
                "{name} p{n} {:?}",
                im.bbox
            );
            assert!(
                (im.bbox.x1 - p.width).abs() < 1.0 && (im.bbox.bottom - p.height).abs() < 1.0,
                "{:?}",
                im.bbox
            );
            let object = im.object.expect("xobject id");
            let raw = doc.image_stream(object).unwrap();
            assert_eq!(raw.filter, filter);
            assert_eq!((raw.width, raw.height), (im.width, im.height));
            assert!(!raw.data.is_empty());
        }
    }
}

/// The page's glyph text with whitespace removed.
fn page_text(doc: &nenpo_pdf::Document, n: usize) -> String {
    doc.page(n)
        .unwrap()
        .glyphs
        .iter()
        .flat_map(|g| g.text.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn real_japanese_pdfs_spot_checks() {
    let Some(c) = corpus() else { return };
    let ja = c.join("peers/ja-real");
    let checks: &[(&str, usize, &[&str])] = &[
        (
            "fuji-r6-budget-full.pdf",
            10,
            &[
                "債務負担行為",
                "文書配達業務",
                "１０，０７４",
                "まちづくりセンター運営管理業務",
            ],
        ),
        ("kobe-kouritsu-youchien-ichiran-h290919.pdf", 1, &["幼稚園"]),
        ("mhlw-kinkyu-hinin-iryoukikan-13-tokyo.pdf", 1, &["東京都"]),
    ];
    for (file, page, needles) in checks {
        let doc = load(&ja.join(file));
        let text = page_text(&doc, *page);
        for n in *needles {
            assert!(
                text.contains(n),
                "{file} p{page} lacks {n:?}: {}",
                text.chars().take(300).collect::<String>()
            );
        }
    }
}

#[test]
fn info_title() {
    let Some(c) = corpus() else { return };
    let doc = load(&c.join("fonts/ruled_chromium.pdf"));
    assert_eq!(doc.info_title().as_deref(), Some("ruled.html"));
}
