//! Tables across pages: which grids continue the table of the previous page (same column
//! layout, header repeated or none and the part at the top of its page), and the rows cut
//! by a page break (the first row of the next part has no identifier of its own: its
//! texts continue the last row of the part before).

use crate::table::Grid;

use super::header::{count_header_rows, repeats_header};
use super::part::{grid_rows, WorkRow};
use super::settings::LogicalSettings;
use super::text::{is_page_number, join_across_break, numbering, Numbering};

/// One grid on its way into a logical table.
#[derive(Clone, Debug)]
pub struct Part<'a> {
    pub grid: &'a Grid,
    /// Index into the document's pages.
    pub page_index: usize,
    /// Its place among the grids of its page.
    pub first_on_page: bool,
    pub last_on_page: bool,
    pub page_height: f64,
    /// The grid's rows (blank rows removed).
    pub rows: Vec<WorkRow>,
    /// Leading rows this part's own header detection found.
    pub header_n: usize,
}

impl<'a> Part<'a> {
    pub fn new(grid: &'a Grid, index: usize, page_index: usize, first_on_page: bool, last_on_page: bool, page_height: f64, s: &LogicalSettings) -> Part<'a> {
        let mut rows = grid_rows(grid, index);
        rows.retain(|r| !r.is_blank());
        // Defensive: a page number or footer caught at the edge of a grid is not a row.
        while rows.last().is_some_and(lone_page_number) {
            rows.pop();
        }
        while rows.first().is_some_and(lone_page_number) {
            rows.remove(0);
        }
        let header_n = count_header_rows(&rows, s);
        Part { grid, page_index, first_on_page, last_on_page, page_height, rows, header_n }
    }
}

fn lone_page_number(r: &WorkRow) -> bool {
    let ne = r.nonempty();
    ne.len() == 1 && ne.first().is_some_and(|&k| is_page_number(r.text(k)))
}

/// Mean distance of the column boundaries of two grids as a fraction of the wider one,
/// `None` when the column counts differ.
fn column_distance(a: &Grid, b: &Grid) -> Option<f64> {
    if a.n_cols() != b.n_cols() || a.col_edges.len() != b.col_edges.len() || a.col_edges.is_empty() {
        return None;
    }
    let w = a.bbox.width().max(b.bbox.width()).max(1.0);
    let d: f64 = a.col_edges.iter().zip(&b.col_edges).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.col_edges.len() as f64;
    Some(d / w)
}

/// Whether `next` continues the table whose last part is `prev` and whose header is
/// `header`; returns how many leading rows of `next` repeat the header.
pub fn continues(prev: &Part<'_>, next: &Part<'_>, header: &[Vec<String>], s: &LogicalSettings) -> Option<usize> {
    if next.grid.page != prev.grid.page + 1 || !prev.last_on_page || !next.first_on_page {
        return None;
    }
    let d = column_distance(prev.grid, next.grid)?;
    if d > s.continuation_column_tolerance {
        return None;
    }
    let repeated = repeats_header(&next.rows, header);
    if repeated > 0 {
        return Some(repeated);
    }
    if next.header_n > 0 {
        // A header of its own that is not ours: a new table.
        return None;
    }
    let top_ok = next.page_height <= 0.0 || next.grid.bbox.top <= s.continuation_max_top * next.page_height;
    top_ok.then_some(0)
}

/// Whether `r`, the first row of a part, continues `last`, the last row before the page
/// break: no text of its own in the identifier column (or a cut identifier: plain text
/// under a numbered item), nothing in the grouping columns, and some text.
pub fn is_cut_continuation(last: &WorkRow, r: &WorkRow, id_col: usize) -> bool {
    if r.is_blank() {
        return false;
    }
    if (0..id_col).any(|c| r.own_text(c)) {
        return false;
    }
    if !r.own_text(id_col) {
        return true;
    }
    let (a, b) = (last.text(id_col), r.text(id_col));
    !a.trim().is_empty() && numbering(a) != Numbering::Plain && numbering(b) == Numbering::Plain && !super::text::starts_paragraph(b)
}

/// Appends the continuation row `r` to `last`: every column's text joined across the
/// break, the pages merged.
pub fn join_rows(last: &mut WorkRow, r: &WorkRow) {
    for (k, slot) in last.slots.iter_mut().enumerate() {
        let add = r.text(k);
        if add.trim().is_empty() {
            continue;
        }
        slot.text = join_across_break(&slot.text, add);
    }
    for p in &r.pages {
        if !last.pages.contains(p) {
            last.pages.push(*p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::part::testutil::{grid, grid_at};
    use super::*;

    fn part<'a>(g: &'a Grid, i: usize, s: &LogicalSettings) -> Part<'a> {
        Part::new(g, i, g.page - 1, true, true, 800.0, s)
    }

    #[test]
    fn continuation_with_repeated_or_missing_header() {
        let s = LogicalSettings::default();
        let g1 = grid(1, &[&["科目", "金額"], &["市債", "1"]], &[]);
        let g2 = grid(2, &[&["科目", "金額"], &["繰越金", "2"]], &[]);
        let g3 = grid(2, &[&["繰越金", "2"], &["合計", "3"]], &[]);
        let g4 = grid(2, &[&["区名", "人口"], &["北区", "2"]], &[]);
        let g5 = grid_at(2, 500.0, &[&["繰越金", "2"], &["合計", "3"]], &[]);
        let (p1, p2, p3, p4, p5) = (part(&g1, 0, &s), part(&g2, 1, &s), part(&g3, 1, &s), part(&g4, 1, &s), part(&g5, 1, &s));
        let h = vec![vec!["科目".to_string(), "金額".to_string()]];
        assert_eq!(continues(&p1, &p2, &h, &s), Some(1));
        assert_eq!(continues(&p1, &p3, &h, &s), Some(0));
        assert_eq!(continues(&p1, &p4, &h, &s), None, "own different header");
        assert_eq!(continues(&p1, &p5, &h, &s), None, "too far down the page");
        // Not the next page.
        let g6 = grid(3, &[&["繰越金", "2"]], &[]);
        assert_eq!(continues(&p1, &part(&g6, 1, &s), &h, &s), None);
        // Different columns.
        let g7 = grid(2, &[&["a", "1", "2"]], &[]);
        assert_eq!(continues(&p1, &part(&g7, 1, &s), &h, &s), None);
    }

    #[test]
    fn page_numbers_are_not_rows() {
        let s = LogicalSettings::default();
        let g = grid(1, &[&["科目", "金額"], &["市債", "1"], &["－1－", ""]], &[]);
        assert_eq!(part(&g, 0, &s).rows.len(), 2);
    }

    #[test]
    fn cut_rows_are_recognised_and_joined() {
        let g1 = grid(1, &[&["1 区", "②政策形成", "区で実施している業務について現状分析を", "図ることが"]], &[]);
        let g2 = grid(2, &[&["", "", "し、区として取り組む\n(3) 効率性", "できた。"], &["", "②次の取組", "x", "y"]], &[]);
        let a = grid_rows(&g1, 0);
        let b = grid_rows(&g2, 1);
        assert!(is_cut_continuation(&a[0], &b[0], 1));
        assert!(!is_cut_continuation(&a[0], &b[1], 1));
        let mut last = a[0].clone();
        join_rows(&mut last, &b[0]);
        assert_eq!(last.texts(), vec!["1 区", "②政策形成", "区で実施している業務について現状分析をし、区として取り組む\n(3) 効率性", "図ることができた。"]);
        assert_eq!(last.pages, vec![1, 2]);
        // A cut identifier: plain text under a numbered item.
        let g3 = grid(2, &[&["", "機能の拡大", "続き"]], &[]);
        let c = grid_rows(&g3, 1);
        assert!(is_cut_continuation(&a[0], &c[0], 1));
    }
}
