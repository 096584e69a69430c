//! Geometry against poppler: our glyph boxes must agree with `pdftotext -bbox` word boxes
//! (top-left displayed coordinates) within about a point, on plain, rotated-text and
//! `/Rotate` pages. Skipped when pdftotext or the corpus is absent.

mod common;

use common::*;
use nenpo_pdf::Rect;
use std::path::Path;

/// Share of pdftotext words (of 2+ characters) whose box our glyphs reproduce: the union of
/// our glyphs centred inside the word box (grown by 1 pt) has both edges along the text and
/// the centre across it within `tol`.
fn agreement(path: &Path, page: usize, tol: f64) -> Option<(f64, usize)> {
    let words = pdftotext_words(path, page)?;
    let doc = load(path);
    let p = doc.page(page).unwrap();
    let mut ok = 0;
    let mut n = 0;
    let mut bad = Vec::new();
    for w in words.iter().filter(|w| w.text.chars().count() >= 2) {
        n += 1;
        let wr = Rect::new(w.x0, w.top, w.x1, w.bottom);
        let grown = wr.expand(1.0);
        let inside: Vec<&Rect> = p
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty() && grown.contains_point(g.bbox.cx(), g.bbox.cy()))
            .map(|g| &g.bbox)
            .collect();
        let Some(u) = inside
            .iter()
            .skip(1)
            .fold(inside.first().copied().copied(), |acc, r| {
                acc.map(|a| a.union(r))
            })
        else {
            bad.push((w.text.clone(), wr, None));
            continue;
        };
        // Along the text: both edges; across it: the centre (ascent/descent conventions differ).
        let d = if wr.width() >= wr.height() {
            [
                (u.x0 - wr.x0).abs(),
                (u.x1 - wr.x1).abs(),
                (u.cy() - wr.cy()).abs(),
            ]
        } else {
            [
                (u.top - wr.top).abs(),
                (u.bottom - wr.bottom).abs(),
                (u.cx() - wr.cx()).abs(),
            ]
        };
        if d.iter().all(|v| *v <= tol) {
            ok += 1;
        } else {
            bad.push((w.text.clone(), wr, Some(u)));
        }
    }
    println!(
        "{} p{page}: {ok}/{n} words agree; first misses: {:?}",
        path.display(),
        &bad[..bad.len().min(3)]
    );
    Some((ok as f64 / n.max(1) as f64, n))
}

fn check(rel: &str, page: usize, min: f64) {
    let Some(c) = corpus() else { return };
    let path = c.join(rel);
    let Some((share, n)) = agreement(&path, page, 1.5) else {
        eprintln!("note: pdftotext not available, skipping");
        return;
    };
    assert!(n > 5, "{rel}: only {n} words");
    assert!(
        share >= min,
        "{rel} p{page}: only {:.1}% of words agree",
        share * 100.0
    );
}

#[test]
fn boxes_match_poppler_plain() {
    check("fonts/budget_chromium.pdf", 1, 0.9);
    check("peers/ja-real/fuji-r6-budget-full.pdf", 10, 0.9);
    check("peers/camelot/pdf/health.pdf", 1, 0.9);
}

#[test]
fn boxes_match_poppler_rotated_text() {
    check("peers/camelot/pdf/anticlockwise_table_1.pdf", 1, 0.9);
    check("peers/camelot/pdf/clockwise_table_1.pdf", 1, 0.9);
}

#[test]
fn boxes_match_poppler_rotated_pages() {
    check("peers/tabula-java/pdf/rotated_page.pdf", 1, 0.9);
    check(
        "peers/pdfplumber/pdf/nics-background-checks-2015-11-rotated.pdf",
        1,
        0.9,
    );
}

#[test]
fn rotated_page_geometry() {
    let Some(c) = corpus() else { return };
    let doc = load(&c.join("peers/tabula-java/pdf/rotated_page.pdf"));
    let p = doc.page(1).unwrap();
    assert!(p.rotate == 90 || p.rotate == 270, "rotate {}", p.rotate);
    assert!(p.width > p.height, "{}x{}", p.width, p.height);
    for g in &p.glyphs {
        assert!(
            g.bbox.x0 > -2.0
                && g.bbox.x1 < p.width + 2.0
                && g.bbox.top > -2.0
                && g.bbox.bottom < p.height + 2.0,
            "{g:?}"
        );
    }
}

#[test]
fn ruled_fixture_has_rules() {
    let doc = load(&fixture("ruled_reportlab_ttf.pdf"));
    let p = doc.page(1).unwrap();
    let horizontal = p
        .lines
        .iter()
        .filter(|l| (l.a.y - l.b.y).abs() < 0.1 && (l.a.x - l.b.x).abs() > 50.0)
        .count();
    let vertical = p
        .lines
        .iter()
        .filter(|l| (l.a.x - l.b.x).abs() < 0.1 && (l.a.y - l.b.y).abs() > 50.0)
        .count();
    assert!(
        horizontal >= 3 && vertical >= 3,
        "{horizontal} horizontal, {vertical} vertical of {}",
        p.lines.len()
    );
    let Some(c) = corpus() else { return };
    let doc = load(&c.join("fonts/ruled_chromium.pdf"));
    let p = doc.page(1).unwrap();
    let thin = p
        .fills
        .iter()
        .filter(|f| !f.white && (f.rect.width() < 2.0 || f.rect.height() < 2.0))
        .count();
    assert!(thin >= 10, "{thin} thin filled rules");
}
