//! Which year a column's figures belong to, from its header: this year's (`本年度予算額`,
//! `当年度決算(A)`, `当期末残高`, `当年度末`), the year before (`前年度予算額`,
//! `前年度決算(B)`, `前期末残高`, `前年度末`), a year the header names (`令和2年度`,
//! `2019年度`), or none of these (`増減`, `差異`, `備考`: the document's year).
//!
//! Reports print last year's figure beside this year's; a previous-year column and the
//! current-year column it answers differ only in the period word (`前年度決算` ↔
//! `当年度決算`, `前期末残高` ↔ `当期末残高`), which [`Period`] keeps apart from the rest.

use std::sync::OnceLock;

use regex::Regex;

use super::era::parse_fiscal_year;

/// A column's period, and its header with the period word taken out (`決算`, `末残高`,
/// `予算額`): what a previous-year column shares with its current-year counterpart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Period {
    Current(String),
    Previous(String),
    /// A fiscal year the header names.
    Year(i32),
}

/// The period words, `[periods]` of `config/defaults.toml`: each list searched in order,
/// a longer word before one it contains (`前年度` before `前年`).
fn periods() -> &'static crate::defaults::Periods {
    &crate::defaults::builtin().periods
}

/// A header in the form the period words are looked for in: NFKC, no spaces, no column
/// references such as `(A)`, `(B)`, `(A)-(B)`, `①`.
pub fn header_form(column: &str) -> String {
    static REFS: OnceLock<Regex> = OnceLock::new();
    let refs = REFS.get_or_init(|| {
        Regex::new(r"\([A-Za-z0-9]{1,2}\)(?:[-+][\(]?[A-Za-z0-9]{1,2}[\)]?)*|[①-⑳]")
            .expect("valid regex")
    });
    let t = crate::text::chars::squash(column);
    refs.replace_all(&t, "")
        .trim_matches(['-', '+'])
        .to_string()
}

/// The period of a column header, when it names one.
pub fn period(column: &str) -> Option<Period> {
    let h = header_form(column);
    // An explicit year first: `令和2年度` is that year whatever else the header says.
    if h.contains('年') {
        if let Some(y) = parse_fiscal_year(&h, None).filter(|_| has_year_number(&h)) {
            return Some(Period::Year(y));
        }
    }
    let take = |words: &[String]| {
        words.iter().find_map(|w| {
            h.find(w)
                .map(|at| format!("{}{}", &h[..at], &h[at + w.len()..]))
        })
    };
    if let Some(rest) = take(&periods().previous) {
        return Some(Period::Previous(rest));
    }
    take(&periods().current).map(Period::Current)
}

/// Whether a header holds a year number (`令和2年度`, `元年度`, `2019年`), not only a
/// period word that contains 年 (`前年度`).
fn has_year_number(h: &str) -> bool {
    h.contains("元年") || h.chars().any(|c| c.is_ascii_digit())
}

/// The fiscal year a column's figures belong to in a document of fiscal year `fy`.
pub fn value_year(column: &str, fy: Option<i32>) -> Option<i32> {
    match period(column) {
        Some(Period::Year(y)) => Some(y),
        Some(Period::Previous(_)) => fy.map(|y| y - 1),
        _ => fy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_words_are_found_and_taken_out() {
        let cur = |s: &str| Some(Period::Current(s.to_string()));
        let prev = |s: &str| Some(Period::Previous(s.to_string()));
        assert_eq!(period("当年度決算(A)"), cur("決算"));
        assert_eq!(period("前年度決算(B)"), prev("決算"));
        assert_eq!(period("前 年 度 予 算 額"), prev("予算額"));
        assert_eq!(period("本年度予算額"), cur("予算額"));
        assert_eq!(period("前期末残高"), prev("末残高"));
        assert_eq!(period("当期末残高"), cur("末残高"));
        assert_eq!(period("資産の部/前年度末"), prev("資産の部/末"));
        assert_eq!(period("資産の部/当年度末"), cur("資産の部/末"));
        assert_eq!(period("増減(A)-(B)"), None);
        assert_eq!(period("差異(A)-(B)"), None);
        assert_eq!(period("令和2年度"), Some(Period::Year(2020)));
        assert_eq!(period("令和元年度決算"), Some(Period::Year(2019)));
        assert_eq!(period("2019年度"), Some(Period::Year(2019)));
    }

    #[test]
    fn a_previous_year_column_holds_last_years_figures() {
        assert_eq!(value_year("前年度決算(B)", Some(2020)), Some(2019));
        assert_eq!(value_year("当年度決算(A)", Some(2020)), Some(2020));
        assert_eq!(value_year("増減(A)-(B)", Some(2020)), Some(2020));
        assert_eq!(value_year("平成30年度", Some(2020)), Some(2018));
        assert_eq!(value_year("前年度", None), None);
    }
}
