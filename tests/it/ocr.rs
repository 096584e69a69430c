//! OCR of scanned pages (`src/ocr`): the small scans in `tests/fixtures/` (made by
//! `tests/fixtures/make_scans.py`) through `nenpo extract`. Tests that need Tesseract
//! print a note and pass when it is absent, unless `NENPO_REQUIRE_TESSERACT=1` (CI); tests
//! that need the PP-OCR models likewise, unless `NENPO_REQUIRE_MODELS=1` (CI, after
//! `scripts/install-ocr-models.sh`). Each run gets its own OCR cache (`XDG_CACHE_HOME`)
//! and is pointed at the installed models (`NENPO_OCR_MODELS`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::root;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Whether Tesseract with Japanese can run here; panics when it is required but absent.
fn tesseract_ready(test: &str) -> bool {
    let ok = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == "jpn")
        })
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("NENPO_REQUIRE_TESSERACT").as_deref() != Ok("1"),
            "{test}: tesseract with jpn is required (NENPO_REQUIRE_TESSERACT=1): apt-get install tesseract-ocr tesseract-ocr-jpn"
        );
        eprintln!("note: {test} skipped: tesseract with jpn not installed (apt-get install tesseract-ocr tesseract-ocr-jpn)");
    }
    ok
}

/// Where `scripts/install-ocr-models.sh` put the PP-OCR models for this user (as nenpo
/// looks for them before a test moves `XDG_CACHE_HOME`).
fn models_dir() -> PathBuf {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("NENPO_OCR_MODELS").unwrap_or_else(|| {
        var("XDG_CACHE_HOME")
            .or_else(|| var("HOME").map(|h| h.join(".cache")))
            .unwrap_or_default()
            .join("nenpo/models")
    })
}

/// Whether the PP-OCR models are installed; panics when they are required but absent.
fn models_ready(test: &str) -> bool {
    let d = models_dir();
    let ok = ["PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"]
        .iter()
        .all(|f| d.join(f).is_file());
    if !ok {
        assert!(
            std::env::var("NENPO_REQUIRE_MODELS").as_deref() != Ok("1"),
            "{test}: the PP-OCR models are required (NENPO_REQUIRE_MODELS=1) in {}: scripts/install-ocr-models.sh",
            d.display()
        );
        eprintln!(
            "note: {test} skipped: no PP-OCR models in {} (scripts/install-ocr-models.sh)",
            d.display()
        );
    }
    ok
}

/// Runs `nenpo extract FILE --format json` with its own OCR cache and optional PATH.
fn extract(file: &Path, cache: &Path, path_env: Option<&str>) -> (serde_json::Value, Output) {
    extract_with(file, cache, path_env, &[])
}

/// [`extract`] with more arguments.
fn extract_with(
    file: &Path,
    cache: &Path,
    path_env: Option<&str>,
    more: &[&str],
) -> (serde_json::Value, Output) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nenpo"));
    cmd.args(["extract", &file.to_string_lossy(), "--format", "json"])
        .args(more)
        .env("XDG_CACHE_HOME", cache)
        .env("NENPO_OCR_MODELS", models_dir())
        .current_dir(root());
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    let out = cmd.output().expect("run nenpo");
    assert!(
        out.status.success(),
        "nenpo extract {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).expect("extract prints JSON"),
        out,
    )
}

fn page_field<'a>(v: &'a serde_json::Value, field: &str) -> &'a serde_json::Value {
    &v["page_info"][0][field]
}

fn rows(v: &serde_json::Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for t in v["tables"].as_array().into_iter().flatten() {
        for r in t["rows"].as_array().into_iter().flatten() {
            out.push(
                r["cells"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        c.as_str()
                            .unwrap_or("")
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect()
                    })
                    .collect(),
            );
        }
    }
    out
}

/// `extract` of an OCR'd document with a fresh cache, its first page checked to be OCR'd;
/// `None` when Tesseract is not installed (and not required).
fn ocr_extract(test: &str, file: &Path) -> Option<serde_json::Value> {
    if !tesseract_ready(test) {
        return None;
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let (v, _) = extract(file, cache.path(), None);
    assert_eq!(page_field(&v, "text_source"), "ocr", "{test}");
    Some(v)
}

/// [`ocr_extract`] of a file of the shared corpus (`None` when `../shared` is absent).
fn ocr_extract_corpus(test: &str, rel: &str) -> Option<serde_json::Value> {
    let corpus = crate::common::corpus_for(test)?;
    ocr_extract(test, &corpus.join(rel))
}

#[test]
fn ruled_jpeg_scan_gives_the_grid() {
    if !tesseract_ready("ruled_jpeg_scan_gives_the_grid") {
        return;
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let (v, _) = extract(&fixture("scan_ruled_jpeg.pdf"), cache.path(), None);
    assert_eq!(page_field(&v, "text_source"), "ocr");
    assert!(
        page_field(&v, "rulings").as_u64().unwrap_or(0) >= 20,
        "rulings found in the image: {}",
        v["page_info"]
    );
    let rows = rows(&v);
    let find = |name: &str| rows.iter().find(|r| r.iter().any(|c| c == name)).cloned();
    // Rows read whole, with their numbers in separate cells (lattice grid from the image).
    let r = find("生江保育所").unwrap_or_else(|| panic!("no 生江保育所 row in {rows:?}"));
    assert!(
        r.ends_with(&["0", "0", "0", "0", "9", "10"].map(String::from)),
        "{r:?}"
    );
    let r = find("清水保育所").unwrap_or_else(|| panic!("no 清水保育所 row in {rows:?}"));
    assert!(
        r.ends_with(&["0", "0", "0", "1", "4", "4"].map(String::from)),
        "{r:?}"
    );
    // The second run reads the cache: same output.
    let (again, _) = extract(&fixture("scan_ruled_jpeg.pdf"), cache.path(), None);
    assert_eq!(v["tables"], again["tables"]);
}

#[test]
fn flate_png_scan_is_read() {
    let Some(v) = ocr_extract("flate_png_scan_is_read", &fixture("scan_budget_png.pdf")) else {
        return;
    };
    let text: String = rows(&v).concat().concat();
    assert!(text.contains("議会費"), "{text}");
}

#[test]
fn ccitt_fax_scan_is_rendered_and_read() {
    // CCITT Group 4 is not decoded in Rust: the page is rendered (pdftoppm) and OCR'd.
    let file = fixture("scan_fax_ccitt.pdf");
    let Some(v) = ocr_extract("ccitt_fax_scan_is_rendered_and_read", &file) else {
        return;
    };
    assert!(
        page_field(&v, "rulings").as_u64().unwrap_or(0) >= 20,
        "{}",
        v["page_info"]
    );
    let text: String = rows(&v).concat().concat();
    assert!(text.contains("議会費") && text.contains("給料"), "{text}");
}

#[test]
fn hidden_text_layer_is_used_not_ocrd() {
    // No Tesseract needed: the scanner's invisible text is the text.
    let cache = tempfile::tempdir().expect("temp dir");
    let (v, _) = extract(&fixture("scan_hidden_layer.pdf"), cache.path(), Some(""));
    assert_eq!(page_field(&v, "text_source"), "hidden_ocr_layer");
    assert_eq!(page_field(&v, "warnings"), &serde_json::json!([]));
    let text: String = rows(&v).concat().concat();
    assert!(
        text.contains("生江保育所") && text.contains("大宮まぶね保育園"),
        "{text}"
    );
}

/// A scan page (a 595 x 842 gray Flate image, 1 px a point, black between `ink` tops in
/// points) with an invisible text line (text render mode 3) whose baseline is `baseline`
/// points from the top: a scanner's hidden OCR layer.
fn hidden_layer_scan(ink: (usize, usize), baseline: f64) -> Vec<u8> {
    use std::io::Write;
    let (w, h) = (595usize, 842usize);
    let mut pixels = vec![255u8; w * h];
    for y in ink.0..ink.1 {
        for x in 50..545 {
            pixels[y * w + x] = 0;
        }
    }
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&pixels).expect("deflate");
    let image = e.finish().expect("deflate");
    let content = format!(
        "q 595 0 0 842 0 0 cm /Im1 Do Q BT 3 Tr /F1 12 Tf 72 {:.1} Td \
         (Total 1,234,567 of the annual budget) Tj ET",
        842.0 - baseline
    );
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
           /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> \
           /XObject << /Im1 5 0 R >> >> >>"
            .to_vec(),
        crate::common::stream("", content.as_bytes()),
        crate::common::stream(
            "/Type /XObject /Subtype /Image /Width 595 /Height 842 /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode",
            &image,
        ),
    ];
    crate::common::pdf(&objects, 1)
}

/// Rule `hidden_words_off_ink`: a hidden layer over the ink of its image is used as is; the
/// same layer over blank paper is not (the page is recognized instead: here, with neither
/// models nor Tesseract, that fails, and says why the layer was not used).
#[test]
fn a_hidden_layer_over_blank_paper_is_not_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, bytes: Vec<u8>| -> Output {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).expect("write");
        Command::new(env!("CARGO_BIN_EXE_nenpo"))
            .args(["extract", &file.to_string_lossy(), "--format", "json"])
            .env("XDG_CACHE_HOME", dir.path())
            .env("NENPO_OCR_MODELS", dir.path().join("no-models"))
            .env("PATH", "")
            .current_dir(root())
            .output()
            .expect("run nenpo")
    };
    let fits = run("fits.pdf", hidden_layer_scan((100, 140), 130.0));
    let err = String::from_utf8_lossy(&fits.stderr);
    assert!(fits.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&fits.stdout).expect("JSON");
    assert_eq!(page_field(&v, "text_source"), "hidden_ocr_layer");
    assert_eq!(page_field(&v, "warnings"), &serde_json::json!([]));

    // The same layer over blank paper: recognized instead (with the models; without them
    // the page fails, and the test of the fallback covers that).
    let test = "a_hidden_layer_over_blank_paper_is_not_used";
    if !models_ready(test) {
        return;
    }
    let file = dir.path().join("off.pdf");
    std::fs::write(&file, hidden_layer_scan((100, 140), 500.0)).expect("write");
    let off = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["extract", &file.to_string_lossy(), "--format", "json"])
        .env("XDG_CACHE_HOME", dir.path())
        .env("NENPO_OCR_MODELS", models_dir())
        .current_dir(root())
        .output()
        .expect("run nenpo");
    let err = String::from_utf8_lossy(&off.stderr);
    assert!(off.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&off.stdout).expect("JSON");
    assert_eq!(page_field(&v, "text_source"), "ocr");
    let warnings = page_field(&v, "warnings").to_string();
    assert!(
        warnings.contains("hidden OCR layer not used")
            && warnings.contains("lie over blank paper in the page image"),
        "{warnings}"
    );
}

/// Without Tesseract (an empty PATH: neither tesseract nor pdftoppm can be found) a
/// scanned page fails: a document of only such pages is an error, and one with a digital
/// page too keeps that page's tables and says on stderr which page failed (issue 13).
#[test]
fn missing_tesseract_is_a_page_failure() {
    let cache = tempfile::tempdir().expect("temp dir");
    let run = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_nenpo"))
            .args([
                "extract",
                &fixture(file).to_string_lossy(),
                "--format",
                "json",
            ])
            .env("XDG_CACHE_HOME", cache.path())
            .env("NENPO_OCR_MODELS", cache.path().join("no-models"))
            .env("PATH", "")
            .current_dir(root())
            .output()
            .expect("run nenpo")
    };
    let out = run("scan_ruled_jpeg.pdf");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("none of the 1 pages could be read")
            && err.contains("page 1: ocr failed")
            && err.contains("PP-OCR models not found")
            && err.contains("scripts/install-ocr-models.sh"),
        "{err}"
    );
    // Page 1 of dev_0009 (digital), then the fax scan (tests/fixtures/make_scans.py).
    let out = run("digital_then_scan.pdf");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.lines().any(|l| l.starts_with("warning: ")
            && l.contains("digital_then_scan.pdf: page 2: ocr failed: PP-OCR models not found")),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["page_info"][1]["text_source"], "none");
    assert!(v["page_info"][1]["warnings"]
        .to_string()
        .contains("ocr failed"));
    assert!(!v["tables"].as_array().expect("tables").is_empty(), "{v}");
}

/// Without the PP-OCR models, a scanned page is read by Tesseract, and its warning says
/// which command installs the models; `--ocr-engine tesseract` asks for Tesseract with no
/// warning; with the models, PP-OCR reads it.
#[test]
fn missing_models_fall_back_to_tesseract_and_say_how_to_install() {
    let test = "missing_models_fall_back_to_tesseract_and_say_how_to_install";
    if !tesseract_ready(test) || !models_ready(test) {
        return;
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let file = fixture("scan_budget_png.pdf");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nenpo"));
    let out = cmd
        .args(["extract", &file.to_string_lossy(), "--format", "json"])
        .env("XDG_CACHE_HOME", cache.path())
        .env("NENPO_OCR_MODELS", cache.path().join("no-models"))
        .current_dir(root())
        .output()
        .expect("run nenpo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let warnings = page_field(&v, "warnings").to_string();
    assert!(
        warnings.contains("PP-OCR models not found")
            && warnings.contains("scripts/install-ocr-models.sh")
            && warnings.contains("read with tesseract instead"),
        "{warnings}"
    );
    let engine = page_field(&v, "ocr_engine")
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(engine.starts_with("tesseract"), "{engine}");
    assert!(rows(&v).concat().concat().contains("議会費"));
    // Asked for by name: no warning.
    let (v, _) = extract_with(&file, cache.path(), None, &["--ocr-engine", "tesseract"]);
    assert_eq!(page_field(&v, "warnings"), &serde_json::json!([]));
    assert!(page_field(&v, "ocr_engine")
        .as_str()
        .unwrap_or("")
        .starts_with("tesseract"));
    // The default with the models installed.
    let (v, _) = extract(&file, cache.path(), None);
    assert_eq!(page_field(&v, "warnings"), &serde_json::json!([]));
    let engine = page_field(&v, "ocr_engine")
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(engine.starts_with("pp-ocrv6-small det="), "{engine}");
    assert!(rows(&v).concat().concat().contains("議会費"));
}

/// A real 600 dpi CCITT scan (a welfare corporation's 資金収支計算書, `/Rotate 270`) read
/// by PP-OCR: `△` negatives, `決算(B)` in its Japanese form (the recognizer's Chinese
/// `决` folded), the empty ruled `備考` column kept, every amount row exact.
#[test]
fn ppocr_reads_a_real_scanned_statement() {
    let test = "ppocr_reads_a_real_scanned_statement";
    let Some(corpus) = crate::common::corpus_for(test) else {
        return;
    };
    if !models_ready(test) {
        return;
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let file = corpus.join("real-more/oasisniikawa-keisanshorui-r2.pdf");
    let (v, _) = extract_with(&file, cache.path(), None, &["--pages", "1"]);
    assert_eq!(page_field(&v, "text_source"), "ocr");
    let t = &v["tables"][0];
    let columns: Vec<&str> = t["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        columns.contains(&"決算(B)") && columns.contains(&"備考"),
        "{columns:?}"
    );
    let got = rows(&v);
    for want in [
        [
            "事業活動による収支",
            "収入",
            "介護保険事業収入",
            "691,445,000",
            "696,560,121",
            "△5,115,121",
        ],
        [
            "事業活動による収支",
            "支出",
            "人件費支出",
            "480,708,000",
            "478,804,769",
            "1,903,231",
        ],
        [
            "施設整備等による収支",
            "支出",
            "施設整備等支出計(5)",
            "69,317,000",
            "68,151,333",
            "1,165,667",
        ],
    ] {
        assert!(
            got.iter()
                .any(|r| r.len() >= 6 && r[..6] == want.map(String::from)),
            "{want:?} not in {got:#?}"
        );
    }
    // The table's own arithmetic agrees: every 計 row adds up.
    assert_eq!(
        t["totals_mismatches"],
        serde_json::json!([]),
        "{}",
        t["totals_mismatches"]
    );
}

/// A three-page scanned budget table of the dev corpus (two-level header misread by
/// Tesseract differently on each page, numbers with `▲`, subtotals in bold): one table
/// over the three pages, five columns, and nearly every row of the truth read exactly
/// (stitching by place and shape, header fragments merged, numbers repaired).
#[test]
fn scanned_budget_over_three_pages_is_one_table() {
    let test = "scanned_budget_over_three_pages_is_one_table";
    let Some(v) = ocr_extract_corpus(test, "dev/dev_0022.pdf") else {
        return;
    };
    let Some(corpus) = crate::common::corpus() else {
        return;
    };
    let tables = v["tables"].as_array().cloned().unwrap_or_default();
    assert_eq!(tables.len(), 1, "{}", v["tables"]);
    assert_eq!(tables[0]["pages"], serde_json::json!([1, 2, 3]));
    assert_eq!(tables[0]["columns"].as_array().map(Vec::len), Some(5));
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(corpus.join("dev/dev_0022.truth.json")).expect("truth"),
    )
    .expect("truth JSON");
    let squash = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let want: Vec<Vec<String>> = truth["tables"][0]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            r["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| squash(c.as_str().unwrap_or("")))
                .collect()
        })
        .collect();
    let got = rows(&v);
    let found = want.iter().filter(|r| got.contains(r)).count();
    assert!(
        found * 10 >= want.len() * 9,
        "{found} of {} truth rows read exactly; missing: {:?}",
        want.len(),
        want.iter().filter(|r| !got.contains(r)).collect::<Vec<_>>()
    );
}

/// A scanned budget table whose header Tesseract cannot read (`Fee yt COATS` for
/// `前年度予算額（千円）`) still reaches the budget kind's dataset, through the arithmetic
/// the kind declares (`change = current - previous`, `change_rate = change / previous %`),
/// with the kind's default unit 千円.
#[test]
fn scanned_budget_with_misread_header_reaches_its_kind() {
    let Some(corpus) =
        crate::common::corpus_for("scanned_budget_with_misread_header_reaches_its_kind")
    else {
        return;
    };
    if !tesseract_ready("scanned_budget_with_misread_header_reaches_its_kind") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::copy(corpus.join("dev/dev_0019.pdf"), input.join("dev_0019.pdf")).expect("copy");
    let out = dir.path().join("out");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let o = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args([
            "run",
            "pipelines/budget.toml",
            "--input",
            &s(&input),
            "--output",
            &s(&out),
            "--json",
        ])
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .current_dir(root())
        .output()
        .expect("run nenpo");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let query = |sql: &str| -> serde_json::Value {
        let q = Command::new(env!("CARGO_BIN_EXE_nenpo"))
            .args(["query", sql, "--output", &s(&out), "--format", "json"])
            .current_dir(root())
            .output()
            .expect("run nenpo query");
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
        serde_json::from_slice(&q.stdout).expect("JSON")
    };
    let rows = query("select item, previous_value, current_value, change_value, change_rate_value, text_source from budget_items where item = '児童虐待防止対策事業費'");
    assert_eq!(
        rows,
        serde_json::json!([{
            "item": "児童虐待防止対策事業費",
            "previous_value": 20_748_147_000_i64,
            "current_value": 23_727_659_000_i64,
            "change_value": 2_979_512_000_i64,
            "change_rate_value": 14.4,
            "text_source": "ocr"
        }])
    );
    // The per-page decision is in the documents table.
    let docs = query("select pages_ocr, page_text_sources from documents");
    assert_eq!(
        docs,
        serde_json::json!([{"pages_ocr": 2, "page_text_sources": ["ocr", "ocr"]}])
    );
}

/// Camelot's image-only test page (a scanned English report): OCR'd, its bone-density
/// table read with its numbers in their own cells, down to its totals.
#[test]
fn camelot_image_only_page_is_read() {
    let test = "camelot_image_only_page_is_read";
    let Some(v) = ocr_extract_corpus(test, "peers/camelot/pdf/image.pdf") else {
        return;
    };
    let rows = rows(&v);
    let arm = rows
        .iter()
        .find(|r| r.iter().any(|c| c == "LArm"))
        .unwrap_or_else(|| panic!("no L Arm row in {rows:?}"));
    assert!(
        arm.contains(&"197.82".to_string()) && arm.contains(&"0.807".to_string()),
        "{arm:?}"
    );
    let total = rows
        .iter()
        .find(|r| r.iter().any(|c| c == "Total") && r.iter().any(|c| c == "2131.39"))
        .unwrap_or_else(|| panic!("no Total row in {rows:?}"));
    assert!(total.contains(&"1.152".to_string()), "{total:?}");
}
