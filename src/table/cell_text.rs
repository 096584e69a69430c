//! The words of one cell into its text.
//!
//! Words are grouped into lines (vertical overlap), each line read left to right. Words
//! on a line are joined with one space, except between two Japanese (wide) characters.
//! Lines of one paragraph are joined the same way; a line starts a new paragraph (`\n`)
//! when it begins with a bullet or enumerator (`・`, `(1)`, `（1）`, `①`, `【`, `○`, `●`,
//! `※`, `-`, …) or when the line before it ended well short of the text's right edge (its
//! first word would have fit there, so the break was deliberate) — unless it begins with
//! closing punctuation (`。`, `、`, `）`), which never starts a line in Japanese.

use crate::layout::Word;
use crate::text::chars::is_wide;
use crate::text::marks::starts_paragraph;

use super::settings::TableSettings;

/// Groups words into text lines (vertical overlap at least `overlap` of the smaller
/// height, with one of the `lookback` lines begun last), lines top to bottom, words in a
/// line left to right.
pub(crate) fn group_lines<'a>(
    words: &[&'a Word],
    overlap: f64,
    lookback: usize,
) -> Vec<Vec<&'a Word>> {
    let mut sorted: Vec<&Word> = words.to_vec();
    sorted.sort_by(|a, b| {
        a.bbox
            .cy()
            .total_cmp(&b.bbox.cy())
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    let mut lines: Vec<(crate::geom::Rect, Vec<&Word>)> = Vec::new();
    for w in sorted {
        let h = w.bbox.height().max(0.1);
        let mut target = None;
        for (i, (bbox, _)) in lines.iter().enumerate().rev().take(lookback) {
            let ov = w.bbox.overlap_y(bbox);
            if ov >= overlap * h.min(bbox.height().max(0.1)) {
                target = Some(i);
                break;
            }
        }
        match target {
            Some(i) => {
                if let Some((bbox, m)) = lines.get_mut(i) {
                    *bbox = bbox.union(&w.bbox);
                    m.push(w);
                }
            }
            None => lines.push((w.bbox, vec![w])),
        }
    }
    lines.sort_by(|a, b| a.0.top.total_cmp(&b.0.top));
    lines
        .into_iter()
        .map(|(_, mut m)| {
            m.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            m
        })
        .collect()
}

/// Rule `number_beside_lines`: an item number (one to three digits) set left of a label
/// wrapped over two lines or more, centred on them, comes first: it heads the label (a
/// budget's `2` beside `新型コロナウイルス感染症対策地方税減収補塡特別` / `交付金`), though
/// by its height it lies on the second line. Returns its index in `words`.
fn number_beside_lines(words: &[&Word], s: &TableSettings) -> Option<usize> {
    if words.len() < 3 {
        return None;
    }
    let is_number = |w: &Word| {
        let t = w.text.trim();
        (1..=3).contains(&t.chars().count()) && t.chars().all(crate::text::chars::is_digit)
    };
    let k = words.iter().position(|w| is_number(w))?;
    let number = words[k];
    let others: Vec<&Word> = words
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != k)
        .map(|(_, w)| *w)
        .collect();
    if others.iter().any(|w| w.bbox.x0 < number.bbox.x1) {
        return None;
    }
    let lines = group_lines(&others, s.line_overlap, s.line_lookback);
    if lines.len() < 2 {
        return None;
    }
    let cy = |l: &[&Word]| l.iter().map(|w| w.bbox.cy()).sum::<f64>() / l.len().max(1) as f64;
    let centres: Vec<f64> = lines.iter().map(|l| cy(l)).collect();
    // Between two lines it heads, nearer their middle than either line (a number on a line
    // of its own, `003` before its text under a `千円` at the top, is that line's).
    let c = number.bbox.cy();
    let between = centres.windows(2).any(|w| {
        let mid = (w[0] + w[1]) / 2.0;
        c > w[0] && c < w[1] && (c - mid).abs() < (w[1] - w[0]) / 4.0
    });
    between.then_some(k)
}

/// A word of marks alone, no letter or digit (`－`, `・`, `|`): a speck or a rule read as
/// text, or a dash, never a label or an amount.
pub(crate) fn only_marks(text: &str) -> bool {
    !text.chars().any(char::is_alphanumeric)
}

/// The separator between two pieces of text on one line or in one paragraph.
fn joiner(left: &str, right: &str) -> &'static str {
    match (left.chars().last(), right.chars().next()) {
        (Some(a), Some(b)) if is_wide(a) && is_wide(b) => "",
        (Some(_), Some(_)) => " ",
        _ => "",
    }
}

/// Text of one line of words.
fn line_text(line: &[&Word]) -> String {
    let mut s = String::new();
    for w in line {
        let j = joiner(&s, &w.text);
        s.push_str(j);
        s.push_str(&w.text);
    }
    s
}

/// "Would it have fit": whether `first`, the first word of a line, would have fit at
/// the end of the line above (which ends at `prev_end`) before `right`. Then the break
/// before it was deliberate — a new paragraph in a cell, a new row in a stream table —
/// not a wrap. What must fit is the first character for wide text (Japanese breaks
/// anywhere, with no space), the first word after a space (`fit_word_space_em`)
/// otherwise, with `fit_slack_em` to spare.
pub(crate) fn would_have_fit(prev_end: f64, first: &Word, right: f64, s: &TableSettings) -> bool {
    let em = first.size.max(1.0);
    let wide = first.text.chars().next().is_some_and(is_wide);
    let (space, unit) = match first.chars.first() {
        Some(c) if wide => (0.0, c.x1 - c.x0),
        _ if wide => (0.0, first.bbox.width()),
        _ => (s.fit_word_space_em * em, first.bbox.width()),
    };
    prev_end + space + unit <= right + s.fit_slack_em * em
}

/// The text of a cell from its words. `right` is the cell's right edge (the ruling of a
/// lattice cell); the text's own right extent is used when it reaches further.
/// A word of one wide (CJK) character: a piece of a letter-spaced Japanese label
/// (`説　　明`, `給　与　費`).
pub(crate) fn single_wide_char(text: &str) -> bool {
    let mut cs = text.trim().chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if is_wide(c))
}

/// Rule `stacked_long_vowel`: a label set vertically one character a line prints the
/// long vowel mark `ー` turned, as a vertical bar (`サ｜ビス`); read left to right,
/// a bar between two katakana is that mark.
pub(crate) fn long_vowel_marks(text: String) -> String {
    const BARS: [char; 4] = ['|', '｜', '︱', '│'];
    if !text.contains(BARS) {
        return text;
    }
    let kana = |c: Option<&char>| {
        c.is_some_and(|&c| {
            ('\u{30A1}'..='\u{30FA}').contains(&c) || ('\u{FF66}'..='\u{FF9D}').contains(&c)
        })
    };
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let bar = BARS.contains(&c);
            if bar && i > 0 && kana(chars.get(i - 1)) && kana(chars.get(i + 1)) {
                'ー'
            } else {
                c
            }
        })
        .collect()
}

pub(crate) fn cell_text(words: &[&Word], right: Option<f64>, s: &TableSettings) -> String {
    if let Some(k) = number_beside_lines(words, s) {
        let rest: Vec<&Word> = words
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != k)
            .map(|(_, w)| *w)
            .collect();
        let number = words[k].text.trim();
        let text = cell_text(&rest, right, s);
        return format!("{number}{}{text}", joiner(number, &text));
    }
    let lines = group_lines(words, s.line_overlap, s.line_lookback);
    let text_right = lines
        .iter()
        .filter_map(|l| l.last().map(|w| w.bbox.x1))
        .fold(f64::NEG_INFINITY, f64::max);
    // A lattice cell's ruling is a little beyond its text (padding): the text's extent is
    // the better estimate of where lines wrap, unless a single line is all we have.
    let right_edge = if lines.len() > 1 {
        text_right
    } else {
        right.unwrap_or(text_right).max(text_right)
    };
    let mut out = String::new();
    let mut prev: Option<&Vec<&Word>> = None;
    for line in &lines {
        let t = line_text(line);
        if let Some(p) = prev {
            let prev_end = p.last().map_or(0.0, |w| w.bbox.x1);
            let would_fit = line
                .first()
                .is_some_and(|w| would_have_fit(prev_end, w, right_edge, s));
            // A line never starts with closing punctuation (kinsoku): `。` alone on a line
            // ends the sentence above (an OCR'd line pushed over the cell's edge).
            let closes = t
                .chars()
                .next()
                .is_some_and(|c| "。、，．）」』】〕".contains(c));
            if !closes && (starts_paragraph(&t) || would_fit) {
                out.push('\n');
            } else {
                out.push_str(joiner(&out, &t));
            }
        }
        out.push_str(&t);
        prev = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_bar_between_katakana_is_the_long_vowel_mark() {
        assert_eq!(long_vowel_marks("サ｜ビス活動".into()), "サービス活動");
        assert_eq!(long_vowel_marks("A|B".into()), "A|B");
        assert_eq!(long_vowel_marks("収益｜計".into()), "収益｜計");
    }

    use super::super::testutil::{w, word};
    use super::*;

    fn text(words: &[crate::layout::Word]) -> String {
        let refs: Vec<&Word> = words.iter().collect();
        cell_text(&refs, None, &TableSettings::default())
    }

    #[test]
    fn an_item_number_centred_beside_a_wrapped_label_comes_first() {
        // `2` set at the left, half-way down the two lines of its label.
        let t = text(&[
            word("新型コロナ補塡特別", 20.0, 0.0, 110.0, 10.0),
            word("2", 5.0, 7.0, 10.0, 17.0),
            word("交付金", 20.0, 12.0, 50.0, 22.0),
        ]);
        assert_eq!(t, "2 新型コロナ補塡特別交付金");
        // On the first line's height it is just the line's first word; right of the text it
        // is no item number.
        let t = text(&[
            word("2", 5.0, 0.0, 10.0, 10.0),
            word("新型コロナ補塡特別", 20.0, 0.0, 110.0, 10.0),
            word("交付金", 20.0, 12.0, 50.0, 22.0),
        ]);
        assert_eq!(t, "2 新型コロナ補塡特別交付金");
        // A code on its own line, under a unit at the top, stays that line's.
        let t = text(&[
            word("千円", 100.0, 0.0, 120.0, 10.0),
            word("003", 5.0, 12.0, 20.0, 22.0),
            word("用地管理事業費", 25.0, 12.0, 95.0, 22.0),
            word("用地借上", 25.0, 24.0, 65.0, 34.0),
        ]);
        assert!(t.starts_with("千円"), "{t}");
        let t = text(&[
            word("保険料", 5.0, 0.0, 35.0, 10.0),
            word("12", 60.0, 7.0, 70.0, 17.0),
            word("他", 5.0, 12.0, 15.0, 22.0),
        ]);
        assert!(!t.starts_with("12"), "{t}");
    }

    #[test]
    fn japanese_joined_without_space_latin_with_one() {
        assert_eq!(
            text(&[w("歳入", 0.0, 0.0), w("合計", 30.0, 0.0)]),
            "歳入合計"
        );
        assert_eq!(
            text(&[w("Total", 0.0, 0.0), w("revenue", 30.0, 0.0)]),
            "Total revenue"
        );
        assert_eq!(
            text(&[w("人口", 0.0, 0.0), w("2020", 25.0, 0.0)]),
            "人口 2020"
        );
    }

    #[test]
    fn wrapped_paragraph_lines_are_joined() {
        // Line 1 fills the width (60 pt), line 2 is the paragraph's short end.
        let words = [w("区政改革の推", 0.0, 0.0), w("進", 0.0, 12.0)];
        assert_eq!(text(&words), "区政改革の推進");
        let latin = [
            word("expenditure on", 0.0, 0.0, 70.0, 10.0),
            word("health", 0.0, 12.0, 30.0, 22.0),
        ];
        assert_eq!(text(&latin), "expenditure on health");
    }

    #[test]
    fn bullets_and_short_lines_start_paragraphs() {
        let words = [w("・第一の項目です", 0.0, 0.0), w("・第二", 0.0, 12.0)];
        assert_eq!(text(&words), "・第一の項目です\n・第二");
        let words = [w("（1）総務", 0.0, 0.0), w("（2）企画調整費", 0.0, 12.0)];
        assert_eq!(text(&words), "（1）総務\n（2）企画調整費");
        // A short first line whose next word would have fit: a deliberate break.
        let words = [w("総務課", 0.0, 0.0), w("企画調整課長", 0.0, 12.0)];
        assert_eq!(text(&words), "総務課\n企画調整課長");
    }

    #[test]
    fn closing_punctuation_joins_the_line_above() {
        // `向上した` ends short of the edge, but `。` cannot start a line.
        let words = [
            w("これにより効率化を図ることが", 0.0, 0.0),
            w("できた。透明性が向上した", 0.0, 12.0),
            w("。", 0.0, 24.0),
        ];
        let refs: Vec<&crate::layout::Word> = words.iter().collect();
        let t = cell_text(&refs, None, &TableSettings::default());
        assert_eq!(t, "これにより効率化を図ることができた。透明性が向上した。");
    }

    #[test]
    fn markers() {
        for t in [
            "・a",
            "(1)x",
            "（１）x",
            "①x",
            "【x】",
            "○x",
            "●x",
            "※x",
            "-x",
            "(ア)x",
        ] {
            assert!(starts_paragraph(t), "{t}");
        }
        for t in ["a", "(total)", "区", "(123456)"] {
            assert!(!starts_paragraph(t), "{t}");
        }
    }

    #[test]
    fn lines_group_by_overlap() {
        let a = w("a", 20.0, 0.0);
        let b = w("b", 0.0, 2.0);
        let c = w("c", 0.0, 12.0);
        let refs = vec![&c, &a, &b];
        let lines = group_lines(&refs, 0.5, 3);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
    }
}
