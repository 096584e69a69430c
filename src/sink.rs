//! Stage `sink`: rows into Parquet datasets, the only module that knows polars.
//!
//! Layout: `<out>/<dataset>/fiscal_year=<YYYY>/<file key>.<version>.parquet` (hive partitions;
//! an unknown year is `fiscal_year=__HIVE_DEFAULT_PARTITION__`, read as null), and
//! `<out>/documents.parquet`. Datasets: the generic `tables` (every row of every table),
//! `values` (every numeric cell, long form) and one per table kind (canonical columns:
//! `<col>` raw, `<col>_value` typed, `<col>_unit`). Every file is written to a temporary name in its directory,
//! synced, then renamed into place, so readers never see half a file; the caller names
//! each version of a document's rows differently, so no name is ever rewritten with other rows.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::layout::TextSource;
use crate::logical::RowKind;
use crate::normalize::kinds::{CanonicalCell, CellValue, ColumnKind};
use crate::table::Strategy;

mod series;
pub use series::{read_series_values, write_series, FAMILIES_DIR, RECONCILIATION_DATASET};

/// One data row of the generic tables dataset: its lineage, its table's column names and
/// its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub lineage: RowLineage,
    pub columns: Vec<String>,
    pub cells: Vec<String>,
    /// How many subtotal and total cells of the row's table were compared with the sum
    /// of their rows (`normalize::totals`) ...
    pub table_totals_checked: u32,
    /// ... and how many of them do not add up: the table's own check, so an analyst can
    /// filter tables by it.
    pub table_totals_mismatches: u32,
}

/// The long-form dataset of every numeric cell (`values/fiscal_year=…/`).
pub const VALUES_DATASET: &str = "values";
/// The documents table, one file at the output's top (`documents.parquet`).
pub const DOCUMENTS_FILE: &str = "documents.parquet";
/// The run's own state and staging files (`_nenpo/`).
pub const STATE_DIR: &str = "_nenpo";
/// Names a pipeline's datasets may not take: the sink's own datasets and files.
pub const RESERVED_DATASETS: &[&str] = &[
    STATE_DIR,
    "documents",
    VALUES_DATASET,
    series::FAMILIES_DIR,
    series::RECONCILIATION_DATASET,
];

/// Lineage and keys of a row, shared by every dataset.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RowLineage {
    pub table_index: u32,
    pub row_index: u32,
    pub page: u32,
    pub kind: RowKind,
    /// The table kind the row was read through (empty: none matched).
    pub table_kind: String,
    pub section: Vec<String>,
    pub item_key: String,
    pub item_path: String,
    /// The row's label as printed (its first cell not in the section path).
    pub label: String,
    /// The row's box on its page: x0, top, x1, bottom (points, top-left origin).
    pub bbox: [f64; 4],
    /// The strategy that found the table (`lattice` or `stream`).
    pub mode: Strategy,
    /// The first line of the table's caption (its title), or empty.
    pub caption: String,
    /// Where the words of the row's page came from.
    pub text_source: TextSource,
}

/// One row of a kind dataset: lineage, and one canonical cell per column of the dataset
/// (`None` where the row's kind has no such column).
#[derive(Clone, Debug, PartialEq)]
pub struct KindRow {
    pub lineage: RowLineage,
    pub cells: Vec<Option<CanonicalCell>>,
}

/// One numeric cell of the long-form `values` dataset.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ValueRow {
    pub lineage: RowLineage,
    pub column_index: u32,
    /// The fiscal year the figure belongs to: the document's, the year before for a
    /// previous-year column (`前年度決算(B)`), or the year a column names (`令和2年度`).
    pub value_year: Option<i32>,
    /// The table's column name (flattened header).
    pub column: String,
    /// The canonical column it maps to, when the table matched a kind.
    pub canonical_column: Option<String>,
    /// Exact integer value (yen, counts); null for fractions and unread cells.
    pub value: Option<i64>,
    /// The value as a float (every read cell, percent included).
    pub value_float: Option<f64>,
    /// `円`, `%`, or null.
    pub unit: Option<String>,
    pub raw: String,
    /// The cell could not be read (value null, raw text kept).
    pub unparsed: bool,
}

/// What became of a document in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Every page read.
    Ok,
    /// Some pages failed (see `warnings`); the rows of the others are written.
    Partial,
    /// Nothing could be read (see `error`). The default: a record is not ok until its
    /// document has been read.
    #[default]
    Failed,
    /// Gone from the archive; its rows are kept or deleted as the pipeline says.
    Removed,
}

impl DocStatus {
    /// The name used in outputs (`ok`, `partial`, `failed`, `removed`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Partial => "partial",
            DocStatus::Failed => "failed",
            DocStatus::Removed => "removed",
        }
    }
}

/// One row of the documents table.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct DocumentRecord {
    pub document_id: String,
    pub path: String,
    pub size: u64,
    pub fiscal_year: Option<i32>,
    pub pages: u32,
    /// `ok`; `partial` (some pages failed, see `warnings`; the rows of the others are
    /// written); `failed` (see `error`); or `removed` (gone from the archive, rows kept as
    /// the pipeline says).
    pub status: DocStatus,
    pub error: Option<String>,
    pub tables: u32,
    pub rows: u32,
    pub seconds: f64,
    pub nenpo_version: String,
    /// Cells of numeric columns that could not be read (raw text kept, value null).
    #[serde(default)]
    pub unparsed_cells: u32,
    /// Subtotal and total cells that do not match the sum of their rows.
    #[serde(default)]
    pub totals_mismatches: u32,
    /// Pages whose words came from nenpo's own OCR.
    #[serde(default)]
    pub pages_ocr: u32,
    /// Each page's text source, in page order: `digital` (a trustworthy text layer),
    /// `hidden_ocr_layer` (a scanner's invisible text, used as is), `ocr`, or `none`.
    #[serde(default)]
    pub page_text_sources: Vec<String>,
    /// What failed on the document's pages, one entry per failure naming its page (a page
    /// that could not be parsed, an image that could not be decoded or OCR'd, a stage that
    /// panicked). Not empty exactly when `status` is `partial`.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The document's tables whose totals do not add up, most mismatches first (at most
    /// [`TABLE_CHECKS_KEPT`]), for the run report's list of the worst tables. Kept in the
    /// run state; the `tables` dataset has every table's count.
    #[serde(default)]
    pub mismatched_tables: Vec<TableCheck>,
    /// The document's Parquet files, relative to the output directory. Every name holds
    /// one version of the rows and is never rewritten with others; a reader that reads
    /// these files (rather than a glob) sees the last completed run even while a run
    /// replaces documents. Filled in from the run state when the documents table is written.
    #[serde(skip)]
    pub files: Vec<String>,
}

/// How many mismatched tables a document's record keeps.
pub const TABLE_CHECKS_KEPT: usize = 10;

/// A table whose totals do not add up.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TableCheck {
    pub table_index: u32,
    /// The page the table starts on.
    pub page: u32,
    /// The first line of its caption (at most 60 characters), if any.
    pub caption: String,
    pub totals_mismatches: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build or write the parquet file {path}: {source}")]
    Polars { path: PathBuf, source: PolarsError },
}

/// The partition directory of a fiscal year.
pub fn partition_dir(out: &Path, dataset: &str, fiscal_year: Option<i32>) -> PathBuf {
    let part = match fiscal_year {
        Some(y) => format!("fiscal_year={y}"),
        None => "fiscal_year=__HIVE_DEFAULT_PARTITION__".to_string(),
    };
    out.join(dataset).join(part)
}

/// A column `name` holding one field of every item.
fn col<T, V>(name: &str, items: &[T], f: impl Fn(&T) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, [V]>,
{
    Column::new(name.into(), items.iter().map(f).collect::<Vec<V>>())
}

fn str_list(name: &str, rows: impl Iterator<Item = Vec<String>>) -> Column {
    let series: Vec<Series> = rows.map(|v| Series::new(PlSmallStr::EMPTY, v)).collect();
    let s = if series.is_empty() {
        Series::new_empty(name.into(), &DataType::List(Box::new(DataType::String)))
    } else {
        Series::new(name.into(), series)
    };
    s.into()
}

/// Writes one document's rows of a dataset as one Parquet file named `<file_key>.parquet`
/// in its year's partition; returns its path.
pub fn write_table_rows(
    out: &Path,
    dataset: &str,
    fiscal_year: Option<i32>,
    file_key: &str,
    document_id: &str,
    source_path: &str,
    rows: &[TableRow],
) -> Result<PathBuf, Error> {
    let path = partition_dir(out, dataset, fiscal_year).join(format!("{file_key}.parquet"));
    let n = rows.len();
    let columns = vec![
        Column::new("document_id".into(), vec![document_id.to_string(); n]),
        Column::new("source_path".into(), vec![source_path.to_string(); n]),
        col("table_index", rows, |r| r.lineage.table_index),
        col("row_index", rows, |r| r.lineage.row_index),
        col("page", rows, |r| r.lineage.page),
        col("kind", rows, |r| r.lineage.kind.as_str()),
        str_list("section", rows.iter().map(|r| r.lineage.section.clone())),
        str_list("columns", rows.iter().map(|r| r.columns.clone())),
        str_list("cells", rows.iter().map(|r| r.cells.clone())),
        col("table_totals_checked", rows, |r| r.table_totals_checked),
        col("table_totals_mismatches", rows, |r| {
            r.table_totals_mismatches
        }),
        col("bbox_x0", rows, |r| r.lineage.bbox[0]),
        col("bbox_top", rows, |r| r.lineage.bbox[1]),
        col("bbox_x1", rows, |r| r.lineage.bbox[2]),
        col("bbox_bottom", rows, |r| r.lineage.bbox[3]),
        col("mode", rows, |r| r.lineage.mode.as_str()),
        col("text_source", rows, |r| r.lineage.text_source.as_str()),
        col("item_key", rows, |r| r.lineage.item_key.clone()),
        col("item_path", rows, |r| r.lineage.item_path.clone()),
        col("table_caption", rows, |r| r.lineage.caption.clone()),
    ];
    let df = DataFrame::new(n, columns).map_err(|source| Error::Polars {
        path: path.clone(),
        source,
    })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// The lineage columns of kind and values rows.
fn lineage_columns<'a>(
    document_id: &str,
    source_path: &str,
    rows: impl Iterator<Item = &'a RowLineage> + Clone,
) -> Vec<Column> {
    let n = rows.clone().count();
    let s = |name: &str, f: fn(&RowLineage) -> String| {
        Column::new(name.into(), rows.clone().map(f).collect::<Vec<String>>())
    };
    let u = |name: &str, f: fn(&RowLineage) -> u32| {
        Column::new(name.into(), rows.clone().map(f).collect::<Vec<u32>>())
    };
    let b = |name: &str, i: usize| {
        Column::new(
            name.into(),
            rows.clone().map(|r| r.bbox[i]).collect::<Vec<f64>>(),
        )
    };
    vec![
        Column::new("document_id".into(), vec![document_id.to_string(); n]),
        Column::new("source_path".into(), vec![source_path.to_string(); n]),
        u("table_index", |r| r.table_index),
        u("row_index", |r| r.row_index),
        u("page", |r| r.page),
        s("kind", |r| r.kind.as_str().to_string()),
        Column::new(
            "table_kind".into(),
            rows.clone()
                .map(|r| (!r.table_kind.is_empty()).then(|| r.table_kind.clone()))
                .collect::<Vec<Option<String>>>(),
        ),
        str_list("section", rows.clone().map(|r| r.section.clone())),
        s("item_key", |r| r.item_key.clone()),
        s("item_path", |r| r.item_path.clone()),
        s("label", |r| r.label.clone()),
        b("bbox_x0", 0),
        b("bbox_top", 1),
        b("bbox_x1", 2),
        b("bbox_bottom", 3),
        s("mode", |r| r.mode.as_str().to_string()),
        s("text_source", |r| r.text_source.as_str().to_string()),
        s("table_caption", |r| r.caption.clone()),
    ]
}

/// The columns of one canonical column of a kind dataset: `<name>` (raw text), then
/// `<name>_value` (typed: i64 yen for amounts, i64 for integers, f64 for percents and
/// numbers, i32 for fiscal years, `YYYY-MM-DD` text for dates, normalized text for text)
/// and, for numeric types, `<name>_unit` (`円`, `%`, or null).
fn canonical_columns(
    name: &str,
    kind: ColumnKind,
    cells: &[Option<&CanonicalCell>],
) -> Vec<Column> {
    let raw = Column::new(
        name.into(),
        cells
            .iter()
            .map(|c| c.map(|c| c.raw.clone()))
            .collect::<Vec<Option<String>>>(),
    );
    let vname = format!("{name}_value");
    fn typed<'a>(c: &Option<&'a CanonicalCell>) -> Option<&'a CellValue> {
        c.and_then(|c| c.value.as_ref())
    }
    let value = match kind {
        ColumnKind::Text => Column::new(
            vname.as_str().into(),
            cells
                .iter()
                .map(|c| {
                    c.map(|c| crate::normalize::text::normalize_text(&c.raw))
                        .filter(|t| !t.is_empty())
                })
                .collect::<Vec<Option<String>>>(),
        ),
        ColumnKind::Amount | ColumnKind::Integer => Column::new(
            vname.as_str().into(),
            cells
                .iter()
                .map(|c| typed(c).and_then(CellValue::as_int))
                .collect::<Vec<Option<i64>>>(),
        ),
        ColumnKind::Percent | ColumnKind::Number => Column::new(
            vname.as_str().into(),
            cells
                .iter()
                .map(|c| typed(c).and_then(CellValue::as_float))
                .collect::<Vec<Option<f64>>>(),
        ),
        ColumnKind::FiscalYear => Column::new(
            vname.as_str().into(),
            cells
                .iter()
                .map(|c| typed(c).and_then(CellValue::as_year))
                .collect::<Vec<Option<i32>>>(),
        ),
        ColumnKind::Date => Column::new(
            vname.as_str().into(),
            cells
                .iter()
                .map(|c| typed(c).and_then(CellValue::as_date).map(str::to_string))
                .collect::<Vec<Option<String>>>(),
        ),
    };
    let mut out = vec![raw, value];
    if matches!(
        kind,
        ColumnKind::Amount | ColumnKind::Integer | ColumnKind::Percent | ColumnKind::Number
    ) {
        let unit = Column::new(
            format!("{name}_unit").as_str().into(),
            cells
                .iter()
                .map(|c| {
                    c.map(|c| c.unit)
                        .filter(|u| !u.is_empty())
                        .map(str::to_string)
                })
                .collect::<Vec<Option<String>>>(),
        );
        out.push(unit);
    }
    out
}

/// Writes one document's rows of a kind dataset (`columns`: the dataset's canonical
/// columns, in order; each row's `cells` parallel to them); returns the file's path.
#[allow(clippy::too_many_arguments)]
pub fn write_kind_rows(
    out: &Path,
    dataset: &str,
    fiscal_year: Option<i32>,
    file_key: &str,
    document_id: &str,
    source_path: &str,
    columns: &[(String, ColumnKind)],
    rows: &[KindRow],
) -> Result<PathBuf, Error> {
    let path = partition_dir(out, dataset, fiscal_year).join(format!("{file_key}.parquet"));
    let mut cols = lineage_columns(document_id, source_path, rows.iter().map(|r| &r.lineage));
    for (i, (name, kind)) in columns.iter().enumerate() {
        let cells: Vec<Option<&CanonicalCell>> = rows
            .iter()
            .map(|r| r.cells.get(i).and_then(Option::as_ref))
            .collect();
        cols.extend(canonical_columns(name, *kind, &cells));
    }
    let df = DataFrame::new(rows.len(), cols).map_err(|source| Error::Polars {
        path: path.clone(),
        source,
    })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// Writes one document's numeric cells (the long-form `values` dataset); returns the path.
pub fn write_value_rows(
    out: &Path,
    dataset: &str,
    fiscal_year: Option<i32>,
    file_key: &str,
    document_id: &str,
    source_path: &str,
    rows: &[ValueRow],
) -> Result<PathBuf, Error> {
    let path = partition_dir(out, dataset, fiscal_year).join(format!("{file_key}.parquet"));
    let mut cols = lineage_columns(document_id, source_path, rows.iter().map(|r| &r.lineage));
    cols.extend([
        col("column_index", rows, |r| r.column_index),
        col("value_year", rows, |r| r.value_year),
        col("column", rows, |r| r.column.clone()),
        col("canonical_column", rows, |r| r.canonical_column.clone()),
        col("value", rows, |r| r.value),
        col("value_float", rows, |r| r.value_float),
        col("unit", rows, |r| r.unit.clone()),
        col("raw", rows, |r| r.raw.clone()),
        col("unparsed", rows, |r| r.unparsed),
    ]);
    let df = DataFrame::new(rows.len(), cols).map_err(|source| Error::Polars {
        path: path.clone(),
        source,
    })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// Writes the documents table (`<out>/documents.parquet`).
pub fn write_documents(out: &Path, docs: &[DocumentRecord]) -> Result<PathBuf, Error> {
    let path = out.join(DOCUMENTS_FILE);
    let n = docs.len();
    let columns = vec![
        col("document_id", docs, |d| d.document_id.clone()),
        col("path", docs, |d| d.path.clone()),
        col("size", docs, |d| d.size),
        col("fiscal_year", docs, |d| d.fiscal_year),
        col("pages", docs, |d| d.pages),
        col("status", docs, |d| d.status.as_str()),
        col("error", docs, |d| d.error.clone()),
        col("tables", docs, |d| d.tables),
        col("rows", docs, |d| d.rows),
        col("seconds", docs, |d| d.seconds),
        col("nenpo_version", docs, |d| d.nenpo_version.clone()),
        col("unparsed_cells", docs, |d| d.unparsed_cells),
        col("totals_mismatches", docs, |d| d.totals_mismatches),
        col("pages_ocr", docs, |d| d.pages_ocr),
        str_list(
            "page_text_sources",
            docs.iter().map(|d| d.page_text_sources.clone()),
        ),
        str_list("warnings", docs.iter().map(|d| d.warnings.clone())),
        str_list("files", docs.iter().map(|d| d.files.clone())),
    ];
    let df = DataFrame::new(n, columns).map_err(|source| Error::Polars {
        path: path.clone(),
        source,
    })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// Writes `df` to `path` through a temporary file in the same directory: write, fsync,
/// rename. The directory is created when missing.
fn write_atomically(path: &Path, mut df: DataFrame) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp).map_err(io)?;
        ParquetWriter::new(&mut file)
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .map_err(|source| Error::Polars {
                path: path.to_path_buf(),
                source,
            })?;
        file.flush().map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: u32) -> TableRow {
        TableRow {
            lineage: RowLineage {
                table_index: 0,
                row_index: i,
                page: 1,
                kind: RowKind::Data,
                section: vec!["II 区政改革".into()],
                bbox: [1.0, 2.0, 3.0, 4.0],
                mode: Strategy::Lattice,
                text_source: TextSource::Digital,
                item_key: "k".into(),
                item_path: "区政改革/項目".into(),
                ..Default::default()
            },
            columns: vec!["課題".into(), "金額".into()],
            cells: vec![format!("項目{i}"), "1,000".into()],
            table_totals_checked: 0,
            table_totals_mismatches: 0,
        }
    }

    #[test]
    fn kind_and_value_rows_are_typed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cell = |raw: &str, value: Option<CellValue>, unit: &'static str| {
            Some(CanonicalCell {
                raw: raw.into(),
                value,
                unit,
                unparsed: false,
            })
        };
        let rows = vec![KindRow {
            lineage: RowLineage {
                item_key: "k".into(),
                kind: RowKind::Data,
                table_kind: "budget".into(),
                ..Default::default()
            },
            cells: vec![
                cell("個人", None, ""),
                cell("15,840,700", Some(CellValue::Int(15_840_700_000)), "円"),
                cell("1.5", Some(CellValue::Float(1.5)), "%"),
                None,
            ],
        }];
        let columns = vec![
            ("item".to_string(), ColumnKind::Text),
            ("current".to_string(), ColumnKind::Amount),
            ("rate".to_string(), ColumnKind::Percent),
            ("year".to_string(), ColumnKind::FiscalYear),
        ];
        let p = write_kind_rows(
            dir.path(),
            "budget",
            Some(2025),
            "f",
            "doc",
            "x.pdf",
            &columns,
            &rows,
        )
        .expect("write");
        let df = ParquetReader::new(File::open(&p).expect("open"))
            .finish()
            .expect("read");
        assert_eq!(
            df.column("current_value")
                .expect("col")
                .i64()
                .expect("i64")
                .get(0),
            Some(15_840_700_000)
        );
        assert_eq!(
            df.column("current_unit")
                .expect("col")
                .str()
                .expect("str")
                .get(0),
            Some("円")
        );
        assert_eq!(
            df.column("rate_value")
                .expect("col")
                .f64()
                .expect("f64")
                .get(0),
            Some(1.5)
        );
        assert_eq!(
            df.column("item").expect("col").str().expect("str").get(0),
            Some("個人")
        );
        assert_eq!(
            df.column("year_value")
                .expect("col")
                .i32()
                .expect("i32")
                .get(0),
            None
        );
        let v = ValueRow {
            column: "金額".into(),
            value: Some(5),
            value_float: Some(5.0),
            raw: "5".into(),
            ..Default::default()
        };
        let p =
            write_value_rows(dir.path(), "values", None, "f", "doc", "x.pdf", &[v]).expect("write");
        let df = ParquetReader::new(File::open(&p).expect("open"))
            .finish()
            .expect("read");
        assert_eq!(
            df.column("value").expect("col").i64().expect("i64").get(0),
            Some(5)
        );
    }

    #[test]
    fn rows_round_trip_through_parquet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write_table_rows(
            dir.path(),
            "tables",
            Some(2010),
            "abc",
            "doc",
            "x.pdf",
            &[row(0), row(1)],
        )
        .expect("write");
        assert!(p.ends_with("tables/fiscal_year=2010/abc.parquet"));
        let df = ParquetReader::new(File::open(&p).expect("open"))
            .finish()
            .expect("read");
        assert_eq!(df.height(), 2);
        let cells = df
            .column("cells")
            .expect("cells")
            .list()
            .expect("list")
            .get_as_series(1)
            .expect("row 1");
        assert_eq!(cells.str().expect("str").get(0), Some("項目1"));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(p.parent().expect("dir"))
            .expect("ls")
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn empty_documents_write_and_unknown_year_partition() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p =
            write_table_rows(dir.path(), "tables", None, "d", "doc", "x.pdf", &[]).expect("write");
        assert!(p
            .to_string_lossy()
            .contains("fiscal_year=__HIVE_DEFAULT_PARTITION__"));
        let d = DocumentRecord {
            document_id: "d".into(),
            status: DocStatus::Failed,
            error: Some("bad".into()),
            ..Default::default()
        };
        let partial = DocumentRecord {
            document_id: "e".into(),
            status: DocStatus::Partial,
            warnings: vec!["page 2: ocr failed: x".into()],
            ..Default::default()
        };
        let p = write_documents(dir.path(), &[d, partial]).expect("write");
        let df = ParquetReader::new(File::open(&p).expect("open"))
            .finish()
            .expect("read");
        assert_eq!(df.height(), 2);
        let warnings = df
            .column("warnings")
            .expect("warnings")
            .list()
            .expect("list");
        assert_eq!(warnings.get_as_series(0).expect("row 0").len(), 0);
        let w = warnings.get_as_series(1).expect("row 1");
        assert_eq!(w.str().expect("str").get(0), Some("page 2: ocr failed: x"));
    }
}
