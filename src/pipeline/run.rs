//! `nenpo run`: a pipeline over an archive. Documents in parallel (rayon), each one's rows
//! written as soon as it is read, one bad document an error row, never the end of the batch.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::config::{ConfigError, Pipeline, YearSource};
use super::{extract, guarded, ExtractOptions, Extraction};
use crate::logical::RowKind;
use crate::normalize::era;
use crate::sink::{self, DocumentRecord, TableRow};

/// Overrides given on the command line.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Read every PDF under this directory instead of the pipeline's inputs.
    pub input: Option<PathBuf>,
    /// Write here instead of the pipeline's output directory.
    pub output: Option<PathBuf>,
}

/// A run that could not be carried out at all (single documents never cause this).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("input directory {path} cannot be read: {source}")]
    Input { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Sink(#[from] sink::Error),
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub pipeline: String,
    pub output_dir: PathBuf,
    pub documents: usize,
    pub ok: usize,
    pub failed: usize,
    pub tables: u64,
    pub rows: u64,
    pub pages: u64,
    pub seconds: f64,
    pub failures: Vec<Failure>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// The content hash naming a document: the first 16 hex digits of its SHA-256.
pub fn document_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Runs a pipeline. `on_document` is called once per finished document (progress display).
pub fn run(p: &Pipeline, opts: &RunOptions, on_document: &(dyn Fn(&DocumentRecord) + Sync)) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let out = opts.output.clone().unwrap_or_else(|| p.output_dir());
    let files = match &opts.input {
        Some(dir) => pdfs_under(dir)?,
        None => p.input_files()?,
    };
    tracing::info!(documents = files.len(), output = %out.display(), "run starts");
    let records: Vec<DocumentRecord> = files
        .par_iter()
        .map(|f| {
            let r = process_document(p, &out, f);
            on_document(&r);
            r
        })
        .collect();
    sink::write_documents(&out, &records)?;
    let failures: Vec<Failure> = records
        .iter()
        .filter(|r| r.status != "ok")
        .map(|r| Failure { path: r.path.clone(), error: r.error.clone().unwrap_or_default() })
        .collect();
    Ok(RunReport {
        pipeline: p.config.name.clone(),
        output_dir: out,
        documents: records.len(),
        ok: records.len() - failures.len(),
        failed: failures.len(),
        tables: records.iter().map(|r| r.tables as u64).sum(),
        rows: records.iter().map(|r| r.rows as u64).sum(),
        pages: records.iter().map(|r| r.pages as u64).sum(),
        seconds: started.elapsed().as_secs_f64(),
        failures,
    })
}

/// Every `*.pdf` below `dir`, sorted.
fn pdfs_under(dir: &Path) -> Result<Vec<PathBuf>, RunError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| RunError::Input { path: d.clone(), source })?;
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn process_document(p: &Pipeline, out: &Path, path: &Path) -> DocumentRecord {
    let started = Instant::now();
    let mut rec = DocumentRecord {
        path: path.display().to_string(),
        status: "failed".into(),
        nenpo_version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            rec.error = Some(format!("cannot read file: {e}"));
            return rec;
        }
    };
    rec.size = bytes.len() as u64;
    rec.document_id = document_id(&bytes);
    let opts = ExtractOptions { mode: p.config.extract.mode, ..Default::default() };
    let extraction = match guarded(|| extract(&bytes, &opts, &p.config.settings)) {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => {
            rec.error = Some(e.to_string());
            rec.seconds = started.elapsed().as_secs_f64();
            return rec;
        }
        Err(panic) => {
            rec.error = Some(format!("internal error (a bug in nenpo): {panic}"));
            rec.seconds = started.elapsed().as_secs_f64();
            return rec;
        }
    };
    rec.pages = extraction.page_count as u32;
    rec.fiscal_year = fiscal_year(p, path, &extraction);
    let rows = table_rows(&extraction);
    rec.tables = extraction.tables.len() as u32;
    rec.rows = rows.len() as u32;
    let written = if rows.is_empty() {
        Ok(PathBuf::new())
    } else {
        sink::write_table_rows(out, &p.config.output.dataset, rec.fiscal_year, &rec.document_id, &rec.path, &rows)
    };
    match written {
        Ok(_) => rec.status = "ok".into(),
        Err(e) => rec.error = Some(e.to_string()),
    }
    rec.seconds = started.elapsed().as_secs_f64();
    tracing::debug!(path = %rec.path, tables = rec.tables, rows = rec.rows, seconds = rec.seconds, "document done");
    rec
}

fn fiscal_year(p: &Pipeline, path: &Path, x: &Extraction) -> Option<i32> {
    p.config.fiscal_year.from.iter().find_map(|src| match src {
        YearSource::Title => x.title_fiscal_year,
        YearSource::FileName => path.file_name().and_then(|n| era::fiscal_year_in_file_name(&n.to_string_lossy())),
    })
}

/// The data rows of every table, with lineage, as the sink takes them.
pub fn table_rows(x: &Extraction) -> Vec<TableRow> {
    let mut rows = Vec::new();
    for (t, table) in x.tables.iter().enumerate() {
        for (i, r) in table.rows.iter().enumerate().filter(|(_, r)| r.kind != RowKind::Section) {
            rows.push(TableRow {
                table_index: t as u32,
                row_index: i as u32,
                page: r.page as u32,
                kind: kind_name(r.kind).into(),
                section: r.section.clone(),
                columns: table.columns.clone(),
                cells: r.cells.clone(),
                bbox: [r.bbox.x0, r.bbox.top, r.bbox.x1, r.bbox.bottom],
                mode: mode_name(table.mode).into(),
            });
        }
    }
    rows
}

pub fn kind_name(k: RowKind) -> &'static str {
    match k {
        RowKind::Data => "data",
        RowKind::Section => "section",
        RowKind::Subtotal => "subtotal",
        RowKind::Total => "total",
    }
}

pub fn mode_name(m: crate::table::Mode) -> &'static str {
    match m {
        crate::table::Mode::Auto => "auto",
        crate::table::Mode::Lattice => "lattice",
        crate::table::Mode::Stream => "stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_are_content_hashes() {
        assert_eq!(document_id(b""), "e3b0c44298fc1c14");
        assert_ne!(document_id(b"a"), document_id(b"b"));
        assert_eq!(document_id(b"a").len(), 16);
    }
}
