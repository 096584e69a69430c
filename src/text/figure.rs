//! The one reader of printed figures: a run of Arabic digits with grouping commas and a
//! decimal point ([`digits`]), and a cell that prints one figure with its sign and an
//! optional `%` ([`figure`]). Values are exact decimals ([`Decimal`]); money never goes
//! through floats. `normalize::number` reads kanji numerals and units around the same
//! [`digits`]; the logical stage, the OCR repairs and the kind matcher ask [`figure`].

use super::chars::squash;
use super::marks::is_negative_mark;

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

/// Scales beyond this many decimal places are not numbers a table prints.
pub const MAX_SCALE: u32 = 12;

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    pub fn int(n: i128) -> Decimal {
        Decimal {
            mantissa: n,
            scale: 0,
        }
    }

    /// `mantissa / 10^scale`.
    pub const fn new(mantissa: i128, scale: u32) -> Decimal {
        Decimal { mantissa, scale }
    }

    fn rescale(self, scale: u32) -> Option<Decimal> {
        if scale < self.scale {
            return None;
        }
        let f = 10i128.checked_pow(scale - self.scale)?;
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(f)?,
            scale,
        })
    }

    pub fn checked_add(self, o: Decimal) -> Option<Decimal> {
        let s = self.scale.max(o.scale);
        let (a, b) = (self.rescale(s)?, o.rescale(s)?);
        Some(Decimal {
            mantissa: a.mantissa.checked_add(b.mantissa)?,
            scale: s,
        })
    }

    /// Times an integer (a unit multiplier).
    pub fn checked_mul_int(self, k: i128) -> Option<Decimal> {
        Some(
            Decimal {
                mantissa: self.mantissa.checked_mul(k)?,
                scale: self.scale,
            }
            .reduce(),
        )
    }

    pub fn negated(self) -> Decimal {
        Decimal {
            mantissa: -self.mantissa,
            scale: self.scale,
        }
    }

    /// Trailing zero decimals dropped: `1.50` → `1.5`, `2.0` → `2`.
    pub fn reduce(mut self) -> Decimal {
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    /// The integer value, if the decimal is one.
    pub fn to_integer(self) -> Option<i128> {
        let d = self.reduce();
        (d.scale == 0).then_some(d.mantissa)
    }

    pub fn to_f64(self) -> f64 {
        // Through the decimal text, so 18.4 reads as the nearest f64 to 18.4.
        let d = self.reduce();
        if d.scale == 0 {
            return d.mantissa as f64;
        }
        let neg = d.mantissa < 0;
        let digits = d.mantissa.unsigned_abs().to_string();
        let s = d.scale as usize;
        let padded = if digits.len() <= s {
            format!("{}{}", "0".repeat(s + 1 - digits.len()), digits)
        } else {
            digits
        };
        let (i, f) = padded.split_at(padded.len() - s);
        let v: f64 = format!("{i}.{f}").parse().unwrap_or(f64::NAN);
        if neg {
            -v
        } else {
            v
        }
    }
}

/// An Arabic run as printed: its value (scale = decimals printed, not reduced) and whether
/// it grouped thousands with commas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digits {
    pub decimal: Decimal,
    pub grouped: bool,
}

/// Reads the Arabic run at the start of `s`: ASCII digits, commas grouping thousands
/// (the first group one to three digits, every later one three), one decimal point. A
/// comma or point not followed by a digit ends the run. Returns the run and the bytes
/// read; `None` when `s` does not start with a digit, the grouping is broken (`1,23`,
/// `1234,567`), or the number is too long to hold.
pub fn digits(s: &str) -> Option<(Digits, usize)> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let digit_at = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let mut int_digits = String::new();
    let mut frac = String::new();
    let mut seen_point = false;
    let mut group_len = 0usize;
    let mut saw_comma = false;
    let mut j = 0;
    while j < b.len() {
        let d = b[j];
        if d.is_ascii_digit() {
            if seen_point {
                frac.push(d as char);
            } else {
                int_digits.push(d as char);
                group_len += 1;
            }
        } else if d == b',' && !seen_point && digit_at(j + 1) {
            if (saw_comma && group_len != 3) || (!saw_comma && group_len > 3) {
                return None;
            }
            saw_comma = true;
            group_len = 0;
        } else if d == b'.' && !seen_point && digit_at(j + 1) {
            seen_point = true;
        } else {
            break;
        }
        j += 1;
    }
    if saw_comma && group_len != 3 {
        return None;
    }
    let scale = u32::try_from(frac.len()).ok().filter(|&s| s <= MAX_SCALE)?;
    let mantissa: i128 = format!("{int_digits}{frac}").parse().ok()?;
    Some((
        Digits {
            decimal: Decimal { mantissa, scale },
            grouped: saw_comma,
        },
        j,
    ))
}

/// A cell that prints one figure: `1,234`, `▲5.2`, `△12`, `+3`, `18.4%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    /// Signed; its scale is the number of decimals printed.
    pub value: Decimal,
    pub grouped: bool,
    pub percent: bool,
}

impl Figure {
    /// Decimals printed (`12.50` has 2).
    pub fn decimals(&self) -> u32 {
        self.value.scale
    }
    pub fn to_f64(&self) -> f64 {
        self.value.to_f64()
    }
}

/// Reads a cell printing one figure and nothing else (after NFKC, whitespace ignored):
/// an optional negative mark ([`is_negative_mark`]: `▲`, `△`, `-` …) or `+`, an Arabic
/// run ([`digits`]), an optional `%`. Placeholders (`－`), kanji numerals and units are
/// not figures: `normalize::number` reads those.
pub fn figure(s: &str) -> Option<Figure> {
    let t = squash(s);
    let first = t.chars().next()?;
    let (negative, rest) = if is_negative_mark(first) {
        (true, &t[first.len_utf8()..])
    } else if first == '+' {
        (false, &t[1..])
    } else {
        (false, t.as_str())
    };
    let (rest, percent) = match rest.strip_suffix('%') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (d, used) = digits(rest)?;
    if used != rest.len() {
        return None;
    }
    Some(Figure {
        value: if negative {
            d.decimal.negated()
        } else {
            d.decimal
        },
        grouped: d.grouped,
        percent,
    })
}

/// A figure as [`figure`] reads it, or, failing that, with its commas ignored: a
/// European decimal comma (`0,1`, `0,0001` in the ICDAR tables) or a comma a recognizer
/// put in the wrong place (`1,23`) still prints a number. For telling number columns from
/// text ones; its value is the digits read without the commas.
pub fn figure_commas_ignored(s: &str) -> Option<Figure> {
    figure(s).or_else(|| {
        let t = squash(s);
        t.contains(',')
            .then(|| figure(&t.replace(',', "")))
            .flatten()
    })
}

/// A word made of figure characters alone (digits, separators, signs, brackets, `%`, a
/// currency sign), with at least one digit: a number, or a piece of one, as a text
/// layer or a recognizer splits it (`(1,234)`, `▲12`, `5%`, `$3`).
pub fn figure_chars_only(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if super::chars::is_digit(c) {
            digits += 1;
        } else if !(is_negative_mark(c) || ",.%+()，．％（）$€£*＊".contains(c)) {
            return false;
        }
    }
    digits > 0
}

/// A unit word printed after a figure as a word of its own (`8,786,632 円`, `12 人`,
/// `3.4 %`): a yen unit of `config/defaults.toml` (`円`, `千円`, …) or one of its counters.
pub fn unit_after_figure(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return false;
    }
    let units = &crate::defaults::builtin().units;
    t == "%"
        || t == "％"
        || t.strip_suffix('円')
            .is_some_and(|k| units.yen.contains_key(k))
        || units.counters.iter().any(|c| c == t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_words_after_figures() {
        for t in ["円", "千円", "百万円", "人", "件", "%", "％"] {
            assert!(unit_after_figure(t), "{t}");
        }
        for t in ["", "円高", "計", "1,234", "万"] {
            assert!(!unit_after_figure(t), "{t}");
        }
    }

    fn d(m: i128, s: u32) -> Decimal {
        Decimal {
            mantissa: m,
            scale: s,
        }
    }

    #[test]
    fn runs_of_digits() {
        let g = |s: &str| digits(s).map(|(x, n)| (x.decimal, x.grouped, n));
        assert_eq!(g("1,234円"), Some((d(1234, 0), true, 5)));
        assert_eq!(g("12.50"), Some((d(1250, 2), false, 5)));
        assert_eq!(g("3."), Some((d(3, 0), false, 1)));
        assert_eq!(g("1,234,"), Some((d(1234, 0), true, 5)));
        assert_eq!(g("1,23"), None);
        assert_eq!(g("1234,567"), None);
        assert_eq!(g("x1"), None);
        assert_eq!(g(&"9".repeat(60)), None);
    }

    #[test]
    fn figures() {
        let f = |s: &str| figure(s).map(|x| (x.value, x.grouped, x.percent));
        assert_eq!(f("1,234"), Some((d(1234, 0), true, false)));
        assert_eq!(f("▲ 5.2"), Some((d(-52, 1), false, false)));
        assert_eq!(f("△12"), Some((d(-12, 0), false, false)));
        assert_eq!(f("－３"), Some((d(-3, 0), false, false)));
        assert_eq!(f("+3"), Some((d(3, 0), false, false)));
        assert_eq!(f("18.4％"), Some((d(184, 1), false, true)));
        for t in ["", "－", "三千", "12千円", "1,23", "1.2.3", "12a", "%"] {
            assert_eq!(figure(t), None, "{t}");
        }
        assert_eq!(figure("12.50").map(|x| x.decimals()), Some(2));
    }

    #[test]
    fn commas_ignored_when_they_do_not_group() {
        let f = |s: &str| figure_commas_ignored(s).map(|x| x.value);
        assert_eq!(f("0,0001"), Some(d(1, 0)));
        assert_eq!(f("1,23"), Some(d(123, 0)));
        assert_eq!(f("1,234"), Some(d(1234, 0)));
        assert_eq!(f("1,2a"), None);
        assert_eq!(figure("0,0001"), None);
    }

    #[test]
    fn words_of_figure_characters() {
        for t in ["1,234", "(12)", "▲5", "５％", "$3", "12-3"] {
            assert!(figure_chars_only(t), "{t}");
        }
        for t in ["", "－", "12円", "a1", "%"] {
            assert!(!figure_chars_only(t), "{t}");
        }
    }
}
