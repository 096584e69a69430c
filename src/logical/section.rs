//! Section rows and section paths. A row whose single text is in the first column (or in
//! one cell spanning the row) is a section heading (`II 区政改革`, `（款）民生費`, `【衛生費】`);
//! headings nest by their numbering (`II` → `1` → `①`): a heading with a numbering style
//! already open closes it and everything under it, a new style opens a level below. A
//! total row closes every section. Grouping columns (row-spanning labels left of the
//! identifier column, the 課題 of reform reports) add one more level per row.

use super::header::single_spanning_text;
use super::kind::label_kind;
use super::part::WorkRow;
use super::text::{is_numeric, is_page_number, numbering, Numbering};

/// Whether a row is a section heading.
pub fn is_section_row(row: &WorkRow) -> bool {
    if !single_spanning_text(row) {
        return false;
    }
    let t = row.text(0);
    !is_numeric(t)
        && !is_page_number(t)
        && label_kind(t).is_none()
        && !row.slots.first().is_some_and(|s| s.filled)
}

/// The open section headings while reading a table top to bottom.
#[derive(Clone, Debug, Default)]
pub struct SectionStack {
    open: Vec<(Numbering, String)>,
}

impl SectionStack {
    /// Opens a heading: closes an open heading of the same numbering style (and all below
    /// it), or nests under the innermost one.
    pub fn open(&mut self, title: &str) {
        let style = numbering(title);
        if let Some(i) = self.open.iter().position(|(s, _)| *s == style) {
            self.open.truncate(i);
        }
        self.open.push((style, title.trim().to_string()));
    }
    /// Closes every section (after a grand total).
    pub fn close_all(&mut self) {
        self.open.clear();
    }
    pub fn path(&self) -> Vec<String> {
        self.open.iter().map(|(_, t)| t.clone()).collect()
    }
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::part::grid_rows;
    use super::super::part::testutil::grid;
    use super::*;

    #[test]
    fn section_rows() {
        let g = grid(
            1,
            &[
                &["II 区政改革", "", ""],
                &["（款）民生費", "", ""],
                &["北区", "1", "2"],
                &["小計", "", ""],
                &["", "", "text"],
                &["3", "", ""],
            ],
            &[(0, 0, 1, 3)],
        );
        let rows = grid_rows(&g, 0);
        let flags: Vec<bool> = rows.iter().map(is_section_row).collect();
        assert_eq!(flags, vec![true, true, false, false, false, false]);
    }

    #[test]
    fn nesting_by_numbering() {
        let mut s = SectionStack::default();
        s.open("II 区政改革");
        s.open("1 区の自律経営");
        assert_eq!(s.path(), vec!["II 区政改革", "1 区の自律経営"]);
        s.open("①区長");
        s.open("2 地域");
        assert_eq!(s.path(), vec!["II 区政改革", "2 地域"]);
        s.open("III 公共施設");
        assert_eq!(s.path(), vec!["III 公共施設"]);
        s.open("【衛生費】");
        s.open("【民生費】");
        assert_eq!(s.path(), vec!["III 公共施設", "【民生費】"]);
        s.close_all();
        assert!(s.is_empty());
    }
}
