//! Real layouts (issue 11): a budget book's 歳入 事項別明細書, printed as two-page spreads
//! on landscape sheets with boxed 款/項 headings and a 千円 unit row
//! (`samples/fuji-r8-sainyu-01-shizei.pdf`); and its 給与費明細書, blocks of allowances
//! stacked in one ruled picture beside a vertical label, under one unit note
//! (`samples/fuji-r8-99-fuzoku-shiryou-p1.pdf`).

use crate::common::{extract_json, root};

fn tables() -> Vec<serde_json::Value> {
    let v = extract_json(&root().join("samples/fuji-r8-sainyu-01-shizei.pdf"), &[]);
    v["tables"].as_array().cloned().unwrap_or_default()
}

fn cells(r: &serde_json::Value) -> Vec<String> {
    r["cells"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_spread_is_one_table_with_its_unit_and_heading() {
    let t = tables();
    let first = t.first().expect("a table");
    assert_eq!(
        first["columns"],
        serde_json::json!([
            "目",
            "本年度予算額",
            "前年度予算額",
            "比較",
            "節/区分",
            "節/金額",
            "説明"
        ]),
        "the left and right halves are one table"
    );
    assert_eq!(first["unit"], "千円");
    let caption = first["caption"].as_str().unwrap_or("");
    assert!(
        caption.contains("１款市税") && caption.contains("１項市民税"),
        "{caption}"
    );
    let rows: Vec<Vec<String>> = first["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(cells)
        .collect();
    // 個人 over its two 節, filled down; the unit row is no row and glued to none.
    assert_eq!(
        rows[0][..6],
        [
            "1 個人",
            "16,203,500",
            "15,840,700",
            "362,800",
            "1 現年課税分",
            "16,084,000"
        ]
    );
    assert_eq!(
        rows[1][..6],
        [
            "1 個人",
            "16,203,500",
            "15,840,700",
            "362,800",
            "2 滞納繰越分",
            "119,500"
        ]
    );
    assert_eq!(
        first["rows"][1]["spanned_from_above"],
        serde_json::json!([0, 1, 2, 3])
    );
    assert_eq!(
        first["rows"][0]["values"][1],
        serde_json::json!(16_203_500_000i64)
    );
    // Its 計 is the sum of its 目 (each counted once, not once per 節).
    assert_eq!(first["totals_mismatches"], serde_json::json!([]), "{first}");
    assert!(t.iter().all(|t| t["totals_mismatches"].is_array()));
}

#[test]
fn headings_and_unit_rows_are_never_tables_or_rows() {
    for t in tables() {
        let rows = t["rows"].as_array().expect("rows");
        assert!(!rows.is_empty(), "a table without rows: {t}");
        for r in rows {
            for c in cells(r) {
                assert!(!c.starts_with("千円"), "a unit glued to a row: {r}");
                assert!(!c.contains("款市税"), "a 款 heading as a row: {r}");
            }
        }
    }
}

#[test]
fn a_headerless_item_table_takes_its_siblings_columns() {
    let t = tables();
    let tobacco = t
        .iter()
        .find(|t| {
            t["caption"]
                .as_str()
                .is_some_and(|c| c.contains("４項市たばこ税"))
        })
        .expect("the 市たばこ税 table");
    assert_eq!(
        tobacco["header_rows"],
        serde_json::json!([]),
        "printed without a header"
    );
    assert_eq!(tobacco["columns"][0], "目");
    assert_eq!(tobacco["unit"], "千円");
    assert_eq!(
        tobacco["rows"][0]["values"][1],
        serde_json::json!(2_001_000_000i64)
    );
}

#[test]
fn stacked_blocks_beside_a_side_label_are_tables_of_their_own() {
    let v = extract_json(
        &root().join("samples/fuji-r8-99-fuzoku-shiryou-p1.pdf"),
        &[],
    );
    let t = v["tables"].as_array().cloned().unwrap_or_default();
    assert_eq!(t.len(), 5, "two 総括 tables and three allowance blocks");
    // `職員数` prints its unit `人` on a line under the label: the column's unit.
    assert_eq!(t[1]["columns"][1], "職員数");
    assert_eq!(t[1]["units"][1], "人");
    assert_eq!(t[1]["unit"], "千円", "the caption's unit note");
    let blocks = &t[2..];
    let widths: Vec<usize> = blocks
        .iter()
        .map(|b| b["columns"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(widths, [8, 8, 4], "no side-label column, no empty columns");
    for b in blocks {
        assert_eq!(b["columns"][0], "区分");
        assert_eq!(
            b["unit"], "千円",
            "the note above the 総括 holds for the blocks"
        );
        assert!(
            b["caption"].is_null(),
            "no rows of the block above as caption: {b}"
        );
        for r in b["rows"].as_array().expect("rows") {
            assert_eq!(r["section"], serde_json::json!(["職員手当等の内訳"]));
        }
    }
    assert_eq!(
        cells(&blocks[2]["rows"][0]),
        ["本年度", "816", "4,510", "0"]
    );
    assert_eq!(
        blocks[2]["rows"][0]["values"][1],
        serde_json::json!(816_000i64)
    );
}

/// A budget book printing the two halves of its 事項別明細書 on facing pages (R6 book,
/// pages 268–276: 目 on the even pages, 節 on the odd ones): the 項 starts with one ruled
/// 目 row at the foot of page 268, goes on on pages 270 and 274 past an empty 目 page (272,
/// its header and units alone), and ends with its 計 on page 276, which adds up.
#[test]
fn a_table_on_facing_pages_goes_on_past_its_other_half() {
    let Some(corpus) =
        crate::common::corpus_for("a_table_on_facing_pages_goes_on_past_its_other_half")
    else {
        return;
    };
    let book = corpus.join("peers/ja-real/fuji-r6-budget-full.pdf");
    let v = extract_json(&book, &["--pages", "268-276"]);
    let t = v["tables"].as_array().cloned().unwrap_or_default();
    let elderly = t
        .iter()
        .find(|t| {
            t["caption"]
                .as_str()
                .is_some_and(|c| c.contains("２項老人福祉費"))
        })
        .expect("the 老人福祉費 table");
    assert_eq!(
        elderly["pages"],
        serde_json::json!([268, 270, 272, 274, 276]),
        "{elderly}"
    );
    let rows = elderly["rows"].as_array().expect("rows");
    let labels: Vec<String> = rows.iter().map(|r| cells(r)[0].clone()).collect();
    assert_eq!(
        labels,
        [
            "1 高齢者対策費",
            "2 要援護高齢者対策費",
            "3 介護保険費",
            "計"
        ]
    );
    assert_eq!(
        elderly["columns"].as_array().map(Vec::len),
        Some(8),
        "the empty 財源 boxes are columns"
    );
    assert_eq!(
        elderly["totals_mismatches"],
        serde_json::json!([]),
        "{elderly}"
    );
    assert_eq!(
        elderly["totals_checked"], 7,
        "the 計 row's seven amount columns"
    );
}
