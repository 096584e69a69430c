//! Numbers as Japanese administrative tables write them, read exactly: `1,234`, `▲1,234`,
//! `△0.4`, `42 億 7,700 万円`, `三千万円`, `12.5%`, `3割5分`, `38事業`; dashes (`－`, `―`,
//! `-`, `—`) alone are null; units from a header (`（千円）`, `前年度予算額（千円）`) or a
//! table note (`（単位：千円）`).
//!
//! Money never goes through floats: numbers are exact decimals (`Decimal`, an `i128`
//! mantissa and a power-of-ten scale) until they become integer yen.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::text::nfkc;
use crate::text::chars::squash;
pub use crate::text::figure::Decimal;
use crate::text::marks::{is_negative_mark, is_no_number_word, is_none_mark};

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

/// `単位：人`, `（世帯）`: a note or header naming one of the count units
/// (`units.count_notes`, escaped, longest first).
fn count_note_pattern() -> Regex {
    let mut words: Vec<&String> = crate::defaults::builtin()
        .units
        .count_notes
        .iter()
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let alt = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&format!(r"単位[:：]?(?:{alt})|[(\[](?:{alt})[)\]]")).expect("escaped words")
}

fn unit_patterns() -> &'static [Regex; 4] {
    static RE: OnceLock<[Regex; 4]> = OnceLock::new();
    RE.get_or_init(|| {
        [
            // （単位：千円）, 単位:百万円, 単位 円
            Regex::new(r"単位[:：]?((?:十|百|千)?(?:万|億|兆)?|十|百|千)円").expect("valid regex"),
            // （千円）, 予算額（千円）, [百万円]
            Regex::new(r"[(\[]((?:十|百|千)?(?:万|億|兆)?|十|百|千)円[)\]]").expect("valid regex"),
            // 単位：人・世帯, （人）, （世帯）, (件): `units.count_notes` of the defaults.
            count_note_pattern(),
            // （%）, 単位：%, 増減率(%)
            Regex::new(r"[(\[]%[)\]]|単位[:：]?%").expect("valid regex"),
        ]
    })
}

/// The unit a header, a unit row or a table note names: `（千円）`, `前年度予算額（千円）`,
/// `（単位：千円）`, `千円` alone, `（人）`, `（単位：人・世帯）`, `増減率（%）`.
pub fn unit_in_text(text: &str) -> Option<Unit> {
    let t = squash(text);
    if t.is_empty() {
        return None;
    }
    let [note, paren, count, percent] = unit_patterns();
    let mut found: Vec<(usize, Unit)> = Vec::new();
    for re in [note, paren] {
        if let Some(c) = re.captures(&t) {
            if let (Some(m), Some(k)) = (
                c.get(0),
                yen_multiplier(c.get(1).map_or("", |g| g.as_str())),
            ) {
                found.push((m.start(), Unit::Yen(k)));
            }
        }
    }
    if let Some(m) = count.find(&t) {
        found.push((m.start(), Unit::Count));
    }
    if let Some(m) = percent.find(&t) {
        found.push((m.start(), Unit::Percent));
    }
    if let Some(u) = found.into_iter().min_by_key(|(i, _)| *i).map(|(_, u)| u) {
        return Some(u);
    }
    // A unit row: `千円`, `円`, `%`, `人` alone.
    if t == "%" {
        return Some(Unit::Percent);
    }
    if let Some(prefix) = t.strip_suffix('円') {
        return yen_multiplier(prefix).map(Unit::Yen);
    }
    if crate::defaults::builtin()
        .units
        .count_rows
        .iter()
        .any(|w| *w == t)
    {
        return Some(Unit::Count);
    }
    None
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
    let text = nfkc(cell);
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

/// A typed value: integer yen or count, or a float (percent, ratio).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
}

impl Value {
    pub fn to_json(self) -> Option<serde_json::Number> {
        match self {
            Value::Int(n) => Some(serde_json::Number::from(n)),
            Value::Float(f) => serde_json::Number::from_f64(f),
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Value::Int(n) => n as f64,
            Value::Float(f) => f,
        }
    }
}

/// Why a cell of a numeric column has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unparsed {
    /// Text that is not a number.
    NotANumber,
    /// A number the column's unit cannot take (`5%` in a yen column, `0.5` yen).
    WrongUnit,
    /// Beyond i64 yen.
    Overflow,
}

/// How a numeric column's cells become values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// Integer yen: a bare number times the multiplier; a number written with `円` as is.
    Amount { multiplier: i64 },
    /// A float percent.
    Percent,
    /// An integer count, or a float when the cell has decimals (`1.84` persons per household).
    Count,
}

/// A cell's value in a column of the given kind: `Ok(None)` for empty cells, dashes and
/// no-number words; `Err` for what cannot be read.
pub fn cell_value(cell: &str, kind: NumberKind) -> Result<Option<Value>, Unparsed> {
    match parse_cell(cell) {
        Cell::Empty | Cell::Null | Cell::NoNumber | Cell::Unit(_) => Ok(None),
        Cell::Text => Err(Unparsed::NotANumber),
        Cell::Number { value, unit } => typed(value, unit.as_ref(), kind).map(Some),
    }
}

fn typed(value: Decimal, unit: Option<&CellUnit>, kind: NumberKind) -> Result<Value, Unparsed> {
    let int = |d: Decimal| -> Result<Value, Unparsed> {
        let n = d.to_integer().ok_or(Unparsed::WrongUnit)?;
        i64::try_from(n)
            .map(Value::Int)
            .map_err(|_| Unparsed::Overflow)
    };
    match (kind, unit) {
        (NumberKind::Amount { multiplier }, None) => int(value
            .checked_mul_int(i128::from(multiplier))
            .ok_or(Unparsed::Overflow)?),
        (NumberKind::Amount { .. }, Some(CellUnit::Yen(m))) => int(value
            .checked_mul_int(i128::from(*m))
            .ok_or(Unparsed::Overflow)?),
        (NumberKind::Amount { .. }, Some(_)) => Err(Unparsed::WrongUnit),
        (NumberKind::Percent, None | Some(CellUnit::Percent)) => Ok(Value::Float(value.to_f64())),
        (NumberKind::Percent, Some(_)) => Err(Unparsed::WrongUnit),
        (NumberKind::Count, None | Some(CellUnit::Counter(_))) => {
            if value.to_integer().is_some() {
                int(value)
            } else {
                Ok(Value::Float(value.to_f64()))
            }
        }
        (NumberKind::Count, Some(CellUnit::Percent)) => Ok(Value::Float(value.to_f64())),
        (NumberKind::Count, Some(CellUnit::Yen(m))) => int(value
            .checked_mul_int(i128::from(*m))
            .ok_or(Unparsed::Overflow)?),
    }
}

/// An amount in integer yen from a cell and the unit its column or table gives
/// (`("1,234", 千円)` → 1,234,000; `("42 億 7,700 万円", _)` → 4,277,000,000).
pub fn amount_yen(cell: &str, multiplier: i64) -> Option<i64> {
    match cell_value(cell, NumberKind::Amount { multiplier }) {
        Ok(Some(Value::Int(n))) => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(m: i128, s: u32) -> Decimal {
        Decimal {
            mantissa: m,
            scale: s,
        }
    }

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
            ("1234", Some((dec(1234, 0), 4))),
            ("1,234", Some((dec(1234, 0), 5))),
            ("1,234,567", Some((dec(1234567, 0), 9))),
            ("18.4", Some((dec(184, 1), 4))),
            ("2.00", Some((dec(2, 0), 4))),
            ("0.0", Some((dec(0, 0), 3))),
            (
                "42億7,700万",
                Some((dec(4_277_000_000, 0), "42億7,700万".len())),
            ),
            (
                "562億949万円",
                Some((dec(56_209_490_000, 0), "562億949万".len())),
            ),
            ("三千万", Some((dec(30_000_000, 0), "三千万".len()))),
            (
                "二億五千万",
                Some((dec(250_000_000, 0), "二億五千万".len())),
            ),
            ("千二百三十四", Some((dec(1234, 0), "千二百三十四".len()))),
            ("二〇二〇", Some((dec(2020, 0), "二〇二〇".len()))),
            ("1.5億", Some((dec(150_000_000, 0), "1.5億".len()))),
            ("5千", Some((dec(5000, 0), "5千".len()))),
            ("1兆2億", Some((dec(1_000_200_000_000, 0), "1兆2億".len()))),
            ("12人", Some((dec(12, 0), 2))),
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
            value: dec(m, s),
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
    fn units() {
        let cases: Vec<(&str, Option<Unit>)> = vec![
            ("前年度予算額（千円）", Some(Unit::Yen(1000))),
            ("（千円）", Some(Unit::Yen(1000))),
            ("予算額(百万円)", Some(Unit::Yen(1_000_000))),
            ("（単位：千円）", Some(Unit::Yen(1000))),
            ("単位:円", Some(Unit::Yen(1))),
            ("（単位 億円）", Some(Unit::Yen(100_000_000))),
            ("千円", Some(Unit::Yen(1000))),
            ("円", Some(Unit::Yen(1))),
            ("兆円", Some(Unit::Yen(1_000_000_000_000))),
            ("増減率（%）", Some(Unit::Percent)),
            ("増減率（％）", Some(Unit::Percent)),
            ("％", Some(Unit::Percent)),
            ("世帯数（世帯）", Some(Unit::Count)),
            ("人口（人）/男", Some(Unit::Count)),
            ("（単位：人・世帯）", Some(Unit::Count)),
            (
                "表1 区別人口及び世帯数（平成23年10月1日現在）\n（単位：人・世帯）",
                Some(Unit::Count),
            ),
            (
                "市民局平成26年度予算の概要\n（単位：千円）",
                Some(Unit::Yen(1000)),
            ),
            ("予算額", None),
            ("増減率", None),
            ("円）", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(unit_in_text(s), want, "unit {s:?}");
        }
    }

    #[test]
    fn values_by_column_kind() {
        let k1000 = NumberKind::Amount { multiplier: 1000 };
        let cases: Vec<(&str, NumberKind, Result<Option<Value>, Unparsed>)> = vec![
            ("1,169,752", k1000, Ok(Some(Value::Int(1_169_752_000)))),
            ("△1,234", k1000, Ok(Some(Value::Int(-1_234_000)))),
            (
                "▲583",
                NumberKind::Amount {
                    multiplier: 1_000_000,
                },
                Ok(Some(Value::Int(-583_000_000))),
            ),
            ("1.5", k1000, Ok(Some(Value::Int(1500)))),
            (
                "0.5",
                NumberKind::Amount { multiplier: 1 },
                Err(Unparsed::WrongUnit),
            ),
            (
                "42 億 7,700 万円",
                k1000,
                Ok(Some(Value::Int(4_277_000_000))),
            ),
            (
                "三千万円",
                NumberKind::Amount { multiplier: 1 },
                Ok(Some(Value::Int(30_000_000))),
            ),
            (
                "千円 15,840,700",
                NumberKind::Amount { multiplier: 1 },
                Ok(Some(Value::Int(15_840_700_000))),
            ),
            ("－", k1000, Ok(None)),
            ("", k1000, Ok(None)),
            ("皆増", NumberKind::Percent, Ok(None)),
            ("5%", k1000, Err(Unparsed::WrongUnit)),
            ("abc", k1000, Err(Unparsed::NotANumber)),
            ("99,999,999,999,999,999", k1000, Err(Unparsed::Overflow)),
            ("18.4", NumberKind::Percent, Ok(Some(Value::Float(18.4)))),
            ("▲9.4", NumberKind::Percent, Ok(Some(Value::Float(-9.4)))),
            ("0.0", NumberKind::Percent, Ok(Some(Value::Float(0.0)))),
            ("3割5分", NumberKind::Percent, Ok(Some(Value::Float(35.0)))),
            ("12.5%", NumberKind::Percent, Ok(Some(Value::Float(12.5)))),
            (
                "1,293,001",
                NumberKind::Count,
                Ok(Some(Value::Int(1_293_001))),
            ),
            ("1.84", NumberKind::Count, Ok(Some(Value::Float(1.84)))),
            ("2.00", NumberKind::Count, Ok(Some(Value::Int(2)))),
            ("23件", NumberKind::Count, Ok(Some(Value::Int(23)))),
        ];
        for (s, k, want) in cases {
            assert_eq!(cell_value(s, k), want, "cell {s:?} as {k:?}");
        }
        assert_eq!(amount_yen("1,234", 1000), Some(1_234_000));
        assert_eq!(amount_yen("x", 1000), None);
    }

    #[test]
    fn decimals_to_f64_are_the_nearest() {
        assert_eq!(dec(184, 1).to_f64(), 18.4);
        assert_eq!(dec(-4, 1).to_f64(), -0.4);
        assert_eq!(dec(5, 3).to_f64(), 0.005);
        assert_eq!(dec(12, 0).to_f64(), 12.0);
    }

    #[test]
    fn a_wari_too_large_for_a_number_is_text() {
        // 38 digits parse as i128; times 100 they do not fit (was an overflow).
        let t = format!("{}割", "9".repeat(38));
        assert_eq!(parse_cell(&t), Cell::Text);
        assert_eq!(parse_wari(&t), None);
    }
}
