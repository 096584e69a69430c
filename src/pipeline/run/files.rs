//! The output directory's files: the inputs listed, the documents table written, and
//! what no state names (temporary files, orphans, removed documents) cleaned up.

use super::*;

/// Drops (or marks, as the pipeline says) the documents of the state that are no longer
/// in `files`; returns how many were newly removed. Marked documents stay marked. A dropped
/// document's files go with the other files no document names, once the state and the
/// documents table no longer list it (`remove_orphans`).
pub(super) fn drop_removed(state: &mut State, files: &[PathBuf], on_removed: OnRemoved) -> usize {
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

pub(super) fn list_inputs(p: &Pipeline, opts: &RunOptions) -> Result<Vec<PathBuf>, RunError> {
    match &opts.input {
        Some(dir) => pdfs_under(dir),
        None => Ok(p.input_files()?),
    }
}

pub(super) fn write_documents(out: &Path, state: &State) -> Result<(), RunError> {
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

pub(super) fn remove_files(out: &Path, files: &[String]) {
    for f in files {
        if let Err(e) = std::fs::remove_file(out.join(f)) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!("cannot remove {f}: {e}");
            }
        }
    }
}

/// Every file under `dir`, relative to `out`.
pub(super) fn walk(out: &Path, dir: &Path, found: &mut Vec<String>) {
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
pub(super) fn remove_temporary_files(out: &Path) {
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
pub(super) const TEMPORARY_MAX_AGE: Duration = Duration::from_secs(3600);

/// Whether `path` names a temporary file (`.<name>.<pid>.tmp`) whose writer no longer
/// runs: its pid is gone, or held by another program (reused), or the file is older than
/// [`TEMPORARY_MAX_AGE`] (`age`, when known). Files of a live writer (another shard
/// writing into the same dataset) are kept.
pub(super) fn is_stale_temporary(path: &str, age: Option<Duration>) -> bool {
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
        Some(pid) => !crate::pipeline::state::same_program_alive(pid),
        None => true,
    }
}

/// Parquet files in the pipeline's datasets that no document of the state names: rows of
/// a document a killed run wrote but never recorded.
pub(super) fn remove_orphans(p: &Pipeline, out: &Path, state: &State) {
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
pub(super) fn pdfs_under(dir: &Path) -> Result<Vec<PathBuf>, RunError> {
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
