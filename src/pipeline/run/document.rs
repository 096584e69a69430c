//! One document through the stages: extraction with the pipeline's options, its rows
//! written under versioned file names, its record for the documents table.

use super::*;

/// What processing one document produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DocOutcome {
    pub record: DocumentRecord,
    /// Files written, relative to the output directory.
    pub files: Vec<String>,
    pub pages_ocr: u64,
}

/// The content hash naming a document: the first 16 hex digits of its SHA-256.
pub fn document_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The stable part of a document's file names: a hash of its path as listed.
pub fn file_key(key: &str) -> String {
    document_id(key.as_bytes())
}

/// The name (without `.parquet`) of one version of a document's files:
/// `<file key>.<version>`, the version a hash of the document's bytes (its id), the
/// pipeline's content hash and nenpo's version. A name is never reused for other rows, so a
/// reader that opens a file more than once (DuckDB reads the footer, then the row groups)
/// never mixes two versions; a new version is written beside the old one, which is removed
/// only after the state and the documents table name the new one.
pub fn versioned_file_key(key: &str, document_id: &str, pipeline_hash: &str) -> String {
    let version = self::document_id(
        format!(
            "{document_id}\0{pipeline_hash}\0{}",
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    );
    format!("{}.{}", file_key(key), &version[..8])
}

/// How a pipeline reads each document (its `[extract]` section): every page, with its
/// mode. A run and its `--report-html` pages both read documents with these.
pub fn extract_options(p: &Pipeline) -> ExtractOptions {
    ExtractOptions {
        mode: p.config.extract.mode,
        ..Default::default()
    }
}

/// Processes one document: extract, write its rows, describe it.
pub fn process_document(p: &Pipeline, out: &Path, path: &Path, key: &str) -> DocOutcome {
    let started = Instant::now();
    let mut rec = DocumentRecord {
        path: path.display().to_string(),
        status: DocStatus::Failed,
        nenpo_version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    let outcome = |mut rec: DocumentRecord, files: Vec<String>, pages_ocr: u64| {
        rec.seconds = started.elapsed().as_secs_f64();
        DocOutcome {
            record: rec,
            files,
            pages_ocr,
        }
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            rec.error = Some(format!("cannot read file: {e}"));
            return outcome(rec, Vec::new(), 0);
        }
    };
    rec.size = bytes.len() as u64;
    rec.document_id = document_id(&bytes);
    let opts = extract_options(p);
    let extraction = match guarded(|| extract(&bytes, &opts, &p.config.settings)) {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => {
            rec.error = Some(e.to_string());
            return outcome(rec, Vec::new(), 0);
        }
        Err(panic) => {
            rec.error = Some(format!("internal error (a bug in nenpo): {panic}"));
            return outcome(rec, Vec::new(), 0);
        }
    };
    drop(bytes);
    let pages_ocr = extraction
        .pages
        .iter()
        .filter(|s| s.text_source == crate::layout::TextSource::Ocr)
        .count() as u64;
    rec.pages = extraction.page_count as u32;
    rec.warnings = extraction.failures.clone();
    rec.pages_ocr = pages_ocr as u32;
    rec.page_text_sources = extraction
        .pages
        .iter()
        .map(|s| s.text_source.as_str().to_string())
        .collect();
    rec.fiscal_year = fiscal_year(p, path, &extraction);
    let rows = crate::pipeline::rows::document_rows(
        &extraction,
        &p.config.kinds,
        &p.config.settings,
        rec.fiscal_year,
    );
    rec.tables = extraction.tables.len() as u32;
    rec.rows = rows.tables.len() as u32;
    rec.unparsed_cells = rows.unparsed_cells as u32;
    rec.totals_mismatches = rows.mismatches.len() as u32;
    rec.mismatched_tables = mismatched_tables(&extraction.tables, &rows.mismatches);
    for m in rows.mismatches.iter().take(5) {
        tracing::info!(path = %rec.path, "totals do not add up: {m}");
    }
    let mut files = Vec::new();
    let (fy, fkey, id, src) = (
        rec.fiscal_year,
        versioned_file_key(key, &rec.document_id, &p.content_hash()),
        rec.document_id.clone(),
        rec.path.clone(),
    );
    let mut writes: Vec<Box<dyn FnOnce() -> Result<PathBuf, sink::Error> + '_>> = Vec::new();
    if !rows.tables.is_empty() {
        writes.push(Box::new(|| {
            sink::write_table_rows(
                out,
                &p.config.output.dataset,
                fy,
                &fkey,
                &id,
                &src,
                &rows.tables,
            )
        }));
    }
    if !rows.values.is_empty() {
        writes.push(Box::new(|| {
            sink::write_value_rows(
                out,
                crate::sink::VALUES_DATASET,
                fy,
                &fkey,
                &id,
                &src,
                &rows.values,
            )
        }));
    }
    for ds in rows.kinds.iter().filter(|d| !d.rows.is_empty()) {
        writes.push(Box::new(|| {
            sink::write_kind_rows(
                out,
                &ds.dataset,
                fy,
                &fkey,
                &id,
                &src,
                &ds.columns,
                &ds.rows,
            )
        }));
    }
    for write in writes {
        match write() {
            Ok(f) => files.push(
                f.strip_prefix(out)
                    .unwrap_or(&f)
                    .to_string_lossy()
                    .into_owned(),
            ),
            Err(e) => {
                rec.error = Some(e.to_string());
                return outcome(rec, files, pages_ocr);
            }
        }
    }
    // Pages that failed are warnings on a document read in part.
    rec.status = if rec.warnings.is_empty() {
        DocStatus::Ok
    } else {
        DocStatus::Partial
    };
    tracing::debug!(path = %rec.path, tables = rec.tables, rows = rec.rows, "document done");
    outcome(rec, files, pages_ocr)
}

pub(super) fn fiscal_year(p: &Pipeline, path: &Path, x: &Extraction) -> Option<i32> {
    p.config.fiscal_year.from.iter().find_map(|src| match src {
        YearSource::Title => x.title_fiscal_year,
        YearSource::FileName => path
            .file_name()
            .and_then(|n| era::fiscal_year_in_file_name(&n.to_string_lossy())),
    })
}

/// The data rows of every table, with lineage and item keys, as the sink takes them.
pub fn table_rows(x: &Extraction) -> Vec<TableRow> {
    crate::pipeline::rows::document_rows(x, &[], &crate::pipeline::Settings::default(), None).tables
}
