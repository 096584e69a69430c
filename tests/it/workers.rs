//! Worker processes (`run.isolation = "process"`) end with their run: a run killed with
//! SIGKILL takes its workers with it (parent-death signal), and a worker stopped for time
//! is killed with the programs it started (its process group).
//!
//! A stand-in `tesseract` (a shell script that records its pid and sleeps) keeps a worker
//! busy on the scanned fixture for as long as the test needs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::root;

/// A sleeping stand-in for Tesseract in `dir` that writes its pid to `dir/ocr.pid`.
fn slow_tesseract(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("slow-tesseract");
    let pid_file = dir.join("ocr.pid");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'tesseract 5.3.0'; exit 0; fi\necho $$ > {}.tmp && mv {}.tmp {}\nexec sleep 120\n",
            pid_file.display(),
            pid_file.display(),
            pid_file.display()
        ),
    )
    .expect("write script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

/// A pipeline in `dir` over the scanned fixture, read by `tesseract` with no OCR cache.
fn pipeline(dir: &Path, tesseract: &Path, document_seconds: u64) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::copy(
        root().join("tests/fixtures/scan_ruled_jpeg.pdf"),
        input.join("scan.pdf"),
    )
    .expect("copy fixture");
    let p = dir.join("pipeline.toml");
    std::fs::write(
        &p,
        format!(
            "[input]\npaths = [\"in/*.pdf\"]\n[output]\ndir = \"out\"\n[run]\nisolation = \"process\"\ndocument_seconds = {document_seconds}\n[settings.ocr]\nengine = \"tesseract\"\ntesseract = \"{}\"\ncache = false\n",
            tesseract.display()
        ),
    )
    .expect("write pipeline");
    p
}

/// Whether a process runs (a zombie does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
    })
}

/// The parent of a process, from `/proc/<pid>/stat`.
fn parent_of(pid: u32) -> Option<u32> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Waits up to `secs` for `cond`.
fn wait_for(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}

/// The pid the stand-in recorded, once it runs.
fn ocr_pid(dir: &Path) -> Option<u32> {
    let pid_file = dir.join("ocr.pid");
    let mut pid = None;
    wait_for(60, || {
        pid = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|t| t.trim().parse().ok());
        pid.is_some()
    });
    pid
}

#[test]
fn a_killed_run_takes_its_workers_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = pipeline(dir.path(), &slow_tesseract(dir.path()), 600);
    let mut run = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["run", p.to_str().expect("utf-8")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn run");
    let ocr = ocr_pid(dir.path()).expect("the worker started the stand-in OCR");
    let worker = parent_of(ocr).expect("the stand-in's parent");
    assert_eq!(
        parent_of(worker),
        Some(run.id()),
        "the stand-in runs under a worker of the run"
    );
    let _ = run.kill(); // SIGKILL: nothing of the run's own code runs after this
    let _ = run.wait();
    assert!(
        wait_for(10, || !alive(worker)),
        "the worker {worker} outlived its killed run"
    );
    // The stand-in, the worker's own child, is left to end on its own; end it here.
    let _ = Command::new("kill").args(["-9", &ocr.to_string()]).status();
}

#[test]
fn a_worker_stopped_for_time_is_killed_with_what_it_started() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = pipeline(dir.path(), &slow_tesseract(dir.path()), 3);
    let out = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["run", p.to_str().expect("utf-8"), "--json"])
        .output()
        .expect("run");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("document_seconds"), "{report}");
    let ocr = ocr_pid(dir.path()).expect("the worker started the stand-in OCR");
    assert!(
        wait_for(5, || !alive(ocr)),
        "the stand-in OCR {ocr} outlived its worker's timeout"
    );
}
