//! Table kinds of a pipeline: what a kind of table looks like (header patterns that must
//! be present) and its canonical columns (a name, a type, the header variants that map to
//! it). The pure part: the types a pipeline file's `[[kinds]]` parse into, recognizing a
//! table's kind and mapping its columns, and reading a table's cells as canonical values.
//!
//! Header variants are literals or regexes. A literal (`前年度予算額`) matches a header
//! equal to it after NFKC and whitespace removal, with or without a trailing unit in
//! brackets (`前年度予算額（千円）`), or the last part of a two-level header
//! (`予算額（千円）/前年度` matches `前年度`). A regex is written between slashes
//! (`/^(5年間|.*年度)の取組成果$|^取組状況$/`) and is searched in the normalized header;
//! the regex is NFKC'd too, so write `[~〜]`, not `[~～〜]` (`～` becomes `~`, and `~~`
//! inside a class is the regex crate's symmetric difference).

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::era;
use super::number::{parse_cell, unit_in_text, Cell, NumberKind, Unit, Value};
use super::text::nfkc;
use super::values::{typed_table, ColumnType, ValueSettings};
use crate::logical::{LogicalTable, RowKind};
use crate::text::chars::squash;

/// A canonical column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    /// Integer yen.
    Amount,
    Integer,
    /// A decimal number (`1.84` persons per household), as a float.
    Number,
    Percent,
    /// A date (`平成18年4月1日`), as `YYYY-MM-DD` / `YYYY-MM`.
    Date,
    /// A fiscal year (`平成18年度` → 2006).
    FiscalYear,
}

/// A canonical column of a kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnKind,
    /// Header variants: literals, or regexes between slashes.
    pub headers: Vec<String>,
    /// For `amount`: the unit when the table names none (`千円`). Default `円`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// How a kind is recognized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchRules {
    /// Header patterns (literal or `/regex/`) each of which some column header must match.
    #[serde(default)]
    pub headers: Vec<String>,
    /// A pattern the caption must match, if given.
    #[serde(default)]
    pub caption: Option<String>,
    /// At least this many canonical columns must map to table columns. Default 1.
    #[serde(default = "default_min_columns")]
    pub min_columns: usize,
    /// Arithmetic between canonical columns (`change = current - previous`,
    /// `change_rate = change / previous %`). A table whose headers match no kind is of
    /// this kind when its number columns satisfy every relation (a scan's misread header):
    /// the relations map those columns, and the first text column is the kind's first text
    /// column. Empty (default): headers only.
    #[serde(default)]
    pub relations: Vec<String>,
}

fn default_min_columns() -> usize {
    1
}

/// A table kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub name: String,
    /// The dataset its rows go to.
    pub dataset: String,
    #[serde(rename = "match")]
    pub rules: MatchRules,
    pub columns: Vec<KindColumn>,
    /// Its patterns and relations, compiled the first time they are needed (the pipeline
    /// loader validates each kind, which compiles it): once per loaded pipeline, not once
    /// per table.
    #[serde(skip)]
    compiled: CompiledOnce,
}

/// A kind's patterns and relations, compiled.
#[derive(Clone, Debug)]
struct Compiled {
    headers: Vec<Pattern>,
    caption: Option<Pattern>,
    /// Each canonical column's header patterns, in column order.
    columns: Vec<Vec<Pattern>>,
    relations: Vec<super::relations::Relation>,
}

/// The compiled form of a kind, made once. It is derived from the definition, so two
/// kinds are equal when their definitions are, compiled or not.
#[derive(Clone, Debug, Default)]
struct CompiledOnce(std::sync::OnceLock<Result<Compiled, KindError>>);

impl PartialEq for CompiledOnce {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A kind definition that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    #[error("kind {kind:?}: {field}: invalid pattern {pattern:?}: {message}")]
    Pattern {
        kind: String,
        field: String,
        pattern: String,
        message: String,
    },
    #[error("kind {kind:?}: column {column:?}: unknown unit {unit:?} (use 円, 千円, 万円, 百万円, 億円 or 兆円)")]
    Unit {
        kind: String,
        column: String,
        unit: String,
    },
    #[error("kind {kind:?}: {message}")]
    Invalid { kind: String, message: String },
}

/// The `kinds` of a pipeline or config file (other keys ignored).
#[derive(Debug, Deserialize)]
struct KindsOnly {
    #[serde(default)]
    kinds: Vec<Kind>,
}

/// Reads the `[[kinds]]` of a TOML text and validates them. toml's message names the key
/// and the line.
pub fn kinds_from_toml(text: &str) -> Result<Vec<Kind>, String> {
    let k: KindsOnly = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
    for kind in &k.kinds {
        kind.validate().map_err(|e| e.to_string())?;
    }
    Ok(k.kinds)
}

/// A header pattern: a literal or a regex.
#[derive(Clone, Debug)]
enum Pattern {
    Literal(String),
    Regex(Regex),
}

/// `前年度予算額(千円)` → `前年度予算額`: a trailing bracketed unit or note removed.
fn strip_trailing_unit(s: &str) -> &str {
    if let Some(open) = s.rfind('(') {
        if s.ends_with(')') && open > 0 {
            return &s[..open];
        }
    }
    s
}

impl Pattern {
    fn new(p: &str) -> Result<Pattern, String> {
        match p.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
            Some(re) if p.len() >= 2 => Regex::new(&nfkc(re))
                .map(Pattern::Regex)
                .map_err(|e| e.to_string()),
            _ => Ok(Pattern::Literal(squash(p))),
        }
    }

    /// Whether a (flattened) header matches.
    fn matches(&self, header: &str) -> bool {
        let h = squash(header);
        match self {
            Pattern::Regex(re) => re.is_match(&h),
            Pattern::Literal(l) => {
                let last = h.rsplit('/').next().unwrap_or(&h);
                [h.as_str(), last]
                    .iter()
                    .any(|x| *x == l || strip_trailing_unit(x) == l)
            }
        }
    }
}

fn compile(kind: &str, field: &str, p: &str) -> Result<Pattern, KindError> {
    Pattern::new(p).map_err(|message| KindError::Pattern {
        kind: kind.into(),
        field: field.into(),
        pattern: p.into(),
        message,
    })
}

impl Kind {
    /// Checks every pattern compiles, names are unique and units are known.
    pub fn validate(&self) -> Result<(), KindError> {
        self.compiled()?;
        let invalid = |message: String| KindError::Invalid {
            kind: self.name.clone(),
            message,
        };
        if self.name.trim().is_empty() {
            return Err(invalid("name is empty".into()));
        }
        if self.dataset.trim().is_empty() {
            return Err(invalid("dataset is empty".into()));
        }
        if self.columns.is_empty() {
            return Err(invalid("no columns".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.columns {
            if !seen.insert(c.name.as_str()) {
                return Err(invalid(format!("column {:?} defined twice", c.name)));
            }
            if c.headers.is_empty() {
                return Err(invalid(format!("column {:?}: no headers", c.name)));
            }
            if let Some(u) = &c.unit {
                if !matches!(unit_in_text(u), Some(Unit::Yen(_))) {
                    return Err(KindError::Unit {
                        kind: self.name.clone(),
                        column: c.name.clone(),
                        unit: u.clone(),
                    });
                }
            }
        }
        let relations = self.compiled()?.relations.iter().zip(&self.rules.relations);
        for (rel, r) in relations {
            for n in rel.names() {
                if !self.columns.iter().any(|c| c.name == n) {
                    return Err(invalid(format!(
                        "match.relations: {r:?} names {n:?}, not a column of the kind"
                    )));
                }
            }
        }
        if self.rules.min_columns > self.columns.len() {
            return Err(invalid(format!(
                "match.min_columns {} exceeds the {} columns",
                self.rules.min_columns,
                self.columns.len()
            )));
        }
        Ok(())
    }

    /// The kind's patterns and relations, compiled on first use and kept; the error of
    /// the first that does not compile.
    fn compiled(&self) -> Result<&Compiled, KindError> {
        self.compiled
            .0
            .get_or_init(|| self.compile())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn compile(&self) -> Result<Compiled, KindError> {
        let name = &self.name;
        let headers = self
            .rules
            .headers
            .iter()
            .map(|p| compile(name, "match.headers", p))
            .collect::<Result<_, _>>()?;
        let caption = match &self.rules.caption {
            Some(c) => Some(compile(name, "match.caption", c)?),
            None => None,
        };
        let columns = self
            .columns
            .iter()
            .map(|c| {
                let field = format!("columns.{}.headers", c.name);
                c.headers.iter().map(|h| compile(name, &field, h)).collect()
            })
            .collect::<Result<_, _>>()?;
        let relations = self
            .rules
            .relations
            .iter()
            .map(|r| {
                super::relations::Relation::parse(r).map_err(|m| KindError::Invalid {
                    kind: name.clone(),
                    message: format!("match.relations: {m}"),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Compiled {
            headers,
            caption,
            columns,
            relations,
        })
    }

    /// The yen multiplier for amount column `i` when the table names no unit.
    fn default_multiplier(&self, i: usize) -> i64 {
        match self
            .columns
            .get(i)
            .and_then(|c| c.unit.as_deref())
            .and_then(unit_in_text)
        {
            Some(Unit::Yen(m)) => m,
            _ => 1,
        }
    }
}

/// Table column names to match against: the flattened names, or the last header row when
/// a table has no flattened names.
fn headers_of(t: &LogicalTable) -> Vec<String> {
    let n = t
        .columns
        .len()
        .max(t.header_rows.iter().map(Vec::len).max().unwrap_or(0));
    (0..n)
        .map(|c| {
            let name = t.columns.get(c).cloned().unwrap_or_default();
            if name.trim().is_empty() {
                t.header_rows
                    .iter()
                    .rev()
                    .find_map(|r| r.get(c).filter(|h| !h.trim().is_empty()).cloned())
                    .unwrap_or_default()
            } else {
                name
            }
        })
        .collect()
}

/// The table column of each canonical column of `kind` (canonical order), each table
/// column used at most once, first match wins.
pub fn map_columns(table: &LogicalTable, kind: &Kind) -> Vec<Option<usize>> {
    let headers = headers_of(table);
    let mut used = vec![false; headers.len()];
    // A kind that does not compile (never one the loader validated) maps nothing.
    let Ok(compiled) = kind.compiled() else {
        return vec![None; kind.columns.len()];
    };
    compiled
        .columns
        .iter()
        .map(|pats| {
            let hit = (0..headers.len())
                .find(|&i| !used[i] && pats.iter().any(|p| p.matches(&headers[i])));
            if let Some(i) = hit {
                used[i] = true;
            }
            hit
        })
        .collect()
}

/// Whether a table is of `kind`: every match header present, the caption pattern (if
/// any) found, and enough canonical columns mapped. Returns the number mapped.
fn kind_score(table: &LogicalTable, kind: &Kind) -> Option<usize> {
    let headers = headers_of(table);
    let compiled = kind.compiled().ok()?;
    for pat in &compiled.headers {
        if !headers.iter().any(|h| pat.matches(h)) {
            return None;
        }
    }
    if let Some(pat) = &compiled.caption {
        let cap = table.caption.as_deref().unwrap_or("");
        let hit = match pat {
            Pattern::Regex(re) => re.is_match(&squash(cap)),
            Pattern::Literal(l) => squash(cap).contains(l.as_str()),
        };
        if !hit {
            return None;
        }
    }
    let mapped = map_columns(table, kind)
        .iter()
        .filter(|m| m.is_some())
        .count();
    (mapped >= kind.rules.min_columns.max(1)).then_some(mapped)
}

/// The kind a table is: of those whose rules hold, the one mapping most columns (the
/// first on a tie).
pub fn match_kind<'k>(table: &LogicalTable, kinds: &'k [Kind]) -> Option<&'k Kind> {
    let mut best: Option<(&Kind, usize)> = None;
    for k in kinds {
        if let Some(s) = kind_score(table, k) {
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((k, s));
            }
        }
    }
    best.map(|(k, _)| k)
}

/// The body of a table as numbers for [`super::relations`]: section rows left out, `－`
/// read as zero.
fn number_matrix(table: &LogicalTable) -> super::relations::NumberMatrix {
    table
        .rows
        .iter()
        .filter(|r| r.kind != RowKind::Section)
        .map(|r| {
            r.cells
                .iter()
                .map(|c| {
                    if crate::text::marks::is_none_mark(&nfkc(c)) {
                        return Some((0.0, 0));
                    }
                    let f = crate::text::figure::figure(c)?;
                    Some((f.to_f64(), f.decimals() as usize))
                })
                .collect()
        })
        .collect()
}

/// The kind a table is by the arithmetic of its numbers, for a table whose headers match
/// no kind: the first kind with relations they all satisfy and enough columns mapped.
/// Returns the kind's index and its column mapping.
pub fn match_kind_by_relations(
    table: &LogicalTable,
    kinds: &[Kind],
) -> Option<(usize, Vec<Option<usize>>)> {
    let m = number_matrix(table);
    let n_cols = table.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    kinds.iter().enumerate().find_map(|(ki, kind)| {
        let rels = &kind.compiled().ok()?.relations;
        if rels.is_empty() {
            return None;
        }
        let bound = super::relations::assign(&m, n_cols, rels)?;
        let mut map: Vec<Option<usize>> = kind
            .columns
            .iter()
            .map(|c| {
                bound
                    .iter()
                    .find(|(n, _)| *n == c.name)
                    .map(|(_, col)| *col)
            })
            .collect();
        // The first text column of the kind: the leftmost column of mostly text.
        if let Some(ti) = kind.columns.iter().position(|c| c.kind == ColumnKind::Text) {
            let texty = |col: usize| {
                let cells: Vec<&str> = table
                    .rows
                    .iter()
                    .filter(|r| r.kind != RowKind::Section)
                    .filter_map(|r| r.cells.get(col).map(String::as_str))
                    .filter(|t| !t.trim().is_empty())
                    .collect();
                let text = cells
                    .iter()
                    .filter(|t| crate::logical::text::parse_number(t).is_none())
                    .count();
                !cells.is_empty() && 2 * text > cells.len()
            };
            if map[ti].is_none() {
                map[ti] = (0..n_cols).find(|&c| !map.contains(&Some(c)) && texty(c));
            }
        }
        let mapped = map.iter().filter(|m| m.is_some()).count();
        (mapped >= kind.rules.min_columns.max(1)).then_some((ki, map))
    })
}

/// A canonical cell: raw text, typed value, unit of the value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CanonicalCell {
    pub raw: String,
    /// The value its column's kind reads, or none.
    pub value: Option<CellValue>,
    /// `円`, `%`, or empty.
    pub unit: &'static str,
    /// The cell holds something (not empty, not a dash) that could not be read as the
    /// column's type: its value is null, its raw text kept.
    pub unparsed: bool,
}

/// A body row read through a kind: one cell per canonical column (missing columns empty).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CanonicalRow {
    /// Index into the table's rows.
    pub row: usize,
    pub cells: Vec<CanonicalCell>,
}

/// A canonical cell's typed value, one variant per form a column kind reads: integer yen
/// and counts, fractions (percents, other numbers), fiscal years, dates (`YYYY-MM-DD`,
/// `YYYY-MM`, `YYYY`). Serialized as the bare number or text.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CellValue {
    Int(i64),
    Float(f64),
    Year(i32),
    Date(String),
}

impl CellValue {
    /// An integer (amounts, counts).
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            CellValue::Int(n) => Some(n),
            _ => None,
        }
    }
    /// A number as a float (percents, numbers; an integer widened).
    pub fn as_float(&self) -> Option<f64> {
        match *self {
            CellValue::Int(n) => Some(n as f64),
            CellValue::Float(f) => Some(f),
            _ => None,
        }
    }
    pub fn as_year(&self) -> Option<i32> {
        match *self {
            CellValue::Year(y) => Some(y),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<&str> {
        match self {
            CellValue::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// A number's cell value; none for a fraction that is not finite.
fn num(v: Value) -> Option<CellValue> {
    match v {
        Value::Int(n) => Some(CellValue::Int(n)),
        Value::Float(f) => f.is_finite().then_some(CellValue::Float(f)),
    }
}

/// The table's body rows (section rows left out) as canonical cells of `kind`. Amount
/// columns take the table's unit, else the kind's default `unit`; `context` is the era of
/// the report for bare dates (`18年4月`).
pub fn canonical_rows(
    table: &LogicalTable,
    kind: &Kind,
    settings: &ValueSettings,
    context: Option<&era::Era>,
) -> Vec<CanonicalRow> {
    let map = map_columns(table, kind);
    let typed = typed_table(table, settings);
    canonical_rows_mapped(table, kind, &map, &typed, context)
}

/// [`canonical_rows`] with the column mapping and the typed table given (a headerless
/// continuation takes both from the table it continues).
pub fn canonical_rows_mapped(
    table: &LogicalTable,
    kind: &Kind,
    map: &[Option<usize>],
    typed: &super::values::TypedTable,
    context: Option<&era::Era>,
) -> Vec<CanonicalRow> {
    let mut out = Vec::new();
    for (ri, row) in table.rows.iter().enumerate() {
        if row.kind == RowKind::Section {
            continue;
        }
        let cells = kind
            .columns
            .iter()
            .enumerate()
            .map(|(ci, col)| {
                let Some(tc) = map.get(ci).copied().flatten() else {
                    return CanonicalCell {
                        raw: String::new(),
                        value: None,
                        unit: "",
                        unparsed: false,
                    };
                };
                let raw = row.cells.get(tc).cloned().unwrap_or_default();
                let found = typed
                    .values
                    .get(ri)
                    .and_then(|r| r.get(tc))
                    .copied()
                    .flatten();
                let ty = typed.columns.get(tc).copied().unwrap_or(ColumnType::Text);
                let (value, unit) = match col.kind {
                    ColumnKind::Text => (None, ""),
                    ColumnKind::Amount => match ty {
                        ColumnType::Number(NumberKind::Amount { .. }) => {
                            (found.and_then(num), "円")
                        }
                        // The table named no unit: the kind's default.
                        _ => {
                            let m = kind.default_multiplier(ci);
                            let v = super::number::cell_value(
                                &raw,
                                NumberKind::Amount { multiplier: m },
                            )
                            .ok()
                            .flatten();
                            (v.and_then(num), "円")
                        }
                    },
                    ColumnKind::Percent => {
                        let v = super::number::cell_value(&raw, NumberKind::Percent)
                            .ok()
                            .flatten();
                        (v.and_then(num), "%")
                    }
                    ColumnKind::Integer => {
                        // A fraction is not an integer: null (and counted as unparsed).
                        let v = super::number::cell_value(&raw, NumberKind::Count)
                            .ok()
                            .flatten()
                            .filter(|v| matches!(v, Value::Int(_)));
                        (v.and_then(num), "")
                    }
                    ColumnKind::Number => {
                        let v = super::number::cell_value(&raw, NumberKind::Count)
                            .ok()
                            .flatten()
                            .map(|v| Value::Float(v.as_f64()));
                        (v.and_then(num), "")
                    }
                    ColumnKind::FiscalYear => (
                        era::parse_fiscal_year(&raw, context).map(CellValue::Year),
                        "",
                    ),
                    ColumnKind::Date => {
                        let d = era::parse_date(&raw, context);
                        let s = d.map(|d| match (d.month, d.day) {
                            (Some(m), Some(day)) => format!("{:04}-{:02}-{:02}", d.year, m, day),
                            (Some(m), None) => format!("{:04}-{:02}", d.year, m),
                            _ => format!("{:04}", d.year),
                        });
                        (s.map(CellValue::Date), "")
                    }
                };
                let unparsed = col.kind != ColumnKind::Text
                    && value.is_none()
                    && !matches!(
                        parse_cell(&raw),
                        Cell::Empty | Cell::Null | Cell::NoNumber | Cell::Unit(_)
                    );
                CanonicalCell {
                    raw,
                    value,
                    unit,
                    unparsed,
                }
            })
            .collect();
        out.push(CanonicalRow { row: ri, cells });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::values::tests::table;

    const BUDGET: &str = r#"
[[kinds]]
name = "budget_items"
dataset = "budget"
match = { headers = ["/予算額/", "/増減/"] }

[[kinds.columns]]
name = "item"
type = "text"
headers = ["事業名", "科目"]

[[kinds.columns]]
name = "previous"
type = "amount"
unit = "千円"
headers = ["前年度予算額", "前年度当初予算額", "前年度", "前年度当初", "/^(平成|令和)\\d+年度予算額/"]

[[kinds.columns]]
name = "current"
type = "amount"
unit = "千円"
headers = ["本年度予算額", "本年度当初予算額", "本年度", "本年度当初", "/^(平成|令和)\\d+年度予算額/"]

[[kinds.columns]]
name = "rate"
type = "percent"
headers = ["/増減率/"]
"#;

    #[test]
    fn literals_and_regexes() {
        let p = |s: &str| Pattern::new(s).unwrap_or(Pattern::Literal(String::new()));
        assert!(p("前年度予算額").matches("前年度予算額（千円）"));
        assert!(p("前年度予算額").matches("前年度 予算額"));
        assert!(p("前年度").matches("予算額（千円）/前年度"));
        assert!(!p("前年度").matches("前年度予算額"));
        assert!(p("課題").matches("課 題"));
        assert!(p("/^(5年間|.*年度)の取組成果$|^取組(状況|成果)$/").matches("平成19年度の取組成果"));
        assert!(p("/^(5年間|.*年度)の取組成果$|^取組(状況|成果)$/").matches("5年間の取組成果"));
        assert!(p("/^(5年間|.*年度)の取組成果$|^取組(状況|成果)$/").matches("取組状況"));
        assert!(!p("/^(5年間|.*年度)の取組成果$|^取組(状況|成果)$/").matches("主な実績"));
        assert!(p("/増減率/").matches("増減率（％）"));
        assert!(Pattern::new("/(/").is_err());
    }

    #[test]
    fn parse_validate_match_map() {
        let kinds = kinds_from_toml(BUDGET).unwrap_or_default();
        assert_eq!(kinds.len(), 1);
        let t = table(
            &[
                "事業名",
                "前年度予算額",
                "本年度予算額",
                "比較増減",
                "増減率（%）",
            ],
            &[],
            None,
            &[
                (&["a", "1,000", "1,200", "200", "20.0"], RowKind::Data),
                (&["総計", "1,000", "1,200", "200", "20.0"], RowKind::Total),
            ],
        );
        let k = match_kind(&t, &kinds);
        assert_eq!(k.map(|k| k.name.as_str()), Some("budget_items"));
        assert_eq!(
            map_columns(&t, &kinds[0]),
            vec![Some(0), Some(1), Some(2), Some(4)]
        );
        // No unit anywhere: the kind's default 千円.
        let rows = canonical_rows(&t, &kinds[0], &ValueSettings::default(), None);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells[1].value, Some(CellValue::Int(1_000_000)));
        assert_eq!(rows[0].cells[3].value, Some(CellValue::Float(20.0)));
        assert_eq!(rows[0].cells[0].raw, "a");
        // Years in headers: 平成23年度予算額 is the previous year, the first match wins.
        let t2 = table(
            &[
                "事業名",
                "平成23年度予算額（千円）",
                "本年度予算額（千円）",
                "増減",
                "増減率",
            ],
            &[],
            None,
            &[(&["a", "1", "2", "1", "100.0"], RowKind::Data)],
        );
        assert_eq!(
            map_columns(&t2, &kinds[0]),
            vec![Some(0), Some(1), Some(2), Some(4)]
        );
        // A statistics table is not a budget table.
        let t3 = table(
            &["区名", "人口/男", "人口/女"],
            &[],
            None,
            &[(&["北区", "1", "2"], RowKind::Data)],
        );
        assert!(match_kind(&t3, &kinds).is_none());
    }

    #[test]
    fn misread_headers_match_by_arithmetic() {
        let text = BUDGET
            .replace(
                "match = { headers = [\"/予算額/\", \"/増減/\"] }",
                "match = { headers = [\"/予算額/\", \"/増減/\"], relations = [\"change = current - previous\", \"rate = change / previous %\"] }",
            )
            .replace(
                "[[kinds.columns]]\nname = \"rate\"",
                "[[kinds.columns]]\nname = \"change\"\ntype = \"amount\"\nunit = \"千円\"\nheaders = [\"増減\"]\n\n[[kinds.columns]]\nname = \"rate\"",
            );
        let kinds = kinds_from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kinds[0].rules.relations.len(), 2);
        // A scan's header: nothing readable.
        let t = table(
            &["事業名", "Fee yt COATS", "ERY", "si", "SE (%)"],
            &[],
            None,
            &[
                (&["1 総務費", "", "", "", ""], RowKind::Section),
                (
                    &["戸籍事務", "9,930", "7,789", "▲2,141", "▲21.6"],
                    RowKind::Data,
                ),
                (&["防災", "28,207", "30,747", "2,540", "9.0"], RowKind::Data),
                (&["啓発", "－", "1,527", "1,527", "－"], RowKind::Data),
                (
                    &["協議会", "1,994,954", "1,666,341", "▲328,613", "▲16.5"],
                    RowKind::Data,
                ),
            ],
        );
        assert!(match_kind(&t, &kinds).is_none(), "headers do not match");
        let (ki, map) = match_kind_by_relations(&t, &kinds).expect("matched by arithmetic");
        assert_eq!(ki, 0);
        // item, previous, current, change, rate
        assert_eq!(map, vec![Some(0), Some(1), Some(2), Some(3), Some(4)]);
        let rows = canonical_rows_mapped(
            &t,
            &kinds[0],
            &map,
            &typed_table(&t, &ValueSettings::default()),
            None,
        );
        assert_eq!(
            rows[0].cells[1].value,
            Some(CellValue::Int(9_930_000)),
            "the kind's 千円"
        );
        // Numbers without the arithmetic are no budget.
        let t2 = table(
            &["区名", "a", "b", "c"],
            &[],
            None,
            &[
                (&["北区", "1", "2", "3"], RowKind::Data),
                (&["西区", "4", "5", "6"], RowKind::Data),
                (&["東区", "7", "9", "8"], RowKind::Data),
            ],
        );
        assert!(match_kind_by_relations(&t2, &kinds).is_none());
        // A relation naming no column of the kind is an error.
        let bad = text.replace("rate = change / previous %", "rate = change / budget %");
        let e = kinds_from_toml(&bad).err().unwrap_or_default();
        assert!(e.contains("budget") && e.contains("relations"), "{e}");
    }

    #[test]
    fn bad_kinds_are_clear_errors() {
        let bad_re = BUDGET.replace("/増減率/", "/増減率(/");
        let e = kinds_from_toml(&bad_re).err().unwrap_or_default();
        assert!(
            e.contains("budget_items") && e.contains("columns.rate.headers"),
            "{e}"
        );
        let bad_unit = BUDGET.replacen("unit = \"千円\"", "unit = \"ドル\"", 1);
        let e = kinds_from_toml(&bad_unit).err().unwrap_or_default();
        assert!(e.contains("unknown unit"), "{e}");
        let unknown_key =
            BUDGET.replace("dataset = \"budget\"", "dataset = \"budget\"\ncolour = 1");
        let e = kinds_from_toml(&unknown_key).err().unwrap_or_default();
        assert!(e.contains("colour") && e.contains("line"), "{e}");
        let bad_type = BUDGET.replace("type = \"percent\"", "type = \"ratio\"");
        assert!(kinds_from_toml(&bad_type).is_err());
    }

    #[test]
    fn dates_and_fiscal_years() {
        let text = r#"
[[kinds]]
name = "events"
dataset = "events"
match = { headers = ["年月"] }
columns = [
  { name = "when", type = "date", headers = ["年月"] },
  { name = "year", type = "fiscal_year", headers = ["年度"] },
  { name = "count", type = "integer", headers = ["件数"] },
]
"#;
        let kinds = kinds_from_toml(text).unwrap_or_default();
        let t = table(
            &["年月", "年度", "件数"],
            &[],
            None,
            &[(&["18年4月", "平成18年度", "1,234件"], RowKind::Data)],
        );
        let rows = canonical_rows(
            &t,
            &kinds[0],
            &ValueSettings::default(),
            era::era_named("平成"),
        );
        let v: Vec<Option<CellValue>> = rows[0].cells.iter().map(|c| c.value.clone()).collect();
        assert_eq!(
            v,
            vec![
                Some(CellValue::Date("2006-04".into())),
                Some(CellValue::Year(2006)),
                Some(CellValue::Int(1234))
            ]
        );
    }

    /// Every shipped pipeline's kinds parse and validate.
    #[test]
    fn shipped_pipeline_kinds_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let mut n = 0;
        for name in [
            "reform.toml",
            "budget.toml",
            "ward_stats.toml",
            "fuji_budget.toml",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            let kinds = kinds_from_toml(&text);
            assert!(
                kinds.as_ref().is_ok_and(|k| !k.is_empty()),
                "{name}: {kinds:?}"
            );
            n += 1;
        }
        assert_eq!(n, 4);
    }

    /// Every table of the dev corpus truth (when present) is recognized as its family's
    /// kind, with every canonical column mapped.
    #[test]
    fn dev_truth_tables_match_their_kinds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dev = root.join("../shared/corpus/dev");
        let Ok(dir) = std::fs::read_dir(&dev) else {
            eprintln!("note: {} absent, skipped", dev.display());
            return;
        };
        let mut kinds = Vec::new();
        for name in ["reform.toml", "budget.toml", "ward_stats.toml"] {
            kinds.extend(
                kinds_from_toml(
                    &std::fs::read_to_string(root.join("pipelines").join(name)).unwrap_or_default(),
                )
                .unwrap_or_default(),
            );
        }
        let mut checked = 0;
        for e in dir.flatten() {
            let path = e.path();
            if !path.to_string_lossy().ends_with(".truth.json") {
                continue;
            }
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(
                &std::fs::read_to_string(&path).unwrap_or_default(),
            ) else {
                continue;
            };
            let family = doc["family"].as_str().unwrap_or("");
            for t in doc["tables"].as_array().into_iter().flatten() {
                let cols: Vec<&str> = t["columns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str())
                    .collect();
                let lt = table(&cols, &[], None, &[]);
                let k = match_kind(&lt, &kinds);
                let want = match family {
                    "A" => "reform_measures",
                    "B" => "budget_items",
                    _ if cols.iter().any(|c| c.contains("14歳")) => "ward_age_groups",
                    _ => "ward_population",
                };
                assert_eq!(
                    k.map(|k| k.name.as_str()),
                    Some(want),
                    "{}: {cols:?}",
                    path.display()
                );
                let mapped = k.map(|k| map_columns(&lt, k)).unwrap_or_default();
                let n = mapped.iter().filter(|m| m.is_some()).count();
                assert_eq!(
                    n,
                    cols.len().min(mapped.len()),
                    "{}: {cols:?} → {mapped:?}",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 0);
    }
}
