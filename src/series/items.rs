//! Items across years within a family: each item keeps one key over the years where the
//! evidence says it is the same item, even when a year words its section path or label a
//! little differently (a 差額 row placed under the 部 in one year and under its 費用 group
//! in another; `介護報酬収益(施設)` read without its qualifier).
//!
//! Years are taken in order; an item of a year takes the key of an item seen before by,
//! in turn (`same_item_over_years`):
//! 1. the same document key (section path and label) and occurrence, unless its figures
//!    say otherwise (its previous-year figure is not that item's current one, but is
//!    exactly one other item's);
//! 2. the same label (the last part of its path) and occurrence, when only one unclaimed
//!    earlier item has it, unless its figures say otherwise (as in 1);
//! 3. its printed previous-year figure equal to the current figure of exactly one
//!    unclaimed item of the year before (a figure of 0 proves nothing);
//! 4. once every item of the year has had 1–3, a label an edit apart from exactly one
//!    earlier item still unclaimed (`label_an_edit_apart`, the header words' fuzzy match);
//! 5. then, items whose printed labels are the same without bracketed qualifiers as as
//!    many unclaimed items of one earlier year, paired in reading order
//!    (`qualifier_dropped_in_order`: `介護報酬収入(施設)` printed as `介護報酬収入`).
//!
//! An item placed takes the earlier item's key and occurrence.
//! Otherwise it starts a key of its own.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::family::words_match;
use super::reconcile::side;
use super::{FamilyValue, SeriesSettings};

/// An item of one year: its figures by the column they pair on (see `reconcile::side`).
#[derive(Default)]
struct YearItem {
    label: String,
    /// The printed label without its bracketed qualifiers (`介護報酬収入(施設)` →
    /// `介護報酬収入`).
    base: String,
    current: HashMap<String, f64>,
    previous: HashMap<String, f64>,
}

/// An item seen in earlier years.
struct Known {
    key: String,
    /// The document key it was last printed under (a year linked by label or figures
    /// keeps the earlier key, and the next year may print the same document key again).
    doc_key: String,
    label: String,
    base: String,
    occurrence: u32,
    /// Its place in reading order among the items of the year it was last seen.
    order: usize,
    year: i32,
    current: HashMap<String, f64>,
}

/// The last part of an item path: its label reduced (`…/費用/人件費` → `人件費`).
fn label_of(item_path: &str) -> &str {
    item_path.rsplit('/').next().unwrap_or(item_path)
}

/// The only item `it` yields, if it yields exactly one.
pub(super) fn the_one<T>(mut it: impl Iterator<Item = T>) -> Option<T> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// A printed label without its bracketed qualifiers and spaces, NFKC-normalized:
/// `介護報酬収入(施設)` and `（介護報酬収入）` → `介護報酬収入`.
fn base_label(label: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut depth = 0usize;
    let mut inner = String::new();
    for c in label.nfkc() {
        match c {
            '(' | '[' | '〔' | '【' => depth += 1,
            ')' | ']' | '〕' | '】' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() => {}
            c if depth > 0 => inner.push(c),
            c => out.push(c),
        }
    }
    // A label wholly in brackets is a group's own label: its text is the base.
    if out.is_empty() {
        inner
    } else {
        out
    }
}

/// Rewrites each family value's `item_key` to its key across years (the document's own key
/// moves to `document_item_key`).
pub fn link_items(values: &mut [FamilyValue], s: &SeriesSettings) {
    let families: BTreeMap<usize, Vec<usize>> =
        values
            .iter()
            .enumerate()
            .fold(BTreeMap::new(), |mut m, (i, v)| {
                m.entry(v.family).or_insert_with(Vec::new).push(i);
                m
            });
    for members in families.values() {
        // Items by year, in reading order: (item key, occurrence) → figures.
        let mut years: BTreeMap<i32, Vec<((String, u32), YearItem)>> = BTreeMap::new();
        let mut slot: HashMap<(i32, String, u32), usize> = HashMap::new();
        for &i in members {
            let v = &values[i].value;
            let Some(y) = v.fiscal_year else { continue };
            let id = (v.item_key.clone(), values[i].occurrence);
            let items = years.entry(y).or_default();
            let at = *slot.entry((y, id.0.clone(), id.1)).or_insert_with(|| {
                items.push((
                    id.clone(),
                    YearItem {
                        label: label_of(&v.item_path).to_string(),
                        base: base_label(&v.label),
                        ..Default::default()
                    },
                ));
                items.len() - 1
            });
            if let (Some(f), Some((prev, rest))) = (v.value_float, side(&v.column, y)) {
                let item = &mut items[at].1;
                if prev {
                    item.previous.insert(rest, f);
                } else {
                    item.current.insert(rest, f);
                }
            }
        }
        let mut known: Vec<Known> = Vec::new();
        let mut keys: HashMap<(i32, String, u32), (String, u32)> = HashMap::new();
        for (&y, items) in &years {
            let mut claimed: HashSet<usize> = HashSet::new();
            // Pass 1: key, label and figures; then, among the earlier items still unclaimed
            // once every exact match is made, a label an edit apart; then the order of
            // labels that dropped a qualifier.
            let mut found: Vec<Option<usize>> = Vec::with_capacity(items.len());
            // Whether a figure placed the item (evidence no order overrules).
            let mut by_figures: Vec<bool> = Vec::with_capacity(items.len());
            for ((key, occ), item) in items {
                let unclaimed = |k: &(usize, &Known)| !claimed.contains(&k.0);
                let by_key = known
                    .iter()
                    .enumerate()
                    .find(|(_, k)| (k.key == *key || k.doc_key == *key) && k.occurrence == *occ)
                    .map(|(i, _)| i)
                    .filter(|i| !claimed.contains(i));
                let by_label = || {
                    the_one(
                        known
                            .iter()
                            .enumerate()
                            .filter(|(_, k)| k.label == item.label && k.occurrence == *occ)
                            .filter(|k| unclaimed(k))
                            .map(|(i, _)| i),
                    )
                };
                let by_figure = || {
                    the_one(
                        known
                            .iter()
                            .enumerate()
                            .filter(|(_, k)| k.year == y - 1)
                            .filter(|k| unclaimed(k))
                            .filter(|(_, k)| {
                                item.previous.iter().any(|(rest, f)| {
                                    *f != 0.0 && k.current.get(rest).is_some_and(|c| c == f)
                                })
                            })
                            .map(|(i, _)| i),
                    )
                };
                // The figures overrule the key when they name another item: the key's item
                // printed something else last year as current.
                let contradicts = |i: usize| {
                    item.previous.iter().any(|(rest, f)| {
                        known[i].year == y - 1 && known[i].current.get(rest).is_some_and(|c| c != f)
                    })
                };
                let (f, figures) = match (by_key, by_figure()) {
                    (Some(k), Some(f)) if k != f && contradicts(k) => (Some(f), true),
                    (Some(k), _) => (Some(k), false),
                    // Figures overrule a label the same way: two 雑費 rows of last year,
                    // this year's second printing the second one's figure as last year's.
                    (None, f) => match (by_label(), f) {
                        (Some(l), Some(f)) if l != f && contradicts(l) => (Some(f), true),
                        (Some(l), _) => (Some(l), false),
                        (None, f) => (f, f.is_some()),
                    },
                };
                if let Some(i) = f {
                    claimed.insert(i);
                }
                found.push(f);
                by_figures.push(figures);
            }
            // Rule `label_an_edit_apart`: an item no exact evidence placed takes the key of
            // the one earlier item, unclaimed this year, whose label is a character or so
            // apart (a scan's `車輛費支出` for the digital years' `車輌費支出`; a form
            // without a previous-year column has no figures to say so).
            for (((_, occ), item), f) in items.iter().zip(found.iter_mut()) {
                if f.is_some() {
                    continue;
                }
                let c = the_one(
                    known
                        .iter()
                        .enumerate()
                        .filter(|(i, k)| {
                            !claimed.contains(i)
                                && k.occurrence == *occ
                                && words_match(&k.label, &item.label, s)
                        })
                        .map(|(i, _)| i),
                );
                if let Some(i) = c {
                    claimed.insert(i);
                    *f = Some(i);
                }
            }
            // Rule `qualifier_dropped_in_order`: this year's items whose printed labels are
            // the same without their bracketed qualifiers (`介護報酬収入` / `（介護報酬収入）`
            // / `介護報酬収入`) are, in reading order, as many items of the year before
            // that share that base (`介護報酬収入(施設)` / `（介護報酬収入）` /
            // `介護報酬収入(居宅)`): their place is the evidence when no figure says
            // otherwise (a form without a previous-year column). Matches made by key or
            // label inside the group give way; one made by another item does not.
            let mut bases: Vec<&str> = items.iter().map(|(_, item)| item.base.as_str()).collect();
            bases.sort_unstable();
            bases.dedup();
            for base in bases.into_iter().filter(|b| !b.is_empty()) {
                let Some(last) = known
                    .iter()
                    .filter(|k| k.base == base && k.year < y)
                    .map(|k| k.year)
                    .max()
                else {
                    continue;
                };
                let mut theirs: Vec<usize> = (0..known.len())
                    .filter(|&i| known[i].base == base && known[i].year == last)
                    .collect();
                theirs.sort_by_key(|&i| known[i].order);
                // This year's items of the base, but for those placed outside the group on
                // an item seen last year (by their key or label on another base); one placed
                // on an item last seen before that year (its key in an older form) is the
                // group's to place.
                let mine: Vec<usize> = (0..items.len())
                    .filter(|&j| items[j].1.base == base)
                    .filter(|&j| {
                        found[j].is_none_or(|i| theirs.contains(&i) || known[i].year < last)
                    })
                    .collect();
                let outside = theirs
                    .iter()
                    .any(|i| claimed.contains(i) && !mine.iter().any(|&j| found[j] == Some(*i)));
                let figured = mine.iter().any(|&j| by_figures[j]);
                if mine.is_empty() || mine.len() != theirs.len() || outside || figured {
                    continue;
                }
                for &j in &mine {
                    if let Some(old) = found[j].take() {
                        claimed.remove(&old);
                    }
                }
                for (&j, &i) in mine.iter().zip(&theirs) {
                    claimed.insert(i);
                    found[j] = Some(i);
                }
            }
            for (order, (((key, occ), item), f)) in items.iter().zip(found).enumerate() {
                let series_key = match f {
                    Some(i) => {
                        let k = &mut known[i];
                        k.year = y;
                        k.doc_key = key.clone();
                        // The latest wording is what next year's is compared with.
                        k.label = item.label.clone();
                        k.base = item.base.clone();
                        k.order = order;
                        k.current = item.current.clone();
                        (k.key.clone(), k.occurrence)
                    }
                    None => {
                        known.push(Known {
                            key: key.clone(),
                            doc_key: key.clone(),
                            label: item.label.clone(),
                            base: item.base.clone(),
                            occurrence: *occ,
                            order,
                            year: y,
                            current: item.current.clone(),
                        });
                        (key.clone(), *occ)
                    }
                };
                keys.insert((y, key.clone(), *occ), series_key);
            }
        }
        for &i in members {
            let fv = &mut values[i];
            let Some(y) = fv.value.fiscal_year else {
                continue;
            };
            if let Some((k, occ)) = keys.get(&(y, fv.value.item_key.clone(), fv.occurrence)) {
                fv.document_item_key = std::mem::replace(&mut fv.value.item_key, k.clone());
                fv.occurrence = *occ;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SeriesValue;
    use super::*;

    fn fv(year: i32, key: &str, path: &str, column: &str, value: i64) -> FamilyValue {
        FamilyValue {
            family: 0,
            value: SeriesValue {
                fiscal_year: Some(year),
                item_key: key.into(),
                item_path: path.into(),
                column: column.into(),
                value: Some(value),
                value_float: Some(value as f64),
                ..Default::default()
            },
            document_item_key: String::new(),
            sources: 1,
            sources_agree: true,
            occurrence: 0,
        }
    }

    #[test]
    fn an_item_keeps_its_key_when_its_path_moves_or_its_label_changes() {
        let mut v = vec![
            fv(2018, "a", "部/費用/差額", "当年度決算(A)", 10),
            fv(2018, "b", "部/収益/介護報酬収益施設", "当年度決算(A)", 343),
            fv(2018, "x", "部/収益/介護報酬収益", "当年度決算(A)", 81),
            fv(2018, "c", "部/収益/介護報酬収益居宅", "当年度決算(A)", 80),
            // 2019: 差額 moved out of 費用 (same label), the qualifiers lost (figures say
            // which is which), and a new item.
            fv(2019, "a2", "部/差額", "当年度決算(A)", 11),
            fv(2019, "a2", "部/差額", "前年度決算(B)", 10),
            // The same document key as 2018's 81, but its figure is 施設's.
            fv(2019, "x", "部/収益/介護報酬収益", "当年度決算(A)", 347),
            fv(2019, "x", "部/収益/介護報酬収益", "前年度決算(B)", 343),
            fv(2019, "y", "部/収益/介護報酬収益居宅", "当年度決算(A)", 90),
            fv(2019, "y", "部/収益/介護報酬収益居宅", "前年度決算(B)", 80),
            fv(2019, "n", "部/収益/新しい収益", "当年度決算(A)", 5),
            fv(2019, "n", "部/収益/新しい収益", "前年度決算(B)", 0),
        ];
        link_items(&mut v, &SeriesSettings::default());
        let keys: Vec<&str> = v.iter().map(|x| x.value.item_key.as_str()).collect();
        assert_eq!(
            keys,
            ["a", "b", "x", "c", "a", "a", "b", "b", "c", "c", "n", "n"]
        );
        assert_eq!(v[4].document_item_key, "a2");
    }

    #[test]
    fn a_label_an_edit_apart_keeps_the_key_when_nothing_else_places_it() {
        let mut v = vec![
            fv(2019, "a", "支出/車輌費支出", "決算(B)", 2549),
            fv(2019, "b", "支出/職員給料支出", "決算(B)", 100),
            fv(2019, "c", "支出/職員給与支出", "決算(B)", 200),
            // 2020 (a scan): 輌 read as 輛; 給料 and 給与 both printed again as they were.
            fv(2020, "a2", "支出/車輛費支出", "決算(B)", 1863),
            fv(2020, "c", "支出/職員給与支出", "決算(B)", 210),
            fv(2020, "b", "支出/職員給料支出", "決算(B)", 110),
            // A short label must match exactly: 雑費 is not 雑収.
            fv(2020, "z", "支出/雑収", "決算(B)", 5),
        ];
        let mut s = SeriesSettings::default();
        link_items(&mut v, &s);
        let keys: Vec<&str> = v.iter().map(|x| x.value.item_key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "a", "c", "b", "z"]);
        // With no edits allowed, the misread label starts an item of its own.
        for x in &mut v {
            x.value.item_key = std::mem::take(&mut x.document_item_key);
        }
        s.fuzzy_max_edits = 0;
        link_items(&mut v, &s);
        assert_eq!(v[3].value.item_key, "a2");
    }

    #[test]
    fn qualifiers_dropped_by_a_later_year_pair_in_reading_order() {
        let mut v = vec![
            fv(2018, "s", "収入/介護報酬収入施設", "決算(B)", 317),
            fv(2018, "g", "収入/介護報酬収入", "決算(B)", 82),
            fv(2018, "k", "収入/介護報酬収入居宅", "決算(B)", 80),
            // 2019 prints the three without qualifiers: one key, three occurrences.
            fv(2019, "g", "収入/介護報酬収入", "決算(B)", 347),
            fv(2019, "g", "収入/介護報酬収入", "決算(B)", 93),
            fv(2019, "g", "収入/介護報酬収入", "決算(B)", 92),
        ];
        let labels = [
            "介護報酬収入(施設)",
            "（介護報酬収入）",
            "介護報酬収入(居宅)",
            "介護報酬収入",
            "（介護報酬収入）",
            "介護報酬収入",
        ];
        for (x, l) in v.iter_mut().zip(labels) {
            x.value.label = l.into();
        }
        for (x, occ) in v[3..].iter_mut().zip(0..) {
            x.occurrence = occ;
        }
        link_items(&mut v, &SeriesSettings::default());
        let got: Vec<(&str, u32)> = v
            .iter()
            .map(|x| (x.value.item_key.as_str(), x.occurrence))
            .collect();
        assert_eq!(
            got,
            [("s", 0), ("g", 0), ("k", 0), ("s", 0), ("g", 0), ("k", 0)]
        );
    }

    #[test]
    fn figures_overrule_a_label_shared_by_two_rows() {
        let mut v = vec![
            fv(2019, "z", "雑費", "当年度決算(A)", 288),
            fv(2019, "z", "雑費", "当年度決算(A)", 265),
            // 2020: the rows' section paths read differently (two document keys), the
            // second 雑費 of 2019 printed first.
            fv(2020, "b", "費用/雑費", "当年度決算(A)", 170),
            fv(2020, "b", "費用/雑費", "前年度決算(B)", 265),
            fv(2020, "a", "用/雑費", "当年度決算(A)", 668),
            fv(2020, "a", "用/雑費", "前年度決算(B)", 288),
        ];
        v[1].occurrence = 1;
        link_items(&mut v, &SeriesSettings::default());
        let got: Vec<(&str, u32)> = v
            .iter()
            .map(|x| (x.value.item_key.as_str(), x.occurrence))
            .collect();
        assert_eq!(
            got,
            [("z", 0), ("z", 1), ("z", 1), ("z", 1), ("z", 0), ("z", 0)]
        );
    }

    #[test]
    fn a_document_key_seen_under_an_earlier_key_keeps_that_key_next_year() {
        let mut v = vec![
            fv(2018, "old", "収入/雑収入", "当年度決算(A)", 1),
            fv(2018, "other", "支出/雑収入", "当年度決算(A)", 5),
            // 2019 words one path differently (a new document key), placed by its figure.
            fv(2019, "new", "部/雑収入", "当年度決算(A)", 2),
            fv(2019, "new", "部/雑収入", "前年度決算(B)", 1),
            fv(2019, "other", "支出/雑収入", "当年度決算(A)", 6),
            // 2020 prints 2019's document key again, without figures; its label alone
            // is ambiguous.
            fv(2020, "new", "部/雑収入", "当年度決算(A)", 3),
        ];
        link_items(&mut v, &SeriesSettings::default());
        let keys: Vec<&str> = v.iter().map(|x| x.value.item_key.as_str()).collect();
        assert_eq!(keys, ["old", "other", "old", "old", "other", "old"]);
    }
}
