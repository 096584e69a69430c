//! The shared last step of both strategies: row and column edges plus spanning cells
//! (a [`Structure`]) and the region's words into a [`Grid`] — words assigned to cells by
//! their centre, cell texts built, rows and columns without any text dropped.

use crate::geom::Rect;
use crate::layout::{Word, WordChar};
use crate::text::figure::figure_chars_only;

use super::cell_text::cell_text;
use super::settings::TableSettings;
use super::{Cell, Grid, Strategy};

/// A cell in slot coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
}

/// Edges and cells of a table before text is put in.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Structure {
    pub row_edges: Vec<f64>,
    pub col_edges: Vec<f64>,
    /// Every slot covered by exactly one span.
    pub spans: Vec<Span>,
}

impl Structure {
    /// A structure without spanning cells.
    #[cfg(test)]
    pub fn plain(row_edges: Vec<f64>, col_edges: Vec<f64>) -> Structure {
        let (nr, nc) = (
            row_edges.len().saturating_sub(1),
            col_edges.len().saturating_sub(1),
        );
        let mut spans = Vec::with_capacity(nr * nc);
        for row in 0..nr {
            for col in 0..nc {
                spans.push(Span {
                    row,
                    col,
                    rowspan: 1,
                    colspan: 1,
                });
            }
        }
        Structure {
            row_edges,
            col_edges,
            spans,
        }
    }

    pub(crate) fn span_rect(&self, s: &Span) -> Option<Rect> {
        Some(Rect::new(
            *self.col_edges.get(s.col)?,
            *self.row_edges.get(s.row)?,
            *self.col_edges.get(s.col + s.colspan)?,
            *self.row_edges.get(s.row + s.rowspan)?,
        ))
    }
}

/// Index of the interval of `edges` holding `v` (clamped to the first / last interval).
pub(crate) fn interval(edges: &[f64], v: f64) -> usize {
    let n = edges.len().saturating_sub(1);
    if n == 0 {
        return 0;
    }
    edges[1..n].iter().take_while(|&&e| v >= e).count()
}

/// Splits a word at the given x positions between its characters (a word straddling a
/// caller's column separator). Words not straddling any come back unchanged.
pub(crate) fn split_word_at(w: &Word, cuts: &[f64]) -> Vec<Word> {
    let inside: Vec<f64> = cuts
        .iter()
        .copied()
        .filter(|&c| c > w.bbox.x0 && c < w.bbox.x1)
        .collect();
    if inside.is_empty() || w.chars.len() < 2 || w.vertical {
        return vec![w.clone()];
    }
    let mut groups: Vec<Vec<&WordChar>> = Vec::new();
    let mut last_slot = usize::MAX;
    for ch in &w.chars {
        let slot = inside
            .iter()
            .take_while(|&&c| (ch.x0 + ch.x1) / 2.0 >= c)
            .count();
        if slot != last_slot {
            groups.push(Vec::new());
            last_slot = slot;
        }
        if let Some(g) = groups.last_mut() {
            g.push(ch);
        }
    }
    // Rule `brackets_hold_together`: a piece that opens a bracket the next piece closes
    // is one text running over its box's edge (`国庫補助金等特別積立金（整備時` + `分）`, a
    // statement's long label printed past its cell), not two cells' texts run together.
    // Only up to the closing bracket: an amount the text layer ran on after it
    // (`補助分）281,643,600`) is the next box's.
    let mut held: Vec<Vec<&WordChar>> = Vec::with_capacity(groups.len());
    let mut open = 0usize;
    for g in groups {
        let mut rest: Vec<&WordChar> = Vec::with_capacity(g.len());
        for ch in g {
            let before = open;
            match ch.text.as_str() {
                "(" | "（" => open += 1,
                ")" | "）" => open = open.saturating_sub(1),
                _ => {}
            }
            match held.last_mut() {
                Some(last) if before > 0 && rest.is_empty() => last.push(ch),
                _ => rest.push(ch),
            }
        }
        if !rest.is_empty() {
            held.push(rest);
        }
    }
    held.into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let x0 = g.first().map_or(w.bbox.x0, |c| c.x0);
            let x1 = g.last().map_or(w.bbox.x1, |c| c.x1);
            Word {
                text: g.iter().map(|c| c.text.as_str()).collect::<String>(),
                bbox: Rect::new(x0, w.bbox.top, x1, w.bbox.bottom),
                chars: g.into_iter().cloned().collect(),
                ..w.clone()
            }
        })
        .filter(|w| !w.text.trim().is_empty())
        .collect()
}

/// A cell spanning columns whose words sit in two or more of those columns, none
/// straddling a column edge nor running on across one, is not one cell (a ruled header over an unruled body): it is
/// split into one cell per column.
pub(crate) fn split_filled_spans(st: &mut Structure, words: &[&Word], s: &TableSettings) {
    let mut out = Vec::with_capacity(st.spans.len());
    for sp in &st.spans {
        if sp.colspan < 2 {
            out.push(*sp);
            continue;
        }
        let Some(rect) = st.span_rect(sp) else {
            out.push(*sp);
            continue;
        };
        let inner: Vec<f64> = st
            .col_edges
            .get(sp.col + 1..sp.col + sp.colspan)
            .map(|e| e.to_vec())
            .unwrap_or_default();
        let mine: Vec<&&Word> = words
            .iter()
            .filter(|w| rect.contains_point(w.bbox.cx(), w.bbox.cy()))
            .collect();
        // A `|` at an edge is the edge's own ruling read as text (OCR): not text of the cell.
        let text: Vec<&&Word> = mine
            .iter()
            .copied()
            .filter(|w| !w.text.chars().all(|c| "|｜!l1I[]()".contains(c)))
            .collect();
        let straddles = text.iter().any(|w| {
            inner
                .iter()
                .any(|&x| w.bbox.x0 < x - s.straddle_tol && w.bbox.x1 > x + s.straddle_tol)
        });
        // Text running on across an edge, cut into words right there (OCR words end where
        // Tesseract likes): two words of one line closer than half an em around the edge.
        let runs_across = text.iter().any(|a| {
            text.iter().any(|b| {
                let gap = b.bbox.x0 - a.bbox.x1;
                let em = a.size.max(b.size).max(1.0);
                a.bbox.overlap_y(&b.bbox) > 0.5 * a.bbox.height().min(b.bbox.height())
                    && (0.0..=0.5 * em).contains(&gap)
                    && inner.iter().any(|&x| {
                        a.bbox.x1 <= x + s.straddle_tol && b.bbox.x0 >= x - s.straddle_tol
                    })
            })
        });
        // Rule `letter_spaced_span`: one line of single characters spread over the span
        // (`給　　与　　費` over the 給与費 columns) is one word, a label of them all.
        let letter_spaced = text.len() >= 2
            && text
                .iter()
                .all(|w| super::cell_text::single_wide_char(&w.text))
            && text.iter().all(|a| {
                text.iter()
                    .all(|b| a.bbox.overlap_y(&b.bbox) > 0.5 * a.bbox.height().min(b.bbox.height()))
            });
        let straddles = straddles || runs_across || letter_spaced;
        let mut cols: Vec<usize> = text
            .iter()
            .map(|w| inner.iter().take_while(|&&x| w.bbox.cx() >= x).count())
            .collect();
        cols.sort_unstable();
        cols.dedup();
        if straddles || cols.len() < 2 {
            out.push(*sp);
            continue;
        }
        for c in sp.col..sp.col + sp.colspan {
            out.push(Span {
                row: sp.row,
                col: c,
                rowspan: sp.rowspan,
                colspan: 1,
            });
        }
    }
    out.sort_by_key(|sp| (sp.row, sp.col));
    st.spans = out;
}

/// Rule `one_label_line_per_row` (scanned pages; the caller decides): a text cell
/// spanning k rows, each of which holds a number in another column, that holds exactly k
/// label lines (two characters or more each, no number) is k cells, one line each, taken
/// in order. A scanned statement lists several accounts in one box whose dotted row rules
/// were lost, each label printed half a line above its amounts: the rows are found from
/// the numbers (rule `numbers_do_not_span_rows`), and the labels straddle those row edges,
/// so they cannot go to rows by their centres. Each line may sit off its row's centre by
/// at most `label_line_max_shift` of the row's height. A line closer to the one above than
/// `label_wrap_max_pitch` of a row's height continues it (a label wrapped in its box:
/// `障害福祉サービス等事業収` / `益`). A mark alone in the box (a speck read as `－`) is
/// no label line, and is dropped when the box is split.
///
/// Returns the region's words with the moved lines re-centred on their rows, or `None`
/// when no cell was split.
pub(crate) fn labels_in_order(
    st: &mut Structure,
    words: &[&Word],
    s: &TableSettings,
) -> Option<Vec<Word>> {
    let row_of = |y: f64| {
        (y > *st.row_edges.first()? && y < *st.row_edges.last()?)
            .then(|| interval(&st.row_edges, y))
    };
    // Per word: `Some(dy)` to move it, `None` to drop it.
    let mut fate: Vec<Option<f64>> = vec![Some(0.0); words.len()];
    let mut spans = Vec::with_capacity(st.spans.len());
    let mut split_any = false;
    for sp in &st.spans {
        let split = (|| {
            if sp.rowspan < 2 {
                return None;
            }
            let rect = st.span_rect(sp)?;
            let inside: Vec<usize> = (0..words.len())
                .filter(|&i| rect.contains_point(words[i].bbox.cx(), words[i].bbox.cy()))
                .collect();
            let (mine, marks): (Vec<usize>, Vec<usize>) = inside
                .into_iter()
                .partition(|&i| !super::cell_text::only_marks(&words[i].text));
            if mine.iter().any(|&i| figure_chars_only(&words[i].text)) {
                return None;
            }
            let refs: Vec<&Word> = mine.iter().map(|&i| words[i]).collect();
            let row_h = rect.height() / sp.rowspan as f64;
            // Lines, a wrapped line joined to the one it continues: closer to the label's
            // first line than a row's pitch allows (the next label is a whole row below
            // the first line, however far below its wrapped part).
            let mut lines: Vec<Vec<&Word>> = Vec::new();
            for line in super::cell_text::group_lines(&refs, s.line_overlap, s.line_lookback) {
                let cy = |l: &[&Word]| l.iter().map(|w| w.bbox.cy()).sum::<f64>() / l.len() as f64;
                match lines.last_mut() {
                    Some(prev)
                        if cy(&line)
                            - prev.iter().map(|w| w.bbox.cy()).fold(f64::MAX, f64::min)
                            < s.label_wrap_max_pitch * row_h =>
                    {
                        prev.extend(line)
                    }
                    _ => lines.push(line),
                }
            }
            if lines.len() != sp.rowspan {
                return None;
            }
            let mut moves: Vec<(usize, Option<f64>)> = marks.iter().map(|&i| (i, None)).collect();
            for (k, line) in lines.iter().enumerate() {
                let r = sp.row + k;
                let (top, bottom) = (*st.row_edges.get(r)?, *st.row_edges.get(r + 1)?);
                let chars: usize = line
                    .iter()
                    .map(|w| w.text.chars().filter(|c| !c.is_whitespace()).count())
                    .sum();
                let numbered = words.iter().any(|w| {
                    (w.bbox.cx() < rect.x0 || w.bbox.cx() > rect.x1)
                        && row_of(w.bbox.cy()) == Some(r)
                        && figure_chars_only(&w.text)
                });
                let (lo, hi) = line.iter().fold((f64::MAX, f64::MIN), |(lo, hi), w| {
                    (lo.min(w.bbox.top), hi.max(w.bbox.bottom))
                });
                let dy = (top + bottom - lo - hi) / 2.0;
                if chars < 2 || !numbered || dy.abs() > s.label_line_max_shift * (bottom - top) {
                    return None;
                }
                // Back from the line's words to their indices among the region's.
                moves.extend(line.iter().filter_map(|w| {
                    mine.iter()
                        .find(|&&i| std::ptr::eq(words[i], *w))
                        .map(|&i| (i, Some(dy)))
                }));
            }
            Some(moves)
        })();
        match split {
            Some(moves) => {
                for (i, f) in moves {
                    if let Some(d) = fate.get_mut(i) {
                        *d = f;
                    }
                }
                spans.extend((sp.row..sp.row + sp.rowspan).map(|row| Span {
                    row,
                    rowspan: 1,
                    ..*sp
                }));
                split_any = true;
            }
            None => spans.push(*sp),
        }
    }
    if !split_any {
        return None;
    }
    spans.sort_by_key(|sp| (sp.row, sp.col));
    st.spans = spans;
    Some(
        words
            .iter()
            .zip(&fate)
            .filter_map(|(w, f)| {
                let dy = (*f)?;
                let mut w = (*w).clone();
                w.bbox = Rect::new(w.bbox.x0, w.bbox.top + dy, w.bbox.x1, w.bbox.bottom + dy);
                Some(w)
            })
            .collect(),
    )
}

/// How [`build_grid`] makes cells.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cells {
    /// Cells are ruled: a cell's right edge is its wrap width.
    pub ruled: bool,
    /// Keep columns without text (a one-row ruled grid's empty boxes are columns).
    pub keep_columns: bool,
}

/// Fills a structure with the words whose centre lies in it and builds the grid.
/// `right_edges`: use a cell's right edge as its wrap width (lattice cells are ruled).
pub(crate) fn build_grid(
    page: usize,
    mode: Strategy,
    st: &Structure,
    words: &[&Word],
    cells_of: Cells,
    s: &TableSettings,
    diagnostics: Vec<crate::diagnostic::Diagnostic>,
) -> Option<Grid> {
    let nr = st.row_edges.len().checked_sub(1)?;
    let nc = st.col_edges.len().checked_sub(1)?;
    if nr == 0 || nc == 0 {
        return None;
    }
    // Slot -> span index.
    let mut owner = vec![usize::MAX; nr * nc];
    for (i, sp) in st.spans.iter().enumerate() {
        for r in sp.row..(sp.row + sp.rowspan).min(nr) {
            for c in sp.col..(sp.col + sp.colspan).min(nc) {
                if let Some(o) = owner.get_mut(r * nc + c) {
                    if *o == usize::MAX {
                        *o = i;
                    }
                }
            }
        }
    }
    let (top, bottom) = (st.row_edges[0], st.row_edges[nr]);
    let (left, right) = (st.col_edges[0], st.col_edges[nc]);
    // Rule `ruled_edge_splits_words`: in a ruled grid, a word running across an edge
    // between two different cells of its row is two words (characters of a vertical
    // label `経/常` set on the same lines as `収/入` in the next ruled column were run
    // together into `経収`).
    // Only the words that are cut are copied, in their place among the others.
    let pieces: Vec<std::borrow::Cow<'_, Word>> = words
        .iter()
        .flat_map(|&w| {
            let r = interval(&st.row_edges, w.bbox.cy());
            let cuts: Vec<f64> = (1..nc)
                .filter(|&k| {
                    let x = st.col_edges[k];
                    let differ = owner.get(r * nc + k - 1) != owner.get(r * nc + k);
                    cells_of.ruled
                        && differ
                        && w.bbox.x0 < x - s.straddle_tol
                        && w.bbox.x1 > x + s.straddle_tol
                })
                .map(|k| st.col_edges[k])
                .collect();
            if cuts.is_empty() {
                vec![std::borrow::Cow::Borrowed(w)]
            } else {
                split_word_at(w, &cuts)
                    .into_iter()
                    .map(std::borrow::Cow::Owned)
                    .collect()
            }
        })
        .collect();
    let words: Vec<&Word> = pieces.iter().map(|w| w.as_ref()).collect();
    let mut members: Vec<Vec<&Word>> = vec![Vec::new(); st.spans.len()];
    for w in &words {
        let (cx, cy) = (w.bbox.cx(), w.bbox.cy());
        if cx < left || cx > right || cy < top || cy > bottom {
            continue;
        }
        let (r, c) = (interval(&st.row_edges, cy), interval(&st.col_edges, cx));
        if let Some(&o) = owner.get(r * nc + c) {
            if let Some(m) = members.get_mut(o) {
                m.push(w);
            }
        }
    }
    let texts: Vec<String> = st
        .spans
        .iter()
        .zip(&members)
        .map(|(sp, m)| {
            if m.is_empty() {
                return String::new();
            }
            let r = if cells_of.ruled {
                st.span_rect(sp).map(|r| r.x1)
            } else {
                None
            };
            super::cell_text::long_vowel_marks(cell_text(m, r, s))
        })
        .collect();
    // Rows / columns with text starting in them are kept (every column with
    // `keep_columns`).
    let mut keep_r = vec![false; nr];
    let mut keep_c = vec![cells_of.keep_columns; nc];
    for (sp, t) in st.spans.iter().zip(&texts) {
        if !t.is_empty() {
            if let Some(k) = keep_r.get_mut(sp.row) {
                *k = true;
            }
            if let Some(k) = keep_c.get_mut(sp.col) {
                *k = true;
            }
        }
    }
    if !keep_r.iter().any(|&k| k) {
        return None;
    }
    let new_r = remap(&keep_r);
    let new_c = remap(&keep_c);
    let row_edges = kept_edges(&st.row_edges, &keep_r);
    let col_edges = kept_edges(&st.col_edges, &keep_c);
    let mut cells = Vec::new();
    for ((sp, t), m) in st.spans.iter().zip(texts).zip(&members) {
        let rows: Vec<usize> = (sp.row..(sp.row + sp.rowspan).min(nr))
            .filter_map(|r| new_r.get(r).copied().flatten())
            .collect();
        let cols: Vec<usize> = (sp.col..(sp.col + sp.colspan).min(nc))
            .filter_map(|c| new_c.get(c).copied().flatten())
            .collect();
        let (Some(&row), Some(&col)) = (rows.first(), cols.first()) else {
            continue;
        };
        let bbox = st.span_rect(sp).unwrap_or_default();
        let chars: usize = m.iter().map(|w| w.chars.len().max(1)).sum();
        let bold_chars: usize = m
            .iter()
            .filter(|w| w.bold)
            .map(|w| w.chars.len().max(1))
            .sum();
        let size = if m.is_empty() {
            0.0
        } else {
            m.iter().map(|w| w.size).sum::<f64>() / m.len() as f64
        };
        cells.push(Cell {
            row,
            col,
            rowspan: rows.len(),
            colspan: cols.len(),
            bbox,
            text: t,
            bold: chars > 0 && 2 * bold_chars > chars,
            size,
        });
    }
    cells.sort_by_key(|c| (c.row, c.col));
    let bbox = Rect::new(left, top, right, bottom);
    Some(Grid {
        page,
        bbox,
        mode,
        row_edges,
        col_edges,
        cells,
        diagnostics,
        side_label: None,
    })
}

/// Old index -> new index for kept slots.
fn remap(keep: &[bool]) -> Vec<Option<usize>> {
    let mut n = 0;
    keep.iter()
        .map(|&k| {
            if k {
                n += 1;
                Some(n - 1)
            } else {
                None
            }
        })
        .collect()
}

/// Edges of the kept slots: a dropped slot's extent goes to the kept slot before it (the
/// first kept slot reaches back to the table's start).
fn kept_edges(edges: &[f64], keep: &[bool]) -> Vec<f64> {
    let mut out = Vec::new();
    let first = keep.iter().position(|&k| k);
    for (i, &k) in keep.iter().enumerate() {
        if k {
            let e = if Some(i) == first {
                edges.first()
            } else {
                edges.get(i)
            };
            if let Some(&e) = e {
                out.push(e);
            }
        }
    }
    if let Some(&last) = edges.last() {
        out.push(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::w;
    use super::*;

    /// The grid of a ruled structure over words, default settings.
    fn ruled_grid(st: &Structure, words: &[&Word]) -> Grid {
        build_grid(
            1,
            Strategy::Lattice,
            st,
            words,
            Cells {
                ruled: true,
                keep_columns: false,
            },
            &TableSettings::default(),
            vec![],
        )
        .expect("grid")
    }

    #[test]
    fn label_lines_straddling_row_edges_go_to_rows_in_order() {
        let s = TableSettings::default();
        // Rows 0-20, 20-40, 40-60 found from the amounts; one label box spans them, each
        // label half a line above its amount, a speck read as `－` in the box.
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0, 60.0], vec![0.0, 100.0, 200.0]);
        st.spans.retain(|sp| sp.col != 0);
        st.spans.push(Span {
            row: 0,
            col: 0,
            rowspan: 3,
            colspan: 1,
        });
        let words = [
            w("介護報酬収益", 5.0, -1.0),
            w("介護予防報酬収益", 5.0, 14.0),
            w("－", 2.0, 25.0),
            w("利用者負担金収益", 5.0, 34.0),
            w("90,563,083", 120.0, 5.0),
            w("508,477", 120.0, 25.0),
            w("10,358,310", 120.0, 45.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        // By their centres (4, 19, 39) the first two labels would share row 0 and row 2
        // would have none; in order, each row gets one.
        let moved = labels_in_order(&mut st, &refs, &s).expect("split");
        assert_eq!(moved.len(), words.len() - 1, "the speck is dropped");
        let mrefs: Vec<&Word> = moved.iter().collect();
        let g = build_grid(
            1,
            Strategy::Lattice,
            &st,
            &mrefs,
            Cells {
                ruled: true,
                keep_columns: false,
            },
            &s,
            Vec::new(),
        )
        .expect("grid");
        let col0: Vec<&str> = g
            .cells
            .iter()
            .filter(|c| c.col == 0)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(
            col0,
            ["介護報酬収益", "介護予防報酬収益", "利用者負担金収益"]
        );

        // Two lines for three rows: left as one cell.
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0, 60.0], vec![0.0, 100.0, 200.0]);
        st.spans.retain(|sp| sp.col != 0);
        st.spans.push(Span {
            row: 0,
            col: 0,
            rowspan: 3,
            colspan: 1,
        });
        let two: Vec<&Word> = refs
            .iter()
            .copied()
            .filter(|w| w.text != "介護予防報酬収益")
            .collect();
        assert!(labels_in_order(&mut st, &two, &s).is_none());
        // A vertical label of one character a line is no list of labels.
        let vertical = [
            w("収", 5.0, 5.0),
            w("入", 5.0, 25.0),
            w("出", 5.0, 45.0),
            w("1", 120.0, 5.0),
            w("2", 120.0, 25.0),
            w("3", 120.0, 45.0),
        ];
        let vrefs: Vec<&Word> = vertical.iter().collect();
        assert!(labels_in_order(&mut st, &vrefs, &s).is_none());

        // A label wrapped in the box (`障害福祉サービス等事業収` / `益`) is one line; the
        // next label, a row below its first line, is the next row's.
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0, 60.0], vec![0.0, 100.0, 200.0]);
        st.spans.retain(|sp| sp.col != 0);
        st.spans.push(Span {
            row: 0,
            col: 0,
            rowspan: 3,
            colspan: 1,
        });
        let wrapped = [
            w("障害福祉事業収", 5.0, 2.0),
            w("益", 5.0, 12.0),
            w("自立支援収益", 5.0, 22.0),
            w("特例給付収益", 5.0, 42.0),
            w("355,980", 120.0, 5.0),
            w("355,980", 120.0, 25.0),
            w("355,980", 120.0, 45.0),
        ];
        let wrefs: Vec<&Word> = wrapped.iter().collect();
        let moved = labels_in_order(&mut st, &wrefs, &s).expect("split");
        let mrefs: Vec<&Word> = moved.iter().collect();
        let g = build_grid(
            1,
            Strategy::Lattice,
            &st,
            &mrefs,
            Cells {
                ruled: true,
                keep_columns: false,
            },
            &s,
            Vec::new(),
        )
        .expect("grid");
        let col0: Vec<&str> = g
            .cells
            .iter()
            .filter(|c| c.col == 0)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(col0, ["障害福祉事業収益", "自立支援収益", "特例給付収益"]);
    }

    #[test]
    fn words_fill_cells_and_empty_rows_columns_drop() {
        // 3 x 3 slots; the middle row and the last column hold nothing.
        let st = Structure::plain(vec![0.0, 20.0, 40.0, 60.0], vec![0.0, 50.0, 100.0, 150.0]);
        let words = [
            w("a", 5.0, 5.0),
            w("b", 55.0, 5.0),
            w("c", 5.0, 45.0),
            w("d", 60.0, 45.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let g = build_grid(
            1,
            Strategy::Stream,
            &st,
            &refs,
            Cells {
                ruled: false,
                keep_columns: false,
            },
            &TableSettings::default(),
            vec![],
        )
        .expect("grid");
        assert_eq!(g.text_matrix(), vec![vec!["a", "b"], vec!["c", "d"]]);
        assert_eq!(g.row_edges, vec![0.0, 40.0, 60.0]);
        assert_eq!(g.col_edges, vec![0.0, 50.0, 150.0]);
    }

    #[test]
    fn spans_shrink_over_dropped_rows() {
        // A cell spanning rows 0-1 in column 0; row 1 is otherwise empty.
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0, 60.0], vec![0.0, 50.0, 100.0]);
        st.spans = vec![
            Span {
                row: 0,
                col: 0,
                rowspan: 2,
                colspan: 1,
            },
            Span {
                row: 0,
                col: 1,
                rowspan: 1,
                colspan: 1,
            },
            Span {
                row: 1,
                col: 1,
                rowspan: 1,
                colspan: 1,
            },
            Span {
                row: 2,
                col: 0,
                rowspan: 1,
                colspan: 1,
            },
            Span {
                row: 2,
                col: 1,
                rowspan: 1,
                colspan: 1,
            },
        ];
        let words = [
            w("区分", 5.0, 15.0),
            w("x", 55.0, 5.0),
            w("y", 5.0, 45.0),
            w("z", 55.0, 45.0),
        ];
        let refs: Vec<&Word> = words.iter().collect();
        let g = ruled_grid(&st, &refs);
        assert_eq!(g.n_rows(), 2);
        assert_eq!(g.cells[0].rowspan, 1);
        assert_eq!(g.text_matrix(), vec![vec!["区分", "x"], vec!["y", "z"]]);
    }

    #[test]
    fn spans_holding_several_columns_of_words_are_split() {
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0], vec![0.0, 50.0, 100.0]);
        st.spans = vec![
            Span {
                row: 0,
                col: 0,
                rowspan: 1,
                colspan: 2,
            },
            Span {
                row: 1,
                col: 0,
                rowspan: 1,
                colspan: 2,
            },
        ];
        // Row 0: one centred header (kept spanning); row 1: a word in each column (split).
        let words = [w("人口", 40.0, 5.0), w("a", 5.0, 25.0), w("b", 55.0, 25.0)];
        let refs: Vec<&Word> = words.iter().collect();
        split_filled_spans(&mut st, &refs, &TableSettings::default());
        assert_eq!(st.spans.len(), 3);
        assert_eq!(st.spans[0].colspan, 2);
    }

    #[test]
    fn text_running_on_across_an_edge_keeps_its_span() {
        // A section heading OCR'd as two words that meet right at the column edge (50):
        // one heading, not two cells. A `|` at the edge is its ruling read as text.
        let span = |row| Span {
            row,
            col: 0,
            rowspan: 1,
            colspan: 2,
        };
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0], vec![0.0, 50.0, 100.0]);
        st.spans = vec![span(0), span(1)];
        let words = [
            w("情報公開", 8.0, 5.0), // 8..48
            w("責任", 50.5, 5.0),    // 50.5..70.5: 2.5 pt after, across the edge
            w("課題", 10.0, 25.0),   // 10..30
            w("|", 48.0, 25.0),      // the edge's ruling
            w("取組", 52.0, 25.0),   // 52..72
        ];
        let refs: Vec<&Word> = words.iter().collect();
        split_filled_spans(&mut st, &refs, &TableSettings::default());
        assert_eq!(
            st.spans[0].colspan, 2,
            "the heading keeps its span: {:?}",
            st.spans
        );
        assert_eq!(st.spans.len(), 3, "the header row is split: {:?}", st.spans);
    }

    #[test]
    fn a_word_across_a_ruled_edge_between_two_cells_is_split() {
        // Two ruled columns; `経収` was run together from 経 (column 0) and 収 (column 1).
        let st = Structure::plain(vec![0.0, 20.0], vec![0.0, 50.0, 100.0]);
        let words = [w("経収", 40.0, 5.0)]; // 経 40..50, 収 50..60
        let refs: Vec<&Word> = words.iter().collect();
        let g = ruled_grid(&st, &refs);
        assert_eq!(g.text_matrix(), vec![vec!["経", "収"]]);
        // A cell spanning both columns keeps the word whole.
        let mut st2 = st.clone();
        st2.spans = vec![Span {
            row: 0,
            col: 0,
            rowspan: 1,
            colspan: 2,
        }];
        let g = ruled_grid(&st2, &refs);
        assert_eq!(g.text_matrix(), vec![vec!["経収"]]);
    }

    #[test]
    fn a_label_run_over_its_box_keeps_its_bracket_whole() {
        // `基金（整備時分）`: the label runs past the ruled edge at 60 into the amount box.
        let st = Structure::plain(vec![0.0, 20.0], vec![0.0, 60.0, 130.0]);
        let words = [w("基金（整備時分）", 10.0, 5.0), w("522", 110.0, 5.0)];
        let run_on = [w("基金（整備時分）281", 10.0, 5.0)];
        let refs: Vec<&Word> = words.iter().collect();
        let g = ruled_grid(&st, &refs);
        assert_eq!(g.text_matrix(), vec![vec!["基金（整備時分）", "522"]]);
        // An amount run on after the bracket is the next box's.
        let refs: Vec<&Word> = run_on.iter().collect();
        let g = ruled_grid(&st, &refs);
        assert_eq!(g.text_matrix(), vec![vec!["基金（整備時分）", "281"]]);
    }

    #[test]
    fn a_letter_spaced_label_keeps_its_span() {
        // `給　与　費` spread over a cell spanning three columns: one label.
        let mut st = Structure::plain(vec![0.0, 20.0, 40.0], vec![0.0, 50.0, 100.0, 150.0]);
        st.spans = vec![
            Span {
                row: 0,
                col: 0,
                rowspan: 1,
                colspan: 3,
            },
            Span {
                row: 1,
                col: 0,
                rowspan: 1,
                colspan: 1,
            },
            Span {
                row: 1,
                col: 1,
                rowspan: 1,
                colspan: 1,
            },
            Span {
                row: 1,
                col: 2,
                rowspan: 1,
                colspan: 1,
            },
        ];
        let words = [w("給", 20.0, 5.0), w("与", 70.0, 5.0), w("費", 120.0, 5.0)];
        let refs: Vec<&Word> = words.iter().collect();
        split_filled_spans(&mut st, &refs, &TableSettings::default());
        assert_eq!(st.spans[0].colspan, 3, "{:?}", st.spans);
    }

    #[test]
    fn split_word_at_char_boundary() {
        let wd = w("abcd", 0.0, 0.0); // chars 5 pt wide: 0-5, 5-10, 10-15, 15-20
        let parts = split_word_at(&wd, &[9.0]);
        let t: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(t, ["ab", "cd"]);
        assert_eq!(parts[1].bbox.x0, 10.0);
        assert_eq!(split_word_at(&wd, &[30.0]).len(), 1);
    }

    #[test]
    fn interval_clamps() {
        let e = [0.0, 10.0, 20.0];
        assert_eq!(interval(&e, -5.0), 0);
        assert_eq!(interval(&e, 15.0), 1);
        assert_eq!(interval(&e, 25.0), 1);
    }
}
