//! Row kinds: subtotal and total rows, by their label (`小計`, `合計`, `総計`, `計`, also
//! letter-spaced `合 計`, and `民生費計`) or, for unlabeled totals such as `大阪市` at the
//! foot of a ward table, by arithmetic (the row's numbers are the sum of the other rows).

use super::settings::LogicalSettings;
use super::text::{parse_number, squash};
use super::RowKind;

/// What a row label says about the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Subtotal,
    Total,
    /// `計` or `…計`: a subtotal inside a section, the total outside.
    Sum,
}

/// Words ending in 計 that name things rather than sums (会計 = account, 統計 = statistics,
/// 設計 = design, 集計 = tabulation, 推計 = estimate, 家計/生計 = household budget/living,
/// 時計 = clock, 主計 = accounting office), or sum a row's own columns rather than the rows
/// above (現計 = the budget as revised, 当初 plus each 補正, in a 補正予算整理表).
const NOT_SUMS: [&str; 10] = [
    "会計", "統計", "設計", "集計", "推計", "家計", "生計", "時計", "主計", "現計",
];

/// A sum row's label is short (`小計`, `流動資産合計`, `その他の固定資産合計`): one of more than
/// this many characters (spaces and a bracketed qualifier aside) is an item that ends in
/// 計 (`…事業に係る経費の合計`) or prose, not a sum.
const SUM_LABEL_MAX_CHARS: usize = 12;

/// The kind a row label announces, if any.
pub fn label_kind(label: &str) -> Option<Label> {
    let t = squash(label);
    // A qualifier in brackets after the word naming what is summed (`小計(現金預金)` in a
    // 財産目録): the word before it is the label. A reference (`事業活動収入計(1)`,
    // `合計(A)`) is not such a qualifier: those rows stay as they read.
    let t = match t
        .strip_suffix(')')
        .and_then(|x| x.rfind('(').map(|i| x.split_at(i)))
    {
        Some((head, q)) if !head.is_empty() && q.chars().any(super::text::is_cjk) => {
            head.to_string()
        }
        _ => t,
    };
    if t.is_empty() || t.chars().count() > SUM_LABEL_MAX_CHARS {
        return None;
    }
    if t.ends_with("小計") {
        return Some(Label::Subtotal);
    }
    if t.ends_with("合計") || t.ends_with("総計") {
        return Some(Label::Total);
    }
    if t.ends_with('計') && !NOT_SUMS.iter().any(|w| t.ends_with(w)) {
        return Some(Label::Sum);
    }
    None
}

/// Resolves a label inside (`in_section`) or outside a section.
pub fn resolve(label: Label, in_section: bool) -> RowKind {
    match label {
        Label::Subtotal => RowKind::Subtotal,
        Label::Total => RowKind::Total,
        Label::Sum if in_section => RowKind::Subtotal,
        Label::Sum => RowKind::Total,
    }
}

/// Index of an unlabeled total among `rows` (cell texts of the data rows of one scope):
/// the first or last row whose numbers equal the sum of all the other rows in at least
/// `total_sum_min_columns` columns, and disagree in none.
pub fn sum_total(rows: &[Vec<String>], s: &LogicalSettings) -> Option<usize> {
    if rows.is_empty() || rows.len() < s.total_sum_min_rows {
        return None;
    }
    let n = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let value = |r: &Vec<String>, k: usize| r.get(k).and_then(|t| parse_number(t));
    let candidates = [0, rows.len() - 1];
    for &i in &candidates {
        let (mut agree, mut disagree) = (0usize, 0usize);
        for k in 0..n {
            let Some(v) = value(&rows[i], k) else {
                continue;
            };
            let mut sum = 0.0;
            let mut all = true;
            for (j, r) in rows.iter().enumerate() {
                if j == i {
                    continue;
                }
                match value(r, k) {
                    Some(x) => sum += x,
                    None => {
                        let t = r.get(k).map_or(String::new(), |t| squash(t));
                        // `－` counts as zero, text means the column is not summable.
                        if !(t.is_empty() || crate::text::marks::is_none_mark(&t)) {
                            all = false;
                        }
                    }
                }
            }
            if !all {
                continue;
            }
            // Integers must agree exactly; decimals (rates, ratios) never sum.
            if v.fract() != 0.0 {
                continue;
            }
            if (sum - v).abs() < 0.5 {
                agree += 1;
            } else {
                disagree += 1;
            }
        }
        if agree >= s.total_sum_min_columns && disagree == 0 {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_kind("小計"), Some(Label::Subtotal));
        assert_eq!(label_kind("小計(現金預金)"), Some(Label::Subtotal));
        assert_eq!(label_kind("事業活動収入計(1)"), None);
        assert_eq!(label_kind("設計(本庁舎)"), None);
        assert_eq!(label_kind("合 計"), Some(Label::Total));
        assert_eq!(label_kind("総計"), Some(Label::Total));
        assert_eq!(label_kind("歳出合計"), Some(Label::Total));
        assert_eq!(label_kind("計"), Some(Label::Sum));
        assert_eq!(label_kind("民生費計"), Some(Label::Sum));
        assert_eq!(label_kind("一般会計"), None);
        assert_eq!(
            label_kind("現計"),
            None,
            "a revised budget, not a sum of rows"
        );
        assert_eq!(label_kind("推計"), None);
        assert_eq!(label_kind("北区"), None);
        assert_eq!(resolve(Label::Sum, true), RowKind::Subtotal);
        assert_eq!(resolve(Label::Sum, false), RowKind::Total);
    }

    fn m(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn unlabeled_total_by_sum() {
        let s = LogicalSettings::default();
        let rows = m(&[
            &["北区", "10", "1,000", "1.5"],
            &["西区", "20", "2,000", "2.0"],
            &["港区", "5", "－", "1.1"],
            &["大阪市", "35", "3,000", "1.6"],
        ]);
        assert_eq!(sum_total(&rows, &s), Some(3));
        let first = m(&[
            &["全市", "35", "3,000"],
            &["北区", "10", "1,000"],
            &["西区", "20", "2,000"],
            &["港区", "5", "0"],
        ]);
        assert_eq!(sum_total(&first, &s), Some(0));
        let none = m(&[
            &["北区", "10", "1,000"],
            &["西区", "20", "2,000"],
            &["港区", "31", "3,000"],
        ]);
        assert_eq!(sum_total(&none, &s), None);
    }
}
