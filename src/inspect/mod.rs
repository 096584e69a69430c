//! Tool `inspect`: see what nenpo saw. A page rendered as a picture with the stages'
//! findings drawn over it (words, ruling lines, table regions, grid cells with their
//! spans, header and section rows, OCR words and those of low confidence), and HTML
//! reports (a document's pictures next to its tables; an index page of a run).
//!
//! The parts: [`read`] runs the stages keeping each page's layout and grids; [`overlay`]
//! turns them into marks in pixels (pure, unit-tested); [`paint`] draws marks on a
//! [`Canvas`]; [`render`] rasterises PDF pages with `hayro` (pure Rust: about 15 ms a page
//! at 100 dpi, no external program; see the module for fonts); [`html`] writes reports.
//!
//! Nothing here changes what the stages find: a picture shows exactly what
//! `nenpo extract --pages N` returns for that page.

pub mod html;
pub mod overlay;
pub mod paint;
pub mod read;
pub mod render;

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::layout::TextSource;
use crate::logical::LogicalTable;
use crate::pipeline::{ExtractOptions, Settings};
use crate::sink::DocumentRecord;

pub use html::{OcrConfidence, TableFlags};
pub use overlay::{Layer, Scale};
pub use paint::Canvas;
pub use read::{ReadDocument, ReadPage};

/// Settings of page pictures and reports. Every field has one default, given here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InspectSettings {
    /// Resolution of a page picture (`nenpo inspect --page`), dots per inch. Default 100:
    /// 9 pt Japanese text stays legible and an A4 landscape page is about 1169 × 826
    /// pixels and 250–350 KB as PNG.
    pub dpi: f64,
    /// Resolution of the page pictures in an HTML report. Default 72 (1 px per point):
    /// an A4 page is about 150 KB, so a 20-page report stays a few MB.
    pub html_dpi: f64,
    /// OCR words whose confidence (0–1) is below this are marked low. Default 0.6, the
    /// usual cut-off for Tesseract word confidences (60); not yet measured on the corpus.
    pub low_confidence: f32,
    /// Font files tried in order for text set in a non-embedded Japanese (or other CJK)
    /// font; the first that can be read is used. Default: IPAex Gothic, IPA Gothic and
    /// Noto Sans CJK at their Debian paths.
    pub cjk_fonts: Vec<PathBuf>,
    /// Largest picture, in pixels (width × height). Default 40 million (an A0 page at
    /// 150 dpi): larger requests are refused rather than allocated.
    pub max_pixels: u64,
}

impl Default for InspectSettings {
    fn default() -> Self {
        InspectSettings {
            dpi: 100.0,
            html_dpi: 72.0,
            low_confidence: 0.6,
            cjk_fonts: [
                "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
                "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
                "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            ]
            .iter()
            .map(PathBuf::from)
            .collect(),
            max_pixels: 40_000_000,
        }
    }
}

/// Why a page could not be inspected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("pdf: {0}")]
    Pdf(#[from] nenpo_pdf::Error),
    #[error(transparent)]
    Read(#[from] crate::pipeline::Error),
    #[error("page {page} requested but the document has {pages} pages")]
    NoSuchPage { page: usize, pages: usize },
    #[error("cannot render{}: {message}", page.map(|p| format!(" page {p}")).unwrap_or_default())]
    Render {
        page: Option<usize>,
        message: String,
    },
    #[error("page {page} at {dpi} dpi would be {width} x {height} pixels, over the limit of {max} pixels")]
    TooLarge {
        page: usize,
        dpi: f64,
        width: u32,
        height: u32,
        max: u64,
    },
    #[error("bad setting: {0}")]
    Setting(String),
    #[error("cannot encode the picture of page {page} as PNG: {message}")]
    Png { page: usize, message: String },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("internal error (a bug in nenpo) while {what}: {message}")]
    Panic { what: String, message: String },
}

impl InspectSettings {
    /// Rejects resolutions and thresholds that cannot work.
    pub fn validate(&self) -> Result<(), Error> {
        for (name, v) in [("dpi", self.dpi), ("html_dpi", self.html_dpi)] {
            if !(v.is_finite() && (1.0..=2400.0).contains(&v)) {
                return Err(Error::Setting(format!(
                    "{name} must be between 1 and 2400, not {v}"
                )));
            }
        }
        if !(0.0..=1.0).contains(&self.low_confidence) {
            return Err(Error::Setting(format!(
                "low_confidence must be between 0 and 1, not {}",
                self.low_confidence
            )));
        }
        Ok(())
    }
}

/// A page picture.
#[derive(Clone, Debug)]
pub struct PagePicture {
    pub page: usize,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The layers drawn (those the legend lists).
    pub layers: Vec<Layer>,
    /// Warnings of the stages and the renderer for this page.
    pub warnings: Vec<String>,
}

/// Page `page` (1-based) of a PDF with what the stages found on it, as a PNG at
/// `inspect.dpi`. The page is read alone, as `nenpo extract --pages N` reads it.
pub fn page_picture(
    bytes: &[u8],
    page: usize,
    opts: &ExtractOptions,
    settings: &Settings,
    inspect: &InspectSettings,
) -> Result<PagePicture, Error> {
    inspect.validate()?;
    let opts = ExtractOptions {
        pages: Some(vec![page]),
        ..opts.clone()
    };
    let doc = read::read(bytes, &opts, settings)?;
    let renderer = render::Renderer::open(bytes, opts.password.as_deref(), inspect)?;
    let p = doc.pages.first().ok_or(Error::NoSuchPage {
        page,
        pages: doc.page_count,
    })?;
    draw(&renderer, p, &doc.tables, inspect.dpi, inspect)
}

/// Renders one read page and draws its marks and legend.
fn draw(
    renderer: &render::Renderer,
    p: &ReadPage,
    tables: &[LogicalTable],
    dpi: f64,
    s: &InspectSettings,
) -> Result<PagePicture, Error> {
    let scale = Scale::from_dpi(dpi);
    let (w, h) = scale.size(p.layout.width, p.layout.height);
    if w as u64 * h as u64 > s.max_pixels {
        return Err(Error::TooLarge {
            page: p.number,
            dpi,
            width: w,
            height: h,
            max: s.max_pixels,
        });
    }
    if w == 0 || h == 0 {
        return Err(Error::Render {
            page: Some(p.number),
            message: "the page has no size (it could not be read)".into(),
        });
    }
    let mut canvas = renderer.page(p.number, scale, w, h)?;
    let view = overlay::PageView {
        layout: &p.layout,
        grids: &p.grids,
        tables,
    };
    let thickness = scale.0.round().max(1.0) as u32;
    let marks = overlay::marks(&view, scale, 2 * thickness as i64, s.low_confidence);
    canvas.paint_marks(&marks, thickness);
    let layers = overlay::layers_present(&marks);
    if !layers.is_empty() {
        let legend = render::legend(&layers, 11.0 * (dpi / 100.0).max(1.0))?;
        let obstacles: Vec<overlay::PxRect> = marks
            .iter()
            .filter(|m| {
                matches!(
                    m.layer,
                    Layer::TableRegion | Layer::Word | Layer::OcrWord | Layer::LowConfidenceWord
                )
            })
            .map(|m| m.rect)
            .collect();
        let margin = (4.0 * scale.0).round() as i64;
        let (x, y) = overlay::legend_position(
            w as i64,
            h as i64,
            legend.width as i64,
            legend.height as i64,
            margin,
            &obstacles,
        );
        canvas.paste(&legend, x, y, 0.92);
    }
    let png = canvas.to_png().map_err(|e| Error::Png {
        page: p.number,
        message: e.to_string(),
    })?;
    let mut warnings = p.warnings.clone();
    warnings.extend(renderer.warnings());
    Ok(PagePicture {
        page: p.number,
        png,
        width: w,
        height: h,
        layers,
        warnings,
    })
}

/// What a document report holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSummary {
    pub pages: usize,
    pub tables: usize,
    pub rows: usize,
    /// Notes worth an operator's look: pages that failed to render or read, tables with
    /// low-confidence OCR words or totals that do not add up.
    pub flags: Vec<String>,
}

/// The HTML report of a document (pages `opts.pages`, all when `None`) and its summary.
pub fn document_report(
    bytes: &[u8],
    title: &str,
    opts: &ExtractOptions,
    settings: &Settings,
    inspect: &InspectSettings,
) -> Result<(String, ReportSummary), Error> {
    inspect.validate()?;
    let doc = read::read(bytes, opts, settings)?;
    let renderer = render::Renderer::open(bytes, opts.password.as_deref(), inspect);
    let mut flags = Vec::new();
    let mut sections = Vec::with_capacity(doc.pages.len());
    for p in &doc.pages {
        let picture = match &renderer {
            Ok(r) => draw(r, p, &doc.tables, inspect.html_dpi, inspect),
            Err(e) => Err(Error::Render {
                page: Some(p.number),
                message: e.to_string(),
            }),
        };
        let (picture, layers, mut warnings) = match picture {
            Ok(pic) => (
                Ok((pic.png, pic.width, pic.height)),
                pic.layers,
                pic.warnings,
            ),
            Err(e) => {
                flags.push(format!("page {}: {e}", p.number));
                (Err(e.to_string()), Vec::new(), p.warnings.clone())
            }
        };
        warnings.dedup();
        sections.push(html::PageSection {
            number: p.number,
            picture,
            width_pt: p.layout.width,
            text_source: p.layout.text_source,
            warnings,
            diagnostics: p.diagnostics.clone(),
            layers,
        });
    }
    let table_flags: Vec<TableFlags> = doc
        .tables
        .iter()
        .map(|t| TableFlags {
            ocr: ocr_confidence(t, &doc.pages, inspect.low_confidence),
            totals: totals_flags(t),
        })
        .collect();
    for (i, (t, f)) in doc.tables.iter().zip(&table_flags).enumerate() {
        if let Some(o) = f.ocr.filter(|o| o.low > 0) {
            flags.push(format!(
                "table {} (page {}): {} OCR words below confidence {}",
                i + 1,
                t.pages.first().copied().unwrap_or(0),
                o.low,
                inspect.low_confidence
            ));
        }
        flags.extend(f.totals.iter().map(|m| format!("table {}: {m}", i + 1)));
    }
    let view = html::DocumentView {
        title,
        page_count: doc.page_count,
        pages: &sections,
        tables: &doc.tables,
        flags: &table_flags,
        low_confidence: inspect.low_confidence,
    };
    let summary = ReportSummary {
        pages: doc.pages.len(),
        tables: doc.tables.len(),
        rows: doc.tables.iter().map(|t| t.rows.len()).sum(),
        flags,
    };
    Ok((html::document_html(&view), summary))
}

/// Writes the HTML report of a document to `path` (see [`document_report`]).
pub fn write_document_report(
    path: &Path,
    pdf_bytes: &[u8],
    title: &str,
    opts: &ExtractOptions,
    settings: &Settings,
    inspect: &InspectSettings,
) -> Result<ReportSummary, Error> {
    let (html, summary) = document_report(pdf_bytes, title, opts, settings, inspect)?;
    std::fs::write(path, html).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(summary)
}

/// The file name of a document's report inside a run's report directory.
pub fn document_report_name(document_id: &str) -> String {
    let safe: String = document_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.html")
}

/// Writes `dir/index.html`: every document of a run with its status, tables, rows and
/// time, linked to its report (`document_report_name`) when that file exists in `dir`, and
/// the series stage's families and reconciliation when the run has them.
pub fn write_run_index(
    dir: &Path,
    records: &[DocumentRecord],
    series: Option<&crate::pipeline::run::SeriesSummary>,
) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let links: Vec<Option<String>> = records
        .iter()
        .map(|r| {
            let name = document_report_name(&r.document_id);
            dir.join(&name).is_file().then_some(name)
        })
        .collect();
    std::fs::write(
        dir.join("index.html"),
        html::run_index_html(records, &links, series),
    )
}

/// Confidence of the OCR words inside a table's rows, over all its pages; `None` when
/// none of its pages was OCR'd.
pub fn ocr_confidence(t: &LogicalTable, pages: &[ReadPage], low: f32) -> Option<OcrConfidence> {
    let mut confs: Vec<f32> = Vec::new();
    for p in pages.iter().filter(|p| t.pages.contains(&p.number)) {
        if !matches!(
            p.layout.text_source,
            TextSource::Ocr | TextSource::HiddenOcrLayer
        ) {
            continue;
        }
        let boxes: Vec<crate::geom::Rect> = p
            .grids
            .iter()
            .filter(|g| {
                t.rows
                    .iter()
                    .any(|r| r.page == p.number && g.bbox.contains_point(r.bbox.cx(), r.bbox.cy()))
            })
            .map(|g| g.bbox)
            .collect();
        confs.extend(
            p.layout
                .words
                .iter()
                .filter(|w| {
                    boxes
                        .iter()
                        .any(|b| b.contains_point(w.bbox.cx(), w.bbox.cy()))
                })
                .map(|w| w.confidence),
        );
    }
    if confs.is_empty() {
        return None;
    }
    let words = confs.len();
    Some(OcrConfidence {
        mean: confs.iter().sum::<f32>() / words as f32,
        min: confs.iter().copied().fold(f32::INFINITY, f32::min),
        low: confs.iter().filter(|&&c| c < low).count(),
        words,
    })
}

/// Totals of a table that do not reconcile (`normalize::totals`), one message each.
pub fn totals_flags(t: &LogicalTable) -> Vec<String> {
    crate::normalize::totals::check(t)
        .iter()
        .map(|m| {
            format!(
                "totals do not add up: row {} ({}), column {}: {} rows sum to {}, the total says {}",
                m.row + 1,
                m.label,
                if m.column_name.is_empty() { (m.column + 1).to_string() } else { m.column_name.clone() },
                m.rows_summed,
                m.expected,
                m.found
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        assert!(InspectSettings::default().validate().is_ok());
        assert!(InspectSettings {
            dpi: 0.0,
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(InspectSettings {
            low_confidence: 60.0,
            ..Default::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn report_names_are_file_safe() {
        assert_eq!(document_report_name("ab12-x_y"), "ab12-x_y.html");
        assert_eq!(document_report_name("../a b"), "___a_b.html");
    }
}
