//! `--shard i/N` and `--merge-only`: which documents a shard takes, where its state
//! lives, and how the shards' states are joined.

use super::*;

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
    pub(super) fn suffix(&self) -> String {
        format!(".shard-{}-of-{}", self.index, self.count)
    }
    pub(super) fn contains(&self, key: &str) -> bool {
        let h = Sha256::digest(key.as_bytes());
        let v = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
        v % self.count as u64 == self.index as u64
    }
}

pub(super) fn state_path(out: &Path, shard: Option<Shard>) -> PathBuf {
    meta_dir(out).join(format!(
        "state{}.json",
        shard.map(|s| s.suffix()).unwrap_or_default()
    ))
}

/// Joins the shards' states (and any earlier full state) into one state and documents
/// table; documents no longer in the archive are dropped with their files.
pub(super) fn merge(
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
    report.failures = state
        .documents
        .values()
        .filter(|d| d.record.status == DocStatus::Failed)
        .map(|d| Failure {
            path: d.record.path.clone(),
            error: d.record.error.clone().unwrap_or_default(),
        })
        .collect();
    report.failed = report.failures.len();
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
