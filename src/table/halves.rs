//! Rule `side_by_side_halves`: one ruled frame holding two tables side by side.
//!
//! A balance sheet (貸借対照表) prints 資産の部 on the left and 負債の部・純資産の部 on
//! the right inside one frame, each half with its own 勘定科目 column and its own rows: a
//! left box lists 現金預金 and 事業未収金 while the right lists 事業未払金 beside them. Read
//! as one grid, the two halves' rows are cut to each other's lines, and a half's amounts
//! end up in the other's rows. A statistics table folded in two to save paper (`区分 | 人数
//! | 区分 | 人数`) is the same shape.
//!
//! The sign is in the header: a row near the top whose column labels, read left to right,
//! repeat — the left half's sequence (`勘定科目 当年度末 前年度末 増減`) again from a
//! column edge on. The frame is then read as two ruled regions split at that edge, each
//! with its own rows.

use crate::geom::Rect;
use crate::layout::{Ruling, Word};

use super::grid::{interval, Structure};
use super::lattice::{structure, RuledRegion};
use super::settings::TableSettings;

/// A ruled region, its structure and the words inside it.
pub(crate) type Region<'a> = (RuledRegion, Structure, Vec<&'a Word>);

/// The region as one, or as its two halves when its header repeats itself.
pub(crate) fn split_halves<'a>(r: Region<'a>, s: &TableSettings) -> Vec<Region<'a>> {
    let (region, st, inside) = r;
    let Some(x) = repeat_edge(&st, &inside, s) else {
        return vec![(region, st, inside)];
    };
    let half = |lo: f64, hi: f64| -> Option<Region<'a>> {
        let tol = s.edge_merge_tol;
        let rulings: Vec<Ruling> = region
            .rulings
            .iter()
            .filter_map(|r| {
                if r.is_horizontal() {
                    let (a, b) = (r.start.max(lo), r.end.min(hi));
                    (b - a > tol).then(|| Ruling::horizontal(r.pos, a, b))
                } else {
                    (r.pos >= lo - tol && r.pos <= hi + tol).then(|| r.clone())
                }
            })
            .collect();
        let bbox = Rect::new(lo, region.bbox.top, hi, region.bbox.bottom);
        let part = RuledRegion { bbox, rulings };
        let st = structure(&part, s)?;
        let words: Vec<&Word> = inside
            .iter()
            .copied()
            .filter(|w| w.bbox.cx() >= lo && w.bbox.cx() < hi)
            .collect();
        Some((part, st, words))
    };
    match (half(region.bbox.x0, x), half(x, region.bbox.x1)) {
        (Some(a), Some(b)) => vec![a, b],
        _ => vec![(region, st, inside)],
    }
}

/// The x of the column edge where a header row's labels start over again, if one of the
/// first `halves_header_rows` rows repeats: its non-empty column texts left of the edge
/// (at least two) equal those from the edge on, and the right half's first column is
/// labelled.
fn repeat_edge(st: &Structure, words: &[&Word], s: &TableSettings) -> Option<f64> {
    let nc = st.col_edges.len().checked_sub(1)?;
    for band in st.row_edges.windows(2).take(s.halves_header_rows) {
        let mut texts = vec![String::new(); nc];
        let mut line: Vec<&&Word> = words
            .iter()
            .filter(|w| w.bbox.cy() > band[0] && w.bbox.cy() < band[1])
            .collect();
        line.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        for w in line {
            if let Some(t) = texts.get_mut(interval(&st.col_edges, w.bbox.cx())) {
                t.extend(w.text.chars().filter(|c| !c.is_whitespace()));
            }
        }
        let labelled = |cols: &[String]| -> Vec<String> {
            cols.iter().filter(|t| !t.is_empty()).cloned().collect()
        };
        for m in 2..nc.saturating_sub(1) {
            let (left, right) = texts.split_at(m);
            let l = labelled(left);
            if l.len() >= 2 && !right[0].is_empty() && l == labelled(right) {
                return st.col_edges.get(m).copied();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::lattice::ruled_regions;
    use super::super::testutil::{full_grid, w};
    use super::*;

    #[test]
    fn a_header_that_repeats_itself_splits_the_frame_into_two_tables() {
        let s = TableSettings::default();
        let xs = [0.0, 100.0, 160.0, 260.0, 320.0];
        let r = full_grid(&xs, &[0.0, 20.0, 80.0]);
        let words = [
            w("科目", 5.0, 5.0),
            w("金額", 105.0, 5.0),
            w("科目", 165.0, 5.0),
            w("金額", 265.0, 5.0),
            w("現金", 5.0, 25.0),
            w("100", 105.0, 25.0),
            w("未払金", 165.0, 45.0),
            w("50", 265.0, 45.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let region = ruled_regions(&r, &s).remove(0);
        let st = structure(&region, &s).expect("structure");
        let halves = split_halves((region, st, refs.clone()), &s);
        assert_eq!(halves.len(), 2);
        assert_eq!(halves[0].1.col_edges, vec![0.0, 100.0, 160.0]);
        assert_eq!(halves[1].1.col_edges, vec![160.0, 260.0, 320.0]);
        assert_eq!(halves[0].2.len(), 4);
        assert_eq!(halves[1].2.len(), 4);

        // Different labels on the right: one table.
        let mut other = words.clone();
        other[3] = w("人数", 265.0, 5.0);
        let refs: Vec<&Word> = other.iter().collect();
        let region = ruled_regions(&r, &s).remove(0);
        let st = structure(&region, &s).expect("structure");
        assert_eq!(split_halves((region, st, refs), &s).len(), 1);
    }
}
