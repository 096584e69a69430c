//! nenpo-pdf: the text layer of a PDF page, read from its content stream.
//!
//! The one crate of nenpo that reads PDF syntax (through lopdf). It interprets the
//! content stream with its own graphics state in `f64` and yields, per page, every glyph
//! with its Unicode text and box, the path segments and filled rectangles (for ruling
//! lines) and the placed images (for OCR), all in points with a top-left origin in the
//! page as displayed. Text that cannot be decoded is counted, never guessed.
//!
//! ```no_run
//! let bytes = std::fs::read("report.pdf").unwrap();
//! let doc = nenpo_pdf::Document::load(&bytes, None).unwrap();
//! for n in 1..=doc.page_count() {
//!     let page = doc.page(n).unwrap();
//!     println!("page {n}: {} glyphs", page.glyphs.len());
//! }
//! ```
#![forbid(unsafe_code)]

pub mod geom;

pub use geom::{Point, Rect};

mod content;
mod document;
mod error;
mod font;
mod fxhash;
mod interp;
mod lexer;
mod objects;

pub use content::{Direction, FilledRect, FontInfo, Glyph, ImagePlacement, PageContent, PathLine};
pub use document::{Document, ImageStream};
pub use error::Error;
