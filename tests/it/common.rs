//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus beside the repository, if present.
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    p.is_dir().then_some(p)
}

/// Runs the nenpo binary with `args`.
pub fn nenpo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run nenpo")
}

/// Runs `nenpo extract FILE --format json ARGS...` and parses its JSON; panics with stderr on failure.
pub fn extract_json(file: &Path, args: &[&str]) -> serde_json::Value {
    let f = file.to_string_lossy();
    let mut all = vec!["extract", f.as_ref(), "--format", "json"];
    all.extend_from_slice(args);
    let out = nenpo(&all);
    assert!(
        out.status.success(),
        "nenpo extract {f} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("extract prints JSON")
}

/// All cell texts of every table (header rows and rows), whitespace removed, joined.
pub fn all_text(v: &serde_json::Value) -> String {
    let mut s = String::new();
    for t in v["tables"].as_array().into_iter().flatten() {
        for r in t["header_rows"].as_array().into_iter().flatten() {
            for c in r.as_array().into_iter().flatten() {
                s.push_str(c.as_str().unwrap_or(""));
            }
        }
        for r in t["rows"].as_array().into_iter().flatten() {
            for c in r["cells"].as_array().into_iter().flatten() {
                s.push_str(c.as_str().unwrap_or(""));
            }
        }
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
