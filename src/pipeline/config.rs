//! Pipeline definitions (`pipelines/*.toml`): what to read, where to write, how to find a
//! document's fiscal year, and stage settings. Paths are relative to the pipeline file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Settings;
use crate::normalize::kinds::{Kind, KindError};
use crate::table::Mode;

/// A pipeline definition as written in its TOML file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// A name for reports; defaults to the file stem.
    #[serde(default)]
    pub name: String,
    pub input: InputConfig,
    pub output: OutputConfig,
    #[serde(default)]
    pub fiscal_year: FiscalYearConfig,
    #[serde(default)]
    pub extract: ExtractConfig,
    #[serde(default)]
    pub run: RunConfig,
    #[serde(default)]
    pub settings: Settings,
    /// Table kinds (`[[kinds]]`): how to recognize a kind of table and read its columns
    /// as canonical, typed columns written to the kind's own dataset.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// Families named or merged by hand (`[[families]]`): the series stage finds families
    /// by itself; these rename the ones they match, and merge them when they match
    /// several. They change no document's rows, so they are not in the content hash.
    #[serde(default)]
    pub families: Vec<crate::series::FamilyRule>,
    /// The shared vocabulary of `config/defaults.toml` (`[[eras]]`, `[marks]`, `[periods]`,
    /// `[units]`) overridden key by key for this pipeline (`[vocabulary.marks] none = [...]`,
    /// `[[vocabulary.eras]]`): a publisher's own none mark or unit, a new era.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub vocabulary: toml::Table,
}

/// How a run treats documents: isolation, limits, removed files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Documents processed at once; 0 = one per core.
    pub workers: usize,
    /// `process`: each document in a child process of its own, so a crash, a runaway page
    /// or an out-of-memory document costs only that document (default); `thread`: in the
    /// run's own process (faster start, but only panics are contained).
    pub isolation: Isolation,
    /// A document taking longer than this many seconds is stopped and recorded as failed
    /// (process isolation only: setting it with `isolation = "thread"` is an error).
    /// Default 600.
    pub document_seconds: u64,
    /// Memory (data segment) a document's process may use, in MiB (process isolation
    /// only, as `document_seconds`; at least 64). Default 4096: the 612-page Fuji budget
    /// book needs well under 300.
    pub document_memory_mb: u64,
    /// What happens to the rows of a document that left the archive: `delete` them
    /// (default) or `mark` the document `removed` in the documents table and keep them.
    pub on_removed: OnRemoved,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            workers: 0,
            isolation: Isolation::Process,
            document_seconds: 600,
            document_memory_mb: 4096,
            on_removed: OnRemoved::Delete,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    Process,
    Thread,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnRemoved {
    Delete,
    Mark,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Glob patterns of the archive's PDFs (`"../samples/**/*.pdf"`), relative to the pipeline file.
    pub paths: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// The dataset root, relative to the pipeline file.
    pub dir: String,
    /// Dataset name for the tables of this pipeline. Default `tables`.
    #[serde(default = "default_dataset")]
    pub dataset: String,
}

fn default_dataset() -> String {
    "tables".into()
}

/// Where a document's fiscal year comes from, tried in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// The document title: its metadata title or the top lines of its first page.
    Title,
    /// The file name (`fuji-r6-…` → 2024, `…_h22` → 2010, `2019`).
    FileName,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalYearConfig {
    pub from: Vec<YearSource>,
}

impl Default for FiscalYearConfig {
    fn default() -> Self {
        FiscalYearConfig {
            from: vec![YearSource::Title, YearSource::FileName],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    pub mode: Mode,
}

/// A pipeline file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read pipeline file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid pipeline file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A loaded pipeline: its definition and the directory its relative paths start from.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub path: PathBuf,
    pub config: PipelineConfig,
    pub base: PathBuf,
    /// The vocabulary this pipeline reads with: `config/defaults.toml` with the pipeline's
    /// `[vocabulary]` laid over it. `main` puts it in force before any document is read
    /// (`defaults::install`).
    pub vocabulary: crate::defaults::Defaults,
}

impl Pipeline {
    /// Reads and validates a pipeline file.
    pub fn load(path: &Path) -> Result<Pipeline, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses pipeline text; `path` names it in errors and anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Pipeline, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.into(),
            message,
        };
        // toml's message names the key and gives the line and column.
        let mut config: PipelineConfig =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        if config.input.paths.is_empty() {
            return Err(invalid(
                "input.paths: give at least one glob pattern".into(),
            ));
        }
        for p in &config.input.paths {
            glob::Pattern::new(p)
                .map_err(|e| invalid(format!("input.paths: bad glob {p:?}: {e}")))?;
        }
        if config.output.dataset.is_empty() || config.output.dataset.contains(['/', '\\', '=']) {
            return Err(invalid(format!(
                "output.dataset: {:?} is not a plain name",
                config.output.dataset
            )));
        }
        if config.fiscal_year.from.is_empty() {
            return Err(invalid(
                "fiscal_year.from: give at least one source (title, file_name)".into(),
            ));
        }
        if let Err(e) = config.settings.validate() {
            let line = line_of_key(text, &format!("settings.{}", e.key))
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default();
            return Err(invalid(format!("settings.{}{line}: {}", e.key, e.message)));
        }
        validate_run(&config.run, text).map_err(invalid)?;
        for (i, f) in config.families.iter().enumerate() {
            if f.name.trim().is_empty() || f.matches.is_empty() {
                return Err(invalid(format!(
                    "families[{i}]: give a name and at least one family name or id in `matches`"
                )));
            }
        }
        validate_kinds(&config, text).map_err(invalid)?;
        if config.name.is_empty() {
            config.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        let vocabulary =
            crate::defaults::with_overrides(&config.vocabulary, &path.display().to_string(), text)
                .map_err(|e| invalid(e.message))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Pipeline {
            path: path.into(),
            config,
            base,
            vocabulary,
        })
    }

    /// A hash of everything in the definition that changes what a document's rows are
    /// (settings, extraction mode, fiscal-year sources, dataset name, table kinds, and the
    /// shared eras, marks and units of `config/defaults.toml`): a change reprocesses.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let c = &self.config;
        // The series stage's settings change no document's rows (a change of them redoes
        // the families only: `run::series_key`); neither do where programs, models and the
        // OCR cache live (the OCR cache keys each page by its models' own hashes), so moving
        // them reprocesses nothing.
        let defaults = crate::ocr::OcrSettings::default();
        let ocr = crate::ocr::OcrSettings {
            models_dir: defaults.models_dir,
            tesseract: defaults.tesseract,
            renderer: defaults.renderer,
            cache: defaults.cache,
            cache_dir: defaults.cache_dir,
            ..c.settings.ocr.clone()
        };
        let settings = super::Settings {
            series: Default::default(),
            ocr,
            ..c.settings.clone()
        };
        // The eras, marks and units of `config/defaults.toml`, with the pipeline's
        // `[vocabulary]` over them, read every document too (its `[settings]` defaults are
        // in `settings` already).
        let shared = &self.vocabulary;
        let key = serde_json::json!([
            settings,
            c.extract,
            c.fiscal_year,
            c.output.dataset,
            c.kinds,
            [
                serde_json::to_value(&shared.eras).unwrap_or_default(),
                serde_json::to_value(&shared.marks).unwrap_or_default(),
                serde_json::to_value(&shared.periods).unwrap_or_default(),
                serde_json::to_value(&shared.units).unwrap_or_default()
            ]
        ]);
        let digest = Sha256::digest(key.to_string().as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// Every dataset this pipeline writes: the generic tables dataset, `values`, then each
    /// kind's dataset (once each, in order).
    pub fn datasets(&self) -> Vec<String> {
        let mut out = vec![
            self.config.output.dataset.clone(),
            VALUES_DATASET.to_string(),
        ];
        for k in &self.config.kinds {
            if !out.contains(&k.dataset) {
                out.push(k.dataset.clone());
            }
        }
        out
    }

    /// The output directory, resolved.
    pub fn output_dir(&self) -> PathBuf {
        clean(&self.base.join(&self.config.output.dir))
    }

    /// The archive's PDFs, sorted, resolved from the input globs.
    pub fn input_files(&self) -> Result<Vec<PathBuf>, ConfigError> {
        let mut out = Vec::new();
        for p in &self.config.input.paths {
            let full = clean(&self.base.join(p));
            let pattern = full.to_string_lossy();
            let paths = glob::glob(&pattern).map_err(|e| ConfigError::Invalid {
                path: self.path.clone(),
                message: format!("input.paths: bad glob {p:?}: {e}"),
            })?;
            out.extend(paths.filter_map(Result::ok).filter(|p| p.is_file()));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

use crate::sink::{RESERVED_DATASETS, VALUES_DATASET};

/// Column names of a kind dataset that are not canonical columns (lineage and keys).
pub const KIND_LINEAGE_COLUMNS: &[&str] = &[
    "document_id",
    "source_path",
    "fiscal_year",
    "table_index",
    "row_index",
    "page",
    "kind",
    "table_kind",
    "section",
    "item_key",
    "item_path",
    "label",
    "bbox_x0",
    "bbox_top",
    "bbox_x1",
    "bbox_bottom",
    "mode",
    "text_source",
];

/// Whether a name is a plain dataset or column name: ASCII letters, digits and `_`,
/// not starting with a digit (so it needs no quoting in SQL and is a safe directory name).
fn plain_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The 1-based line of the first occurrence of `needle` in `text` (for error messages).
fn line_of(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.find(needle)
        .map(|i| text[..i].matches('\n').count() + 1)
}

/// The 1-based line where a dotted key (`settings.table.joint_tol`, `eras[3].start`) is
/// set in TOML text: as `joint_tol = ` under a `[settings.table]` header, as
/// `table.joint_tol = ` under `[settings]`, or as the whole dotted key at the top (the
/// n-th `[[eras]]` table is `eras[n]`); a key naming a table is found at its header; else
/// the line of the header of its table (a key set in an inline table). `None` when the
/// text sets neither, i.e. the value is a default.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let parts: Vec<&str> = key.split('.').collect();
    let mut table: Vec<String> = Vec::new();
    let mut arrays: std::collections::HashMap<String, usize> = Default::default();
    let mut header_line = None;
    let split = |s: &str| -> Vec<String> {
        s.split('.')
            .map(|p| p.trim().trim_matches('"').to_string())
            .collect()
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix("[[") {
            let name = h.split("]]").next().unwrap_or("");
            let n = arrays.entry(name.trim().to_string()).or_insert(0);
            table = split(name);
            if let Some(last) = table.last_mut() {
                *last = format!("{last}[{n}]");
            }
            *n += 1;
        } else if let Some(h) = line.strip_prefix('[') {
            table = split(h.split(']').next().unwrap_or(""));
        } else if let Some((lhs, _)) = line.split_once('=') {
            let full: Vec<String> = table.iter().cloned().chain(split(lhs)).collect();
            if full == parts {
                return Some(i + 1);
            }
            continue;
        } else {
            continue;
        }
        if table == parts {
            return Some(i + 1);
        }
        if header_line.is_none() && parts.len() > 1 && table == parts[..parts.len() - 1] {
            header_line = Some(i + 1);
        }
    }
    header_line
}

/// A pipeline's effective settings as TOML: every `[settings.<stage>]` table with each
/// setting's value, the pipeline's where it sets one and the default elsewhere. Pasted
/// into a pipeline file it gives the same settings.
pub fn effective_settings_toml(p: &Pipeline) -> Result<String, toml::ser::Error> {
    #[derive(Serialize)]
    struct Effective<'a> {
        settings: &'a super::Settings,
    }
    let body = toml::to_string(&Effective {
        settings: &p.config.settings,
    })?;
    Ok(format!(
        "# effective settings of pipeline {} ({})\n{body}",
        p.config.name,
        p.path.display()
    ))
}

/// The `[run]` limits: positive, and only where they are enforced. In thread isolation a
/// document runs in the run's own process, where neither a time limit nor a memory limit
/// can be enforced (a failed allocation aborts the process); setting one there is an
/// error rather than a limit silently ignored.
fn validate_run(run: &RunConfig, text: &str) -> Result<(), String> {
    if run.document_seconds == 0 {
        return Err("run.document_seconds: give a number of seconds >= 1".into());
    }
    if run.document_memory_mb < 64 {
        return Err(format!(
            "run.document_memory_mb: {} MiB is too little to read a PDF (>= 64)",
            run.document_memory_mb
        ));
    }
    if run.isolation == Isolation::Thread {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let set = |key: &str| {
            table
                .get("run")
                .and_then(|r| r.as_table())
                .is_some_and(|r| r.contains_key(key))
        };
        for key in ["document_seconds", "document_memory_mb"] {
            if set(key) {
                return Err(format!(
                    "run.{key}: applies only to isolation = \"process\"; in thread isolation \
                     documents have no time or memory limit (the image and decompression \
                     caps of [settings] still bound each allocation)"
                ));
            }
        }
    }
    Ok(())
}

/// Checks the `[[kinds]]`: each kind's patterns, units and columns ([`Kind::validate`]),
/// unique kind names, plain dataset and column names that collide with nothing, and one
/// type per column name within a dataset shared by several kinds.
fn validate_kinds(config: &PipelineConfig, text: &str) -> Result<(), String> {
    let at = |needle: &str| {
        line_of(text, needle)
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default()
    };
    let mut names = std::collections::HashSet::new();
    let mut columns: std::collections::HashMap<(&str, &str), crate::normalize::kinds::ColumnKind> =
        Default::default();
    for (i, k) in config.kinds.iter().enumerate() {
        let name_at = at(&format!("{:?}", k.name));
        let key = format!("kinds[{i}] ({:?})", k.name);
        if let Err(e) = k.validate() {
            let line = match &e {
                KindError::Pattern { pattern, .. } => at(&format!("{pattern:?}")),
                KindError::Unit { unit, .. } => at(&format!("{unit:?}")),
                KindError::Invalid { .. } => name_at.clone(),
            };
            return Err(format!("{key}{line}: {e}"));
        }
        if !names.insert(k.name.as_str()) {
            return Err(format!(
                "{key}{name_at}: kind name {:?} is defined twice",
                k.name
            ));
        }
        let ds_at = at(&format!("{:?}", k.dataset));
        if !plain_name(&k.dataset) {
            return Err(format!(
                "{key}.dataset{ds_at}: {:?} is not a plain name (letters, digits, _)",
                k.dataset
            ));
        }
        if RESERVED_DATASETS.contains(&k.dataset.as_str()) || k.dataset == config.output.dataset {
            return Err(format!(
                "{key}.dataset{ds_at}: {:?} is taken (by output.dataset, the values dataset or nenpo's own files)",
                k.dataset
            ));
        }
        let own: Vec<&str> = k.columns.iter().map(|c| c.name.as_str()).collect();
        for c in &k.columns {
            let col_key = format!("{key}.columns.{}", c.name);
            let col_at = at(&format!("{:?}", c.name));
            if !plain_name(&c.name) {
                return Err(format!(
                    "{col_key}{col_at}: {:?} is not a plain column name (letters, digits, _)",
                    c.name
                ));
            }
            let derived = ["_value", "_unit"]
                .iter()
                .any(|s| c.name.strip_suffix(s).is_some_and(|b| own.contains(&b)));
            if KIND_LINEAGE_COLUMNS.contains(&c.name.as_str()) || derived {
                return Err(format!("{col_key}{col_at}: the name {:?} is taken by a lineage or derived column; choose another", c.name));
            }
            if let Some(prev) = columns.insert((k.dataset.as_str(), c.name.as_str()), c.kind) {
                if prev != c.kind {
                    return Err(format!(
                        "{col_key}{col_at}: dataset {:?} already has a column {:?} of type {prev:?}, here {:?}",
                        k.dataset, c.name, c.kind
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `a/b/../c` → `a/c` (lexically; `..` at the start is kept).
fn clean(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Settings;

    const GOOD: &str = r#"
[input]
paths = ["../samples/*.pdf"]
[output]
dir = "../out"
"#;

    #[test]
    fn run_limits_are_refused_where_they_cannot_hold() {
        let parse =
            |run: &str| Pipeline::parse(Path::new("p.toml"), &format!("{GOOD}[run]\n{run}"));
        assert!(parse("isolation = \"thread\"\n").is_ok());
        assert!(parse("document_seconds = 30\n").is_ok());
        for bad in [
            "isolation = \"thread\"\ndocument_seconds = 30\n",
            "isolation = \"thread\"\ndocument_memory_mb = 512\n",
            "document_seconds = 0\n",
            "document_memory_mb = 8\n",
        ] {
            let e = parse(bad).expect_err(bad).to_string();
            let key = if bad.contains("seconds") {
                "run.document_seconds"
            } else {
                "run.document_memory_mb"
            };
            assert!(e.contains(key), "{bad}: {e}");
        }
    }

    #[test]
    fn minimal_pipeline_gets_defaults() {
        let p = Pipeline::parse(Path::new("pipelines/default.toml"), GOOD).expect("valid");
        assert_eq!(p.config.name, "default");
        assert_eq!(p.config.output.dataset, "tables");
        assert_eq!(
            p.config.fiscal_year.from,
            vec![YearSource::Title, YearSource::FileName]
        );
        assert_eq!(p.output_dir(), Path::new("out"));
        assert_eq!(clean(Path::new("../a/./b/../c")), Path::new("../a/c"));
    }

    #[test]
    fn content_hash_follows_settings_not_names() {
        let a = Pipeline::parse(Path::new("a.toml"), GOOD).expect("valid");
        let b = Pipeline::parse(Path::new("b.toml"), &format!("name = \"other\"\n{GOOD}"))
            .expect("valid");
        assert_eq!(a.content_hash(), b.content_hash());
        let c = Pipeline::parse(
            Path::new("c.toml"),
            &format!("{GOOD}\n[extract]\nmode = \"stream\"\n"),
        )
        .expect("valid");
        assert_ne!(a.content_hash(), c.content_hash());
        // Where the OCR cache, models and programs live, and the series settings, change
        // no document's rows.
        let moved = Pipeline::parse(
            Path::new("d.toml"),
            &format!("{GOOD}\n[settings.ocr]\ncache_dir = \"/elsewhere\"\ntesseract = \"/opt/tesseract\"\nmodels_dir = \"/m\"\n[settings.series]\nmin_documents = 3\n"),
        )
        .expect("valid");
        assert_eq!(a.content_hash(), moved.content_hash());
        let dpi = Pipeline::parse(
            Path::new("e.toml"),
            &format!("{GOOD}\n[settings.ocr]\ntarget_dpi = 200.0\n"),
        )
        .expect("valid");
        assert_ne!(a.content_hash(), dpi.content_hash());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = format!("{GOOD}\n[extract]\nmdoe = \"lattice\"\n");
        let e = Pipeline::parse(Path::new("p.toml"), &text)
            .expect_err("unknown key")
            .to_string();
        assert!(
            e.contains("p.toml") && e.contains("mdoe") && e.contains("line 8"),
            "{e}"
        );
    }

    const KIND: &str = r#"
[[kinds]]
name = "budget"
dataset = "budget_items"
match = { headers = ["/予算額/"] }

[[kinds.columns]]
name = "current"
type = "amount"
unit = "千円"
headers = ["本年度予算額"]
"#;

    #[test]
    fn kinds_load_and_change_the_hash() {
        let a = Pipeline::parse(Path::new("a.toml"), GOOD).expect("valid");
        let b = Pipeline::parse(Path::new("b.toml"), &format!("{GOOD}{KIND}")).expect("valid");
        assert_eq!(b.config.kinds.len(), 1);
        assert_eq!(b.datasets(), vec!["tables", "values", "budget_items"]);
        assert_ne!(a.content_hash(), b.content_hash());
        let c = Pipeline::parse(
            Path::new("c.toml"),
            &format!("{GOOD}{}", KIND.replace("本年度予算額", "本年度")),
        )
        .expect("valid");
        assert_ne!(b.content_hash(), c.content_hash());
        // Every shipped pipeline loads.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        for name in ["default", "reform", "budget", "ward_stats", "fuji_budget"] {
            let p = Pipeline::load(&dir.join(format!("{name}.toml")));
            assert!(p.is_ok(), "{name}: {p:?}");
        }
    }

    #[test]
    fn bad_kinds_name_file_key_and_line() {
        let err = |text: String| {
            Pipeline::parse(Path::new("p.toml"), &format!("{GOOD}{text}"))
                .expect_err("invalid")
                .to_string()
        };
        let e = err(KIND.replace("/予算額/", "/予算額(/"));
        assert!(
            e.contains("p.toml")
                && e.contains("kinds[0] (\"budget\")")
                && e.contains("match.headers")
                && e.contains("line 10"),
            "{e}"
        );
        let e = err(KIND.replace("千円", "ドル"));
        assert!(e.contains("unknown unit") && e.contains("line 15"), "{e}");
        let e = err(KIND.replace("dataset = \"budget_items\"", "dataset = \"tables\""));
        assert!(
            e.contains("kinds[0] (\"budget\").dataset") && e.contains("is taken"),
            "{e}"
        );
        let e = err(KIND.replace("name = \"current\"", "name = \"item_key\""));
        assert!(e.contains("columns.item_key") && e.contains("taken"), "{e}");
        let e = err(format!("{KIND}{KIND}"));
        assert!(e.contains("kinds[1]") && e.contains("defined twice"), "{e}");
        let e = err(KIND.replace("type = \"amount\"", "type = \"money\""));
        assert!(e.contains("money") && e.contains("line"), "{e}");
        let e = err("[settings.values]\npercent_header = \"(\"\n".into());
        assert!(e.contains("settings.values.percent_header"), "{e}");
        let e = err("[settings.table]\njoint_tol = -3.0\n".into());
        assert!(e.contains("settings.table.joint_tol"), "{e}");
        let e = err("[settings.ocr]\ntarget_dpi = 1e6\n".into());
        assert!(e.contains("settings.ocr.target_dpi"), "{e}");
        let e = err("[settings.layout]\nline_overlap = 2.0\n".into());
        assert!(e.contains("settings.layout.line_overlap"), "{e}");
        let e = err("[settings.logical]\nnumeric_column_fraction = 1.5\n".into());
        assert!(
            e.contains("settings.logical.numeric_column_fraction"),
            "{e}"
        );
    }

    #[test]
    fn shared_defaults_are_the_base_a_pipeline_overrides_key_by_key() {
        let shared = crate::defaults::builtin();
        let p = Pipeline::parse(Path::new("p.toml"), GOOD).expect("valid");
        let s = &p.config.settings;
        assert_eq!(s.logical.unit_words, shared.settings.logical.unit_words);
        assert!(s.logical.unit_words.iter().any(|w| w == "百万円"));
        assert_eq!(
            s.values.percent_header,
            shared.settings.values.percent_header
        );
        assert_eq!(s.values.count_header, shared.settings.values.count_header);
        let q = Pipeline::parse(
            Path::new("q.toml"),
            &format!("{GOOD}[settings.logical]\nunit_words = [\"千円\", \"ドル\"]\n[settings.values]\ncount_header = \"人数\"\n"),
        )
        .expect("valid");
        let t = &q.config.settings;
        assert_eq!(t.logical.unit_words, ["千円", "ドル"]);
        assert_eq!(t.values.count_header, "人数");
        assert_eq!(
            t.values.percent_header,
            shared.settings.values.percent_header
        );
        assert_ne!(p.content_hash(), q.content_hash());
        // A bad override is the pipeline's error, with its line.
        let e = Pipeline::parse(
            Path::new("r.toml"),
            &format!("{GOOD}[settings.values]\ncount_header = \"(人\"\n"),
        )
        .expect_err("bad regex")
        .to_string();
        assert!(
            e.contains("r.toml") && e.contains("settings.values.count_header (line 7)"),
            "{e}"
        );
    }

    #[test]
    fn a_pipeline_overrides_the_shared_vocabulary_key_by_key() {
        let shared = crate::defaults::compiled();
        let p = Pipeline::parse(Path::new("p.toml"), GOOD).expect("valid");
        assert_eq!(&p.vocabulary, shared);
        let q = Pipeline::parse(
            Path::new("q.toml"),
            &format!(
                "{GOOD}[vocabulary.marks]
no_number = [\"未定\", \"皆増\"]
[vocabulary.units.yen]\n\"億\" = 100000000\n"
            ),
        )
        .expect("valid");
        // The list given replaces that list; the rest is the shared one.
        assert_eq!(q.vocabulary.marks.no_number, ["未定", "皆増"]);
        assert_eq!(q.vocabulary.marks.none, shared.marks.none);
        assert_eq!(q.vocabulary.units.yen, shared.units.yen);
        assert_eq!(q.vocabulary.eras, shared.eras);
        assert_ne!(p.content_hash(), q.content_hash());
        // A bad override names the pipeline, its key and its line.
        let e = Pipeline::parse(
            Path::new("r.toml"),
            &format!("{GOOD}[vocabulary.periods]\nprevious = []\n"),
        )
        .expect_err("an empty list")
        .to_string();
        assert!(
            e.contains("r.toml") && e.contains("vocabulary.periods.previous (line 7)"),
            "{e}"
        );
        let e = Pipeline::parse(
            Path::new("s.toml"),
            &format!("{GOOD}[vocabulary.marks]\nnone_marks = [\"-\"]\n"),
        )
        .expect_err("an unknown key")
        .to_string();
        assert!(e.contains("s.toml") && e.contains("none_marks"), "{e}");
        let e = Pipeline::parse(
            Path::new("t.toml"),
            &format!("{GOOD}[vocabulary.settings.values]\ncount_header = \"人\"\n"),
        )
        .expect_err("settings are not vocabulary")
        .to_string();
        assert!(e.contains("vocabulary.settings"), "{e}");
    }

    #[test]
    fn a_bad_value_in_each_settings_section_is_named_with_its_line() {
        assert_eq!(Settings::default().validate(), Ok(()));
        for (section, key, value) in [
            ("layout", "line_overlap", "2.0"),
            ("table", "joint_tol", "-3.0"),
            ("table", "parallel_row_min_columns", "1"),
            ("logical", "max_header_rows", "0"),
            ("logical", "unit_words", "[\"千円\", \"\"]"),
            ("ocr", "target_dpi", "1e6"),
            ("ocr", "min_text_glyphs", "0"),
            ("ocr", "tesseract", "\"\""),
            ("values", "percent_header", "\"(\""),
            ("totals", "slack_per_row", "-1.0"),
            ("totals", "over_totals_max", "40"),
            ("series", "column_match_min", "1.5"),
        ] {
            // `line_overlap` is a key of two sections: the one named is the one found.
            let other = if section == "table" {
                "layout"
            } else {
                "table"
            };
            let text = format!(
                "{GOOD}[settings.{other}]\nline_overlap = 0.5\n[settings.{section}]\n# {key}\n{key} = {value}\n"
            );
            let line = text.lines().count();
            let e = Pipeline::parse(Path::new("p.toml"), &text)
                .expect_err(key)
                .to_string();
            let want = format!("settings.{section}.{key} (line {line}): ");
            assert!(e.contains("p.toml") && e.contains(&want), "{want}: {e}");
        }
        // The same key set as a dotted key under `[settings]`, or in an inline table.
        let e = Pipeline::parse(
            Path::new("p.toml"),
            &format!("{GOOD}[settings]\ntable.joint_tol = -1.0\n"),
        )
        .expect_err("dotted")
        .to_string();
        assert!(e.contains("settings.table.joint_tol (line 7)"), "{e}");
        let e = Pipeline::parse(
            Path::new("p.toml"),
            &format!("{GOOD}[settings]\ntable = {{ joint_tol = -1.0 }}\n"),
        )
        .expect_err("inline")
        .to_string();
        assert!(e.contains("settings.table.joint_tol"), "{e}");
    }

    #[test]
    fn bad_values_are_explained() {
        let e = Pipeline::parse(
            Path::new("p.toml"),
            "[input]\npaths = []\n[output]\ndir = \"o\"\n",
        )
        .expect_err("empty")
        .to_string();
        assert!(e.contains("input.paths"), "{e}");
        let text = format!("{GOOD}\n[extract]\nmode = \"magic\"\n");
        let e = Pipeline::parse(Path::new("p.toml"), &text)
            .expect_err("bad mode")
            .to_string();
        assert!(e.contains("magic"), "{e}");
    }
}
