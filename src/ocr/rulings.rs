//! Ruling lines in a page image: long, nearly solid runs of ink along rows (horizontal)
//! or columns (vertical), merged over neighbouring rows into segments with a thickness.
//! The image is deskewed before this runs, so rulings are axis-aligned.

use super::image::Gray;
use super::OcrSettings;

/// A ruling found in pixels (edges: a run over columns 10..20 has `start` 10, `end` 20).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PxSegment {
    pub horizontal: bool,
    /// Centre row of a horizontal ruling, centre column of a vertical one.
    pub pos: f64,
    /// Extent along the line.
    pub start: f64,
    pub end: f64,
    /// Rows (columns) of ink across the line.
    pub thickness: f64,
}

/// Finds horizontal and vertical rulings: runs of ink (≤ `ink`) at least
/// `ruling_min_length_pt` long, bridging gaps up to `ruling_max_gap_pt`, with at least
/// `ruling_min_fill` of their pixels ink.
pub fn detect(img: &Gray, ink: u8, px_per_pt: f64, s: &OcrSettings) -> Vec<PxSegment> {
    let min_len = (s.ruling_min_length_pt * px_per_pt).max(2.0);
    let max_gap = (s.ruling_max_gap_pt * px_per_pt).round().max(0.0) as usize;
    let mut out = runs_to_segments(
        &row_runs(img, ink, min_len, max_gap, s.ruling_min_fill),
        true,
    );
    let t = transpose(img);
    out.extend(runs_to_segments(
        &row_runs(&t, ink, min_len, max_gap, s.ruling_min_fill),
        false,
    ));
    out
}

/// Qualifying runs per row: `(row, start, end)`.
fn row_runs(
    img: &Gray,
    ink: u8,
    min_len: f64,
    max_gap: usize,
    min_fill: f64,
) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for y in 0..img.height {
        let row = &img.pixels[y * img.width..(y + 1) * img.width];
        let mut start = None::<usize>;
        let (mut last, mut count) = (0usize, 0usize);
        let close =
            |start: usize, last: usize, count: usize, runs: &mut Vec<(usize, usize, usize)>| {
                let len = last + 1 - start;
                if len as f64 >= min_len && count as f64 >= min_fill * len as f64 {
                    runs.push((y, start, last + 1));
                }
            };
        for (x, &p) in row.iter().enumerate() {
            if p > ink {
                continue;
            }
            match start {
                Some(s0) if x - last - 1 <= max_gap => {
                    last = x;
                    count += 1;
                    let _ = s0;
                }
                Some(s0) => {
                    close(s0, last, count, &mut runs);
                    (start, last, count) = (Some(x), x, 1);
                }
                None => (start, last, count) = (Some(x), x, 1),
            }
        }
        if let Some(s0) = start {
            close(s0, last, count, &mut runs);
        }
    }
    runs
}

/// Merges runs of consecutive rows that overlap by at least half the shorter run.
fn runs_to_segments(runs: &[(usize, usize, usize)], horizontal: bool) -> Vec<PxSegment> {
    // Open segments: (first row, last row, start, end).
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut done = Vec::new();
    let finish = |(first, last, a, b): (usize, usize, usize, usize)| PxSegment {
        horizontal,
        pos: (first + last + 1) as f64 / 2.0,
        start: a as f64,
        end: b as f64,
        thickness: (last + 1 - first) as f64,
    };
    for &(y, a, b) in runs {
        // Segments that did not continue on the previous row are complete.
        let (keep, closed): (Vec<_>, Vec<_>) = open.into_iter().partition(|s| s.1 + 1 >= y);
        done.extend(closed.into_iter().map(finish));
        open = keep;
        let hit = open.iter_mut().find(|s| {
            let ov = s.3.min(b) as isize - s.2.max(a) as isize;
            s.1 + 1 == y && ov as f64 >= 0.5 * ((s.3 - s.2).min(b - a)) as f64
        });
        match hit {
            Some(s) => {
                s.1 = y;
                s.2 = s.2.min(a);
                s.3 = s.3.max(b);
            }
            None => open.push((y, y, a, b)),
        }
    }
    done.extend(open.into_iter().map(finish));
    done
}

fn transpose(img: &Gray) -> Gray {
    let mut t = Gray::new(img.height, img.width, 255);
    const B: usize = 64;
    for y0 in (0..img.height).step_by(B) {
        for x0 in (0..img.width).step_by(B) {
            for y in y0..(y0 + B).min(img.height) {
                for x in x0..(x0 + B).min(img.width) {
                    t.pixels[x * img.height + y] = img.pixels[y * img.width + x];
                }
            }
        }
    }
    t
}

/// Paints thin rulings white (one pixel beyond their ink on each side), so Tesseract
/// neither reads them as characters nor loses the text lines touching them. Thick ones
/// (more than `max_thickness` pixels: filled areas, which may hold text) are kept.
pub fn erase(img: &mut Gray, rulings: &[PxSegment], max_thickness: f64) {
    for r in rulings.iter().filter(|r| r.thickness <= max_thickness) {
        let half = r.thickness / 2.0 + 1.0;
        let lo = (r.pos - half).floor().max(0.0) as usize;
        let hi = (r.pos + half).ceil().max(0.0) as usize;
        let (a, b) = (r.start.max(0.0) as usize, r.end.max(0.0) as usize);
        for across in lo..hi {
            for along in a..b {
                let (x, y) = if r.horizontal {
                    (along, across)
                } else {
                    (across, along)
                };
                if x < img.width && y < img.height {
                    img.pixels[y * img.width + x] = 255;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 600x400 page with a ruled 3x2 grid (3 px lines), some text-like blobs and noise.
    fn grid() -> Gray {
        let mut g = Gray::new(600, 400, 245);
        let mut put = |x: usize, y: usize, v: u8| g.pixels[y * 600 + x] = v;
        for &y in &[50usize, 150, 250, 350] {
            for x in 100..500 {
                for t in 0..3 {
                    // A few broken pixels, as in a noisy scan.
                    if (x * 7 + t) % 53 != 0 {
                        put(x, y + t, 20);
                    }
                }
            }
        }
        for &x in &[100usize, 300, 500] {
            for y in 50..353 {
                for t in 0..3 {
                    put(x + t, y, 30);
                }
            }
        }
        // "Text": short strokes, never a ruling.
        for k in 0..10 {
            for x in 120 + k * 15..120 + k * 15 + 10 {
                put(x, 100, 0);
            }
            for y in 170..185 {
                put(320 + k * 12, y, 0);
            }
        }
        g
    }

    #[test]
    fn finds_grid_lines_not_text() {
        let s = OcrSettings::default();
        // 300 dpi: 4.17 px per point; min length 24 pt = 100 px.
        let found = detect(&grid(), 128, 300.0 / 72.0, &s);
        let h: Vec<_> = found.iter().filter(|r| r.horizontal).collect();
        let v: Vec<_> = found.iter().filter(|r| !r.horizontal).collect();
        assert_eq!(h.len(), 4, "{h:?}");
        assert_eq!(v.len(), 3, "{v:?}");
        for r in &h {
            assert!(r.thickness >= 3.0 && r.thickness <= 4.0);
            assert!(r.start <= 101.0 && r.end >= 499.0);
        }
        let mut xs: Vec<f64> = v.iter().map(|r| r.pos).collect();
        xs.sort_by(f64::total_cmp);
        assert_eq!(xs, vec![101.5, 301.5, 501.5]);
    }

    #[test]
    fn erasing_leaves_text() {
        let s = OcrSettings::default();
        let mut g = grid();
        let found = detect(&g, 128, 300.0 / 72.0, &s);
        erase(&mut g, &found, 12.0);
        assert_eq!(g.get(200, 51), 255);
        assert_eq!(g.get(301, 200), 255);
        assert_eq!(g.get(125, 100), 0, "text stroke kept");
        assert!(detect(&g, 128, 300.0 / 72.0, &s).is_empty());
    }
}
