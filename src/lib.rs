//! nenpo: archives of administrative PDFs (digital or scanned, Japanese included) into
//! normalized Parquet tables that compare across fiscal years.
//!
//! Data flows one way, one stage per module (see ARCHITECTURE.md):
//! `pdf` (crate `nenpo-pdf`) → [`layout`] → [`table`] → [`logical`] → [`normalize`] →
//! [`sink`], driven by [`pipeline`]; [`output`] renders `nenpo extract` results.

pub mod defaults;
pub mod diagnostic;
mod disjoint;
pub mod geom;
pub mod inspect;
pub mod layout;
pub mod limits;
pub mod logical;
pub mod normalize;
pub mod ocr;
pub mod output;
pub mod pipeline;
pub mod query;
pub mod series;
pub mod sink;
pub mod table;
pub mod text;

pub use nenpo_pdf as pdf;
