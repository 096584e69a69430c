//! Totals reconciliation: the data rows of a group summed, per numeric column, against
//! the group's 小計 row, and all data rows against the 合計 row. A mismatch usually means a
//! wrong column split or a misread number, so it is flagged on the table and in the run
//! report.
//!
//! Groups: a subtotal closes the data rows since the previous subtotal or section heading;
//! a total closes every data row since the previous total (or, printed first as in ward
//! statistics, the data rows after it). Percent and ratio columns do not add up and are
//! left out.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::number::{NumberKind, Value};
use super::values::{typed_table, ColumnType, ValueSettings};
use crate::logical::{LogicalTable, RowKind};

/// Rounding slack of totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TotalsSettings {
    /// Allowed difference per summed row, in units of the column's printed unit, for
    /// amounts printed in 千円 or larger (each printed number may be rounded by half a
    /// unit). Default 0.5. Counts and yen amounts must match exactly.
    pub slack_per_row: f64,
    /// Rule `totals_of_totals`: a total right under other totals holds when some of the
    /// (at most this many) totals above it add up to it. Default 12: a statement's
    /// section totals; the subsets tried grow as 2^n.
    pub over_totals_max: usize,
}

impl TotalsSettings {
    /// Rejects a negative or NaN slack, and more than 16 totals above a total (2^n
    /// subsets are tried).
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        crate::limits::check(&[
            ("slack_per_row", self.slack_per_row, 0.0, f64::MAX),
            ("over_totals_max", self.over_totals_max as f64, 0.0, 16.0),
        ])
    }
}

impl Default for TotalsSettings {
    fn default() -> Self {
        TotalsSettings {
            slack_per_row: 0.5,
            over_totals_max: 12,
        }
    }
}

/// A total that does not match its rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// Index of the table in its document (set by [`check_tables`]; 0 from [`check`]).
    pub table: usize,
    /// Index of the total row in the table's rows.
    pub row: usize,
    pub column: usize,
    /// The total row's first cell (`小計`, `合計`).
    pub label: String,
    pub column_name: String,
    /// The sum of the group's data rows.
    pub expected: i64,
    /// What the total row says.
    pub found: i64,
    /// How many data rows were summed.
    pub rows_summed: usize,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "table {} row {} ({}) column {} ({}): {} rows sum to {}, the total says {} (off by {})",
            self.table,
            self.row,
            self.label,
            self.column,
            self.column_name,
            self.rows_summed,
            self.expected,
            self.found,
            self.found.saturating_sub(self.expected)
        )
    }
}

/// The columns whose values add up, with their rounding slack per row in yen or units.
fn additive_columns(columns: &[ColumnType], s: &TotalsSettings) -> Vec<(usize, f64)> {
    columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            ColumnType::Number(NumberKind::Amount { multiplier }) => Some((
                i,
                if *multiplier >= 1000 {
                    s.slack_per_row * *multiplier as f64
                } else {
                    0.0
                },
            )),
            ColumnType::Number(NumberKind::Count) => Some((i, 0.0)),
            _ => None,
        })
        .collect()
}

/// What a table's own arithmetic says: how many subtotal and total cells were compared
/// with the sum of their rows, and those that do not match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Check {
    pub checked: usize,
    pub mismatches: Vec<Mismatch>,
}

/// The mismatched totals of one table, its values typed with `values`.
pub fn check_with(t: &LogicalTable, values: &ValueSettings, s: &TotalsSettings) -> Vec<Mismatch> {
    check_table(t, values, s).mismatches
}

/// [`check_with`], with the number of total cells compared.
pub fn check_table(t: &LogicalTable, values: &ValueSettings, s: &TotalsSettings) -> Check {
    let typed = typed_table(t, values);
    let cols = additive_columns(&typed.columns, s);
    if cols.is_empty() {
        return Check::default();
    }
    let int_at = |r: usize, c: usize| -> Option<i64> {
        match typed
            .values
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
        {
            Some(Value::Int(n)) => Some(n),
            _ => None,
        }
    };
    let kinds: Vec<RowKind> = t.rows.iter().map(|r| r.kind).collect();
    let mut out = Vec::new();
    let mut checked = 0usize;
    let mut group: Vec<usize> = Vec::new();
    let mut all: Vec<usize> = Vec::new();
    // Every row with figures so far, totals included (`totals_of_totals`).
    let mut before: Vec<usize> = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        match k {
            RowKind::Data => {
                group.push(i);
                all.push(i);
            }
            RowKind::Section => group.clear(),
            RowKind::Subtotal | RowKind::Total => {
                // A total right under another, with no item of its own since: a total over
                // totals, checked by `totals_of_totals` alone.
                let over_totals = *k == RowKind::Total
                    && all.is_empty()
                    && i.checked_sub(1)
                        .and_then(|p| kinds.get(p))
                        .is_some_and(|p| matches!(p, RowKind::Subtotal | RowKind::Total));
                let rows: Vec<usize> = if *k == RowKind::Subtotal {
                    group.clone()
                } else if over_totals {
                    before.clone()
                } else if all.is_empty() {
                    // A total printed first: the data rows up to the next total.
                    kinds
                        .iter()
                        .enumerate()
                        .skip(i + 1)
                        .take_while(|(_, k)| **k != RowKind::Total)
                        .filter(|(_, k)| **k == RowKind::Data)
                        .map(|(j, _)| j)
                        .collect()
                } else {
                    all.clone()
                };
                if !rows.is_empty() {
                    let outer = outline_parents(t, &rows, cols.first().map_or(0, |c| c.0));
                    for &(c, slack) in &cols {
                        let Some(found) = int_at(i, c) else { continue };
                        checked += 1;
                        // A number filled down from a spanning cell (a 目's amount beside
                        // each of its 節 rows) was printed once: it adds once.
                        let sum = |rows: &[usize]| -> i64 {
                            rows.iter()
                                .filter(|&&r| !t.rows[r].spanned_from_above.contains(&c))
                                .filter_map(|&r| int_at(r, c))
                                .fold(0i64, |a, b| a.saturating_add(b))
                        };
                        let off = |expected: i64, n: usize| {
                            (found.saturating_sub(expected)).unsigned_abs() as f64
                                > slack * n as f64
                        };
                        // The figures of every row above, nearest first.
                        let upward = || -> Vec<i64> {
                            before
                                .iter()
                                .rev()
                                .filter(|&&r| !of_which(t, r))
                                .map(|&r| int_at(r, c).unwrap_or(0))
                                .collect()
                        };
                        let expected = if over_totals {
                            // What the outermost items above add up to, for the report.
                            outer_sum(&upward()).map_or(0, |(sum, _)| sum)
                        } else {
                            sum(&rows)
                        };
                        let outline_holds = outer.as_ref().is_some_and(|o| !off(sum(o), o.len()));
                        let arithmetic_holds = || {
                            let added: Vec<usize> =
                                rows.iter().copied().filter(|&r| !of_which(t, r)).collect();
                            let vals: Vec<i64> = added
                                .iter()
                                .map(|&r| {
                                    if t.rows[r].spanned_from_above.contains(&c) {
                                        0
                                    } else {
                                        int_at(r, c).unwrap_or(0)
                                    }
                                })
                                .collect();
                            outer_sum(&vals).is_some_and(|(sum, n)| !off(sum, n))
                        };
                        // Rule `totals_of_totals`: a total over totals printed under
                        // their items (資産合計 over 流動資産合計 and 固定資産合計, the
                        // latter over 基本財産合計 and その他の固定資産合計): read upwards,
                        // each total is a parent of the rows above it, and the outermost
                        // ones, nearest first, add up to this total.
                        // ... or when some of the totals above (two or more) add up to
                        // it (負債及び純資産の部合計 over 負債の部合計 and 純資産の部合計,
                        // whose items are an outline of their own).
                        let subset_holds = || {
                            let totals: Vec<i64> = before
                                .iter()
                                .rev()
                                .filter(|&&r| {
                                    matches!(kinds[r], RowKind::Subtotal | RowKind::Total)
                                })
                                .take(s.over_totals_max)
                                .filter_map(|&r| int_at(r, c))
                                .collect();
                            (1u32..1 << totals.len()).any(|mask| {
                                mask.count_ones() >= 2 && {
                                    let sum = totals
                                        .iter()
                                        .enumerate()
                                        .filter(|(b, _)| mask >> b & 1 == 1)
                                        .fold(0i64, |a, (_, v)| a.saturating_add(*v));
                                    !off(sum, mask.count_ones() as usize)
                                }
                            })
                        };
                        let totals_hold = || {
                            let vals = upward();
                            top_level_items(&vals).is_some_and(|top| {
                                let mut acc = 0i64;
                                top.iter().enumerate().any(|(n, &k)| {
                                    acc = acc.saturating_add(vals.get(k).copied().unwrap_or(0));
                                    n >= 1 && !off(acc, n + 1)
                                })
                            })
                        };
                        let wrong = if over_totals {
                            !totals_hold() && !subset_holds()
                        } else {
                            off(expected, rows.len())
                                && !outline_holds
                                && !arithmetic_holds()
                                && !totals_hold()
                        };
                        if wrong {
                            out.push(Mismatch {
                                table: 0,
                                row: i,
                                column: c,
                                label: t.rows[i]
                                    .cells
                                    .iter()
                                    .find(|x| !x.trim().is_empty())
                                    .cloned()
                                    .unwrap_or_default(),
                                column_name: t.columns.get(c).cloned().unwrap_or_default(),
                                expected,
                                found,
                                rows_summed: rows.len(),
                            });
                        }
                    }
                }
                group.clear();
                if *k == RowKind::Total {
                    all.clear();
                }
            }
        }
        if *k != RowKind::Section {
            before.push(i);
        }
    }
    Check {
        checked,
        mismatches: out,
    }
}

/// Rule `outline`: the rows a total covers may be an outline, each outer item the sum of
/// the inner items under it, and the total adds the outer items only. Two layouts say so:
/// items numbered in two styles (`１. 普通債` over `(1) 総務`, `(2) 民生`, in a statement of
/// municipal bonds), and grouping columns (a 款 row with its 項 cell empty over rows of
/// 項: a budget's 歳入歳出予算). A row's place in the outline is how many of the label
/// columns (those before `first_value`) hold text and the numbering of the last of them;
/// when rows in other places follow rows in the first row's place, returns the rows in
/// that place; `None` otherwise.
fn outline_parents(t: &LogicalTable, rows: &[usize], first_value: usize) -> Option<Vec<usize>> {
    use crate::logical::text::{numbering, Numbering};
    let place = |r: usize| -> (usize, Numbering) {
        let labels: Vec<&String> = t.rows[r]
            .cells
            .iter()
            .take(first_value)
            .filter(|x| !x.trim().is_empty())
            .collect();
        (
            labels.len(),
            labels.last().map_or(Numbering::Plain, |x| numbering(x)),
        )
    };
    let outer = place(*rows.first()?);
    if outer == (0, Numbering::Plain) {
        return None;
    }
    let parents: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| place(r) == outer)
        .collect();
    let inner = rows.iter().any(|&r| {
        let (depth, style) = place(r);
        (depth > outer.0) || (style != Numbering::Plain && style != outer.1)
    });
    (inner && parents.len() < rows.len()).then_some(parents)
}

/// Rule `of_which_rows`: a row labelled `うち…` / `(うち…)`, after its item number if any
/// (`02 (うち当期活動収支差額)`), is part of the row above it (a balance sheet's
/// `(うち当期活動増減差額)` under 次期繰越活動増減差額), not an item the total adds.
fn of_which(t: &LogicalTable, r: usize) -> bool {
    t.rows[r]
        .cells
        .iter()
        .find(|x| !x.trim().is_empty())
        .is_some_and(|x| {
            x.trim_start_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
                .trim_start_matches(['(', '（', '[', '〔', ' ', '　'])
                .starts_with("うち")
        })
}

/// Rule `parents_by_arithmetic`: the rows a total covers may be an outline that nothing
/// but the figures shows — a balance sheet's `流動資産` over `現金預金`, `事業未収金`,
/// `貯蔵品`, in one column with the same indent, `固定資産` over `基本財産` (over 土地, 建物,
/// …) and `その他の固定資産` (over its own items). A row is a parent when the rows right
/// under it, each with its own children, add up to it exactly; a zero adds nothing and
/// parents nothing. Returns the positions of the outermost items when the outline has at
/// least one parent, `None` otherwise.
fn top_level_items(vals: &[i64]) -> Option<Vec<usize>> {
    let n = vals.len();
    // end[i]: one past the last row of i's subtree; filled from the bottom up, so each
    // child's subtree is known when its parent is tried.
    let mut end: Vec<usize> = (1..=n).collect();
    let mut parent = false;
    for i in (0..n).rev() {
        let v = vals[i];
        if v == 0 {
            continue;
        }
        let (mut j, mut sum) = (i + 1, 0i64);
        while j < n {
            sum = sum.saturating_add(vals[j]);
            j = end[j];
            if sum == v {
                end[i] = j;
                parent = true;
                break;
            }
        }
    }
    if !parent {
        return None;
    }
    let mut top = Vec::new();
    let mut i = 0;
    while i < n {
        top.push(i);
        i = end[i].max(i + 1);
    }
    Some(top)
}

/// What the outermost items of the outline in `vals` add up to, and how many they are
/// (`None` without an outline: see [`top_level_items`]).
fn outer_sum(vals: &[i64]) -> Option<(i64, usize)> {
    let top = top_level_items(vals)?;
    let sum = top
        .iter()
        .filter_map(|&k| vals.get(k))
        .fold(0i64, |a, b| a.saturating_add(*b));
    Some((sum, top.len()))
}

/// The mismatched totals of one table, default settings.
pub fn check(t: &LogicalTable) -> Vec<Mismatch> {
    check_with(t, &ValueSettings::default(), &TotalsSettings::default())
}

/// The mismatched totals of a document's tables, each tagged with its table index.
pub fn check_tables(tables: &[LogicalTable]) -> Vec<Mismatch> {
    tables
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| {
            check(t)
                .into_iter()
                .map(move |m| Mismatch { table: ti, ..m })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::values::tests::table;
    use RowKind::{Data, Section, Subtotal, Total};

    #[test]
    fn reconciled_groups_pass() {
        let t = table(
            &["事業名", "前年度（千円）", "本年度（千円）", "増減率（%）"],
            &[],
            None,
            &[
                (&["（款）総務費", "", "", ""], Section),
                (&["a", "100", "110", "10.0"], Data),
                (&["b", "200", "－", "皆減"], Data),
                (&["総務費計", "300", "110", "▲63.3"], Subtotal),
                (&["（款）民生費", "", "", ""], Section),
                (&["c", "▲50", "60", "－"], Data),
                (&["民生費計", "▲50", "60", "－"], Subtotal),
                (&["合計", "250", "170", "▲32.0"], Total),
            ],
        );
        assert_eq!(check(&t), vec![]);
    }

    #[test]
    fn a_check_counts_the_totals_it_compared() {
        let t = table(
            &["区分", "金額（千円）", "構成比（%）"],
            &[],
            None,
            &[
                (&["a", "100", "40.0"], Data),
                (&["b", "150", "60.0"], Data),
                (&["合計", "250", "100.0"], Total),
            ],
        );
        let c = check_table(&t, &ValueSettings::default(), &TotalsSettings::default());
        assert_eq!(
            (c.checked, c.mismatches.len()),
            (1, 0),
            "percentages are not summed"
        );
    }

    #[test]
    fn an_outline_of_grouping_columns_adds_its_outer_items() {
        let t = table(
            &["款", "項", "金額（千円）"],
            &[],
            None,
            &[
                (&["1 市税", "", "300"], Data),
                (&["1 市税", "1 市民税", "100"], Data),
                (&["1 市税", "2 固定資産税", "200"], Data),
                (&["2 地方譲与税", "", "50"], Data),
                (&["2 地方譲与税", "1 揮発油", "50"], Data),
                (&["歳入合計", "", "350"], Total),
            ],
        );
        assert_eq!(check(&t), vec![]);
    }

    #[test]
    fn a_numbered_outline_adds_its_outer_items() {
        let t = table(
            &["区分", "現在高（千円）"],
            &[],
            None,
            &[
                (&["１. 普通債", "300"], Data),
                (&["(1) 総務", "100"], Data),
                (&["(2) 民生", "200"], Data),
                (&["２. 災害復旧債", "50"], Data),
                (&["計", "350"], Total),
            ],
        );
        assert_eq!(check(&t), vec![]);
        // Without the outline the same total is off.
        let t = table(
            &["区分", "現在高（千円）"],
            &[],
            None,
            &[
                (&["普通債", "300"], Data),
                (&["総務", "100"], Data),
                (&["計", "350"], Total),
            ],
        );
        assert_eq!(check(&t).len(), 1);
    }

    #[test]
    fn filled_down_amounts_add_once() {
        // A spread: the 目 and its 本年度 filled down over its two 節 rows.
        let mut t = table(
            &["目", "本年度（千円）", "節", "金額（千円）"],
            &[],
            None,
            &[
                (&["1 個人", "300", "1 現年", "200"], Data),
                (&["1 個人", "300", "2 滞納", "100"], Data),
                (&["2 法人", "50", "1 現年", "50"], Data),
                (&["計", "350", "", ""], Total),
            ],
        );
        t.rows[1].spanned_from_above = vec![0, 1];
        assert_eq!(check(&t), vec![]);
    }

    #[test]
    fn a_total_over_totals_printed_under_their_items_adds_them() {
        // A 財産目録: each group's 合計 under its items, 資産合計 over the group totals.
        let t = table(
            &["科目", "価額"],
            &[],
            None,
            &[
                (&["現金預金", "5"], Data),
                (&["事業未収金", "10"], Data),
                (&["流動資産合計", "15"], Total),
                (&["土地", "80"], Data),
                (&["建物", "900"], Data),
                (&["基本財産合計", "980"], Total),
                (&["構築物", "7"], Data),
                (&["その他の固定資産合計", "7"], Total),
                (&["固定資産合計", "987"], Total),
                (&["資産合計", "1002"], Total),
            ],
        );
        assert!(check(&t).is_empty(), "{:?}", check(&t));
        let mut bad = t.clone();
        bad.rows[9].cells[1] = "1020".into();
        assert_eq!(check(&bad).len(), 1);
    }

    #[test]
    fn a_balance_sheet_outline_adds_its_outer_items() {
        // 流動資産 over its items, 固定資産 over 基本財産 (over 土地, 建物) and その他 (over
        // 構築物); an `(うち…)` row under 差額; nothing in the labels says which is which.
        let t = table(
            &["勘定科目", "当年度末"],
            &[],
            None,
            &[
                (&["流動資産", "366"], Data),
                (&["現金預金", "260"], Data),
                (&["事業未収金", "104"], Data),
                (&["貯蔵品", "2"], Data),
                (&["固定資産", "1237"], Data),
                (&["基本財産", "1171"], Data),
                (&["土地", "87"], Data),
                (&["建物", "1084"], Data),
                (&["その他の固定資産", "66"], Data),
                (&["構築物", "66"], Data),
                (&["次期繰越活動増減差額", "10"], Data),
                (&["(うち当期活動増減差額)", "7"], Data),
                (&["資産の部合計", "1613"], Total),
            ],
        );
        assert!(check(&t).is_empty(), "{:?}", check(&t));
        // A misread total is still caught.
        let mut bad = t.clone();
        bad.rows[12].cells[1] = "1631".into();
        assert_eq!(check(&bad).len(), 1);
        assert_eq!(top_level_items(&[5, 2, 3, 4]), Some(vec![0, 3]));
        assert_eq!(top_level_items(&[1, 2, 3]), None);
        // An `(うち…)` row after its item number is still a part of the row above.
        let mut numbered = t.clone();
        numbered.rows[11].cells[0] = "02 (うち当期活動増減差額)".into();
        assert!(check(&numbered).is_empty(), "{:?}", check(&numbered));
    }

    #[test]
    fn mismatches_are_reported() {
        let t = table(
            &["事業名", "前年度（千円）", "本年度（千円）"],
            &[],
            None,
            &[
                (&["a", "100", "110"], Data),
                (&["b", "200", "220"], Data),
                (&["小計", "300", "332"], Subtotal),
                (&["c", "5", "5"], Data),
                (&["合計", "305", "999"], Total),
            ],
        );
        let m = check(&t);
        assert_eq!(m.len(), 2);
        assert_eq!(
            (
                m[0].row,
                m[0].column,
                m[0].expected,
                m[0].found,
                m[0].rows_summed
            ),
            (2, 2, 330_000, 332_000, 2)
        );
        assert_eq!(
            (
                m[1].row,
                m[1].column,
                m[1].expected,
                m[1].found,
                m[1].rows_summed
            ),
            (4, 2, 335_000, 999_000, 3)
        );
        assert!(
            m[0].to_string().contains("小計") && m[0].to_string().contains("330000"),
            "{}",
            m[0]
        );
    }

    #[test]
    fn total_printed_first_and_ratio_columns() {
        // Ward statistics: 合計 first, 1世帯当たり人員 is not additive.
        let t = table(
            &["区名", "人口/男", "世帯数（世帯）", "1世帯当たり人員"],
            &[],
            None,
            &[
                (&["合計", "30", "12", "1.84"], Total),
                (&["北区", "10", "5", "1.55"], Data),
                (&["南区", "20", "7", "1.98"], Data),
            ],
        );
        assert_eq!(check(&t), vec![]);
        let t = table(
            &["区名", "人口/男"],
            &[],
            None,
            &[
                (&["合計", "31"], Total),
                (&["北区", "10"], Data),
                (&["南区", "20"], Data),
            ],
        );
        assert_eq!(check(&t).len(), 1);
    }

    #[test]
    fn rounding_slack_for_large_units() {
        // 百万円: three rounded rows may be off by a unit against their rounded total.
        let t = table(
            &["事業", "額（百万円）"],
            &[],
            None,
            &[
                (&["a", "1"], Data),
                (&["b", "1"], Data),
                (&["c", "1"], Data),
                (&["計", "4"], Total),
            ],
        );
        assert_eq!(check(&t), vec![]);
        let t = table(
            &["事業", "額（百万円）"],
            &[],
            None,
            &[
                (&["a", "1"], Data),
                (&["b", "1"], Data),
                (&["c", "1"], Data),
                (&["計", "5"], Total),
            ],
        );
        assert_eq!(check(&t).len(), 1);
        let s = TotalsSettings {
            slack_per_row: 0.0,
            ..Default::default()
        };
        let t = table(
            &["事業", "額（百万円）"],
            &[],
            None,
            &[(&["a", "1"], Data), (&["計", "2"], Total)],
        );
        assert_eq!(check_with(&t, &ValueSettings::default(), &s).len(), 1);
    }

    #[test]
    fn tables_are_tagged() {
        let ok = table(
            &["a", "b（円）"],
            &[],
            None,
            &[(&["x", "1"], Data), (&["計", "1"], Total)],
        );
        let bad = table(
            &["a", "b（円）"],
            &[],
            None,
            &[(&["x", "1"], Data), (&["計", "2"], Total)],
        );
        let m = check_tables(&[ok, bad]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].table, 1);
    }
}
