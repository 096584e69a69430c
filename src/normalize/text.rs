//! Japanese cell text, normalized: markers captured first (`①` → item 1, `Ⅱ` → section 2,
//! `▲`/`△` → negative), then NFKC (full-width digits and letters, `㍻` → `平成`), then
//! letter-spacing removed inside Japanese words (`合 計` → `合計`) while spaces between
//! Latin words and numbers stay (`PDCA cycle`, `2 3`).
//!
//! Markers come first because NFKC folds them into plain text (`①` → `1`, `Ⅱ` → `II`).

use unicode_normalization::UnicodeNormalization;

/// What the leading markers of a label said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Markers {
    /// A section number: `Ⅱ`, `II`, `ⅱ`.
    pub section: Option<u32>,
    /// An item number: `①`, `⑴`, `(1)`, `（１）`, `1.`, `1 ` (a number then a space).
    pub item: Option<u32>,
    /// `▲` or `△` before the text.
    pub negative: bool,
}

/// A label with its markers taken off and its text normalized.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    pub markers: Markers,
    pub text: String,
}

/// NFKC.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// Markers, then NFKC, then letter-spacing removal: the label form of a cell.
pub fn normalize_label(s: &str) -> Normalized {
    let (markers, rest) = split_markers(s);
    Normalized {
        markers,
        text: remove_letter_spacing(&nfkc(rest)),
    }
}

/// NFKC then letter-spacing removal, markers left in place (after NFKC `①` reads `1`).
pub fn normalize_text(s: &str) -> String {
    remove_letter_spacing(&nfkc(s))
}

/// The value of a circled or parenthesized number character: `①` → 1, `㉑` → 21,
/// `⑴` → 1, `⒈` → 1.
fn enclosed_number(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2460..=0x2473 => Some(u - 0x2460 + 1),  // ①..⑳
        0x2474..=0x2487 => Some(u - 0x2474 + 1),  // ⑴..⒇
        0x2488..=0x249B => Some(u - 0x2488 + 1),  // ⒈..⒛
        0x24F5..=0x24FE => Some(u - 0x24F5 + 1),  // ⓵..⓾
        0x2776..=0x277F => Some(u - 0x2776 + 1),  // ❶..❿
        0x3251..=0x325F => Some(u - 0x3251 + 21), // ㉑..㉟
        0x32B1..=0x32BF => Some(u - 0x32B1 + 36), // ㊱..㊿
        _ => None,
    }
}

/// The value of a Roman numeral character: `Ⅱ` → 2, `ⅻ` → 12.
fn roman_char(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2160..=0x216B => Some(u - 0x2160 + 1),
        0x2170..=0x217B => Some(u - 0x2170 + 1),
        _ => None,
    }
}

/// The value of an ASCII Roman numeral (`I` … `XXXIX`), strictly formed (`IIII` is not).
fn roman_ascii(s: &str) -> Option<u32> {
    if s.is_empty() || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    roman_strict(s)
}

/// Strict Roman parse: the value, and a check that writing it back gives the same text.
fn roman_strict(s: &str) -> Option<u32> {
    let mut n: i64 = 0;
    let cs: Vec<i64> = s
        .chars()
        .map(|c| {
            if c == 'I' {
                1
            } else if c == 'V' {
                5
            } else {
                10
            }
        })
        .collect();
    for (i, &v) in cs.iter().enumerate() {
        if cs.get(i + 1).is_some_and(|&w| w > v) {
            n -= v;
        } else {
            n += v;
        }
    }
    let n = u32::try_from(n).ok().filter(|&n| n > 0)?;
    (to_roman(n) == s).then_some(n)
}

fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for (v, s) in [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Takes the leading markers off a label: `▲`/`△`, a section number (`Ⅱ`, `II `), an item
/// number (`①`, `⑴`, `(1)`, `（１）`, `1.`, `1 `), in any order, each at most once.
/// Returns the markers and the rest, untouched (not yet NFKC'd).
pub fn split_markers(s: &str) -> (Markers, &str) {
    let mut m = Markers::default();
    let mut rest = s.trim_start();
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if (c == '▲' || c == '△') && !m.negative {
            m.negative = true;
            rest = after.trim_start();
            continue;
        }
        if m.section.is_none() && m.item.is_none() {
            if let Some(n) = roman_char(c) {
                m.section = Some(n);
                rest = skip_separator(after);
                continue;
            }
            let word: String = rest
                .chars()
                .take_while(|c| matches!(c, 'I' | 'V' | 'X'))
                .collect();
            let tail = &rest[word.len()..];
            if let Some(n) = roman_ascii(&word) {
                if tail.is_empty()
                    || tail
                        .starts_with(|c: char| c.is_whitespace() || matches!(c, '.' | '．' | '、'))
                {
                    m.section = Some(n);
                    rest = skip_separator(tail);
                    continue;
                }
            }
        }
        if m.item.is_none() {
            if let Some(n) = enclosed_number(c) {
                m.item = Some(n);
                rest = skip_separator(after);
                continue;
            }
            if let Some((n, tail)) = parenthesized_number(rest) {
                m.item = Some(n);
                rest = skip_separator(tail);
                continue;
            }
            if let Some((n, tail)) = leading_number(rest) {
                m.item = Some(n);
                rest = skip_separator(tail);
                continue;
            }
        }
        break;
    }
    (m, rest)
}

fn skip_separator(s: &str) -> &str {
    let s = s.strip_prefix(['.', '．', '、', ')', '）']).unwrap_or(s);
    s.trim_start()
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// `(1)` / `（１）` at the start: the number and the rest.
fn parenthesized_number(s: &str) -> Option<(u32, &str)> {
    let open = s.chars().next().filter(|&c| c == '(' || c == '（')?;
    let body = &s[open.len_utf8()..];
    let digits: String = body
        .chars()
        .take_while(|&c| digit_value(c).is_some())
        .collect();
    if digits.is_empty() || digits.chars().count() > 3 {
        return None;
    }
    let tail = &body[digits.len()..];
    let close = tail.chars().next().filter(|&c| c == ')' || c == '）')?;
    let n = digits
        .chars()
        .try_fold(0u32, |a, c| Some(a * 10 + digit_value(c)?))?;
    Some((n, &tail[close.len_utf8()..]))
}

/// `1 ` / `1.` / `１．` before more text: the number and the rest. A number followed by
/// a digit, a comma or nothing is a value, not a marker.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let digits: String = s
        .chars()
        .take_while(|&c| digit_value(c).is_some())
        .collect();
    if digits.is_empty() || digits.chars().count() > 3 {
        return None;
    }
    let tail = &s[digits.len()..];
    let sep = tail.chars().next()?;
    let is_sep = sep.is_whitespace() || matches!(sep, '.' | '．' | '、');
    if !is_sep {
        return None;
    }
    let after = skip_separator(tail);
    // `1.5` is a number, `1 2` two numbers; a marker is followed by text.
    let next = after.chars().next()?;
    if digit_value(next).is_some()
        || (matches!(sep, '.' | '．')
            && tail[sep.len_utf8()..].starts_with(|c: char| digit_value(c).is_some()))
    {
        return None;
    }
    let n = digits
        .chars()
        .try_fold(0u32, |a, c| Some(a * 10 + digit_value(c)?))?;
    Some((n, after))
}

/// A character of a Latin word or a number (after NFKC): spaces between two of them
/// separate words and stay.
fn is_latin_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '.' | ',' | '%' | '\'' | '"' | '&' | '-' | '+' | '/' | ':' | ')' | '('
        )
}

/// Removes whitespace inside Japanese text; whitespace between two Latin or number
/// characters becomes one space. Leading and trailing whitespace goes.
pub fn remove_letter_spacing(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_whitespace() {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let before = start.checked_sub(1).and_then(|k| chars.get(k)).copied();
        let after = chars.get(i).copied();
        if let (Some(b), Some(a)) = (before, after) {
            if is_latin_or_digit(b) && is_latin_or_digit(a) {
                out.push(' ');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_spacing() {
        let cases = [
            ("合 計", "合計"),
            ("区　名", "区名"),
            ("課 題", "課題"),
            ("  合   計  ", "合計"),
            ("PDCA cycle", "PDCA cycle"),
            ("PDCA サイクル", "PDCAサイクル"),
            ("562 億 949 万円", "562億949万円"),
            ("2 3", "2 3"),
            ("平成 2 3 年度", "平成2 3年度"),
            ("行\n政\n区", "行政区"),
            ("New  York", "New York"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(remove_letter_spacing(input), want, "input {input:?}");
        }
    }

    #[test]
    fn nfkc_folds_width_and_era_ligatures() {
        assert_eq!(nfkc("ＡＢＣ１２３"), "ABC123");
        assert_eq!(nfkc("㍻"), "平成");
        assert_eq!(nfkc("㋿"), "令和");
        assert_eq!(nfkc("（千円）"), "(千円)");
        assert_eq!(nfkc("％"), "%");
    }

    #[test]
    fn markers() {
        let m = |section, item, negative| Markers {
            section,
            item,
            negative,
        };
        let cases: [(&str, Markers, &str); 20] = [
            (
                "① 事務事業評価の実施",
                m(None, Some(1), false),
                "事務事業評価の実施",
            ),
            (
                "⑫区長への権限移譲",
                m(None, Some(12), false),
                "区長への権限移譲",
            ),
            ("㉑ 二十一番", m(None, Some(21), false), "二十一番"),
            ("⑴ 委託料", m(None, Some(1), false), "委託料"),
            (
                "(2) 補助金等の適正化",
                m(None, Some(2), false),
                "補助金等の適正化",
            ),
            ("（３）公文書", m(None, Some(3), false), "公文書"),
            (
                "1 事務事業の見直し",
                m(None, Some(1), false),
                "事務事業の見直し",
            ),
            ("１　市政情報", m(None, Some(1), false), "市政情報"),
            ("2. 組織", m(None, Some(2), false), "組織"),
            (
                "Ⅱ 人材育成・組織改革",
                m(Some(2), None, false),
                "人材育成・組織改革",
            ),
            ("ⅳ 小項目", m(Some(4), None, false), "小項目"),
            ("II 区政改革", m(Some(2), None, false), "区政改革"),
            ("IV. 財政", m(Some(4), None, false), "財政"),
            ("Ⅲ ① 取組", m(Some(3), Some(1), false), "取組"),
            ("▲300人", m(None, None, true), "300人"),
            ("△ 1,234", m(None, None, true), "1,234"),
            ("1,234", m(None, None, false), "1,234"),
            ("1.5 倍", m(None, None, false), "1.5 倍"),
            ("IT推進", m(None, None, false), "IT推進"),
            ("IIX 不正", m(None, None, false), "IIX 不正"),
        ];
        for (input, want_m, want_rest) in cases {
            let (got_m, rest) = split_markers(input);
            assert_eq!((got_m, rest), (want_m, want_rest), "input {input:?}");
        }
    }

    #[test]
    fn roman_numerals() {
        for (s, n) in [
            ("I", Some(1)),
            ("II", Some(2)),
            ("IV", Some(4)),
            ("IX", Some(9)),
            ("XIV", Some(14)),
            ("IIII", None),
            ("VV", None),
            ("", None),
            ("IL", None),
        ] {
            assert_eq!(roman_ascii(s), n, "{s}");
        }
    }

    #[test]
    fn labels() {
        let n = normalize_label("② 区長への　権限の移譲");
        assert_eq!(n.markers.item, Some(2));
        assert_eq!(n.text, "区長への権限の移譲");
        let n = normalize_label("Ⅰ　行財政改革");
        assert_eq!(
            (n.markers.section, n.text.as_str()),
            (Some(1), "行財政改革")
        );
        assert_eq!(normalize_text("①　合 計"), "1合計");
    }
}
