//! Japanese era years (和暦) to Gregorian years, and a document's fiscal year (年度, from
//! April) from its title text or file name.

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// An era: its name, its one-letter abbreviation and its first Gregorian year.
/// Year 1 (元年) of an era is its first Gregorian year.
pub const ERAS: [(&str, char, i32); 5] =
    [("明治", 'M', 1868), ("大正", 'T', 1912), ("昭和", 'S', 1926), ("平成", 'H', 1989), ("令和", 'R', 2019)];

/// The Gregorian year of era year `n` of the era named `era` (`平成`, or `H`/`h`).
pub fn era_to_gregorian(era: &str, n: i32) -> Option<i32> {
    if n < 1 {
        return None;
    }
    let era = era.trim();
    ERAS.iter()
        .find(|(name, abbr, _)| *name == era || era.chars().eq(std::iter::once(*abbr)) || era.chars().eq(std::iter::once(abbr.to_ascii_lowercase())))
        .map(|(_, _, first)| first + n - 1)
}

fn title_patterns() -> &'static [Regex; 3] {
    static RE: OnceLock<[Regex; 3]> = OnceLock::new();
    RE.get_or_init(|| {
        [
            // 平成22年度, 令和元年度, 平成２２年度 (after NFKC), with optional spaces.
            Regex::new(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*(?:\(\s*\d{4}\s*\))?\s*年\s*度").expect("valid regex"),
            // 2019年度
            Regex::new(r"((?:19|20)\d{2})\s*年\s*度").expect("valid regex"),
            // 平成22年 (a calendar year: statistics "as of" a date)
            Regex::new(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*(?:\(\s*\d{4}\s*\))?\s*年").expect("valid regex"),
        ]
    })
}

/// The fiscal year a text names first: `平成22年度` → 2010, `令和元年度` → 2019,
/// `2019年度（令和元年度）` → 2019. A bare era year (`平成30年`) counts when no 年度 is found.
pub fn fiscal_year_in_text(text: &str) -> Option<i32> {
    // Letter-spaced titles (`平 成 2 3 年 度`) are read with their spaces removed.
    let t: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let [era_fy, western_fy, era_year] = title_patterns();
    let era_match = |re: &Regex| {
        re.captures(&t).and_then(|c| {
            let n = if &c[2] == "元" { 1 } else { c[2].parse().ok()? };
            Some((c.get(0)?.start(), era_to_gregorian(&c[1], n)?))
        })
    };
    let western = western_fy.captures(&t).and_then(|c| Some((c.get(0)?.start(), c[1].parse::<i32>().ok()?)));
    match (era_match(era_fy), western) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a.1 } else { b.1 }),
        (Some(a), None) | (None, Some(a)) => Some(a.1),
        (None, None) => era_match(era_year).map(|(_, y)| y),
    }
}

/// The fiscal year a file name names: `fuji-r6-budget.pdf` → 2024, `report_h22.pdf` → 2010,
/// `budget_2019.pdf` → 2019, or any text form [`fiscal_year_in_text`] knows.
pub fn fiscal_year_in_file_name(name: &str) -> Option<i32> {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (abbr, western) = RE.get_or_init(|| {
        (
            Regex::new(r"(?i)(?:^|[^a-z])([mtshr])(\d{1,2})(?:[^0-9]|$)").expect("valid regex"),
            Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})(?:[^0-9]|$)").expect("valid regex"),
        )
    });
    if let Some(y) = fiscal_year_in_text(name) {
        return Some(y);
    }
    if let Some(c) = abbr.captures(name) {
        if let Ok(n) = c[2].parse() {
            return era_to_gregorian(&c[1], n);
        }
    }
    western.captures(name).and_then(|c| c[1].parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        assert_eq!(era_to_gregorian("平成", 18), Some(2006));
        assert_eq!(era_to_gregorian("令和", 1), Some(2019));
        assert_eq!(era_to_gregorian("H", 23), Some(2011));
        assert_eq!(era_to_gregorian("r", 2), Some(2020));
        assert_eq!(era_to_gregorian("昭和", 64), Some(1989));
        assert_eq!(era_to_gregorian("平成", 0), None);
        assert_eq!(era_to_gregorian("天平", 3), None);
    }

    #[test]
    fn fiscal_years_in_titles() {
        assert_eq!(fiscal_year_in_text("平成22年度 区政改革の取組成果"), Some(2010));
        assert_eq!(fiscal_year_in_text("都市計画局 平成１８年度予算の概要"), Some(2006));
        assert_eq!(fiscal_year_in_text("令和元年度 予算"), Some(2019));
        assert_eq!(fiscal_year_in_text("2019年度（令和元年度）"), Some(2019));
        assert_eq!(fiscal_year_in_text("区別人口・世帯数（平成30年）"), Some(2018));
        assert_eq!(fiscal_year_in_text("大阪市の推計人口（令和元年10月1日現在）"), Some(2019));
        assert_eq!(fiscal_year_in_text("平 成 2 3 年 度"), Some(2011));
        assert_eq!(fiscal_year_in_text("区別人口・世帯数（令和3（2021）年）"), Some(2021));
        assert_eq!(fiscal_year_in_text("2008年度（平成20年度） 大阪市統計書"), Some(2008));
        assert_eq!(fiscal_year_in_text("予算の概要"), None);
    }

    #[test]
    fn fiscal_years_in_file_names() {
        assert_eq!(fiscal_year_in_file_name("fuji-r6-budget-full.pdf"), Some(2024));
        assert_eq!(fiscal_year_in_file_name("seed_reform_h22.pdf"), Some(2010));
        assert_eq!(fiscal_year_in_file_name("kobe-nursery-kitaku-h30.pdf"), Some(2018));
        assert_eq!(fiscal_year_in_file_name("budget_2019.pdf"), Some(2019));
        assert_eq!(fiscal_year_in_file_name("令和2年度予算.pdf"), Some(2020));
        assert_eq!(fiscal_year_in_file_name("dev_0001.pdf"), None);
        assert_eq!(fiscal_year_in_file_name("health.pdf"), None);
    }
}
