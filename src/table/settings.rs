//! Thresholds of the `table` stage: one struct, one `Default`, every number named and
//! documented (unit, default, how the default was chosen). Inner functions take
//! `&TableSettings` and never carry defaults of their own.

use serde::{Deserialize, Serialize};

/// Thresholds of the table stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TableSettings {
    // ---- lattice -------------------------------------------------------------------
    /// A horizontal and a vertical ruling meet when each reaches within this many points
    /// of the other (Camelot's `joint_tol`). Default 3.0 pt: rulings drawn as separate
    /// strokes per cell overshoot or fall short by up to a line width (0.5–2 pt).
    pub joint_tol: f64,
    /// Ruling positions closer than this many points are one grid edge. Default 2.0 pt:
    /// layout already snapped rulings within 3 pt, this only merges what is left of
    /// double rules (two strokes 1–2 pt apart drawn as one thick rule).
    pub edge_merge_tol: f64,
    /// An inner boundary between two grid slots exists when rulings cover at least this
    /// fraction of it; otherwise the slots belong to one spanning cell. Default 0.5: a
    /// boundary is either drawn (about 1.0) or absent (0); dashed rules cover 0.5–0.7.
    pub edge_cover_frac: f64,
    /// A ruled region is a lattice table only with at least this many rows and columns
    /// (before empty ones are dropped); a framed paragraph or a list ruled only
    /// horizontally goes to `stream` instead. Default 2.
    pub lattice_min_slots: usize,
    /// A ruled region is read as a lattice only when its grid has at most this many slots
    /// (distinct row edges times distinct column edges); a denser one (a plotted grid, a
    /// crafted page of thousands of rules) is skipped with a page warning, since its cells
    /// would cost time and memory in proportion. Default 250000: the densest real table
    /// pages seen have under 140 rulings (a few thousand slots); a 3000-by-3000 rule grid
    /// took 50 s and 815 MB before this bound.
    pub max_lattice_slots: usize,
    /// A ruled region whose rulings draw no inner column edge (a frame or shaded band,
    /// columns only from text hints) is a lattice table only with at least this many ruled
    /// rows; smaller ones (a boxed header band, one shaded row of a zebra-striped table)
    /// are left to unruled detection, which sees the whole table. Default 3: measured on
    /// zebra-striped budget tables (dev_0052), where header band plus first stripe make
    /// two rows.
    pub hinted_min_rows: usize,
    /// Two-page spreads (`spread::join_spreads`): the halves' tops, bottoms and row edges
    /// match when within this many points. Default 4.0 pt: each half is ruled on its own
    /// and its rules land 0.5–2 pt from the other half's (Fuji budget books).
    pub spread_edge_tol: f64,
    /// Text hints: a ruled region with at least this many inner row edges rules its body
    /// rows itself, and text does not add rows. Default 4: a two-level header and a total
    /// rule make three; a table ruled only there leaves its body rows to the text.
    pub ruled_rows_min: usize,
    /// Two-page spreads: at least this fraction of the row edges of the half with fewer
    /// rows must match an edge of the other half. Default 0.8: the left half of a
    /// 事項別明細書 has only the edges of its 目 boxes, each of which the right half repeats;
    /// two unrelated tables side by side share their top and bottom at most.
    pub spread_min_shared_edges: f64,
    /// Side labels (`side::take_side_label`): a first-column cell spanning every row is
    /// the grid's side label only in a grid of at least this many rows. Default 3: a
    /// header and two body rows; in a two-row grid one tall cell is as likely a group.
    pub side_label_min_rows: usize,

    // ---- stream --------------------------------------------------------------------
    /// Words on one line farther apart than this many em (font size) belong to different
    /// text segments (cells). Default 0.8 em: Latin word spaces are 0.25–0.33 em and
    /// justified prose rarely stretches beyond 0.6 em, while column gaps are ≥ 1 em.
    pub segment_gap_em: f64,
    /// A column gap may be crossed by text in at most this fraction of the region's lines
    /// (spanning headers, overflowing cells). Default 0.2, so one spanning line is
    /// tolerated from 5 lines on.
    pub crossing_frac: f64,
    /// A column gap needs at least this many lines with text on both of its sides.
    /// Default 2: one line with two phrases is no evidence of a column.
    pub min_column_support: usize,
    /// A column gap (where at most the tolerated lines cross) must be at least this many
    /// points wide. Default 1.0 pt: narrower gaps are kerning or touching glyphs.
    pub min_column_gap: f64,
    /// Two words are on one text line when their vertical overlap is at least this
    /// fraction of the smaller height. Default 0.5 (as layout's `line_overlap`).
    pub line_overlap: f64,
    /// A word joins one of this many text lines begun last (top to bottom), else it
    /// starts a line. Default 3: a superscript or a word set a little lower (a ruby, a
    /// footnote mark) between two lines still finds its own.
    pub line_lookback: usize,
    /// A text line continues the row above only when the vertical gap between them is at
    /// most this many em. Default 0.8 em: wrapped lines are set with a leading of
    /// 1.0–1.5 em (gap 0–0.5 em); larger gaps separate rows.
    pub continuation_max_gap_em: f64,
    /// A line does not continue a cell when it starts this many em left of where the
    /// cell's previous line started (that line was centred or right-aligned: `小計`
    /// followed by a section heading). Default 1.5 em: a paragraph's first-line indent is
    /// one full-width space, so a wrapped line starts at most 1 em further left.
    pub continuation_max_outdent_em: f64,
    /// Two text lines overlapping vertically by at least this fraction of the smaller
    /// height (but less than `line_overlap`) with text in different columns are
    /// interleaved lines of one row: a two-line header cell centred beside one-line
    /// cells. Default 0.2: such lines overlap by 0.25–0.3 of their height (dev_0036,
    /// dev_0052), lines of consecutive rows touch or overlap by under 0.1.
    pub interleave_min_overlap: f64,
    /// A word straddles a column separator (and makes its cell span) when it reaches this
    /// many points past it on both sides. Default 1.0 pt.
    pub straddle_tol: f64,
    /// Rule `leaning_header`: a word straddles a column separator inferred from text
    /// alignment (unruled tables) only when it also reaches past it by at least this
    /// fraction of its width on the shorter side. A header centred over a right-aligned
    /// number column is often wider than the numbers and leans a few points over the
    /// separator found from them (a scanned `平成29年度予算` over 4 of its 74 pt); a
    /// label spanning two columns reaches well into both. Default 0.15.
    pub straddle_min_share: f64,
    /// Rule `one_label_line_per_row` (scanned pages): a label line taken in order into
    /// the row of the same rank may sit off that row's centre by at most this fraction of
    /// the row's height. A scanned statement prints each account half a line above its
    /// amounts (about 0.45 of the row); a line a whole row away is not that row's label.
    /// Default 0.75.
    pub label_line_max_shift: f64,
    /// Rule `one_label_line_per_row`: a label line whose centre is closer than this
    /// fraction of a row's height below the line above continues that line (a label
    /// wrapped in its box, about 0.5 of the row), rather than being the next row's label
    /// (a whole row below). Default 0.65.
    pub label_wrap_max_pitch: f64,
    /// Rule `side_by_side_halves`: how many rows from a ruled frame's top are searched
    /// for a header whose column labels repeat (a balance sheet's `勘定科目 当年度末 …`
    /// over each half). Default 3: a group row (`資産の部` / `負債の部`), the labels, and
    /// one more for a two-line header. 0 turns the rule off.
    pub halves_header_rows: usize,
    /// Rule `parallel_rows`: the lines inside one ruled band are rows when every one of
    /// them (two or more) holds a number alone in a column and text in at least this many
    /// columns (a 財産目録 box listing two banks' places, dashes, purposes and amounts).
    /// Default 3: a 節 box's 細節 lines hold a name and an amount.
    pub parallel_row_min_columns: usize,
    /// "Would it have fit": a line whose first word would have fit at the end of the line
    /// above was broken on purpose (a new paragraph in a cell, a new row in a stream
    /// table), not wrapped. A Latin word needs a space of this many em before it; wide
    /// (Japanese) text needs none. Default 0.25 em, a Latin word space.
    pub fit_word_space_em: f64,
    /// "Would it have fit": the word fits when it overshoots the right edge by at most
    /// this many em (side bearings, a lattice cell's padding). Default 0.1 em.
    pub fit_slack_em: f64,
    /// A column gap some lines cross opens a column only when enough segments start
    /// right of it, within this many em of its right side: text running on from the left
    /// (long item names in a column of mostly short ones) opens none. Default 3.0 em.
    pub column_start_window_em: f64,
    /// Shaded bands (zebra stripes) are rows only when there are at least this many of
    /// them and they hold at most `band_max_lines` lines each on average; otherwise a band
    /// still holds several rows. Default 3.
    pub band_min_count: usize,
    /// See `band_min_count`. Default 2: a row label wrapped once.
    pub band_max_lines: usize,
    /// Text hints: a horizontal ruling inside an unruled table is a row boundary when it
    /// crosses the table's middle and spans at least this fraction of its width (a rule
    /// under a header or above a total; a short underline is not). Default 0.5.
    pub hint_rule_min_width: f64,

    // ---- detection of unruled tables ------------------------------------------------
    /// A vertical gap of more than this many em between consecutive text lines ends an
    /// unruled table region. Default 2.5 em: blank lines between paragraphs are 1–2 em,
    /// table rows with extra padding up to 2 em.
    pub region_max_gap_em: f64,
    /// Lines with a single text segment allowed in a row inside an unruled region
    /// (section rows, wrapped cells). Default 2.
    pub region_max_plain_run: usize,
    /// An unruled region needs at least this many lines with text in two or more columns.
    /// Default 2 (a 2x2 table is a table when its columns align).
    pub region_min_rows: usize,
    /// Prose guard: an unruled region whose segments hold more than this many words on
    /// average is text in columns, not a table. Default 6.0: table cells hold 1–4 words on
    /// average, prose lines 8–15.
    pub region_max_words_per_segment: f64,
    /// Rule `breaker` (a caption, note or prose line inside a run of aligned lines splits
    /// the run): one of the line's segments starts within this many em of the run's left
    /// edge and crosses a column gap. Default 2.0 em: an indent of one or two characters.
    pub breaker_left_em: f64,
    /// Rule `breaker`: a segment crossing one gap breaks the run when it is at least this
    /// fraction of the run's width (a segment crossing two always does). Default 0.3: a
    /// spanning header cell is narrower, a caption or prose line wider.
    pub breaker_min_width: f64,
    /// Rule `breaker`: how many times a run is split again at its breakers. Default 4: a
    /// page has a title, a caption, a note and a table at most.
    pub breaker_max_depth: usize,
    /// Prose guard: two columns are a label column and a value column (a table, not text
    /// in columns) when at least this many lines have text right of the gap and
    /// `value_column_min_share` of them hold a digit. Default 3.
    pub value_column_min_lines: usize,
    /// See `value_column_min_lines`. Default 0.8.
    pub value_column_min_share: f64,
    /// Prose guard: a run of Japanese text counts one word per this many characters (it
    /// has no spaces to count). Default 4: Japanese words are two to four characters.
    pub cjk_chars_per_word: usize,
}

impl TableSettings {
    /// Rejects tolerances below 0, fractions outside 0–1 and counts below what the rules
    /// need (`joint_tol = -3` would join nothing, `crossing_frac = 2` every gap).
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let inf = f64::MAX;
        let checks: [crate::limits::Limit<'_>; 41] = [
            ("joint_tol", self.joint_tol, 0.0, inf),
            ("edge_merge_tol", self.edge_merge_tol, 0.0, inf),
            ("edge_cover_frac", self.edge_cover_frac, 0.0, 1.0),
            ("lattice_min_slots", self.lattice_min_slots as f64, 1.0, inf),
            ("max_lattice_slots", self.max_lattice_slots as f64, 1.0, inf),
            ("hinted_min_rows", self.hinted_min_rows as f64, 1.0, inf),
            ("spread_edge_tol", self.spread_edge_tol, 0.0, inf),
            ("ruled_rows_min", self.ruled_rows_min as f64, 1.0, inf),
            (
                "spread_min_shared_edges",
                self.spread_min_shared_edges,
                0.0,
                1.0,
            ),
            (
                "side_label_min_rows",
                self.side_label_min_rows as f64,
                2.0,
                inf,
            ),
            ("segment_gap_em", self.segment_gap_em, 0.0, inf),
            ("crossing_frac", self.crossing_frac, 0.0, 1.0),
            (
                "min_column_support",
                self.min_column_support as f64,
                1.0,
                inf,
            ),
            ("min_column_gap", self.min_column_gap, 0.0, inf),
            ("line_overlap", self.line_overlap, 0.0, 1.0),
            ("line_lookback", self.line_lookback as f64, 1.0, 64.0),
            (
                "continuation_max_gap_em",
                self.continuation_max_gap_em,
                0.0,
                inf,
            ),
            (
                "continuation_max_outdent_em",
                self.continuation_max_outdent_em,
                0.0,
                inf,
            ),
            (
                "interleave_min_overlap",
                self.interleave_min_overlap,
                0.0,
                1.0,
            ),
            ("straddle_tol", self.straddle_tol, 0.0, inf),
            ("straddle_min_share", self.straddle_min_share, 0.0, 0.5),
            ("label_line_max_shift", self.label_line_max_shift, 0.0, 1.0),
            ("label_wrap_max_pitch", self.label_wrap_max_pitch, 0.0, 1.0),
            (
                "halves_header_rows",
                self.halves_header_rows as f64,
                0.0,
                20.0,
            ),
            (
                "parallel_row_min_columns",
                self.parallel_row_min_columns as f64,
                2.0,
                inf,
            ),
            ("region_max_gap_em", self.region_max_gap_em, 0.0, inf),
            (
                "region_max_plain_run",
                self.region_max_plain_run as f64,
                0.0,
                inf,
            ),
            ("region_min_rows", self.region_min_rows as f64, 1.0, inf),
            (
                "region_max_words_per_segment",
                self.region_max_words_per_segment,
                0.0,
                inf,
            ),
            ("fit_word_space_em", self.fit_word_space_em, 0.0, 5.0),
            ("fit_slack_em", self.fit_slack_em, 0.0, 5.0),
            (
                "column_start_window_em",
                self.column_start_window_em,
                0.0,
                inf,
            ),
            ("band_min_count", self.band_min_count as f64, 2.0, inf),
            ("band_max_lines", self.band_max_lines as f64, 1.0, inf),
            ("hint_rule_min_width", self.hint_rule_min_width, 0.0, 1.0),
            ("breaker_left_em", self.breaker_left_em, 0.0, inf),
            ("breaker_min_width", self.breaker_min_width, 0.0, 1.0),
            (
                "breaker_max_depth",
                self.breaker_max_depth as f64,
                0.0,
                16.0,
            ),
            (
                "value_column_min_lines",
                self.value_column_min_lines as f64,
                1.0,
                inf,
            ),
            (
                "value_column_min_share",
                self.value_column_min_share,
                0.0,
                1.0,
            ),
            (
                "cjk_chars_per_word",
                self.cjk_chars_per_word as f64,
                1.0,
                inf,
            ),
        ];
        crate::limits::check(&checks)
    }
}

impl Default for TableSettings {
    fn default() -> Self {
        TableSettings {
            joint_tol: 3.0,
            edge_merge_tol: 2.0,
            edge_cover_frac: 0.5,
            lattice_min_slots: 2,
            max_lattice_slots: 250_000,
            hinted_min_rows: 3,
            spread_edge_tol: 4.0,
            ruled_rows_min: 4,
            spread_min_shared_edges: 0.8,
            side_label_min_rows: 3,
            segment_gap_em: 0.8,
            crossing_frac: 0.2,
            min_column_support: 2,
            min_column_gap: 1.0,
            line_overlap: 0.5,
            line_lookback: 3,
            continuation_max_gap_em: 0.8,
            continuation_max_outdent_em: 1.5,
            interleave_min_overlap: 0.2,
            straddle_tol: 1.0,
            straddle_min_share: 0.15,
            label_line_max_shift: 0.75,
            label_wrap_max_pitch: 0.65,
            halves_header_rows: 3,
            parallel_row_min_columns: 3,
            region_max_gap_em: 2.5,
            region_max_plain_run: 2,
            region_min_rows: 2,
            region_max_words_per_segment: 6.0,
            fit_word_space_em: 0.25,
            fit_slack_em: 0.1,
            column_start_window_em: 3.0,
            band_min_count: 3,
            band_max_lines: 2,
            hint_rule_min_width: 0.5,
            breaker_left_em: 2.0,
            breaker_min_width: 0.3,
            breaker_max_depth: 4,
            value_column_min_lines: 3,
            value_column_min_share: 0.8,
            cjk_chars_per_word: 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_rejected_and_missing_ones_default() {
        let s: TableSettings = toml::from_str("joint_tol = 1.5").expect("parses");
        assert_eq!(s.joint_tol, 1.5);
        assert_eq!(s.segment_gap_em, TableSettings::default().segment_gap_em);
        assert!(toml::from_str::<TableSettings>("no_such = 1").is_err());
    }

    #[test]
    fn defaults_validate_and_bad_values_fail() {
        assert!(TableSettings::default().validate().is_ok());
        let s = TableSettings {
            joint_tol: -3.0,
            ..TableSettings::default()
        };
        assert!(s.validate().is_err_and(|e| e.key == "joint_tol"));
        let s = TableSettings {
            crossing_frac: f64::NAN,
            ..TableSettings::default()
        };
        assert!(s.validate().is_err());
    }
}
