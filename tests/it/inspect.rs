//! `nenpo inspect`: page pictures of the page's size at the chosen resolution (a digital
//! and a scanned fixture), and HTML reports holding the page pictures and tables.

use std::path::Path;

use crate::common::{nenpo, root};

/// Width and height of a PNG file.
fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).expect("open png");
    let reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a png");
    (reader.info().width, reader.info().height)
}

/// The displayed size of a page in points, as nenpo reads it.
fn page_size(pdf: &Path, page: usize) -> (f64, f64) {
    let bytes = std::fs::read(pdf).expect("read pdf");
    let doc = nenpo::pdf::Document::load(&bytes, None).expect("load");
    let p = doc.page(page).expect("page");
    (p.width, p.height)
}

/// Runs `nenpo inspect PDF --page N --dpi DPI` and checks the picture's size.
fn check_picture(pdf: &Path, page: usize, dpi: f64) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("page.png");
    let o = nenpo(&[
        "inspect",
        &pdf.to_string_lossy(),
        "--page",
        &page.to_string(),
        "--dpi",
        &dpi.to_string(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(
        o.status.success(),
        "nenpo inspect failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (w, h) = page_size(pdf, page);
    let expected = (
        (w * dpi / 72.0).floor() as u32,
        (h * dpi / 72.0).floor() as u32,
    );
    assert_eq!(
        png_size(&out),
        expected,
        "{} page {page} at {dpi} dpi",
        pdf.display()
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn digital_page_picture_has_the_page_size() {
    let stdout = check_picture(&root().join("samples/seed_reform_h22.pdf"), 1, 100.0);
    for layer in ["table region", "cell", "header row", "ruling line", "word"] {
        assert!(stdout.contains(layer), "{layer} not drawn: {stdout}");
    }
    check_picture(&root().join("samples/seed_reform_h22.pdf"), 2, 50.0);
}

#[test]
fn scanned_page_picture_has_the_page_size() {
    check_picture(
        &root().join("tests/fixtures/budget_scan300_png.pdf"),
        1,
        72.0,
    );
}

#[test]
fn html_report_embeds_pictures_and_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let o = nenpo(&[
        "inspect",
        "samples/seed_reform_h22.pdf",
        "--html",
        &out.to_string_lossy(),
    ]);
    assert!(
        o.status.success(),
        "nenpo inspect --html failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(&out).expect("report written");
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        2,
        "one picture per page"
    );
    assert!(
        html.contains("<table") && html.contains("<th"),
        "tables with header cells"
    );
    assert!(html.contains("区長への権限の移譲"), "cell text");
}

#[test]
fn inspect_errors_are_clear() {
    let o = nenpo(&["inspect", "samples/seed_reform_h22.pdf", "--page", "9"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("page 9") && err.contains("2 pages"), "{err}");
}
