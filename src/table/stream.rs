//! Stream strategy: columns from the whitespace alignment of words, rows from text lines.
//!
//! * Each text line is cut into segments at gaps wider than `segment_gap_em` (Camelot's
//!   text boxes, tabula's text chunks).
//! * Columns: the number of segments covering each x (over all lines) is computed; a
//!   column gap is a stretch where at most `crossing_frac` of the lines have text,
//!   bounded by busier stretches, with at least `min_column_support` lines having text on
//!   both sides. The separator goes in the middle of the gap's least-crossed part.
//! * Rows: one per text line, except that a line continues the row above when it is
//!   close below it, has text only in columns the row already has (and in fewer of
//!   them), and that text wraps (its first word would not have fit at the end of the
//!   row's last line in that column). Horizontal rules inside the region are row hints:
//!   no row continues across one, and when the rules separate (almost) every line, the
//!   lines between two rules are one row — unless a line surely starts a row
//!   (`breaks_row`: it adds columns to a section heading, repeats a number column, or
//!   starts left of a centred line).
//! * Lines overlapping slightly (`interleave_min_overlap`) with text in different columns
//!   are one unit first: a two-line cell centred beside one-line cells.
//! * A word straddling a separator makes its cell span the columns it crosses.

use crate::geom::Rect;
use crate::layout::Word;

use super::cell_text::{group_lines, would_have_fit};
use super::grid::{interval, Span, Structure};
use super::settings::TableSettings;
use crate::text::figure::{figure_chars_only, unit_after_figure};
use crate::text::marks::starts_paragraph;

/// A text line of a region.
#[derive(Clone, Debug)]
pub(crate) struct Line<'a> {
    pub words: Vec<&'a Word>,
    pub bbox: Rect,
    /// Median word size (em) in points.
    pub size: f64,
}

/// Text lines of the words, top to bottom.
pub(crate) fn lines_of<'a>(words: &[&'a Word], s: &TableSettings) -> Vec<Line<'a>> {
    group_lines(words, s.line_overlap, s.line_lookback)
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|words| {
            let bbox = words
                .iter()
                .skip(1)
                .fold(words[0].bbox, |b, w| b.union(&w.bbox));
            let mut sizes: Vec<f64> = words.iter().map(|w| w.size).collect();
            sizes.sort_by(f64::total_cmp);
            let size = sizes
                .get(sizes.len() / 2)
                .copied()
                .unwrap_or(crate::geom::BODY_TEXT_PT)
                .max(1.0);
            Line { words, bbox, size }
        })
        .collect()
}

/// A run of words on a line without a column-sized gap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Segment {
    pub x0: f64,
    pub x1: f64,
    pub words: usize,
}

/// The segments of a line, left to right.
pub(crate) fn segments(line: &Line<'_>, s: &TableSettings) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for w in &line.words {
        let gap_limit = s.segment_gap_em * w.size.max(line.size);
        match out.last_mut() {
            Some(seg) if w.bbox.x0 - seg.x1 <= gap_limit => {
                seg.x1 = seg.x1.max(w.bbox.x1);
                seg.words += 1;
            }
            _ => out.push(Segment {
                x0: w.bbox.x0,
                x1: w.bbox.x1,
                words: 1,
            }),
        }
    }
    out
}

/// Column separators (x positions, ascending) of a block of lines.
pub(crate) fn separators(lines: &[Line<'_>], s: &TableSettings) -> Vec<f64> {
    let segs: Vec<Segment> = lines.iter().flat_map(|l| segments(l, s)).collect();
    if segs.len() < 2 {
        return Vec::new();
    }
    let mut bps: Vec<f64> = segs.iter().flat_map(|g| [g.x0, g.x1]).collect();
    bps.sort_by(f64::total_cmp);
    bps.dedup();
    if bps.len() < 3 {
        return Vec::new();
    }
    let idx = |x: f64| bps.partition_point(|&b| b < x);
    let mut diff = vec![0i64; bps.len() + 1];
    for g in &segs {
        diff[idx(g.x0)] += 1;
        diff[idx(g.x1)] -= 1;
    }
    // cov[k]: segments covering the elementary interval [bps[k], bps[k + 1]].
    let mut cov = Vec::with_capacity(bps.len() - 1);
    let mut run = 0i64;
    for d in diff.iter().take(bps.len() - 1) {
        run += d;
        cov.push(run);
    }
    let t = (s.crossing_frac * lines.len() as f64).floor() as i64;
    let need = s.min_column_support.min(lines.len()).max(1);
    let em = lines.iter().map(|l| l.size).fold(0.0, f64::max).max(1.0);
    let mut out = Vec::new();
    let n = cov.len();
    let mut k = 0;
    while k < n {
        if cov[k] > t {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && cov[k] <= t {
            k += 1;
        }
        let end = k; // valley = intervals start..end
        if start == 0 || end == n {
            continue; // not bounded by text on both sides
        }
        let m = cov[start..end].iter().copied().min().unwrap_or(0);
        // Widest run of least-crossed intervals.
        let (mut best, mut best_w) = (None, 0.0);
        let mut j = start;
        while j < end {
            if cov[j] != m {
                j += 1;
                continue;
            }
            let a = j;
            while j < end && cov[j] == m {
                j += 1;
            }
            let wd = bps[j] - bps[a];
            if wd > best_w {
                best_w = wd;
                best = Some((bps[a] + bps[j]) / 2.0);
            }
        }
        let Some(sep) = best else { continue };
        if best_w < s.min_column_gap {
            continue;
        }
        if m > 0 {
            // A gap some lines cross must open a column: segments starting right of
            // it (within a few em), not only text running on from the left (long item
            // names in a left-aligned column of mostly short ones).
            let (lo, hi) = (sep, bps[end] + s.column_start_window_em * em);
            let starting = segs.iter().filter(|g| g.x0 >= lo && g.x0 <= hi).count();
            if starting < need {
                continue;
            }
        }
        let support = lines
            .iter()
            .filter(|l| {
                l.words.iter().any(|w| w.bbox.x1 <= sep) && l.words.iter().any(|w| w.bbox.x0 >= sep)
            })
            .count();
        if support >= need {
            out.push(sep);
        }
    }
    out
}

/// Columns (indices into the intervals of `col_edges`) a line has text in.
fn columns_of(line: &Line<'_>, col_edges: &[f64]) -> Vec<usize> {
    let mut c: Vec<usize> = line
        .words
        .iter()
        .map(|w| interval(col_edges, w.bbox.cx()))
        .collect();
    c.sort_unstable();
    c.dedup();
    c
}

fn words_in_col<'a>(l: &Line<'a>, col_edges: &[f64], c: usize) -> Vec<&'a Word> {
    l.words
        .iter()
        .copied()
        .filter(|w| interval(col_edges, w.bbox.cx()) == c)
        .collect()
}

/// Columns where the line's text is a number and nothing else: figures, and after them
/// their unit as a word of its own (`8,786,632 円` in a list of pledged assets set
/// without rules: rule `number_with_its_unit`).
pub(crate) fn number_columns(l: &Line<'_>, col_edges: &[f64]) -> Vec<usize> {
    let cols: Vec<usize> = l
        .words
        .iter()
        .map(|w| interval(col_edges, w.bbox.cx()))
        .collect();
    let mut out: Vec<usize> = cols
        .iter()
        .copied()
        .filter(|&c| {
            let mut figures = 0;
            for (w, _) in l.words.iter().zip(&cols).filter(|(_, &wc)| wc == c) {
                if figure_chars_only(&w.text) {
                    figures += 1;
                } else if figures == 0 || !unit_after_figure(&w.text) {
                    return false;
                }
            }
            figures > 0
        })
        .collect();
    out.dedup();
    out
}

/// Whether `next` surely starts a new row after `prev` whatever their spacing: it has
/// text in all of `prev`'s columns and more (cells are top-aligned: a row's later lines
/// hold wrapped text in fewer columns; `prev` was a section heading), it puts a
/// number in a column where `prev` has one too (numbers do not wrap), or its text in a
/// column starts more than `continuation_max_outdent_em` left of `prev`'s text there
/// (`prev` was centred or right-aligned, not the start of a wrapped paragraph).
pub(crate) fn breaks_row(
    prev: &Line<'_>,
    next: &Line<'_>,
    col_edges: &[f64],
    s: &TableSettings,
) -> bool {
    let (pc, nc) = (columns_of(prev, col_edges), columns_of(next, col_edges));
    if nc.len() > pc.len() && pc.iter().all(|c| nc.contains(c)) {
        return true;
    }
    let pn = number_columns(prev, col_edges);
    if number_columns(next, col_edges)
        .iter()
        .any(|c| pn.contains(c))
    {
        return true;
    }
    columns_of(next, col_edges).into_iter().any(|c| {
        let start = |l: &Line<'_>| {
            words_in_col(l, col_edges, c)
                .first()
                .map(|w| (w.bbox.x0, w.size.max(1.0)))
        };
        match (start(prev), start(next)) {
            (Some((p, _)), Some((n, em))) => n < p - s.continuation_max_outdent_em * em,
            _ => false,
        }
    })
}

/// Whether `next` is interleaved with `prev`: they overlap vertically by at least
/// `interleave_min_overlap` of the smaller height and have text in different columns
/// (a multi-line cell centred beside one-line cells of the same row).
pub(crate) fn interleaved(
    prev: &Line<'_>,
    next: &Line<'_>,
    col_edges: &[f64],
    s: &TableSettings,
) -> bool {
    let h = prev.bbox.height().min(next.bbox.height()).max(0.1);
    if prev.bbox.overlap_y(&next.bbox) < s.interleave_min_overlap * h {
        return false;
    }
    let theirs = columns_of(prev, col_edges);
    columns_of(next, col_edges)
        .iter()
        .all(|c| !theirs.contains(c))
}

/// Whether `line` continues a cell of the row whose lines are `row` (see module docs).
fn continues(
    row: &[&Line<'_>],
    line: &Line<'_>,
    col_edges: &[f64],
    col_right: &[f64],
    s: &TableSettings,
) -> bool {
    let Some(last) = row.last() else { return false };
    if breaks_row(last, line, col_edges, s) {
        return false;
    }
    let gap = line.bbox.top - last.bbox.bottom;
    if gap > s.continuation_max_gap_em * line.size.max(last.size) {
        return false;
    }
    let mine = columns_of(line, col_edges);
    let mut theirs: Vec<usize> = row.iter().flat_map(|l| columns_of(l, col_edges)).collect();
    theirs.sort_unstable();
    theirs.dedup();
    if mine.is_empty() || mine.len() >= theirs.len() || !mine.iter().all(|c| theirs.contains(c)) {
        return false;
    }
    for &c in &mine {
        let first: Vec<&Word> = words_in_col(line, col_edges, c);
        let Some(fw) = first.first() else {
            return false;
        };
        if starts_paragraph(&fw.text) {
            return false;
        }
        // The row's last line with text in this column.
        let Some(prev) = row
            .iter()
            .rev()
            .map(|l| words_in_col(l, col_edges, c))
            .find(|v| !v.is_empty())
        else {
            return false;
        };
        let prev_end = prev
            .iter()
            .map(|w| w.bbox.x1)
            .fold(f64::NEG_INFINITY, f64::max);
        let right = col_right.get(c).copied().unwrap_or(f64::INFINITY);
        if would_have_fit(prev_end, fw, right, s) {
            return false; // it would have fit: a deliberate break, a new row
        }
    }
    true
}

/// Groups lines (top to bottom) into rows; returns line indices per row.
///
/// Interleaved lines (see [`interleaved`]) are first chained into one unit, so a row
/// whose label wraps on two lines centred around its numbers is decided as a whole.
pub(crate) fn rows(
    lines: &[Line<'_>],
    col_edges: &[f64],
    rules: &[f64],
    s: &TableSettings,
) -> Vec<Vec<usize>> {
    let between =
        |a: &Line<'_>, b: &Line<'_>| rules.iter().any(|&y| y > a.bbox.cy() && y < b.bbox.cy());
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let chained = i > 0
            && lines
                .get(i - 1)
                .is_some_and(|p| !between(p, line) && interleaved(p, line, col_edges, s));
        match chains.last_mut() {
            Some(c) if chained => c.push(i),
            _ => chains.push(vec![i]),
        }
    }
    let units: Vec<Line<'_>> = chains
        .iter()
        .filter_map(|c| {
            let members: Vec<&Line<'_>> = c.iter().filter_map(|&i| lines.get(i)).collect();
            let first = members.first()?;
            Some(Line {
                words: members
                    .iter()
                    .flat_map(|l| l.words.iter().copied())
                    .collect(),
                bbox: members.iter().fold(first.bbox, |b, l| b.union(&l.bbox)),
                size: members.iter().map(|l| l.size).fold(first.size, f64::max),
            })
        })
        .collect();
    unit_rows(&units, col_edges, rules, s)
        .into_iter()
        .map(|r| {
            r.iter()
                .filter_map(|&u| chains.get(u))
                .flatten()
                .copied()
                .collect()
        })
        .collect()
}

/// Rows of units (lines, or chains of interleaved lines): see the module docs.
fn unit_rows(
    lines: &[Line<'_>],
    col_edges: &[f64],
    rules: &[f64],
    s: &TableSettings,
) -> Vec<Vec<usize>> {
    if lines.is_empty() {
        return Vec::new();
    }
    // Right extent of the text in each column.
    let nc = col_edges.len().saturating_sub(1).max(1);
    let mut col_right = vec![f64::NEG_INFINITY; nc];
    for l in lines {
        for w in &l.words {
            if let Some(r) = col_right.get_mut(interval(col_edges, w.bbox.cx())) {
                *r = r.max(w.bbox.x1);
            }
        }
    }
    let between =
        |a: &Line<'_>, b: &Line<'_>| rules.iter().any(|&y| y > a.bbox.cy() && y < b.bbox.cy());
    // Rules between (almost) every pair of rows: the lines between two rules are one row.
    let mut bands: Vec<Vec<usize>> = vec![vec![0]];
    for i in 1..lines.len() {
        if between(&lines[i - 1], &lines[i]) {
            bands.push(vec![i]);
        } else if let Some(b) = bands.last_mut() {
            b.push(i);
        }
    }
    if bands.len() >= s.band_min_count && lines.len() <= s.band_max_lines * bands.len() {
        // A band still holds several rows where a line surely starts one (a row left
        // unshaded between two shaded ones, a subtotal and the next section heading).
        let mut out: Vec<Vec<usize>> = Vec::new();
        for band in bands {
            let mut cur: Vec<usize> = Vec::new();
            for i in band {
                let split = match (cur.last(), lines.get(i)) {
                    (Some(&p), Some(l)) => lines
                        .get(p)
                        .is_some_and(|pl| breaks_row(pl, l, col_edges, s)),
                    _ => false,
                };
                if split {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push(i);
            }
            if !cur.is_empty() {
                out.push(cur);
            }
        }
        return out;
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let joined = match out.last() {
            Some(r) if i > 0 && !between(&lines[i - 1], line) => {
                let row: Vec<&Line<'_>> = r.iter().filter_map(|&k| lines.get(k)).collect();
                continues(&row, line, col_edges, &col_right, s)
            }
            _ => false,
        };
        match out.last_mut() {
            Some(r) if joined => r.push(i),
            _ => out.push(vec![i]),
        }
    }
    out
}

/// Column edges of a region: its text's left end, the separators, its text's right end.
pub(crate) fn column_edges(lines: &[Line<'_>], seps: &[f64]) -> Option<Vec<f64>> {
    let x0 = lines
        .iter()
        .map(|l| l.bbox.x0)
        .fold(f64::INFINITY, f64::min);
    let x1 = lines
        .iter()
        .map(|l| l.bbox.x1)
        .fold(f64::NEG_INFINITY, f64::max);
    if !x0.is_finite() || !x1.is_finite() {
        return None;
    }
    let left = x0.min(seps.first().copied().unwrap_or(x0));
    let mut col_edges = vec![left];
    col_edges.extend(seps.iter().copied().filter(|&x| x > left));
    let last = *col_edges.last().unwrap_or(&x0);
    col_edges.push(x1.max(last + 1.0));
    Some(col_edges)
}

/// Whether a box from `x0` to `x1` straddles the separator at `x` that was inferred from
/// text alignment: it reaches past it by more than `straddle_tol` on both sides, and by at
/// least `straddle_min_share` of its width on the shorter side (rule `leaning_header`,
/// see [`TableSettings::straddle_min_share`]).
pub(crate) fn straddles_inferred(x0: f64, x1: f64, x: f64, s: &TableSettings) -> bool {
    let shorter = (x - x0).min(x1 - x);
    shorter > s.straddle_tol && shorter >= s.straddle_min_share * (x1 - x0)
}

/// The grid structure of a stream region: the given columns, rows from `row_groups`,
/// cells spanning where a word straddles a separator (unless the columns were given).
pub(crate) fn structure(
    lines: &[Line<'_>],
    col_edges: Vec<f64>,
    row_groups: &[Vec<usize>],
    explicit: bool,
    s: &TableSettings,
) -> Option<Structure> {
    if col_edges.len() < 2 {
        return None;
    }
    let rect_of = |g: &Vec<usize>| -> Option<Rect> {
        let mut it = g.iter().filter_map(|&i| lines.get(i));
        let first = it.next()?.bbox;
        Some(it.fold(first, |b, l| b.union(&l.bbox)))
    };
    let rects: Vec<Rect> = row_groups.iter().filter_map(rect_of).collect();
    let first = rects.first()?;
    let mut row_edges = vec![first.top];
    for pair in rects.windows(2) {
        let e = ((pair[0].bottom + pair[1].top) / 2.0).max(*row_edges.last().unwrap_or(&first.top));
        row_edges.push(e);
    }
    row_edges.push(
        rects
            .last()
            .map_or(first.bottom, |r| r.bottom)
            .max(*row_edges.last().unwrap_or(&first.bottom)),
    );
    let nc = col_edges.len() - 1;
    let inner = &col_edges[1..nc];
    let mut spans = Vec::new();
    for (r, g) in row_groups.iter().enumerate().take(rects.len()) {
        // joined[k]: separator k (between columns k and k+1) is straddled in this row.
        let mut joined = vec![false; inner.len()];
        if !explicit {
            for w in g
                .iter()
                .filter_map(|&i| lines.get(i))
                .flat_map(|l| l.words.iter())
            {
                for (k, &x) in inner.iter().enumerate() {
                    if straddles_inferred(w.bbox.x0, w.bbox.x1, x, s) {
                        joined[k] = true;
                    }
                }
            }
        }
        let mut c = 0;
        while c < nc {
            let mut end = c;
            while end < inner.len() && joined[end] {
                end += 1;
            }
            spans.push(Span {
                row: r,
                col: c,
                rowspan: 1,
                colspan: end - c + 1,
            });
            c = end + 1;
        }
    }
    Some(Structure {
        row_edges,
        col_edges,
        spans,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::w;
    use super::*;

    fn s() -> TableSettings {
        TableSettings::default()
    }

    #[test]
    fn a_number_with_its_unit_starts_a_row() {
        // Pledged assets listed without rules, each amount followed by `円` as a word.
        let words = [
            w("土地（基本財産）", 0.0, 0.0),
            w("8,786,632", 120.0, 0.0),
            w("円", 170.0, 0.0),
            w("建物（基本財産）", 0.0, 10.5),
            w("803,206,297", 110.0, 10.5),
            w("円", 170.0, 10.5),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let lines = lines_of(&refs, &s());
        assert_eq!(lines.len(), 2);
        let edges = [0.0, 100.0, 200.0];
        assert_eq!(number_columns(&lines[0], &edges), vec![1]);
        assert!(breaks_row(&lines[0], &lines[1], &edges, &s()));
        // A unit word alone, or before the figure, is no number.
        let odd = [w("円", 120.0, 0.0), w("1,000", 140.0, 0.0)];
        let refs: Vec<&Word> = odd.iter().collect();
        assert!(number_columns(&lines_of(&refs, &s())[0], &edges).is_empty());
    }

    #[test]
    fn a_header_leaning_over_a_separator_does_not_straddle_it() {
        // `平成29年度予算` (335–409) centred over numbers whose separator is at 339.4.
        assert!(!straddles_inferred(335.2, 408.8, 339.4, &s()));
        // A label reaching 30 pt into both columns does.
        assert!(straddles_inferred(310.0, 370.0, 339.4, &s()));
        // So does any crossing when the share is set to 0 (the tolerance alone).
        let loose = TableSettings {
            straddle_min_share: 0.0,
            ..s()
        };
        assert!(straddles_inferred(335.2, 408.8, 339.4, &loose));
    }

    fn seps_of(words: &[Word]) -> Vec<f64> {
        let refs: Vec<&Word> = words.iter().collect();
        separators(&lines_of(&refs, &s()), &s())
    }

    #[test]
    fn segments_split_on_wide_gaps_only() {
        let words = [
            w("Total", 0.0, 0.0),
            w("revenue", 27.0, 0.0),
            w("1,234", 100.0, 0.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let lines = lines_of(&refs, &s());
        let segs = segments(&lines[0], &s());
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].words, 2);
    }

    #[test]
    fn aligned_columns_give_separators() {
        // Left-aligned names of varied length, right-aligned numbers.
        let words = [
            w("Alpha", 0.0, 0.0),
            w("12", 110.0, 0.0),
            w("Be", 0.0, 12.0),
            w("1234", 100.0, 12.0),
            w("Gammadelta", 0.0, 24.0),
            w("7", 115.0, 24.0),
        ];
        let seps = seps_of(&words);
        assert_eq!(seps.len(), 1, "{seps:?}");
        assert!(seps[0] > 50.0 && seps[0] < 100.0);
    }

    #[test]
    fn prose_has_no_columns() {
        let words = [
            w("The", 0.0, 0.0),
            w("quick", 17.0, 0.0),
            w("brown", 44.0, 0.0),
            w("fox", 0.0, 12.0),
            w("jumps", 17.0, 12.0),
            w("over", 46.0, 12.0),
        ];
        assert!(seps_of(&words).is_empty());
    }

    #[test]
    fn spanning_line_is_tolerated_from_five_lines() {
        let mut words = vec![w("A spanning header line", 0.0, 0.0)]; // 0..110
        for i in 1..5 {
            words.push(w("ab", 0.0, 12.0 * i as f64));
            words.push(w("cd", 80.0, 12.0 * i as f64));
        }
        let seps = seps_of(&words);
        assert_eq!(seps.len(), 1, "{seps:?}");
        assert!(seps[0] > 10.0 && seps[0] < 80.0);
    }

    #[test]
    fn long_item_names_do_not_split_their_column() {
        // Mostly short names, one in five long, numbers far right: the names' ragged
        // right edge is no column gap (nothing starts right of it), the gap before the
        // numbers is.
        // A header centred over the names.
        let mut words = vec![w("Header", 40.0, -12.0), w("Amount", 190.0, -12.0)];
        for i in 0..10 {
            let y = 12.0 * i as f64;
            let name = if i % 5 == 0 {
                "Averyveryverylongname"
            } else {
                "Short"
            };
            words.push(w(name, 0.0, y));
            words.push(w("1,234", 200.0, y));
        }
        let seps = seps_of(&words);
        assert_eq!(seps.len(), 1, "{seps:?}");
        assert!(seps[0] > 105.0 && seps[0] < 200.0, "{seps:?}");
    }

    #[test]
    fn single_line_gap_is_not_a_column() {
        let words = [
            w("ab", 0.0, 0.0),
            w("cd", 80.0, 0.0),
            w("abcdefghijklmnopqrs", 0.0, 12.0),
        ];
        assert!(seps_of(&words).is_empty());
    }

    fn rows_of(words: &[Word], seps: &[f64], rules: &[f64]) -> Vec<Vec<usize>> {
        let refs: Vec<&Word> = words.iter().collect();
        let lines = lines_of(&refs, &s());
        let mut edges = vec![0.0];
        edges.extend_from_slice(seps);
        edges.push(300.0);
        rows(&lines, &edges, rules, &s())
    }

    #[test]
    fn wrapped_description_joins_its_row() {
        // Column 0 is 60 pt wide; line 2 continues the first description.
        let words = [
            w("支出の内容説明", 0.0, 0.0), // 70 pt
            w("100", 100.0, 0.0),
            w("です", 0.0, 12.0),
            w("次の項目", 0.0, 30.0),
            w("200", 100.0, 30.0),
        ];
        assert_eq!(rows_of(&words, &[90.0], &[]), vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn section_rows_and_full_rows_stay_apart() {
        let words = [
            w("総務費", 0.0, 0.0),
            w("庶務", 0.0, 12.0),
            w("100", 100.0, 12.0),
            w("企画", 0.0, 24.0),
            w("200", 100.0, 24.0),
        ];
        assert_eq!(
            rows_of(&words, &[90.0], &[]),
            vec![vec![0], vec![1], vec![2]]
        );
    }

    #[test]
    fn short_line_then_sparse_line_is_a_new_row() {
        // "A" ends short: "B" would have fit after it, so B is its own row.
        let words = [
            w("A", 0.0, 0.0),
            w("1", 100.0, 0.0),
            w("B", 0.0, 12.0),
            w("Longer label", 0.0, 24.0),
            w("2", 100.0, 24.0),
        ];
        assert_eq!(rows_of(&words, &[90.0], &[]).len(), 3);
    }

    #[test]
    fn dense_rules_make_bands() {
        let words = [
            w("a", 0.0, 0.0),
            w("1", 100.0, 0.0),
            w("b", 0.0, 12.0),
            w("c", 0.0, 30.0),
            w("2", 100.0, 30.0),
            w("d", 0.0, 50.0),
            w("3", 100.0, 50.0),
        ];
        assert_eq!(
            rows_of(&words, &[90.0], &[25.0, 45.0]),
            vec![vec![0, 1], vec![2], vec![3]]
        );
    }

    #[test]
    fn banded_rows_split_where_numbers_repeat_or_text_outdents() {
        // Rules (shaded rows) at 10, 25, 40, 55; the band 55.. holds a centred subtotal, a
        // section heading and a data row, with no rule between them.
        let words = [
            w("a", 0.0, 0.0),
            w("1", 100.0, 0.0),
            w("b", 0.0, 14.0),
            w("2", 100.0, 14.0),
            w("c", 0.0, 29.0),
            w("3", 100.0, 29.0),
            w("d", 0.0, 44.0),
            w("4", 100.0, 44.0),
            w("小計", 40.0, 59.0),
            w("10", 100.0, 59.0),
            w("（款）民生費", 0.0, 72.0),
            w("e", 0.0, 85.0),
            w("5", 100.0, 85.0),
        ];
        assert_eq!(
            rows_of(&words, &[90.0], &[12.0, 27.0, 42.0, 57.0]),
            vec![
                vec![0],
                vec![1],
                vec![2],
                vec![3],
                vec![4],
                vec![5],
                vec![6]
            ]
        );
    }

    #[test]
    fn centred_line_is_not_continued_by_an_outdented_one() {
        // "小計" is centred in column 0; the heading below starts at the column's left.
        let words = [
            w("区役所窓口サービス", 0.0, 0.0),
            w("1", 100.0, 0.0),
            w("小計", 50.0, 12.0),
            w("10", 100.0, 12.0),
            w("（款）衛生費", 0.0, 24.0),
        ];
        assert_eq!(rows_of(&words, &[95.0], &[]).len(), 3);
    }

    #[test]
    fn interleaved_header_lines_are_one_row() {
        // A two-line header cell in column 1 centred beside one-line cells: its lines
        // overlap the middle line by 3 pt of 10.
        let words = [
            w("令和元年度予算", 60.0, 0.0),
            w("事業名", 0.0, 7.0),
            w("増減", 160.0, 7.0),
            w("額", 60.0, 14.0),
            w("項目", 0.0, 30.0),
            w("1", 60.0, 30.0),
            w("2", 160.0, 30.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let lines = lines_of(&refs, &s());
        assert_eq!(lines.len(), 4);
        let r = rows(&lines, &[0.0, 55.0, 150.0, 200.0], &[], &s());
        assert_eq!(r, vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn straddling_word_spans_columns() {
        let words = [
            w("Population 2020", 30.0, 0.0),
            w("a", 0.0, 12.0),
            w("1", 60.0, 12.0),
            w("2", 100.0, 12.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let lines = lines_of(&refs, &s());
        let edges = column_edges(&lines, &[50.0, 80.0]).expect("edges");
        let st = structure(&lines, edges, &[vec![0], vec![1]], false, &s()).expect("structure");
        // "Population 2020" is one word from 30 to 105: it straddles both separators.
        assert_eq!(
            st.spans[0],
            Span {
                row: 0,
                col: 0,
                rowspan: 1,
                colspan: 3
            }
        );
        assert_eq!(st.spans.len(), 4);
    }
}
