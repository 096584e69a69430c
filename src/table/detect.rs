//! Finding unruled table regions on a page (ruled ones come from `lattice::ruled_regions`).
//!
//! A region is a run of text lines in which most lines hold two or more segments
//! (phrases separated by column-sized gaps), with at most `region_max_plain_run`
//! single-segment lines in a row between them (section rows, wrapped cells) and no
//! vertical gap over `region_max_gap_em`. A run is kept when its segments align into at
//! least one column gap (`stream::separators`) with at least `region_min_rows` lines
//! having text on both sides of a gap, and it does not read like prose set in two columns
//! or a bulleted list (`region_max_words_per_segment`). Single-segment lines right below
//! a region that fit inside one of its columns (a wrapped last cell) are included.
//! Lines just above a region that overlap its first line (`interleave_min_overlap`) and
//! fit its columns (the first line of a two-line header cell) are included.
//! Titles, page numbers and body text are single-segment lines and stay outside.

use crate::geom::Rect;
use crate::layout::Word;

use super::settings::TableSettings;
use super::stream::{lines_of, segments, separators, straddles_inferred, Line, Segment};

/// Bounding boxes of the unruled tables among `words`, top to bottom.
pub(crate) fn unruled_regions(words: &[&Word], s: &TableSettings) -> Vec<Rect> {
    let lines = lines_of(words, s);
    let segs: Vec<Vec<Segment>> = lines.iter().map(|l| segments(l, s)).collect();
    let tabular: Vec<bool> = segs.iter().map(|g| g.len() >= 2).collect();
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut plain_run = 0;
    for (i, line) in lines.iter().enumerate() {
        if let Some(&last) = cur.last() {
            let prev: &Line<'_> = &lines[last];
            if line.bbox.top - prev.bbox.bottom > s.region_max_gap_em * line.size.max(prev.size) {
                blocks.push(std::mem::take(&mut cur));
                plain_run = 0;
            }
        }
        if tabular[i] {
            cur.push(i);
            plain_run = 0;
        } else if !cur.is_empty() && plain_run < s.region_max_plain_run {
            cur.push(i);
            plain_run += 1;
        } else if !cur.is_empty() {
            blocks.push(std::mem::take(&mut cur));
            plain_run = 0;
        }
    }
    blocks.push(cur);
    let mut out = Vec::new();
    for mut b in blocks {
        while b.last().is_some_and(|&i| !tabular[i]) {
            b.pop();
        }
        let mut parts = Vec::new();
        refine(&b, &lines, s, 0, &mut parts);
        for (mut b, seps) in parts {
            // A header cell set on two lines centred beside one-line cells: its first line
            // sits just above the run, overlapping the run's first line.
            while let Some(&first) = b.first() {
                let (Some(above), Some(top)) = (
                    first.checked_sub(1).and_then(|i| lines.get(i)),
                    lines.get(first),
                ) else {
                    break;
                };
                let h = above.bbox.height().min(top.bbox.height()).max(0.1);
                let overlaps = above.bbox.overlap_y(&top.bbox) >= s.interleave_min_overlap * h;
                let straddles = above.words.iter().any(|w| {
                    seps.iter()
                        .any(|&x| straddles_inferred(w.bbox.x0, w.bbox.x1, x, s))
                });
                if overlaps && !straddles {
                    b.insert(0, first - 1);
                } else {
                    break;
                }
            }
            // A wrapped last cell: plain lines just below that fit inside one column.
            let block: Vec<Line<'_>> = b.iter().filter_map(|&i| lines.get(i).cloned()).collect();
            let mut last = *b.last().unwrap_or(&0);
            while let (Some(next), Some(prev)) = (lines.get(last + 1), lines.get(last)) {
                let close = next.bbox.top - prev.bbox.bottom
                    <= s.continuation_max_gap_em * next.size.max(prev.size);
                let inside = seps.iter().all(|&x| next.bbox.x1 <= x || next.bbox.x0 >= x);
                let within = next.bbox.x0 >= block_x0(&block) - 1.0;
                if close && inside && within && segs.get(last + 1).is_some_and(|g| g.len() == 1) {
                    b.push(last + 1);
                    last += 1;
                } else {
                    break;
                }
            }
            let rect = b
                .iter()
                .filter_map(|&i| lines.get(i))
                .map(|l| l.bbox)
                .reduce(|a, r| a.union(&r));
            if let Some(r) = rect {
                out.push(r);
            }
        }
    }
    out
}

/// Number of columns (between `seps`) a line has words in.
fn n_columns(l: &Line<'_>, seps: &[f64]) -> usize {
    let mut cols: Vec<usize> = l
        .words
        .iter()
        .map(|w| seps.iter().take_while(|&&x| w.bbox.cx() >= x).count())
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols.len()
}

/// Rule `breaker`: a caption, note or prose line inside a run: one of its segments starts
/// at the table's left edge (`breaker_left_em`) and runs across a column gap, and is long
/// (`breaker_min_width` of the run's width) or crosses two gaps.
fn is_breaker(l: &Line<'_>, seps: &[f64], left: f64, width: f64, s: &TableSettings) -> bool {
    segments(l, s).iter().any(|g| {
        let crossed = seps
            .iter()
            .filter(|&&x| g.x0 < x - s.straddle_tol && g.x1 > x + s.straddle_tol)
            .count();
        crossed > 0
            && g.x0 <= left + s.breaker_left_em * l.size
            && (crossed >= 2 || g.x1 - g.x0 >= s.breaker_min_width * width)
    })
}

/// Validates a run of lines as a table: trims leading and trailing lines with text in a
/// single column, splits at breaker lines, and checks the column evidence. Accepted runs
/// (line indices and their separators) go to `out`.
fn refine(
    idx: &[usize],
    lines: &[Line<'_>],
    s: &TableSettings,
    depth: usize,
    out: &mut Vec<(Vec<usize>, Vec<f64>)>,
) {
    let mut idx: Vec<usize> = idx.to_vec();
    for _ in 0..4 {
        let block: Vec<Line<'_>> = idx.iter().filter_map(|&i| lines.get(i).cloned()).collect();
        let seps = separators(&block, s);
        if seps.is_empty() {
            return;
        }
        let multi: Vec<bool> = block.iter().map(|l| n_columns(l, &seps) >= 2).collect();
        let left = block
            .iter()
            .zip(&multi)
            .filter(|(_, &m)| m)
            .map(|(l, _)| l.bbox.x0)
            .fold(f64::INFINITY, f64::min);
        let right = block
            .iter()
            .map(|l| l.bbox.x1)
            .fold(f64::NEG_INFINITY, f64::max);
        let breakers: Vec<bool> = block
            .iter()
            .map(|l| is_breaker(l, &seps, left, right - left, s))
            .collect();
        if depth < s.breaker_max_depth && breakers.iter().any(|&b| b) {
            let mut part = Vec::new();
            for (k, &i) in idx.iter().enumerate() {
                if breakers[k] {
                    if !part.is_empty() {
                        refine(&part, lines, s, depth + 1, out);
                    }
                    part.clear();
                } else {
                    part.push(i);
                }
            }
            if !part.is_empty() {
                refine(&part, lines, s, depth + 1, out);
            }
            return;
        }
        let first = multi.iter().position(|&m| m);
        let last = multi.iter().rposition(|&m| m);
        let (Some(a), Some(b)) = (first, last) else {
            return;
        };
        if a > 0 || b + 1 < idx.len() {
            idx = idx[a..=b].to_vec();
            continue;
        }
        let n_multi = multi.iter().filter(|&&m| m).count();
        if n_multi < s.region_min_rows.max(1) || reads_like_prose(&block, &seps, s) {
            return;
        }
        out.push((idx, seps));
        return;
    }
}

fn block_x0(block: &[Line<'_>]) -> f64 {
    block
        .iter()
        .map(|l| l.bbox.x0)
        .fold(f64::INFINITY, f64::min)
}

/// Two columns of which one holds long runs of words: prose beside a margin column, a
/// bulleted or numbered list, or a two-column page layout.
fn reads_like_prose(block: &[Line<'_>], seps: &[f64], s: &TableSettings) -> bool {
    if seps.len() >= 2 {
        return false;
    }
    // Names beside their values (a price list, a label and an amount per line) are a
    // table however long the names: the right column holds a short number on most lines.
    let value_lines = block
        .iter()
        .filter(|l| {
            let right: Vec<&&Word> = l
                .words
                .iter()
                .filter(|w| seps.first().is_some_and(|&x| w.bbox.cx() >= x))
                .collect();
            !right.is_empty()
                && right.len() <= 3
                && right
                    .iter()
                    .any(|w| w.text.chars().any(|c| c.is_ascii_digit()))
        })
        .count();
    let right_lines = block
        .iter()
        .filter(|l| {
            l.words
                .iter()
                .any(|w| seps.first().is_some_and(|&x| w.bbox.cx() >= x))
        })
        .count();
    if right_lines >= s.value_column_min_lines
        && value_lines as f64 >= s.value_column_min_share * right_lines as f64
    {
        return false;
    }
    let mut words = [0usize; 2];
    let mut cells = [0usize; 2];
    for l in block {
        let mut seen = [false; 2];
        for w in &l.words {
            let c = usize::from(seps.first().is_some_and(|&x| w.bbox.cx() >= x));
            // Count Latin words; a run of Japanese text counts one word per
            // `cjk_chars_per_word` characters.
            let n = w
                .text
                .split_whitespace()
                .count()
                .max(w.text.chars().count() / s.cjk_chars_per_word.max(1))
                .max(1);
            words[c] += n;
            seen[c] = true;
        }
        for c in 0..2 {
            cells[c] += usize::from(seen[c]);
        }
    }
    (0..2)
        .any(|c| cells[c] > 0 && words[c] as f64 / cells[c] as f64 > s.region_max_words_per_segment)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::w;
    use super::*;

    fn regions(words: &[Word]) -> Vec<Rect> {
        let refs: Vec<&Word> = words.iter().collect();
        unruled_regions(&refs, &TableSettings::default())
    }

    fn table_at(top: f64, rows: usize) -> Vec<Word> {
        let mut v = Vec::new();
        for r in 0..rows {
            let y = top + 12.0 * r as f64;
            v.push(w("項目", 0.0, y));
            v.push(w("123", 100.0, y));
            v.push(w("45", 160.0, y));
        }
        v
    }

    #[test]
    fn table_below_title_and_prose() {
        let mut words = vec![w("第1表 歳入の状況について説明する文です", 0.0, 0.0)];
        words.push(w("本文の段落はここに続きますが表ではありません", 0.0, 14.0));
        words.extend(table_at(40.0, 4));
        words.push(w("- 1 -", 90.0, 300.0));
        let r = regions(&words);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].top, 40.0);
        assert_eq!(r[0].bottom, 86.0);
    }

    #[test]
    fn long_names_beside_prices_are_a_table_prose_beside_labels_is_not() {
        // A wine list: long names, a price on every line.
        let mut words = Vec::new();
        for i in 0..5 {
            let y = 12.0 * i as f64;
            words.push(w(
                "Domaine de la Guicharde Autour de la chapelle 2016",
                0.0,
                y,
            ));
            words.push(w("8 €", 400.0, y));
        }
        assert_eq!(regions(&words).len(), 1, "a price list");
        // A margin label beside running text: no value column.
        let mut words = Vec::new();
        for i in 0..5 {
            let y = 12.0 * i as f64;
            words.push(w(if i == 0 { "Note" } else { "" }, 0.0, y));
            words.push(w(
                "the quick brown fox jumps over the lazy dog again and",
                80.0,
                y,
            ));
        }
        words.retain(|w| !w.text.is_empty());
        assert!(regions(&words).is_empty(), "prose beside a label");
    }

    #[test]
    fn two_tables_far_apart_are_two_regions() {
        let mut words = table_at(0.0, 3);
        words.extend(table_at(200.0, 3));
        assert_eq!(regions(&words).len(), 2);
    }

    #[test]
    fn caption_between_tables_splits_them() {
        let mut words = table_at(0.0, 3);
        words.push(crate::table::testutil::word(
            "表2 年齢別人口の状況",
            0.0,
            37.0,
            140.0,
            47.0,
        ));
        words.extend(table_at(50.0, 3));
        let r = regions(&words);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[1].top, 50.0);
    }

    #[test]
    fn heading_with_a_number_gap_is_trimmed() {
        // "2   事業別" has two segments but both in the first column.
        let mut words = vec![w("2", 0.0, 0.0), w("事業別", 15.0, 0.0)];
        words.extend(table_at(12.0, 3));
        let r = regions(&words);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].top, 12.0);
    }

    #[test]
    fn tiny_two_by_two_table_is_found() {
        let words = [
            w("男", 0.0, 0.0),
            w("10", 60.0, 0.0),
            w("女", 0.0, 12.0),
            w("12", 60.0, 12.0),
        ];
        assert_eq!(regions(&words).len(), 1);
    }

    #[test]
    fn bulleted_prose_is_not_a_table() {
        let mut words = Vec::new();
        for r in 0..4 {
            let y = 12.0 * r as f64;
            words.push(w("•", 0.0, y));
            words.push(crate::table::testutil::word(
                "this is a long sentence of list text here",
                20.0,
                y,
                220.0,
                y + 10.0,
            ));
        }
        assert!(regions(&words).is_empty());
    }

    #[test]
    fn header_line_overlapping_the_first_row_is_included() {
        // "予算額" is the first line of a two-line header cell in column 1, 3 pt above the
        // one-line headers; "123" sits below it.
        let mut words = vec![w("予算額", 100.0, -7.0)];
        words.extend(table_at(0.0, 3));
        let r = regions(&words);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].top, -7.0);
        // A title well above is not.
        let mut words = vec![w("予算額", 100.0, -14.0)];
        words.extend(table_at(0.0, 3));
        assert_eq!(regions(&words)[0].top, 0.0);
    }

    #[test]
    fn wrapped_last_cell_is_included() {
        let mut words = table_at(0.0, 3);
        words.push(w("続き", 0.0, 36.0));
        let r = regions(&words);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].bottom, 46.0);
    }
}
