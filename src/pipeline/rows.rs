//! A document's rows for each dataset the pipeline writes: the generic `tables` rows, each
//! table kind's canonical rows, and the long-form `values` (every numeric cell), with the
//! counts the run report takes (unparsed cells, totals that do not add up).
//!
//! A table is read through the kind its headers match ([`match_kind`]), else through a
//! kind whose declared arithmetic its numbers satisfy ([`match_kind_by_relations`]: a
//! scan whose header was misread). A table printed
//! without any header (a page that does not repeat it) continues the last table of a kind
//! with as many columns whose numeric columns are numeric here too; the candidate fitting
//! the most columns wins. It takes that table's column mapping and units.

use std::collections::BTreeSet;

use super::{Extraction, Settings};
use crate::layout::TextSource;
use crate::logical::{LogicalTable, RowKind};
use crate::normalize::era;
use crate::normalize::item_key::{key_hash, row_key, row_label};
use crate::normalize::kinds::{
    canonical_rows_mapped, map_columns, match_kind, match_kind_by_relations, CellValue, ColumnKind,
    Kind,
};
use crate::normalize::number::{parse_cell, Cell};
use crate::normalize::totals::{check_table, Mismatch};
use crate::normalize::values::{read_values, typed_tables, ColumnType, TypedTable};
use crate::sink::{KindRow, RowLineage, TableRow, ValueRow};

/// One kind dataset of a document: its canonical columns (the union over the kinds that
/// write to it, in order) and rows.
#[derive(Clone, Debug, PartialEq)]
pub struct KindDataset {
    pub dataset: String,
    pub columns: Vec<(String, ColumnKind)>,
    pub rows: Vec<KindRow>,
}

/// Every dataset's rows of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentRows {
    pub tables: Vec<TableRow>,
    pub values: Vec<ValueRow>,
    /// One per kind dataset, in the pipeline's order (empty `rows` when no table matched).
    pub kinds: Vec<KindDataset>,
    /// Cells of numeric columns that could not be read (raw text kept, value null).
    pub unparsed_cells: usize,
    pub mismatches: Vec<Mismatch>,
}

/// The kind datasets of a pipeline with their columns.
pub fn kind_datasets(kinds: &[Kind]) -> Vec<KindDataset> {
    let mut out: Vec<KindDataset> = Vec::new();
    for k in kinds {
        let i = match out.iter().position(|d| d.dataset == k.dataset) {
            Some(i) => i,
            None => {
                out.push(KindDataset {
                    dataset: k.dataset.clone(),
                    columns: Vec::new(),
                    rows: Vec::new(),
                });
                out.len() - 1
            }
        };
        for c in &k.columns {
            if !out[i].columns.iter().any(|(n, _)| *n == c.name) {
                out[i].columns.push((c.name.clone(), c.kind));
            }
        }
    }
    out
}

/// Whether a table has no header at all.
fn headerless(t: &LogicalTable) -> bool {
    t.header_rows
        .iter()
        .flatten()
        .chain(t.columns.iter())
        .all(|h| h.trim().is_empty())
}

/// A table read through a kind: which kind, its column mapping, its column types.
#[derive(Clone)]
struct Matched {
    kind: usize,
    map: Vec<Option<usize>>,
    types: Vec<ColumnType>,
}

fn is_number(t: Option<&ColumnType>) -> bool {
    matches!(t, Some(ColumnType::Number(_)))
}

/// The kind a headerless table continues (see the module comment).
fn continuation(kinds: &[Kind], last: &[Option<Matched>], typed: &TypedTable) -> Option<Matched> {
    let mut best: Option<(usize, &Matched)> = None;
    for m in last.iter().flatten() {
        // As many columns, or fewer with every mapped one among them: the left half of a
        // budget book's spread printed alone (its 節 half too small to be a table).
        if typed.columns.len() > m.types.len() {
            continue;
        }
        let Some(kind) = kinds.get(m.kind) else {
            continue;
        };
        let mut fits = 0;
        let mut mapped = 0;
        let mut ok = true;
        for (ci, tc) in m.map.iter().enumerate() {
            let (Some(tc), Some(col)) = (tc, kind.columns.get(ci)) else {
                continue;
            };
            mapped += 1;
            if *tc >= typed.columns.len() {
                ok = false;
                continue;
            }
            if col.kind == ColumnKind::Text {
                continue;
            }
            if is_number(typed.columns.get(*tc)) {
                fits += 1;
            } else {
                ok = false;
            }
        }
        if ok && fits > 0 && mapped >= kind.rules.min_columns && best.is_none_or(|(b, _)| fits >= b)
        {
            best = Some((fits, m));
        }
    }
    best.map(|(_, m)| m.clone())
}

/// Rule `group_amount`: a number right of a grouping column (a 目 whose text is in the
/// row's section path, its 本年度 beside it) with no other text column between them is
/// the group's figure: its label is the group's, its path the section above the group.
/// Elsewhere `None` (the row's own label).
fn group_lineage(base: &RowLineage, row: &crate::logical::Row, c: usize) -> Option<RowLineage> {
    if row.section.is_empty() {
        return None;
    }
    let in_path = |t: &str| row.section.iter().any(|p| p.trim() == t.trim());
    let k = (0..c).rev().find(|&k| {
        row.cells
            .get(k)
            .is_some_and(|t| !t.trim().is_empty() && parse_cell(t) == Cell::Text)
    })?;
    let label = row.cells.get(k)?;
    in_path(label).then(|| labelled_as(base, row, label))
}

/// The lineage with `label` as the item, its path the row's section above that label.
fn labelled_as(base: &RowLineage, row: &crate::logical::Row, label: &str) -> RowLineage {
    let section: Vec<String> = row
        .section
        .iter()
        .take_while(|p| p.trim() != label.trim())
        .cloned()
        .collect();
    let mut l = base.clone();
    l.label = label.to_string();
    l.item_path = crate::normalize::item_key::item_key(label, &section);
    l.item_key = key_hash(&l.item_path);
    l
}

/// A table's title for its rows' lineage: the first line of its caption (the statement's
/// name, `法人単位事業活動計算書`), at most [`CAPTION_TITLE_CHARS`] characters.
fn caption_title(caption: Option<&str>) -> String {
    caption
        .and_then(|c| c.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| l.chars().take(CAPTION_TITLE_CHARS).collect())
        .unwrap_or_default()
}

/// How much of a caption's first line the lineage keeps.
const CAPTION_TITLE_CHARS: usize = 80;

/// The rows of every dataset for one document.
pub fn document_rows(
    x: &Extraction,
    kinds: &[Kind],
    settings: &Settings,
    fiscal_year: Option<i32>,
) -> DocumentRows {
    let mut typed = typed_tables(&x.tables, &settings.values);
    let text_sources: std::collections::HashMap<usize, TextSource> =
        x.pages.iter().map(|p| (p.number, p.text_source)).collect();
    let context = fiscal_year.map(|y| era::era_on(y, 4, 1));
    let mut datasets = kind_datasets(kinds);
    let mut last: Vec<Option<Matched>> = vec![None; kinds.len()];
    let mut out = DocumentRows {
        tables: Vec::new(),
        values: Vec::new(),
        kinds: Vec::new(),
        unparsed_cells: 0,
        mismatches: Vec::new(),
    };
    for (ti, table) in x.tables.iter().enumerate() {
        let Some(tt) = typed.get_mut(ti) else {
            continue;
        };
        let check = check_table(table, &settings.values, &settings.totals);
        let table_checked = u32::try_from(check.checked).unwrap_or(u32::MAX);
        let mismatches = check.mismatches;
        let table_mismatches = u32::try_from(mismatches.len()).unwrap_or(u32::MAX);
        let matched = match match_kind(table, kinds)
            .and_then(|k| kinds.iter().position(|x| std::ptr::eq(x, k)))
        {
            Some(ki) => {
                let m = Matched {
                    kind: ki,
                    map: map_columns(table, &kinds[ki]),
                    types: tt.columns.clone(),
                };
                last[ki] = Some(m.clone());
                Some(m)
            }
            None if !headerless(table) || continuation(kinds, &last, tt).is_none() => {
                // Headers that match no kind (a scan's misread labels): the numbers' own
                // arithmetic, where a kind declares it.
                match_kind_by_relations(table, kinds).map(|(ki, map)| {
                    let m = Matched {
                        kind: ki,
                        map,
                        types: tt.columns.clone(),
                    };
                    last[ki] = Some(m.clone());
                    m
                })
            }
            None => continuation(kinds, &last, tt).inspect(|m| {
                // The units of the table continued.
                let cols: Vec<ColumnType> = tt
                    .columns
                    .iter()
                    .zip(&m.types)
                    .map(|(own, src)| {
                        if is_number(Some(own)) && is_number(Some(src)) {
                            *src
                        } else {
                            *own
                        }
                    })
                    .collect();
                *tt = read_values(table, cols);
            }),
        };
        let tt: &TypedTable = tt;
        let kind = matched
            .as_ref()
            .and_then(|m| kinds.get(m.kind).map(|k| (k, m)));
        let canonical = kind
            .map(|(k, m)| canonical_rows_mapped(table, k, &m.map, tt, context))
            .unwrap_or_default();
        let mut unparsed: BTreeSet<(usize, usize)> =
            tt.unparsed.iter().map(|u| (u.row, u.col)).collect();
        let mut canon_iter = canonical.into_iter().peekable();
        for (ri, row) in table.rows.iter().enumerate() {
            if row.kind == RowKind::Section {
                continue;
            }
            // A unit row (`千円` under each header) printed in the body: no item, no values.
            let mut filled = row.cells.iter().filter(|c| !c.trim().is_empty()).peekable();
            let unit_row =
                filled.peek().is_some() && filled.all(|c| matches!(parse_cell(c), Cell::Unit(_)));
            let item_path = row_key(row);
            let lineage = RowLineage {
                table_index: ti as u32,
                row_index: ri as u32,
                page: row.page as u32,
                kind: row.kind,
                table_kind: kind.map(|(k, _)| k.name.clone()).unwrap_or_default(),
                section: row.section.clone(),
                item_key: key_hash(&item_path),
                label: row_label(&row.cells, &row.section).to_string(),
                item_path,
                bbox: [row.bbox.x0, row.bbox.top, row.bbox.x1, row.bbox.bottom],
                mode: table.mode,
                caption: caption_title(table.caption.as_deref()),
                text_source: text_sources
                    .get(&row.page)
                    .copied()
                    .unwrap_or(TextSource::None),
            };
            out.tables.push(TableRow {
                lineage: lineage.clone(),
                columns: table.columns.clone(),
                cells: row.cells.clone(),
                table_totals_checked: table_checked,
                table_totals_mismatches: table_mismatches,
            });
            // This row's canonical cells (canonical rows skip section rows, as here).
            let canon = match canon_iter.peek() {
                Some(c) if c.row == ri => canon_iter.next(),
                _ => None,
            };
            // Canonical column of each table column, when numeric in the kind.
            let canon_of = |tc: usize| -> Option<(usize, &Kind)> {
                let (k, m) = kind?;
                let ci = m.map.iter().position(|x| *x == Some(tc))?;
                (k.columns.get(ci)?.kind != ColumnKind::Text).then_some((ci, k))
            };
            for (c, raw) in row.cells.iter().enumerate() {
                // A number filled down from a spanning cell above was printed once, on the
                // row above: a value of that row only.
                if unit_row || raw.trim().is_empty() || row.spanned_from_above.contains(&c) {
                    continue;
                }
                let canonical_cell = canon_of(c).and_then(|(ci, k)| {
                    Some((
                        k.columns.get(ci)?.name.clone(),
                        canon.as_ref()?.cells.get(ci)?,
                    ))
                });
                let numeric_col = is_number(tt.columns.get(c));
                if !numeric_col && canonical_cell.is_none() {
                    continue;
                }
                let column = table.columns.get(c).cloned().unwrap_or_default();
                let mut v = ValueRow {
                    lineage: group_lineage(&lineage, row, c).unwrap_or_else(|| lineage.clone()),
                    column_index: c as u32,
                    value_year: crate::normalize::period::value_year(&column, fiscal_year),
                    column,
                    raw: raw.clone(),
                    ..Default::default()
                };
                match canonical_cell {
                    Some((name, cell)) => {
                        v.canonical_column = Some(name);
                        // The values dataset's two number columns: exact integers (a year
                        // is one) and every number as a float; a date is neither.
                        (v.value, v.value_float) = match &cell.value {
                            Some(CellValue::Int(n)) => (Some(*n), Some(*n as f64)),
                            Some(CellValue::Year(y)) => (Some(i64::from(*y)), Some(f64::from(*y))),
                            Some(CellValue::Float(f)) => (None, Some(*f)),
                            Some(CellValue::Date(_)) | None => (None, None),
                        };
                        v.unit = (!cell.unit.is_empty()).then(|| cell.unit.to_string());
                        v.unparsed = cell.unparsed;
                        if cell.unparsed {
                            unparsed.insert((ri, c));
                        }
                    }
                    None => {
                        let value = tt.values.get(ri).and_then(|r| r.get(c)).copied().flatten();
                        v.value = match value {
                            Some(crate::normalize::number::Value::Int(n)) => Some(n),
                            _ => None,
                        };
                        v.value_float = value.map(|x| x.as_f64());
                        let unit = tt.columns.get(c).map_or("", |t| t.unit_name());
                        v.unit = (!unit.is_empty()).then(|| unit.to_string());
                        v.unparsed = unparsed.contains(&(ri, c));
                    }
                }
                if v.value_float.is_none() && !v.unparsed {
                    // A dash or a no-number word: a null, not a value.
                    v.unit = None;
                }
                out.values.push(v);
            }
            if let (Some((k, m)), Some(canon), false) = (kind, canon, unit_row) {
                // A kind whose every column is filled down from the row above (a 目 beside
                // its second 節 in a budget book's spread) has no row of its own here.
                let mapped: Vec<usize> = m.map.iter().flatten().copied().collect();
                let repeat = !mapped.is_empty()
                    && mapped.iter().all(|c| {
                        row.spanned_from_above.contains(c)
                            || row.cells.get(*c).is_none_or(|t| t.trim().is_empty())
                    });
                if repeat {
                    continue;
                }
                // The kind's item is its first text column (the 目 of a spread whose row
                // label is the 節 beside it).
                let mut lineage = lineage;
                let item = k
                    .columns
                    .iter()
                    .zip(&m.map)
                    .find(|(c, _)| c.kind == ColumnKind::Text)
                    .and_then(|(_, tc)| tc.and_then(|tc| row.cells.get(tc)))
                    .filter(|t| !t.trim().is_empty());
                if let Some(item) = item {
                    lineage = labelled_as(&lineage, row, item);
                }
                if let Some(ds) = datasets.iter_mut().find(|d| d.dataset == k.dataset) {
                    let cells = ds
                        .columns
                        .iter()
                        .map(|(name, _)| {
                            k.columns
                                .iter()
                                .position(|c| c.name == *name)
                                .and_then(|i| canon.cells.get(i).cloned())
                        })
                        .collect();
                    ds.rows.push(KindRow { lineage, cells });
                }
            }
        }
        out.unparsed_cells += unparsed.len();
        out.mismatches
            .extend(mismatches.into_iter().map(|m| Mismatch { table: ti, ..m }));
    }
    out.kinds = datasets;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::logical::Row;
    use crate::table::Strategy;

    fn table(columns: &[&str], rows: &[&[&str]]) -> LogicalTable {
        let mut t = LogicalTable {
            numeric: Vec::new(),
            units: Vec::new(),
            note_unit: None,
            diagnostics: Vec::new(),
            pages: vec![1],
            bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
            mode: Strategy::Lattice,
            header_rows: Vec::new(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|cells| Row {
                    cells: cells.iter().map(|s| s.to_string()).collect(),
                    section: Vec::new(),
                    kind: if cells.first() == Some(&"計") {
                        RowKind::Total
                    } else {
                        RowKind::Data
                    },
                    page: 1,
                    pages: vec![1],
                    bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
                    spanned_from_above: Vec::new(),
                })
                .collect(),
            spans: Vec::new(),
            caption: None,
        };
        t.decide_numeric(&crate::logical::LogicalSettings::default());
        t
    }

    const KINDS: &str = r#"
[[kinds]]
name = "items"
dataset = "items"
match = { headers = ["目", "本年度予算額"], min_columns = 2 }
columns = [
  { name = "item", type = "text", headers = ["目"] },
  { name = "current", type = "amount", unit = "千円", headers = ["本年度予算額"] },
  { name = "previous", type = "amount", unit = "千円", headers = ["前年度予算額"] },
]
"#;

    fn extraction(tables: Vec<LogicalTable>) -> Extraction {
        Extraction {
            page_count: 1,
            pages: Vec::new(),
            tables,
            title_fiscal_year: Some(2025),
            failures: Vec::new(),
        }
    }

    #[test]
    fn kinds_values_keys_and_continuations() {
        let kinds = crate::normalize::kinds::kinds_from_toml(KINDS).unwrap_or_default();
        let x = extraction(vec![
            table(
                &["目", "本年度予算額", "前年度予算額"],
                &[
                    &["", "千円", "千円"],
                    &["1 個人", "千円 15,840,700", "千円 14,297,700"],
                    &["2 法人", "2,580,200", "x1,2"],
                ],
            ),
            // A page without the header: continues the table above (4 columns would not).
            table(&["", "", ""], &[&["1 環境性能割", "18,000", "85,000"]]),
            table(&["区名", "人口"], &[&["北区", "1,234"]]),
        ]);
        let r = document_rows(&x, &kinds, &Settings::default(), Some(2025));
        assert_eq!(
            r.tables.len(),
            5,
            "the unit row stays in the tables dataset"
        );
        assert_eq!(r.kinds.len(), 1);
        let items = &r.kinds[0];
        assert_eq!(items.rows.len(), 3);
        let current = |i: usize| {
            items.rows[i].cells[1]
                .as_ref()
                .and_then(|c| c.value.clone())
        };
        assert_eq!(current(0), Some(CellValue::Int(15_840_700_000)));
        assert_eq!(current(2), Some(CellValue::Int(18_000_000)));
        assert_eq!(items.rows[2].lineage.table_kind, "items");
        assert_eq!(items.rows[0].lineage.item_path, "個人");
        // `x1,2` is counted as unparsed, and kept in the values dataset with a null value.
        assert_eq!(r.unparsed_cells, 1);
        let bad: Vec<&ValueRow> = r.values.iter().filter(|v| v.unparsed).collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].raw, "x1,2");
        assert_eq!(bad[0].value, None);
        // Tables no kind matched still give values.
        let north = r.values.iter().find(|v| v.lineage.label == "北区");
        assert_eq!(north.and_then(|v| v.value), Some(1234));
        assert_eq!(north.map(|v| v.lineage.table_kind.as_str()), Some(""));
    }

    #[test]
    fn totals_mismatches_are_collected() {
        let x = extraction(vec![table(
            &["目", "金額（千円）"],
            &[&["a", "1"], &["b", "2"], &["計", "9"]],
        )]);
        let r = document_rows(&x, &[], &Settings::default(), None);
        assert_eq!(r.mismatches.len(), 1);
        assert_eq!(r.mismatches[0].table, 0);
    }
}
