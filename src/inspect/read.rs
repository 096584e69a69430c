//! Reading a document for inspection: the pipeline's stages run page by page, keeping
//! what `pipeline::extract` throws away (each page's layout and grids).
//!
//! The page's word model comes from `ocr::page_layout`, the path `pipeline::read_page`
//! takes, so a scanned page is OCR'd here exactly as in a run. (`read_page` is private;
//! when the pipeline exposes it this module should call it instead.)

use rayon::prelude::*;

use crate::layout::PageLayout;
use crate::logical::{assemble, LogicalTable, PageGrids};
use crate::pipeline::{guarded, ExtractOptions, Settings};
use crate::table::{extract_grids, Grid, PageRequest};

use super::Error;

/// One page as the stages saw it.
#[derive(Clone, Debug)]
pub struct ReadPage {
    pub number: usize,
    pub layout: PageLayout,
    pub grids: Vec<Grid>,
    /// Warnings of the pdf, OCR and table stages for this page.
    pub warnings: Vec<String>,
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
    let doc = nenpo_pdf::Document::load(bytes, opts.password.as_deref())?;
    let page_count = doc.page_count();
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
    let pages: Vec<ReadPage> = numbers
        .par_iter()
        .map(|&n| read_page(bytes, &doc, n, &req, settings))
        .collect();
    let page_grids: Vec<PageGrids<'_>> = pages
        .iter()
        .map(|p| PageGrids {
            layout: &p.layout,
            grids: p.grids.clone(),
        })
        .collect();
    let tables =
        guarded(|| assemble(&page_grids, &settings.logical)).map_err(|message| Error::Panic {
            what: "assembling logical tables".into(),
            message,
        })?;
    Ok(ReadDocument {
        page_count,
        pages,
        tables,
    })
}

fn read_page(
    bytes: &[u8],
    doc: &nenpo_pdf::Document,
    n: usize,
    req: &PageRequest,
    settings: &Settings,
) -> ReadPage {
    let mut warnings = Vec::new();
    let content = match doc.page(n) {
        Ok(c) => c,
        Err(e) => {
            warnings.push(format!("page {n} not read: {e}"));
            return ReadPage {
                number: n,
                layout: PageLayout {
                    number: n,
                    ..Default::default()
                },
                grids: Vec::new(),
                warnings,
            };
        }
    };
    let (layout, ocr_warnings) = match guarded(|| {
        crate::ocr::page_layout(bytes, doc, &content, &settings.layout, &settings.ocr)
    }) {
        Ok(r) => r,
        Err(message) => {
            warnings.push(format!(
                "page {n}: layout failed (a bug in nenpo): {message}"
            ));
            let l = PageLayout {
                number: n,
                width: content.width,
                height: content.height,
                ..Default::default()
            };
            (l, Vec::new())
        }
    };
    warnings.extend(content.warnings);
    warnings.extend(ocr_warnings);
    let grids =
        guarded(|| extract_grids(&layout, req, &settings.table)).unwrap_or_else(|message| {
            warnings.push(format!(
                "page {n}: table detection failed (a bug in nenpo): {message}"
            ));
            Vec::new()
        });
    ReadPage {
        number: n,
        layout,
        grids,
        warnings,
    }
}
