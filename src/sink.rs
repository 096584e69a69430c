//! Stage `sink`: rows into Parquet datasets, the only module that knows polars.
//!
//! Layout: `<out>/<dataset>/fiscal_year=<YYYY>/<document id>.parquet` (hive partitions;
//! an unknown year is `fiscal_year=__HIVE_DEFAULT_PARTITION__`, read as null), and
//! `<out>/documents.parquet`. Every file is written to a temporary name in its directory,
//! synced, then renamed over the old one, so readers never see half a file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// One data row of the generic tables dataset, with its lineage.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub table_index: u32,
    pub row_index: u32,
    pub page: u32,
    pub kind: String,
    pub section: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<String>,
    /// The row's box on its page: x0, top, x1, bottom (points, top-left origin).
    pub bbox: [f64; 4],
    /// `lattice` or `stream`.
    pub mode: String,
}

/// One row of the documents table.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct DocumentRecord {
    pub document_id: String,
    pub path: String,
    pub size: u64,
    pub fiscal_year: Option<i32>,
    pub pages: u32,
    /// `ok`, `failed`, or `removed` (gone from the archive, rows kept as the pipeline says).
    pub status: String,
    pub error: Option<String>,
    pub tables: u32,
    pub rows: u32,
    pub seconds: f64,
    pub nenpo_version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
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
    let col_f = |name: &str, i: usize| Column::new(name.into(), rows.iter().map(|r| r.bbox[i]).collect::<Vec<f64>>());
    let columns = vec![
        Column::new("document_id".into(), vec![document_id.to_string(); n]),
        Column::new("source_path".into(), vec![source_path.to_string(); n]),
        Column::new("table_index".into(), rows.iter().map(|r| r.table_index).collect::<Vec<u32>>()),
        Column::new("row_index".into(), rows.iter().map(|r| r.row_index).collect::<Vec<u32>>()),
        Column::new("page".into(), rows.iter().map(|r| r.page).collect::<Vec<u32>>()),
        Column::new("kind".into(), rows.iter().map(|r| r.kind.clone()).collect::<Vec<String>>()),
        str_list("section", rows.iter().map(|r| r.section.clone())),
        str_list("columns", rows.iter().map(|r| r.columns.clone())),
        str_list("cells", rows.iter().map(|r| r.cells.clone())),
        col_f("bbox_x0", 0),
        col_f("bbox_top", 1),
        col_f("bbox_x1", 2),
        col_f("bbox_bottom", 3),
        Column::new("mode".into(), rows.iter().map(|r| r.mode.clone()).collect::<Vec<String>>()),
    ];
    let df = DataFrame::new(n, columns).map_err(|source| Error::Polars { path: path.clone(), source })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// Writes the documents table (`<out>/documents.parquet`).
pub fn write_documents(out: &Path, docs: &[DocumentRecord]) -> Result<PathBuf, Error> {
    let path = out.join("documents.parquet");
    let n = docs.len();
    let columns = vec![
        Column::new("document_id".into(), docs.iter().map(|d| d.document_id.clone()).collect::<Vec<_>>()),
        Column::new("path".into(), docs.iter().map(|d| d.path.clone()).collect::<Vec<_>>()),
        Column::new("size".into(), docs.iter().map(|d| d.size).collect::<Vec<u64>>()),
        Column::new("fiscal_year".into(), docs.iter().map(|d| d.fiscal_year).collect::<Vec<Option<i32>>>()),
        Column::new("pages".into(), docs.iter().map(|d| d.pages).collect::<Vec<u32>>()),
        Column::new("status".into(), docs.iter().map(|d| d.status.clone()).collect::<Vec<_>>()),
        Column::new("error".into(), docs.iter().map(|d| d.error.clone()).collect::<Vec<Option<String>>>()),
        Column::new("tables".into(), docs.iter().map(|d| d.tables).collect::<Vec<u32>>()),
        Column::new("rows".into(), docs.iter().map(|d| d.rows).collect::<Vec<u32>>()),
        Column::new("seconds".into(), docs.iter().map(|d| d.seconds).collect::<Vec<f64>>()),
        Column::new("nenpo_version".into(), docs.iter().map(|d| d.nenpo_version.clone()).collect::<Vec<_>>()),
    ];
    let df = DataFrame::new(n, columns).map_err(|source| Error::Polars { path: path.clone(), source })?;
    write_atomically(&path, df)?;
    Ok(path)
}

/// Writes `df` to `path` through a temporary file in the same directory: write, fsync,
/// rename. The directory is created when missing.
fn write_atomically(path: &Path, mut df: DataFrame) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp).map_err(io)?;
        ParquetWriter::new(&mut file)
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .map_err(|source| Error::Polars { path: path.to_path_buf(), source })?;
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
            table_index: 0,
            row_index: i,
            page: 1,
            kind: "data".into(),
            section: vec!["II 区政改革".into()],
            columns: vec!["課題".into(), "金額".into()],
            cells: vec![format!("項目{i}"), "1,000".into()],
            bbox: [1.0, 2.0, 3.0, 4.0],
            mode: "lattice".into(),
        }
    }

    #[test]
    fn rows_round_trip_through_parquet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write_table_rows(dir.path(), "tables", Some(2010), "abc", "doc", "x.pdf", &[row(0), row(1)]).expect("write");
        assert!(p.ends_with("tables/fiscal_year=2010/abc.parquet"));
        let df = ParquetReader::new(File::open(&p).expect("open")).finish().expect("read");
        assert_eq!(df.height(), 2);
        let cells = df.column("cells").expect("cells").list().expect("list").get_as_series(1).expect("row 1");
        assert_eq!(cells.str().expect("str").get(0), Some("項目1"));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(p.parent().expect("dir")).expect("ls").collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn empty_documents_write_and_unknown_year_partition() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write_table_rows(dir.path(), "tables", None, "d", "doc", "x.pdf", &[]).expect("write");
        assert!(p.to_string_lossy().contains("fiscal_year=__HIVE_DEFAULT_PARTITION__"));
        let d = DocumentRecord { document_id: "d".into(), status: "failed".into(), error: Some("bad".into()), ..Default::default() };
        let p = write_documents(dir.path(), &[d]).expect("write");
        let df = ParquetReader::new(File::open(&p).expect("open")).finish().expect("read");
        assert_eq!(df.height(), 1);
    }
}
