//! Tesseract's word boxes (pixels) into glyphs in page points for the layout stage.
//!
//! * Every glyph of a text line gets one height, an em centred on its ink: Tesseract's
//!   boxes are ink boxes (`一` is a few pixels high, digits lack the descender), while
//!   the layout stage groups lines by vertical overlap and words by gaps in em.
//! * CJK words are split into one glyph per character, each at least `cjk_cell_em` wide
//!   (Tesseract reports most Japanese as one "word" per character or two; a CJK glyph's
//!   advance is one em, so the layout stage then joins them as it joins a text layer).
//! * Ruling artefacts (`|`, `_`, … lying on a ruling found in the image) are dropped.
//! * A leading `A` of a numeric token becomes `▲` (`fix_triangle`). Other misreadings
//!   (`3.000` for `3,000`, `4` for `▲`) need the column's type and are left to later stages.

use super::image::PixelMap;
use super::rulings::PxSegment;
use super::tesseract::TessWord;
use super::{OcrGlyph, OcrSettings};

/// CJK ideographs, kana, full-width forms and CJK punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x2E80..=0x2FDF)
}

/// The em of digits and Latin capitals is about this many times their ink height.
const CAP_HEIGHT_EM: f64 = 0.72;

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// `A2,515` → `▲2,515`: an `A` followed only by digits, commas and points (one digit at
/// least). Returns the text unchanged otherwise.
pub fn fix_triangle(text: &str) -> String {
    let mut it = text.chars();
    let first = it.next();
    let rest: &str = it.as_str();
    let numeric = !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit());
    if first == Some('A') && numeric {
        format!("▲{rest}")
    } else {
        text.to_string()
    }
}

/// Converts one page's words; `rulings` are in the same pixels as the words.
pub fn to_glyphs(words: &[TessWord], map: &PixelMap, rulings: &[PxSegment], s: &OcrSettings) -> Vec<OcrGlyph> {
    let (sx, sy) = map.scale();
    let tol = s.artefact_tolerance_pt / sx.max(1e-9);
    let artefact = |c: char| s.artefact_chars.contains(c);
    // The em of each text line.
    let mut lines: Vec<(u32, u32, u32)> = words.iter().map(|w| w.line).collect();
    lines.sort();
    lines.dedup();
    let em_of = |line: (u32, u32, u32)| -> f64 {
        let members: Vec<&TessWord> = words.iter().filter(|w| w.line == line).collect();
        let cjk: Vec<f64> = members
            .iter()
            .filter(|w| w.text.chars().count() == 1 && w.text.chars().all(is_cjk))
            .map(|w| w.width.max(w.height))
            .collect();
        let em = median(cjk).or_else(|| median(members.iter().map(|w| w.height / CAP_HEIGHT_EM).collect()));
        em.unwrap_or(10.0).max(4.0)
    };
    let ems: Vec<((u32, u32, u32), f64)> = lines.iter().map(|&l| (l, em_of(l))).collect();

    // Room each word may grow into: up to the middle of the gap to its neighbours' ink on
    // its text line (a widened character must not overlap, or pass, the next one).
    let room: Vec<(f64, f64)> = words
        .iter()
        .map(|w| {
            let (l, r) = (w.left, w.left + w.width);
            let mut lo = f64::NEG_INFINITY;
            let mut hi = f64::INFINITY;
            for o in words.iter().filter(|o| o.line == w.line && !std::ptr::eq(*o, w)) {
                let (ol, or) = (o.left, o.left + o.width);
                if or <= l {
                    lo = lo.max((or + l) / 2.0);
                } else if ol >= r {
                    hi = hi.min((r + ol) / 2.0);
                }
            }
            (lo, hi)
        })
        .collect();

    let mut out = Vec::new();
    for (w, &(lo, hi)) in words.iter().zip(&room).filter(|(w, _)| w.confidence >= s.min_word_confidence) {
        let em = ems.iter().find(|(l, _)| *l == w.line).map_or(10.0, |(_, e)| *e);
        let mut text = w.text.clone();
        let (mut left, mut right) = (w.left, w.left + w.width);
        let (cx, cy) = (w.left + w.width / 2.0, w.top + w.height / 2.0);
        let on_vertical = |x: f64| {
            rulings
                .iter()
                .any(|r| !r.horizontal && (x - r.pos).abs() <= tol && cy >= r.start - tol && cy <= r.end + tol)
        };
        let on_horizontal = || {
            rulings
                .iter()
                .any(|r| r.horizontal && (cy - r.pos).abs() <= tol && cx >= r.start - tol && cx <= r.end + tol)
        };
        if text.chars().all(artefact) && (on_vertical(cx) || on_horizontal()) {
            continue;
        }
        // `|12,165`: a ruling read into the word.
        let n = text.chars().count().max(1) as f64;
        let per = w.width / n;
        while text.chars().count() > 1 && text.chars().next().is_some_and(artefact) && on_vertical(left) {
            text = text.chars().skip(1).collect();
            left += per;
        }
        while text.chars().count() > 1 && text.chars().last().is_some_and(artefact) && on_vertical(right) {
            text.pop();
            right -= per;
        }
        if s.fix_triangle {
            text = fix_triangle(&text);
        }
        let (top, bottom) = (cy - em / 2.0, cy + em / 2.0);
        let chars: Vec<char> = text.chars().collect();
        if chars.iter().all(|&c| is_cjk(c)) {
            // One glyph per character, each at least one CJK cell wide.
            let width = (right - left).max(chars.len() as f64 * em * s.cjk_cell_em);
            let mid = (left + right) / 2.0;
            let x0 = (mid - width / 2.0).max(lo.min(left));
            let x1 = (mid + width / 2.0).min(hi.max(right));
            let step = (x1 - x0) / chars.len() as f64;
            for (i, c) in chars.iter().enumerate() {
                let r = map.rect_to_points(x0 + i as f64 * step, top, x0 + (i + 1) as f64 * step, bottom);
                out.push(OcrGlyph {
                    text: c.to_string(),
                    bbox: [r.x0, r.top, r.x1, r.bottom],
                    size: em * sy,
                    confidence: w.confidence,
                });
            }
        } else {
            let r = map.rect_to_points(left, top, right, bottom);
            out.push(OcrGlyph { text, bbox: [r.x0, r.top, r.x1, r.bottom], size: em * sy, confidence: w.confidence });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;

    fn word(text: &str, left: f64, top: f64, width: f64, height: f64, line: u32) -> TessWord {
        TessWord { text: text.into(), left, top, width, height, confidence: 0.9, line: (1, 1, line) }
    }

    /// 1 px = 0.25 pt.
    fn map() -> PixelMap {
        PixelMap { bbox: Rect::new(0.0, 0.0, 100.0, 200.0), width: 400, height: 800 }
    }

    #[test]
    fn triangles() {
        assert_eq!(fix_triangle("A2,515"), "▲2,515");
        assert_eq!(fix_triangle("A20.7"), "▲20.7");
        assert_eq!(fix_triangle("A"), "A");
        assert_eq!(fix_triangle("ABC"), "ABC");
        assert_eq!(fix_triangle("A,1"), "A,1");
        assert_eq!(fix_triangle("41.8"), "41.8");
    }

    #[test]
    fn cjk_words_become_em_wide_characters() {
        let s = OcrSettings::default();
        // 事業名: 事業 as one word, 名 alone, 40 px em; 一 is flat.
        let words = vec![
            word("事業", 100.0, 100.0, 78.0, 38.0, 1),
            word("名", 180.0, 101.0, 36.0, 37.0, 1),
            word("一", 240.0, 118.0, 34.0, 5.0, 1),
            word("12,165", 300.0, 104.0, 80.0, 29.0, 1),
        ];
        let g = to_glyphs(&words, &map(), &[], &s);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["事", "業", "名", "一", "12,165"]);
        // Heights are one em (median CJK em: 38 px = 9.5 pt).
        for x in &g {
            assert!((x.bbox[3] - x.bbox[1] - 9.5).abs() < 0.3, "{x:?}");
            assert!((x.size - 9.5).abs() < 0.3);
        }
        // 事 and 業 touch; 名 starts within 0.2 em of 業's end.
        assert!((g[0].bbox[2] - g[1].bbox[0]).abs() < 1e-9);
        assert!(g[2].bbox[0] - g[1].bbox[2] < 0.2 * 9.5);
        // 一 is centred on its ink.
        assert!(((g[3].bbox[1] + g[3].bbox[3]) / 2.0 - 120.5 * 0.25).abs() < 1e-6);
    }

    #[test]
    fn widened_characters_keep_their_order() {
        let s = OcrSettings::default();
        // 推進 and 管理 set tight: widening each to two em would make them overlap.
        let words = vec![
            word("推進", 100.0, 100.0, 60.0, 38.0, 1),
            word("管理", 162.0, 100.0, 60.0, 38.0, 1),
            word("化", 60.0, 100.0, 38.0, 38.0, 1),
        ];
        let g = to_glyphs(&words, &map(), &[], &s);
        let mut sorted = g.clone();
        sorted.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
        let texts: String = sorted.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, "化推進管理");
        for pair in sorted.windows(2) {
            assert!(pair[0].bbox[2] <= pair[1].bbox[0] + 1e-9, "{pair:?}");
        }
    }

    #[test]
    fn ruling_artefacts_are_dropped() {
        let s = OcrSettings::default();
        let v = PxSegment { horizontal: false, pos: 200.0, start: 0.0, end: 800.0, thickness: 3.0 };
        let h = PxSegment { horizontal: true, pos: 400.0, start: 0.0, end: 400.0, thickness: 3.0 };
        let words = vec![
            word("|", 198.0, 100.0, 4.0, 40.0, 1),
            word("|12,165", 201.0, 100.0, 70.0, 30.0, 1),
            word("_", 50.0, 396.0, 30.0, 6.0, 2),
            word("|", 50.0, 600.0, 4.0, 40.0, 3),
        ];
        let g = to_glyphs(&words, &map(), &[v, h], &s);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["12,165", "|"], "a `|` away from rulings is kept");
        assert!((g[0].bbox[0] - 211.0 * 0.25).abs() < 1e-6);
    }
}
