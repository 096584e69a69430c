//! The `nenpo extract` output formats: JSON (the contract shared with the scorers and
//! tabula-style tools) and CSV. A presentation of [`Extraction`], kept apart from it so
//! the JSON shape is one promise in one place.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::logical::{LogicalTable, Row, Span};
use crate::normalize::totals::{check_table, Mismatch, TotalsSettings};
use crate::normalize::values::document_values;
use crate::pipeline::{Extraction, PageSummary};

#[derive(Serialize)]
struct DocJson<'a> {
    file: &'a str,
    pages: usize,
    tables: Vec<TableJson<'a>>,
    fiscal_year: Option<i32>,
    page_info: &'a [PageSummary],
}

#[derive(Serialize)]
struct TableJson<'a> {
    pages: &'a [usize],
    bbox: [f64; 4],
    mode: &'static str,
    columns: &'a [String],
    header_rows: &'a [Vec<String>],
    rows: Vec<RowJson<'a>>,
    spans: &'a [Span],
    caption: &'a Option<String>,
    /// The unit most of its amount columns are printed in (`千円`), from a unit row.
    unit: Option<&'a str>,
    /// Each column's unit as printed in a unit row, `null` where none.
    units: &'a [Option<String>],
    /// What the table's own arithmetic says: how many subtotal and total cells were
    /// compared with the sum of their rows (0: the table has none that can be checked) ...
    totals_checked: usize,
    /// ... and each of them that is not the sum of its rows.
    totals_mismatches: Vec<Mismatch>,
    /// What the table, OCR and logical stages noticed, fell back on or repaired in it
    /// (`{stage, code, page, table, grid?, row?, col?, message}`); a page's others are in
    /// its `page_info` entry's `diagnostics`.
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct RowJson<'a> {
    cells: &'a [String],
    section: &'a [String],
    page: usize,
    pages: &'a [usize],
    kind: &'static str,
    bbox: [f64; 4],
    spanned_from_above: &'a [usize],
    /// Typed numbers parallel to `cells` (integer yen, counts, float percent) or null.
    values: Vec<Option<serde_json::Number>>,
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn table_json(t: &LogicalTable, values: Vec<Vec<Option<serde_json::Number>>>) -> TableJson<'_> {
    let b = t.bbox;
    let check = check_table(t, &Default::default(), &TotalsSettings::default());
    TableJson {
        pages: &t.pages,
        bbox: [round(b.x0), round(b.top), round(b.x1), round(b.bottom)],
        mode: t.mode.as_str(),
        columns: &t.columns,
        header_rows: &t.header_rows,
        rows: {
            let mut values = values.into_iter();
            t.rows
                .iter()
                .map(|r| row_json(r, values.next().unwrap_or_default()))
                .collect()
        },
        spans: &t.spans,
        caption: &t.caption,
        unit: t.unit(),
        units: &t.units,
        totals_checked: check.checked,
        totals_mismatches: check.mismatches,
        diagnostics: &t.diagnostics,
    }
}

fn row_json(r: &Row, values: Vec<Option<serde_json::Number>>) -> RowJson<'_> {
    let b = r.bbox;
    RowJson {
        cells: &r.cells,
        section: &r.section,
        page: r.page,
        pages: &r.pages,
        kind: r.kind.as_str(),
        bbox: [round(b.x0), round(b.top), round(b.x1), round(b.bottom)],
        spanned_from_above: &r.spanned_from_above,
        values,
    }
}

/// The extraction as the JSON document `nenpo extract --format json` prints.
pub fn to_json(file: &str, x: &Extraction) -> serde_json::Value {
    let doc = DocJson {
        file,
        pages: x.page_count,
        tables: {
            let mut values = document_values(&x.tables).into_iter();
            x.tables
                .iter()
                .map(|t| table_json(t, values.next().unwrap_or_default()))
                .collect()
        },
        fiscal_year: x.title_fiscal_year,
        page_info: &x.pages,
    };
    serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
}

/// CSV: each table's header rows then its rows, tables separated by a blank line.
pub fn to_csv(x: &Extraction) -> String {
    let mut out = String::new();
    for (i, t) in x.tables.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for r in t.header_rows.iter().chain(t.rows.iter().map(|r| &r.cells)) {
            let line: Vec<String> = r.iter().map(|c| csv_field(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

/// RFC 4180 quoting.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("1,000"), "\"1,000\"");
        assert_eq!(csv_field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
    }
}
