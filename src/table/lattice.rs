//! Lattice strategy: cells from ruling lines.
//!
//! Rulings are grouped into connected ruled regions (a horizontal and a vertical ruling
//! are connected when they meet within `joint_tol`). In one region, the distinct ruling
//! positions are the candidate row and column edges (horizontal rulings reaching past the
//! outermost vertical ones add an edge there, for tables without side borders). Two
//! neighbouring slots belong to one spanning cell when the ruling between them is
//! missing (covers less than `edge_cover_frac` of their common side).

use crate::disjoint::{find, union};
use crate::geom::{cluster_1d, mean_at, Rect};
use crate::layout::{Ruling, Word};

use super::grid::{Span, Structure};
use super::settings::TableSettings;
use super::stream::{lines_of, rows, separators};
use crate::text::figure::figure_chars_only;
use crate::text::marks::starts_paragraph;

/// A connected group of rulings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RuledRegion {
    pub bbox: Rect,
    pub rulings: Vec<Ruling>,
}

#[cfg(test)]
impl RuledRegion {
    pub fn n_horizontal(&self) -> usize {
        self.rulings.iter().filter(|r| r.is_horizontal()).count()
    }
}

fn meets(h: &Ruling, v: &Ruling, tol: f64) -> bool {
    v.pos >= h.start - tol && v.pos <= h.end + tol && h.pos >= v.start - tol && h.pos <= v.end + tol
}

/// Connected groups of rulings with at least one crossing, top to bottom.
pub(crate) fn ruled_regions(rulings: &[Ruling], s: &TableSettings) -> Vec<RuledRegion> {
    let n = rulings.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut crossed = vec![false; n];
    for i in 0..n {
        if !rulings[i].is_horizontal() {
            continue;
        }
        for j in 0..n {
            if rulings[j].is_horizontal() || !meets(&rulings[i], &rulings[j], s.joint_tol) {
                continue;
            }
            union(&mut parent, i, j);
            crossed[i] = true;
            crossed[j] = true;
        }
    }
    let mut groups: Vec<(usize, Vec<Ruling>)> = Vec::new();
    for i in 0..n {
        if !crossed[i] {
            continue;
        }
        let root = find(&mut parent, i);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, g)) => g.push(rulings[i]),
            None => groups.push((root, vec![rulings[i]])),
        }
    }
    let mut out: Vec<RuledRegion> = groups
        .into_iter()
        .map(|(_, rulings)| {
            let bbox = rulings
                .iter()
                .skip(1)
                .fold(rulings[0].rect(), |b, r| b.union(&r.rect()));
            RuledRegion { bbox, rulings }
        })
        .collect();
    out.sort_by(|a, b| {
        a.bbox
            .top
            .total_cmp(&b.bbox.top)
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    out
}

/// Distinct positions (clustered within `tol`), ascending.
fn edges(pos: &[f64], tol: f64) -> Vec<f64> {
    cluster_1d(pos, tol)
        .iter()
        .map(|c| mean_at(pos, c))
        .collect()
}

/// Fraction of `[a, b]` covered by rulings at `pos` (within `tol`).
fn coverage(rulings: &[&Ruling], pos: f64, a: f64, b: f64, tol: f64) -> f64 {
    let len = b - a;
    if len <= 0.0 {
        return 1.0;
    }
    let mut iv: Vec<(f64, f64)> = rulings
        .iter()
        .filter(|r| (r.pos - pos).abs() <= tol)
        .map(|r| (r.start.max(a), r.end.min(b)))
        .filter(|(x, y)| y > x)
        .collect();
    iv.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut covered = 0.0;
    let mut cur: Option<(f64, f64)> = None;
    for (x, y) in iv {
        match cur {
            Some((cx, cy)) if x <= cy => cur = Some((cx, cy.max(y))),
            Some((cx, cy)) => {
                covered += cy - cx;
                cur = Some((x, y));
            }
            None => cur = Some((x, y)),
        }
    }
    if let Some((cx, cy)) = cur {
        covered += cy - cx;
    }
    covered / len
}

/// How many slots a region's grid would have (distinct row edges times distinct column
/// edges, before borders are closed): cheap to count, and what `structure` costs.
pub(crate) fn slot_count(region: &RuledRegion, s: &TableSettings) -> usize {
    let positions = |horizontal: bool| {
        region
            .rulings
            .iter()
            .filter(|r| r.is_horizontal() == horizontal)
            .map(|r| r.pos)
            .collect::<Vec<_>>()
    };
    let rows = edges(&positions(true), s.edge_merge_tol).len();
    let cols = edges(&positions(false), s.edge_merge_tol).len();
    rows.saturating_mul(cols)
}

/// The grid structure of a ruled region, or `None` when it has fewer than two row or
/// column edges.
pub(crate) fn structure(region: &RuledRegion, s: &TableSettings) -> Option<Structure> {
    let hs: Vec<&Ruling> = region
        .rulings
        .iter()
        .filter(|r| r.is_horizontal())
        .collect();
    let vs: Vec<&Ruling> = region
        .rulings
        .iter()
        .filter(|r| !r.is_horizontal())
        .collect();
    let mut xs = edges(
        &vs.iter().map(|r| r.pos).collect::<Vec<_>>(),
        s.edge_merge_tol,
    );
    let mut ys = edges(
        &hs.iter().map(|r| r.pos).collect::<Vec<_>>(),
        s.edge_merge_tol,
    );
    // Tables without side (or top/bottom) borders: rulings reaching past the outermost
    // perpendicular ones close the grid there.
    let (hmin, hmax) = hs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
            (a.min(r.start), b.max(r.end))
        });
    let (vmin, vmax) = vs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
            (a.min(r.start), b.max(r.end))
        });
    extend_edges(&mut xs, hmin, hmax, s.joint_tol);
    extend_edges(&mut ys, vmin, vmax, s.joint_tol);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    // Union-find over slots; join neighbours whose common side is not ruled.
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    for r in 0..nr {
        for c in 0..nc {
            if c + 1 < nc
                && coverage(&vs, xs[c + 1], ys[r], ys[r + 1], s.edge_merge_tol) < s.edge_cover_frac
            {
                union(&mut parent, r * nc + c, r * nc + c + 1);
            }
            if r + 1 < nr
                && coverage(&hs, ys[r + 1], xs[c], xs[c + 1], s.edge_merge_tol) < s.edge_cover_frac
            {
                union(&mut parent, r * nc + c, (r + 1) * nc + c);
            }
        }
    }
    // Each group of slots becomes cells: a rectangular group one cell; a group of another
    // shape (a budget book's 款 row spanning the 款 and 項 columns, its 款 column running
    // on down beside the boxed 項 rows: an L) two cells, its top row and the rest of its
    // first column.
    // Any other shape (broken rules of a scan) keeps the old reading: its bounding block
    // when still free, else the single slot.
    let group: Vec<usize> = (0..nr * nc).map(|i| find(&mut parent, i)).collect();
    let mut bounds: Vec<Option<(usize, usize, usize, usize)>> = vec![None; nr * nc];
    for r in 0..nr {
        for c in 0..nc {
            let b = bounds[group[r * nc + c]].get_or_insert((r, c, r, c));
            *b = (b.0.min(r), b.1.min(c), b.2.max(r), b.3.max(c));
        }
    }
    // An L: the group's top row spans its block, the rest of it is the block's first
    // column.
    let is_l = |g: usize| {
        let Some((r0, c0, r1, c1)) = bounds[g] else {
            return false;
        };
        let pure = (r0..=r1).all(|rr| (c0..=c1).all(|cc| group[rr * nc + cc] == g));
        !pure
            && (c0..=c1).all(|cc| group[r0 * nc + cc] == g)
            && (r0 + 1..=r1).all(|rr| (c0..=c1).all(|cc| (group[rr * nc + cc] == g) == (cc == c0)))
    };
    let mut claimed = vec![false; nr * nc];
    let mut spans = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if claimed[r * nc + c] {
                continue;
            }
            let g = group[r * nc + c];
            let (r0, c0, r1, c1) = bounds[g].unwrap_or((r, c, r, c));
            let (r1, c1) = if is_l(g) {
                // Its top row first (met at its top-left slot), then its first column.
                if r == r0 {
                    (r, c1)
                } else {
                    (r1, c)
                }
            } else {
                let block_free = (r0 == r && c0 == c)
                    && (r0..=r1).all(|rr| (c0..=c1).all(|cc| !claimed[rr * nc + cc]));
                if block_free {
                    (r1, c1)
                } else {
                    (r, c)
                }
            };
            for rr in r..=r1 {
                for cc in c..=c1 {
                    claimed[rr * nc + cc] = true;
                }
            }
            spans.push(Span {
                row: r,
                col: c,
                rowspan: r1 - r + 1,
                colspan: c1 - c + 1,
            });
        }
    }
    Some(Structure {
        row_edges: ys,
        col_edges: xs,
        spans,
    })
}

/// Rule `letter_spaced_label`: a ruled column whose top line (its label) is single
/// characters spread over the column (`説　　　明` over a wide 説明 box) is one labelled
/// column: text aligned inside it (amounts set right under the items) is the cells' own
/// layout, not a column the rules forgot. Returns the (left, right) edges of such columns
/// of `st` among `words`.
pub(crate) fn letter_spaced_columns(
    st: &Structure,
    words: &[&Word],
    s: &TableSettings,
) -> Vec<(f64, f64)> {
    let lines = lines_of(words, s);
    st.col_edges
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|&(a, b)| {
            let in_col = |w: &&Word| w.bbox.x0 >= a - 1.0 && w.bbox.x1 <= b + 1.0;
            lines
                .iter()
                .filter(|l| l.words.iter().any(&in_col))
                .min_by(|p, q| p.bbox.top.total_cmp(&q.bbox.top))
                .is_some_and(|top| {
                    let ws: Vec<&&Word> = top.words.iter().filter(|w| in_col(w)).collect();
                    ws.len() >= 2
                        && ws
                            .iter()
                            .all(|w| super::cell_text::single_wide_char(&w.text))
                })
        })
        .collect()
}

/// Completes an incompletely ruled region with text evidence (Camelot's hybrid idea):
/// a column gap of the text inside that has words between it and every ruled column edge
/// becomes a virtual vertical ruling (unless, in one ruled row, a line below text on both
/// its sides runs across it), and a ruled band holding several rows (a line that
/// starts a new row by `stream::rows` and puts a number in a column where the line
/// before has one too; numbers do not wrap) gets virtual horizontal rulings between them.
///
/// Its own letter-spaced columns and those in `protected` (the same ruled column
/// labelled so in another grid of the page: a 項 continued under its own heading box
/// without the header) are never split (see [`letter_spaced_columns`]).
pub(crate) fn with_text_hints(
    region: &RuledRegion,
    st: &Structure,
    words: &[&Word],
    protected: &[(f64, f64)],
    scanned: bool,
    s: &TableSettings,
) -> Option<RuledRegion> {
    // Bullets in front of list items are not a column.
    let words: Vec<&Word> = words
        .iter()
        .copied()
        .filter(|w| !(w.text.chars().count() <= 1 && starts_paragraph(&w.text)))
        .collect();
    let lines = lines_of(&words, s);
    if lines.len() < 2 {
        return None;
    }
    let (x0, x1) = (*st.col_edges.first()?, *st.col_edges.last()?);
    let (y0, y1) = (*st.row_edges.first()?, *st.row_edges.last()?);
    let mut extra = Vec::new();
    let mut col_edges = st.col_edges.clone();
    let need = s.min_column_support.min(lines.len()).max(1);
    let own = letter_spaced_columns(st, &words, s);
    let protected_col = |a: f64, b: f64| {
        protected
            .iter()
            .chain(&own)
            .any(|&(p, q)| (p - a).abs() <= s.spread_edge_tol && (q - b).abs() <= s.spread_edge_tol)
    };
    for sep in separators(&lines, s) {
        if sep <= x0 || sep >= x1 {
            continue;
        }
        // The ruled column holding the gap: text on both sides of it within that column.
        let k = super::grid::interval(&st.col_edges, sep);
        let (Some(&a), Some(&b)) = (st.col_edges.get(k), st.col_edges.get(k + 1)) else {
            continue;
        };
        if protected_col(a, b) {
            continue;
        }
        let support = lines
            .iter()
            .filter(|l| {
                l.words
                    .iter()
                    .any(|w| w.bbox.x0 >= a - 1.0 && w.bbox.x1 <= sep)
                    && l.words
                        .iter()
                        .any(|w| w.bbox.x0 >= sep && w.bbox.x1 <= b + 1.0)
            })
            .count();
        // A ruled row in which a line with text on both sides of the gap is followed by a
        // line running across it (a wrapped line starting left of it: `1　市政情報の積極的`
        // / `な公開`) shows the gap is inside one cell's text. A line crossing above the
        // lines it spans is a spanning header.
        let in_col = |w: &Word| w.bbox.x0 >= a - 1.0 && w.bbox.x1 <= b + 1.0;
        let crosses = |w: &Word| {
            in_col(w) && w.bbox.x0 < sep - s.straddle_tol && w.bbox.x1 > sep + s.straddle_tol
        };
        let sides = |l: &super::stream::Line<'_>| {
            l.words.iter().any(|w| in_col(w) && w.bbox.x1 <= sep)
                && l.words.iter().any(|w| in_col(w) && w.bbox.x0 >= sep)
        };
        let crossed = st.row_edges.windows(2).any(|band| {
            let band_lines: Vec<&super::stream::Line<'_>> = lines
                .iter()
                .filter(|l| l.bbox.cy() > band[0] && l.bbox.cy() < band[1])
                .collect();
            band_lines
                .iter()
                .position(|l| sides(l))
                .is_some_and(|first| {
                    band_lines[first..]
                        .iter()
                        .any(|l| l.words.iter().any(|w| crosses(w)))
                })
        });
        if support >= need && !crossed {
            extra.push(Ruling::vertical(sep, y0, y1));
            col_edges.push(sep);
        }
    }
    col_edges.sort_by(f64::total_cmp);
    let num_cols = |l: &super::stream::Line<'_>| super::stream::number_columns(l, &col_edges);
    // Rule `ruled_rows`: a table that draws rules between its body rows (at least
    // `ruled_rows_min` inner row rules) means every one of them: lines inside a ruled band
    // are one cell's lines (a 節 box listing its 細節 with their amounts), not rows whose
    // rule is missing. Unless (rule `stacked_rows`) the band stacks rows of numbers: two
    // lines or more each with numbers alone in two columns or more (a 級別職員数 table
    // rules each block of 級 rows and its 計, not the 級 rows).
    let rows_ruled = st.row_edges.len().saturating_sub(2) >= s.ruled_rows_min;
    for band in st.row_edges.windows(2) {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].bbox.cy() > band[0] && lines[i].bbox.cy() < band[1])
            .collect();
        if idx.len() < 2 {
            continue;
        }
        let band_lines: Vec<_> = idx.iter().filter_map(|&i| lines.get(i).cloned()).collect();
        // Each line's columns holding a number alone, read once.
        let line_nums: Vec<Vec<usize>> = band_lines.iter().map(&num_cols).collect();
        let by_numbers = line_nums.iter().filter(|c| c.len() >= 2).count() >= 2;
        // Rule `parallel_rows`: a band whose visual rows (two or more) each hold a number
        // alone in a column and text in `parallel_row_min_columns` columns or more holds rows (a
        // 財産目録's 現金預金 box listing each bank's place, `―`, purpose and amount on a
        // line of its own). A budget's 節 box listing its 細節 beside the 説明 has lines of
        // 説明 alone too: one cell's lines.
        let text_columns = |l: &super::stream::Line<'_>| {
            let mut cols: Vec<usize> = l
                .words
                .iter()
                .map(|w| super::grid::interval(&col_edges, w.bbox.cx()))
                .collect();
            cols.sort_unstable();
            cols.dedup();
            cols
        };
        // Lines overlapping a little are one visual row (amounts set at the foot of their
        // boxes, texts at the top): (holds a number, columns with text, extent).
        let visual_rows = || {
            let mut visual: Vec<(bool, Vec<usize>, crate::geom::Rect)> = Vec::new();
            for (l, nums) in band_lines.iter().zip(&line_nums) {
                let joins = visual.last().is_some_and(|(_, _, b)| {
                    let h = b.height().min(l.bbox.height()).max(0.1);
                    b.overlap_y(&l.bbox) >= s.interleave_min_overlap * h
                });
                match visual.last_mut() {
                    Some((num, cols, b)) if joins => {
                        *num |= !nums.is_empty();
                        cols.extend(text_columns(l));
                        cols.sort_unstable();
                        cols.dedup();
                        *b = b.union(&l.bbox);
                    }
                    _ => visual.push((!nums.is_empty(), text_columns(l), l.bbox)),
                }
            }
            visual
        };
        let parallel = !by_numbers && {
            let visual = visual_rows();
            visual.len() >= 2
                && visual
                    .iter()
                    .all(|(num, cols, _)| *num && cols.len() >= s.parallel_row_min_columns)
        };
        let stacked = by_numbers || parallel;
        if rows_ruled && !stacked {
            continue;
        }
        // Stacked rows of numbers are a line each: a label beside them (text in the first
        // column) would otherwise start row groups of its own.
        let groups = if stacked {
            (0..band_lines.len()).map(|i| vec![i]).collect()
        } else {
            rows(&band_lines, &col_edges, &[], s)
        };
        // Rule `label_above_amounts`: a band that begins with a line without numbers and
        // whose lines with numbers hold nothing else prints each row's label on its first
        // line and its amounts on the line below (a scanned statement's two-line rows,
        // their dotted rules lost): the lines without numbers before a row of numbers
        // begin that row. Otherwise they continue the row above (a label wrapped under
        // the line holding its amounts).
        let amounts_only = |i: usize| {
            band_lines.get(i).is_some_and(|l| {
                l.words
                    .iter()
                    .all(|w| figure_chars_only(&w.text) || super::cell_text::only_marks(&w.text))
            })
        };
        let labels_above = groups.first().is_some_and(|g| {
            g.iter()
                .all(|&i| line_nums.get(i).is_none_or(Vec::is_empty))
        }) && groups.iter().all(|g| {
            g.iter()
                .all(|&i| line_nums.get(i).is_none_or(Vec::is_empty) || amounts_only(i))
        });
        // Numbers do not wrap: a row group with a number in a column that already has
        // one since the last row break starts a row. Groups without numbers (a label set
        // beside the rows, a vertical 令和８年… between two 級 rows) are passed over.
        let mut seen: Vec<usize> = Vec::new();
        let mut last_numbered: Option<usize> = None;
        for (gi, g) in groups.iter().enumerate() {
            let nums: Vec<usize> = g
                .iter()
                .filter_map(|&i| line_nums.get(i))
                .flatten()
                .copied()
                .collect();
            if nums.is_empty() {
                continue;
            }
            // The group the break goes before: this one, or with labels above amounts the
            // first of the number-less groups since the last numbered one.
            let starts = match (labels_above, last_numbered) {
                (true, Some(p)) => p + 1,
                _ => gi,
            };
            last_numbered = Some(gi);
            let before = starts
                .checked_sub(1)
                .and_then(|p| groups.get(p))
                .and_then(|p| p.last());
            let breaks = g
                .iter()
                .filter_map(|&i| line_nums.get(i))
                .find(|c| !c.is_empty())
                .is_some_and(|first| first.iter().any(|c| seen.contains(c)));
            if let (true, Some(&b), Some(&f)) =
                (breaks, before, groups.get(starts).and_then(|s| s.first()))
            {
                if let (Some(last), Some(first)) = (band_lines.get(b), band_lines.get(f)) {
                    // Parallel rows share the columns left of their first text (the
                    // 現金預金 label box spans its banks' rows): the break starts there.
                    let start = if parallel {
                        text_columns(first)
                            .first()
                            .and_then(|&c| col_edges.get(c))
                            .copied()
                            .unwrap_or(x0)
                            .max(x0)
                    } else {
                        x0
                    };
                    extra.push(Ruling::horizontal(
                        (last.bbox.bottom + first.bbox.top) / 2.0,
                        start,
                        x1,
                    ));
                }
                seen.clear();
            }
            seen.extend(nums);
        }
    }
    // Rule `numbers_do_not_span_rows`: on a scanned page, a row edge that other columns
    // rule is a boundary in a column too when a number sits on each side of it there,
    // though its rule there is broken (a scanned form's dotted row rules, found in
    // pieces): numbers do not wrap, so two numbers one above the other are two rows, not
    // one cell. A digital page draws its rules whole, and a box holding several numbers
    // there is one cell's lines (rule `ruled_rows`).
    let hs: Vec<&Ruling> = region
        .rulings
        .iter()
        .filter(|r| r.is_horizontal())
        .collect();
    let number_in = |a: f64, b: f64, top: f64, bottom: f64| {
        words.iter().any(|w| {
            let (cx, cy) = (w.bbox.cx(), w.bbox.cy());
            cx > a && cx < b && cy > top && cy < bottom && figure_chars_only(&w.text)
        })
    };
    for band in st.row_edges.windows(3).filter(|_| scanned) {
        let (top, y, bottom) = (band[0], band[1], band[2]);
        for col in st.col_edges.windows(2) {
            let (a, b) = (col[0], col[1]);
            if coverage(&hs, y, a, b, s.edge_merge_tol) < s.edge_cover_frac
                && number_in(a, b, top, y)
                && number_in(a, b, y, bottom)
            {
                extra.push(Ruling::horizontal(y, a, b));
            }
        }
    }
    if extra.is_empty() {
        return None;
    }
    let mut rulings = region.rulings.clone();
    rulings.extend(extra);
    Some(RuledRegion {
        bbox: region.bbox,
        rulings,
    })
}

/// Adds `lo` / `hi` as outer edges when they lie beyond the current ones by more than `tol`.
fn extend_edges(e: &mut Vec<f64>, lo: f64, hi: f64, tol: f64) {
    if lo.is_finite() && e.first().is_none_or(|&f| lo < f - tol) {
        e.insert(0, lo);
    }
    if hi.is_finite() && e.last().is_none_or(|&l| hi > l + tol) {
        e.push(hi);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{full_grid, hline, vline};
    use super::*;

    #[test]
    fn separate_grids_are_separate_regions() {
        let mut r = full_grid(&[0.0, 50.0, 100.0], &[0.0, 20.0, 40.0]);
        r.extend(full_grid(&[0.0, 50.0, 100.0], &[100.0, 120.0, 140.0]));
        r.push(hline(300.0, 0.0, 100.0)); // a lone rule: no crossing, no region
        let regions = ruled_regions(&r, &TableSettings::default());
        assert_eq!(regions.len(), 2);
        assert_eq!(regions[0].bbox, Rect::new(0.0, 0.0, 100.0, 40.0));
        assert_eq!(regions[1].n_horizontal(), 3);
    }

    #[test]
    fn full_grid_gives_plain_cells() {
        let r = full_grid(&[0.0, 50.0, 100.0, 150.0], &[0.0, 20.0, 40.0]);
        let regions = ruled_regions(&r, &TableSettings::default());
        let st = structure(&regions[0], &TableSettings::default()).expect("structure");
        assert_eq!(st.col_edges, vec![0.0, 50.0, 100.0, 150.0]);
        assert_eq!(st.spans.len(), 6);
        assert!(st.spans.iter().all(|s| s.rowspan == 1 && s.colspan == 1));
    }

    #[test]
    fn missing_inner_rulings_make_spans() {
        // Header: "人口" spanning columns 1-2 (no vertical at x=100 in row 0);
        // "区分" spanning rows 0-1 in column 0 (no horizontal at y=20 under it).
        let r = vec![
            hline(0.0, 0.0, 150.0),
            hline(20.0, 50.0, 150.0),
            hline(40.0, 0.0, 150.0),
            hline(60.0, 0.0, 150.0),
            vline(0.0, 0.0, 60.0),
            vline(50.0, 0.0, 60.0),
            vline(100.0, 20.0, 60.0),
            vline(150.0, 0.0, 60.0),
        ];
        let regions = ruled_regions(&r, &TableSettings::default());
        assert_eq!(regions.len(), 1);
        let st = structure(&regions[0], &TableSettings::default()).expect("structure");
        assert_eq!(
            st.spans[0],
            Span {
                row: 0,
                col: 0,
                rowspan: 2,
                colspan: 1
            }
        );
        assert_eq!(
            st.spans[1],
            Span {
                row: 0,
                col: 1,
                rowspan: 1,
                colspan: 2
            }
        );
        assert_eq!(st.spans.len(), 1 + 1 + 2 + 3);
    }

    #[test]
    fn open_sides_are_closed_by_rulings_reaching_past() {
        // Horizontal rules from 0 to 150, inner verticals only at 50 and 100.
        let r = vec![
            hline(0.0, 0.0, 150.0),
            hline(20.0, 0.0, 150.0),
            hline(40.0, 0.0, 150.0),
            vline(50.0, 0.0, 40.0),
            vline(100.0, 0.0, 40.0),
        ];
        let regions = ruled_regions(&r, &TableSettings::default());
        let st = structure(&regions[0], &TableSettings::default()).expect("structure");
        assert_eq!(st.col_edges, vec![0.0, 50.0, 100.0, 150.0]);
        assert_eq!(st.row_edges, vec![0.0, 20.0, 40.0]);
    }

    #[test]
    fn text_completes_a_sparsely_ruled_table() {
        use super::super::testutil::w;
        // Frame with one inner vertical after the label column and one rule under the
        // header; the body band holds two rows of three numbers each.
        let r = vec![
            hline(0.0, 0.0, 200.0),
            hline(15.0, 0.0, 200.0),
            hline(45.0, 0.0, 200.0),
            vline(0.0, 0.0, 45.0),
            vline(60.0, 0.0, 45.0),
            vline(200.0, 0.0, 45.0),
        ];
        let words = [
            w("Freq.", 70.0, 2.0),
            w("Pct", 130.0, 2.0),
            w("kept", 5.0, 18.0),
            w("344", 70.0, 18.0),
            w("75.2", 130.0, 18.0),
            w("sold", 5.0, 30.0),
            w("53", 70.0, 30.0),
            w("11.6", 130.0, 30.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let s = TableSettings::default();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        let better = with_text_hints(region, &st, &refs, &[], false, &s).expect("hints");
        let st2 = structure(&better, &s).expect("structure");
        assert_eq!(st2.col_edges.len(), 4, "{:?}", st2.col_edges);
        assert_eq!(st2.row_edges.len(), 4, "{:?}", st2.row_edges);
        assert!(
            crate::text::figure::figure_chars_only("▲1,234")
                && crate::text::figure::figure_chars_only("17.4%")
                && !crate::text::figure::figure_chars_only("Freq.")
        );
    }

    #[test]
    fn a_gap_crossed_by_a_wrapped_line_is_not_a_column() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // One ruled column (0-100) beside a number column; five ruled rows, each an
        // enumerator and a label; the first label wraps onto a line starting under the
        // enumerator, across the gap between them.
        let ys = [0.0, 30.0, 50.0, 70.0, 90.0, 110.0];
        let r = full_grid(&[0.0, 100.0, 200.0], &ys);
        let mut words = Vec::new();
        for (i, y) in ys[..5].iter().enumerate() {
            words.push(w(&(i + 1).to_string(), 2.0, y + 3.0));
            words.push(w("市政情報", 20.0, y + 3.0));
            words.push(w("123", 110.0, y + 3.0));
        }
        words.push(w("な公開です", 2.0, 16.0));
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_none());
        // The same crossing line above the lines it spans (a spanning header) keeps
        // the column.
        if let Some(last) = words.last_mut() {
            *last = w("な公開です", 2.0, 1.0);
        }
        for wd in words.iter_mut().take(3) {
            wd.bbox.top += 14.0;
            wd.bbox.bottom += 14.0;
        }
        let refs: Vec<&Word> = words.iter().collect();
        let better = with_text_hints(region, &st, &refs, &[], false, &s).expect("hints");
        assert_eq!(
            structure(&better, &s).expect("structure").col_edges.len(),
            4
        );
    }

    #[test]
    fn a_letter_spaced_label_keeps_its_box_one_column() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // A ruled 説明 box: `説` and `明` spread over its header, items with their amounts
        // set right below; the gap between them is no column.
        let r = full_grid(&[0.0, 60.0, 300.0], &[0.0, 20.0, 100.0]);
        let words = [
            w("区分", 5.0, 5.0),
            w("説", 80.0, 5.0),
            w("明", 260.0, 5.0),
            w("1 現年", 5.0, 25.0),
            w("まちづくり使用料", 65.0, 25.0),
            w("500", 270.0, 25.0),
            w("市有建物使用料", 65.0, 40.0),
            w("446", 270.0, 40.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_none());
        // The label set over the text alone, nothing over the amounts: one column too.
        let mut spaced = words.to_vec();
        spaced[2] = w("明", 120.0, 5.0);
        let refs: Vec<&Word> = spaced.iter().collect();
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_none());
        // A label that is a word (a group label over two sub-columns) keeps the split.
        let mut labelled = words.to_vec();
        labelled[1] = w("Population", 80.0, 5.0);
        labelled[2] = w("Total", 260.0, 5.0);
        let refs: Vec<&Word> = labelled.iter().collect();
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_some());
    }

    #[test]
    fn lines_inside_a_ruled_box_of_a_row_ruled_table_stay_one_cell() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // Rules under the header and between every row: a 節 box listing two 細節 with
        // amounts is one cell, not two rows.
        let ys = [0.0, 20.0, 40.0, 60.0, 80.0, 120.0, 140.0];
        let r = full_grid(&[0.0, 100.0, 200.0], &ys);
        let mut words = vec![w("区分", 5.0, 5.0), w("金額", 105.0, 5.0)];
        for y in [25.0, 45.0, 65.0, 85.0, 125.0] {
            words.push(w("手当", 5.0, y));
            words.push(w("10", 150.0, y));
        }
        words.push(w("管理職手当", 5.0, 100.0));
        words.push(w("5", 150.0, 100.0));
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_none());
    }

    #[test]
    fn stacked_rows_of_numbers_in_a_ruled_band_are_rows() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // A table ruling its header and each block, not its rows: a band of 級 rows, each
        // with numbers alone in two columns, and a vertical block label beside them whose
        // middle line sits between two rows.
        let ys = [0.0, 20.0, 40.0, 60.0, 80.0, 160.0, 180.0];
        let r = full_grid(&[0.0, 40.0, 100.0, 200.0, 300.0], &ys);
        let mut words = vec![
            w("区分", 5.0, 5.0),
            w("級", 45.0, 5.0),
            w("職員数", 105.0, 5.0),
            w("構成比", 205.0, 5.0),
        ];
        for (i, y) in [85.0, 105.0, 125.0, 145.0].into_iter().enumerate() {
            words.push(w(&format!("{}級", i + 1), 45.0, y));
            words.push(w("60", 150.0, y));
            words.push(w("7.0", 250.0, y));
        }
        words.push(w("令和", 5.0, 95.0));
        // `１` of `１月１日` between the next two rows: a number, in a column of its own.
        words.push(w("１", 5.0, 115.0));
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        let hinted =
            with_text_hints(region, &st, &refs, &[], false, &s).expect("rows from the text");
        let st2 = structure(&hinted, &s).expect("structure");
        assert_eq!(
            st2.row_edges.len(),
            ys.len() + 3,
            "four 級 rows in the band: {:?}",
            st2.row_edges
        );
    }

    #[test]
    fn numbers_one_above_the_other_keep_a_broken_rule_between_them() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // 科目 | 決算: rows ruled in full at 0, 20 and 80, but the rules at 40 and 60 were
        // found only in the label column (dotted rules of a scan, in pieces).
        let mut r = full_grid(&[0.0, 100.0, 200.0], &[0.0, 20.0, 80.0]);
        r.push(hline(40.0, 0.0, 100.0));
        r.push(hline(60.0, 0.0, 100.0));
        let words = [
            w("科目", 5.0, 5.0),
            w("決算", 105.0, 5.0),
            w("収益", 5.0, 25.0),
            w("696,560,121", 105.0, 25.0),
            w("施設", 5.0, 45.0),
            w("394,312,750", 105.0, 45.0),
            w("居宅", 5.0, 65.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        // Without the rule: the amounts share one cell spanning the rows.
        assert!(
            st.spans.iter().any(|sp| sp.col == 1 && sp.rowspan >= 2),
            "{:?}",
            st.spans
        );
        assert!(
            with_text_hints(region, &st, &refs, &[], false, &s).is_none(),
            "a digital page's box of numbers is one cell"
        );
        let hinted = with_text_hints(region, &st, &refs, &[], true, &s).expect("a boundary");
        let st2 = structure(&hinted, &s).expect("structure");
        // The edge at 40 now separates the two amounts; the one at 60 (an amount above,
        // none below) stays open.
        let amount_spans: Vec<&Span> = st2.spans.iter().filter(|sp| sp.col == 1).collect();
        assert!(
            amount_spans
                .iter()
                .all(|sp| sp.row + sp.rowspan <= 2 || sp.row >= 2),
            "{amount_spans:?}"
        );
    }

    #[test]
    fn a_box_listing_lines_of_several_columns_each_with_an_amount_holds_rows() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // A 財産目録 on a digital page: 現金預金's box lists two banks, each line with a
        // place, a purpose and an amount set a little lower (at the foot of its box).
        // The table rules its rows (four more below), so lines inside a box are one cell's
        // lines unless a rule says otherwise.
        let r = full_grid(
            &[0.0, 60.0, 140.0, 200.0, 300.0],
            &[0.0, 20.0, 80.0, 100.0, 120.0, 140.0],
        );
        let words = [
            w("科目", 5.0, 5.0),
            w("場所", 65.0, 5.0),
            w("目的", 145.0, 5.0),
            w("価額", 205.0, 5.0),
            w("現金預金", 5.0, 22.0),
            w("現金手許有高", 62.0, 22.0),
            w("運転資金", 145.0, 22.0),
            w("220,207", 240.0, 28.0),
            w("北陸銀行", 65.0, 40.0),
            w("運転資金", 145.0, 40.0),
            w("213,799,424", 230.0, 46.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        let hinted = with_text_hints(region, &st, &refs, &[], false, &s).expect("rows");
        let st2 = structure(&hinted, &s).expect("structure");
        assert_eq!(st2.row_edges.len(), 7, "{:?}", st2.row_edges);
        // The break runs above 北陸銀行, not between a line and its amount, and leaves the
        // account's box whole.
        assert!(
            st2.row_edges[2] > 38.0 && st2.row_edges[2] <= 40.0,
            "{:?}",
            st2.row_edges
        );
        assert!(
            st2.spans
                .iter()
                .any(|sp| sp.col == 0 && sp.row == 1 && sp.rowspan == 2),
            "{:?}",
            st2.spans
        );
        // A 節 box beside its 説明: a line of 説明 alone makes it one cell's lines.
        let mut budget = words.to_vec();
        budget.push(w("会議運営", 145.0, 64.0));
        let refs: Vec<&Word> = budget.iter().collect();
        assert!(with_text_hints(region, &st, &refs, &[], false, &s).is_none());
    }

    #[test]
    fn labels_printed_above_their_amounts_begin_their_rows() {
        use super::super::testutil::w;
        let s = TableSettings::default();
        // A scanned statement's two-line rows, their dotted rules lost: each account on
        // the row's first line, its amounts alone on the line below.
        let r = full_grid(&[0.0, 100.0, 200.0, 300.0], &[0.0, 20.0, 140.0]);
        let mut words = vec![
            w("科目", 5.0, 5.0),
            w("予算", 105.0, 5.0),
            w("決算", 205.0, 5.0),
        ];
        for (i, label) in ["人件費支出", "役員報酬支出", "職員給料支出"]
            .iter()
            .enumerate()
        {
            let y = 22.0 + 40.0 * i as f64;
            words.push(w(label, 5.0, y));
            words.push(w("480,708,000", 130.0, y + 18.0));
            words.push(w("478,804,769", 230.0, y + 18.0));
        }
        let refs: Vec<&Word> = words.iter().collect();
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        let hinted = with_text_hints(region, &st, &refs, &[], true, &s).expect("rows");
        let st2 = structure(&hinted, &s).expect("structure");
        // Breaks above each label (y 62 and 102), not between a label and its amounts.
        let inner: Vec<f64> = st2.row_edges[2..st2.row_edges.len() - 1].to_vec();
        assert_eq!(inner.len(), 2, "{:?}", st2.row_edges);
        for (edge, label_top) in inner.iter().zip([62.0, 102.0]) {
            assert!(
                *edge <= label_top && *edge > label_top - 10.0,
                "{:?}",
                st2.row_edges
            );
        }
    }

    #[test]
    fn an_l_shaped_group_is_read_as_rectangles() {
        let s = TableSettings::default();
        // 款 | 項 | 金額: the 款 row spans 款 and 項 (no rule between them), the 款 column
        // runs on down beside two boxed 項 rows (no rule under the 款 row in it).
        let r = vec![
            hline(0.0, 0.0, 300.0),
            hline(20.0, 100.0, 300.0),
            hline(40.0, 100.0, 300.0),
            hline(60.0, 0.0, 300.0),
            vline(0.0, 0.0, 60.0),
            vline(100.0, 20.0, 60.0),
            vline(200.0, 0.0, 60.0),
            vline(300.0, 0.0, 60.0),
        ];
        let region = &ruled_regions(&r, &s)[0];
        let st = structure(region, &s).expect("structure");
        let mut spans: Vec<(usize, usize, usize, usize)> = st
            .spans
            .iter()
            .map(|x| (x.row, x.col, x.rowspan, x.colspan))
            .collect();
        spans.sort_unstable();
        assert_eq!(
            spans,
            vec![
                (0, 0, 1, 2),
                (0, 2, 1, 1),
                (1, 0, 2, 1),
                (1, 1, 1, 1),
                (1, 2, 1, 1),
                (2, 1, 1, 1),
                (2, 2, 1, 1)
            ]
        );
    }

    #[test]
    fn partial_coverage() {
        let a = vline(10.0, 0.0, 5.0);
        let b = vline(10.5, 4.0, 8.0);
        let v = vec![&a, &b];
        assert!((coverage(&v, 10.0, 0.0, 10.0, 1.0) - 0.8).abs() < 1e-9);
        assert_eq!(coverage(&v, 20.0, 0.0, 10.0, 1.0), 0.0);
    }
}
