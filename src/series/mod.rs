//! Stage `series`: the archive's tables across documents — families of tables of one form,
//! their items year by year, and the reconciliation of each printed previous-year figure
//! with what last year's document printed as current.
//!
//! It runs after `sink` has written every document, over the `values` of the whole
//! archive ([`SeriesValue`], read back by `sink::read_series_values`), and gives
//! [`Series`], which `sink` writes as `families/<name>/` and `reconciliation`. Pure: no
//! file, PDF or polars knowledge.
//!
//! A table's *form* is the set of its numeric columns' header words, normalized
//! ([`form_word`]: NFKC, no spaces, column references, units or year numbers, so
//! `令和元年度` and `令和2年度` agree). Tables of one form are one family; forms that differ
//! by a column added, dropped or misread join when they also share items
//! ([`SeriesSettings`]). A family needs tables in at least `min_documents` documents.

mod family;
mod items;
mod reconcile;

use serde::{Deserialize, Serialize};

pub use family::{dir_name, families, form_word, Family};
pub use reconcile::{reconcile, Check};

/// Thresholds of the series stage (`[settings.series]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeriesSettings {
    /// Find families and reconcile them at the end of a run. Default true.
    pub families: bool,
    /// A form is a family only when tables of at least this many documents have it.
    /// Default 2: a series is at least two reports.
    pub min_documents: usize,
    /// Two forms with different columns are one family when at least this share of the
    /// smaller form's columns match the other's ... Default 0.75: a statement that added
    /// or dropped one of four columns (or had one misread) still joins.
    pub column_match_min: f64,
    /// ... and at least this share of the smaller form's items (row keys) are also the
    /// other's. Default 0.3: the same statement in two years shares most of its rows; two
    /// different tables with similar columns share few.
    pub item_overlap_min: f64,
    /// Header words at most this many characters apart match (an OCR misread of one
    /// character, `前年度決算` / `前年庋決算`), when both are at least
    /// `fuzzy_min_chars` long. Default 1.
    pub fuzzy_max_edits: usize,
    /// Shorter words must be equal. Default 4: `予算額` and `決算額` differ by one
    /// character and are different columns.
    pub fuzzy_min_chars: usize,
}

impl Default for SeriesSettings {
    fn default() -> Self {
        SeriesSettings {
            families: true,
            min_documents: 2,
            column_match_min: 0.75,
            item_overlap_min: 0.3,
            fuzzy_max_edits: 1,
            fuzzy_min_chars: 4,
        }
    }
}

impl SeriesSettings {
    /// `Err` naming the first setting out of its range.
    pub fn validate(&self) -> Result<(), String> {
        let inf = f64::MAX;
        crate::limits::check(&[
            ("min_documents", self.min_documents as f64, 1.0, inf),
            ("column_match_min", self.column_match_min, 0.0, 1.0),
            ("item_overlap_min", self.item_overlap_min, 0.0, 1.0),
            ("fuzzy_max_edits", self.fuzzy_max_edits as f64, 0.0, 3.0),
            ("fuzzy_min_chars", self.fuzzy_min_chars as f64, 1.0, inf),
        ])
    }
}

/// One numeric cell of the archive, as the `values` dataset holds it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SeriesValue {
    pub fiscal_year: Option<i32>,
    pub value_year: Option<i32>,
    pub document_id: String,
    pub source_path: String,
    pub table_index: u32,
    pub row_index: u32,
    pub page: u32,
    /// The first line of the table's caption.
    pub caption: String,
    pub column_index: u32,
    pub column: String,
    pub item_key: String,
    pub item_path: String,
    pub label: String,
    pub value: Option<i64>,
    pub value_float: Option<f64>,
    pub unit: Option<String>,
}

/// One item's figure in one column of one year of a family: the first table that printed
/// it, and how many tables of that document printed it (the same item in two statements
/// is one item with two sources).
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyValue {
    /// Index into [`Series::families`].
    pub family: usize,
    /// The figure as read, with the family's wording of its column and the item's key
    /// across the family's years (`items::link_items`) as its `item_key`.
    pub value: SeriesValue,
    /// The item's key in its own document (section path and label as that year read them).
    pub document_item_key: String,
    pub sources: u32,
    /// Whether every source printed the same figure.
    pub sources_agree: bool,
    /// Which occurrence of the item in its table this is (0: the first).
    pub occurrence: u32,
}

/// What the series stage found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub families: Vec<Family>,
    pub values: Vec<FamilyValue>,
    pub checks: Vec<Check>,
}

/// Families, their values and the reconciliation of an archive's values.
pub fn series(values: &[SeriesValue], s: &SeriesSettings) -> Series {
    if !s.families {
        return Series::default();
    }
    let (families, mut values) = families(values, s);
    items::link_items(&mut values);
    let checks = reconcile(&values);
    Series {
        families,
        values,
        checks,
    }
}
