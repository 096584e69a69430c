//! Reading a document for inspection: the pipeline's stages run page by page, keeping
//! what `pipeline::extract` throws away (each page's layout and grids).
//!
//! Pages are read by `pipeline::read_pages`, the pipeline's own page loop, so a scanned
//! page is OCR'd here exactly as in a run.

use crate::diagnostic::Diagnostic;
use crate::layout::PageLayout;
use crate::logical::LogicalTable;
use crate::pipeline::{assemble_tables, read_pages, ExtractOptions, Settings};
use crate::table::Grid;

use super::Error;

/// One page as the stages saw it.
#[derive(Clone, Debug)]
pub struct ReadPage {
    pub number: usize,
    pub layout: PageLayout,
    pub grids: Vec<Grid>,
    /// Warnings of the pdf, OCR and table stages for this page.
    pub warnings: Vec<String>,
    /// Diagnostics of this page that concern no table (`PageSummary::diagnostics`).
    pub diagnostics: Vec<Diagnostic>,
}

/// The pages read and the logical tables assembled from them.
#[derive(Clone, Debug)]
pub struct ReadDocument {
    pub page_count: usize,
    pub pages: Vec<ReadPage>,
    pub tables: Vec<LogicalTable>,
}

/// Reads the pages `opts.pages` (all when `None`) of a PDF.
pub fn read(
    bytes: &[u8],
    opts: &ExtractOptions,
    settings: &Settings,
) -> Result<ReadDocument, Error> {
    let (doc, mut read) = read_pages(bytes, opts, settings)?;
    let tables = assemble_tables(&mut read, &settings.logical).map_err(|message| Error::Panic {
        what: "assembling logical tables".into(),
        message,
    })?;
    let pages: Vec<ReadPage> = read
        .into_iter()
        .map(|(layout, summary, grids)| ReadPage {
            number: summary.number,
            layout,
            grids,
            warnings: summary.warnings,
            diagnostics: summary.diagnostics,
        })
        .collect();
    Ok(ReadDocument {
        page_count: doc.page_count(),
        pages,
        tables,
    })
}
