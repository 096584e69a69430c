//! Series across documents (`nenpo run` then `nenpo compare --family`): a hand-made
//! three-year archive of one statement, with a column added one year, an item renamed
//! by a space, a figure misprinted, and an unrelated table.

use crate::common::{nenpo, table_pdf};

/// One year's statement: items with this year's and last year's figures.
fn statement(rows: &[(&str, &str, &str)], extra_column: bool) -> Vec<u8> {
    let mut header = vec!["科目", "当年度決算(A)", "前年度決算(B)"];
    if extra_column {
        header.push("増減(A)-(B)");
    }
    let mut all: Vec<Vec<&str>> = vec![header];
    for (item, cur, prev) in rows {
        let mut r = vec![*item, *cur, *prev];
        if extra_column {
            r.push("0");
        }
        all.push(r);
    }
    let refs: Vec<&[&str]> = all.iter().map(|r| r.as_slice()).collect();
    table_pdf(&refs)
}

#[test]
fn a_three_year_archive_forms_one_family_and_reconciles_its_previous_year_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let write =
        |name: &str, bytes: Vec<u8>| std::fs::write(input.join(name), bytes).expect("write");
    write(
        "statement_h30.pdf",
        statement(
            &[
                ("事業収益", "1,200", "1,000"),
                ("人件費", "700", "650"),
                ("事業費", "300", "280"),
            ],
            false,
        ),
    );
    write(
        "statement_r1.pdf",
        statement(
            &[
                ("事業収益", "1,300", "1,200"),
                ("人件費", "720", "700"),
                ("事業費", "310", "300"),
            ],
            true,
        ),
    );
    // 2020 misprints (or misreads) 人件費's 2019 figure.
    write(
        "statement_r2.pdf",
        statement(
            &[
                ("事業収益", "1,350", "1,300"),
                ("人件費", "730", "702"),
                ("事業費", "320", "310"),
            ],
            false,
        ),
    );
    // Another form in one document only: no family.
    write(
        "other_r2.pdf",
        table_pdf(&[&["区分", "前期末残高", "当期末残高"], &["土地", "10", "10"]]),
    );
    let out = dir.path().join("out");
    let run = nenpo(&[
        "run",
        "--input",
        input.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let series = &report["series"];
    let families = series["families"].as_array().expect("families");
    assert_eq!(families.len(), 1, "{series}");
    assert_eq!(families[0]["years"], serde_json::json!([2018, 2019, 2020]));
    assert_eq!(families[0]["documents"], 3);
    // 3 items × 2 later years checked; one does not match.
    assert_eq!(series["checked"], 6, "{series}");
    assert_eq!(series["mismatches"], 1, "{series}");
    let m = &series["mismatched"][0];
    assert_eq!(m["label"], "人件費");
    assert_eq!(
        (m["printed"].as_f64(), m["previous"].as_f64()),
        (Some(702.0), Some(720.0))
    );
    assert!(m["path"]
        .as_str()
        .unwrap_or("")
        .ends_with("statement_r2.pdf"));
    assert!(out.join("reconciliation").is_dir());
    let dir_name = families[0]["dir"].as_str().expect("dir");
    assert!(out
        .join("families")
        .join(dir_name)
        .join("fiscal_year=2019")
        .is_dir());

    // The family year by year: each item's current figure under one key for all three years.
    let id = families[0]["id"].as_str().expect("id");
    let cmp = nenpo(&[
        "compare",
        "--output",
        out.to_str().expect("utf-8"),
        "--family",
        id,
        "--format",
        "json",
    ]);
    assert!(
        cmp.status.success(),
        "{}",
        String::from_utf8_lossy(&cmp.stderr)
    );
    let c: serde_json::Value = serde_json::from_slice(&cmp.stdout).expect("json");
    let current = c
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["label"] == "事業収益" && r["column"] == "当年度決算(A)")
        .expect("事業収益 current");
    assert_eq!(
        current["values"],
        serde_json::json!({"2018": 1200, "2019": 1300, "2020": 1350})
    );

    // A pipeline naming the family: no document is redone, the family is renamed.
    let pipeline = dir.path().join("named.toml");
    std::fs::write(
        &pipeline,
        format!(
            "[input]\npaths = [\"in/*.pdf\"]\n[output]\ndir = \"out\"\n[[families]]\nname = \"statement\"\nmatches = [\"{id}\"]\n"
        ),
    )
    .expect("pipeline");
    let rerun = nenpo(&["run", pipeline.to_str().expect("utf-8"), "--json"]);
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&rerun.stdout).expect("json");
    assert_eq!(
        (report["new"].as_u64(), report["changed"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
    assert_eq!(
        report["series"]["families"][0]["name"], "statement",
        "{report}"
    );
    assert!(out.join("families/statement/fiscal_year=2020").is_dir());
    assert!(
        !out.join("families").join(dir_name).exists(),
        "the old name's files are gone"
    );
    // Nothing changed since: a rerun writes nothing and says nothing of the series.
    let again = nenpo(&["run", pipeline.to_str().expect("utf-8"), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert!(report["series"].is_null(), "{report}");
}
