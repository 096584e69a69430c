//! The shared defaults of `config/defaults.toml`: the unit words and yen units, the era
//! table, the negative, none and no-number marks, and the header words of percent and
//! count columns.
//!
//! The file is compiled in ([`TEXT`]), so the binary, the tests and `cargo run` read the
//! same values wherever they run; it is the only place they are written. Its
//! `[settings.<stage>]` tables are the `Default`s of the stage settings of the same name
//! (a pipeline overrides them key by key); its eras, marks and units hold for every
//! pipeline and are read through [`builtin`]. [`check`] parses and validates it with
//! errors naming the file, the key and the line; the CLI runs it before anything else and
//! a unit test runs it on every build.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The file's path in the repository, for messages.
pub const FILE: &str = "config/defaults.toml";

/// The file's text, as compiled in.
pub const TEXT: &str = include_str!("../config/defaults.toml");

/// `config/defaults.toml`, parsed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Defaults of pipeline settings (`[settings.<stage>]`).
    pub settings: SettingsDefaults,
    /// The eras, oldest first (`[[eras]]`).
    pub eras: Vec<EraDef>,
    pub marks: Marks,
    pub periods: Periods,
    pub units: Units,
}

/// Period words of column headers (`[periods]`), each list searched in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Periods {
    /// Words that put a column in the year before the document's.
    pub previous: Vec<String>,
    /// Words that put a column in the document's own year.
    pub current: Vec<String>,
}

/// The pipeline settings whose defaults the file gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsDefaults {
    pub logical: LogicalDefaults,
    pub values: ValueDefaults,
}

/// Defaults of `[settings.logical]` (`LogicalSettings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogicalDefaults {
    pub unit_words: Vec<String>,
}

/// Defaults of `[settings.values]` (`ValueSettings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDefaults {
    pub percent_header: String,
    pub count_header: String,
}

/// One era: its name (`平成`), one-letter abbreviation (`H`) and first day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EraDef {
    pub name: String,
    pub abbr: char,
    pub start: toml::value::Datetime,
}

impl EraDef {
    /// The first day as (year, month, day); `None` when `start` is not a plain date.
    pub fn start_date(&self) -> Option<(i32, u32, u32)> {
        match (&self.start.date, &self.start.time, &self.start.offset) {
            (Some(d), None, None) => {
                Some((i32::from(d.year), u32::from(d.month), u32::from(d.day)))
            }
            _ => None,
        }
    }
}

/// Marks in numeric cells (`[marks]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marks {
    /// Signs before a number that make it negative.
    pub minus: Vec<char>,
    /// Dash characters that, one to three alone in a cell, print "no value".
    pub none: Vec<char>,
    /// Words a numeric column prints instead of a number.
    pub no_number: Vec<String>,
}

/// Units in cells and notes (`[units]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Units {
    /// Counter words after a number (`38事業`).
    pub counters: Vec<String>,
    /// Count units a header or note names (`（人）`, `単位：世帯`).
    pub count_notes: Vec<String>,
    /// Count units printed alone in a unit row.
    pub count_rows: Vec<String>,
    /// What precedes 円 in a yen unit, and how many yen one unit is.
    pub yen: BTreeMap<String, i64>,
}

/// `config/defaults.toml` could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid defaults file {file}: {message}")]
pub struct Error {
    pub file: String,
    pub message: String,
}

/// The compiled-in defaults, parsed and checked once. The `[settings.<stage>]` defaults
/// are read from here; the vocabulary (eras, marks, periods, units) through [`builtin`].
///
/// # Panics
/// When the compiled-in file is invalid: a build defect, not an input, which the unit
/// test `the_shipped_defaults_load` and the CLI's start ([`check`]) report first.
pub fn compiled() -> &'static Defaults {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    DEFAULTS.get_or_init(|| match parse(FILE, TEXT) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    })
}

/// The vocabulary in force: the one the run's pipeline installed ([`install`]), else the
/// compiled-in one. Every reader of eras, marks, periods and units goes through here.
pub fn builtin() -> &'static Defaults {
    ACTIVE.get_or_init(|| compiled().clone())
}

static ACTIVE: OnceLock<Defaults> = OnceLock::new();

/// Puts a pipeline's vocabulary ([`with_overrides`]) in force for this process: a process
/// reads one pipeline, and installs its vocabulary before reading any document. An error
/// when a different vocabulary was read or installed before (readers compile their
/// patterns from the first one they see).
pub fn install(d: Defaults) -> Result<(), String> {
    match ACTIVE.set(d) {
        Ok(()) => Ok(()),
        Err(d) if ACTIVE.get() == Some(&d) => Ok(()),
        Err(_) => Err(
            "the pipeline's [vocabulary] came after another vocabulary was in use in this \
             process (one pipeline a process)"
                .into(),
        ),
    }
}

/// The compiled-in defaults with a pipeline's `[vocabulary]` table laid over them key by
/// key (tables merge, any other value replaces: `[vocabulary.marks] none = [...]` replaces
/// the none marks and keeps the rest), checked like the file itself. `file` and `text`
/// name the pipeline in errors, whose keys read `vocabulary.<key>`.
pub fn with_overrides(overrides: &toml::Table, file: &str, text: &str) -> Result<Defaults, Error> {
    if overrides.is_empty() {
        return Ok(compiled().clone());
    }
    if overrides.contains_key("settings") {
        return Err(invalid(
            file,
            text,
            "vocabulary.settings",
            "stage settings go under [settings.<stage>], not [vocabulary]".into(),
        ));
    }
    fn merge(base: &mut toml::Table, over: &toml::Table) {
        for (k, v) in over {
            match (base.get_mut(k), v) {
                (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
                _ => {
                    base.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut base: toml::Table = toml::from_str(TEXT).map_err(|e| Error {
        file: FILE.into(),
        message: e.to_string(),
    })?;
    merge(&mut base, overrides);
    // Through TOML text, so dates stay dates.
    let merged = toml::to_string(&base).map_err(|e| Error {
        file: file.into(),
        message: format!("vocabulary: {e}"),
    })?;
    let d: Defaults = toml::from_str(&merged).map_err(|e| Error {
        file: file.into(),
        message: format!("vocabulary: {}", e.message()),
    })?;
    validate(&d)
        .map_err(|(key, message)| invalid(file, text, &format!("vocabulary.{key}"), message))?;
    Ok(d)
}

/// Parses and validates the compiled-in file, and checks the stage settings it gives
/// defaults to; the CLI calls this before reading anything.
pub fn check() -> Result<(), Error> {
    parse(FILE, TEXT)?;
    crate::pipeline::Settings::default()
        .validate()
        .map_err(|e| {
            let key = format!("settings.{}", e.key);
            invalid(FILE, TEXT, &key, e.message)
        })
}

/// Parses defaults text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Defaults, Error> {
    // toml's message names the key and gives the line and column.
    let d: Defaults = toml::from_str(text).map_err(|e| Error {
        file: file.into(),
        message: e.to_string().trim_end().to_string(),
    })?;
    validate(&d).map_err(|(key, message)| invalid(file, text, &key, message))?;
    Ok(d)
}

fn invalid(file: &str, text: &str, key: &str, message: String) -> Error {
    let line = crate::pipeline::config::line_of_key(text, key)
        .map(|l| format!(" (line {l})"))
        .unwrap_or_default();
    Error {
        file: file.into(),
        message: format!("{key}{line}: {message}"),
    }
}

/// The first key the rules cannot use, with why.
fn validate(d: &Defaults) -> Result<(), (String, String)> {
    let bad = |key: &str, message: String| Err((key.to_string(), message));
    let words = |key: &str, words: &[String]| -> Result<(), (String, String)> {
        crate::limits::check_words(key, words, true).map_err(|e| (e.key, e.message))
    };
    words(
        "settings.logical.unit_words",
        &d.settings.logical.unit_words,
    )?;
    words("periods.previous", &d.periods.previous)?;
    words("periods.current", &d.periods.current)?;
    for (key, pattern) in [
        (
            "settings.values.percent_header",
            &d.settings.values.percent_header,
        ),
        (
            "settings.values.count_header",
            &d.settings.values.count_header,
        ),
    ] {
        if let Err(e) = regex::Regex::new(pattern) {
            return bad(key, e.to_string());
        }
    }
    if d.eras.is_empty() {
        return bad("eras", "give at least one era".into());
    }
    let mut previous: Option<(i32, u32, u32)> = None;
    for (i, e) in d.eras.iter().enumerate() {
        let key = format!("eras[{i}]");
        if e.name.chars().count() < 2 {
            return bad(
                &format!("{key}.name"),
                format!("{:?}: give the era's name", e.name),
            );
        }
        if !e.abbr.is_ascii_uppercase() {
            return bad(
                &format!("{key}.abbr"),
                format!("{:?} is not an ASCII capital", e.abbr),
            );
        }
        for other in &d.eras[..i] {
            if other.abbr == e.abbr || other.name.chars().next() == e.name.chars().next() {
                return bad(
                    &key,
                    format!(
                        "{} shares its abbreviation or first character with {}",
                        e.name, other.name
                    ),
                );
            }
        }
        let Some(start) = e.start_date() else {
            return bad(&format!("{key}.start"), "give a date (1989-01-08)".into());
        };
        if previous.is_some_and(|p| p >= start) {
            return bad(
                &format!("{key}.start"),
                "eras must be listed oldest first".into(),
            );
        }
        previous = Some(start);
    }
    let marks = &d.marks;
    if marks.minus.is_empty() {
        return bad("marks.minus", "give at least one sign".into());
    }
    if marks.none.is_empty() {
        return bad("marks.none", "give at least one dash".into());
    }
    if let Some(c) = marks
        .minus
        .iter()
        .chain(&marks.none)
        .find(|c| c.is_ascii_alphabetic() || c.is_numeric() || c.is_whitespace())
    {
        return bad(
            "marks",
            format!("{c:?} is a Latin letter, digit or space, not a mark"),
        );
    }
    words("marks.no_number", &marks.no_number)?;
    words("units.counters", &d.units.counters)?;
    words("units.count_notes", &d.units.count_notes)?;
    words("units.count_rows", &d.units.count_rows)?;
    // The yen units a note or header can print: `(十|百|千)?(万|億|兆)?` before 円
    // (`normalize::number::unit_in_text` finds them in that shape).
    let shape = regex::Regex::new("^(?:十|百|千)?(?:万|億|兆)?$")
        .map_err(|e| ("units.yen".to_string(), e.to_string()))?;
    for (prefix, &yen) in &d.units.yen {
        if !shape.is_match(prefix) {
            return bad(
                &format!("units.yen.{prefix}"),
                format!("{prefix:?}円 is not a yen unit of the form (十|百|千)(万|億|兆)円"),
            );
        }
        if yen < 1 {
            return bad(
                &format!("units.yen.{prefix}"),
                format!("{yen} is not a number of yen >= 1"),
            );
        }
    }
    if d.units.yen.get("") != Some(&1) {
        return bad("units.yen", "\"\" (円 alone) must be 1".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_defaults_load() {
        assert_eq!(check(), Ok(()));
        let d = builtin();
        assert_eq!(d.eras.len(), 5);
        assert_eq!(d.eras[3].start_date(), Some((1989, 1, 8)));
        assert_eq!(d.units.yen.get("百万"), Some(&1_000_000));
    }

    #[test]
    fn bad_defaults_name_file_key_and_line() {
        let err = |from: &str, to: &str| {
            assert!(TEXT.contains(from), "{from}");
            parse("d.toml", &TEXT.replacen(from, to, 1))
                .expect_err(to)
                .to_string()
        };
        let line = |needle: &str| TEXT[..TEXT.find(needle).unwrap_or(0)].matches('\n').count() + 1;
        let e = err("start = 1989-01-08", "start = 1925-01-08");
        assert!(
            e.contains("d.toml")
                && e.contains(&format!(
                    "eras[3].start (line {})",
                    line("start = 1989-01-08")
                ))
                && e.contains("oldest first"),
            "{e}"
        );
        let e = err("abbr = \"H\"", "abbr = \"S\"");
        assert!(e.contains("eras[3]") && e.contains("昭和"), "{e}");
        let e = err("\"十万\" = 100_000", "\"十万\" = 0");
        assert!(
            e.contains(&format!(
                "units.yen.十万 (line {})",
                line("\"十万\" = 100_000")
            )),
            "{e}"
        );
        let e = err("\"兆\" = ", "\"ドル\" = ");
        assert!(
            e.contains("units.yen.ドル") && e.contains("not a yen unit"),
            "{e}"
        );
        let e = err("percent_header = \"率", "percent_header = \"(率");
        assert!(
            e.contains(&format!(
                "settings.values.percent_header (line {})",
                line("percent_header =")
            )),
            "{e}"
        );
        let e = err("minus = [\"▲\"", "minus = [\"a\"");
        assert!(e.contains("marks") && e.contains("'a'"), "{e}");
        let e = err("counters = [", "counters = [\"\", ");
        assert!(e.contains("units.counters") && e.contains("empty"), "{e}");
        // An unknown key and a wrong type are toml's errors, with line and column.
        let e = err("[marks]", "[marks]\ndashes = [\"-\"]");
        assert!(
            e.contains("d.toml") && e.contains("dashes") && e.contains("line"),
            "{e}"
        );
        let e = err("start = 2019-05-01", "start = \"2019-05-01\"");
        assert!(e.contains("start") && e.contains("line"), "{e}");
    }
}
