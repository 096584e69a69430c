//! `nenpo query` and `nenpo compare`: reading a run's output datasets back (polars SQL).
//! A sink-side reader, the only module besides [`crate::sink`] that knows polars.
//!
//! Every directory of the output holding Parquet files is a table named after it
//! (`tables`, `values`, each kind's dataset), scanned hive-partitioned (so `fiscal_year`
//! is a column); `documents.parquet` is the table `documents`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;
use regex::Regex;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    Csv,
    /// An array of objects.
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("cannot read the output directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no datasets under {0} (run a pipeline into it first: nenpo run)")]
    NoDatasets(PathBuf),
    #[error("no dataset {name:?} under {dir}; there are: {available}")]
    NoSuchDataset {
        name: String,
        dir: PathBuf,
        available: String,
    },
    #[error("dataset {name:?} has no typed value columns (`<col>_value`) to compare")]
    NothingToCompare { name: String },
    #[error("bad item pattern {pattern:?}: {message}")]
    Pattern { pattern: String, message: String },
    #[error("{what}: {source}")]
    Polars { what: String, source: PolarsError },
}

fn polars_err(what: impl Into<String>) -> impl FnOnce(PolarsError) -> QueryError {
    let what = what.into();
    move |source| QueryError::Polars { what, source }
}

/// The datasets of an output directory: each directory (not hidden, not `_nenpo`) with a
/// Parquet file somewhere below it, by name, sorted.
pub fn datasets(out: &Path) -> Result<Vec<(String, PathBuf)>, QueryError> {
    let entries = std::fs::read_dir(out).map_err(|source| QueryError::Io {
        path: out.into(),
        source,
    })?;
    let mut found = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || name.starts_with(['.', '_']) || !has_parquet(&path) {
            continue;
        }
        found.push((name, path));
    }
    found.sort();
    Ok(found)
}

fn has_parquet(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            has_parquet(&p)
        } else {
            !name.starts_with('.') && name.ends_with(".parquet")
        }
    })
}

/// A dataset scanned lazily, hive-partitioned.
fn scan_dataset(dir: &Path) -> Result<LazyFrame, QueryError> {
    let pattern = format!("{}/**/*.parquet", dir.display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        ..Default::default()
    };
    LazyFrame::scan_parquet(PlRefPath::from(pattern.as_str()), args)
        .map_err(polars_err(format!("cannot scan {}", dir.display())))
}

/// A SQL context with every dataset of `out` registered, and `documents`.
pub fn context(out: &Path) -> Result<SQLContext, QueryError> {
    let ds = datasets(out)?;
    let docs = out.join(crate::sink::DOCUMENTS_FILE);
    if ds.is_empty() && !docs.is_file() {
        return Err(QueryError::NoDatasets(out.into()));
    }
    let ctx = SQLContext::new();
    for (name, dir) in &ds {
        ctx.register(name, scan_dataset(dir)?);
    }
    if docs.is_file() {
        let lf = LazyFrame::scan_parquet(
            PlRefPath::from(docs.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .map_err(polars_err(format!("cannot scan {}", docs.display())))?;
        ctx.register("documents", lf);
    }
    Ok(ctx)
}

/// Runs a SQL query over the output datasets.
pub fn query(out: &Path, sql: &str) -> Result<DataFrame, QueryError> {
    let mut ctx = context(out)?;
    let lf = ctx.execute(sql).map_err(polars_err("query"))?;
    lf.collect().map_err(polars_err("query"))
}

/// One item's values year by year.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ComparisonRow {
    pub item_key: String,
    /// The readable key (section path and reduced label).
    pub item_path: String,
    /// The label as printed (the latest year's).
    pub label: String,
    /// The canonical column (or the table's column name when no kind matched).
    pub column: String,
    pub unit: Option<String>,
    /// Which occurrence in a year this is (0: the first), when an item repeats.
    pub occurrence: usize,
    /// One per year of [`Comparison::years`].
    pub values: Vec<Option<serde_json::Number>>,
}

/// Items matching a pattern, one row per item, column and unit; years as columns.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Comparison {
    pub dataset: String,
    pub years: Vec<Option<i32>>,
    pub rows: Vec<ComparisonRow>,
}

/// Long form read for comparisons: one typed value per row.
fn long_values_of(name: &str, lf: LazyFrame, dir: &Path) -> Result<LazyFrame, QueryError> {
    let common = [
        col("fiscal_year").cast(DataType::Int32),
        col("source_path"),
        col("table_index"),
        col("row_index"),
        col("item_key"),
        col("item_path"),
        col("label"),
    ];
    if name == crate::sink::FAMILIES_DIR {
        // One value per item, column and occurrence already: the occurrence orders them.
        let mut sel = common.to_vec();
        sel.extend([
            col("occurrence")
                .cast(DataType::UInt32)
                .alias("column_index"),
            col("column"),
            col("value").cast(DataType::Int64),
            col("value_float").cast(DataType::Float64),
            col("unit").cast(DataType::String),
        ]);
        return Ok(lf.select(sel));
    }
    if name == crate::sink::VALUES_DATASET {
        let mut sel = common.to_vec();
        sel.extend([
            col("column_index"),
            col("canonical_column")
                .fill_null(col("column"))
                .alias("column"),
            col("value").cast(DataType::Int64),
            col("value_float").cast(DataType::Float64),
            col("unit").cast(DataType::String),
        ]);
        return Ok(lf.select(sel));
    }
    // A kind dataset: its `<col>_value` columns stacked.
    let mut lf = lf;
    let schema = lf.collect_schema().map_err(polars_err(format!(
        "cannot read the schema of {}",
        dir.display()
    )))?;
    let mut parts = Vec::new();
    for (i, (cname, dtype)) in schema.iter().enumerate() {
        let Some(base) = cname.strip_suffix("_value") else {
            continue;
        };
        if !dtype.is_primitive_numeric() || schema.get(base).is_none() {
            continue;
        }
        let unit = if schema.get(&format!("{base}_unit")).is_some() {
            col(format!("{base}_unit")).cast(DataType::String)
        } else {
            lit(NULL).cast(DataType::String)
        };
        let mut sel = common.to_vec();
        sel.extend([
            lit(i as u32).alias("column_index"),
            lit(base.to_string()).alias("column"),
            if dtype.is_integer() {
                col(cname.as_str()).cast(DataType::Int64)
            } else {
                lit(NULL).cast(DataType::Int64)
            }
            .alias("value"),
            col(cname.as_str())
                .cast(DataType::Float64)
                .alias("value_float"),
            unit.alias("unit"),
        ]);
        parts.push(lf.clone().select(sel));
    }
    if parts.is_empty() {
        return Err(QueryError::NothingToCompare { name: name.into() });
    }
    concat(parts, UnionArgs::default())
        .map_err(polars_err(format!("cannot stack the columns of {name}")))
}

/// A family's items year by year (`nenpo compare --family`): the `families` dataset's
/// rows of the family named `family` (its name, directory or id) whose item matches
/// `pattern`.
pub fn compare_family(out: &Path, family: &str, pattern: &str) -> Result<Comparison, QueryError> {
    let dir = out.join(crate::sink::FAMILIES_DIR);
    let known: Vec<(String, String)> = if dir.is_dir() {
        let df = scan_dataset(&dir)?
            .select([col("family"), col("family_id")])
            .unique(None, UniqueKeepStrategy::First)
            .collect()
            .map_err(polars_err(format!("cannot read {}", dir.display())))?;
        let (n, i) = (
            df.column("family").and_then(|c| c.str().cloned()),
            df.column("family_id").and_then(|c| c.str().cloned()),
        );
        match (n, i) {
            (Ok(n), Ok(i)) => (0..df.height())
                .map(|r| {
                    (
                        n.get(r).unwrap_or("").to_string(),
                        i.get(r).unwrap_or("").to_string(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    };
    // By its name, its id, or its directory (the name with unsafe characters replaced).
    let Some((name, _)) = known
        .iter()
        .find(|(n, i)| n == family || i == family || crate::series::dir_name(n) == family)
    else {
        return Err(QueryError::NoSuchDataset {
            name: format!("family {family}"),
            dir: out.into(),
            available: known
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let name = name.clone();
    let mut c = compare_in(
        pattern,
        crate::sink::FAMILIES_DIR,
        &dir,
        Some(col("family").eq(lit(name.clone()))),
    )?;
    c.dataset = format!("{}/{name}", crate::sink::FAMILIES_DIR);
    Ok(c)
}

/// An item's values year by year: rows whose `item_key`, `item_path` or label matches
/// `pattern` (a regex, searched; the label also NFKC'd without spaces), in `dataset`
/// (default `values`).
pub fn compare(out: &Path, pattern: &str, dataset: Option<&str>) -> Result<Comparison, QueryError> {
    let name = dataset.unwrap_or(crate::sink::VALUES_DATASET);
    let all = datasets(out)?;
    if all.is_empty() {
        return Err(QueryError::NoDatasets(out.into()));
    }
    let Some((_, dir)) = all.iter().find(|(n, _)| n == name) else {
        return Err(QueryError::NoSuchDataset {
            name: name.into(),
            dir: out.into(),
            available: all
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    compare_in(pattern, name, dir, None)
}

/// [`compare`] over the dataset `name` in `dir`, its rows filtered by `only` first.
fn compare_in(
    pattern: &str,
    name: &str,
    dir: &Path,
    only: Option<Expr>,
) -> Result<Comparison, QueryError> {
    let re = Regex::new(pattern).map_err(|e| QueryError::Pattern {
        pattern: pattern.into(),
        message: e.to_string(),
    })?;
    let mut lf = scan_dataset(dir)?;
    if let Some(f) = only {
        lf = lf.filter(f);
    }
    let df = long_values_of(name, lf, dir)?
        .collect()
        .map_err(polars_err(format!("cannot read {}", dir.display())))?;
    let s = |c: &str| -> Result<StringChunked, QueryError> {
        let col = df.column(c).map_err(polars_err(format!("column {c}")))?;
        col.cast(&DataType::String)
            .and_then(|c| c.str().cloned())
            .map_err(polars_err(format!("column {c}")))
    };
    let i = |c: &str| -> Result<Int64Chunked, QueryError> {
        let col = df.column(c).map_err(polars_err(format!("column {c}")))?;
        col.cast(&DataType::Int64)
            .and_then(|c| c.i64().cloned())
            .map_err(polars_err(format!("column {c}")))
    };
    let (year, source, table, row, colidx) = (
        i("fiscal_year")?,
        s("source_path")?,
        i("table_index")?,
        i("row_index")?,
        i("column_index")?,
    );
    let (key, path, label, column, unit) = (
        s("item_key")?,
        s("item_path")?,
        s("label")?,
        s("column")?,
        s("unit")?,
    );
    let value = i("value")?;
    let vf = df
        .column("value_float")
        .and_then(|c| c.cast(&DataType::Float64))
        .and_then(|c| c.f64().cloned())
        .map_err(polars_err("column value_float"))?;
    // Matching rows in reading order: year, document, table, row, column.
    let mut hits: Vec<usize> = (0..df.height())
        .filter(|&r| {
            let l = label.get(r).unwrap_or("");
            let squeezed = crate::text::chars::squash(l);
            [
                key.get(r).unwrap_or(""),
                path.get(r).unwrap_or(""),
                l,
                squeezed.as_str(),
            ]
            .iter()
            .any(|t| re.is_match(t))
        })
        .collect();
    hits.sort_by_key(|&r| {
        (
            year.get(r),
            source.get(r).map(str::to_string),
            table.get(r),
            row.get(r),
            colidx.get(r),
        )
    });
    let mut years: Vec<Option<i32>> = hits
        .iter()
        .map(|&r| year.get(r).and_then(|y| i32::try_from(y).ok()))
        .collect();
    years.dedup();
    type Key = (String, String, Option<String>, usize);
    let mut order: Vec<Key> = Vec::new();
    // Per key: item key, label (the latest year's), one value per year.
    let mut cells: BTreeMap<Key, (String, String, Vec<Option<serde_json::Number>>)> =
        BTreeMap::new();
    let mut seen: BTreeMap<(Option<i64>, String, String, Option<String>), usize> = BTreeMap::new();
    for &r in &hits {
        let y = year.get(r);
        let (p, c, u) = (
            path.get(r).unwrap_or("").to_string(),
            column.get(r).unwrap_or("").to_string(),
            unit.get(r).map(str::to_string),
        );
        let n = seen
            .entry((y, p.clone(), c.clone(), u.clone()))
            .or_insert(0);
        let k: Key = (p, c, u, *n);
        *n += 1;
        let yi = years
            .iter()
            .position(|x| x.map(i64::from) == y)
            .unwrap_or(0);
        let v = match value.get(r) {
            Some(n) => Some(serde_json::Number::from(n)),
            None => vf.get(r).and_then(serde_json::Number::from_f64),
        };
        let entry = cells.entry(k.clone()).or_insert_with(|| {
            order.push(k.clone());
            (
                key.get(r).unwrap_or("").to_string(),
                String::new(),
                vec![None; years.len()],
            )
        });
        // Rows come in year order: the last label seen is the latest year's.
        entry.1 = label.get(r).unwrap_or("").to_string();
        if let Some(slot) = entry.2.get_mut(yi) {
            *slot = v;
        }
    }
    let rows = order
        .into_iter()
        .filter_map(|k| {
            let (item_key, label, values) = cells.remove(&k)?;
            Some(ComparisonRow {
                item_key,
                label,
                item_path: k.0,
                column: k.1,
                unit: k.2,
                occurrence: k.3,
                values,
            })
        })
        .collect();
    Ok(Comparison {
        dataset: name.into(),
        years,
        rows,
    })
}

/// Display width of text in a terminal: East Asian wide characters count two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Renders a header and text rows in a format (JSON objects take `json_rows`).
fn render_grid(header: &[String], rows: &[Vec<String>], format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Csv => {
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .map(|c| csv_field(c))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let _ = writeln!(out, "{}", line(header));
            for r in rows {
                let _ = writeln!(out, "{}", line(r));
            }
        }
        Format::Table | Format::Json => {
            // One line per row: line breaks inside cells shown as spaces.
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| c.replace(['\n', '\r'], " ")).collect())
                .collect();
            let rows = &rows;
            let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
            for r in rows {
                for (i, c) in r.iter().enumerate() {
                    if let Some(x) = w.get_mut(i) {
                        *x = (*x).max(width(c));
                    }
                }
            }
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        format!(
                            "{c}{}",
                            " ".repeat(w.get(i).copied().unwrap_or(0).saturating_sub(width(c)))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            let _ = writeln!(out, "{}", line(header));
            let _ = writeln!(
                out,
                "{}",
                w.iter()
                    .map(|n| "-".repeat(*n))
                    .collect::<Vec<_>>()
                    .join("  ")
            );
            for r in rows {
                let _ = writeln!(out, "{}", line(r));
            }
        }
    }
    out
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A polars value as JSON.
fn any_json(v: &AnyValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        AnyValue::Null => J::Null,
        AnyValue::Boolean(b) => J::Bool(*b),
        AnyValue::String(s) => J::String(s.to_string()),
        AnyValue::StringOwned(s) => J::String(s.to_string()),
        AnyValue::UInt8(n) => J::from(*n),
        AnyValue::UInt16(n) => J::from(*n),
        AnyValue::UInt32(n) => J::from(*n),
        AnyValue::UInt64(n) => J::from(*n),
        AnyValue::Int8(n) => J::from(*n),
        AnyValue::Int16(n) => J::from(*n),
        AnyValue::Int32(n) => J::from(*n),
        AnyValue::Int64(n) => J::from(*n),
        AnyValue::Float32(f) => {
            serde_json::Number::from_f64(f64::from(*f)).map_or(J::Null, J::Number)
        }
        AnyValue::Float64(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        AnyValue::List(s) => J::Array(
            (0..s.len())
                .map(|i| s.get(i).map_or(J::Null, |v| any_json(&v)))
                .collect(),
        ),
        other => J::String(format!("{other}")),
    }
}

/// Renders a query result.
pub fn render_frame(df: &DataFrame, format: Format) -> String {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let rows: Vec<Vec<serde_json::Value>> = (0..df.height())
        .map(|r| {
            df.columns()
                .iter()
                .map(|c| c.get(r).map_or(serde_json::Value::Null, |v| any_json(&v)))
                .collect()
        })
        .collect();
    match format {
        Format::Json => {
            let objs: Vec<serde_json::Value> = rows
                .into_iter()
                .map(|r| serde_json::Value::Object(names.iter().cloned().zip(r).collect()))
                .collect();
            let mut s = serde_json::to_string_pretty(&objs).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => {
            let text: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(json_text).collect())
                .collect();
            render_grid(&names, &text, format)
        }
    }
}

/// Renders a comparison: one row per item and column, a column per fiscal year.
pub fn render_comparison(c: &Comparison, format: Format) -> String {
    let year_name = |y: &Option<i32>| y.map_or("unknown".to_string(), |y| y.to_string());
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = c
            .rows
            .iter()
            .map(|r| {
                let values: serde_json::Map<String, serde_json::Value> =
                    c.years.iter().zip(&r.values).map(|(y, v)| (year_name(y), v.clone().map_or(serde_json::Value::Null, serde_json::Value::Number))).collect();
                serde_json::json!({
                    "item_key": r.item_key, "item_path": r.item_path, "label": r.label, "column": r.column,
                    "unit": r.unit, "occurrence": r.occurrence, "values": values,
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut header: Vec<String> = ["item_key", "item", "column", "unit"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(c.years.iter().map(year_name));
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            let item = if r.occurrence > 0 {
                format!("{} #{}", r.label, r.occurrence + 1)
            } else {
                r.label.clone()
            };
            let mut v = vec![
                r.item_key.clone(),
                item,
                r.column.clone(),
                r.unit.clone().unwrap_or_default(),
            ];
            v.extend(
                r.values
                    .iter()
                    .map(|x| x.as_ref().map(|n| n.to_string()).unwrap_or_default()),
            );
            v
        })
        .collect();
    render_grid(&header, &rows, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_csv() {
        assert_eq!(width("個人"), 4);
        assert_eq!(width("ab"), 2);
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        let g = render_grid(
            &["a".into(), "b".into()],
            &[vec!["個人".into(), "1".into()]],
            Format::Table,
        );
        assert!(g.lines().nth(2).is_some_and(|l| l == "個人  1"), "{g}");
    }
}
