//! Stage `table`: a page's word model ([`PageLayout`]) into table grids.
//!
//! Two strategies converge on one output type, [`Grid`]: `lattice` builds cells from the
//! intersections of ruling lines, `stream` builds columns from the whitespace alignment of
//! words and rows from their baselines. `detect` finds table regions on a page and `auto`
//! picks the strategy per region. Pure geometry: no PDF, OCR or output-format knowledge.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::geom::Rect;

/// How to find a page's tables: what a caller asks for ([`Strategy`] is what was used).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Detect regions and choose lattice or stream for each.
    #[default]
    Auto,
    /// Cells from ruling lines.
    Lattice,
    /// Columns from text alignment.
    Stream,
}

impl Mode {
    /// The name used in outputs and options (`auto`, `lattice`, `stream`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Lattice => "lattice",
            Mode::Stream => "stream",
        }
    }
}

/// The strategy that built a grid: what [`Mode::Auto`] chose for a region, or the mode a
/// caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Cells from ruling lines.
    #[default]
    Lattice,
    /// Columns from text alignment.
    Stream,
}

impl Strategy {
    /// The name used in outputs (`lattice`, `stream`).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Lattice => "lattice",
            Strategy::Stream => "stream",
        }
    }
}

/// Caller's constraints for one page (tabula's `--area` and `--columns`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PageRequest {
    pub mode: Mode,
    /// Only this part of the page (top-left origin points); the whole page when `None`.
    pub area: Option<Rect>,
    /// Column separators (x positions) given by the caller: they replace detected columns.
    pub columns: Option<Vec<f64>>,
}

/// One cell of a grid. A spanning cell appears once, at its top-left slot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub bbox: Rect,
    /// The cell's text: wrapped lines of one paragraph joined (no space between Japanese
    /// characters, one space between Latin words), paragraphs and bullets separated by `\n`.
    pub text: String,
    /// Most of its text is set in a bold face.
    pub bold: bool,
    /// Mean font size of its words in points (0 for an empty cell).
    pub size: f64,
}

/// A table grid found on one page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid {
    /// 1-based page number.
    pub page: usize,
    pub bbox: Rect,
    /// The strategy that built it (`Lattice` or `Stream`).
    pub mode: Strategy,
    /// Row boundaries, top to bottom (`n_rows + 1` values).
    pub row_edges: Vec<f64>,
    /// Column boundaries, left to right (`n_cols + 1` values).
    pub col_edges: Vec<f64>,
    /// Cells in row-major order of their top-left slot; every slot is covered by exactly one cell.
    pub cells: Vec<Cell>,
    /// What the strategy noticed or fell back on (recorded, never silent), and on OCR'd
    /// pages every repair of a misread cell (`ocr::repair`). Each names this grid's index
    /// on its page once `extract_grids` returns.
    pub diagnostics: Vec<Diagnostic>,
    /// A label printed beside the grid in a ruled column of its own spanning every row (a
    /// vertical `職員手当等の内訳`): it names all the grid's rows and is no column
    /// (`side::take_side_label`).
    pub side_label: Option<String>,
}

impl Grid {
    pub fn n_rows(&self) -> usize {
        self.row_edges.len().saturating_sub(1)
    }
    pub fn n_cols(&self) -> usize {
        self.col_edges.len().saturating_sub(1)
    }
    /// The cell covering slot (`row`, `col`), if any.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            row >= c.row && row < c.row + c.rowspan && col >= c.col && col < c.col + c.colspan
        })
    }
    /// The text of every slot: a spanning cell's text at its top-left slot, `""` in the
    /// slots it covers.
    pub fn text_matrix(&self) -> Vec<Vec<String>> {
        let mut m = vec![vec![String::new(); self.n_cols()]; self.n_rows()];
        for c in &self.cells {
            if let Some(slot) = m.get_mut(c.row).and_then(|r| r.get_mut(c.col)) {
                *slot = c.text.clone();
            }
        }
        m
    }
}

mod cell_text;
mod detect;
mod extract;
mod grid;
mod halves;
mod lattice;
pub mod settings;
mod side;
mod spread;
mod stream;
#[cfg(test)]
pub(crate) mod testutil;

pub use extract::extract_grids;
pub(crate) use grid::split_word_at;
pub use settings::TableSettings;
