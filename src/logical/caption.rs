//! Captions: the text lines just above a table's first part (`表1　区別人口…`,
//! `（単位：千円）`), collected upwards from the table's top while the lines stay close.

use crate::geom::Rect;
use crate::layout::PageLayout;

use super::settings::LogicalSettings;
use super::text::is_page_number;

/// The caption of a table whose first part is `bbox` on `layout`'s page; `others` are the
/// other tables on that page (their text is never a caption).
pub fn caption(
    layout: &PageLayout,
    bbox: &Rect,
    others: &[Rect],
    s: &LogicalSettings,
) -> Option<String> {
    // Horizontal text lines above the table that overlap it horizontally.
    let mut above: Vec<(Rect, String)> = layout
        .lines
        .iter()
        .filter(|l| l.bbox.bottom <= bbox.top + 1.0 && l.bbox.overlap_x(bbox) > 0.0)
        .filter(|l| {
            !others
                .iter()
                .any(|o| o.contains_point(l.bbox.cx(), l.bbox.cy()))
        })
        .filter_map(|l| {
            let words = layout.horizontal_words(l);
            if words.is_empty() {
                return None;
            }
            Some((l.bbox, line_text(&words)))
        })
        .collect();
    above.sort_by(|a, b| b.0.bottom.total_cmp(&a.0.bottom));
    let mut out: Vec<String> = Vec::new();
    let mut edge = bbox.top;
    for (r, t) in above {
        if out.len() >= s.caption_max_lines {
            break;
        }
        let h = r.height().max(1.0);
        if edge - r.bottom > s.caption_max_gap_lines * h {
            break;
        }
        if is_page_number(&t) {
            break;
        }
        out.push(t);
        edge = r.top;
    }
    if out.is_empty() {
        return None;
    }
    out.reverse();
    Some(out.join("\n"))
}

/// A gap between two words of a caption line wider than this share of the font size is
/// a space: a third of an em, the width of a Latin space in most fonts.
const SPACE_EM: f64 = 1.0 / 3.0;

/// Words of one line joined: a gap wider than [`SPACE_EM`] is a space.
fn line_text(words: &[&crate::layout::Word]) -> String {
    let mut t = String::new();
    let mut prev: Option<&crate::layout::Word> = None;
    for w in words {
        if let Some(p) = prev {
            if w.bbox.x0 - p.bbox.x1 > w.size.max(1.0) * SPACE_EM {
                t.push(' ');
            }
        }
        t.push_str(&w.text);
        prev = Some(w);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{TextLine, Word};

    fn word(text: &str, x0: f64, top: f64, line: usize) -> Word {
        let w = 10.0 * text.chars().count() as f64;
        Word {
            text: text.into(),
            bbox: Rect::new(x0, top, x0 + w, top + 10.0),
            size: 10.0,
            bold: false,
            vertical: false,
            line,
            confidence: 1.0,
            chars: Vec::new(),
        }
    }

    #[test]
    fn caption_lines_close_above_the_table() {
        let words = vec![
            word("本文です。", 50.0, 10.0, 0),
            word("表1", 50.0, 40.0, 1),
            word("区別人口", 90.0, 40.0, 1),
            word("（単位：人）", 300.0, 54.0, 2),
        ];
        let lines = vec![
            TextLine {
                bbox: Rect::new(50.0, 10.0, 100.0, 20.0),
                words: vec![0],
            },
            TextLine {
                bbox: Rect::new(50.0, 40.0, 130.0, 50.0),
                words: vec![1, 2],
            },
            TextLine {
                bbox: Rect::new(300.0, 54.0, 360.0, 64.0),
                words: vec![3],
            },
        ];
        let layout = PageLayout {
            number: 1,
            width: 600.0,
            height: 800.0,
            words,
            lines,
            ..Default::default()
        };
        let s = LogicalSettings::default();
        let table = Rect::new(50.0, 68.0, 400.0, 300.0);
        assert_eq!(
            caption(&layout, &table, &[], &s).as_deref(),
            Some("表1 区別人口\n（単位：人）")
        );
        // Far below any text: no caption.
        let low = Rect::new(50.0, 200.0, 400.0, 300.0);
        assert_eq!(caption(&layout, &low, &[], &s), None);
    }
}
