//! Issue 3 (logical tables) on the seed excerpt `tests/fixtures/seed_reform_h22.pdf`: one
//! table over two pages, the ② row joined across the page break, every data row with its
//! section path, the 課題 spans filled down — asserted row by row against the generator's
//! truth (`seed_reform_h22.truth.json`). Texts are compared as the scorer compares them
//! (NFKC, whitespace removed); line structure inside cells belongs to the table stage.

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::common::{extract_json, root};

fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| norm(x.as_str().unwrap_or("")))
        .collect()
}

fn nums(v: &Value) -> Vec<u64> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect()
}

fn seed() -> (Value, Value) {
    let dir = root().join("tests/fixtures");
    let got = extract_json(&dir.join("seed_reform_h22.pdf"), &[]);
    let text = std::fs::read_to_string(dir.join("seed_reform_h22.truth.json")).expect("read truth");
    let truth: Value = serde_json::from_str(&text).expect("truth is JSON");
    (got, truth)
}

#[test]
fn issue_3_seed_is_one_table_over_two_pages_row_by_row() {
    let (got, truth) = seed();
    let tables = got["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1, "one logical table: {got:#}");
    let (t, want) = (&tables[0], &truth["tables"][0]);
    assert_eq!(nums(&t["pages"]), vec![1, 2]);
    assert_eq!(strs(&t["columns"]), strs(&want["columns"]));
    let hr: Vec<Vec<String>> = t["header_rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(strs)
        .collect();
    let wr: Vec<Vec<String>> = want["header_rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(strs)
        .collect();
    assert_eq!(hr, wr, "header rows (the page 2 repeat dropped)");

    let rows = t["rows"].as_array().expect("rows");
    let wrows = want["rows"].as_array().expect("truth rows");
    assert_eq!(rows.len(), wrows.len(), "rows: {:#}", t["rows"]);
    for (i, (r, w)) in rows.iter().zip(wrows).enumerate() {
        assert_eq!(r["kind"], w["kind"], "row {i} kind");
        assert_eq!(strs(&r["cells"]), strs(&w["cells"]), "row {i} cells");
        assert_eq!(
            strs(&r["section"]),
            strs(&w["section"]),
            "row {i} section path"
        );
        assert_eq!(nums(&r["pages"]), nums(&w["pages"]), "row {i} pages");
        let spanned = if w["spanned_from_above"].is_null() {
            Vec::new()
        } else {
            nums(&w["spanned_from_above"])
        };
        assert_eq!(
            nums(&r["spanned_from_above"]),
            spanned,
            "row {i} spanned_from_above"
        );
    }
    let key = |v: &Value| {
        (
            v["row"].as_u64(),
            v["col"].as_u64(),
            v["rowspan"].as_u64(),
            v["colspan"].as_u64(),
        )
    };
    let spans: Vec<_> = t["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .map(key)
        .collect();
    let wspans: Vec<_> = want["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .map(key)
        .collect();
    assert_eq!(spans, wspans, "spans");
}

#[test]
fn issue_3_seed_cut_row_is_joined_without_a_break_at_the_page_boundary() {
    let (got, _) = seed();
    let row = got["tables"][0]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| {
            r["cells"][1]
                .as_str()
                .is_some_and(|c| c.starts_with("②政策形成"))
        })
        .expect("the ② row");
    assert_eq!(nums(&row["pages"]), vec![1, 2]);
    // Page 1 ends "…意見の活", page 2 goes on "用、区の…": one word, no line break.
    let c2: String = row["cells"][2]
        .as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    assert!(c2.contains("意見の活用、区のホームページ"), "{c2}");
    let c3: String = row["cells"][3]
        .as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    assert!(c3.contains("図ることができた。"), "{c3}");
    // Every data row carries its section path.
    for r in got["tables"][0]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .skip(1)
    {
        if r["kind"] == "data" {
            assert_eq!(
                strs(&r["section"]).first().map(String::as_str),
                Some("II区政改革"),
                "{r}"
            );
        }
    }
}
