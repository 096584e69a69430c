//! The one reader of a table cell: what a cell holds ([`Cell`]): nothing, a "none" mark,
//! a no-number word, a unit alone, a number with its unit, or text. Numbers as Japanese
//! administrative tables write them, read exactly: `1,234`, `▲1,234`, `△0.4`,
//! `42 億 7,700 万円`, `三千万円`, `12.5%`, `3割5分`, `38事業`; dashes alone are null.
//! The logical stage asks it whether a column is a number column ([`numeric_column`]);
//! value typing (`normalize::values`) turns its numbers into typed values.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::chars::squash;
use super::figure::{figure_commas_ignored, Decimal};
use super::marks::{is_negative_mark, is_no_number_word, is_none_mark};

/// A unit of a column or a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Yen times a multiplier: `円` 1, `千円` 1,000, `百万円` 1,000,000.
    Yen(i64),
    /// Percent (`%`, `％`).
    Percent,
    /// A count of something (`人`, `世帯`, `件`).
    Count,
}

/// The multiplier of a yen unit prefix: `千` → 1,000, `百万` → 1,000,000 (`units.yen` of
/// `config/defaults.toml`).
pub fn yen_multiplier(prefix: &str) -> Option<i64> {
    crate::defaults::builtin().units.yen.get(prefix).copied()
}

/// Words a table uses to count things; a count column reads `38事業`, `7会議`, `23件`
/// (`units.counters` of `config/defaults.toml`).
fn is_counter(word: &str) -> bool {
    crate::defaults::builtin()
        .units
        .counters
        .iter()
        .any(|c| c == word)
}

/// A unit written in the cell itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellUnit {
    /// Yen times the multiplier: `円` after the numeral is `Yen(1)`, the number already in
    /// yen (`42億7,700万円`, `5千円`); a unit before the number (`千円 15,840,700`, a unit
    /// row run into the first body row) is `Yen(1000)`.
    Yen(i64),
    /// `%`, or `割`/`分`/`厘`.
    Percent,
    /// A counter word (`人`, `事業`).
    Counter(String),
}

/// What a cell holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    /// A dash alone: printed "no value" (`－`, `―`, `-`, `—`).
    Null,
    /// A word a numeric column uses instead of a number (`皆増`, `皆減`, `…`, `x`).
    NoNumber,
    /// A unit alone (`千円`, `%`): a unit row printed in the body.
    Unit(Unit),
    Number {
        value: Decimal,
        unit: Option<CellUnit>,
    },
    /// Text that is not a number.
    Text,
}

fn kanji_digit(c: char) -> Option<i128> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壱' => 1,
        '二' | '弐' => 2,
        '三' | '参' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<i128> {
    match c {
        '十' | '拾' => Some(10),
        '百' => Some(100),
        '千' | '阡' => Some(1000),
        _ => None,
    }
}

fn large_unit(c: char) -> Option<(i128, u8)> {
    match c {
        '万' | '萬' => Some((10_000, 1)),
        '億' => Some((100_000_000, 2)),
        '兆' => Some((1_000_000_000_000, 3)),
        _ => None,
    }
}

/// Reads a numeral at the start of `s` (whitespace already removed): Arabic digits with
/// commas and a decimal point, kanji digits (positional `二〇二〇` or with `十百千`), and
/// `万`/`億`/`兆` groups in falling order (`42億7,700万`, `三千万`, `1.5億`). Returns the
/// value and the number of bytes read; `None` if no numeral starts there or it is
/// malformed (`1,23`, `万億`).
pub fn parse_numeral(s: &str) -> Option<(Decimal, usize)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut total = Decimal::ZERO;
    let mut group = Decimal::ZERO; // below 万
    let mut pending: Option<Decimal> = None; // the digits just read
    let mut last_large: u8 = u8::MAX;
    let mut any = false;
    let mut i = 0;
    let mut end = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if c.is_ascii_digit() {
            if pending.is_some() {
                return None;
            }
            let (value, used) = crate::text::figure::digits(&s[chars[i].0..])?;
            pending = Some(value.decimal);
            any = true;
            end = chars[i].0 + used;
            i += s[chars[i].0..end].chars().count();
            continue;
        }
        if let Some(d) = kanji_digit(c) {
            // Positional kanji digits: 二〇二〇.
            let p = pending.unwrap_or(Decimal::ZERO);
            pending = Some(Decimal {
                mantissa: p.mantissa.checked_mul(10)?.checked_add(d)?,
                scale: p.scale,
            });
            any = true;
            i += 1;
            end = chars.get(i).map_or(s.len(), |(p, _)| *p);
            continue;
        }
        if let Some(k) = small_unit(c) {
            let n = pending.take().unwrap_or(Decimal::int(1));
            group = group.checked_add(n.checked_mul_int(k)?)?;
            any = true;
            i += 1;
            end = chars.get(i).map_or(s.len(), |(p, _)| *p);
            continue;
        }
        if let Some((k, rank)) = large_unit(c) {
            // `万` with nothing before it, or 万 before 億: not a numeral.
            if !any || rank >= last_large {
                return None;
            }
            let n = pending.take().unwrap_or(Decimal::ZERO);
            total = total.checked_add(group.checked_add(n)?.checked_mul_int(k)?)?;
            group = Decimal::ZERO;
            last_large = rank;
            i += 1;
            end = chars.get(i).map_or(s.len(), |(p, _)| *p);
            continue;
        }
        break;
    }
    // A numeral has a digit: `千` or `百万` alone is a unit.
    if !any
        || !s[..end]
            .chars()
            .any(|c| c.is_ascii_digit() || kanji_digit(c).is_some())
    {
        return None;
    }
    let v = total
        .checked_add(group)?
        .checked_add(pending.unwrap_or(Decimal::ZERO))?;
    Some((v.reduce(), end))
}

fn wari_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:([0-9]+|[〇一二三四五六七八九十]+)割)?(?:([0-9]|[〇一二三四五六七八九])分)?(?:([0-9]|[〇一二三四五六七八九])厘)?$").expect("valid regex")
    })
}

fn small_kanji_or_digits(s: &str) -> Option<i128> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    parse_numeral(s).and_then(|(d, n)| if n == s.len() { d.to_integer() } else { None })
}

/// `3割` → 30, `3割5分` → 35, `2分5厘` → 2.5 (percent).
fn parse_wari(t: &str) -> Option<Decimal> {
    if !t.contains(['割', '分', '厘']) {
        return None;
    }
    let c = wari_pattern().captures(t)?;
    let part = |i: usize| -> Option<i128> {
        c.get(i)
            .map_or(Some(0), |m| small_kanji_or_digits(m.as_str()))
    };
    let (w, b, r) = (part(1)?, part(2)?, part(3)?);
    // `割` takes any number of digits: too many for a number is no number, not a panic.
    let mantissa = w.checked_mul(100)?.checked_add(b * 10 + r)?;
    Some(Decimal { mantissa, scale: 1 }.reduce())
}

/// Reads one cell.
pub fn parse_cell(cell: &str) -> Cell {
    if let Some(first) = figure_with_breakdown(cell) {
        return first;
    }
    let t = squash(cell);
    if t.is_empty() {
        return Cell::Empty;
    }
    if is_none_mark(&t) {
        return Cell::Null;
    }
    if is_no_number_word(&t) {
        return Cell::NoNumber;
    }
    if t == "%" {
        return Cell::Unit(Unit::Percent);
    }
    if let Some(m) = t.strip_suffix('円').and_then(yen_multiplier) {
        return Cell::Unit(Unit::Yen(m));
    }
    let mut rest = t.as_str();
    // A unit before the number: `千円15,840,700`.
    let mut lead: Option<i64> = None;
    if let Some(k) = rest.find('円') {
        let after = &rest[k + '円'.len_utf8()..];
        if let Some(m) = yen_multiplier(&rest[..k]) {
            if after.starts_with(|c: char| c.is_ascii_digit() || is_negative_mark(c)) {
                lead = Some(m);
                rest = after;
            }
        }
    }
    let mut negative = false;
    if let Some(c) = rest.chars().next() {
        if is_negative_mark(c) {
            negative = true;
            rest = &rest[c.len_utf8()..];
        } else if c == '+' {
            rest = &rest[1..];
        }
    }
    // (1,234) in accounts is negative.
    if !negative {
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            if inner.starts_with(|c: char| c.is_ascii_digit())
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                negative = true;
                rest = inner;
            }
        }
    }
    let sign = |d: Decimal| if negative { d.negated() } else { d };
    if let Some(d) = parse_wari(rest) {
        return Cell::Number {
            value: sign(d),
            unit: Some(CellUnit::Percent),
        };
    }
    let Some((value, used)) = parse_numeral(rest) else {
        return Cell::Text;
    };
    let tail = &rest[used..];
    let unit = match tail {
        "" if lead.is_some() => lead.map(CellUnit::Yen),
        _ if lead.is_some() => return Cell::Text,
        "" => None,
        "%" => Some(CellUnit::Percent),
        "円" => Some(CellUnit::Yen(1)),
        _ if is_counter(tail) => Some(CellUnit::Counter(tail.to_string())),
        _ => return Cell::Text,
    };
    // `三` alone is more likely a word than a number; a kanji numeral counts with a unit.
    let arabic = rest[..used].chars().any(|c| c.is_ascii_digit());
    if !arabic && unit.is_none() {
        return Cell::Text;
    }
    Cell::Number {
        value: sign(value),
        unit,
    }
}

/// Rule `figure_with_breakdown`: a cell of several numbers apart (lines of one box: a
/// budget's `6,264` over `732`, `80`, `5,452`, the 節 and its 細節) whose first number is
/// the sum of the others is that first number. Run together they would read as one
/// number (`13 13` as 1,313). Other cells keep the reading of their text as one.
fn figure_with_breakdown(cell: &str) -> Option<Cell> {
    // Most cells are one word: nothing to split, and no normalizing done twice.
    if !cell.trim().contains(char::is_whitespace) {
        return None;
    }
    let text: String = cell.nfkc().collect();
    let mut values = Vec::new();
    for tok in text.split_whitespace() {
        match parse_cell(tok) {
            Cell::Number { value, unit: None } => values.push(value),
            _ => return None,
        }
    }
    let (first, rest) = values.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let sum = rest
        .iter()
        .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))?;
    (sum.reduce() == first.reduce()).then(|| Cell::Number {
        value: *first,
        unit: None,
    })
}

/// How the cells of one column read, counted by [`Cell`] class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnCount {
    /// Numbers (with or without a unit).
    pub numbers: usize,
    /// "None" marks and no-number words (`－`, `皆増`).
    pub marks: usize,
    /// Text that is not a number.
    pub texts: usize,
}

impl ColumnCount {
    /// Counts one cell; empty cells and units alone (a unit row) count for nothing. A
    /// figure whose commas group no thousands (`0,0001`, or two figures run together as
    /// `20,748,147 23,727,659`) counts as a number: it has no value, but it is printed in
    /// a number column.
    pub fn add(&mut self, cell: &str) {
        match parse_cell(cell) {
            Cell::Number { .. } => self.numbers += 1,
            Cell::Null | Cell::NoNumber => self.marks += 1,
            Cell::Text if figure_commas_ignored(cell).is_some() => self.numbers += 1,
            Cell::Text => self.texts += 1,
            Cell::Empty | Cell::Unit(_) => {}
        }
    }

    /// Rule `numeric_column`: a column is a number column when it holds a number and its
    /// numbers and marks are at least `fraction` of its read cells. Tables put a word in
    /// a number column now and then (`皆増`, a misread), and a label column a numeral
    /// (`1`, `２`): the share tells them apart. Header detection and value typing both
    /// ask this, so they never disagree about a column.
    pub fn numeric(self, fraction: f64) -> bool {
        let read = self.numbers + self.marks + self.texts;
        self.numbers > 0 && (self.numbers + self.marks) as f64 >= fraction * read as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_over_its_breakdown_is_the_figure() {
        let n = |v: i128| Cell::Number {
            value: Decimal::int(v),
            unit: None,
        };
        assert_eq!(parse_cell("13 13"), n(13));
        assert_eq!(parse_cell("6,264\n732\n80\n5,452"), n(6264));
        // Not a breakdown: read as one number, as before.
        assert_eq!(parse_cell("1 234"), n(1234));
    }

    #[test]
    fn numerals() {
        let cases: Vec<(&str, Option<(Decimal, usize)>)> = vec![
            ("1234", Some((Decimal::new(1234, 0), 4))),
            ("1,234", Some((Decimal::new(1234, 0), 5))),
            ("1,234,567", Some((Decimal::new(1234567, 0), 9))),
            ("18.4", Some((Decimal::new(184, 1), 4))),
            ("2.00", Some((Decimal::new(2, 0), 4))),
            ("0.0", Some((Decimal::new(0, 0), 3))),
            (
                "42億7,700万",
                Some((Decimal::new(4_277_000_000, 0), "42億7,700万".len())),
            ),
            (
                "562億949万円",
                Some((Decimal::new(56_209_490_000, 0), "562億949万".len())),
            ),
            (
                "三千万",
                Some((Decimal::new(30_000_000, 0), "三千万".len())),
            ),
            (
                "二億五千万",
                Some((Decimal::new(250_000_000, 0), "二億五千万".len())),
            ),
            (
                "千二百三十四",
                Some((Decimal::new(1234, 0), "千二百三十四".len())),
            ),
            ("二〇二〇", Some((Decimal::new(2020, 0), "二〇二〇".len()))),
            ("1.5億", Some((Decimal::new(150_000_000, 0), "1.5億".len()))),
            ("5千", Some((Decimal::new(5000, 0), "5千".len()))),
            (
                "1兆2億",
                Some((Decimal::new(1_000_200_000_000, 0), "1兆2億".len())),
            ),
            ("12人", Some((Decimal::new(12, 0), 2))),
            ("1,23", None),
            ("1234,567", None),
            ("12,3456", None),
            ("万", None),
            ("3万2億", None),
            ("abc", None),
            ("千", None),
            ("百万円", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_numeral(s), want, "numeral {s:?}");
        }
    }

    #[test]
    fn cells() {
        let num = |m, s, unit: Option<CellUnit>| Cell::Number {
            value: Decimal::new(m, s),
            unit,
        };
        let cases: Vec<(&str, Cell)> = vec![
            ("", Cell::Empty),
            ("  ", Cell::Empty),
            ("－", Cell::Null),
            ("―", Cell::Null),
            ("-", Cell::Null),
            ("—", Cell::Null),
            ("ー", Cell::Null),
            ("皆増", Cell::NoNumber),
            ("皆減", Cell::NoNumber),
            ("…", Cell::NoNumber),
            ("1,169,752", num(1169752, 0, None)),
            ("１，２３４", num(1234, 0, None)),
            ("▲2,595,365", num(-2595365, 0, None)),
            ("△40,605", num(-40605, 0, None)),
            ("△ 0.4", num(-4, 1, None)),
            ("-12", num(-12, 0, None)),
            ("−3.5", num(-35, 1, None)),
            ("+7", num(7, 0, None)),
            ("(1,200)", num(-1200, 0, None)),
            ("0", num(0, 0, None)),
            ("18.4", num(184, 1, None)),
            ("12.5%", num(125, 1, Some(CellUnit::Percent))),
            ("12.5％", num(125, 1, Some(CellUnit::Percent))),
            ("3割", num(30, 0, Some(CellUnit::Percent))),
            ("3割5分", num(35, 0, Some(CellUnit::Percent))),
            ("三割", num(30, 0, Some(CellUnit::Percent))),
            ("2分5厘", num(25, 1, Some(CellUnit::Percent))),
            (
                "42 億 7,700 万円",
                num(4_277_000_000, 0, Some(CellUnit::Yen(1))),
            ),
            ("三千万円", num(30_000_000, 0, Some(CellUnit::Yen(1)))),
            ("1,234千円", num(1_234_000, 0, Some(CellUnit::Yen(1)))),
            (
                "千円 15,840,700",
                num(15_840_700, 0, Some(CellUnit::Yen(1000))),
            ),
            ("千円 △64,700", num(-64_700, 0, Some(CellUnit::Yen(1000)))),
            ("千円現年課税分 15,717,000", Cell::Text),
            ("38事業", num(38, 0, Some(CellUnit::Counter("事業".into())))),
            ("300人", num(300, 0, Some(CellUnit::Counter("人".into())))),
            ("三", Cell::Text),
            ("千円", Cell::Unit(Unit::Yen(1000))),
            ("百万円", Cell::Unit(Unit::Yen(1_000_000))),
            ("％", Cell::Unit(Unit::Percent)),
            ("ドル", Cell::Text),
            ("北区", Cell::Text),
            ("約300人", Cell::Text),
            ("1,23", Cell::Text),
            ("12.5kg", Cell::Text),
            ("事業仕分けを実施した", Cell::Text),
        ];
        for (s, want) in cases {
            assert_eq!(parse_cell(s), want, "cell {s:?}");
        }
    }

    #[test]
    fn a_wari_too_large_for_a_number_is_text() {
        // 38 digits parse as i128; times 100 they do not fit (was an overflow).
        let t = format!("{}割", "9".repeat(38));
        assert_eq!(parse_cell(&t), Cell::Text);
        assert_eq!(parse_wari(&t), None);
    }

    #[test]
    fn number_columns_by_share() {
        let count = |cells: &[&str]| {
            let mut c = ColumnCount::default();
            for x in cells {
                c.add(x);
            }
            c
        };
        assert!(count(&["1,234", "▲5", "－", "皆増", "千円"]).numeric(0.6));
        assert!(count(&["1,234", "38事業", "x", "text"]).numeric(0.6));
        assert!(count(&["20,748,147 23,727,659", "0,0001", "text"]).numeric(0.6));
        assert!(!count(&["1", "総務費", "民生費"]).numeric(0.6));
        // Marks alone are no number column.
        assert!(!count(&["－", "－", ""]).numeric(0.6));
        assert!(!count(&[]).numeric(0.6));
    }
}
