//! One grid as a table part: its slots as working rows (own text, which cell covers each
//! slot, spans), before headers are split off and parts are stitched together.

use crate::geom::Rect;
use crate::table::Grid;

/// A slot of a working row.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The text shown for this slot: the cell's text at its top-left slot (and, once
    /// filled down, in the rows a row-spanning cell covers); `""` elsewhere.
    pub text: String,
    /// Index of the covering cell in its grid, so slots of one cell can be recognised
    /// (`usize::MAX` for a slot no cell covers).
    pub cell: usize,
    /// This slot is the top-left slot of its cell.
    pub own: bool,
    /// The covering cell's row span and column span.
    pub rowspan: usize,
    pub colspan: usize,
    /// Text filled down from a row-spanning cell above.
    pub filled: bool,
}

impl Slot {
    /// A slot no cell covers.
    pub const EMPTY: Slot = Slot {
        text: String::new(),
        cell: usize::MAX,
        own: false,
        rowspan: 1,
        colspan: 1,
        filled: false,
    };
}

/// A row of a part or of the table being assembled.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkRow {
    pub slots: Vec<Slot>,
    /// Most of its non-empty cells are bold.
    pub bold: bool,
    pub page: usize,
    pub pages: Vec<usize>,
    pub bbox: Rect,
    /// Index of the grid (part) it came from.
    pub part: usize,
    /// A unit row's units were taken off this row (`unit::take_unit_row`): units are
    /// printed under the header, so this row and the rows below it are body.
    pub units_taken: bool,
}

impl WorkRow {
    pub fn texts(&self) -> Vec<String> {
        self.slots.iter().map(|s| s.text.clone()).collect()
    }
    pub fn text(&self, col: usize) -> &str {
        self.slots.get(col).map_or("", |s| s.text.as_str())
    }
    /// Whether the slot at `col` has its own (not filled-down) non-empty text.
    pub fn own_text(&self, col: usize) -> bool {
        self.slots
            .get(col)
            .is_some_and(|s| s.own && !s.text.trim().is_empty())
    }
    /// Indices of the slots with non-empty text.
    pub fn nonempty(&self) -> Vec<usize> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.text.trim().is_empty())
            .map(|(i, _)| i)
            .collect()
    }
    pub fn is_blank(&self) -> bool {
        self.slots.iter().all(|s| s.text.trim().is_empty())
    }
}

/// The rows of a grid, top to bottom, every slot filled in.
pub fn grid_rows(g: &Grid, part: usize) -> Vec<WorkRow> {
    let (nr, nc) = (g.n_rows(), g.n_cols());
    let mut rows: Vec<Vec<Slot>> = vec![vec![Slot::EMPTY; nc]; nr];
    let mut bold_votes = vec![(0usize, 0usize); nr];
    for (ci, c) in g.cells.iter().enumerate() {
        let (rs, cs) = (c.rowspan.max(1), c.colspan.max(1));
        for r in c.row..(c.row + rs).min(nr) {
            for k in c.col..(c.col + cs).min(nc) {
                if let Some(slot) = rows.get_mut(r).and_then(|row| row.get_mut(k)) {
                    let own = r == c.row && k == c.col;
                    *slot = Slot {
                        text: if own { c.text.clone() } else { String::new() },
                        cell: ci,
                        own,
                        rowspan: rs,
                        colspan: cs,
                        filled: false,
                    };
                }
            }
        }
        if !c.text.trim().is_empty() {
            if let Some(v) = bold_votes.get_mut(c.row) {
                v.1 += 1;
                if c.bold {
                    v.0 += 1;
                }
            }
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, slots)| {
            let top = g.row_edges.get(i).copied().unwrap_or(g.bbox.top);
            let bottom = g.row_edges.get(i + 1).copied().unwrap_or(g.bbox.bottom);
            let (b, n) = bold_votes.get(i).copied().unwrap_or((0, 0));
            WorkRow {
                slots,
                bold: n > 0 && 2 * b > n,
                page: g.page,
                pages: vec![g.page],
                bbox: Rect::new(g.bbox.x0, top, g.bbox.x1, bottom),
                part,
                units_taken: false,
            }
        })
        .collect()
}

/// Fills the text of row-spanning cells down into every row they cover (marking those
/// slots `filled`), for the columns where `fill(col)` holds.
pub fn fill_rowspans(rows: &mut [WorkRow], fill: impl Fn(usize) -> bool) {
    for i in 1..rows.len() {
        let (above, below) = rows.split_at_mut(i);
        let (Some(prev), Some(cur)) = (above.last(), below.first_mut()) else {
            continue;
        };
        for (k, slot) in cur.slots.iter_mut().enumerate() {
            if slot.own || slot.cell == usize::MAX || !fill(k) {
                continue;
            }
            let Some(p) = prev.slots.get(k) else { continue };
            // Same cell as above, and the leftmost slot of its column span.
            let leftmost = k == 0 || cur_slot_cell_left(&prev.slots, k) != Some(p.cell);
            if p.cell == slot.cell && slot.rowspan > 1 && leftmost && !p.text.is_empty() {
                slot.text = p.text.clone();
                slot.filled = true;
            }
        }
    }
}

/// Rule `label_only_row`: a row whose only texts open row-spanning boxes that run on into
/// the next row (a side label such as `支出` over its items), every other box empty, holds
/// no data: it is dropped and the next row becomes where those labels start. The welfare
/// statements (資金収支計算書) draw such a blank ruled line where a section opens with
/// no items of its own (`その他の活動による収支 / 支出`, then only its 計 row).
/// Call after [`fill_rowspans`]; `is_section` rows are kept.
pub fn drop_label_only_rows(rows: &mut Vec<WorkRow>, is_section: impl Fn(&WorkRow) -> bool) {
    let mut i = 0;
    while i + 1 < rows.len() {
        let (r, next) = (&rows[i], &rows[i + 1]);
        let opens = |k: usize, sl: &Slot| {
            sl.own
                && sl.rowspan > 1
                && next
                    .slots
                    .get(k)
                    .is_some_and(|n| n.filled && n.cell == sl.cell)
        };
        let any_opening = r
            .slots
            .iter()
            .enumerate()
            .any(|(k, sl)| !sl.text.trim().is_empty() && opens(k, sl));
        let only_labels = r
            .slots
            .iter()
            .enumerate()
            .all(|(k, sl)| sl.text.trim().is_empty() || sl.filled || opens(k, sl));
        if !any_opening || !only_labels || is_section(r) {
            i += 1;
            continue;
        }
        let starts: Vec<usize> = r
            .slots
            .iter()
            .enumerate()
            .filter(|(k, sl)| !sl.text.trim().is_empty() && opens(*k, sl))
            .map(|(k, _)| k)
            .collect();
        let removed = rows.remove(i);
        if let Some(n) = rows.get_mut(i) {
            for k in starts {
                if let (Some(sl), Some(src)) = (n.slots.get_mut(k), removed.slots.get(k)) {
                    sl.filled = false;
                    sl.own = true;
                    sl.rowspan = src.rowspan.saturating_sub(1);
                }
            }
        }
    }
}

fn cur_slot_cell_left(slots: &[Slot], k: usize) -> Option<usize> {
    k.checked_sub(1).and_then(|j| slots.get(j)).map(|s| s.cell)
}

#[cfg(test)]
pub mod testutil {
    //! Hand-made grids for the unit tests of this stage.
    use crate::geom::Rect;
    use crate::table::{Cell, Grid, Strategy};

    /// A grid on `page` at `top` with unit cells from a matrix; `spans` lists
    /// (row, col, rowspan, colspan) cells whose covered slots must be `""` in `m`.
    pub fn grid_at(
        page: usize,
        top: f64,
        m: &[&[&str]],
        spans: &[(usize, usize, usize, usize)],
    ) -> Grid {
        let nr = m.len();
        let nc = m.iter().map(|r| r.len()).max().unwrap_or(0);
        let row_edges: Vec<f64> = (0..=nr).map(|i| top + 20.0 * i as f64).collect();
        let col_edges: Vec<f64> = (0..=nc).map(|k| 50.0 + 100.0 * k as f64).collect();
        let mut covered = vec![vec![false; nc]; nr];
        let mut cells = Vec::new();
        for r in 0..nr {
            for k in 0..nc {
                if covered[r][k] {
                    continue;
                }
                let (rs, cs) = spans
                    .iter()
                    .find(|s| s.0 == r && s.1 == k)
                    .map_or((1, 1), |s| (s.2, s.3));
                for rr in r..(r + rs).min(nr) {
                    for kk in k..(k + cs).min(nc) {
                        covered[rr][kk] = true;
                    }
                }
                let text = m[r].get(k).copied().unwrap_or("").to_string();
                let bbox = Rect::new(
                    col_edges[k],
                    row_edges[r],
                    col_edges[(k + cs).min(nc)],
                    row_edges[(r + rs).min(nr)],
                );
                cells.push(Cell {
                    row: r,
                    col: k,
                    rowspan: rs,
                    colspan: cs,
                    bbox,
                    size: if text.is_empty() { 0.0 } else { 9.0 },
                    text,
                    bold: false,
                });
            }
        }
        let bbox = Rect::new(col_edges[0], row_edges[0], col_edges[nc], row_edges[nr]);
        Grid {
            page,
            bbox,
            mode: Strategy::Lattice,
            row_edges,
            col_edges,
            cells,
            diagnostics: Vec::new(),
            side_label: None,
        }
    }

    pub fn grid(page: usize, m: &[&[&str]], spans: &[(usize, usize, usize, usize)]) -> Grid {
        grid_at(page, 60.0, m, spans)
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::grid;
    use super::*;

    #[test]
    fn rows_know_their_cells_and_fill_down() {
        let g = grid(
            1,
            &[&["課題", "取組"], &["1 区", "①"], &["", "②"]],
            &[(1, 0, 2, 1)],
        );
        let mut rows = grid_rows(&g, 0);
        assert_eq!(rows.len(), 3);
        assert!(rows[1].slots[0].own && !rows[2].slots[0].own);
        assert_eq!(rows[1].slots[0].cell, rows[2].slots[0].cell);
        fill_rowspans(&mut rows, |_| true);
        assert_eq!(rows[2].text(0), "1 区");
        assert!(rows[2].slots[0].filled);
        assert!(!rows[1].slots[0].filled);
    }

    #[test]
    fn label_only_rows_are_dropped() {
        // `支出` opens a box over two rows; its first row is otherwise empty.
        let g = grid(
            1,
            &[
                &["収支", "収入", "計(7)", "0"],
                &["", "支出", "", ""],
                &["", "", "計(8)", "0"],
            ],
            &[(0, 0, 3, 1), (1, 1, 2, 1)],
        );
        let mut rows = grid_rows(&g, 0);
        fill_rowspans(&mut rows, |_| true);
        drop_label_only_rows(&mut rows, |_| false);
        let texts: Vec<Vec<String>> = rows.iter().map(|r| r.texts()).collect();
        assert_eq!(
            texts,
            vec![
                vec!["収支", "収入", "計(7)", "0"],
                vec!["収支", "支出", "計(8)", "0"]
            ]
        );
        assert!(
            rows[1].slots[0].filled,
            "the outer label still comes from above"
        );
        assert!(
            !rows[1].slots[1].filled && rows[1].slots[1].own,
            "支出 starts here now"
        );
        // A row with a value of its own, or a label that spans nothing, stays.
        let g = grid(
            1,
            &[&["支出", "", "1"], &["", "計", "1"], &["小計", "", ""]],
            &[(0, 0, 2, 1)],
        );
        let mut rows = grid_rows(&g, 0);
        fill_rowspans(&mut rows, |_| true);
        drop_label_only_rows(&mut rows, |_| false);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn colspan_text_stays_in_first_column() {
        let g = grid(
            1,
            &[&["II 区政改革", "", ""], &["a", "b", "c"]],
            &[(0, 0, 1, 3)],
        );
        let mut rows = grid_rows(&g, 0);
        fill_rowspans(&mut rows, |_| true);
        assert_eq!(rows[0].texts(), vec!["II 区政改革", "", ""]);
        assert_eq!(rows[0].slots[2].colspan, 3);
    }
}
