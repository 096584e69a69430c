//! Hand-made words, rulings and pages for the table stage's unit tests.

use crate::geom::Rect;
use crate::layout::{PageLayout, Ruling, TextLine, Word, WordChar};

/// A word filling the box, its characters evenly spread across the width.
pub fn word(text: &str, x0: f64, top: f64, x1: f64, bottom: f64) -> Word {
    let n = text.chars().count().max(1) as f64;
    let cw = (x1 - x0) / n;
    let chars = text
        .chars()
        .enumerate()
        .map(|(i, c)| WordChar {
            text: c.to_string(),
            x0: x0 + cw * i as f64,
            x1: x0 + cw * (i as f64 + 1.0),
        })
        .collect();
    Word {
        text: text.into(),
        bbox: Rect::new(x0, top, x1, bottom),
        size: bottom - top,
        bold: false,
        vertical: false,
        line: 0,
        confidence: 1.0,
        chars,
    }
}

/// A 10 pt word starting at (`x0`, `top`): CJK characters 10 pt wide, others 5 pt.
pub fn w(text: &str, x0: f64, top: f64) -> Word {
    let width: f64 = text
        .chars()
        .map(|c| if (c as u32) >= 0x2E80 { 10.0 } else { 5.0 })
        .sum();
    word(text, x0, top, x0 + width, top + 10.0)
}

pub fn hline(y: f64, x0: f64, x1: f64) -> Ruling {
    Ruling::horizontal(y, x0, x1)
}

pub fn vline(x: f64, top: f64, bottom: f64) -> Ruling {
    Ruling::vertical(x, top, bottom)
}

/// A 600 x 800 pt page; text lines rebuilt from the words' vertical overlap.
pub fn page(mut words: Vec<Word>, rulings: Vec<Ruling>) -> PageLayout {
    words.sort_by(|a, b| {
        a.bbox
            .top
            .total_cmp(&b.bbox.top)
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    let mut lines: Vec<TextLine> = Vec::new();
    for i in 0..words.len() {
        let b = words[i].bbox;
        let found = lines
            .iter()
            .position(|l| l.bbox.overlap_y(&b) >= 0.5 * b.height().min(l.bbox.height()));
        match found {
            Some(li) => {
                lines[li].bbox = lines[li].bbox.union(&b);
                lines[li].words.push(i);
                words[i].line = li;
            }
            None => {
                words[i].line = lines.len();
                lines.push(TextLine {
                    bbox: b,
                    words: vec![i],
                });
            }
        }
    }
    PageLayout {
        number: 1,
        width: 600.0,
        height: 800.0,
        words,
        lines,
        rulings,
        text_source: Default::default(),
    }
}

/// Rulings of a full grid: horizontal lines at `ys`, vertical lines at `xs`.
pub fn full_grid(xs: &[f64], ys: &[f64]) -> Vec<Ruling> {
    let (x0, x1) = (xs[0], xs[xs.len() - 1]);
    let (y0, y1) = (ys[0], ys[ys.len() - 1]);
    let mut r: Vec<Ruling> = ys.iter().map(|&y| hline(y, x0, x1)).collect();
    r.extend(xs.iter().map(|&x| vline(x, y0, y1)));
    r
}
