//! `nenpo run`: a pipeline over an archive, incremental, atomic and fault-isolated.
//!
//! * Incremental: a document whose size and modification time (or, when those differ, its
//!   content hash) and whose pipeline and nenpo version are unchanged is skipped.
//! * Atomic: each Parquet file is written under a temporary name, synced and renamed; a
//!   document's files are named after its path, so reprocessing replaces them in one
//!   rename. The state and the documents table are written last. A run killed at any
//!   moment leaves files that are whole; the next run removes what no state names
//!   (temporary files, files of documents it never recorded) and redoes the rest.
//! * Isolated: each document runs in a child process (`nenpo __process-document`) with a
//!   time and memory limit, or in-process under `catch_unwind`; a failure is a row.
//! * Sharded: `--shard i/N` takes the documents whose path hash falls in shard `i`, keeps
//!   a state of its own, and writes disjoint files; `--merge-only` then joins the shards'
//!   states into the documents table.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::config::{ConfigError, Isolation, OnRemoved, Pipeline, YearSource};
use super::state::{meta_dir, write_file_atomically, DocState, Lock, State};
use super::{extract, guarded, ExtractOptions, Extraction};
use crate::normalize::era;
use crate::sink::{self, DocStatus, DocumentRecord, TableRow};

/// One shard of `n`: `index` in `0..n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `i/N` (0-based `i`).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard takes i/N, got {s:?}"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("--shard: {i:?} is not a number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("--shard: {n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("--shard {s}: need 0 <= i < N"));
        }
        Ok(Shard { index, count })
    }
    fn suffix(&self) -> String {
        format!(".shard-{}-of-{}", self.index, self.count)
    }
    fn contains(&self, key: &str) -> bool {
        let h = Sha256::digest(key.as_bytes());
        let v = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
        v % self.count as u64 == self.index as u64
    }
}

/// Overrides given on the command line.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Read every PDF under this directory instead of the pipeline's inputs.
    pub input: Option<PathBuf>,
    /// Write here instead of the pipeline's output directory.
    pub output: Option<PathBuf>,
    /// Reprocess every document.
    pub force: bool,
    /// Reprocess documents that failed (or were read in part) even when unchanged.
    pub retry_failed: bool,
    pub shard: Option<Shard>,
    /// Only join the shards' states into the documents table.
    pub merge_only: bool,
    /// The nenpo executable for process isolation (`None`: documents run in-process, as in
    /// thread isolation; the command line always gives it when the pipeline asks for
    /// process isolation, and refuses to run when it cannot be found).
    pub exe: Option<PathBuf>,
}

/// A run that could not be carried out at all (single documents never cause this).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("input directory {path} cannot be read: {source}")]
    Input {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Locked(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sink(#[from] sink::Error),
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    pub pipeline: String,
    pub output_dir: PathBuf,
    pub shard: Option<String>,
    /// Documents in the archive (or this shard).
    pub documents: usize,
    pub new: usize,
    pub changed: usize,
    pub skipped: usize,
    /// Documents processed in this run that failed.
    pub failed: usize,
    /// Documents skipped that had failed before: unchanged (bytes, pipeline, nenpo), they
    /// would fail again, so they are not retried without `--retry-failed`. Counted in
    /// `skipped`.
    pub failed_unchanged: usize,
    pub removed: usize,
    /// Documents processed in this run that succeeded.
    pub ok: usize,
    /// Documents processed in this run of which some pages failed (the others' rows are
    /// written): their warnings are in `partials`.
    pub partial: usize,
    pub tables: u64,
    pub rows: u64,
    pub pages: u64,
    pub pages_ocr: u64,
    /// Cells of numeric columns that could not be read (raw text kept, value null).
    pub unparsed_cells: u64,
    /// Subtotal/total cells that do not match the sum of their rows.
    pub totals_mismatches: u64,
    pub seconds: f64,
    pub failures: Vec<Failure>,
    pub partials: Vec<Partial>,
    pub warnings: Vec<String>,
    /// The tables whose totals are furthest from adding up, over every document the
    /// output holds (at most 10): where to look first.
    pub worst_tables: Vec<WorstTable>,
    /// What the series stage found over the whole output, when this run changed it (a
    /// run with nothing to do leaves `families/` and `reconciliation` as they are).
    pub series: Option<SeriesSummary>,
}

/// The series stage's findings: families, and the previous-year figures checked against
/// last year's reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SeriesSummary {
    pub families: Vec<FamilySummary>,
    /// Previous-year figures compared with what the year before's report printed.
    pub checked: usize,
    pub mismatches: usize,
    /// Per document (the report printing the previous-year figures): checked, mismatched.
    pub documents: Vec<DocumentReconciliation>,
    /// The first mismatches (at most [`MISMATCHES_LISTED`]), by family, year and page.
    pub mismatched: Vec<Mismatch>,
}

/// How many reconciliation mismatches the run report lists.
pub const MISMATCHES_LISTED: usize = 20;

#[derive(Clone, Debug, Serialize)]
pub struct FamilySummary {
    pub id: String,
    pub name: String,
    pub dir: String,
    pub documents: usize,
    pub tables: usize,
    pub years: Vec<i32>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentReconciliation {
    pub path: String,
    pub checked: usize,
    pub mismatches: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    pub family: String,
    pub label: String,
    pub fiscal_year: i32,
    pub column: String,
    pub printed: f64,
    pub path: String,
    pub page: u32,
    pub previous: f64,
    pub previous_path: String,
    pub previous_page: u32,
}

/// A table of the run report's worst list.
#[derive(Clone, Debug, Serialize)]
pub struct WorstTable {
    pub path: String,
    #[serde(flatten)]
    pub table: crate::sink::TableCheck,
}

#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// A document read in part: what failed on its pages.
#[derive(Clone, Debug, Serialize)]
pub struct Partial {
    pub path: String,
    pub warnings: Vec<String>,
}

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

fn state_path(out: &Path, shard: Option<Shard>) -> PathBuf {
    meta_dir(out).join(format!(
        "state{}.json",
        shard.map(|s| s.suffix()).unwrap_or_default()
    ))
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

enum Todo {
    New,
    Changed,
}

/// What a run tells its caller as it goes (a progress bar, log lines).
pub trait Progress: Sync {
    /// How many documents will be processed, once the unchanged ones are skipped.
    fn planned(&self, _to_process: usize, _skipped: usize) {}
    /// One document processed (ok or failed).
    fn document(&self, record: &DocumentRecord);
}

/// Any `Fn(&DocumentRecord)` reports documents and ignores the plan.
impl<F: Fn(&DocumentRecord) + Sync> Progress for F {
    fn document(&self, record: &DocumentRecord) {
        self(record)
    }
}

/// Runs a pipeline, telling `progress` the plan and each processed document.
pub fn run(
    p: &Pipeline,
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let out = opts.output.clone().unwrap_or_else(|| p.output_dir());
    // A whole-output run (and --merge-only) holds the output's lock exclusively, since its
    // cleanup may remove any file; a shard run holds it shared (shards write disjoint
    // files and clean up only their own) and its shard's lock exclusively.
    let whole = meta_dir(&out).join("lock");
    let _locks = match opts.shard {
        None => vec![Lock::acquire(&whole).map_err(RunError::Locked)?],
        Some(s) => vec![
            Lock::acquire_shared(&whole).map_err(RunError::Locked)?,
            Lock::acquire(&meta_dir(&out).join(format!("lock{}", s.suffix())))
                .map_err(RunError::Locked)?,
        ],
    };
    let files = list_inputs(p, opts)?;
    let mut report = RunReport {
        pipeline: p.config.name.clone(),
        output_dir: out.clone(),
        shard: opts.shard.map(|s| format!("{}/{}", s.index, s.count)),
        ..Default::default()
    };
    if opts.merge_only {
        merge(p, &out, &files, &mut report)?;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            opts.shard
                .is_none_or(|s| s.contains(&f.display().to_string()))
        })
        .collect();
    report.documents = files.len();
    let spath = state_path(&out, opts.shard);
    let (mut state, warning) = State::load(&spath);
    report.warnings.extend(warning);
    let pipeline_hash = p.content_hash();
    let version = env!("CARGO_PKG_VERSION");

    // What needs doing: stat first, hash only when size or time differ. A document that
    // failed (or was read in part) is done too, unless --retry-failed: the same bytes, the
    // same pipeline and the same nenpo would give the same result.
    let mut todo: Vec<(PathBuf, String, Todo)> = Vec::new();
    let mut dirty = false;
    for f in &files {
        let key = f.display().to_string();
        let prev = state.documents.get_mut(&key);
        let meta = std::fs::metadata(f).ok();
        let (size, mtime) = meta.as_ref().map_or((0, 0), |m| (m.len(), mtime_ns(m)));
        let done = |status: DocStatus| match status {
            DocStatus::Ok => true,
            DocStatus::Partial | DocStatus::Failed => !opts.retry_failed,
            DocStatus::Removed => false,
        };
        match prev {
            Some(prev)
                if !opts.force
                    && prev.pipeline_hash == pipeline_hash
                    && prev.nenpo_version == version
                    && done(prev.record.status) =>
            {
                let failed = prev.record.status == DocStatus::Failed;
                if prev.size == size && prev.mtime_ns == mtime {
                    report.skipped += 1;
                    report.failed_unchanged += failed as usize;
                } else if std::fs::read(f).is_ok_and(|b| document_id(&b) == prev.record.document_id)
                {
                    // Touched, not changed: remember the new time, keep the rows.
                    prev.size = size;
                    prev.mtime_ns = mtime;
                    dirty = true;
                    report.skipped += 1;
                    report.failed_unchanged += failed as usize;
                } else {
                    todo.push((f.clone(), key, Todo::Changed));
                }
            }
            Some(_) => todo.push((f.clone(), key, Todo::Changed)),
            None => todo.push((f.clone(), key, Todo::New)),
        }
    }
    // Documents gone from the archive (of this shard).
    let removed = drop_removed(&mut state, &files, p.config.run.on_removed);
    report.removed += removed;
    dirty |= removed > 0;
    tracing::info!(documents = files.len(), to_process = todo.len(), skipped = report.skipped, output = %out.display(), "run starts");
    progress.planned(todo.len(), report.skipped);
    // Even a rerun with nothing to do removes what a killed run left (removing is not
    // writing: the datasets, the state and the documents table stay as they are).
    remove_temporary_files(&out);

    let workers = match p.config.run.workers {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .max(1);
    let state_m = Mutex::new((state, Instant::now()));
    let report_m = Mutex::new(report);
    // Documents run on this pool (and their pages on it too, in thread isolation): give its
    // threads room for deep content (nested forms, long tables) beyond rayon's 2 MiB default.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers.min(todo.len().max(1)))
        .stack_size(16 << 20)
        .build();
    let process_all = || {
        todo.par_iter().for_each(|(path, key, kind)| {
            let child_threads = (workers / todo.len().clamp(1, workers)).max(1);
            let outcome = match (&opts.exe, p.config.run.isolation) {
                (Some(exe), Isolation::Process) => {
                    process_in_child(exe, p, &out, path, key, child_threads)
                }
                _ => process_document(p, &out, path, key),
            };
            progress.document(&outcome.record);
            let meta = std::fs::metadata(path).ok();
            let mut r = report_m.lock().unwrap_or_else(|e| e.into_inner());
            match kind {
                Todo::New => r.new += 1,
                Todo::Changed => r.changed += 1,
            }
            if outcome.record.status == DocStatus::Ok {
                r.ok += 1;
                r.pages_ocr += outcome.pages_ocr;
            } else if outcome.record.status == DocStatus::Partial {
                r.partial += 1;
                r.pages_ocr += outcome.pages_ocr;
                r.partials.push(Partial {
                    path: outcome.record.path.clone(),
                    warnings: outcome.record.warnings.clone(),
                });
            } else {
                r.failed += 1;
                r.failures.push(Failure {
                    path: outcome.record.path.clone(),
                    error: outcome.record.error.clone().unwrap_or_default(),
                });
            }
            drop(r);
            let mut guard = state_m.lock().unwrap_or_else(|e| e.into_inner());
            let (st, last_save) = &mut *guard;
            // The old version's files stay until the state and the documents table name
            // the new ones (`remove_orphans` at the end of the run, or the merge).
            st.documents.insert(
                key.clone(),
                DocState {
                    size: meta.as_ref().map_or(0, |m| m.len()),
                    mtime_ns: meta.as_ref().map_or(0, mtime_ns),
                    pipeline_hash: pipeline_hash.clone(),
                    nenpo_version: version.to_string(),
                    files: outcome.files,
                    record: outcome.record,
                },
            );
            // Save now and then, so a killed run keeps most of its work.
            if last_save.elapsed() > Duration::from_secs(2) {
                if let Err(e) = st.save(&spath) {
                    tracing::warn!("cannot save state {}: {e}", spath.display());
                }
                *last_save = Instant::now();
            }
        })
    };
    match pool {
        Ok(pool) => pool.install(process_all),
        Err(_) => process_all(),
    }
    let (state, _) = state_m.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut report = report_m.into_inner().unwrap_or_else(|e| e.into_inner());
    if !todo.is_empty() || dirty {
        state.save(&spath).map_err(|source| RunError::Write {
            path: spath.clone(),
            source,
        })?;
        if opts.shard.is_none() {
            write_documents(&out, &state)?;
            remove_orphans(p, &out, &state);
            // Again at the end: a worker of a killed run that was still dying when this
            // run started is gone now.
            remove_temporary_files(&out);
            report.series = Some(write_series(p, &out)?);
        }
    } else if opts.shard.is_none() && series_changed(p, &out) {
        // Only the series settings or `[[families]]` changed: the families again, no
        // document redone.
        report.series = Some(write_series(p, &out)?);
    }
    totals(&state, &mut report);
    report.failures.sort_by(|a, b| a.path.cmp(&b.path));
    report.partials.sort_by(|a, b| a.path.cmp(&b.path));
    report.seconds = started.elapsed().as_secs_f64();
    if !todo.is_empty() || dirty {
        let name = format!(
            "last_run{}.json",
            opts.shard.map(|s| s.suffix()).unwrap_or_default()
        );
        let path = meta_dir(&out).join(name);
        let text = serde_json::to_vec_pretty(&report).unwrap_or_default();
        write_file_atomically(&path, &text).map_err(|source| RunError::Write { path, source })?;
    }
    Ok(report)
}

/// Drops (or marks, as the pipeline says) the documents of the state that are no longer
/// in `files`; returns how many were newly removed. Marked documents stay marked. A dropped
/// document's files go with the other files no document names, once the state and the
/// documents table no longer list it (`remove_orphans`).
fn drop_removed(state: &mut State, files: &[PathBuf], on_removed: OnRemoved) -> usize {
    let listed: BTreeSet<String> = files.iter().map(|f| f.display().to_string()).collect();
    let gone: Vec<String> = state
        .documents
        .iter()
        .filter(|(k, d)| !listed.contains(*k) && d.record.status != DocStatus::Removed)
        .map(|(k, _)| k.clone())
        .collect();
    for k in &gone {
        match on_removed {
            OnRemoved::Delete => {
                state.documents.remove(k);
            }
            OnRemoved::Mark => {
                if let Some(d) = state.documents.get_mut(k) {
                    d.record.status = DocStatus::Removed;
                }
            }
        }
    }
    gone.len()
}

/// The tables with mismatched totals, most first (see [`DocumentRecord::mismatched_tables`]).
fn mismatched_tables(
    tables: &[crate::logical::LogicalTable],
    mismatches: &[crate::normalize::totals::Mismatch],
) -> Vec<crate::sink::TableCheck> {
    let mut counts: std::collections::BTreeMap<usize, u32> = std::collections::BTreeMap::new();
    for m in mismatches {
        *counts.entry(m.table).or_default() += 1;
    }
    let mut out: Vec<crate::sink::TableCheck> = counts
        .into_iter()
        .map(|(ti, n)| {
            let t = tables.get(ti);
            crate::sink::TableCheck {
                table_index: u32::try_from(ti).unwrap_or(u32::MAX),
                page: t
                    .and_then(|t| t.pages.first())
                    .map_or(0, |&p| u32::try_from(p).unwrap_or(u32::MAX)),
                caption: t
                    .and_then(|t| t.caption.as_deref())
                    .and_then(|c| c.lines().next())
                    .map(|l| l.chars().take(60).collect())
                    .unwrap_or_default(),
                totals_mismatches: n,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.totals_mismatches
            .cmp(&a.totals_mismatches)
            .then(a.table_index.cmp(&b.table_index))
    });
    out.truncate(crate::sink::TABLE_CHECKS_KEPT);
    out
}

/// How many tables the run report lists as the worst.
const WORST_TABLES_LISTED: usize = 10;

/// Tables, rows and pages over every document the state holds, and the tables whose
/// totals are furthest from adding up.
fn totals(state: &State, r: &mut RunReport) {
    let ok = state
        .documents
        .values()
        .filter(|d| matches!(d.record.status, DocStatus::Ok | DocStatus::Partial));
    for d in ok {
        r.tables += d.record.tables as u64;
        r.rows += d.record.rows as u64;
        r.pages += d.record.pages as u64;
        r.unparsed_cells += d.record.unparsed_cells as u64;
        r.totals_mismatches += d.record.totals_mismatches as u64;
        r.worst_tables
            .extend(d.record.mismatched_tables.iter().map(|t| WorstTable {
                path: d.record.path.clone(),
                table: t.clone(),
            }));
    }
    r.worst_tables.sort_by(|a, b| {
        b.table
            .totals_mismatches
            .cmp(&a.table.totals_mismatches)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.table.table_index.cmp(&b.table.table_index))
    });
    r.worst_tables.truncate(WORST_TABLES_LISTED);
}

fn list_inputs(p: &Pipeline, opts: &RunOptions) -> Result<Vec<PathBuf>, RunError> {
    match &opts.input {
        Some(dir) => pdfs_under(dir),
        None => Ok(p.input_files()?),
    }
}

/// Joins the shards' states (and any earlier full state) into one state and documents
/// table; documents no longer in the archive are dropped with their files.
fn merge(
    p: &Pipeline,
    out: &Path,
    files: &[PathBuf],
    report: &mut RunReport,
) -> Result<(), RunError> {
    let main_path = state_path(out, None);
    let (mut state, warning) = State::load(&main_path);
    report.warnings.extend(warning);
    let mut shard_files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(meta_dir(out)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("state.shard-") && name.ends_with(".json") {
                shard_files.push(e.path());
            }
        }
    }
    shard_files.sort();
    for f in &shard_files {
        let (s, warning) = State::load(f);
        report.warnings.extend(warning);
        state.documents.extend(s.documents);
    }
    report.removed += drop_removed(&mut state, files, p.config.run.on_removed);
    state.save(&main_path).map_err(|source| RunError::Write {
        path: main_path.clone(),
        source,
    })?;
    for f in &shard_files {
        let _ = std::fs::remove_file(f);
    }
    remove_temporary_files(out);
    write_documents(out, &state)?;
    remove_orphans(p, out, &state);
    report.series = Some(write_series(p, out)?);
    report.documents = state.documents.len();
    report.failed = state
        .documents
        .values()
        .filter(|d| d.record.status == DocStatus::Failed)
        .count();
    report.failures = state
        .documents
        .values()
        .filter(|d| d.record.status == DocStatus::Failed)
        .map(|d| Failure {
            path: d.record.path.clone(),
            error: d.record.error.clone().unwrap_or_default(),
        })
        .collect();
    report.partials = state
        .documents
        .values()
        .filter(|d| d.record.status == DocStatus::Partial)
        .map(|d| Partial {
            path: d.record.path.clone(),
            warnings: d.record.warnings.clone(),
        })
        .collect();
    report.partial = report.partials.len();
    totals(&state, report);
    Ok(())
}

/// What the series stage's output depends on besides the documents: its settings and the
/// pipeline's `[[families]]`.
fn series_key(p: &Pipeline) -> String {
    let key = serde_json::json!([p.config.settings.series, p.config.families]);
    document_id(key.to_string().as_bytes())
}

/// The file recording the [`series_key`] the families were last written with.
fn series_key_path(out: &Path) -> PathBuf {
    meta_dir(out).join("series.key")
}

/// Whether the series settings or `[[families]]` changed since the families were written.
fn series_changed(p: &Pipeline, out: &Path) -> bool {
    std::fs::read_to_string(series_key_path(out)).map_or(true, |k| k.trim() != series_key(p))
}

/// The series stage over everything the output holds (a whole run or a merge, after the
/// documents' own files are final): families and the reconciliation, written and summed up.
fn write_series(p: &Pipeline, out: &Path) -> Result<SeriesSummary, RunError> {
    let values = sink::read_series_values(out)?;
    let found = crate::series::series(&values, &p.config.settings.series, &p.config.families);
    sink::write_series(out, &found)?;
    let path = series_key_path(out);
    write_file_atomically(&path, series_key(p).as_bytes())
        .map_err(|source| RunError::Write { path, source })?;
    let mut per_doc: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &found.checks {
        let e = per_doc.entry(c.source_path.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(!c.agrees);
    }
    let name = |i: usize| {
        found
            .families
            .get(i)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    Ok(SeriesSummary {
        families: found
            .families
            .iter()
            .map(|f| FamilySummary {
                id: f.id.clone(),
                name: f.name.clone(),
                dir: f.dir.clone(),
                documents: f.documents,
                tables: f.tables,
                years: f.years.clone(),
                columns: f.columns.clone(),
            })
            .collect(),
        checked: found.checks.len(),
        mismatches: found.checks.iter().filter(|c| !c.agrees).count(),
        documents: per_doc
            .into_iter()
            .map(|(path, (checked, mismatches))| DocumentReconciliation {
                path: path.to_string(),
                checked,
                mismatches,
            })
            .collect(),
        mismatched: found
            .checks
            .iter()
            .filter(|c| !c.agrees)
            .take(MISMATCHES_LISTED)
            .map(|c| Mismatch {
                family: name(c.family),
                label: c.label.clone(),
                fiscal_year: c.fiscal_year,
                column: c.column.clone(),
                printed: c.printed,
                path: c.source_path.clone(),
                page: c.page,
                previous: c.previous,
                previous_path: c.previous_source_path.clone(),
                previous_page: c.previous_page,
            })
            .collect(),
    })
}

fn write_documents(out: &Path, state: &State) -> Result<(), RunError> {
    let records: Vec<DocumentRecord> = state
        .documents
        .values()
        .map(|d| DocumentRecord {
            files: d.files.clone(),
            ..d.record.clone()
        })
        .collect();
    sink::write_documents(out, &records)?;
    Ok(())
}

fn remove_files(out: &Path, files: &[String]) {
    for f in files {
        if let Err(e) = std::fs::remove_file(out.join(f)) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!("cannot remove {f}: {e}");
            }
        }
    }
}

/// Every file under `dir`, relative to `out`.
fn walk(out: &Path, dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(out, &path, found);
        } else if let Ok(rel) = path.strip_prefix(out) {
            found.push(rel.to_string_lossy().into_owned());
        }
    }
}

/// Temporary files a killed run left behind (`.<name>.<pid>.tmp`).
fn remove_temporary_files(out: &Path) {
    let mut found = Vec::new();
    walk(out, out, &mut found);
    let tmp: Vec<String> = found
        .into_iter()
        .filter(|f| {
            let age = std::fs::metadata(out.join(f))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok());
            is_stale_temporary(f, age)
        })
        .collect();
    remove_files(out, &tmp);
}

/// A temporary file lives for the seconds it takes to write one file; one older than this
/// is stale whoever holds its pid now.
const TEMPORARY_MAX_AGE: Duration = Duration::from_secs(3600);

/// Whether `path` names a temporary file (`.<name>.<pid>.tmp`) whose writer no longer
/// runs: its pid is gone, or held by another program (reused), or the file is older than
/// [`TEMPORARY_MAX_AGE`] (`age`, when known). Files of a live writer (another shard
/// writing into the same dataset) are kept.
fn is_stale_temporary(path: &str, age: Option<Duration>) -> bool {
    let Some(name) = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return false;
    };
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    match stem
        .rsplit('.')
        .next()
        .and_then(|pid| pid.parse::<u32>().ok())
    {
        Some(_) if age.is_some_and(|a| a > TEMPORARY_MAX_AGE) => true,
        Some(pid) => !super::state::same_program_alive(pid),
        None => true,
    }
}

/// Parquet files in the pipeline's datasets that no document of the state names: rows of
/// a document a killed run wrote but never recorded.
fn remove_orphans(p: &Pipeline, out: &Path, state: &State) {
    let named: BTreeSet<&String> = state
        .documents
        .values()
        .flat_map(|d| d.files.iter())
        .collect();
    let mut found = Vec::new();
    for d in p.datasets() {
        walk(out, &out.join(d), &mut found);
    }
    let orphans: Vec<String> = found
        .into_iter()
        .filter(|f| f.ends_with(".parquet") && !named.contains(f))
        .collect();
    if !orphans.is_empty() {
        tracing::info!(
            count = orphans.len(),
            "removing files no document names (left by an interrupted run)"
        );
    }
    remove_files(out, &orphans);
}

/// Every `*.pdf` below `dir`, sorted.
fn pdfs_under(dir: &Path) -> Result<Vec<PathBuf>, RunError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| RunError::Input {
            path: d.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Processes one document in a child process with the pipeline's time and memory limits.
fn process_in_child(
    exe: &Path,
    p: &Pipeline,
    out: &Path,
    path: &Path,
    key: &str,
    threads: usize,
) -> DocOutcome {
    let started = Instant::now();
    let limits = &p.config.run;
    let failed = |error: String| DocOutcome {
        record: DocumentRecord {
            path: path.display().to_string(),
            status: DocStatus::Failed,
            error: Some(error),
            seconds: started.elapsed().as_secs_f64(),
            nenpo_version: env!("CARGO_PKG_VERSION").into(),
            document_id: std::fs::read(path)
                .map(|b| document_id(&b))
                .unwrap_or_default(),
            size: std::fs::metadata(path).map_or(0, |m| m.len()),
            ..Default::default()
        },
        files: Vec::new(),
        pages_ocr: 0,
    };
    let child = Command::new(exe)
        .arg("__process-document")
        .arg("--pipeline")
        .arg(&p.path)
        .arg("--output")
        .arg(out)
        .arg("--key")
        .arg(key)
        .arg("--memory-mb")
        .arg(limits.document_memory_mb.to_string())
        .arg(path)
        .env("RAYON_NUM_THREADS", threads.to_string())
        // A worker's error is its last lines of stderr: no backtrace frames in them.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .env(PARENT_PID_VAR, std::process::id().to_string())
        // Its own process group: a timeout kills the worker with the `pdftoppm` and
        // `tesseract` it started.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return failed(format!(
                "cannot start a worker process {}: {e}",
                exe.display()
            ))
        }
    };
    // Read the pipes on threads so a chatty child never blocks on a full pipe.
    let stdout = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut v);
            v
        })
    });
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut v);
            v
        })
    });
    let deadline = started + Duration::from_secs(limits.document_seconds);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Ok(s),
            Ok(None) if Instant::now() >= deadline => {
                // The group while the worker is unreaped (its id, the group's, cannot be
                // reused yet); the worker itself in case the group call fails.
                let _ = rustix::process::kill_process_group(
                    rustix::process::Pid::from_child(&child),
                    rustix::process::Signal::KILL,
                );
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "stopped after {} s (run.document_seconds)",
                    limits.document_seconds
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(format!("lost the worker process: {e}")),
        }
    };
    let stdout = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    let status = match status {
        Ok(s) => s,
        // Whatever the worker wrote is named by no document: removed with the orphans.
        Err(e) => return failed(e),
    };
    match serde_json::from_slice::<DocOutcome>(&stdout) {
        Ok(o) if status.success() => o,
        _ => {
            let tail: String = String::from_utf8_lossy(&stderr)
                .lines()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join(" | ");
            let how = match status.code() {
                Some(c) => format!("the worker exited with status {c}"),
                None => {
                    use std::os::unix::process::ExitStatusExt;
                    match status.signal() {
                        Some(9) => format!("the worker was killed (signal 9; out of memory? run.document_memory_mb = {})", limits.document_memory_mb),
                        Some(s) => format!("the worker died of signal {s}"),
                        None => "the worker ended abnormally".to_string(),
                    }
                }
            };
            let mem_hint = if tail.contains("memory allocation") {
                format!(
                    " (over run.document_memory_mb = {})",
                    limits.document_memory_mb
                )
            } else {
                String::new()
            };
            failed(format!("{how}{mem_hint}: {tail}"))
        }
    }
}

/// The environment variable telling a worker which process started it.
const PARENT_PID_VAR: &str = "NENPO_PARENT_PID";

/// Makes this worker die with the run that started it: the kernel sends it SIGKILL when
/// its parent ends (`PR_SET_PDEATHSIG`), so a killed run leaves no worker running without a
/// deadline. A run that ended before this was set is seen by the worker's parent no longer
/// being the run: an error, and the worker stops (the worker calls this first).
pub fn die_with_parent() -> Result<(), String> {
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
        .map_err(|e| format!("cannot tie the worker to its run: {e}"))?;
    let expected = std::env::var(PARENT_PID_VAR)
        .ok()
        .and_then(|v| v.parse::<i32>().ok());
    let parent = rustix::process::getppid().map(|p| p.as_raw_pid());
    match expected {
        Some(e) if parent != Some(e) => Err(format!(
            "the run that started this worker (pid {e}) has ended"
        )),
        _ => Ok(()),
    }
}

/// Sets this process's memory limit (the worker calls it first).
pub fn limit_memory(mb: u64) -> Result<(), String> {
    let bytes = mb.saturating_mul(1024 * 1024);
    rlimit::setrlimit(rlimit::Resource::DATA, bytes, bytes)
        .map_err(|e| format!("cannot set the memory limit: {e}"))
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
    let rows = super::rows::document_rows(
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

fn fiscal_year(p: &Pipeline, path: &Path, x: &Extraction) -> Option<i32> {
    p.config.fiscal_year.from.iter().find_map(|src| match src {
        YearSource::Title => x.title_fiscal_year,
        YearSource::FileName => path
            .file_name()
            .and_then(|n| era::fiscal_year_in_file_name(&n.to_string_lossy())),
    })
}

/// The data rows of every table, with lineage and item keys, as the sink takes them.
pub fn table_rows(x: &Extraction) -> Vec<TableRow> {
    super::rows::document_rows(x, &[], &super::Settings::default(), None).tables
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--report-html` reads a document as the run did: a stream pipeline's report is
    /// stream tables (issue 12, item 5), not the defaults.
    #[test]
    fn extract_options_follow_the_pipeline() {
        let text = "[input]\npaths = [\"a/*.pdf\"]\n[output]\ndir = \"out\"\n[extract]\nmode = \"stream\"\n";
        let p = Pipeline::parse(Path::new("p.toml"), text).expect("valid pipeline");
        assert_eq!(extract_options(&p).mode, crate::table::Mode::Stream);
        assert_eq!(extract_options(&p).pages, None, "every page");
    }

    #[test]
    fn document_ids_are_content_hashes() {
        assert_eq!(document_id(b""), "e3b0c44298fc1c14");
        assert_ne!(document_id(b"a"), document_id(b"b"));
        assert_eq!(document_id(b"a").len(), 16);
    }

    fn doc_state(status: DocStatus) -> DocState {
        DocState {
            size: 1,
            mtime_ns: 1,
            pipeline_hash: "p".into(),
            nenpo_version: "v".into(),
            files: vec!["tables/fiscal_year=2010/x.parquet".into()],
            record: DocumentRecord {
                status,
                ..Default::default()
            },
        }
    }

    #[test]
    fn only_temporary_files_of_dead_writers_are_stale() {
        let me = std::process::id();
        let fresh = Some(Duration::from_secs(5));
        let mine = format!("tables/fiscal_year=2010/.x.parquet.{me}.tmp");
        assert!(!is_stale_temporary(&mine, fresh));
        assert!(!is_stale_temporary(&mine, None));
        // Older than any write takes: stale even though its pid runs.
        assert!(is_stale_temporary(&mine, Some(TEMPORARY_MAX_AGE * 2)));
        assert!(is_stale_temporary(
            "tables/fiscal_year=2010/.x.parquet.4294967.tmp",
            fresh
        ));
        // Pid 1 runs, but it is not nenpo.
        assert!(is_stale_temporary(
            "tables/fiscal_year=2010/.x.parquet.1.tmp",
            fresh
        ));
        assert!(is_stale_temporary("_nenpo/.state.json.tmp", fresh));
        assert!(!is_stale_temporary(
            "tables/fiscal_year=2010/x.parquet",
            fresh
        ));
        assert!(!is_stale_temporary("tables/.hidden", fresh));
    }

    #[test]
    fn removed_documents_are_dropped_or_marked_once() {
        let files = vec![PathBuf::from("a.pdf")];
        let mut state = State::default();
        state
            .documents
            .insert("a.pdf".into(), doc_state(DocStatus::Ok));
        state
            .documents
            .insert("b.pdf".into(), doc_state(DocStatus::Ok));
        let mut marked = state.clone();
        assert_eq!(drop_removed(&mut state, &files, OnRemoved::Delete), 1);
        assert_eq!(state.documents.keys().collect::<Vec<_>>(), ["a.pdf"]);
        assert_eq!(drop_removed(&mut marked, &files, OnRemoved::Mark), 1);
        assert_eq!(marked.documents["b.pdf"].record.status, DocStatus::Removed);
        // A later run does not count (or rewrite) it again.
        assert_eq!(drop_removed(&mut marked, &files, OnRemoved::Mark), 0);
    }

    #[test]
    fn shards_split_deterministically_and_completely() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("x").is_err());
        assert!(Shard::parse("0/0").is_err());
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        let mut sizes = [0usize; 4];
        for n in 0..400 {
            let key = format!("archive/doc{n}.pdf");
            let owners: Vec<usize> = (0..4).filter(|&i| shards[i].contains(&key)).collect();
            assert_eq!(owners.len(), 1, "{key} in exactly one shard");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&s| s > 60), "{sizes:?}");
    }
}
