//! [`Diagnostic`]: what a stage noticed, fell back on or repaired while reading a page —
//! recorded, never silent, and never an error (the page was read; this says how).
//!
//! Producers: `table` (on each [`Grid`](crate::table::Grid): the whole page taken as one
//! table, `--columns` ignored, a spread joined, a side label), `ocr` (every repair of a
//! misread cell or character) and `logical` (note rows dropped, page furniture, a headerless
//! table's borrowed columns). Readers: `pipeline` (each diagnostic on its logical table,
//! or on its page when it concerns no table; logged at `info`), `output` (the `extract`
//! JSON's `diagnostics` per table and per page) and `inspect` (the HTML report).
//!
//! Like `geom`, this module depends on no stage, so every stage can produce one.

use serde::{Deserialize, Serialize};

/// The stage that recorded a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Ocr,
    Table,
    Logical,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Ocr => "ocr",
            Stage::Table => "table",
            Stage::Logical => "logical",
        }
    }
}

/// What happened, as a stable kebab-case identifier (`whole-page-table`): filter on it,
/// never on the message. A new kind of diagnostic is a new variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// table: a page of vertical text was read turned a quarter.
    VerticalPageTurned,
    /// table: `--columns` does not apply to a page of vertical text.
    ColumnsIgnored,
    /// table: `--mode lattice` with `--columns`: columns from the caller, rows from text.
    LatticeWithColumns,
    /// table: `--mode stream` found no table region: the whole page is one table.
    WholePageTable,
    /// table: a ruled column spanning every row is the grid's side label, not a column.
    SideLabel,
    /// table: the ruled halves of a two-page spread joined into one grid.
    TwoPageSpread,
    /// ocr: a column of header fragments merged into its neighbour.
    OcrHeaderFragmentsMerged,
    /// ocr: `1`/`|`/`l` between katakana read as `ー`.
    OcrRepairLongVowel,
    /// ocr: a katakana look-alike after a kanji read as the kanji (`ロ` → `口`).
    OcrRepairKanjiLookalike,
    /// ocr: a cell of dashes read as the none mark `－`.
    OcrRepairDashes,
    /// ocr: a long text a character off the text its column repeats read as that text.
    OcrRepairRepeatedText,
    /// ocr: points between groups of three digits read as commas.
    OcrRepairPointsForCommas,
    /// ocr: a number given its column's format.
    OcrRepairNumberFormat,
    /// ocr: a number fixed so its row's difference holds.
    OcrRepairDifference,
    /// ocr: a rate fixed so its row's ratio holds (or read as 皆増/皆減).
    OcrRepairRatio,
    /// ocr: a garbled text layer's kanji read from their outlines instead.
    OcrGarbledTextLayer,
    /// logical: a boxed heading found as a grid is the heading of the table below it.
    PageFurniture,
    /// logical: note rows under a table part are not rows of the table.
    NoteRowsDropped,
    /// logical: a table printed without a header takes an earlier table's columns.
    HeaderlessSibling,
}

impl Code {
    /// The identifier as it appears in the JSON and the HTML report.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::VerticalPageTurned => "vertical-page-turned",
            Code::ColumnsIgnored => "columns-ignored",
            Code::LatticeWithColumns => "lattice-with-columns",
            Code::WholePageTable => "whole-page-table",
            Code::SideLabel => "side-label",
            Code::TwoPageSpread => "two-page-spread",
            Code::OcrHeaderFragmentsMerged => "ocr-header-fragments-merged",
            Code::OcrRepairLongVowel => "ocr-repair-long-vowel",
            Code::OcrRepairKanjiLookalike => "ocr-repair-kanji-lookalike",
            Code::OcrRepairDashes => "ocr-repair-dashes",
            Code::OcrRepairRepeatedText => "ocr-repair-repeated-text",
            Code::OcrRepairPointsForCommas => "ocr-repair-points-for-commas",
            Code::OcrRepairNumberFormat => "ocr-repair-number-format",
            Code::OcrRepairDifference => "ocr-repair-difference",
            Code::OcrRepairRatio => "ocr-repair-ratio",
            Code::OcrGarbledTextLayer => "ocr-garbled-text-layer",
            Code::PageFurniture => "page-furniture",
            Code::NoteRowsDropped => "note-rows-dropped",
            Code::HeaderlessSibling => "headerless-sibling",
        }
    }

    /// The stage that records this code.
    pub fn stage(self) -> Stage {
        match self {
            Code::VerticalPageTurned
            | Code::ColumnsIgnored
            | Code::LatticeWithColumns
            | Code::WholePageTable
            | Code::SideLabel
            | Code::TwoPageSpread => Stage::Table,
            Code::OcrHeaderFragmentsMerged
            | Code::OcrRepairLongVowel
            | Code::OcrRepairKanjiLookalike
            | Code::OcrRepairDashes
            | Code::OcrRepairRepeatedText
            | Code::OcrRepairPointsForCommas
            | Code::OcrRepairNumberFormat
            | Code::OcrRepairDifference
            | Code::OcrRepairRatio
            | Code::OcrGarbledTextLayer => Stage::Ocr,
            Code::PageFurniture | Code::NoteRowsDropped | Code::HeaderlessSibling => Stage::Logical,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a stage noticed, fell back on or repaired on a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The stage that recorded it (always `code.stage()`).
    pub stage: Stage,
    pub code: Code,
    /// 1-based page number.
    pub page: usize,
    /// The logical table it concerns: its 0-based index in the document's tables (set
    /// when the tables are assembled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<usize>,
    /// The grid it concerns: its 0-based index among its page's grids, top to bottom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<usize>,
    /// The grid slot (0-based row and column of that grid) it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<usize>,
    /// What happened, for a person (`ocr repair r3c4 "47.5" → "▲7.5" (c4 = c3 - c2)`).
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `code` on `page`, located nowhere more precisely yet.
    pub fn new(code: Code, page: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            stage: code.stage(),
            code,
            page,
            table: None,
            grid: None,
            row: None,
            col: None,
            message: message.into(),
        }
    }

    /// The same, at slot (`row`, `col`) of its grid.
    pub fn at_slot(mut self, row: usize, col: usize) -> Diagnostic {
        self.row = Some(row);
        self.col = Some(col);
        self
    }

    /// Logs it at `info` (`-v`), with its page, stage, code and place.
    pub fn log(&self) {
        tracing::info!(
            page = self.page,
            stage = self.stage.as_str(),
            code = self.code.as_str(),
            table = self.table,
            grid = self.grid,
            row = self.row,
            col = self.col,
            "{}",
            self.message
        );
    }
}

impl std::fmt::Display for Diagnostic {
    /// `page 3, table 2, grid 0 r3c4: ocr-repair-ratio: …` (the places it has).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "page {}", self.page)?;
        if let Some(t) = self.table {
            write!(f, ", table {t}")?;
        }
        if let Some(g) = self.grid {
            write!(f, ", grid {g}")?;
        }
        if let (Some(r), Some(c)) = (self.row, self.col) {
            write!(f, " r{r}c{c}")?;
        }
        write!(f, ": {}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_identifiers() {
        for code in [
            Code::VerticalPageTurned,
            Code::ColumnsIgnored,
            Code::LatticeWithColumns,
            Code::WholePageTable,
            Code::SideLabel,
            Code::TwoPageSpread,
            Code::OcrHeaderFragmentsMerged,
            Code::OcrRepairLongVowel,
            Code::OcrRepairKanjiLookalike,
            Code::OcrRepairDashes,
            Code::OcrRepairRepeatedText,
            Code::OcrRepairPointsForCommas,
            Code::OcrRepairNumberFormat,
            Code::OcrRepairDifference,
            Code::OcrRepairRatio,
            Code::OcrGarbledTextLayer,
            Code::PageFurniture,
            Code::NoteRowsDropped,
            Code::HeaderlessSibling,
        ] {
            let json = serde_json::to_value(code).expect("serializes");
            assert_eq!(json, serde_json::json!(code.as_str()), "{code:?}");
            let back: Code = serde_json::from_value(json).expect("reads back");
            assert_eq!(back, code);
        }
    }

    #[test]
    fn a_diagnostic_serializes_only_the_places_it_has() {
        let d = Diagnostic::new(Code::OcrRepairDashes, 3, "r1c2 \"--\" → \"－\"").at_slot(1, 2);
        assert_eq!(d.stage, Stage::Ocr);
        assert_eq!(
            serde_json::to_value(&d).expect("serializes"),
            serde_json::json!({"stage": "ocr", "code": "ocr-repair-dashes", "page": 3,
                               "row": 1, "col": 2, "message": "r1c2 \"--\" → \"－\""})
        );
        assert_eq!(
            d.to_string(),
            "page 3 r1c2: ocr-repair-dashes: r1c2 \"--\" → \"－\""
        );
    }
}
