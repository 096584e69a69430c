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

/// Renames and merges families as `rules` say: the first family a rule matches takes its
/// name (and directory), and the values of the others it matches join it.
fn apply_rules(
    families: Vec<Family>,
    mut values: Vec<FamilyValue>,
    rules: &[FamilyRule],
) -> (Vec<Family>, Vec<FamilyValue>) {
    let mut target: Vec<usize> = (0..families.len()).collect();
    let mut families = families;
    for rule in rules {
        let hit: Vec<usize> = (0..families.len())
            .filter(|&i| target[i] == i)
            .filter(|&i| {
                let f = &families[i];
                rule.matches
                    .iter()
                    .any(|m| *m == f.name || *m == f.id || *m == f.dir)
            })
            .collect();
        let Some(&first) = hit.first() else { continue };
        families[first].name = rule.name.clone();
        families[first].dir = dir_name(&rule.name);
        for &other in &hit[1..] {
            target[other] = first;
            let (tables, years) = (families[other].tables, families[other].years.clone());
            let f = &mut families[first];
            f.tables += tables;
            f.years.extend(years);
            f.years.sort_unstable();
            f.years.dedup();
        }
    }
    // Renumber: merged families go, the values follow their target.
    let kept: Vec<usize> = (0..families.len()).filter(|&i| target[i] == i).collect();
    let new_index: std::collections::HashMap<usize, usize> =
        kept.iter().enumerate().map(|(n, &old)| (old, n)).collect();
    for v in &mut values {
        v.family = new_index
            .get(&target[v.family])
            .copied()
            .unwrap_or(v.family);
    }
    let mut out: Vec<Family> = Vec::with_capacity(kept.len());
    for (i, f) in families.into_iter().enumerate() {
        if target[i] == i {
            out.push(f);
        }
    }
    for (n, f) in out.iter_mut().enumerate() {
        let docs: std::collections::BTreeSet<&str> = values
            .iter()
            .filter(|v| v.family == n)
            .map(|v| v.value.source_path.as_str())
            .collect();
        f.documents = docs.len();
    }
    (out, values)
}
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
    /// Rule `same_row_one_figure_misread`: a row of a later statement of a document is an
    /// earlier row printed again, one figure misread, when it has the row's label and at
    /// least this many of its non-zero figures (and differs in at most one). Default 2:
    /// one equal figure can be chance.
    pub same_row_min_figures: usize,
}

#[cfg(test)]
mod tests {
    use super::family::tests::table;
    use super::*;

    #[test]
    fn books_of_one_form_in_a_year_keep_their_items_apart_by_title() {
        // Two budget books a year, one 款 each, the same columns: each book's 計 is its
        // own item, and each previous-year figure is checked against its own book.
        let cols = |cur: i64, prev: i64| [("本年度予算額", cur), ("前年度予算額", prev)];
        let (a24, b24) = (cols(100, 90), cols(7, 6));
        let (a25, b25) = (cols(110, 100), cols(8, 7));
        let mut v = table(2024, "r6-01.pdf", 1, "1款 市税", &[("計", &a24)]);
        v.extend(table(2024, "r6-14.pdf", 1, "14款 使用料", &[("計", &b24)]));
        v.extend(table(2025, "r7-01.pdf", 1, "1款 市税", &[("計", &a25)]));
        v.extend(table(2025, "r7-14.pdf", 1, "14款 使用料", &[("計", &b25)]));
        let found = series(&v, &SeriesSettings::default(), &[]);
        assert_eq!(found.families.len(), 1);
        assert_eq!(found.checks.len(), 2, "{:?}", found.checks);
        assert!(found.checks.iter().all(|c| c.agrees), "{:?}", found.checks);
        let keys: std::collections::BTreeSet<&str> = found
            .values
            .iter()
            .map(|x| x.value.item_key.as_str())
            .collect();
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            ["14款使用料/key-計", "1款市税/key-計"]
        );
    }

    #[test]
    fn one_statement_a_year_keeps_its_keys_whatever_its_titles() {
        let cols = [("当年度決算(A)", 10), ("前年度決算(B)", 9)];
        let mut v = table(2019, "a.pdf", 1, "事業活動計算書", &[("収益", &cols)]);
        v.extend(table(
            2020,
            "b.pdf",
            1,
            "法人単位事業活動計算書",
            &[("収益", &cols)],
        ));
        let found = series(&v, &SeriesSettings::default(), &[]);
        assert!(found.values.iter().all(|x| x.value.item_key == "key-収益"));
    }

    #[test]
    fn a_rule_renames_a_family_and_merges_another_into_it() {
        let a = [("当年度決算(A)", 10), ("前年度決算(B)", 9)];
        let b = [("予算(A)", 5), ("決算(B)", 4)];
        let mut v = table(2019, "x.pdf", 1, "事業活動計算書", &[("収益", &a)]);
        v.extend(table(2020, "y.pdf", 1, "事業活動計算書", &[("収益", &a)]));
        v.extend(table(2019, "x.pdf", 2, "資金収支計算書", &[("収入", &b)]));
        v.extend(table(2020, "y.pdf", 2, "資金収支計算書", &[("収入", &b)]));
        let s = SeriesSettings::default();
        assert_eq!(series(&v, &s, &[]).families.len(), 2);
        let rules = [FamilyRule {
            name: "statements".into(),
            matches: vec!["事業活動計算書".into(), "資金収支計算書".into()],
        }];
        let found = series(&v, &s, &rules);
        assert_eq!(found.families.len(), 1);
        assert_eq!(
            (
                found.families[0].name.as_str(),
                found.families[0].dir.as_str()
            ),
            ("statements", "statements")
        );
        assert_eq!(found.families[0].documents, 2);
        assert!(found.values.iter().all(|x| x.family == 0));
        assert_eq!(found.values.len(), 8);
    }
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
            same_row_min_figures: 2,
        }
    }
}

impl SeriesSettings {
    /// `Err` naming the first setting out of its range.
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let inf = f64::MAX;
        crate::limits::check(&[
            ("min_documents", self.min_documents as f64, 1.0, inf),
            ("column_match_min", self.column_match_min, 0.0, 1.0),
            ("item_overlap_min", self.item_overlap_min, 0.0, 1.0),
            ("fuzzy_max_edits", self.fuzzy_max_edits as f64, 0.0, 3.0),
            ("fuzzy_min_chars", self.fuzzy_min_chars as f64, 1.0, inf),
            (
                "same_row_min_figures",
                self.same_row_min_figures as f64,
                1.0,
                inf,
            ),
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

/// A pipeline's `[[families]]` entry: the families found whose name or id is in `matches`
/// become one family called `name`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRule {
    pub name: String,
    pub matches: Vec<String>,
}

/// Families, their values and the reconciliation of an archive's values; `rules` rename
/// and merge families found.
pub fn series(values: &[SeriesValue], s: &SeriesSettings, rules: &[FamilyRule]) -> Series {
    if !s.families {
        return Series::default();
    }
    let (families, mut values) = families(values, s);
    let (families, values_renumbered) = apply_rules(families, std::mem::take(&mut values), rules);
    let mut values = values_renumbered;
    items::link_items(&mut values, s);
    let checks = reconcile(&values);
    Series {
        families,
        values,
        checks,
    }
}
