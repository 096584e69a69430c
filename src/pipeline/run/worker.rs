//! Fault isolation: a document read in a child process with a time and memory limit,
//! which dies with its parent.

use super::*;

/// Processes one document in a child process with the pipeline's time and memory limits.
pub(super) fn process_in_child(
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
pub(super) const PARENT_PID_VAR: &str = "NENPO_PARENT_PID";

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
