//! Text predicates the logical rules share: is a cell a number, what numbering does a
//! heading carry (`II`, `1`, `①`, `【…】`), how to join a cell cut by a page break, what a
//! page number looks like. Pure string functions, no geometry.

use unicode_normalization::UnicodeNormalization;

use crate::text::cell::{parse_cell, Cell, CellUnit};
use crate::text::chars::is_kana_letter;
pub use crate::text::chars::{is_cjk, squash};
use crate::text::figure::figure_commas_ignored;
pub use crate::text::marks::starts_paragraph;
use crate::text::marks::{is_dash, is_placeholder};

/// Number of characters ignoring whitespace.
pub fn char_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whether the cell is a figure, an amount or a number placeholder: `1,234`, `▲5.2`,
/// `△12`, `18.4%`, `87,861,632 円`, `3割`, `－`, `…`, `皆増` ([`is_placeholder`]). A shape
/// test of one cell, for the header, section and stitch rules: a number with a counter
/// word (`1歳`, `3区`) is a label in a header row, an amount never is. Whether a column
/// holds numbers is [`crate::text::cell::ColumnCount::numeric`], which counts counters
/// too.
pub fn is_numeric(s: &str) -> bool {
    is_placeholder(s)
        || parse_number(s).is_some()
        || matches!(
            parse_cell(s),
            Cell::Number {
                unit: Some(CellUnit::Yen(_) | CellUnit::Percent),
                ..
            }
        )
}

/// The value of a numeric cell (`▲` and `△` negative), `None` for text and placeholders;
/// commas that group no thousands are ignored ([`figure_commas_ignored`]).
pub fn parse_number(s: &str) -> Option<f64> {
    figure_commas_ignored(s).map(|f| f.to_f64())
}

/// Joins the two parts of a cell cut by a page break: a new paragraph or bullet on the
/// next page gets `\n`; otherwise the break is line wrapping inside a paragraph — no
/// space next to Japanese, one space between Latin words.
pub fn join_across_break(a: &str, b: &str) -> String {
    let (a, b) = (a.trim_end(), b.trim_start());
    if a.is_empty() {
        return b.to_string();
    }
    if b.is_empty() {
        return a.to_string();
    }
    if starts_paragraph(b) {
        return format!("{a}\n{b}");
    }
    let last = a.chars().next_back().unwrap_or(' ');
    let first = b.chars().next().unwrap_or(' ');
    if is_cjk(last) || is_cjk(first) {
        format!("{a}{b}")
    } else {
        format!("{a} {b}")
    }
}

/// How a heading is numbered; headings with the same style are siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// `I`, `II`, `Ⅲ` …
    Roman,
    /// `1`, `２` …
    Arabic,
    /// `(1)`, `（２）`
    ParenArabic,
    /// `①` …
    Circled,
    /// `ア`, `イ` …
    Kana,
    /// `【総務費】`
    Bracket,
    /// `（款）民生費`: a parenthesised word prefix.
    ParenWord,
    /// No visible numbering.
    Plain,
}

/// The numbering style of a heading text.
pub fn numbering(s: &str) -> Numbering {
    let t = s.trim();
    let mut it = t.chars();
    let Some(c) = it.next() else {
        return Numbering::Plain;
    };
    if ('\u{2160}'..='\u{217F}').contains(&c) {
        return Numbering::Roman;
    }
    if ('\u{2460}'..='\u{2473}').contains(&c) {
        return Numbering::Circled;
    }
    if c == '【' {
        return Numbering::Bracket;
    }
    if c == '(' || c == '（' {
        let inner: String = t
            .chars()
            .skip(1)
            .take_while(|&d| d != ')' && d != '）')
            .collect();
        if !inner.is_empty()
            && inner
                .chars()
                .all(|d| d.is_ascii_digit() || ('０'..='９').contains(&d))
        {
            return Numbering::ParenArabic;
        }
        return Numbering::ParenWord;
    }
    // A leading token followed by a separator (space, ideographic space, `.`, `．`, `、`).
    let token: String = t
        .chars()
        .take_while(|&d| !d.is_whitespace() && !matches!(d, '.' | '．' | '、' | '　'))
        .collect();
    let rest_starts_sep = t[token.len()..]
        .chars()
        .next()
        .is_some_and(|d| d.is_whitespace() || matches!(d, '.' | '．' | '、' | '　'));
    if !token.is_empty() && rest_starts_sep {
        if token
            .chars()
            .all(|d| matches!(d, 'I' | 'V' | 'X' | 'Ｉ' | 'Ｖ' | 'Ｘ'))
        {
            return Numbering::Roman;
        }
        if token
            .chars()
            .all(|d| d.is_ascii_digit() || ('０'..='９').contains(&d))
        {
            return Numbering::Arabic;
        }
        if token.chars().count() == 1 && token.chars().all(is_kana_letter) {
            return Numbering::Kana;
        }
    }
    Numbering::Plain
}

/// A table caption: `表1 …`, `第2表 …`, `図表3 …`.
pub fn is_caption_text(s: &str) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(図表\s*[0-9]|表\s*[0-9]|第\s*[0-9]+\s*表)").expect("valid regex")
    });
    let t: String = s.trim().nfkc().collect();
    RE.is_match(&t)
}

/// A unit note: `（単位：千円）`, `単位：人`.
pub fn is_unit_note(s: &str) -> bool {
    let t = squash(s);
    t.starts_with("(単位") || t.starts_with("単位:") || t.starts_with("[単位")
}

/// A note under a table: `（注）…`, `注1 …`, `※…`, `資料：…`, `出典：…`.
pub fn is_note_text(s: &str) -> bool {
    let t = squash(s);
    let t = t.trim_start_matches('(');
    if t.starts_with('※')
        || t.starts_with("資料:")
        || t.starts_with("出典:")
        || t.starts_with("出所:")
    {
        return true;
    }
    t.strip_prefix('注').is_some_and(|r| {
        r.chars()
            .next()
            .is_some_and(|c| matches!(c, ')' | ':' | '.') || c.is_ascii_digit())
    })
}

/// Running prose: a sentence (ends a clause with `。`) longer than a header label.
pub fn is_sentence(s: &str, settings: &super::settings::LogicalSettings) -> bool {
    s.contains('。') && char_len(s) > settings.header_max_chars
}

/// A page footer is at most this many characters (`- 123 -`, `P.12 / 340`), its page
/// number at most [`PAGE_NUMBER_MAX_DIGITS`] digits: a longer lone cell is text or an
/// amount, not a page number.
const PAGE_FOOTER_MAX_CHARS: usize = 12;
const PAGE_NUMBER_MAX_DIGITS: usize = 4;

/// Whether a lone cell text is a page number or page footer (`－1－`, `- 2 -`, `3 / 7`,
/// `4`, `P.5`): never a table row.
pub fn is_page_number(s: &str) -> bool {
    let t = squash(s);
    if t.is_empty() || t.chars().count() > PAGE_FOOTER_MAX_CHARS {
        return false;
    }
    let core: String = t.chars().filter(|&c| !is_dash(c)).collect();
    let core = core
        .trim_start_matches("P.")
        .trim_start_matches("p.")
        .to_string();
    if core.is_empty() {
        return false;
    }
    if core.chars().all(|c| c.is_ascii_digit()) {
        return core.len() <= PAGE_NUMBER_MAX_DIGITS;
    }
    if let Some((a, b)) = core.split_once('/') {
        return !a.is_empty()
            && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit());
    }
    false
}

/// How plausible an OCR reading of a Japanese header label is: CJK characters, digits
/// and brackets count for it, Latin letters (Tesseract's English model guessing at a
/// smudged line) and stray marks against it.
pub fn reading_quality(s: &str) -> i64 {
    s.chars()
        .map(|c| {
            if is_cjk(c) || c.is_ascii_digit() || "()（）%％".contains(c) {
                2
            } else if c.is_ascii_alphabetic() {
                -2
            } else if c.is_whitespace() {
                0
            } else {
                -1
            }
        })
        .sum()
}

/// The header rows of a table whose parts each repeat them (OCR'd pages, each reading
/// the same labels differently): every slot of `head` gets the reading given most
/// often across `repeats` (one slice of header rows per part, `head`'s shape), ties
/// going to the more plausible text ([`reading_quality`]).
pub fn best_readings(head: &mut [super::part::WorkRow], repeats: &[&[super::part::WorkRow]]) {
    for (r, row) in head.iter_mut().enumerate() {
        for (c, slot) in row.slots.iter_mut().enumerate() {
            let mut readings: Vec<(String, usize)> = Vec::new();
            for rep in repeats {
                let Some(t) = rep
                    .get(r)
                    .and_then(|x| x.slots.get(c))
                    .map(|x| x.text.clone())
                else {
                    continue;
                };
                let key = squash(&t);
                match readings.iter_mut().find(|(k, _)| squash(k) == key) {
                    Some((_, n)) => *n += 1,
                    None => readings.push((t, 1)),
                }
            }
            if let Some((best, _)) = readings
                .into_iter()
                .max_by_key(|(t, n)| (*n, reading_quality(t)))
            {
                slot.text = best;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text() {
        for s in [
            "1,234",
            "▲5.2",
            "△12",
            "18.4",
            "18.4%",
            "－",
            "0",
            "１，２３４",
            "87,861,632 円",
            "3割",
        ] {
            assert!(is_numeric(s), "{s}");
        }
        for s in [
            "",
            "北区",
            "0～14歳",
            "1世帯当たり人員",
            "平成30年度",
            "1 区の自律経営",
            "1歳",
            "3区",
        ] {
            assert!(!is_numeric(s), "{s}");
        }
        assert_eq!(parse_number("▲2,595,365"), Some(-2595365.0));
        assert_eq!(parse_number("△1.5%"), Some(-1.5));
        assert_eq!(parse_number("－"), None);
        assert_eq!(parse_number("1.2.3"), None);
    }

    #[test]
    fn join_break_rules() {
        assert_eq!(
            join_across_break("意見の活", "用、区の募集。"),
            "意見の活用、区の募集。"
        );
        assert_eq!(
            join_across_break("図ることが", "できた。"),
            "図ることができた。"
        );
        assert_eq!(
            join_across_break("募集。", "(3) 効率性"),
            "募集。\n(3) 効率性"
        );
        assert_eq!(join_across_break("実施", "・出前講座"), "実施\n・出前講座");
        assert_eq!(join_across_break("the cut", "row"), "the cut row");
        assert_eq!(join_across_break("", "b"), "b");
        assert_eq!(join_across_break("a", ""), "a");
    }

    #[test]
    fn numbering_styles() {
        assert_eq!(numbering("II 区政改革"), Numbering::Roman);
        assert_eq!(numbering("Ⅲ 公共施設・外郭団体の見直し"), Numbering::Roman);
        assert_eq!(numbering("VIII　行財政改革"), Numbering::Roman);
        assert_eq!(numbering("1 区の自律経営"), Numbering::Arabic);
        assert_eq!(numbering("2　労働費"), Numbering::Arabic);
        assert_eq!(numbering("①区長への権限"), Numbering::Circled);
        assert_eq!(numbering("(1) 予算"), Numbering::ParenArabic);
        assert_eq!(numbering("【総務費】"), Numbering::Bracket);
        assert_eq!(numbering("（款）民生費"), Numbering::ParenWord);
        assert_eq!(numbering("衛生費"), Numbering::Plain);
        assert_eq!(numbering("Investment"), Numbering::Plain);
    }

    #[test]
    fn page_numbers() {
        for s in ["－1－", "- 2 -", "3 / 7", "4", "P.5", "—12—"] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["北区", "1,234", "12345", "合計", ""] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    #[test]
    fn captions_units_notes() {
        for t in [
            "表1　区別人口",
            "表２ 年齢",
            "第1表 区別",
            "第２表",
            "図表3 推移",
        ] {
            assert!(is_caption_text(t), "{t}");
        }
        for t in ["表示", "第一", "表彰事業", "北区"] {
            assert!(!is_caption_text(t), "{t}");
        }
        assert!(is_unit_note("（単位：千円）"));
        assert!(is_unit_note("単位：人"));
        assert!(!is_unit_note("単価"));
        for t in [
            "（注）外国人を含む。",
            "注1 推計",
            "※ 速報値",
            "資料：住民基本台帳",
        ] {
            assert!(is_note_text(t), "{t}");
        }
        for t in ["注射事業", "北区", "資料館運営"] {
            assert!(!is_note_text(t), "{t}");
        }
    }

    #[test]
    fn squash_removes_spacing() {
        assert_eq!(squash("合 計"), "合計");
        assert_eq!(squash("課　題"), "課題");
    }
}
