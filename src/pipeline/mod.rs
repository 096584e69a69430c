//! Stage `pipeline`: drives the stages over one document (`extract`) and over an archive
//! (`run`): bytes → pages (in parallel) → layout → grids → logical tables → sink.

pub mod config;
pub mod rows;
pub mod run;
pub mod state;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::geom::Rect;
use crate::layout::{LayoutSettings, PageLayout, TextSource};
use crate::logical::{assemble, LogicalSettings, LogicalTable, PageGrids};
use crate::normalize::era;
use crate::table::{extract_grids, Grid, Mode, PageRequest, TableSettings};

/// Every stage's settings, nested as in a pipeline file (`[settings.table] ...`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub layout: LayoutSettings,
    pub table: TableSettings,
    pub logical: LogicalSettings,
    pub ocr: crate::ocr::OcrSettings,
    /// Typing cells as numbers (`[settings.values]`).
    pub values: crate::normalize::ValueSettings,
    /// Totals reconciliation (`[settings.totals]`).
    pub totals: crate::normalize::totals::TotalsSettings,
    /// Families across documents and cross-year reconciliation (`[settings.series]`).
    pub series: crate::series::SeriesSettings,
}

impl Settings {
    /// Checks every stage's settings; the error's key names the section and the setting
    /// (`table.joint_tol`), to be read as `settings.table.joint_tol` of a pipeline file.
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let sections: [(&str, Result<(), crate::limits::SettingError>); 7] = [
            ("layout", self.layout.validate()),
            ("table", self.table.validate()),
            ("logical", self.logical.validate()),
            ("ocr", self.ocr.validate()),
            ("values", self.values.validate()),
            ("totals", self.totals.validate()),
            ("series", self.series.validate()),
        ];
        for (section, checked) in sections {
            checked.map_err(|e| e.within(section))?;
        }
        Ok(())
    }
}

/// What to extract from one document.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ExtractOptions {
    /// 1-based pages to read; all pages when `None`.
    pub pages: Option<Vec<usize>>,
    pub mode: Mode,
    pub area: Option<Rect>,
    pub columns: Option<Vec<f64>>,
    pub password: Option<String>,
}

/// Why a document could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Pdf(#[from] nenpo_pdf::Error),
    #[error("page {page} requested but the document has {pages} pages")]
    NoSuchPage { page: usize, pages: usize },
    #[error("io error on {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the document has no pages")]
    NoPages,
    #[error("none of the {pages} pages could be read; the first failure: {first}")]
    NoPageReadable { pages: usize, first: String },
    #[error("internal error (a bug in nenpo) while reading {what}: {message}")]
    Panic { what: String, message: String },
}

/// What was read from one page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageSummary {
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub text_source: TextSource,
    pub words: usize,
    pub rulings: usize,
    /// Painted glyphs whose text could not be decoded (the page needs OCR when many).
    pub undecoded_glyphs: usize,
    pub grids: usize,
    /// The OCR engine that read the page (`pp-ocrv6-small det=… rec=…`, or Tesseract's
    /// version line), when it was OCR'd.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_engine: Option<String>,
    pub warnings: Vec<String>,
    /// What the stages noticed, fell back on or repaired on this page that concerns no
    /// logical table (a garbled text layer read from its outlines, page furniture, a grid
    /// that became no table); a table's own are on the table
    /// ([`LogicalTable::diagnostics`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The page could not be read at all (its warning says why).
    pub unread: bool,
    /// What failed on this page, so that it lost some or all of its content: the page
    /// could not be parsed, its image could not be decoded or OCR'd, or a stage panicked.
    /// Each is also among `warnings`. (Not in the `extract` JSON, whose `warnings` have
    /// them.)
    #[serde(skip)]
    pub failures: Vec<String>,
}

/// The tables of one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extraction {
    /// Pages in the document.
    pub page_count: usize,
    pub pages: Vec<PageSummary>,
    pub tables: Vec<LogicalTable>,
    /// The fiscal year named by the document's title (its metadata title or the first
    /// page's top text), if any.
    pub title_fiscal_year: Option<i32>,
    /// The document's own problems (a page tree listing a page twice), then every page
    /// failure (`PageSummary::failures`) in page order, each naming its page: the document
    /// was read only in part, or not as its file says, when this is not empty.
    pub failures: Vec<String>,
}

/// Loads a PDF and reads the pages `opts.pages` (all when `None`) in parallel, each into
/// its layout, summary and grids. The one page loop of nenpo: `extract` and `inspect`
/// both use it, so a page is read (and OCR'd) the same way everywhere.
pub fn read_pages(
    bytes: &[u8],
    opts: &ExtractOptions,
    settings: &Settings,
) -> Result<
    (
        nenpo_pdf::Document,
        Vec<(PageLayout, PageSummary, Vec<Grid>)>,
    ),
    Error,
> {
    let doc = nenpo_pdf::Document::load(bytes, opts.password.as_deref())?;
    let page_count = doc.page_count();
    if page_count == 0 {
        return Err(Error::NoPages);
    }
    let numbers: Vec<usize> = match &opts.pages {
        Some(p) => {
            if let Some(&bad) = p.iter().find(|&&n| n == 0 || n > page_count) {
                return Err(Error::NoSuchPage {
                    page: bad,
                    pages: page_count,
                });
            }
            p.clone()
        }
        None => (1..=page_count).collect(),
    };
    let req = PageRequest {
        mode: opts.mode,
        area: opts.area,
        columns: opts.columns.clone(),
    };
    let pages = numbers
        .par_iter()
        .map(|&n| read_page(bytes, &doc, n, &req, settings))
        .collect();
    Ok((doc, pages))
}

/// Reads a PDF's tables. Pages are read in parallel; a page that fails (to parse, to be
/// decoded or OCR'd, or by a panic in a stage) is recorded as a failure on its summary and
/// on the extraction, and gives what it could (the rest still count). When every page
/// failed the document is an error; a panic while assembling the logical tables is too.
pub fn extract(
    bytes: &[u8],
    opts: &ExtractOptions,
    settings: &Settings,
) -> Result<Extraction, Error> {
    let (doc, pages) = read_pages(bytes, opts, settings)?;
    let page_count = doc.page_count();
    if pages.iter().all(|(_, s, _)| !s.failures.is_empty()) {
        let first = pages
            .first()
            .and_then(|(_, s, _)| s.failures.first().cloned())
            .unwrap_or_default();
        return Err(Error::NoPageReadable {
            pages: pages.len(),
            first,
        });
    }
    // The document's own problems (a page tree listing a page twice) first, then each page's.
    let failures: Vec<String> = doc
        .warnings()
        .iter()
        .cloned()
        .chain(
            pages
                .iter()
                .flat_map(|(_, s, _)| s.failures.iter().cloned()),
        )
        .collect();
    let mut title_fiscal_year = doc
        .info_title()
        .as_deref()
        .and_then(era::fiscal_year_in_text);
    if title_fiscal_year.is_none() {
        title_fiscal_year = pages
            .first()
            .and_then(|(l, _, g)| era::fiscal_year_in_text(&title_text(l, g, 5)));
    }
    if title_fiscal_year.is_none() {
        // A title the first page's table region took in (a scan: no gap to keep it out).
        title_fiscal_year = pages
            .first()
            .and_then(|(l, _, _)| era::fiscal_year_in_text(&title_text(l, &[], 2)));
    }
    let mut pages = pages;
    let tables =
        assemble_tables(&mut pages, &settings.logical).map_err(|message| Error::Panic {
            what: "assembling logical tables".into(),
            message,
        })?;
    let summaries = pages.into_iter().map(|(_, s, _)| s).collect();
    Ok(Extraction {
        page_count,
        pages: summaries,
        tables,
        title_fiscal_year,
        failures,
    })
}

/// Assembles the pages' grids into logical tables (`logical::assemble`, a panic turned
/// into its message). Diagnostics that concern no table go to their page's summary; every
/// diagnostic, on a table or a page, is logged at `info` (`-v`). `extract` and `inspect`
/// both use it, so a report shows what `extract` prints.
pub fn assemble_tables(
    pages: &mut [(PageLayout, PageSummary, Vec<Grid>)],
    settings: &LogicalSettings,
) -> Result<Vec<LogicalTable>, String> {
    let page_grids: Vec<PageGrids<'_>> = pages
        .iter()
        .map(|(layout, _, grids)| PageGrids {
            layout,
            grids: grids.clone(),
        })
        .collect();
    let assembly = guarded(|| assemble(&page_grids, settings))?;
    drop(page_grids);
    for d in assembly.diagnostics {
        match pages.iter_mut().find(|(_, s, _)| s.number == d.page) {
            Some((_, s, _)) => s.diagnostics.push(d),
            // A grid names the page it was read from; no other page is in the document.
            None => tracing::warn!("diagnostic of a page not read: {d}"),
        }
    }
    for (_, s, _) in pages.iter() {
        s.diagnostics.iter().for_each(Diagnostic::log);
    }
    for t in &assembly.tables {
        t.diagnostics.iter().for_each(Diagnostic::log);
    }
    Ok(assembly.tables)
}

fn read_page(
    bytes: &[u8],
    doc: &nenpo_pdf::Document,
    n: usize,
    req: &PageRequest,
    settings: &Settings,
) -> (PageLayout, PageSummary, Vec<Grid>) {
    let mut summary = PageSummary {
        number: n,
        width: 0.0,
        height: 0.0,
        text_source: TextSource::None,
        words: 0,
        rulings: 0,
        undecoded_glyphs: 0,
        grids: 0,
        ocr_engine: None,
        warnings: Vec::new(),
        diagnostics: Vec::new(),
        unread: false,
        failures: Vec::new(),
    };
    let content = match doc.page(n) {
        Ok(c) => c,
        Err(e) => {
            let failed = format!("page {n} not read: {e}");
            summary.warnings.push(failed.clone());
            summary.failures.push(failed);
            summary.unread = true;
            return (
                PageLayout {
                    number: n,
                    ..Default::default()
                },
                summary,
                Vec::new(),
            );
        }
    };
    // Classifies the page's text layer; OCRs the page image when it needs it.
    let read =
        guarded(|| crate::ocr::page_layout(bytes, doc, &content, &settings.layout, &settings.ocr))
            .unwrap_or_else(|message| {
                let failed = format!("page {n}: layout failed (a bug in nenpo): {message}");
                crate::ocr::PageRead {
                    layout: PageLayout {
                        number: n,
                        width: content.width,
                        height: content.height,
                        ..Default::default()
                    },
                    warnings: vec![failed.clone()],
                    diagnostics: Vec::new(),
                    failure: Some(failed),
                    engine: None,
                }
            });
    summary.ocr_engine = read.engine.clone();
    let layout = read.layout;
    summary.warnings.extend(read.warnings);
    summary.diagnostics.extend(read.diagnostics);
    summary.failures.extend(read.failure);
    let mut grids = match guarded(|| extract_grids(&layout, req, &settings.table)) {
        Ok(read) => {
            // A region the table stage would not read is a page read in part.
            summary.warnings.extend(read.warnings.iter().cloned());
            summary.failures.extend(read.warnings);
            read.grids
        }
        Err(message) => {
            let failed = format!("page {n}: table detection failed (a bug in nenpo): {message}");
            summary.warnings.push(failed.clone());
            summary.failures.push(failed);
            Vec::new()
        }
    };
    if layout.text_source == TextSource::Ocr && settings.ocr.repair_numbers {
        for (i, g) in grids.iter_mut().enumerate() {
            let mut repaired = g.clone();
            let log = guarded(|| {
                let s = &settings.ocr.repair;
                let mut log = crate::ocr::repair::merge_header_fragments(&mut repaired, s);
                log.extend(crate::ocr::repair::repair_grid(&mut repaired, s));
                (repaired, log)
            });
            match log {
                Ok((r, log)) => {
                    *g = r;
                    g.diagnostics
                        .extend(log.into_iter().map(|d| Diagnostic { grid: Some(i), ..d }));
                }
                Err(message) => {
                    let failed = format!(
                        "page {n}: ocr repair failed (a bug in nenpo), grid kept as read: {message}"
                    );
                    summary.warnings.push(failed.clone());
                    summary.failures.push(failed);
                }
            }
        }
    }
    summary.width = content.width;
    summary.height = content.height;
    summary.text_source = layout.text_source;
    summary.words = layout.words.len();
    summary.rulings = layout.rulings.len();
    summary.undecoded_glyphs = content.undecoded_glyphs;
    summary.grids = grids.len();
    summary.warnings.extend(content.warnings);
    (layout, summary, grids)
}

/// The title text of a page: its first `n` text lines outside every table, top to bottom.
/// (Text inside a table names years of its items, not of the document.)
fn title_text(layout: &PageLayout, grids: &[crate::table::Grid], n: usize) -> String {
    let in_table = |r: &Rect| grids.iter().any(|g| g.bbox.contains_point(r.cx(), r.cy()));
    let mut lines: Vec<&crate::layout::TextLine> =
        layout.lines.iter().filter(|l| !in_table(&l.bbox)).collect();
    lines.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
    lines
        .iter()
        .take(n)
        .map(|l| {
            l.words
                .iter()
                .filter_map(|&w| layout.words.get(w))
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `f`, turning a panic into its message.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// Parses a page list such as `1,3-4`.
pub fn parse_pages(spec: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let parse = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("not a page number: {s:?} in {spec:?}"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse(a)?, parse(b)?);
                if a == 0 || b < a {
                    return Err(format!("bad page range {part:?}"));
                }
                out.extend(a..=b);
            }
            None => {
                let p = parse(part)?;
                if p == 0 {
                    return Err("pages are numbered from 1".into());
                }
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        return Err(format!("no pages in {spec:?}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists() {
        assert_eq!(parse_pages("1,3-4"), Ok(vec![1, 3, 4]));
        assert_eq!(parse_pages(" 2 "), Ok(vec![2]));
        assert!(parse_pages("0").is_err());
        assert!(parse_pages("4-2").is_err());
        assert!(parse_pages("a").is_err());
        assert!(parse_pages("").is_err());
    }

    #[test]
    fn guarded_catches_panics() {
        assert_eq!(guarded(|| 3), Ok(3));
        let r: Result<(), String> = guarded(|| panic!("boom {}", 1));
        assert_eq!(r, Err("boom 1".to_string()));
    }
}
