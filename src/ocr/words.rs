//! An OCR engine's word boxes (pixels) into glyphs in page points for the layout stage.
//!
//! * Every glyph of a text line gets one height, an em centred on its ink: Tesseract's
//!   boxes are ink boxes (`一` is a few pixels high, digits lack the descender), while
//!   the layout stage groups lines by vertical overlap and words by gaps in em.
//! * CJK words are split into one glyph per character, each at least `cjk_cell_em` wide
//!   (Tesseract reports most Japanese as one "word" per character or two; a CJK glyph's
//!   advance is one em, so the layout stage then joins them as it joins a text layer).
//! * Ruling artefacts (`|`, `_`, … lying on a ruling found in the image) are dropped.
//! * Scan noise (a lone `.`, `'`, `~` of low confidence) is dropped; a lone dash-like word
//!   (`ー`, `一`, `—`) with space around it is the table's "none" mark `－`.
//! * A leading `A` of a numeric token becomes `▲` (`fix_triangle`). Other misreadings
//!   (`3.000` for `3,000`, `4` for `▲`) need the column's type: [`super::repair`].

use super::image::PixelMap;
use super::rulings::PxSegment;
use super::{OcrGlyph, OcrSettings};

pub use crate::text::chars::is_cjk;

/// One recognised word, in pixels of the image the engine read (Tesseract's TSV rows,
/// PP-OCR's words of a line).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EngineWord {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// 0–1 (Tesseract's 0–100 divided by 100; PP-OCR's lowest character probability).
    pub confidence: f32,
    /// The engine's text line: words of one line share it (Tesseract's block, paragraph,
    /// line numbers; PP-OCR's line box).
    pub line: (u32, u32, u32),
}

/// The em of digits and Latin capitals is about this many times their ink height.
pub const CAP_HEIGHT_EM: f64 = 0.72;

/// The smallest em (points) a line is measured in: smaller "text" is specks read as
/// characters, and would make every gap a word break.
const MIN_EM_PT: f64 = 4.0;

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// `A2,515` → `▲2,515`: an `A` followed by an amount as printed (grouped with commas, with
/// a decimal point, or at most three digits), not by a code such as `A01291605`. Returns
/// the text unchanged otherwise.
pub fn fix_triangle(text: &str) -> String {
    let mut it = text.chars();
    let first = it.next();
    let rest: &str = it.as_str();
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    // A formatted amount (`2,515`, `20.7`) or a short count; not a code (`A01291605`).
    let numeric = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && (rest.contains([',', '.']) || digits <= 3)
        && !(rest.starts_with('0') && !rest.starts_with("0.") && rest.len() > 1);
    if first == Some('A') && numeric {
        format!("▲{rest}")
    } else {
        text.to_string()
    }
}

/// A word of one or two dash-like characters (the table mark `－` as a recognizer reads
/// it).
fn is_dash_word(text: &str) -> bool {
    let n = text.chars().count();
    (1..=2).contains(&n) && text.chars().all(crate::text::marks::is_dash_as_read)
}

/// Converts one page's words; `rulings` are in the same pixels as the words.
///
/// Tesseract's boxes of multi-character Japanese words are unreliable (`公表` reported
/// 100 px wide over the next word `する`, `状況` 36 px for two 23 px characters), while
/// its word order within a line is right. So within each text line, words are laid out
/// left to right in Tesseract's order: a CJK word of n characters is its box's width,
/// held within n × `cjk_cell_em` … n × `cjk_cell_max_em`, from its left edge (a single character: centred on its ink), never starting
/// before the previous word ends nor running past the next word's left edge.
pub fn to_glyphs(
    words: &[EngineWord],
    map: &PixelMap,
    rulings: &[PxSegment],
    s: &OcrSettings,
) -> Vec<OcrGlyph> {
    let (sx, sy) = map.scale();
    let tol = s.artefact_tolerance_pt / sx.max(1e-9);
    let artefact = |c: char| s.artefact_chars.contains(c);
    // Text lines in order of first appearance, each with its words in Tesseract's order.
    let mut lines: Vec<((u32, u32, u32), Vec<&EngineWord>)> = Vec::new();
    for w in words
        .iter()
        .filter(|w| w.confidence >= s.min_word_confidence)
    {
        match lines.iter_mut().find(|(k, _)| *k == w.line) {
            Some((_, v)) => v.push(w),
            None => lines.push((w.line, vec![w])),
        }
    }
    let mut out = Vec::new();
    for (_, members) in &lines {
        let cjk_sizes: Vec<f64> = members
            .iter()
            .filter(|w| w.text.chars().count() == 1 && w.text.chars().all(is_cjk))
            .map(|w| w.width.max(w.height))
            .collect();
        let em = median(cjk_sizes)
            .or_else(|| median(members.iter().map(|w| w.height / CAP_HEIGHT_EM).collect()))
            .unwrap_or(crate::geom::BODY_TEXT_PT)
            .max(MIN_EM_PT);
        let line_cy =
            median(members.iter().map(|w| w.top + w.height / 2.0).collect()).unwrap_or(0.0);
        let mut prev_right = f64::NEG_INFINITY;
        for (k, w) in members.iter().enumerate() {
            let mut text = w.text.clone();
            let (mut left, mut right) = (w.left, w.left + w.width);
            let (cx, word_cy) = (w.left + w.width / 2.0, w.top + w.height / 2.0);
            // One band per line; a word far off it (another physical line) keeps its own.
            let cy = if (word_cy - line_cy).abs() <= 0.5 * em {
                line_cy
            } else {
                word_cy
            };
            let on_vertical = |x: f64| {
                rulings.iter().any(|r| {
                    !r.horizontal
                        && (x - r.pos).abs() <= tol
                        && cy >= r.start - tol
                        && cy <= r.end + tol
                })
            };
            let on_horizontal = || {
                rulings.iter().any(|r| {
                    r.horizontal
                        && (cy - r.pos).abs() <= tol
                        && cx >= r.start - tol
                        && cx <= r.end + tol
                })
            };
            if text.chars().all(artefact) && (on_vertical(cx) || on_horizontal()) {
                continue;
            }
            if w.confidence < s.noise_max_confidence
                && text.chars().all(|c| s.noise_chars.contains(c))
            {
                continue;
            }
            if s.lone_dash_gap_em > 0.0 && is_dash_word(&text) {
                let gap = s.lone_dash_gap_em * em;
                let before = k
                    .checked_sub(1)
                    .and_then(|j| members.get(j))
                    .is_none_or(|p| w.left - (p.left + p.width) >= gap);
                let after = members.get(k + 1).is_none_or(|n| n.left - right >= gap);
                if before && after {
                    text = "－".to_string();
                }
            }
            // `|12,165`: a ruling read into the word.
            let per = w.width / text.chars().count().max(1) as f64;
            while text.chars().count() > 1
                && text.chars().next().is_some_and(artefact)
                && on_vertical(left)
            {
                text = text.chars().skip(1).collect();
                left += per;
            }
            while text.chars().count() > 1
                && text.chars().last().is_some_and(artefact)
                && on_vertical(right)
            {
                text.pop();
                right -= per;
            }
            if s.fix_triangle {
                text = fix_triangle(&text);
            }
            let chars: Vec<char> = text.chars().collect();
            let all_cjk = chars.iter().all(|&c| is_cjk(c));
            let next_left = members
                .get(k + 1)
                .map(|n| n.left)
                .filter(|&l| l > left)
                .unwrap_or(f64::INFINITY);
            if all_cjk {
                let n = chars.len() as f64;
                let width = w.width.clamp(
                    n * em * s.cjk_cell_em,
                    n * em * s.cjk_cell_max_em.max(s.cjk_cell_em),
                );
                if chars.len() == 1 {
                    (left, right) = (cx - width / 2.0, cx + width / 2.0);
                } else {
                    right = left + width;
                }
                // Widened to its characters' em, a word never runs over a vertical
                // ruling it did not cross as read (the last character of a cell's line
                // pushed into the next column).
                let wall = rulings
                    .iter()
                    .filter(|r| {
                        !r.horizontal
                            && r.pos >= w.left + w.width - tol
                            && cy >= r.start - tol
                            && cy <= r.end + tol
                    })
                    .map(|r| r.pos)
                    .fold(f64::INFINITY, f64::min);
                right = right.min(next_left).min(wall);
            }
            left = left.max(prev_right);
            right = right.max(left + 1.0);
            prev_right = right;
            let (top, bottom) = (cy - em / 2.0, cy + em / 2.0);
            let glyph = |t: String, x0: f64, x1: f64| {
                let r = map.rect_to_points(x0, top, x1, bottom);
                OcrGlyph {
                    text: t,
                    bbox: [r.x0, r.top, r.x1, r.bottom],
                    size: em * sy,
                    confidence: w.confidence,
                }
            };
            if all_cjk {
                let step = (right - left) / chars.len() as f64;
                for (i, c) in chars.iter().enumerate() {
                    out.push(glyph(
                        c.to_string(),
                        left + i as f64 * step,
                        left + (i + 1) as f64 * step,
                    ));
                }
            } else {
                out.push(glyph(text, left, right));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;

    fn word(text: &str, left: f64, top: f64, width: f64, height: f64, line: u32) -> EngineWord {
        EngineWord {
            text: text.into(),
            left,
            top,
            width,
            height,
            confidence: 0.9,
            line: (1, 1, line),
        }
    }

    /// 1 px = 0.25 pt.
    fn map() -> PixelMap {
        PixelMap {
            bbox: Rect::new(0.0, 0.0, 100.0, 200.0),
            width: 400,
            height: 800,
        }
    }

    #[test]
    fn triangles() {
        assert_eq!(fix_triangle("A2,515"), "▲2,515");
        assert_eq!(fix_triangle("A20.7"), "▲20.7");
        assert_eq!(fix_triangle("A"), "A");
        assert_eq!(fix_triangle("ABC"), "ABC");
        assert_eq!(fix_triangle("A,1"), "A,1");
        assert_eq!(fix_triangle("41.8"), "41.8");
        assert_eq!(fix_triangle("A15"), "▲15");
        assert_eq!(fix_triangle("A0.5"), "▲0.5");
        assert_eq!(fix_triangle("A01291605"), "A01291605", "an identifier");
        assert_eq!(
            fix_triangle("A1234"),
            "A1234",
            "no grouping: a code, not an amount"
        );
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
        // All share the line's band (median ink centre, 119.5 px): the flat 一 too.
        for x in &g {
            assert!(
                ((x.bbox[1] + x.bbox[3]) / 2.0 - 119.5 * 0.25).abs() < 1e-6,
                "{x:?}"
            );
        }
    }

    #[test]
    fn widened_words_stop_at_a_vertical_ruling() {
        let s = OcrSettings::default();
        // 関する市 read 4 chars in 120 px (kana are narrow), a column ruling at x 235.
        let words = vec![word("関する市", 100.0, 100.0, 120.0, 38.0, 1)];
        let wall = PxSegment {
            horizontal: false,
            pos: 235.0,
            start: 0.0,
            end: 400.0,
            thickness: 2.0,
        };
        let g = to_glyphs(&words, &map(), &[wall], &s);
        let last = g.last().map(|x| x.bbox[2]).unwrap_or(0.0);
        assert!(last <= 235.0 * 0.25 + 1e-9, "{g:?}");
        // Without the ruling the characters take their em (4 × 38 × 0.95 px).
        let g = to_glyphs(&words, &map(), &[], &s);
        assert!(g.last().map(|x| x.bbox[2]).unwrap_or(0.0) > 235.0 * 0.25);
    }

    #[test]
    fn widened_characters_keep_their_order() {
        let s = OcrSettings::default();
        // 推進 and 管理 set tight: widening each to two em would make them overlap.
        // Tesseract's box of 公表 runs over the next word.
        let words = vec![
            word("化", 60.0, 100.0, 38.0, 38.0, 1),
            word("推進", 100.0, 100.0, 60.0, 38.0, 1),
            word("公表", 162.0, 100.0, 160.0, 38.0, 1),
            word("する", 240.0, 100.0, 70.0, 38.0, 1),
        ];
        let g = to_glyphs(&words, &map(), &[], &s);
        let mut sorted = g.clone();
        sorted.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
        let texts: String = sorted.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, "化推進公表する");
        for pair in sorted.windows(2) {
            assert!(pair[0].bbox[2] <= pair[1].bbox[0] + 1e-9, "{pair:?}");
        }
    }

    #[test]
    fn noise_is_dropped_and_lone_dashes_become_the_none_mark() {
        let s = OcrSettings::default();
        let mut speck = word(".", 150.0, 110.0, 4.0, 4.0, 1);
        speck.confidence = 0.3;
        let mut stop = word("。", 60.0, 100.0, 30.0, 30.0, 1);
        stop.confidence = 0.93;
        let words = vec![
            word("計", 20.0, 100.0, 38.0, 38.0, 1),
            stop,
            speck,
            word("ー", 250.0, 118.0, 30.0, 4.0, 1),
            word("12,165", 330.0, 104.0, 60.0, 29.0, 1),
            // Inside Japanese text `一` is a character, not a mark.
            word("統", 20.0, 300.0, 38.0, 38.0, 2),
            word("一", 60.0, 318.0, 34.0, 5.0, 2),
        ];
        let g = to_glyphs(&words, &map(), &[], &s);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["計", "。", "－", "12,165", "統", "一"]);
        let off = OcrSettings {
            lone_dash_gap_em: 0.0,
            noise_max_confidence: 0.0,
            ..s
        };
        let g = to_glyphs(&words, &map(), &[], &off);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["計", "。", ".", "ー", "12,165", "統", "一"]);
    }

    #[test]
    fn ruling_artefacts_are_dropped() {
        let s = OcrSettings::default();
        let v = PxSegment {
            horizontal: false,
            pos: 200.0,
            start: 0.0,
            end: 800.0,
            thickness: 3.0,
        };
        let h = PxSegment {
            horizontal: true,
            pos: 400.0,
            start: 0.0,
            end: 400.0,
            thickness: 3.0,
        };
        let words = vec![
            word("|", 198.0, 100.0, 4.0, 40.0, 1),
            word("|12,165", 201.0, 100.0, 70.0, 30.0, 1),
            word("_", 50.0, 396.0, 30.0, 6.0, 2),
            word("|", 50.0, 600.0, 4.0, 40.0, 3),
        ];
        let g = to_glyphs(&words, &map(), &[v, h], &s);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["12,165", "|"],
            "a `|` away from rulings is kept"
        );
        assert!((g[0].bbox[0] - 211.0 * 0.25).abs() < 1e-6);
    }
}
