//! Stage `layout`: a page's glyphs and paths (from `pdf` or `ocr`) into words, text lines
//! and ruling lines — the shared word model every table strategy works on.
//!
//! Pure geometry: nothing here knows about PDF syntax, OCR engines or output formats.

use serde::{Deserialize, Serialize};

use crate::geom::{cluster_1d, mean_at, Rect};
use nenpo_pdf::{Direction, PageContent};

/// Thresholds of the layout stage. Every field is a named setting with one default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutSettings {
    /// A horizontal gap wider than this many em (of the larger glyph) starts a new word.
    /// Default 0.2: Latin word spaces set without a space glyph are 0.25–0.33 em wide,
    /// kerning is under 0.1 em.
    pub word_gap_em: f64,
    /// Letter-spaced Japanese (`文 書 配 達 業 務`): single CJK characters in a row whose
    /// gaps are at most this many em and even (see `letter_spacing_evenness`) form one word.
    /// Default 2.0 em, measured on the Fuji budget books (gaps of about 1 em).
    pub letter_spacing_max_em: f64,
    /// Gaps of a letter-spaced run may differ from the first gap by at most this fraction.
    /// Default 0.25.
    pub letter_spacing_evenness: f64,
    /// Two letter-spaced characters only (`課 題`) are joined when their gap is at most this
    /// many em. Default 1.2.
    pub letter_spacing_pair_max_em: f64,
    /// Two glyphs are on one text line when their vertical overlap is at least this
    /// fraction of the smaller glyph's height. Default 0.5.
    pub line_overlap: f64,
    /// Glyphs repeated at almost the same place (fake bold) closer than this many points
    /// are dropped. Default 1.0, as pdfplumber's `dedupe_chars`.
    pub dedupe_tolerance: f64,
    /// Rulings whose positions differ by at most this many points are snapped to one
    /// position. Default 3.0, as pdfplumber's `snap_tolerance`.
    pub snap_tolerance: f64,
    /// Collinear rulings whose ends are at most this many points apart are joined.
    /// Default 3.0, as pdfplumber's `join_tolerance`.
    pub join_tolerance: f64,
    /// Rulings shorter than this many points are dropped. Default 3.0
    /// (pdfplumber's `edge_min_length`).
    pub min_ruling_length: f64,
    /// A filled rectangle at most this thick is one ruling line; a thicker one gives its
    /// four edges. Default 2.5 pt (Chromium draws 0.75–1.5 pt rules as filled rectangles).
    pub max_ruling_thickness: f64,
    /// A stroked segment counts as horizontal or vertical when it deviates from the axis
    /// by at most this many points. Default 1.0.
    pub axis_tolerance: f64,
}

impl LayoutSettings {
    /// Rejects negative distances and fractions outside 0–1.
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let inf = f64::MAX;
        let checks: [crate::limits::Limit<'_>; 11] = [
            ("word_gap_em", self.word_gap_em, 0.0, inf),
            (
                "letter_spacing_max_em",
                self.letter_spacing_max_em,
                0.0,
                inf,
            ),
            (
                "letter_spacing_evenness",
                self.letter_spacing_evenness,
                0.0,
                1.0,
            ),
            (
                "letter_spacing_pair_max_em",
                self.letter_spacing_pair_max_em,
                0.0,
                inf,
            ),
            ("line_overlap", self.line_overlap, 0.0, 1.0),
            ("dedupe_tolerance", self.dedupe_tolerance, 0.0, inf),
            ("snap_tolerance", self.snap_tolerance, 0.0, inf),
            ("join_tolerance", self.join_tolerance, 0.0, inf),
            ("min_ruling_length", self.min_ruling_length, 0.0, inf),
            ("max_ruling_thickness", self.max_ruling_thickness, 0.0, inf),
            ("axis_tolerance", self.axis_tolerance, 0.0, inf),
        ];
        crate::limits::check(&checks)
    }
}

impl Default for LayoutSettings {
    fn default() -> Self {
        LayoutSettings {
            word_gap_em: 0.2,
            letter_spacing_max_em: 2.0,
            letter_spacing_evenness: 0.25,
            letter_spacing_pair_max_em: 1.2,
            line_overlap: 0.5,
            dedupe_tolerance: 1.0,
            snap_tolerance: 3.0,
            join_tolerance: 3.0,
            min_ruling_length: 3.0,
            max_ruling_thickness: 2.5,
            axis_tolerance: 1.0,
        }
    }
}

/// One character of a word with its extent along the text direction (x for horizontal
/// words, y for vertical ones), for splitting a word at a column boundary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WordChar {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
}

/// A word: glyphs on one text line without a gap between them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Word {
    pub text: String,
    pub bbox: Rect,
    /// Mean font size in points.
    pub size: f64,
    /// Set in a bold face.
    pub bold: bool,
    /// Text runs top to bottom or bottom to top (rotated or vertical writing); which one
    /// [`Word::reads_upward`] tells.
    pub vertical: bool,
    /// Index of the text line this word belongs to in [`PageLayout::lines`].
    pub line: usize,
    /// Recognition confidence 0–1 for OCR words; 1 for a digital text layer.
    pub confidence: f32,
    /// Characters in reading order: for a vertical word running bottom to top their
    /// extents (in y) decrease.
    pub chars: Vec<WordChar>,
}

impl Word {
    /// A vertical word whose characters run bottom to top (text rotated anticlockwise).
    /// `false` for words of one character, whose direction the geometry cannot tell.
    pub fn reads_upward(&self) -> bool {
        match (self.chars.first(), self.chars.last()) {
            (Some(a), Some(b)) => self.vertical && b.x0 < a.x0,
            _ => false,
        }
    }
}

/// A text line: words sharing a baseline, in reading order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextLine {
    pub bbox: Rect,
    /// Indices into [`PageLayout::words`], left to right.
    pub words: Vec<usize>,
}

/// Orientation of a ruling line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

/// A horizontal or vertical ruling line after snapping and joining.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ruling {
    pub orientation: Orientation,
    /// y of a horizontal ruling, x of a vertical one.
    pub pos: f64,
    /// Start and end along the line (x for horizontal, y for vertical), `start <= end`.
    pub start: f64,
    pub end: f64,
}

impl Ruling {
    pub fn horizontal(y: f64, x0: f64, x1: f64) -> Ruling {
        Ruling {
            orientation: Orientation::Horizontal,
            pos: y,
            start: x0.min(x1),
            end: x0.max(x1),
        }
    }
    pub fn vertical(x: f64, top: f64, bottom: f64) -> Ruling {
        Ruling {
            orientation: Orientation::Vertical,
            pos: x,
            start: top.min(bottom),
            end: top.max(bottom),
        }
    }
    pub fn len(&self) -> f64 {
        self.end - self.start
    }
    pub fn is_horizontal(&self) -> bool {
        self.orientation == Orientation::Horizontal
    }
    /// The ruling as a (degenerate) rectangle.
    pub fn rect(&self) -> Rect {
        match self.orientation {
            Orientation::Horizontal => Rect::new(self.start, self.pos, self.end, self.pos),
            Orientation::Vertical => Rect::new(self.pos, self.start, self.pos, self.end),
        }
    }
}

/// Where a page's words came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// A trustworthy digital text layer.
    #[default]
    Digital,
    /// Invisible text over a page image: a scanner's OCR layer.
    HiddenOcrLayer,
    /// Our own OCR of the page image.
    Ocr,
    /// No usable text (image only, or undecodable fonts, and no OCR available).
    None,
}

impl TextSource {
    /// The name used in outputs (`digital`, `hidden_ocr_layer`, `ocr`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::Digital => "digital",
            TextSource::HiddenOcrLayer => "hidden_ocr_layer",
            TextSource::Ocr => "ocr",
            TextSource::None => "none",
        }
    }
}

/// The word model of one page: what every table strategy reads.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct PageLayout {
    /// 1-based page number.
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub words: Vec<Word>,
    pub lines: Vec<TextLine>,
    pub rulings: Vec<Ruling>,
    pub text_source: TextSource,
}

impl PageLayout {
    /// The horizontal words of a text line, left to right (a vertical word set beside it
    /// is no part of its text).
    pub fn horizontal_words(&self, line: &TextLine) -> Vec<&Word> {
        line.words
            .iter()
            .filter_map(|&i| self.words.get(i))
            .filter(|w| !w.vertical)
            .collect()
    }

    pub fn page_rect(&self) -> Rect {
        Rect::new(0.0, 0.0, self.width, self.height)
    }
}

/// Builds the word model of a page from its content.
pub fn page_layout(content: &PageContent, settings: &LayoutSettings) -> PageLayout {
    let bold: Vec<bool> = content.fonts.iter().map(|f| f.bold).collect();
    let mut glyphs: Vec<GlyphIn> = Vec::with_capacity(content.glyphs.len());
    let mut upward: Vec<GlyphIn> = Vec::new();
    for g in &content.glyphs {
        let up = g.direction == Direction::BottomToTop;
        let glyph = GlyphIn {
            text: g.text.clone(),
            bbox: g.bbox,
            size: g.size,
            bold: bold.get(g.font as usize).copied().unwrap_or(false),
            vertical: matches!(g.direction, Direction::TopToBottom | Direction::BottomToTop),
            confidence: 1.0,
        };
        if up {
            upward.push(glyph);
        } else {
            glyphs.push(glyph);
        }
    }
    let (mut words, mut lines) = words_and_lines(glyphs, settings);
    let (up_words, up_lines) = upward_words_and_lines(upward, settings);
    let (w0, l0) = (words.len(), lines.len());
    words.extend(up_words.into_iter().map(|mut w| {
        w.line += l0;
        w
    }));
    lines.extend(up_lines.into_iter().map(|mut l| {
        for i in &mut l.words {
            *i += w0;
        }
        l
    }));
    let mut segments = Vec::new();
    for l in &content.lines {
        segments.push(RawSegment::Line {
            x0: l.a.x,
            y0: l.a.y,
            x1: l.b.x,
            y1: l.b.y,
        });
    }
    for f in &content.fills {
        if !f.white {
            segments.push(RawSegment::Fill(f.rect));
        }
    }
    let rulings = rulings_from_segments(&segments, settings);
    let hidden = !content.glyphs.is_empty() && content.glyphs.iter().all(|g| g.invisible);
    let text_source = if hidden {
        TextSource::HiddenOcrLayer
    } else if content.glyphs.is_empty() {
        TextSource::None
    } else {
        TextSource::Digital
    };
    PageLayout {
        number: content.number,
        width: content.width,
        height: content.height,
        words,
        lines,
        rulings,
        text_source,
    }
}

/// A glyph as the layout stage sees it (from a text layer or from OCR).
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphIn {
    pub text: String,
    pub bbox: Rect,
    pub size: f64,
    pub bold: bool,
    pub vertical: bool,
    pub confidence: f32,
}

/// A path piece that may be a ruling line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawSegment {
    /// A stroked straight segment.
    Line { x0: f64, y0: f64, x1: f64, y1: f64 },
    /// A filled rectangle (non-white).
    Fill(Rect),
}

use crate::text::chars::is_cjk;

/// Whether the string is one CJK character (kanji, kana or full-width form).
fn single_cjk(s: &str) -> bool {
    let mut it = s.chars();
    matches!((it.next(), it.next()), (Some(c), None) if is_cjk(c))
}

/// Groups glyphs into text lines and words.
pub fn words_and_lines(mut glyphs: Vec<GlyphIn>, s: &LayoutSettings) -> (Vec<Word>, Vec<TextLine>) {
    // Work in a frame where text runs left to right: vertical glyphs are transposed.
    for g in glyphs.iter_mut().filter(|g| g.vertical) {
        g.bbox = transpose(&g.bbox);
    }
    glyphs.retain(|g| g.bbox.x1.is_finite() && g.bbox.bottom.is_finite());
    let mut horizontal: Vec<GlyphIn> = Vec::new();
    let mut vertical: Vec<GlyphIn> = Vec::new();
    for g in glyphs {
        if g.vertical {
            vertical.push(g)
        } else {
            horizontal.push(g)
        }
    }
    let mut words = Vec::new();
    let mut lines = Vec::new();
    for (group, is_vertical) in [(horizontal, false), (vertical, true)] {
        for line in group_lines(group, s) {
            let start = words.len();
            for w in split_words(line, s) {
                words.push(w);
            }
            let idx: Vec<usize> = (start..words.len()).collect();
            if idx.is_empty() {
                continue;
            }
            let line_no = lines.len();
            let mut bbox = words[start].bbox;
            for w in &mut words[start..] {
                w.line = line_no;
                w.vertical = is_vertical;
                bbox = bbox.union(&w.bbox);
            }
            if is_vertical {
                // Chars of a vertical word keep their extent along the text direction (y).
                for w in &mut words[start..] {
                    w.bbox = transpose(&w.bbox);
                }
                bbox = transpose(&bbox);
            }
            lines.push(TextLine { bbox, words: idx });
        }
    }
    (words, lines)
}

/// The rectangle mirrored at y = 0 (for text running bottom to top).
fn mirror_y(r: &Rect) -> Rect {
    Rect::new(r.x0, -r.bottom, r.x1, -r.top)
}

/// Words and lines of glyphs whose text runs bottom to top (rotated anticlockwise):
/// mirrored vertically, grouped as text running top to bottom, and mirrored back, so a
/// word's text and `chars` are in reading order (upwards) and lines are ordered left to
/// right. Line indices of the words are local to the returned lines.
pub fn upward_words_and_lines(
    mut glyphs: Vec<GlyphIn>,
    s: &LayoutSettings,
) -> (Vec<Word>, Vec<TextLine>) {
    for g in &mut glyphs {
        g.bbox = mirror_y(&g.bbox);
        g.vertical = true;
    }
    let (mut words, mut lines) = words_and_lines(glyphs, s);
    for w in &mut words {
        w.bbox = mirror_y(&w.bbox);
        for c in &mut w.chars {
            (c.x0, c.x1) = (-c.x1, -c.x0);
        }
    }
    for l in &mut lines {
        l.bbox = mirror_y(&l.bbox);
    }
    (words, lines)
}

fn transpose(r: &Rect) -> Rect {
    Rect::new(r.top, r.x0, r.bottom, r.x1)
}

/// Rule `stacked_glyphs`: two glyphs that overlap horizontally by more than half the
/// narrower one's width, their centres more than a quarter of the smaller height apart
/// vertically, are on two lines: one text line never runs back over itself. (A header
/// with two-line labels beside one-line labels centred between them, `取得 / 年度` beside
/// `貸借対照表科目`, otherwise became one line read `取年得度`. A bold face printed twice
/// with a small offset stays one line: its copies are level.)
fn stacked(a: &GlyphIn, b: &GlyphIn) -> bool {
    let ov = a.bbox.x1.min(b.bbox.x1) - a.bbox.x0.max(b.bbox.x0);
    let w = a.bbox.width().min(b.bbox.width()).max(0.1);
    let h = a.bbox.height().min(b.bbox.height()).max(0.1);
    ov > STACKED_X_OVERLAP * w && (a.bbox.cy() - b.bbox.cy()).abs() > STACKED_Y_OFFSET * h
}

/// [`stacked`]: horizontal overlap, a fraction of the narrower glyph's width.
const STACKED_X_OVERLAP: f64 = 0.5;
/// [`stacked`]: vertical offset of the centres, a fraction of the smaller height.
const STACKED_Y_OFFSET: f64 = 0.25;

/// Text lines: glyphs overlapping vertically enough, each line sorted left to right.
///
/// A glyph is compared with a line's mean band (the mean of its glyphs' tops and
/// bottoms), not with the union of their boxes: a union grows with every glyph that
/// joins a little off the line (a character of a vertical side label between two rows),
/// until it takes in the next line too (an OCR'd cell whose label wraps onto a second
/// line one em below: `障害福祉サービス等事業収 / 益` read as `益障害…`).
fn group_lines(mut glyphs: Vec<GlyphIn>, s: &LayoutSettings) -> Vec<Vec<GlyphIn>> {
    glyphs.sort_by(|a, b| {
        a.bbox
            .cy()
            .total_cmp(&b.bbox.cy())
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    // (sum of tops, sum of bottoms, glyphs).
    let mut lines: Vec<(f64, f64, Vec<GlyphIn>)> = Vec::new();
    for g in glyphs {
        let h = g.bbox.height().max(0.1);
        // Compare with the most recent lines only: glyphs are sorted by their centre.
        let mut target = None;
        for (i, (tops, bottoms, members)) in lines.iter().enumerate().rev().take(4) {
            let n = members.len().max(1) as f64;
            let (top, bottom) = (tops / n, bottoms / n);
            let lh = (bottom - top).max(0.1);
            let ov = g.bbox.bottom.min(bottom) - g.bbox.top.max(top);
            if ov >= s.line_overlap * h.min(lh)
                && (g.bbox.cy() - (top + bottom) / 2.0).abs() <= 0.5 * h.max(lh)
                && !members.iter().any(|m| stacked(m, &g))
            {
                target = Some(i);
                break;
            }
        }
        match target {
            Some(i) => {
                let (tops, bottoms, members) = &mut lines[i];
                *tops += g.bbox.top;
                *bottoms += g.bbox.bottom;
                members.push(g);
            }
            None => lines.push((g.bbox.top, g.bbox.bottom, vec![g])),
        }
    }
    let mut out: Vec<Vec<GlyphIn>> = lines
        .into_iter()
        .map(|(_, _, mut m)| {
            m.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            m
        })
        .collect();
    out.sort_by(|a, b| {
        let (ta, tb) = (
            a.first().map_or(0.0, |g| g.bbox.top),
            b.first().map_or(0.0, |g| g.bbox.top),
        );
        ta.total_cmp(&tb)
    });
    out
}

/// Splits one text line (sorted left to right) into words, then joins letter-spaced CJK.
fn split_words(line: Vec<GlyphIn>, s: &LayoutSettings) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut prev: Option<Rect> = None;
    let mut prev_text = String::new();
    for g in line {
        if g.text.trim().is_empty() {
            // An explicit space ends the word.
            prev = None;
            continue;
        }
        // Fake bold: the same glyph painted again at (almost) the same place.
        if let Some(p) = prev {
            if g.text == prev_text
                && (g.bbox.x0 - p.x0).abs() <= s.dedupe_tolerance
                && (g.bbox.top - p.top).abs() <= s.dedupe_tolerance
            {
                continue;
            }
        }
        let em = g.size.max(1.0);
        let joins = match (prev, words.last()) {
            (Some(p), Some(w)) => {
                g.bbox.x0 - p.x1 <= s.word_gap_em * em.max(w.size) && g.bbox.x0 >= p.x0 - 0.5 * em
            }
            _ => false,
        };
        let ch = WordChar {
            text: g.text.clone(),
            x0: g.bbox.x0,
            x1: g.bbox.x1,
        };
        match words.last_mut() {
            Some(w) if joins => {
                let n = w.chars.len() as f64;
                w.text.push_str(&g.text);
                w.bbox = w.bbox.union(&g.bbox);
                w.size = (w.size * n + g.size) / (n + 1.0);
                w.bold &= g.bold;
                w.confidence = w.confidence.min(g.confidence);
                w.chars.push(ch);
            }
            _ => words.push(Word {
                text: g.text.clone(),
                bbox: g.bbox,
                size: g.size,
                bold: g.bold,
                vertical: g.vertical,
                line: 0,
                confidence: g.confidence,
                chars: vec![ch],
            }),
        }
        prev = Some(g.bbox);
        prev_text = g.text;
    }
    join_letter_spaced(words, s)
}

/// Joins runs of single CJK characters set with even, moderate gaps into one word.
fn join_letter_spaced(words: Vec<Word>, s: &LayoutSettings) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let mut j = i + 1;
        if single_cjk(&words[i].text) {
            let em = words[i].size.max(1.0);
            let mut first_gap: Option<f64> = None;
            while j < words.len() && single_cjk(&words[j].text) {
                let gap = words[j].bbox.x0 - words[j - 1].bbox.x1;
                if gap < 0.0 || gap > s.letter_spacing_max_em * em {
                    break;
                }
                match first_gap {
                    None => first_gap = Some(gap),
                    Some(f) if (gap - f).abs() <= s.letter_spacing_evenness * f.max(0.1 * em) => {}
                    Some(_) => break,
                }
                j += 1;
            }
            let run = j - i;
            let ok = match (run, first_gap) {
                (1, _) => false,
                (2, Some(g)) => g <= s.letter_spacing_pair_max_em * em,
                _ => true,
            };
            if !ok {
                j = i + 1;
            }
        }
        let mut w = words[i].clone();
        for next in &words[i + 1..j] {
            w.text.push_str(&next.text);
            w.bbox = w.bbox.union(&next.bbox);
            w.bold &= next.bold;
            w.chars.extend(next.chars.iter().cloned());
        }
        out.push(w);
        i = j;
    }
    out
}

/// Horizontal and vertical rulings from stroked segments and filled rectangles,
/// snapped and joined (pdfplumber's `merge_edges`).
pub fn rulings_from_segments(segments: &[RawSegment], s: &LayoutSettings) -> Vec<Ruling> {
    let mut raw = Vec::new();
    for seg in segments {
        match *seg {
            RawSegment::Line { x0, y0, x1, y1 } => {
                if (y1 - y0).abs() <= s.axis_tolerance {
                    raw.push(Ruling::horizontal((y0 + y1) / 2.0, x0, x1));
                } else if (x1 - x0).abs() <= s.axis_tolerance {
                    raw.push(Ruling::vertical((x0 + x1) / 2.0, y0, y1));
                }
            }
            RawSegment::Fill(r) => {
                let (w, h) = (r.width(), r.height());
                if h <= s.max_ruling_thickness && w > h {
                    raw.push(Ruling::horizontal(r.cy(), r.x0, r.x1));
                } else if w <= s.max_ruling_thickness && h > w {
                    raw.push(Ruling::vertical(r.cx(), r.top, r.bottom));
                } else if w > s.max_ruling_thickness && h > s.max_ruling_thickness {
                    raw.push(Ruling::horizontal(r.top, r.x0, r.x1));
                    raw.push(Ruling::horizontal(r.bottom, r.x0, r.x1));
                    raw.push(Ruling::vertical(r.x0, r.top, r.bottom));
                    raw.push(Ruling::vertical(r.x1, r.top, r.bottom));
                }
            }
        }
    }
    let mut out = Vec::new();
    for orientation in [Orientation::Horizontal, Orientation::Vertical] {
        let group: Vec<Ruling> = raw
            .iter()
            .copied()
            .filter(|r| r.orientation == orientation)
            .collect();
        out.extend(snap_and_join(group, s));
    }
    out.retain(|r| r.len() >= s.min_ruling_length);
    out
}

/// Snaps rulings of one orientation to shared positions, then joins collinear pieces.
fn snap_and_join(mut group: Vec<Ruling>, s: &LayoutSettings) -> Vec<Ruling> {
    let pos: Vec<f64> = group.iter().map(|r| r.pos).collect();
    for cluster in cluster_1d(&pos, s.snap_tolerance) {
        let m = mean_at(&pos, &cluster);
        for i in cluster {
            group[i].pos = m;
        }
    }
    group.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.start.total_cmp(&b.start)));
    let mut out: Vec<Ruling> = Vec::new();
    for r in group {
        match out.last_mut() {
            Some(last) if last.pos == r.pos && r.start <= last.end + s.join_tolerance => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x0: f64, top: f64, w: f64, size: f64) -> GlyphIn {
        GlyphIn {
            text: text.into(),
            bbox: Rect::new(x0, top, x0 + w, top + size),
            size,
            bold: false,
            vertical: false,
            confidence: 1.0,
        }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn latin_words_split_on_gaps_and_spaces() {
        let s = LayoutSettings::default();
        let glyphs = vec![
            g("a", 0.0, 0.0, 5.0, 10.0),
            g("b", 5.0, 0.0, 5.0, 10.0),
            g(" ", 10.0, 0.0, 3.0, 10.0),
            g("c", 13.0, 0.0, 5.0, 10.0),
            g("d", 30.0, 0.0, 5.0, 10.0),
        ];
        let (w, l) = words_and_lines(glyphs, &s);
        assert_eq!(texts(&w), ["ab", "c", "d"]);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].words, vec![0, 1, 2]);
    }

    #[test]
    fn two_line_labels_beside_a_centred_label_stay_two_lines() {
        // `取得 / 年度` in one cell (lines 5 apart, 10 high: they overlap by half),
        // `科目` centred between them in the next cell.
        let s = LayoutSettings::default();
        let glyphs = vec![
            g("取", 0.0, 0.0, 10.0, 10.0),
            g("得", 10.0, 0.0, 10.0, 10.0),
            g("科", 40.0, 2.0, 10.0, 11.0),
            g("目", 50.0, 2.0, 10.0, 11.0),
            g("年", 0.0, 5.0, 10.0, 10.0),
            g("度", 10.0, 5.0, 10.0, 10.0),
        ];
        let (w, _) = words_and_lines(glyphs, &s);
        assert!(
            texts(&w).contains(&"取得") && texts(&w).contains(&"年度"),
            "{:?}",
            texts(&w)
        );
    }

    #[test]
    fn lines_by_vertical_overlap_in_reading_order() {
        let s = LayoutSettings::default();
        let glyphs = vec![
            g("下", 0.0, 20.0, 10.0, 10.0),
            g("上", 0.0, 0.0, 10.0, 10.0),
            g("右", 10.0, 1.0, 10.0, 10.0),
        ];
        let (w, l) = words_and_lines(glyphs, &s);
        assert_eq!(texts(&w), ["上右", "下"]);
        assert_eq!(l.len(), 2);
        assert_eq!(w[1].line, 1);
    }

    #[test]
    fn letter_spaced_japanese_is_one_word() {
        let s = LayoutSettings::default();
        // 文 書 配 達 業 務 with 9 pt gaps at 9 pt: one word; then a far column.
        let mut glyphs = Vec::new();
        for (i, c) in ["文", "書", "配", "達", "業", "務"].iter().enumerate() {
            glyphs.push(g(c, i as f64 * 18.0, 0.0, 9.0, 9.0));
        }
        glyphs.push(g("1", 200.0, 0.0, 5.0, 9.0));
        let (w, _) = words_and_lines(glyphs, &s);
        assert_eq!(texts(&w), ["文書配達業務", "1"]);
    }

    #[test]
    fn uneven_cjk_singles_stay_apart() {
        let s = LayoutSettings::default();
        // Two one-character cells far apart and a third at a different gap.
        let glyphs = vec![
            g("有", 0.0, 0.0, 9.0, 9.0),
            g("無", 40.0, 0.0, 9.0, 9.0),
            g("計", 60.0, 0.0, 9.0, 9.0),
        ];
        let (w, _) = words_and_lines(glyphs, &s);
        assert_eq!(texts(&w), ["有", "無", "計"]);
    }

    #[test]
    fn fake_bold_duplicates_dropped() {
        let s = LayoutSettings::default();
        let glyphs = vec![
            g("A", 0.0, 0.0, 6.0, 10.0),
            g("A", 0.3, 0.0, 6.0, 10.0),
            g("B", 6.0, 0.0, 6.0, 10.0),
        ];
        let (w, _) = words_and_lines(glyphs, &s);
        assert_eq!(texts(&w), ["AB"]);
    }

    #[test]
    fn vertical_text_reads_top_to_bottom() {
        let s = LayoutSettings::default();
        let mut a = g("縦", 0.0, 0.0, 10.0, 10.0);
        let mut b = g("書", 0.0, 10.0, 10.0, 10.0);
        a.vertical = true;
        b.vertical = true;
        let (w, _) = words_and_lines(vec![b, a], &s);
        assert_eq!(texts(&w), ["縦書"]);
        assert!(w[0].vertical);
        assert_eq!(w[0].bbox, Rect::new(0.0, 0.0, 10.0, 20.0));
    }

    #[test]
    fn upward_text_reads_bottom_to_top() {
        let s = LayoutSettings::default();
        // "合計" rotated anticlockwise: 合 below 計, both in one column.
        let mut a = g("合", 0.0, 20.0, 10.0, 10.0);
        let mut b = g("計", 0.0, 10.0, 10.0, 10.0);
        a.vertical = true;
        b.vertical = true;
        let (w, l) = upward_words_and_lines(vec![b, a], &s);
        assert_eq!(texts(&w), ["合計"]);
        assert_eq!(w[0].bbox, Rect::new(0.0, 10.0, 10.0, 30.0));
        assert!(w[0].reads_upward());
        assert!(w[0].chars[0].x0 > w[0].chars[1].x0);
        assert_eq!(l[0].bbox, w[0].bbox);
        // Read downwards, the same glyphs give the reversed text.
        let (down, _) = words_and_lines(
            vec![
                GlyphIn {
                    vertical: true,
                    ..g("合", 0.0, 20.0, 10.0, 10.0)
                },
                GlyphIn {
                    vertical: true,
                    ..g("計", 0.0, 10.0, 10.0, 10.0)
                },
            ],
            &s,
        );
        assert_eq!(texts(&down), ["計合"]);
        assert!(!down[0].reads_upward());
    }

    #[test]
    fn rulings_snap_join_and_thin_fills() {
        let s = LayoutSettings::default();
        let segs = vec![
            RawSegment::Line {
                x0: 0.0,
                y0: 10.0,
                x1: 50.0,
                y1: 10.0,
            },
            RawSegment::Line {
                x0: 51.0,
                y0: 11.0,
                x1: 100.0,
                y1: 11.0,
            },
            RawSegment::Fill(Rect::new(20.0, 0.0, 20.8, 80.0)),
            RawSegment::Fill(Rect::new(0.0, 200.0, 100.0, 260.0)),
            RawSegment::Line {
                x0: 0.0,
                y0: 0.0,
                x1: 30.0,
                y1: 30.0,
            },
            RawSegment::Line {
                x0: 0.0,
                y0: 300.0,
                x1: 1.0,
                y1: 300.0,
            },
        ];
        let r = rulings_from_segments(&segs, &s);
        let h: Vec<&Ruling> = r.iter().filter(|r| r.is_horizontal()).collect();
        let v: Vec<&Ruling> = r.iter().filter(|r| !r.is_horizontal()).collect();
        assert_eq!(h.len(), 3, "{h:?}");
        assert!((h[0].pos - 10.5).abs() < 1e-9 && h[0].start == 0.0 && h[0].end == 100.0);
        assert_eq!(v.len(), 3, "{v:?}");
        assert!((v[0].pos - 0.0).abs() < 1e-9);
        assert!((v[1].pos - 20.4).abs() < 1e-9);
    }
}
