//! Two-page spreads printed on one sheet: a budget book's 事項別明細書 prints the left
//! page (目, 本年度, 前年度, 比較) and the right page (節 区分/金額, 説明) of one table
//! side by side, each half ruled as a table of its own, the rows of both halves on the
//! same lines. A reader reads them as one table: a 目 box beside the several 節 boxes it
//! holds is one cell spanning their rows.
//!
//! Rule `join_spreads`: on a landscape sheet, a lattice grid of two columns or more
//! wholly left of the page's centre and one wholly right of it, with the same top and bottom (within `spread_edge_tol`) and most of the
//! row edges of the half with fewer rows matching an edge of the other
//! (`spread_min_shared_edges`), become one grid: columns of the left half then of the
//! right half, rows at the union of both halves' row edges, each cell spanning the rows
//! its own box covers.

use crate::diagnostic::{Code, Diagnostic};
use crate::geom::{cluster_1d, mean_at, Rect};

use super::settings::TableSettings;
use super::{Cell, Grid, Strategy};

/// Joins the halves of two-page spreads among one page's grids (any order); the others
/// are returned as they are.
pub(crate) fn join_spreads(
    mut grids: Vec<Grid>,
    page_width: f64,
    page_height: f64,
    s: &TableSettings,
) -> Vec<Grid> {
    // Two portrait pages side by side make a landscape sheet.
    if page_width <= page_height || grids.len() < 2 {
        return grids;
    }
    let centre = page_width / 2.0;
    let mut out = Vec::with_capacity(grids.len());
    while let Some(g) = grids.pop() {
        let left_half = g.mode == Strategy::Lattice && g.bbox.x1 <= centre;
        let partner = if left_half {
            grids.iter().position(|r| {
                r.mode == Strategy::Lattice && r.bbox.x0 >= centre && halves_match(&g, r, s)
            })
        } else if g.mode == Strategy::Lattice && g.bbox.x0 >= centre {
            grids.iter().position(|l| {
                l.mode == Strategy::Lattice && l.bbox.x1 <= centre && halves_match(l, &g, s)
            })
        } else {
            None
        };
        match partner {
            Some(i) => {
                let other = grids.remove(i);
                let (l, r) = if left_half { (g, other) } else { (other, g) };
                out.push(join(&l, &r, s));
            }
            None => out.push(g),
        }
    }
    out.reverse();
    out
}

/// Whether a grid was joined from the halves of a spread (its diagnostic says so).
pub(crate) fn is_spread(g: &Grid) -> bool {
    g.diagnostics.iter().any(|d| d.code == Code::TwoPageSpread)
}

/// Same top and bottom, and most row edges of the half with fewer rows shared.
fn halves_match(l: &Grid, r: &Grid, s: &TableSettings) -> bool {
    let tol = s.spread_edge_tol;
    if l.n_cols() < 2 || r.n_cols() < 2 {
        return false;
    }
    if l.page != r.page
        || (l.bbox.top - r.bbox.top).abs() > tol
        || (l.bbox.bottom - r.bbox.bottom).abs() > tol
    {
        tracing::trace!(page = l.page, left = ?l.bbox, right = ?r.bbox, "table: not spread halves (top or bottom differ)");
        return false;
    }
    let (le, re) = (ruled_edges(l, tol), ruled_edges(r, tol));
    let (few, many) = if le.len() <= re.len() {
        (&le, &re)
    } else {
        (&re, &le)
    };
    let shared = few
        .iter()
        .filter(|&&y| many.iter().any(|&m| (m - y).abs() <= tol))
        .count();
    tracing::debug!(page = l.page, shared, of = few.len(), left = ?le, right = ?re, "table: spread halves candidate");
    !few.is_empty() && shared as f64 >= s.spread_min_shared_edges * few.len() as f64
}

/// The row edges a half's rules draw: its cells' boxes (a half's rows without text were
/// dropped and its row edges shrunk, the boxes keep the rules' places) and its frame.
fn ruled_edges(g: &Grid, tol: f64) -> Vec<f64> {
    let ys: Vec<f64> = g
        .cells
        .iter()
        .flat_map(|c| [c.bbox.top, c.bbox.bottom])
        .chain([g.bbox.top, g.bbox.bottom])
        .collect();
    cluster_1d(&ys, tol)
        .iter()
        .map(|c| mean_at(&ys, c))
        .collect()
}

/// One grid from the two halves.
fn join(l: &Grid, r: &Grid, s: &TableSettings) -> Grid {
    let ys: Vec<f64> = ruled_edges(l, s.spread_edge_tol)
        .into_iter()
        .chain(ruled_edges(r, s.spread_edge_tol))
        .collect();
    let row_edges: Vec<f64> = cluster_1d(&ys, s.spread_edge_tol)
        .iter()
        .map(|c| mean_at(&ys, c))
        .collect();
    let nearest = |y: f64| -> usize {
        row_edges
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - y).abs().total_cmp(&(b.1 - y).abs()))
            .map_or(0, |(i, _)| i)
    };
    let nl = l.n_cols();
    let mut col_edges = l.col_edges.clone();
    col_edges.extend(r.col_edges.iter().skip(1));
    let nr = row_edges.len().saturating_sub(1);
    let nc = col_edges.len().saturating_sub(1);
    let mut covered = vec![false; nr * nc];
    let mut cells = Vec::new();
    for (g, offset) in [(l, 0), (r, nl)] {
        for c in &g.cells {
            // The cell's own ruled box: a half's rows without text were dropped and its
            // edges shrunk, so its row edges may run past the box.
            let (r0, r1) = (nearest(c.bbox.top), nearest(c.bbox.bottom));
            if r1 <= r0 {
                continue;
            }
            let col = c.col + offset;
            for rr in r0..r1 {
                for cc in col..(col + c.colspan).min(nc) {
                    if let Some(v) = covered.get_mut(rr * nc + cc) {
                        *v = true;
                    }
                }
            }
            cells.push(Cell {
                row: r0,
                col,
                rowspan: r1 - r0,
                ..c.clone()
            });
        }
    }
    // Slots neither half has a cell for (a row edge of one half crossing a gap of the
    // other) get empty cells, so every slot is covered once.
    for rr in 0..nr {
        for cc in 0..nc {
            if covered.get(rr * nc + cc) == Some(&false) {
                cells.push(Cell {
                    row: rr,
                    col: cc,
                    rowspan: 1,
                    colspan: 1,
                    bbox: Rect::new(
                        col_edges[cc],
                        row_edges[rr],
                        col_edges[cc + 1],
                        row_edges[rr + 1],
                    ),
                    text: String::new(),
                    bold: false,
                    size: 0.0,
                });
            }
        }
    }
    cells.sort_by_key(|c| (c.row, c.col));
    let mut diagnostics = l.diagnostics.clone();
    diagnostics.extend(r.diagnostics.iter().cloned());
    diagnostics.push(Diagnostic::new(
        Code::TwoPageSpread,
        l.page,
        format!(
            "two-page spread: the ruled halves left and right of the page's centre share their rows; joined as one table ({nl} + {} columns)",
            r.n_cols()
        ),
    ));
    Grid {
        page: l.page,
        bbox: l.bbox.union(&r.bbox),
        mode: Strategy::Lattice,
        row_edges,
        col_edges,
        cells,
        diagnostics,
        side_label: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: usize, col: usize, rowspan: usize, text: &str, edges: (&[f64], &[f64])) -> Cell {
        let (re, ce) = edges;
        Cell {
            row,
            col,
            rowspan,
            colspan: 1,
            bbox: Rect::new(ce[col], re[row], ce[col + 1], re[row + rowspan]),
            text: text.into(),
            bold: false,
            size: 9.0,
        }
    }

    fn grid(re: &[f64], ce: &[f64], cells: Vec<Cell>) -> Grid {
        Grid {
            page: 1,
            bbox: Rect::new(ce[0], re[0], *ce.last().unwrap(), *re.last().unwrap()),
            mode: Strategy::Lattice,
            row_edges: re.to_vec(),
            col_edges: ce.to_vec(),
            cells,
            diagnostics: Vec::new(),
            side_label: None,
        }
    }

    /// Left half: 目 / 本年度 with one 目 box over two 節 rows of the right half.
    fn halves() -> (Grid, Grid) {
        let (lr, lc): (&[f64], &[f64]) = (&[100.0, 120.0, 180.0], &[50.0, 150.0, 250.0]);
        let l = grid(
            lr,
            lc,
            vec![
                cell(0, 0, 1, "目", (lr, lc)),
                cell(0, 1, 1, "本年度", (lr, lc)),
                cell(1, 0, 1, "1 個人", (lr, lc)),
                cell(1, 1, 1, "300", (lr, lc)),
            ],
        );
        let (rr, rc): (&[f64], &[f64]) = (&[100.5, 120.5, 150.0, 179.5], &[450.0, 550.0, 650.0]);
        let r = grid(
            rr,
            rc,
            vec![
                cell(0, 0, 1, "区分", (rr, rc)),
                cell(0, 1, 1, "金額", (rr, rc)),
                cell(1, 0, 1, "1 現年", (rr, rc)),
                cell(1, 1, 1, "200", (rr, rc)),
                cell(2, 0, 1, "2 滞納", (rr, rc)),
                cell(2, 1, 1, "100", (rr, rc)),
            ],
        );
        (l, r)
    }

    #[test]
    fn halves_of_a_spread_are_one_grid() {
        let s = TableSettings::default();
        let (l, r) = halves();
        let out = join_spreads(vec![r, l], 842.0, 595.0, &s);
        assert_eq!(out.len(), 1);
        let g = &out[0];
        assert_eq!(g.n_rows(), 3);
        assert_eq!(g.n_cols(), 4);
        let m = g.text_matrix();
        assert_eq!(m[0], vec!["目", "本年度", "区分", "金額"]);
        assert_eq!(m[1], vec!["1 個人", "300", "1 現年", "200"]);
        assert_eq!(m[2], vec!["", "", "2 滞納", "100"]);
        let moku = g.cell_at(2, 0).expect("covered");
        assert_eq!(
            (moku.row, moku.rowspan),
            (1, 2),
            "the 目 box spans both 節 rows"
        );
        // Every slot covered exactly once.
        for row in 0..3 {
            for col in 0..4 {
                let n = g
                    .cells
                    .iter()
                    .filter(|c| {
                        row >= c.row
                            && row < c.row + c.rowspan
                            && col >= c.col
                            && col < c.col + c.colspan
                    })
                    .count();
                assert_eq!(n, 1, "slot {row},{col}");
            }
        }
    }

    #[test]
    fn tables_not_level_or_on_one_side_stay_apart() {
        let s = TableSettings::default();
        let (l, mut r) = halves();
        // Right half starts lower: another table.
        r.bbox.top += 40.0;
        assert_eq!(join_spreads(vec![l.clone(), r], 842.0, 595.0, &s).len(), 2);
        // A portrait page holds no spread.
        let (l4, r4) = halves();
        assert_eq!(join_spreads(vec![l4, r4], 842.0, 1191.0, &s).len(), 2);
        // Both halves on the left of the centre of a wider page.
        let (l2, r2) = halves();
        assert_eq!(join_spreads(vec![l2, r2], 1400.0, 595.0, &s).len(), 2);
        // Rows that do not line up.
        let (l3, _) = halves();
        let (rr, rc): (&[f64], &[f64]) =
            (&[100.5, 110.0, 130.0, 140.0, 160.0, 179.5], &[450.0, 550.0]);
        let r3 = grid(
            rr,
            rc,
            (0..5).map(|i| cell(i, 0, 1, "x", (rr, rc))).collect(),
        );
        assert_eq!(join_spreads(vec![l3, r3], 842.0, 595.0, &s).len(), 2);
    }
}
