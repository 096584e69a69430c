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
    out.join(crate::sink::STATE_DIR)
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

/// A lock on an output directory (or one shard of it): an OS advisory lock (`flock`) on a
/// lock file, held for as long as this value lives and released by the OS when the
/// process ends in any way (even SIGKILL), so a dead run's lock is never mistaken for a
/// live one and two runs starting in the same instant cannot both take it.
///
/// Nothing is written into the file (a no-op rerun writes nothing); a refusal names the
/// holder by the kernel's own list of locks (`/proc/locks`). The file is never deleted:
/// deleting a lock file while another process has it open would let two processes lock
/// two different files under the same name.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock file `path` exclusively, or fails at once with a message naming the
    /// holder.
    pub fn acquire(path: &Path) -> Result<Lock, String> {
        Self::take(path, true)
    }

    /// Takes the lock file `path` shared: any number of shared holders may hold it
    /// together, but not while an exclusive holder does (and the other way round).
    pub fn acquire_shared(path: &Path) -> Result<Lock, String> {
        Self::take(path, false)
    }

    fn take(path: &Path, exclusive: bool) -> Result<Lock, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("cannot open lock file {}: {e}", path.display()))?;
        let taken = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match taken {
            Ok(()) => Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                let holders = file
                    .metadata()
                    .ok()
                    .and_then(|m| {
                        let locks = std::fs::read_to_string("/proc/locks").ok()?;
                        Some(lock_holders(&locks, &m))
                    })
                    .unwrap_or_default();
                let holder = match holders.as_slice() {
                    [] => "pid unknown".to_string(),
                    [one] => format!("pid {one}"),
                    many => format!(
                        "pids {}",
                        many.iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                Err(format!(
                    "another nenpo run ({holder}) is writing this output; wait for it to finish (lock file {})",
                    path.display()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(format!("cannot lock {}: {e}", path.display()))
            }
        }
    }
}

/// The processes holding a `flock` on the file `meta` describes, by the kernel's list of
/// locks (`/proc/locks` lines: `1: FLOCK  ADVISORY  WRITE 1779 fe:00:10117129 0 EOF`).
fn lock_holders(locks: &str, meta: &std::fs::Metadata) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;
    let dev = meta.dev();
    // Linux's dev_t encoding of major and minor numbers.
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let me = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let mut pids: Vec<u32> = locks
        .lines()
        .filter(|l| l.contains("FLOCK") && !l.contains("->"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // id, FLOCK, ADVISORY, READ/WRITE, pid, dev:inode, start, end
            (f.get(5) == Some(&me.as_str())).then(|| f.get(4)?.parse().ok())?
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// Whether a process with this id runs (Linux: `/proc/<pid>` exists, the process is not a
/// zombie, and no SIGKILL is pending for it: a worker killed a moment ago, or being killed
/// because its run died, stays in `/proc` for a while, and its temporary files are as dead
/// as it is: it will never rename them).
pub(crate) fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let dir = Path::new("/proc").join(pid.to_string());
    match std::fs::read_to_string(dir.join("stat")) {
        Ok(stat) if matches!(stat_state(&stat), Some('Z' | 'X' | 'x')) => false,
        Ok(_) => !std::fs::read_to_string(dir.join("status")).is_ok_and(|s| kill_pending(&s)),
        Err(_) => false,
    }
}

/// Whether a `/proc/<pid>/status` text shows a SIGKILL pending, for the thread or the
/// process (`SigPnd`, `ShdPnd`: hexadecimal masks, signal n at bit n - 1).
fn kill_pending(status: &str) -> bool {
    const SIGKILL_BIT: u64 = 1 << (9 - 1);
    status.lines().any(|l| {
        let Some((key, mask)) = l.split_once(':') else {
            return false;
        };
        matches!(key, "SigPnd" | "ShdPnd")
            && u64::from_str_radix(mask.trim(), 16).is_ok_and(|m| m & SIGKILL_BIT != 0)
    })
}

/// Whether a process with this id runs this same program (its command name, from
/// `/proc/<pid>/stat`, is this process's): a pid reused by another program after a writer
/// died does not keep the writer's files alive.
pub(crate) fn same_program_alive(pid: u32) -> bool {
    let name = |pid: &str| {
        let stat = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")).ok()?;
        stat_name(&stat).map(str::to_string)
    };
    process_alive(pid) && (pid == std::process::id() || name(&pid.to_string()) == name("self"))
}

/// The command name of a `/proc/<pid>/stat` line: between the first `(` and the last `)`.
fn stat_name(stat: &str) -> Option<&str> {
    let (_, rest) = stat.split_once('(')?;
    Some(rest.rsplit_once(')')?.0)
}

/// The state letter of a `/proc/<pid>/stat` line (`1234 (nenpo) Z 1 …`): the first field
/// after the command name, which may itself hold spaces and parentheses.
fn stat_state(stat: &str) -> Option<char> {
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zombie_is_not_alive() {
        assert_eq!(stat_state("1234 (nenpo) Z 1 1234 1234"), Some('Z'));
        assert_eq!(stat_state("99 (a (b) c) S 1 99"), Some('S'));
        assert_eq!(stat_state("garbage"), None);
        assert_eq!(stat_name("99 (a (b) c) S 1 99"), Some("a (b) c"));
        assert!(kill_pending(
            "Name:\tnenpo\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000100\n"
        ));
        assert!(!kill_pending(
            "SigPnd:\t0000000000000000\nShdPnd:\t0000000000004002\n"
        ));
        assert!(same_program_alive(std::process::id()));
        assert!(process_alive(std::process::id()));
        // A child that exited and was not reaped yet is a zombie.
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while process_alive(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(
            !process_alive(pid),
            "an exited, unreaped child counts as dead"
        );
        let _ = child.wait();
        assert!(!process_alive(pid));
    }

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
                    status: crate::sink::DocStatus::Ok,
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
    fn lock_is_exclusive_and_released_with_its_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("lock");
        let held = Lock::acquire(&p).expect("first");
        let e = Lock::acquire(&p).expect_err("second is refused");
        let me = format!("(pid {})", std::process::id());
        assert!(e.contains("another nenpo run") && e.contains(&me), "{e}");
        assert!(Lock::acquire_shared(&p).is_err(), "shared is refused too");
        drop(held);
        // Nothing is written, and what a file holds does not lock it: only the OS lock does.
        assert_eq!(std::fs::read(&p).expect("read"), b"");
        std::fs::write(&p, format!("{}\n", std::process::id())).expect("write");
        let again = Lock::acquire(&p).expect("free once released");
        drop(again);
        let s1 = Lock::acquire_shared(&p).expect("shared");
        let _s2 = Lock::acquire_shared(&p).expect("shared twice");
        let e = Lock::acquire(&p).expect_err("exclusive refused while shared");
        assert!(e.contains(&me), "{e}");
        drop(s1);
    }

    #[test]
    fn lock_holders_are_read_from_the_kernel_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("lock");
        std::fs::write(&p, b"").expect("write");
        let meta = std::fs::metadata(&p).expect("stat");
        use std::os::unix::fs::MetadataExt;
        let dev = meta.dev();
        let (major, minor) = (
            ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff),
            (dev & 0xff) | ((dev >> 12) & !0xff),
        );
        let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
        let locks = format!(
            "1: FLOCK  ADVISORY  WRITE 1779 fe:00:1 0 EOF\n\
             2: FLOCK  ADVISORY  READ 42 {id} 0 EOF\n\
             3: FLOCK  ADVISORY  READ 7 {id} 0 EOF\n\
             4: POSIX  ADVISORY  WRITE 9 {id} 0 EOF\n"
        );
        assert_eq!(lock_holders(&locks, &meta), vec![7, 42]);
        assert_eq!(lock_holders("", &meta), Vec::<u32>::new());
    }
}
