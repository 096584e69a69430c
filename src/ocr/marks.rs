//! Marks a recognizer does not read: rule `dash_mark`.
//!
//! Japanese tables print "none" as a dash alone in a cell (`－`, `―`). A text detector
//! looks for lines of characters and often passes a lone bar over: PP-OCR found 61 of the
//! 82 `－` cells of the scanned dev documents, and none of the 14 `―` of a scanned 財産目録
//! (`取得年度` of items bought before records). So after recognition the page image is
//! searched for such bars: a solid horizontal stroke `dash_min_em`–`dash_max_em` long and
//! at most `dash_max_thickness_em` thick, with blank paper around it
//! (`dash_clear_em`) and no recognized word over it, becomes a word `―`; the word model
//! turns a lone dash into the table's "none" mark like any recognized one.

use super::image::{ink_level, Gray};
use super::rulings::PxSegment;
use super::words::EngineWord;
use super::OcrSettings;

/// The confidence given to a mark found from its pixels: a solid isolated bar is what it
/// is, but no recognizer vouched for it.
const MARK_CONFIDENCE: f32 = 0.9;

/// The engine line of marks: apart from every recognized line.
const MARK_LINE: u32 = u32::MAX;

/// Runs of ink on consecutive pixel rows overlapping by this fraction of the shorter are
/// one stroke.
const SAME_STROKE: f64 = 0.7;

/// Ink this many em around a bar touches it: the bar's own ragged edge.
const HALO_EM: f64 = 0.1;

/// The smallest em (pixels) the dash sizes are measured in: below it a page's words are
/// specks, and a bar of a pixel or two would pass for a dash.
const MIN_EM_PX: f64 = 4.0;

/// Around a bar, one pixel of ink in this many is scan noise or JPEG ringing, not a
/// character touching the bar.
const STRAY_PIXELS_IN: usize = 200;

/// A bar being traced: rows `y0..y1`, columns `x0..x1` (the union of its rows).
#[derive(Clone, Copy, Debug)]
struct Bar {
    y0: usize,
    y1: usize,
    x0: usize,
    x1: usize,
}

/// Dash marks in `img` (the prepared page, with `rulings` erased) that none of `words`
/// covers.
pub fn dash_marks(
    img: &Gray,
    words: &[EngineWord],
    rulings: &[PxSegment],
    s: &OcrSettings,
) -> Vec<EngineWord> {
    if !s.dash_marks || img.width == 0 || img.height == 0 {
        return Vec::new();
    }
    let mut heights: Vec<f64> = words
        .iter()
        .filter(|w| w.text.chars().count() >= 2)
        .map(|w| w.height)
        .collect();
    if heights.is_empty() {
        return Vec::new();
    }
    heights.sort_by(f64::total_cmp);
    let em = heights[heights.len() / 2].max(MIN_EM_PX);
    let (min_len, max_len) = (s.dash_min_em * em, s.dash_max_em * em);
    let max_thick = (s.dash_max_thickness_em * em).max(1.0);
    // A single pixel row is a hairline (a thin rule broken into pieces), never a dash.
    let min_thick = (s.dash_min_thickness_em * em).clamp(2.0, max_thick.max(2.0));
    let ink = ink_level(img);
    let mut open: Vec<Bar> = Vec::new();
    let mut done: Vec<Bar> = Vec::new();
    for y in 0..img.height {
        let row = &img.pixels[y * img.width..(y + 1) * img.width];
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (x, &p) in row.iter().chain(std::iter::once(&255u8)).enumerate() {
            match (p <= ink, start) {
                (true, None) => start = Some(x),
                (false, Some(a)) => {
                    let len = (x - a) as f64;
                    if len >= min_len && len <= max_len {
                        runs.push((a, x));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        let mut next: Vec<Bar> = Vec::with_capacity(runs.len());
        for (a, b) in runs {
            // The same stroke on the next pixel row: it covers most of the shorter of
            // the two (anti-aliased ends make the rows of a bar differ by a few pixels).
            let same = |bar: &Bar| {
                let overlap = b.min(bar.x1).saturating_sub(a.max(bar.x0));
                overlap as f64 >= SAME_STROKE * (b - a).min(bar.x1 - bar.x0) as f64
            };
            match open.iter().position(same) {
                Some(i) => {
                    let mut bar = open.swap_remove(i);
                    bar.y1 = y + 1;
                    bar.x0 = bar.x0.min(a);
                    bar.x1 = bar.x1.max(b);
                    next.push(bar);
                }
                None => next.push(Bar {
                    y0: y,
                    y1: y + 1,
                    x0: a,
                    x1: b,
                }),
            }
        }
        done.append(&mut open);
        open = next;
        if done.len() > s.det_max_boxes.saturating_mul(4) {
            break;
        }
    }
    done.append(&mut open);
    let covered = |bar: &Bar| {
        words.iter().any(|w| {
            (bar.x0 as f64) < w.left + w.width
                && (bar.x1 as f64) > w.left
                && (bar.y0 as f64) < w.top + w.height
                && (bar.y1 as f64) > w.top
        })
    };
    let clear = s.dash_clear_em * em;
    let halo = (HALO_EM * em).ceil() as usize;
    // What is left of an erased ruling lies along it; the image no longer shows it.
    let on_ruling = |bar: &Bar| {
        let cy = (bar.y0 + bar.y1) as f64 / 2.0;
        rulings.iter().any(|r| {
            r.horizontal
                && (cy - r.pos).abs() <= clear + r.thickness / 2.0
                && (bar.x1 as f64) > r.start
                && (bar.x0 as f64) < r.end
        })
    };
    let mut out = Vec::new();
    for bar in done {
        let thick = (bar.y1 - bar.y0) as f64;
        if thick < min_thick
            || thick > max_thick
            || covered(&bar)
            || on_ruling(&bar)
            || !clear_around(img, ink, &bar, clear, halo)
        {
            continue;
        }
        out.push(EngineWord {
            text: "―".to_string(),
            left: bar.x0 as f64,
            top: bar.y0 as f64,
            width: (bar.x1 - bar.x0) as f64,
            height: thick,
            confidence: MARK_CONFIDENCE,
            line: (MARK_LINE, out.len() as u32, 0),
        });
    }
    out
}

/// Whether the paper `margin` pixels around `bar` (beside and above and below it) holds
/// no ink: the bar stands alone, not a stroke of a character (`二`, `工`, `=`) or an
/// underline.
/// Ink within `halo` pixels of the bar (specks of a rough print, JPEG ringing) is the
/// bar's own.
fn clear_around(img: &Gray, ink: u8, bar: &Bar, margin: f64, halo: usize) -> bool {
    let m = margin.ceil() as usize;
    let inner = Bar {
        y0: bar.y0.saturating_sub(halo),
        y1: bar.y1 + halo,
        x0: bar.x0.saturating_sub(halo),
        x1: bar.x1 + halo,
    };
    let (x0, x1) = (bar.x0.saturating_sub(m), (bar.x1 + m).min(img.width));
    let (y0, y1) = (bar.y0.saturating_sub(m), (bar.y1 + m).min(img.height));
    // A few stray pixels (scan noise, JPEG ringing) are not a character.
    let allowed = ((x1 - x0) * (y1 - y0)) / STRAY_PIXELS_IN;
    let mut found = 0usize;
    for y in y0..y1 {
        let row = &img.pixels[y * img.width..(y + 1) * img.width];
        for (x, &p) in row.iter().enumerate().take(x1).skip(x0) {
            let inside = y >= inner.y0 && y < inner.y1 && x >= inner.x0 && x < inner.x1;
            if !inside && p <= ink {
                found += 1;
                if found > allowed {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, left: f64, top: f64, width: f64, height: f64) -> EngineWord {
        EngineWord {
            text: text.into(),
            left,
            top,
            width,
            height,
            confidence: 0.99,
            line: (1, 1, 1),
        }
    }

    fn fill(g: &mut Gray, x0: usize, y0: usize, x1: usize, y1: usize) {
        for y in y0..y1 {
            for x in x0..x1 {
                g.pixels[y * g.width + x] = 0;
            }
        }
    }

    #[test]
    fn a_lone_bar_in_a_cell_is_a_dash_and_strokes_of_text_are_not() {
        let mut g = Gray::new(600, 200, 250);
        // Text lines 40 px high (the em), read by the recognizer.
        fill(&mut g, 20, 20, 180, 60);
        let words = vec![word("現金預金", 20.0, 20.0, 160.0, 40.0)];
        // A dash 34 px long, 6 px thick, alone in its cell.
        fill(&mut g, 300, 37, 334, 43);
        // An `=`: two bars 8 px apart, each too close to the other to stand alone.
        fill(&mut g, 450, 30, 484, 35);
        fill(&mut g, 450, 43, 484, 48);
        // A thin dash (2 px) is one too: a 300 dpi scan prints `―` that thin.
        fill(&mut g, 300, 110, 321, 112);
        // A hairline (1 px), a piece of a thin rule, is not.
        fill(&mut g, 420, 110, 480, 111);
        // The remains of an erased ruling along it are not.
        fill(&mut g, 100, 150, 130, 152);
        let rulings = [PxSegment {
            horizontal: true,
            pos: 153.0,
            start: 10.0,
            end: 590.0,
            thickness: 3.0,
        }];
        // A long bar: a rule fragment.
        fill(&mut g, 380, 150, 560, 156);
        let s = OcrSettings::default();
        let marks = dash_marks(&g, &words, &rulings, &s);
        assert_eq!(marks.len(), 2, "{marks:?}");
        assert_eq!((marks[1].left, marks[1].top), (300.0, 110.0));
        assert_eq!(marks[0].text, "―");
        assert_eq!((marks[0].left, marks[0].top), (300.0, 37.0));
        // A bar a recognized word covers is that word's (the thin one is left).
        let covered = vec![words[0].clone(), word("－", 296.0, 30.0, 42.0, 20.0)];
        assert_eq!(dash_marks(&g, &covered, &rulings, &s).len(), 1);
        // Turned off.
        let off = OcrSettings {
            dash_marks: false,
            ..OcrSettings::default()
        };
        assert!(dash_marks(&g, &words, &rulings, &off).is_empty());
    }
}
