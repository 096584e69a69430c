//! `nenpo extract`: the JSON contract, CSV, and clear errors.

use crate::common::{all_text, extract_json, nenpo, root, table_pdf};

#[test]
fn extract_json_has_the_contract_shape() {
    let v = extract_json(&root().join("samples/seed_reform_h22.pdf"), &[]);
    assert_eq!(v["pages"], 2);
    let tables = v["tables"].as_array().expect("tables");
    assert!(!tables.is_empty(), "no table found in the seed sample");
    for t in tables {
        for key in ["pages", "bbox", "columns", "header_rows", "rows"] {
            assert!(t.get(key).is_some(), "table lacks {key}: {t}");
        }
        assert_eq!(t["bbox"].as_array().map(|b| b.len()), Some(4));
        for r in t["rows"].as_array().expect("rows") {
            assert!(
                r["cells"].is_array() && r["section"].is_array() && r["page"].is_u64(),
                "row shape: {r}"
            );
        }
    }
    let text = all_text(&v);
    for needle in ["区長への権限の移譲", "具体的取組", "区政改革基本方針を策定"]
    {
        assert!(
            text.contains(needle),
            "{needle} missing from the seed's tables"
        );
    }
}

#[test]
fn extract_pages_selects_pages() {
    let v = extract_json(
        &root().join("samples/seed_reform_h22.pdf"),
        &["--pages", "2"],
    );
    for t in v["tables"].as_array().expect("tables") {
        assert_eq!(t["pages"], serde_json::json!([2]));
    }
}

#[test]
fn extract_csv_writes_rows() {
    let out = nenpo(&["extract", "samples/dev_0009.pdf", "--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    assert!(csv.lines().count() > 10, "too few CSV lines:\n{csv}");
}

#[test]
fn errors_are_clear_and_exit_2() {
    let out = nenpo(&["extract", "no/such.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such.pdf"), "{err}");

    let out = nenpo(&["extract", "samples/dev_0009.pdf", "--pages", "9"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("page 9") && err.contains("1 pages"), "{err}");

    let out = nenpo(&["extract", "samples/dev_0009.pdf", "--area", "1,2,3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--area"));

    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.pdf");
    std::fs::write(&junk, b"this is not a pdf").expect("write");
    let out = nenpo(&["extract", junk.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.pdf"));
}

#[test]
fn settings_prints_the_effective_settings_as_toml_that_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("p.toml");
    let head = "[input]\npaths = [\"*.pdf\"]\n[output]\ndir = \"out\"\n";
    std::fs::write(
        &p,
        format!("{head}[settings.table]\njoint_tol = 5.0\n[settings.series]\nmin_documents = 3\n[settings.logical]\nunit_words = [\"千円\", \"ドル\"]\n"),
    )
    .expect("write");
    let out = nenpo(&["settings", p.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("[settings.table]") && text.contains("joint_tol = 5.0"),
        "{text}"
    );
    assert!(
        text.contains("[settings.ocr]") && text.contains("min_documents = 3"),
        "{text}"
    );
    // The pipeline's override, and the shared default of `config/defaults.toml` elsewhere.
    assert!(text.contains(r#"unit_words = ["千円", "ドル"]"#), "{text}");
    let shared = &nenpo::defaults::builtin().settings.values;
    assert!(
        text.contains(&format!("percent_header = {:?}", shared.percent_header)),
        "{text}"
    );
    let again = nenpo::pipeline::config::Pipeline::parse(&p, &format!("{head}{text}"))
        .expect("the printed settings read back");
    let first = nenpo::pipeline::config::Pipeline::load(&p).expect("load");
    assert_eq!(again.config.settings, first.config.settings);
}

/// The diagnostics of the `extract` JSON with this code: in every table's `diagnostics`
/// (`where_ = "tables"`) or every page's (`"page_info"`).
fn diagnostics_with<'a>(
    v: &'a serde_json::Value,
    where_: &str,
    code: &str,
) -> Vec<&'a serde_json::Value> {
    v[where_]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|x| x["diagnostics"].as_array().into_iter().flatten())
        .filter(|d| d["code"] == code)
        .collect()
}

/// Issue 12, item 5: a fallback of the table stage (`--mode lattice --columns`: columns
/// from the caller, rows from text lines) reaches the table's `diagnostics` in the JSON,
/// located, and the `-v` log.
#[test]
fn table_diagnostics_reach_the_extract_json_and_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("ruled.pdf");
    std::fs::write(
        &file,
        table_pdf(&[
            &["区分", "本年度", "前年度"],
            &["人件費", "100", "90"],
            &["物件費", "20", "30"],
        ]),
    )
    .expect("write");
    let plain = extract_json(&file, &["--mode", "lattice"]);
    assert!(
        diagnostics_with(&plain, "tables", "lattice-with-columns").is_empty(),
        "{plain}"
    );
    let v = extract_json(&file, &["--mode", "lattice", "--columns", "180,290"]);
    let found = diagnostics_with(&v, "tables", "lattice-with-columns");
    assert_eq!(found.len(), 1, "{v}");
    let d = found[0];
    assert_eq!(d["stage"], "table");
    assert_eq!(d["page"], 1);
    assert_eq!(d["table"], 0);
    assert_eq!(d["grid"], 0);
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("--columns")),
        "{d}"
    );
    assert_eq!(v["page_info"][0]["diagnostics"], serde_json::json!([]));

    let f = file.to_string_lossy();
    let out = nenpo(&[
        "-v",
        "extract",
        &f,
        "--mode",
        "lattice",
        "--columns",
        "180,290",
    ]);
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("code=\"lattice-with-columns\""), "{log}");
}

/// A diagnostic of no table (a budget book's boxed 款/項 heading, found as a grid, is the
/// heading of the table below it) is on its page in the JSON; a spread joined is on its table.
#[test]
fn page_diagnostics_reach_the_extract_json() {
    let v = extract_json(
        &root().join("samples/fuji-r8-sainyu-01-shizei.pdf"),
        &["--pages", "1"],
    );
    let furniture = diagnostics_with(&v, "page_info", "page-furniture");
    assert!(!furniture.is_empty(), "{}", v["page_info"]);
    for d in &furniture {
        assert_eq!(d["stage"], "logical");
        assert_eq!(d["page"], 1);
        assert!(d["grid"].is_u64() && d.get("table").is_none(), "{d}");
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("１款市税")),
            "{d}"
        );
    }
    assert!(diagnostics_with(&v, "tables", "page-furniture").is_empty());
    let spreads = diagnostics_with(&v, "tables", "two-page-spread");
    assert!(!spreads.is_empty(), "{v}");
    assert!(spreads
        .iter()
        .all(|d| d["stage"] == "table" && d["table"].is_u64()));
}
