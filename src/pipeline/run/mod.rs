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

mod document;
mod families;
mod files;
mod report;
mod shard;
mod worker;

pub use document::*;
use families::*;
use files::*;
pub use report::*;
pub use shard::*;
pub use worker::*;

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
