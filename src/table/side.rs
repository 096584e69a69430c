//! Side labels: a ruled table may print, in a narrow column of its own left of everything
//! else, one label spanning all its rows — typically set vertically (`職員手当等の内訳`
//! beside the blocks of a budget book's 給与費明細書). It names every row of the grid; it
//! is not a column, and the blocks beside it keep their own columns.
//!
//! Rule `side_label_column`: in a lattice grid of at least `side_label_min_rows` rows and
//! three columns, a first-column cell spanning every row (the header rows too) whose text
//! has no digit is taken off the grid as its [`Grid::side_label`]; the other columns stay
//! as they were.

use super::settings::TableSettings;
use super::{Grid, Strategy};

/// Applies `side_label_column` to one grid (see the module comment).
pub(crate) fn take_side_label(mut g: Grid, s: &TableSettings) -> Grid {
    let (nr, nc) = (g.n_rows(), g.n_cols());
    if g.mode != Strategy::Lattice || g.side_label.is_some() || nr < s.side_label_min_rows || nc < 3
    {
        return g;
    }
    let Some(i) = g
        .cells
        .iter()
        .position(|c| c.row == 0 && c.col == 0 && c.colspan == 1 && c.rowspan >= nr)
    else {
        return g;
    };
    let label: String = g.cells[i].text.split_whitespace().collect();
    if label.is_empty() || label.chars().any(|c| c.is_numeric()) {
        return g;
    }
    g.cells.remove(i);
    for c in &mut g.cells {
        c.col = c.col.saturating_sub(1);
    }
    g.col_edges.remove(0);
    if let Some(&x0) = g.col_edges.first() {
        g.bbox.x0 = x0;
    }
    g.diagnostics.push(crate::diagnostic::Diagnostic::new(
        crate::diagnostic::Code::SideLabel,
        g.page,
        format!("side label: `{label}` in a ruled column spanning every row names the grid's rows; not a column"),
    ));
    g.side_label = Some(label);
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::table::Cell;

    fn cell(row: usize, col: usize, rowspan: usize, text: &str) -> Cell {
        Cell {
            row,
            col,
            rowspan,
            colspan: 1,
            bbox: Rect::new(
                col as f64 * 50.0,
                row as f64 * 20.0,
                col as f64 * 50.0 + 50.0,
                (row + rowspan) as f64 * 20.0,
            ),
            text: text.into(),
            bold: false,
            size: 9.0,
        }
    }

    fn grid(cells: Vec<Cell>, rows: usize, cols: usize) -> Grid {
        Grid {
            page: 1,
            bbox: Rect::new(0.0, 0.0, cols as f64 * 50.0, rows as f64 * 20.0),
            mode: Strategy::Lattice,
            row_edges: (0..=rows).map(|r| r as f64 * 20.0).collect(),
            col_edges: (0..=cols).map(|c| c as f64 * 50.0).collect(),
            cells,
            diagnostics: Vec::new(),
            side_label: None,
        }
    }

    fn block(first: Cell) -> Grid {
        let mut cells = vec![first];
        for (r, row) in [
            ["区分", "管理職手当", "扶養手当"],
            ["本年度", "104", "208"],
            ["前年度", "101", "196"],
        ]
        .iter()
        .enumerate()
        {
            for (c, t) in row.iter().enumerate() {
                cells.push(cell(r, c + 1, 1, t));
            }
        }
        grid(cells, 3, 4)
    }

    #[test]
    fn a_label_spanning_every_row_is_taken_off() {
        let g = take_side_label(
            block(cell(0, 0, 3, "職員手当等の内訳")),
            &TableSettings::default(),
        );
        assert_eq!(g.side_label.as_deref(), Some("職員手当等の内訳"));
        assert_eq!(g.n_cols(), 3);
        assert_eq!(g.text_matrix()[0], ["区分", "管理職手当", "扶養手当"]);
        assert_eq!(g.bbox.x0, 50.0);
    }

    #[test]
    fn a_column_of_its_own_cells_or_a_number_stays() {
        let s = TableSettings::default();
        // A first column spanning only some rows is a grouping column.
        let mut g = block(cell(0, 0, 2, "職員手当"));
        g.cells.push(cell(2, 0, 1, ""));
        assert!(take_side_label(g, &s).side_label.is_none());
        // A number is data, not a label.
        assert!(take_side_label(block(cell(0, 0, 3, "2024")), &s)
            .side_label
            .is_none());
    }
}
