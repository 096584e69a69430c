//! Thresholds of the `logical` stage: one named, documented field per number, one
//! `Default`. Inner functions take `&LogicalSettings`, never defaults of their own.

use serde::{Deserialize, Serialize};

use crate::limits::SettingError;

/// Thresholds of the logical stage.
///
/// Defaults were chosen on the generated dev corpus (families A reform reports, B budget
/// tables, C ward statistics) and the seed excerpt; each field says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogicalSettings {
    /// At most this many leading rows of a table are header rows. Default 3: the reports
    /// have one- and two-level headers; a third level is the most seen in statistics books.
    pub max_header_rows: usize,
    /// A header cell has at most this many characters (whitespace excluded). Default 40:
    /// the longest dev header is `本年度当初予算額（百万円）` (13); body cells of reform
    /// reports run to hundreds, so anything longer is body text.
    pub header_max_chars: usize,
    /// A column is numeric when it holds a number and at least this fraction of its read
    /// body cells are numbers or none marks (`1,234`, `▲5.2`, `38事業`, `－`; rule
    /// `numeric_column` of `text::cell`). Default 0.6: budget and statistics columns are
    /// all numbers; a text column with a few numbers stays text. The one setting of the
    /// idea: header detection asks it of a part's rows, and the decision over the finished
    /// table (`LogicalTable::numeric`) is the one value typing uses.
    pub numeric_column_fraction: f64,
    /// The identifier column of a table (the first one that names each row, e.g. 具体的取組
    /// next to a row-spanning 課題) is the first column without row-spanning cells whose own
    /// text fills at least this fraction of the data rows (page-boundary rows excluded).
    /// Columns to its left are grouping columns: filled down and used as a section level.
    /// Default 0.75: identifiers are always filled; grouping columns are empty wherever a
    /// span covers them (at least half of the rows in reform reports).
    pub identifier_fill_fraction: f64,
    /// Rule `few_spans_identify`: a column whose row-spanning cells cover at most this
    /// fraction of the data rows may still be the identifier (a 財産目録's 科目 column,
    /// one 現金預金 box over its two banks among twenty accounts). Default 0.25: a
    /// grouping column's spans cover most of its rows.
    pub identifier_max_spanned: f64,
    /// Two parts on consecutive pages continue one table when the mean distance of their
    /// column boundaries, as a fraction of the table width, is at most this. Default 0.06:
    /// a renderer lays a table out once, so ruled parts agree to a point; text-aligned
    /// (stream) boundaries move with the content of each page by a few percent.
    pub continuation_column_tolerance: f64,
    /// A continuation part without a repeated header must start within this fraction of
    /// the page height from the top. Default 0.3: below the running head and margin; a
    /// table further down follows other content and is a new table.
    pub continuation_max_top: f64,
    /// Caption lines are collected upwards from the table's top while the vertical gap to
    /// the next line below is at most this many line heights. Default 1.5: a title and a
    /// unit note sit within a line of the table; body text is separated by more.
    pub caption_max_gap_lines: f64,
    /// At most this many single-text rows at the top of a grid, above its header, are
    /// taken as caption (title, unit note, a heading or paragraph the grid caught).
    /// Default 3: title, unit note and one heading.
    pub max_preamble_rows: usize,
    /// A grid holding only a header joins the grid right below it on the same page when
    /// the vertical gap is at most this many points. Default 12 (about one text line):
    /// a shaded header is found as a ruled grid, its unruled body as a text grid.
    pub header_grid_max_gap: f64,
    /// Rule `box_below`: a headerless ruled box goes on with the headed table above it on
    /// the same page when the gap between them is at most this many points. Default 24
    /// (two text lines): a statement's closing rows are boxed about 15 pt below it.
    pub box_below_max_gap: f64,
    /// Rule `info_box_above`: a headerless grid of at most this many rows right above
    /// a headed table (on other columns) is the table's heading. Default 3: a report's
    /// date, issuer and counts; a table has a header.
    pub info_box_max_rows: usize,
    /// Two parts' column edges are the same edge within this many points, when a part
    /// on fewer edges goes on with a table (rules `box_below`, `dropped_column_goes_on`).
    /// Default 2: both are drawn on the same grid of the form.
    pub column_edge_tolerance: f64,
    /// A group label of a text-aligned header spans the run of sub-label columns whose
    /// middle is within this many mean column widths of the label's centre. Default 0.35:
    /// labels are centred over their group; the next wider run is off by half a column.
    pub group_label_center_tolerance: f64,
    /// A text line at most this many of its heights above a table's top, with its words
    /// over empty slots of the top header row, is a header line the grid left out
    /// (`予算額（千円）` over its two sub-columns). Default 0.6: header lines are stacked
    /// without a gap; a caption or unit note keeps at least half a line away.
    pub header_line_max_gap_lines: f64,
    /// A horizontal rule right under such a line that is narrower than this fraction of
    /// the table's width underlines a group label (rule `underlined_group_label`): the
    /// line is a header level even over labelled columns. Default 0.9: row rules run the
    /// table's full width.
    pub group_rule_max_width: f64,
    /// Unit words printed alone in a unit row under the header (`unit::take_unit_row`).
    /// Default: `settings.logical.unit_words` of `config/defaults.toml`, the units of
    /// budget books and statistics tables.
    pub unit_words: Vec<String>,
    /// A unit row is looked for among this many top rows of a grid (caption and header
    /// rows included). Default 6: up to three header rows, a caption and a unit note.
    pub unit_row_max_depth: usize,
    /// A unit row has at least this many cells starting with a unit word alone. Default 2:
    /// budget tables print a unit over every amount column; one unit cell is a data cell.
    pub unit_row_min_cells: usize,
    /// A table without a caption or unit of its own takes the unit of the table right
    /// above it on its page when it starts at most this many points under it
    /// (`unit::carry_unit_notes`). Default 10.0 pt, less than a line of body type: stacked
    /// blocks touch or stand a few points apart (7 pt in a Fuji 給与費明細書); a table with
    /// a text line between is on its own.
    pub unit_carry_max_gap: f64,
    /// At most this many text lines above a table form its caption. Default 2 (title and
    /// unit note).
    pub caption_max_lines: usize,
    /// A row whose numbers equal the sum of the other data rows in at least this many
    /// numeric columns is a total even without a 合計 label (ward tables end with `大阪市`
    /// or `全市`). Default 2: one matching column can be chance (a zero column).
    pub total_sum_min_columns: usize,
    /// An unlabeled total ([`total_sum_min_columns`](Self::total_sum_min_columns)) is
    /// looked for only among at least this many rows (the total and two it adds up).
    /// Default 3: with two rows, one equals the other's "sum" by construction.
    pub total_sum_min_rows: usize,
    /// A header is told from a body of short labels by the body's first rows: when one of
    /// this many holds a long or multi-line cell, the short first row is a header.
    /// Default 5: enough to reach a reform report's first paragraph cell.
    pub header_body_rows_checked: usize,
    /// A grid right below another is its header grid only when they overlap horizontally
    /// by at least this fraction of the narrower one's width. Default 0.8: a header grid
    /// drawn as its own table is as wide as the body, give or take a margin column.
    pub header_grid_min_overlap: f64,
    /// A unit note set on the table's last text line: the words above that line may reach
    /// into its top by at most this fraction of its height (glyph overhang), or the line
    /// is not a line of its own. Default 0.25.
    pub unit_line_max_overlap: f64,
}

impl Default for LogicalSettings {
    fn default() -> Self {
        LogicalSettings {
            max_header_rows: 3,
            header_max_chars: 40,
            numeric_column_fraction: 0.6,
            identifier_fill_fraction: 0.75,
            identifier_max_spanned: 0.25,
            continuation_column_tolerance: 0.06,
            continuation_max_top: 0.3,
            max_preamble_rows: 3,
            header_grid_max_gap: 12.0,
            box_below_max_gap: 24.0,
            info_box_max_rows: 3,
            column_edge_tolerance: 2.0,
            group_label_center_tolerance: 0.35,
            header_line_max_gap_lines: 0.6,
            group_rule_max_width: 0.9,
            unit_words: crate::defaults::compiled()
                .settings
                .logical
                .unit_words
                .clone(),
            unit_row_max_depth: 6,
            unit_row_min_cells: 2,
            unit_carry_max_gap: 10.0,
            caption_max_gap_lines: 1.5,
            caption_max_lines: 2,
            total_sum_min_columns: 2,
            total_sum_min_rows: 3,
            header_body_rows_checked: 5,
            header_grid_min_overlap: 0.8,
            unit_line_max_overlap: 0.25,
        }
    }
}

impl LogicalSettings {
    /// Rejects fractions outside 0–1, negative gaps, counts below what the rules need (a
    /// unit row of no cells, a total matching in no column) or beyond any printed table
    /// (ten header rows), and an empty unit word.
    pub fn validate(&self) -> Result<(), SettingError> {
        let inf = f64::MAX;
        let checks: [crate::limits::Limit<'static>; 25] = [
            ("max_header_rows", self.max_header_rows as f64, 1.0, 10.0),
            ("header_max_chars", self.header_max_chars as f64, 1.0, inf),
            (
                "max_preamble_rows",
                self.max_preamble_rows as f64,
                0.0,
                20.0,
            ),
            (
                "unit_row_max_depth",
                self.unit_row_max_depth as f64,
                0.0,
                20.0,
            ),
            (
                "unit_row_min_cells",
                self.unit_row_min_cells as f64,
                1.0,
                inf,
            ),
            (
                "caption_max_lines",
                self.caption_max_lines as f64,
                0.0,
                20.0,
            ),
            ("group_rule_max_width", self.group_rule_max_width, 0.0, 1.0),
            ("unit_carry_max_gap", self.unit_carry_max_gap, 0.0, inf),
            (
                "header_line_max_gap_lines",
                self.header_line_max_gap_lines,
                0.0,
                inf,
            ),
            (
                "group_label_center_tolerance",
                self.group_label_center_tolerance,
                0.0,
                inf,
            ),
            ("header_grid_max_gap", self.header_grid_max_gap, 0.0, inf),
            ("box_below_max_gap", self.box_below_max_gap, 0.0, inf),
            (
                "info_box_max_rows",
                self.info_box_max_rows as f64,
                0.0,
                20.0,
            ),
            (
                "column_edge_tolerance",
                self.column_edge_tolerance,
                0.0,
                inf,
            ),
            (
                "numeric_column_fraction",
                self.numeric_column_fraction,
                0.0,
                1.0,
            ),
            (
                "identifier_fill_fraction",
                self.identifier_fill_fraction,
                0.0,
                1.0,
            ),
            (
                "identifier_max_spanned",
                self.identifier_max_spanned,
                0.0,
                1.0,
            ),
            (
                "continuation_column_tolerance",
                self.continuation_column_tolerance,
                0.0,
                1.0,
            ),
            ("continuation_max_top", self.continuation_max_top, 0.0, 1.0),
            (
                "caption_max_gap_lines",
                self.caption_max_gap_lines,
                0.0,
                inf,
            ),
            (
                "total_sum_min_columns",
                self.total_sum_min_columns as f64,
                1.0,
                inf,
            ),
            (
                "total_sum_min_rows",
                self.total_sum_min_rows as f64,
                3.0,
                f64::MAX,
            ),
            (
                "header_body_rows_checked",
                self.header_body_rows_checked as f64,
                1.0,
                f64::MAX,
            ),
            (
                "header_grid_min_overlap",
                self.header_grid_min_overlap,
                0.0,
                1.0,
            ),
            (
                "unit_line_max_overlap",
                self.unit_line_max_overlap,
                0.0,
                1.0,
            ),
        ];
        crate::limits::check(&checks)?;
        crate::limits::check_words("unit_words", &self.unit_words, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_fail() {
        assert!(LogicalSettings::default().validate().is_ok());
        let s = LogicalSettings {
            numeric_column_fraction: 1.5,
            ..Default::default()
        };
        assert!(s
            .validate()
            .is_err_and(|e| e.key == "numeric_column_fraction"));
        let s = LogicalSettings {
            total_sum_min_columns: 0,
            ..Default::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn unknown_fields_rejected() {
        let r: Result<LogicalSettings, _> = toml::from_str("max_header_rows = 2\nbogus = 1\n");
        assert!(r.is_err());
        let ok: LogicalSettings = toml::from_str("max_header_rows = 2\n").expect("valid toml");
        assert_eq!(ok.max_header_rows, 2);
        assert_eq!(ok.caption_max_lines, 2);
    }
}
