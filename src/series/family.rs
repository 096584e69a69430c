//! Families: tables of one form across documents (see the stage's module comment).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use regex::Regex;

use crate::disjoint::{find, union};
use crate::normalize::item_key::key_hash;
use crate::normalize::period::header_form;

use super::{FamilyValue, SeriesSettings, SeriesValue};

/// A family of tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// A stable id: 12 hex digits of a hash of the family's most common form.
    pub id: String,
    /// A readable name: the most common title of its tables (`事業活動計算書`), else its
    /// columns.
    pub name: String,
    /// Its directory under `families/`: the name with characters unsafe in a path
    /// replaced, made unique.
    pub dir: String,
    /// Its columns, each in its most common wording, in the order of the most common form.
    pub columns: Vec<String>,
    pub documents: usize,
    pub tables: usize,
    pub years: Vec<i32>,
}

/// A header word in the form families compare: [`header_form`], then year numbers
/// generalized (`令和元年度`, `令和2年度`, `2019年度` → `{年}`) and units taken off
/// (`(千円)`).
pub fn form_word(column: &str) -> String {
    static RE: OnceLock<[Regex; 2]> = OnceLock::new();
    let [years, units] = RE.get_or_init(|| {
        [
            Regex::new(&format!(
                r"(?:{})(?:元|\d{{1,2}})年度?|(?:19|20)\d{{2}}年度?",
                crate::normalize::era::era_names_pattern()
            ))
            .expect("valid regex"),
            Regex::new(r"[\(](?:千|百万|万)?円[\)]|単位[:：]?(?:千|百万|万)?円")
                .expect("valid regex"),
        ]
    });
    let h = header_form(column);
    let h = years.replace_all(&h, "{年}");
    units.replace_all(&h, "").into_owned()
}

/// A table's title as a family name: the first caption line up to its first bracket
/// (`事業活動計算書（自 平成29年…）` → `事業活動計算書`), without spaces, page marks
/// (`1頁`) or year numbers.
fn caption_name(caption: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Page marks (`1頁`) and a printed total (`1款 市税 48,352,400千円`) are no part of it.
    let page = RE.get_or_init(|| {
        Regex::new(r"\d+頁$|^\d+頁|[\d,]{2,}(?:千円|百万円|円)?$").expect("valid regex")
    });
    let first = caption.lines().next().unwrap_or("");
    let head = first
        .split(['(', '（', '〔', '['])
        .next()
        .unwrap_or("")
        .trim();
    let w = form_word(head).replace("{年}", "");
    page.replace_all(&w, "")
        .trim_matches(['・', ':', '：'])
        .to_string()
}

/// Levenshtein distance over characters, stopping once it exceeds `max`.
fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        if cur.iter().min().is_some_and(|&m| m > max) {
            return false;
        }
        prev = cur;
    }
    prev[b.len()] <= max
}

/// Whether two header words name the same column: equal, or (both long enough) an edit or
/// so apart (`fuzzy_header_word`: an OCR misread of one character).
pub(super) fn words_match(a: &str, b: &str, s: &SeriesSettings) -> bool {
    a == b
        || (a.chars().count().min(b.chars().count()) >= s.fuzzy_min_chars
            && within_edits(a, b, s.fuzzy_max_edits))
}

/// The share of the smaller word set that matches a word of the other.
fn column_match(a: &[String], b: &[String], s: &SeriesSettings) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    let matched = small
        .iter()
        .filter(|w| large.iter().any(|x| words_match(w, x, s)))
        .count();
    matched as f64 / small.len() as f64
}

/// The share of the smaller item set that is also in the other.
fn item_overlap(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / small as f64
}

/// One table of the archive, as the family search sees it.
struct Table<'a> {
    document: &'a str,
    year: Option<i32>,
    caption: String,
    /// Column index → form word, for the columns that hold figures.
    words: BTreeMap<u32, String>,
    items: BTreeSet<&'a str>,
    values: Vec<usize>,
}

impl Table<'_> {
    /// The form word of a value's column (read once per column in [`tables`]).
    fn word(&self, v: &SeriesValue) -> &str {
        self.words.get(&v.column_index).map_or("", String::as_str)
    }
}

fn tables(values: &[SeriesValue]) -> Vec<Table<'_>> {
    let mut index: HashMap<(&str, &str, u32), usize> = HashMap::new();
    let mut out: Vec<Table<'_>> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let key = (
            v.document_id.as_str(),
            v.source_path.as_str(),
            v.table_index,
        );
        let t = *index.entry(key).or_insert_with(|| {
            out.push(Table {
                document: &v.source_path,
                year: v.fiscal_year,
                caption: caption_name(&v.caption),
                words: BTreeMap::new(),
                items: BTreeSet::new(),
                values: Vec::new(),
            });
            out.len() - 1
        });
        let t = &mut out[t];
        t.words
            .entry(v.column_index)
            .or_insert_with(|| form_word(&v.column));
        t.items.insert(&v.item_key);
        t.values.push(i);
    }
    out
}

/// A form: its words (sorted, no empty ones), and for forms of fewer than two named
/// columns (too generic to group on: one `金額` column) the table's title too.
type Form = (String, Vec<String>);

fn form(t: &Table<'_>) -> Option<Form> {
    let words: Vec<String> = t
        .words
        .values()
        .filter(|w| !w.is_empty())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if words.len() >= 2 {
        Some((String::new(), words))
    } else if !t.caption.is_empty() {
        Some((t.caption.clone(), words))
    } else {
        None
    }
}

/// The most common element (ties: the smallest).
fn mode<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(t, _)| t)
}

/// Rule `shortest_common_title`: a family is named by its most common title; among
/// titles as common, by the shortest (`法人単位資金収支計算書` and `資金収支計算書`, a
/// statement for the whole corporation and one per facility, each printed every year,
/// are `資金収支計算書`), which the longer ones commonly end with. `None` without titles.
fn family_name(titles: &[&str]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in titles {
        *counts.entry(t).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .filter(|(_, c)| *c == best)
        .map(|(t, _)| t)
        .min_by_key(|t| (t.chars().count(), *t))
        .map(str::to_string)
}

/// A directory name: letters, digits and `_-` kept (CJK included), anything else `_`.
pub fn dir_name(name: &str) -> String {
    let d: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let d = d.trim_matches('_').to_string();
    if d.is_empty() {
        "family".to_string()
    } else {
        d
    }
}

/// What identifies a row within a document: its label (the last part of its item path)
/// and each of its figures by column.
type RowSignature = (String, Vec<(String, u64)>);

/// Each row of a table (by row index) with its signature; rows without a label or without
/// a non-zero figure have none (nothing to tell them apart by).
fn row_signatures(
    t: &Table<'_>,
    values: &[SeriesValue],
    canonical: &dyn Fn(&str) -> String,
) -> HashMap<u32, RowSignature> {
    let mut rows: BTreeMap<u32, (String, Vec<(String, u64)>)> = BTreeMap::new();
    for &vi in &t.values {
        let v = &values[vi];
        let label = v.item_path.rsplit('/').next().unwrap_or("").to_string();
        let e = rows
            .entry(v.row_index)
            .or_insert_with(|| (label, Vec::new()));
        if let Some(f) = v.value_float {
            e.1.push((canonical(t.word(v)), f.to_bits()));
        }
    }
    rows.into_iter()
        .filter(|(_, (label, figures))| {
            !label.is_empty() && figures.iter().any(|(_, b)| f64::from_bits(*b) != 0.0)
        })
        .map(|(r, (label, mut figures))| {
            figures.sort();
            (r, (label, figures))
        })
        .collect()
}

/// Rule `titles_name_items`: whether the family's items are told apart by their table's
/// title. It serves budget books published one 款 a book: each year holds the same form
/// in several documents under different titles (`1款市税`, `14款使用料及び手数料`), and
/// the `計` of one book is not the `計` of another. When some year of the family has
/// tables of two documents or more under two titles or more, each item's key starts with
/// its table's title, as if the title were its outermost section (its path, which the
/// analyst reads, stays as printed). One
/// statement a year (or the same statement printed in two documents under one title)
/// keeps its keys as read.
fn titles_name_items(tables: &[Table<'_>], members: &[usize]) -> bool {
    let mut years: BTreeMap<i32, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for &t in members {
        let Some(y) = tables[t].year else { continue };
        let (docs, titles) = years.entry(y).or_default();
        docs.insert(tables[t].document);
        titles.insert(tables[t].caption.as_str());
    }
    years
        .values()
        .any(|(docs, titles)| docs.len() >= 2 && titles.len() >= 2)
}

/// An item key under `title`, when there is one.
fn under_title(title: Option<&str>, key: &str) -> String {
    match title {
        Some(t) if !t.is_empty() => format!("{t}/{key}"),
        _ => key.to_string(),
    }
}

/// Each document's rows seen so far, with their signatures: (table, row index).
type EarlierRows<'a> = HashMap<&'a str, Vec<(RowSignature, (usize, u32))>>;

/// Rule `same_row_one_figure_misread`: `row` repeats `earlier` with one figure misread —
/// the same label, at least `same_row_min_figures` columns with the same non-zero figure,
/// and at most one column where both have a figure and they differ.
fn repeats_misread(row: &RowSignature, earlier: &RowSignature, s: &SeriesSettings) -> bool {
    if row.0 != earlier.0 {
        return false;
    }
    let (mut equal, mut differ) = (0usize, 0usize);
    for (column, figure) in &row.1 {
        match earlier.1.iter().find(|(c, _)| c == column) {
            // An equal 0 proves nothing either way.
            Some((_, f)) if f == figure && f64::from_bits(*f) != 0.0 => equal += 1,
            Some((_, f)) if f == figure => {}
            Some(_) => differ += 1,
            None => {}
        }
    }
    equal >= s.same_row_min_figures && differ <= 1
}

/// The families of an archive's tables, and each family's values (one per item, column,
/// occurrence and document).
pub fn families(values: &[SeriesValue], s: &SeriesSettings) -> (Vec<Family>, Vec<FamilyValue>) {
    let tables = tables(values);
    // Tables of one form.
    let mut buckets: BTreeMap<Form, Vec<usize>> = BTreeMap::new();
    for (i, t) in tables.iter().enumerate() {
        if let Some(f) = form(t) {
            buckets.entry(f).or_default().push(i);
        }
    }
    let forms: Vec<(Form, Vec<usize>)> = buckets.into_iter().collect();
    let items: Vec<BTreeSet<&str>> = forms
        .iter()
        .map(|(_, ts)| {
            ts.iter()
                .flat_map(|&t| tables[t].items.iter().copied())
                .collect()
        })
        .collect();
    // Forms a column apart (added, dropped, misread) join when they share items.
    let mut parent: Vec<usize> = (0..forms.len()).collect();
    for i in 0..forms.len() {
        for j in i + 1..forms.len() {
            let ((ca, wa), (cb, wb)) = (&forms[i].0, &forms[j].0);
            if ca == cb
                && column_match(wa, wb, s) >= s.column_match_min
                && item_overlap(&items[i], &items[j]) >= s.item_overlap_min
            {
                union(&mut parent, i, j);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..forms.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }

    let mut out_families: Vec<Family> = Vec::new();
    let mut out_values: Vec<FamilyValue> = Vec::new();
    let mut used_dirs: BTreeSet<String> = BTreeSet::new();
    for members in groups.values() {
        let member_tables: Vec<usize> = members
            .iter()
            .flat_map(|&f| forms[f].1.iter().copied())
            .collect();
        let documents: BTreeSet<&str> = member_tables.iter().map(|&t| tables[t].document).collect();
        if documents.len() < s.min_documents {
            continue;
        }
        // The most common form names the columns; a word of another form takes the
        // main form's word it matches.
        let main = members
            .iter()
            .copied()
            .max_by(|&a, &b| {
                forms[a]
                    .1
                    .len()
                    .cmp(&forms[b].1.len())
                    .then(forms[b].0.cmp(&forms[a].0))
            })
            .unwrap_or(members[0]);
        let (caption_key, sorted_words) = &forms[main].0;
        // In the column order of the form's first table.
        let first = &tables[forms[main].1[0]].words;
        let mut main_words: Vec<String> = sorted_words.clone();
        main_words.sort_by_key(|w| first.iter().find(|(_, x)| *x == w).map(|(i, _)| *i));
        let main_words = &main_words;
        let canonical = |w: &str| -> String {
            main_words
                .iter()
                .find(|m| m.as_str() == w)
                .or_else(|| main_words.iter().find(|m| words_match(m, w, s)))
                .cloned()
                .unwrap_or_else(|| w.to_string())
        };
        // Each column's most common wording as printed.
        let mut wordings: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for &t in &member_tables {
            for &vi in &tables[t].values {
                let v = &values[vi];
                let w = canonical(tables[t].word(v));
                wordings
                    .entry(w)
                    .or_default()
                    .push(v.column.trim().to_string());
            }
        }
        let wording: BTreeMap<String, String> = wordings
            .into_iter()
            .map(|(w, all)| {
                let m = mode(all.into_iter()).unwrap_or_default();
                (w, m)
            })
            .collect();
        let titles: Vec<&str> = member_tables
            .iter()
            .map(|&t| tables[t].caption.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let name = family_name(&titles).unwrap_or_else(|| {
            main_words
                .iter()
                .map(|w| wording.get(w).cloned().unwrap_or_else(|| w.clone()))
                .collect::<Vec<_>>()
                .join("・")
        });
        let id = key_hash(&format!("{caption_key}|{}", main_words.join("|")));
        let mut dir = dir_name(&name);
        if !used_dirs.insert(dir.clone()) {
            dir = format!("{dir}-{}", &id[..6]);
            used_dirs.insert(dir.clone());
        }
        let family = out_families.len();
        let years: BTreeSet<i32> = member_tables
            .iter()
            .filter_map(|&t| tables[t].year)
            .collect();
        out_families.push(Family {
            id,
            name,
            dir,
            columns: main_words
                .iter()
                .map(|w| wording.get(w).cloned().unwrap_or_else(|| w.clone()))
                .collect(),
            documents: documents.len(),
            tables: member_tables.len(),
            years: years.into_iter().collect(),
        });
        let titled = titles_name_items(&tables, &member_tables);
        // One value per document, item, column and occurrence; the same item printed by
        // two tables of a document (two statements) is one value with two sources.
        let mut seen: HashMap<(&str, String, String, u32), usize> = HashMap::new();
        let mut ordered = member_tables.clone();
        ordered.sort_by_key(|&t| {
            let v = &values[tables[t].values[0]];
            (v.fiscal_year, v.source_path.clone(), v.table_index)
        });
        // Rule `same_row_in_two_statements`: a row of a later table of the document with
        // the label and every figure of a row of an earlier one is that row printed again
        // (the 法人単位 statement and the 拠点区分 one of a corporation with one 拠点), even
        // when the two read its section path differently (a vertical label cut
        // otherwise): its values are further sources of the earlier row's.
        // A scan may misread one figure of the second printing (`770` for `770,000`, a
        // figure lost): then the label and at least `same_row_min_figures` equal non-zero
        // figures, with at most one differing, name the one earlier row it repeats
        // (`same_row_one_figure_misread`).
        let mut first_row: HashMap<(&str, RowSignature), (usize, u32)> = HashMap::new();
        let mut earlier_rows: EarlierRows<'_> = HashMap::new();
        let mut row_keys: HashMap<(usize, u32, String), (String, u32)> = HashMap::new();
        for &t in &ordered {
            let mut occurrences: HashMap<(&str, String), u32> = HashMap::new();
            let rows = row_signatures(&tables[t], values, &canonical);
            let title = titled.then_some(tables[t].caption.as_str());
            let document = tables[t].document;
            let mut again: HashMap<u32, (usize, u32)> = HashMap::new();
            let mut in_order: Vec<(&u32, &RowSignature)> = rows.iter().collect();
            in_order.sort_by_key(|(r, _)| **r);
            for &(&r, sig) in &in_order {
                let first = *first_row.entry((document, sig.clone())).or_insert((t, r));
                if first.0 != t {
                    again.insert(r, first);
                } else if first.1 == r {
                    let near = earlier_rows.get(document).and_then(|earlier| {
                        super::items::the_one(
                            earlier
                                .iter()
                                .filter(|(e, _)| repeats_misread(sig, e, s))
                                .map(|(_, at)| *at),
                        )
                    });
                    if let Some(at) = near {
                        again.insert(r, at);
                    }
                }
            }
            let list = earlier_rows.entry(document).or_default();
            list.extend(in_order.iter().map(|&(&r, sig)| (sig.clone(), (t, r))));
            for &vi in &tables[t].values {
                let v = &values[vi];
                let w = canonical(tables[t].word(v));
                let occ = occurrences
                    .entry((v.item_key.as_str(), w.clone()))
                    .or_insert(0);
                let mut occurrence = *occ;
                *occ += 1;
                let mut item_key = under_title(title, &v.item_key);
                if let Some(first) = again.get(&v.row_index) {
                    if let Some((k, o)) = row_keys.get(&(first.0, first.1, w.clone())) {
                        (item_key, occurrence) = (k.clone(), *o);
                    }
                }
                row_keys.insert((t, v.row_index, w.clone()), (item_key.clone(), occurrence));
                let key = (
                    v.source_path.as_str(),
                    item_key.clone(),
                    w.clone(),
                    occurrence,
                );
                match seen.get(&key) {
                    Some(&at) => {
                        let first: &mut FamilyValue = &mut out_values[at];
                        first.sources += 1;
                        if first.value.value_float != v.value_float {
                            first.sources_agree = false;
                        }
                    }
                    None => {
                        seen.insert(key, out_values.len());
                        let mut value = v.clone();
                        value.column = wording.get(&w).cloned().unwrap_or_else(|| v.column.clone());
                        value.item_key = item_key;
                        out_values.push(FamilyValue {
                            family,
                            document_item_key: value.item_key.clone(),
                            value,
                            sources: 1,
                            sources_agree: true,
                            occurrence,
                        });
                    }
                }
            }
        }
    }
    (out_families, out_values)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A table of one document: `(item, [(column, value)])` rows.
    pub(crate) fn table(
        year: i32,
        doc: &str,
        index: u32,
        caption: &str,
        rows: &[(&str, &[(&str, i64)])],
    ) -> Vec<SeriesValue> {
        let mut out = Vec::new();
        for (ri, (item, cells)) in rows.iter().enumerate() {
            for (ci, (column, value)) in cells.iter().enumerate() {
                out.push(SeriesValue {
                    fiscal_year: Some(year),
                    value_year: Some(year),
                    document_id: format!("id-{doc}"),
                    source_path: doc.to_string(),
                    table_index: index,
                    row_index: ri as u32,
                    page: 1,
                    caption: caption.to_string(),
                    column_index: ci as u32 + 1,
                    column: column.to_string(),
                    item_key: format!("key-{item}"),
                    item_path: item.to_string(),
                    label: item.to_string(),
                    value: Some(*value),
                    value_float: Some(*value as f64),
                    unit: Some("円".into()),
                });
            }
        }
        out
    }

    #[test]
    fn header_words_generalize_years_units_and_references() {
        assert_eq!(form_word("令和元年度予算額(千円)"), "{年}予算額");
        assert_eq!(form_word("令和 2年度予算額（千円）"), "{年}予算額");
        assert_eq!(form_word("当年度決算(A)"), "当年度決算");
        assert_eq!(form_word("増減(A)-(B)"), "増減");
        assert_eq!(
            caption_name("法人単位事業活動計算書\n( 自 平成29年 4月 1日 )"),
            "法人単位事業活動計算書"
        );
        assert_eq!(
            caption_name("令和2年度 資金収支計算書 2頁"),
            "資金収支計算書"
        );
        assert!(within_edits("前年度決算", "前年庋決算", 1));
        assert!(!within_edits("予算額", "決算額差", 1));
    }

    #[test]
    fn one_statement_over_years_is_one_family_with_drift_and_a_dropped_column() {
        let cols3 = |a: i64, b: i64| {
            [
                ("当年度決算(A)", a),
                ("前年度決算(B)", b),
                ("増減(A)-(B)", a - b),
            ]
        };
        let mut v = Vec::new();
        for (year, doc, cur, prev) in [(2018, "a.pdf", 120, 100), (2019, "b.pdf", 130, 120)] {
            v.extend(table(
                year,
                doc,
                1,
                "事業活動計算書\n(自 …)",
                &[
                    ("介護保険事業収益", &cols3(cur, prev)),
                    ("人件費", &cols3(50, 40)),
                ],
            ));
        }
        // The next year: wording drift (a space, full-width brackets) and 増減 dropped.
        v.extend(table(
            2020,
            "c.pdf",
            3,
            "事業活動計算書",
            &[
                (
                    "介護保険事業収益",
                    &[("当年度決算（Ａ）", 150), ("前年度 決算(B)", 130)],
                ),
                (
                    "人件費",
                    &[("当年度決算（Ａ）", 60), ("前年度 決算(B)", 50)],
                ),
            ],
        ));
        // A different table with other columns and items stays out.
        v.extend(table(
            2019,
            "b.pdf",
            2,
            "基本財産",
            &[("土地", &[("前期末残高", 1), ("当期末残高", 2)])],
        ));
        let (fams, vals) = families(&v, &SeriesSettings::default());
        assert_eq!(fams.len(), 1, "{fams:?}");
        assert_eq!(fams[0].name, "事業活動計算書");
        assert_eq!(fams[0].documents, 3);
        assert_eq!(fams[0].years, [2018, 2019, 2020]);
        assert_eq!(
            fams[0].columns,
            ["当年度決算(A)", "前年度決算(B)", "増減(A)-(B)"]
        );
        let c2020: Vec<&str> = vals
            .iter()
            .filter(|x| x.value.fiscal_year == Some(2020))
            .map(|x| x.value.column.as_str())
            .collect();
        assert_eq!(
            c2020,
            [
                "当年度決算(A)",
                "前年度決算(B)",
                "当年度決算(A)",
                "前年度決算(B)"
            ]
        );
    }

    #[test]
    fn an_item_in_two_statements_of_a_document_is_one_value_with_two_sources() {
        let cols = [("当年度決算(A)", 10), ("前年度決算(B)", 9)];
        let mut v = table(
            2019,
            "a.pdf",
            1,
            "法人単位事業活動計算書",
            &[("収益", &cols)],
        );
        v.extend(table(
            2019,
            "a.pdf",
            5,
            "事業活動計算書",
            &[("収益", &cols)],
        ));
        v.extend(table(
            2020,
            "b.pdf",
            1,
            "事業活動計算書",
            &[("収益", &cols)],
        ));
        let (fams, vals) = families(&v, &SeriesSettings::default());
        assert_eq!(fams.len(), 1);
        let a: Vec<&FamilyValue> = vals
            .iter()
            .filter(|x| x.value.source_path == "a.pdf")
            .collect();
        assert_eq!(a.len(), 2);
        assert!(a.iter().all(|x| x.sources == 2 && x.sources_agree));
    }

    #[test]
    fn a_row_printed_again_with_its_section_read_otherwise_is_one_item() {
        let cols = [("当年度決算(A)", 498), ("前年度決算(B)", 501)];
        let mut v = table(2019, "a.pdf", 1, "事業活動計算書", &[("差額", &cols)]);
        let mut again = table(2019, "a.pdf", 5, "事業活動計算書", &[("差額", &cols)]);
        for x in &mut again {
            x.item_key = "key-other-section".into();
            x.item_path = "繰越活動増減差/差額".into();
        }
        v.extend(again);
        v.extend(table(
            2020,
            "b.pdf",
            1,
            "事業活動計算書",
            &[("差額", &cols)],
        ));
        let (_, vals) = families(&v, &SeriesSettings::default());
        let a: Vec<&FamilyValue> = vals
            .iter()
            .filter(|x| x.value.source_path == "a.pdf")
            .collect();
        assert_eq!(a.len(), 2, "{a:?}");
        assert!(a
            .iter()
            .all(|x| x.sources == 2 && x.value.item_key == "key-差額"));
    }

    #[test]
    fn a_row_printed_again_with_one_figure_misread_is_one_item() {
        let cols = [
            ("当年度決算(A)", 1_060_000),
            ("前年度決算(B)", 290_000),
            ("増減", 770_000),
        ];
        // The second statement's scan read 770,000 as 770, and its section otherwise.
        let misread = [
            ("当年度決算(A)", 1_060_000),
            ("前年度決算(B)", 290_000),
            ("増減", 770),
        ];
        // Another row of the label with one figure in common is another row.
        let other = [
            ("当年度決算(A)", 5),
            ("前年度決算(B)", 290_000),
            ("増減", -289_995),
        ];
        let mut v = table(2020, "a.pdf", 1, "事業活動計算書", &[("寄附金収益", &cols)]);
        let mut again = table(
            2020,
            "a.pdf",
            5,
            "事業活動計算書",
            &[("寄附金収益", &misread), ("寄附金収益", &other)],
        );
        for x in &mut again {
            x.item_key = format!("key-other-section-{}", x.row_index);
        }
        v.extend(again);
        v.extend(table(
            2021,
            "b.pdf",
            1,
            "事業活動計算書",
            &[("寄附金収益", &cols)],
        ));
        let (_, vals) = families(&v, &SeriesSettings::default());
        let a: Vec<&FamilyValue> = vals
            .iter()
            .filter(|x| x.value.source_path == "a.pdf")
            .collect();
        let first: Vec<&&FamilyValue> = a
            .iter()
            .filter(|x| x.value.item_key == "key-寄附金収益")
            .collect();
        assert_eq!(first.len(), 3, "{a:?}");
        assert!(first.iter().all(|x| x.sources == 2));
        let agree: Vec<bool> = first.iter().map(|x| x.sources_agree).collect();
        assert_eq!(agree, [true, true, false]);
        assert_eq!(
            a.iter()
                .filter(|x| x.value.item_key == "key-other-section-1")
                .count(),
            3
        );
        // Asking for three equal figures keeps the misread row apart.
        let strict = SeriesSettings {
            same_row_min_figures: 3,
            ..SeriesSettings::default()
        };
        let (_, vals) = families(&v, &strict);
        assert!(vals
            .iter()
            .any(|x| x.value.item_key == "key-other-section-0"));
    }

    #[test]
    fn a_form_in_one_document_only_is_no_family() {
        let cols = [("予算額", 1), ("決算額", 2)];
        let mut v = table(2019, "a.pdf", 1, "", &[("x", &cols)]);
        v.extend(table(2019, "a.pdf", 2, "", &[("y", &cols)]));
        assert!(families(&v, &SeriesSettings::default()).0.is_empty());
    }

    #[test]
    fn a_family_is_named_by_its_commonest_shortest_title() {
        // As common: the shortest.
        let t = ["法人単位資金収支計算書", "資金収支計算書", "収支計算書"];
        assert_eq!(family_name(&t).as_deref(), Some("収支計算書"));
        let t = [
            "法人単位資金収支計算書",
            "資金収支計算書",
            "資金収支計算書",
            "法人単位資金収支計算書",
            "収支計算書",
        ];
        assert_eq!(family_name(&t).as_deref(), Some("資金収支計算書"));
        // More common wins.
        let t = [
            "法人単位資金収支計算書",
            "法人単位資金収支計算書",
            "資金収支計算書",
        ];
        assert_eq!(family_name(&t).as_deref(), Some("法人単位資金収支計算書"));
        let t = ["1款市税", "2款地方譲与税", "1款市税"];
        assert_eq!(family_name(&t).as_deref(), Some("1款市税"));
        assert_eq!(family_name(&[]), None);
    }
}
