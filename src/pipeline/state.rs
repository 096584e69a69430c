//! The run state kept beside the datasets (`<out>/_nenpo/state*.json`): what each
//! document was (size, modification time, content hash), which files hold its rows, and
//! the pipeline and nenpo version that made them. It makes reruns incremental and lets a
//! run repair what a killed run left. Written atomically (temporary file, fsync, rename).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::sink::DocumentRecord;

/// The state format; a state of another format is ignored (everything is reprocessed).
pub const FORMAT: u32 = 1;

/// What the last successful processing of a document produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocState {
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
    /// Hash of the pipeline definition it was processed with.
    pub pipeline_hash: String,
    pub nenpo_version: String,
    /// Files holding its rows, relative to the output directory.
    pub files: Vec<String>,
    pub record: DocumentRecord,
}

/// All documents' states, keyed by the document's path as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub documents: BTreeMap<String, DocState>,
}

impl Default for State {
    fn default() -> Self {
        State {
            format: FORMAT,
            documents: BTreeMap::new(),
        }
    }
}

/// The directory of nenpo's own files inside an output directory.
pub fn meta_dir(out: &Path) -> PathBuf {
    out.join("_nenpo")
}

impl State {
    /// Reads a state file; a missing, unreadable or foreign one gives an empty state and a
    /// warning (so the run reprocesses instead of failing).
    pub fn load(path: &Path) -> (State, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (State::default(), None),
            Err(e) => {
                return (
                    State::default(),
                    Some(format!(
                        "state {} unreadable ({e}); reprocessing all",
                        path.display()
                    )),
                )
            }
        };
        match serde_json::from_str::<State>(&text) {
            Ok(s) if s.format == FORMAT => (s, None),
            Ok(s) => (
                State::default(),
                Some(format!(
                    "state {} has format {} (expected {FORMAT}); reprocessing all",
                    path.display(),
                    s.format
                )),
            ),
            Err(e) => (
                State::default(),
                Some(format!(
                    "state {} is corrupt ({e}); reprocessing all",
                    path.display()
                )),
            ),
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        write_file_atomically(path, &text)
    }
}

/// Writes bytes to `path` through a temporary file in its directory: write, fsync, rename.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// An exclusive lock on an output directory (or one shard of it), released on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock file `path`. A lock left by a process that no longer runs is taken
    /// over; one held by a running process is refused with a message naming it.
    pub fn acquire(path: &Path) -> Result<Lock, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    let _ = f.sync_all();
                    return Ok(Lock { path: path.into() });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) => {
                            return Err(format!(
                                "another nenpo run (pid {pid}) is writing this output; wait for it to finish (lock file {})",
                                path.display()
                            ))
                        }
                        _ => {
                            tracing::warn!(lock = %path.display(), "taking over a lock left by a run that no longer runs");
                            let _ = std::fs::remove_file(path);
                        }
                    }
                }
                Err(e) => return Err(format!("cannot create lock file {}: {e}", path.display())),
            }
        }
        Err(format!("cannot take the lock file {}", path.display()))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a process with this id runs (Linux: `/proc/<pid>` exists).
pub(crate) fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_tolerates_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("_nenpo/state.json");
        assert_eq!(State::load(&p), (State::default(), None));
        let mut s = State::default();
        s.documents.insert(
            "a.pdf".into(),
            DocState {
                size: 3,
                mtime_ns: 7,
                pipeline_hash: "p".into(),
                nenpo_version: "v".into(),
                files: vec!["tables/fiscal_year=2010/x.parquet".into()],
                record: DocumentRecord {
                    document_id: "d".into(),
                    status: "ok".into(),
                    ..Default::default()
                },
            },
        );
        s.save(&p).expect("save");
        assert_eq!(State::load(&p).0, s);
        std::fs::write(&p, b"{not json").expect("write");
        let (loaded, warning) = State::load(&p);
        assert_eq!(loaded, State::default());
        assert!(warning.expect("warns").contains("corrupt"));
    }

    #[test]
    fn lock_is_exclusive_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("lock");
        let held = Lock::acquire(&p).expect("first");
        let e = Lock::acquire(&p).expect_err("second is refused");
        assert!(e.contains("another nenpo run"), "{e}");
        drop(held);
        assert!(!p.exists());
        // A lock from a process that does not exist.
        std::fs::write(&p, "4294967\n").expect("write");
        let _l = Lock::acquire(&p).expect("stale lock taken over");
    }
}
