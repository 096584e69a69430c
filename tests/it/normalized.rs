//! Normalized, typed rows that compare across years: kind datasets, the `values` dataset,
//! item keys, `nenpo compare` / `nenpo query`, kind validation and the run report's counts.

use std::path::{Path, PathBuf};

use crate::common::{corpus_for, nenpo, root, table_pdf};

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `nenpo run PIPELINE --input IN --output OUT --json`; returns the report.
fn run_json(pipeline: &Path, input: &Path, out: &Path) -> serde_json::Value {
    let o = nenpo(&[
        "run",
        utf8(pipeline),
        "--input",
        utf8(input),
        "--output",
        utf8(out),
        "--json",
    ]);
    assert!(
        o.status.success(),
        "run failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    serde_json::from_slice(&o.stdout).expect("--json prints the report")
}

/// `nenpo ARGS... --format json`, parsed.
fn json_of(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = nenpo(&all);
    assert!(
        o.status.success(),
        "nenpo {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// The values of the comparison row for `column`, by year.
fn year_values(rows: &serde_json::Value, column: &str) -> Vec<(String, serde_json::Value)> {
    let row = rows
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["column"] == column && r["occurrence"] == 0);
    let Some(row) = row else {
        panic!("no {column} row in {rows:#}")
    };
    row["values"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn fuji_inputs(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    for src in [
        root().join("tests/fixtures/fuji-r7-sainyu-01-shizei.pdf"),
        root().join("samples/fuji-r8-sainyu-01-shizei.pdf"),
    ] {
        let name = src.file_name().expect("file name");
        std::fs::copy(&src, input.join(name)).expect("copy fixture");
    }
    input
}

/// Fuji City 市税 R7 (FY2025) and R8 (FY2026): each tax item's budget in yen, both years,
/// in one dataset. Amounts read off the PDFs with `pdftotext -layout` (printed in 千円).
#[test]
fn fuji_tax_items_compare_across_years() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = fuji_inputs(dir.path());
    let out = dir.path().join("out");
    let report = run_json(&root().join("pipelines/fuji_budget.toml"), &input, &out);
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["documents"], 2, "{report}");
    assert!(
        report["unparsed_cells"].is_u64() && report["totals_mismatches"].is_u64(),
        "{report}"
    );
    for dataset in ["tables", "values", "fuji_budget_items"] {
        for year in [2025, 2026] {
            let part = out.join(dataset).join(format!("fiscal_year={year}"));
            assert!(part.is_dir(), "{} missing", part.display());
        }
    }
    let o = utf8(&out);
    // (label pattern, current R7, current R8) in 千円, as printed.
    let cases = [
        ("^個人$", 15_840_700i64, 16_203_500i64),
        ("^法人$", 2_580_200, 2_515_500),
        ("^市たばこ税$", 1_979_000, 2_001_000),
        // Printed under a 款/項 heading box joined to the table's rulings, no header of
        // its own on the page: a headerless continuation of the 目 table.
        ("^固定資産税$", 23_180_700, 23_806_300),
    ];
    for (pattern, r7, r8) in cases {
        let rows = json_of(&[
            "compare",
            pattern,
            "--output",
            o,
            "--dataset",
            "fuji_budget_items",
        ]);
        let current = year_values(&rows, "current");
        assert_eq!(
            current,
            vec![
                ("2025".to_string(), serde_json::json!(r7 * 1000)),
                ("2026".to_string(), serde_json::json!(r8 * 1000))
            ],
            "{pattern}: {rows:#}"
        );
        // Last year's budget printed in R8 is R7's own.
        let previous = year_values(&rows, "previous");
        assert_eq!(
            previous.get(1).map(|p| p.1.clone()),
            Some(serde_json::json!(r7 * 1000)),
            "{pattern}: {rows:#}"
        );
        let unit = rows
            .as_array()
            .and_then(|a| a.first())
            .map(|r| r["unit"].clone());
        assert_eq!(unit, Some(serde_json::json!("円")));
    }
    // The long-form values dataset holds the same numbers.
    let rows = json_of(&["compare", "^個人$", "--output", o]);
    assert!(
        rows.as_array()
            .into_iter()
            .flatten()
            .any(|r| r["values"]["2026"] == serde_json::json!(16_203_500_000i64)),
        "{rows:#}"
    );
    // SQL over the datasets, hive-partitioned.
    let q = json_of(&[
        "query",
        "select fiscal_year, current_value, current_unit from fuji_budget_items where item = '1 個人' order by fiscal_year",
        "--output",
        o,
    ]);
    assert_eq!(
        q,
        serde_json::json!([
            {"fiscal_year": 2025, "current_value": 15_840_700_000i64, "current_unit": "円"},
            {"fiscal_year": 2026, "current_value": 16_203_500_000i64, "current_unit": "円"},
        ])
    );
    let docs = json_of(&[
        "query",
        "select count(*) as n from documents where status = 'ok'",
        "--output",
        o,
    ]);
    assert_eq!(docs[0]["n"], 2, "{docs}");
    // CSV and the aligned table print too.
    let csv = nenpo(&[
        "compare",
        "^個人$",
        "--output",
        o,
        "--dataset",
        "fuji_budget_items",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(
        text.starts_with("item_key,item,column,unit,2025,2026"),
        "{text}"
    );
    assert!(text.contains("15840700000,16203500000"), "{text}");
}

/// A reform-report item in two dev documents of different years gets the same item_key.
#[test]
fn reform_item_key_is_stable_across_years() {
    let Some(corpus) = corpus_for("reform_item_key_is_stable_across_years") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    // H22 (2010) and H29 (2017) reports; both list ①一般競争入札の拡大.
    for name in ["dev_0013.pdf", "dev_0039.pdf"] {
        std::fs::copy(corpus.join("dev").join(name), input.join(name)).expect("copy");
    }
    let out = dir.path().join("out");
    let report = run_json(&root().join("pipelines/reform.toml"), &input, &out);
    assert_eq!(report["failed"], 0, "{report}");
    let rows = json_of(&[
        "query",
        "select distinct fiscal_year, item_key, item_path from reform_measures where measure_value like '%一般競争入札の拡大%' order by fiscal_year",
        "--output",
        utf8(&out),
    ]);
    let rows = rows.as_array().cloned().unwrap_or_default();
    let years: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["fiscal_year"].as_i64())
        .collect();
    assert!(years.contains(&2010) && years.contains(&2017), "{rows:#?}");
    let keys: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r["item_key"].as_str()).collect();
    assert_eq!(keys.len(), 1, "one key for both years: {rows:#?}");
}

/// A bad `[[kinds]]` entry is a clear error naming the file, the key and the line.
#[test]
fn bad_kind_config_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base =
        std::fs::read_to_string(root().join("pipelines/fuji_budget.toml")).expect("read pipeline");
    let cases = [
        (
            base.replace(
                "headers = [\"本年度予算額\"]",
                "headers = [\"/本年度(予算額/\"]",
            ),
            "columns.current.headers",
        ),
        (
            base.replace("unit = \"千円\"", "unit = \"ドル\""),
            "unknown unit",
        ),
        (
            base.replace("type = \"amount\"", "type = \"money\""),
            "money",
        ),
        (
            base.replace("dataset = \"fuji_budget_sections\"", "dataset = \"values\""),
            "is taken",
        ),
        (
            base.replace("name = \"setsu\"", "name = \"page\""),
            "taken by a lineage",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        assert_ne!(text, &base, "case {i} changed nothing");
        let p = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&p, text).expect("write");
        let o = nenpo(&["run", utf8(&p), "--output", utf8(&dir.path().join("out"))]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i}: {err}");
        assert!(
            err.contains(&format!("bad{i}.toml")) && err.contains(want) && err.contains("line"),
            "case {i}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Cells of numeric columns that cannot be read keep their raw text with a null value and
/// are counted in the run report and the documents table. The Fuji pieces read by text
/// alignment alone (`mode = "stream"`, the wrong strategy for their ruled spreads) run
/// columns together, which makes such cells. Each table's totals check is counted the
/// same way, and the run report lists the tables furthest off.
#[test]
fn unparsed_cells_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = fuji_inputs(dir.path());
    // And a table whose printed 合計 is not the sum of its rows (300, printed 350).
    let off = [
        &["区分", "金額"][..],
        &["現金", "100"],
        &["預金", "200"],
        &["合計", "350"],
    ];
    std::fs::write(input.join("printed-total-off.pdf"), table_pdf(&off)).expect("write pdf");
    let out = dir.path().join("out");
    let default =
        std::fs::read_to_string(root().join("pipelines/default.toml")).expect("default pipeline");
    assert!(
        default.contains("mode = \"auto\""),
        "the default pipeline names its mode"
    );
    let pipeline = dir.path().join("stream.toml");
    std::fs::write(
        &pipeline,
        default.replace("mode = \"auto\"", "mode = \"stream\""),
    )
    .expect("write pipeline");
    let report = run_json(&pipeline, &input, &out);
    let o = utf8(&out);
    let unparsed = json_of(&[
        "query",
        "select count(*) as n from \"values\" where unparsed",
        "--output",
        o,
    ]);
    let docs = json_of(&[
        "query",
        "select sum(unparsed_cells) as n from documents",
        "--output",
        o,
    ]);
    assert_eq!(
        report["unparsed_cells"], unparsed[0]["n"],
        "{report} {unparsed}"
    );
    assert_eq!(report["unparsed_cells"], docs[0]["n"], "{report} {docs}");
    assert!(
        report["unparsed_cells"].as_u64().unwrap_or(0) > 0,
        "the Fuji pieces read as stream have cells holding two numbers: {report}"
    );
    // Each table's own check is on its rows in `tables`, and adds up to the documents'.
    let per_table = json_of(&[
        "query",
        "select sum(m) as n from (select document_id, table_index, max(table_totals_mismatches) as m from tables group by document_id, table_index) as t",
        "--output",
        o,
    ]);
    let per_doc = json_of(&[
        "query",
        "select sum(totals_mismatches) as n from documents",
        "--output",
        o,
    ]);
    assert_eq!(per_table[0]["n"], per_doc[0]["n"], "{per_table} {per_doc}");
    let checked = json_of(&[
        "query",
        "select max(table_totals_checked) as n from tables where source_path like '%printed-total-off.pdf'",
        "--output",
        o,
    ]);
    assert_eq!(checked[0]["n"], 1, "the one 合計 cell compared: {checked}");
    assert_eq!(
        per_doc[0]["n"], report["totals_mismatches"],
        "{per_doc} {report}"
    );
    assert!(
        report["totals_mismatches"].as_u64().unwrap_or(0) > 0,
        "the printed 合計 does not add up: {report}"
    );
    assert!(
        report["worst_tables"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("printed-total-off.pdf")),
        "{report}"
    );
    // The report lists the tables furthest off, each with its document and place.
    let worst = report["worst_tables"].as_array().expect("worst_tables");
    let listed: u64 = worst
        .iter()
        .filter_map(|w| w["totals_mismatches"].as_u64())
        .sum();
    assert_eq!(
        Some(listed),
        report["totals_mismatches"].as_u64(),
        "{report}"
    );
    assert!(
        worst
            .iter()
            .all(|w| w["path"].as_str().is_some_and(|p| p.ends_with(".pdf"))
                && w["table_index"].is_u64()
                && w["page"].as_u64().unwrap_or(0) >= 1),
        "{report}"
    );
    let raw = json_of(&[
        "query",
        "select raw, value from \"values\" where unparsed limit 1",
        "--output",
        o,
    ]);
    assert!(
        raw[0]["raw"].as_str().is_some_and(|s| !s.is_empty()) && raw[0]["value"].is_null(),
        "{raw}"
    );
    // The text report prints the counts.
    let again = nenpo(&[
        "run",
        utf8(&pipeline),
        "--input",
        utf8(&input),
        "--output",
        o,
        "--force",
    ]);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("unparsed cells"), "{text}");
    assert!(text.contains("totals off: "), "{text}");
}

/// A pipeline's `[vocabulary]` is the vocabulary its documents are read with: a word its
/// publisher prints instead of a number (`未定`) is unparsed with the shared defaults and a
/// no-number word (null, not unparsed) once the pipeline names it, in both isolation modes
/// (a worker process reads the pipeline's vocabulary too).
#[test]
fn a_pipelines_vocabulary_is_what_its_documents_are_read_with() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let rows = [
        &["区分", "金額"][..],
        &["現金", "100"],
        &["預金", "200"],
        &["有価証券", "未定"],
        &["土地", "400"],
    ];
    std::fs::write(input.join("plan.pdf"), table_pdf(&rows)).expect("write pdf");
    let unparsed = |name: &str, extra: &str| -> serde_json::Value {
        let pipeline = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &pipeline,
            format!("[input]\npaths = [\"in/*.pdf\"]\n[output]\ndir = \"{name}\"\n{extra}"),
        )
        .expect("write pipeline");
        run_json(&pipeline, &input, &dir.path().join(name))["unparsed_cells"].clone()
    };
    assert_eq!(unparsed("shared", ""), 1);
    let words = "[vocabulary.marks]\nno_number = [\"未定\", \"皆増\", \"皆減\"]\n";
    assert_eq!(unparsed("own", words), 0);
    let thread = format!("{words}[run]\nisolation = \"thread\"\n");
    assert_eq!(unparsed("own_thread", &thread), 0);
}
