//! Cross-year reconciliation: a report's previous-year figure (`前年度決算(B)`,
//! `前年度末`, `前期末残高`, `前年度予算額`) against what last year's report of the same
//! family printed as current (`当年度決算(A)`, `当年度末`, `当期末残高`, `本年度予算額`).
//! It needs no truth: an agreement says both years were read right; a mismatch is a
//! misread, a wrong column, or a real restatement.

use std::collections::HashMap;

use crate::normalize::period::{period, Period};

use super::family::form_word;
use super::FamilyValue;

/// One previous-year figure checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Index into the families.
    pub family: usize,
    pub item_key: String,
    pub item_path: String,
    pub label: String,
    /// The year of the report that printed the previous-year figure.
    pub fiscal_year: i32,
    pub column: String,
    pub printed: f64,
    pub source_path: String,
    pub page: u32,
    /// What the year before's report printed as current, and where.
    pub previous_column: String,
    pub previous: f64,
    pub previous_source_path: String,
    pub previous_page: u32,
    pub agrees: bool,
}

/// A column's side of the pairing: `(previous?, what it shares with its counterpart)`.
/// A column naming a year (`令和元年度`) is the previous one in the next year's report.
pub(super) fn side(column: &str, fy: i32) -> Option<(bool, String)> {
    match period(column)? {
        Period::Current(rest) => Some((false, rest)),
        Period::Previous(rest) => Some((true, rest)),
        Period::Year(y) if y == fy => Some((false, form_word(column))),
        Period::Year(y) if y == fy - 1 => Some((true, form_word(column))),
        Period::Year(_) => None,
    }
}

/// Every previous-year figure of every family that has a current-year counterpart in
/// the year before's reports, checked.
pub fn reconcile(values: &[FamilyValue]) -> Vec<Check> {
    type Key<'a> = (usize, i32, &'a str, u32, String);
    let mut current: HashMap<Key<'_>, &FamilyValue> = HashMap::new();
    let mut previous: Vec<(&FamilyValue, String)> = Vec::new();
    for fv in values {
        let v = &fv.value;
        let (Some(fy), Some(_)) = (v.fiscal_year, v.value_float) else {
            continue;
        };
        match side(&v.column, fy) {
            Some((false, rest)) => {
                current
                    .entry((fv.family, fy, v.item_key.as_str(), fv.occurrence, rest))
                    .or_insert(fv);
            }
            Some((true, rest)) => previous.push((fv, rest)),
            None => {}
        }
    }
    let mut checks: Vec<Check> = previous
        .into_iter()
        .filter_map(|(fv, rest)| {
            let v = &fv.value;
            let fy = v.fiscal_year?;
            let key = (fv.family, fy - 1, v.item_key.as_str(), fv.occurrence, rest);
            let last = &current.get(&key)?.value;
            let (printed, reported) = (v.value_float?, last.value_float?);
            let agrees = match (v.value, last.value) {
                (Some(a), Some(b)) => a == b,
                _ => (printed - reported).abs() <= 1e-9 * printed.abs().max(1.0),
            };
            Some(Check {
                family: fv.family,
                item_key: v.item_key.clone(),
                item_path: v.item_path.clone(),
                label: v.label.clone(),
                fiscal_year: fy,
                column: v.column.clone(),
                printed,
                source_path: v.source_path.clone(),
                page: v.page,
                previous_column: last.column.clone(),
                previous: reported,
                previous_source_path: last.source_path.clone(),
                previous_page: last.page,
                agrees,
            })
        })
        .collect();
    checks.sort_by(|a, b| {
        (
            a.family,
            a.fiscal_year,
            &a.source_path,
            a.page,
            &a.item_path,
        )
            .cmp(&(
                b.family,
                b.fiscal_year,
                &b.source_path,
                b.page,
                &b.item_path,
            ))
    });
    checks
}

#[cfg(test)]
mod tests {
    use super::super::family::families;
    use super::super::{SeriesSettings, SeriesValue};
    use super::*;

    fn values(year: i32, doc: &str, rows: &[(&str, i64, i64)]) -> Vec<SeriesValue> {
        let mut out = Vec::new();
        for (ri, (item, cur, prev)) in rows.iter().enumerate() {
            for (ci, (column, value)) in [("当年度決算(A)", cur), ("前年度決算(B)", prev)]
                .into_iter()
                .enumerate()
            {
                out.push(SeriesValue {
                    fiscal_year: Some(year),
                    document_id: doc.into(),
                    source_path: doc.into(),
                    table_index: 1,
                    row_index: ri as u32,
                    caption: "事業活動計算書".into(),
                    column_index: ci as u32,
                    column: column.into(),
                    item_key: item.to_string(),
                    item_path: item.to_string(),
                    label: item.to_string(),
                    value: Some(*value),
                    value_float: Some(*value as f64),
                    ..Default::default()
                });
            }
        }
        out
    }

    #[test]
    fn previous_year_figures_are_checked_against_last_years_report() {
        let mut v = values(2018, "a.pdf", &[("収益", 100, 90), ("費用", 70, 60)]);
        // 2019 prints 収益's 2018 figure right and 費用's wrong (a misread 7 → 1).
        v.extend(values(
            2019,
            "b.pdf",
            &[("収益", 110, 100), ("費用", 75, 10)],
        ));
        // 2021 has no 2020 report to check against.
        v.extend(values(2021, "d.pdf", &[("収益", 130, 120)]));
        let (fams, fvals) = families(&v, &SeriesSettings::default());
        let checks = reconcile(&fvals);
        assert_eq!(fams.len(), 1);
        assert_eq!(checks.len(), 2, "{checks:?}");
        let by = |l: &str| checks.iter().find(|c| c.label == l).expect(l);
        assert!(by("収益").agrees);
        assert_eq!((by("費用").printed, by("費用").previous), (10.0, 70.0));
        assert!(!by("費用").agrees);
        assert_eq!(by("費用").previous_source_path, "a.pdf");
    }

    #[test]
    fn columns_pair_by_period_word_or_named_year() {
        assert_eq!(side("前年度末", 2020), Some((true, "末".into())));
        assert_eq!(side("当年度末", 2020), Some((false, "末".into())));
        assert_eq!(side("令和元年度", 2020), Some((true, "{年}".into())));
        assert_eq!(side("令和2年度", 2020), Some((false, "{年}".into())));
        assert_eq!(side("平成30年度", 2020), None);
        assert_eq!(side("増減", 2020), None);
    }
}
