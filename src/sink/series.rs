//! The series stage's datasets: reading the archive's `values` back for it, and writing
//! `families/<name>/fiscal_year=<YYYY>/<hash>.parquet` and `reconciliation/<hash>.parquet`.
//! Each file is named by a hash of its rows, so a name never holds two versions; files of
//! an earlier run that this one did not write are removed after it wrote its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::series as stage;

use super::{col, partition_dir, write_atomically, Error};

/// The datasets the series stage owns.
pub const FAMILIES_DIR: &str = "families";
pub const RECONCILIATION_DATASET: &str = "reconciliation";

fn polars_error(path: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |source| Error::Polars {
        path: path.to_path_buf(),
        source,
    }
}

/// Every value of the `values` dataset under `out` (none when there is none yet).
pub fn read_series_values(out: &Path) -> Result<Vec<stage::SeriesValue>, Error> {
    let dir = out.join(super::VALUES_DATASET);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let pattern = format!("{}/**/*.parquet", dir.display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        ..Default::default()
    };
    let err = polars_error(&dir);
    let df = LazyFrame::scan_parquet(PlRefPath::from(pattern.as_str()), args)
        .map_err(&err)?
        .select([
            col_expr("fiscal_year", DataType::Int32),
            col_expr("value_year", DataType::Int32),
            col_expr("document_id", DataType::String),
            col_expr("source_path", DataType::String),
            col_expr("table_index", DataType::UInt32),
            col_expr("row_index", DataType::UInt32),
            col_expr("page", DataType::UInt32),
            col_expr("table_caption", DataType::String),
            col_expr("column_index", DataType::UInt32),
            col_expr("column", DataType::String),
            col_expr("item_key", DataType::String),
            col_expr("item_path", DataType::String),
            col_expr("label", DataType::String),
            col_expr("value", DataType::Int64),
            col_expr("value_float", DataType::Float64),
            col_expr("unit", DataType::String),
        ])
        .collect()
        .map_err(&err)?;
    let s = |c: &str| -> Result<StringChunked, Error> {
        Ok(df.column(c).map_err(&err)?.str().map_err(&err)?.clone())
    };
    let u = |c: &str| -> Result<UInt32Chunked, Error> {
        Ok(df.column(c).map_err(&err)?.u32().map_err(&err)?.clone())
    };
    let i32c = |c: &str| -> Result<Int32Chunked, Error> {
        Ok(df.column(c).map_err(&err)?.i32().map_err(&err)?.clone())
    };
    let (fy, vy) = (i32c("fiscal_year")?, i32c("value_year")?);
    let (doc, path, caption, column, key, ipath, label, unit) = (
        s("document_id")?,
        s("source_path")?,
        s("table_caption")?,
        s("column")?,
        s("item_key")?,
        s("item_path")?,
        s("label")?,
        s("unit")?,
    );
    let (table, row, page, cidx) = (
        u("table_index")?,
        u("row_index")?,
        u("page")?,
        u("column_index")?,
    );
    let value = df
        .column("value")
        .map_err(&err)?
        .i64()
        .map_err(&err)?
        .clone();
    let vf = df
        .column("value_float")
        .map_err(&err)?
        .f64()
        .map_err(&err)?
        .clone();
    let text = |c: &StringChunked, i: usize| c.get(i).unwrap_or("").to_string();
    Ok((0..df.height())
        .map(|i| stage::SeriesValue {
            fiscal_year: fy.get(i),
            value_year: vy.get(i),
            document_id: text(&doc, i),
            source_path: text(&path, i),
            table_index: table.get(i).unwrap_or(0),
            row_index: row.get(i).unwrap_or(0),
            page: page.get(i).unwrap_or(0),
            caption: text(&caption, i),
            column_index: cidx.get(i).unwrap_or(0),
            column: text(&column, i),
            item_key: text(&key, i),
            item_path: text(&ipath, i),
            label: text(&label, i),
            value: value.get(i),
            value_float: vf.get(i),
            unit: unit.get(i).map(str::to_string),
        })
        .collect())
}

fn col_expr(name: &str, t: DataType) -> Expr {
    polars::prelude::col(name).cast(t)
}

/// A file name from a hash of what the file holds.
fn hashed_name(parts: &[String]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{hex}.parquet")
}

/// Writes the families and the reconciliation; returns the files written (relative to
/// `out`), after removing the series files of earlier runs that are not among them.
pub fn write_series(out: &Path, s: &stage::Series) -> Result<Vec<String>, Error> {
    let mut written: Vec<PathBuf> = Vec::new();
    // One file per family and year, the values grouped in one pass.
    let mut parts: BTreeMap<(usize, Option<i32>), Vec<&stage::FamilyValue>> = BTreeMap::new();
    for v in &s.values {
        parts
            .entry((v.family, v.value.fiscal_year))
            .or_default()
            .push(v);
    }
    for ((fi, year), part) in parts {
        let Some(fam) = s.families.get(fi) else {
            continue;
        };
        let name = hashed_name(
            &std::iter::once(format!("{}|{}|{year:?}", fam.id, fam.name))
                .chain(part.iter().map(|v| format!("{:?}", v)))
                .collect::<Vec<_>>(),
        );
        let path = partition_dir(out, &format!("{FAMILIES_DIR}/{}", fam.dir), year).join(name);
        let n = part.len();
        let cols = vec![
            Column::new("family_id".into(), vec![fam.id.clone(); n]),
            Column::new("family".into(), vec![fam.name.clone(); n]),
            col("value_year", &part, |v| v.value.value_year),
            col("item_key", &part, |v| v.value.item_key.clone()),
            col("document_item_key", &part, |v| v.document_item_key.clone()),
            col("item_path", &part, |v| v.value.item_path.clone()),
            col("label", &part, |v| v.value.label.clone()),
            col("column", &part, |v| v.value.column.clone()),
            col("occurrence", &part, |v| v.occurrence),
            col("value", &part, |v| v.value.value),
            col("value_float", &part, |v| v.value.value_float),
            col("unit", &part, |v| v.value.unit.clone()),
            col("sources", &part, |v| v.sources),
            col("sources_agree", &part, |v| v.sources_agree),
            col("document_id", &part, |v| v.value.document_id.clone()),
            col("source_path", &part, |v| v.value.source_path.clone()),
            col("table_index", &part, |v| v.value.table_index),
            col("row_index", &part, |v| v.value.row_index),
            col("page", &part, |v| v.value.page),
        ];
        let df = DataFrame::new(n, cols).map_err(polars_error(&path))?;
        write_atomically(&path, df)?;
        written.push(path);
    }
    if !s.checks.is_empty() {
        let c = &s.checks;
        let fam = |i: usize, f: fn(&stage::Family) -> String| {
            s.families.get(i).map(f).unwrap_or_default()
        };
        let name = hashed_name(&c.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>());
        let path = out.join(RECONCILIATION_DATASET).join(name);
        let cols = vec![
            col("family_id", c, |x| fam(x.family, |f| f.id.clone())),
            col("family", c, |x| fam(x.family, |f| f.name.clone())),
            col("item_key", c, |x| x.item_key.clone()),
            col("item_path", c, |x| x.item_path.clone()),
            col("label", c, |x| x.label.clone()),
            col("fiscal_year", c, |x| x.fiscal_year),
            col("column", c, |x| x.column.clone()),
            col("printed", c, |x| x.printed),
            col("source_path", c, |x| x.source_path.clone()),
            col("page", c, |x| x.page),
            col("previous_column", c, |x| x.previous_column.clone()),
            col("previous", c, |x| x.previous),
            col("previous_source_path", c, |x| {
                x.previous_source_path.clone()
            }),
            col("previous_page", c, |x| x.previous_page),
            col("agrees", c, |x| x.agrees),
        ];
        let df = DataFrame::new(c.len(), cols).map_err(polars_error(&path))?;
        write_atomically(&path, df)?;
        written.push(path);
    }
    let keep: BTreeSet<&PathBuf> = written.iter().collect();
    for d in [FAMILIES_DIR, RECONCILIATION_DATASET] {
        remove_other_files(&out.join(d), &keep);
    }
    Ok(written
        .iter()
        .map(|p| {
            p.strip_prefix(out)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect())
}

/// Removes the Parquet files under `dir` not in `keep`, then the directories left empty.
fn remove_other_files(dir: &Path, keep: &BTreeSet<&PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_other_files(&p, keep);
            let _ = std::fs::remove_dir(&p); // only when empty
        } else if p.extension().is_some_and(|x| x == "parquet") && !keep.contains(&p) {
            if let Err(e) = std::fs::remove_file(&p) {
                tracing::warn!("cannot remove {}: {e}", p.display());
            }
        }
    }
}
