//! Typed values of number columns: a cell as `text::cell::parse_cell` reads it
//! (`1,234`, `▲1,234`, `42 億 7,700 万円`, `3割5分`, `38事業`, dashes as null) becomes
//! integer yen, a percent or a count by its column's kind ([`cell_value`]); units come
//! from a header (`（千円）`, `前年度予算額（千円）`) or a table note (`（単位：千円）`)
//! ([`unit_in_text`]).
//!
//! Money never goes through floats: numbers are exact decimals (`Decimal`, an `i128`
//! mantissa and a power-of-ten scale) until they become integer yen.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use crate::text::cell::{parse_cell, parse_numeral, yen_multiplier, Cell, CellUnit, Unit};
use crate::text::chars::squash;
pub use crate::text::figure::Decimal;

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
        assert_eq!(Decimal::new(184, 1).to_f64(), 18.4);
        assert_eq!(Decimal::new(-4, 1).to_f64(), -0.4);
        assert_eq!(Decimal::new(5, 3).to_f64(), 0.005);
        assert_eq!(Decimal::new(12, 0).to_f64(), 12.0);
    }
}
