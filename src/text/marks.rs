//! Marks with a meaning of their own in a Japanese table: dashes that mean "none", signs
//! that make a figure negative (`▲`, `△`), words printed where a number is not (the three
//! lists of `[marks]` in `config/defaults.toml`), and the bullets and enumerators that
//! open a paragraph.

use super::chars::{is_digit, is_kana_letter};

/// The marks of numeric cells, `[marks]` of `config/defaults.toml`: `none` dashes (one
/// to three alone in a cell mean "no value"), `minus` signs that make the figure after
/// them negative (the triangles Japanese accounts print, `▲1,234`, `△0.4`, and the dashes
/// used as minus), `no_number` words printed in a numeric column where there is no
/// number (`皆増`, `…`).
fn marks() -> &'static crate::defaults::Marks {
    &crate::defaults::builtin().marks
}

/// A dash: one of the `none` marks.
pub fn is_dash(c: char) -> bool {
    marks().none.contains(&c)
}

/// A dash as a recognizer reads the table mark `－`: a dash, or the look-alikes `一`
/// (kanji one) and `_`.
pub fn is_dash_as_read(c: char) -> bool {
    is_dash(c) || matches!(c, '一' | '_')
}

/// A sign that makes the figure after it negative.
pub fn is_negative_mark(c: char) -> bool {
    marks().minus.contains(&c)
}

/// A word printed in a numeric column where there is no number (compared as given).
pub fn is_no_number_word(t: &str) -> bool {
    marks().no_number.iter().any(|w| w == t)
}

/// Whether a cell (whitespace ignored) is one to three dashes: a printed "none" (`－`,
/// `―`, `--`).
pub fn is_none_mark(text: &str) -> bool {
    let mut n = 0;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if !is_dash(c) {
            return false;
        }
        n += 1;
    }
    (1..=3).contains(&n)
}

/// Whether a cell holds no number on purpose: a none mark or a no-number word
/// ([`is_no_number_word`], compared after NFKC with whitespace removed).
pub fn is_placeholder(text: &str) -> bool {
    is_none_mark(text) || is_no_number_word(&super::chars::squash(text))
}

/// Bullets that open a paragraph or a list item.
const BULLETS: &[char] = &[
    '・', '●', '○', '◯', '◎', '◆', '◇', '■', '□', '▪', '•', '※', '【', '〔', '＜', '<', '-', '－',
    '✓', '＊', '*',
];

/// Whether a text opens a paragraph by its first characters: a bullet ([`BULLETS`]), a
/// circled or parenthesized number (`①`, `⑴`, `㉑`), or a bracketed enumerator of one to
/// three digits, kana or kanji numerals, or Latin letters (`(1)`, `（イ）`, `(a)`, `（十）`).
pub fn starts_paragraph(s: &str) -> bool {
    let t = s.trim_start();
    let mut it = t.chars();
    let Some(c) = it.next() else { return false };
    if BULLETS.contains(&c)
        || matches!(c as u32, 0x2460..=0x24FF | 0x3251..=0x325F | 0x32B1..=0x32BF)
    {
        return true;
    }
    if c == '(' || c == '（' {
        let rest: String = it.take(5).collect();
        let Some(close) = rest.find([')', '）']) else {
            return false;
        };
        let inner = &rest[..close];
        return (1..=3).contains(&inner.chars().count())
            && inner.chars().all(|d| {
                is_digit(d)
                    || is_kana_letter(d)
                    || d.is_ascii_alphabetic()
                    || "一二三四五六七八九十".contains(d)
            });
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_marks_and_placeholders() {
        assert!(is_dash_as_read('一') && is_dash_as_read('_') && !is_dash('一'));
        for t in ["－", "―", " - ", "--", "ー"] {
            assert!(is_none_mark(t), "{t}");
        }
        for t in ["", "----", "－1", "一"] {
            assert!(!is_none_mark(t), "{t}");
        }
        assert!(is_placeholder("皆 増") && is_placeholder("…") && !is_placeholder("増"));
        assert!(is_negative_mark('▲') && is_negative_mark('△') && !is_negative_mark('+'));
    }

    #[test]
    fn paragraph_openers() {
        for t in [
            "・区長",
            "① 地域",
            "⑴ 目的",
            "(1) 概要",
            "（イ）",
            "(a) x",
            "（十）",
            "※注",
            "【課題】",
        ] {
            assert!(starts_paragraph(t), "{t}");
        }
        for t in ["", "区長", "(123456)", "（注意事項）", "1 概要", "（千円）"] {
            assert!(!starts_paragraph(t), "{t}");
        }
    }
}
