//! Spans of the finished table, in row indices of [`LogicalTable::rows`] (section rows
//! counted): a section heading spans every column; a cell filled down spans its source
//! row and every row it was filled into; a body cell spanning columns keeps its width.
//!
//! [`LogicalTable::rows`]: super::LogicalTable::rows

use super::part::WorkRow;
use super::Span;

/// Spans of `rows`; `section[i]` tells which rows are section headings.
pub fn spans(rows: &[WorkRow], section: &[bool], n_cols: usize) -> Vec<Span> {
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if section.get(i).copied().unwrap_or(false) {
            out.push(Span {
                row: i,
                col: 0,
                rowspan: 1,
                colspan: n_cols.max(1),
            });
            continue;
        }
        for (k, slot) in r.slots.iter().enumerate() {
            if slot.filled || slot.text.trim().is_empty() {
                continue;
            }
            let down = rows[i + 1..]
                .iter()
                .take_while(|b| b.slots.get(k).is_some_and(|s| s.filled))
                .count();
            let colspan = if slot.own { slot.colspan.max(1) } else { 1 };
            if down > 0 || colspan > 1 {
                out.push(Span {
                    row: i,
                    col: k,
                    rowspan: down + 1,
                    colspan,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::part::testutil::grid;
    use super::super::part::{fill_rowspans, grid_rows};
    use super::*;

    #[test]
    fn section_rowspan_and_colspan_cells() {
        let g = grid(
            1,
            &[
                &["II 区政改革", "", ""],
                &["1 区", "①", "a"],
                &["", "②", "b"],
                &["2 地域", "合わせた", ""],
            ],
            &[(0, 0, 1, 3), (1, 0, 2, 1), (3, 1, 1, 2)],
        );
        let mut rows = grid_rows(&g, 0);
        fill_rowspans(&mut rows, |_| true);
        let sp = spans(&rows, &[true, false, false, false], 3);
        assert_eq!(
            sp,
            vec![
                Span {
                    row: 0,
                    col: 0,
                    rowspan: 1,
                    colspan: 3
                },
                Span {
                    row: 1,
                    col: 0,
                    rowspan: 2,
                    colspan: 1
                },
                Span {
                    row: 3,
                    col: 1,
                    rowspan: 1,
                    colspan: 2
                },
            ]
        );
    }
}
