//! Japanese era years (和暦) to Gregorian years, era dates with their boundaries (平成
//! starts 1989-01-08, 令和 2019-05-01), and a document's fiscal year (年度, from April)
//! from its title text or file name.
//!
//! Written here rather than taken from a crate: `wareki-conv` (0.2) needs nightly
//! (`#![feature(test)]`), parses only whole dates and pulls in chrono; none of the crates
//! resolves a bare `18年4月` against a report's era or knows 年度.

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// The Gregorian year of era year `n` of the era named `era` (`平成`, `H`/`h`: any form
/// [`era_named`] reads).
pub fn era_to_gregorian(era: &str, n: i32) -> Option<i32> {
    if n < 1 {
        return None;
    }
    era_named(era).map(|e| e.start.0 + n - 1)
}

/// An era with the day it began (year, month, day). Dates before that day belong to the
/// era before; year 1 (元年) of an era is its first Gregorian year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub abbr: char,
    pub start: (i32, u32, u32),
}

/// The eras, oldest first: `[[eras]]` of `config/defaults.toml` (validated there: at
/// least one, dates in order, names and abbreviations distinct).
pub fn eras() -> &'static [Era] {
    static ERAS: OnceLock<Vec<Era>> = OnceLock::new();
    ERAS.get_or_init(|| {
        crate::defaults::builtin()
            .eras
            .iter()
            .filter_map(|e| {
                Some(Era {
                    name: e.name.as_str(),
                    abbr: e.abbr,
                    start: e.start_date()?,
                })
            })
            .collect()
    })
}

/// The era names as a regex alternation (`明治|大正|…`), each escaped.
pub fn era_names_pattern() -> String {
    eras()
        .iter()
        .map(|e| regex::escape(e.name))
        .collect::<Vec<_>>()
        .join("|")
}

/// An era by name (`平成`), abbreviation (`H`, `h`), one-kanji form (`平`) or ligature
/// (`㍻`, `㋿`).
pub fn era_named(s: &str) -> Option<&'static Era> {
    let t: String = s.trim().nfkc().collect();
    eras().iter().find(|e| {
        t == e.name
            || t.chars().eq(std::iter::once(e.abbr))
            || t.chars().eq(std::iter::once(e.abbr.to_ascii_lowercase()))
            || e.name
                .chars()
                .next()
                .is_some_and(|c| t.chars().eq(std::iter::once(c)))
    })
}

/// The era in force on a day.
pub fn era_on(year: i32, month: u32, day: u32) -> &'static Era {
    let eras = eras();
    eras.iter()
        .rev()
        .find(|e| (year, month, day) >= e.start)
        .or(eras.first())
        .unwrap_or(&NO_ERA)
}

/// Stands for the first era when the table is empty, which `config/defaults.toml`'s check
/// forbids: the functions returning an era never panic.
const NO_ERA: Era = Era {
    name: "",
    abbr: '?',
    start: (1, 1, 1),
};

/// The era whose year `n` lies nearest to `year` (a report's own year): a bare `31年`
/// in a 2019 report is 平成31 (2019), a bare `2年` is 令和2 (2020).
pub fn era_near(n: i32, year: i32) -> &'static Era {
    eras()
        .iter()
        .min_by_key(|e| ((e.start.0 + n - 1) - year).abs())
        .unwrap_or(&NO_ERA)
}

/// A date read from text; month and day when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EraDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// The text said 年度: `year` is then a fiscal year (April to March).
    pub fiscal: bool,
}

impl EraDate {
    /// The fiscal year the date falls in (年度 runs from April): 2007-03 → 2006. A date
    /// without a month is taken as its own fiscal year.
    pub fn fiscal_year(&self) -> i32 {
        if self.fiscal {
            return self.year;
        }
        match self.month {
            Some(m) if m < 4 => self.year - 1,
            _ => self.year,
        }
    }
}

/// The fiscal year (April to March) of a calendar month.
pub fn fiscal_year_of(year: i32, month: u32) -> i32 {
    if month < 4 {
        year - 1
    } else {
        year
    }
}

fn date_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The era: its name, its first character (`平`), its abbreviation (`H`, `h`).
        let firsts: String = eras()
            .iter()
            .filter_map(|e| e.name.chars().next())
            .map(|c| regex::escape(&c.to_string()))
            .collect();
        let abbrs: String = eras()
            .iter()
            .flat_map(|e| [e.abbr, e.abbr.to_ascii_lowercase()])
            .collect();
        let pattern = r"(?x)
            (?: (?P<era>{names}|[{firsts}]|[{abbrs}]) \s* )?
            (?P<year>元|\d{1,4}) \s*
            (?: (?P<sep>[.\-/]) \s* (?P<m1>\d{1,2}) (?: \s* [.\-/] \s* (?P<d1>\d{1,2}) )?
              | 年 \s* (?P<fy>度)? (?: \s* (?P<m2>\d{1,2}) \s* 月 (?: \s* (?P<d2>\d{1,2}) \s* 日 )? )?
            )?"
        .replace("{names}", &era_names_pattern())
        .replace("{firsts}", &firsts)
        .replace("{abbrs}", &abbrs);
        Regex::new(&pattern).expect("valid regex")
    })
}

/// The first date in a text: `平成18年4月1日`, `H18.4.1`, `R2`, `㋿2年`, `令和元年度`,
/// `2006年4月`; a bare `18年4月` takes the era `context` (the report's era) and is
/// `None` without one. `年度` makes a fiscal year. A date before its era began (平成元年1月7日)
/// is `None`; a date after its era ended (平成31年5月, printed before the change) is
/// kept, as documents do.
pub fn parse_date(text: &str, context: Option<&Era>) -> Option<EraDate> {
    let t: String = text.nfkc().collect();
    for c in date_pattern().captures_iter(&t) {
        let era = c.name("era").map(|m| m.as_str());
        let year_text = &c["year"];
        let has_year_word =
            c.name("sep").is_none() && c.get(0).is_some_and(|m| m.as_str().contains('年'));
        // A bare number is a date only with 年 or an era; `H18.4.1` needs the era.
        if era.is_none() && !has_year_word {
            continue;
        }
        if c.name("sep").is_some() && era.is_none() {
            continue;
        }
        let n: i32 = if year_text == "元" {
            1
        } else {
            year_text.parse().ok()?
        };
        let month: Option<u32> = c
            .name("m1")
            .or(c.name("m2"))
            .and_then(|m| m.as_str().parse().ok());
        let day: Option<u32> = c
            .name("d1")
            .or(c.name("d2"))
            .and_then(|m| m.as_str().parse().ok());
        if month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
        {
            continue;
        }
        let fiscal = c.name("fy").is_some();
        let year = match era.and_then(era_named) {
            Some(e) => {
                if !(1..=99).contains(&n) {
                    continue;
                }
                let y = e.start.0 + n - 1;
                // Before the era began: not a real date.
                if (y, month.unwrap_or(12), day.unwrap_or(31)) < e.start {
                    continue;
                }
                y
            }
            None if n >= 1000 => n,
            None => {
                let Some(e) = context else { continue };
                if !(1..=99).contains(&n) {
                    continue;
                }
                e.start.0 + n - 1
            }
        };
        return Some(EraDate {
            year,
            month,
            day,
            fiscal,
        });
    }
    None
}

/// The fiscal year a text names: `平成18年度` → 2006, `18年度` in a 平成 report → 2006,
/// `平成19年3月` → 2006 (March closes fiscal 2006).
pub fn parse_fiscal_year(text: &str, context: Option<&Era>) -> Option<i32> {
    parse_date(text, context).map(|d| d.fiscal_year())
}

fn title_patterns() -> &'static [Regex; 4] {
    static RE: OnceLock<[Regex; 4]> = OnceLock::new();
    RE.get_or_init(|| {
        let names = era_names_pattern();
        [
            // 平成22年度, 令和元年度, 平成２２年度 (after NFKC), with optional spaces.
            Regex::new(
                &r"({names})\s*(元|\d{1,2})\s*(?:\(\s*\d{4}\s*\))?\s*年\s*度"
                    .replace("{names}", &names),
            )
            .expect("valid regex"),
            // 2019年度
            Regex::new(r"((?:19|20)\d{2})\s*年\s*度").expect("valid regex"),
            // 平成22年 (a calendar year: statistics "as of" a date)
            Regex::new(
                &r"({names})\s*(元|\d{1,2})\s*(?:\(\s*\d{4}\s*\))?\s*年".replace("{names}", &names),
            )
            .expect("valid regex"),
            // (2007年) — a calendar year, not the start of a date (`2007年10月`)
            Regex::new(r"((?:19|20)\d{2})\s*年(?:[^度\d]|$)").expect("valid regex"),
        ]
    })
}

/// The fiscal year a text names first: `平成22年度` → 2010, `令和元年度` → 2019,
/// `2019年度（令和元年度）` → 2019. A bare era year (`平成30年`) counts when no 年度 is found
/// (the fiscal year of its month when it starts a date: `平成31年3月31日現在` → 2018),
/// and a bare calendar year (`区別人口（2007年）`, not a date) when nothing else is.
pub fn fiscal_year_in_text(text: &str) -> Option<i32> {
    // Letter-spaced titles (`平 成 2 3 年 度`) are read with their spaces removed.
    let t = crate::text::chars::squash(text);
    let [era_fy, western_fy, era_year, western_year] = title_patterns();
    // Every match with its span; a range (`平成18年度～平成22年度`) names its last year.
    // A bare era year that starts a date (`平成31年3月31日現在`, a balance sheet's day)
    // names the fiscal year that month falls in: March closes the year before.
    let month_after = |end: usize| -> Option<u32> {
        let rest = t.get(end..)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let m: u32 = digits.parse().ok()?;
        (rest[digits.len()..].starts_with('月') && (1..=12).contains(&m)).then_some(m)
    };
    let era_matches = |re: &Regex| -> Vec<(usize, usize, i32)> {
        re.captures_iter(&t)
            .filter_map(|c| {
                let n = if &c[2] == "元" {
                    1
                } else {
                    c[2].parse().ok()?
                };
                let m = c.get(0)?;
                let year = era_to_gregorian(&c[1], n)?;
                let fy = match month_after(m.end()) {
                    Some(month) if !m.as_str().ends_with('度') => fiscal_year_of(year, month),
                    _ => year,
                };
                Some((m.start(), m.end(), fy))
            })
            .collect()
    };
    let western: Vec<(usize, usize, i32)> = western_fy
        .captures_iter(&t)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some((m.start(), m.end(), c[1].parse::<i32>().ok()?))
        })
        .collect();
    let mut all = era_matches(era_fy);
    all.extend(western);
    all.sort();
    if all.is_empty() {
        all = era_matches(era_year);
    }
    if all.is_empty() {
        all = western_year
            .captures_iter(&t)
            .filter_map(|c| {
                let m = c.get(1)?;
                Some((m.start(), m.end(), c[1].parse::<i32>().ok()?))
            })
            .collect();
    }
    let mut i = 0;
    while i + 1 < all.len() {
        let between = t.get(all[i].1..all[i + 1].0).unwrap_or("x");
        let is_range =
            !between.is_empty() && between.chars().all(|c| "～〜~-－―ー‐から".contains(c));
        if !is_range {
            break;
        }
        i += 1;
    }
    all.get(i).map(|m| m.2)
}

/// The fiscal year a file name names: `fuji-r6-budget.pdf` → 2024, `report_h22.pdf` → 2010,
/// `budget_2019.pdf` → 2019, or any text form [`fiscal_year_in_text`] knows.
pub fn fiscal_year_in_file_name(name: &str) -> Option<i32> {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (abbr, western) = RE.get_or_init(|| {
        (
            Regex::new(&format!(
                r"(?i)(?:^|[^a-z])([{}])(\d{{1,2}})(?:[^0-9]|$)",
                eras().iter().map(|e| e.abbr).collect::<String>()
            ))
            .expect("valid regex"),
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
        assert_eq!(
            fiscal_year_in_text("平成22年度 区政改革の取組成果"),
            Some(2010)
        );
        assert_eq!(
            fiscal_year_in_text("都市計画局 平成１８年度予算の概要"),
            Some(2006)
        );
        assert_eq!(fiscal_year_in_text("令和元年度 予算"), Some(2019));
        assert_eq!(fiscal_year_in_text("2019年度（令和元年度）"), Some(2019));
        assert_eq!(
            fiscal_year_in_text("区別人口・世帯数（平成30年）"),
            Some(2018)
        );
        assert_eq!(
            fiscal_year_in_text("大阪市の推計人口（令和元年10月1日現在）"),
            Some(2019)
        );
        assert_eq!(fiscal_year_in_text("平 成 2 3 年 度"), Some(2011));
        assert_eq!(
            fiscal_year_in_text("区別人口・世帯数（令和3（2021）年）"),
            Some(2021)
        );
        assert_eq!(
            fiscal_year_in_text("2008年度（平成20年度） 大阪市統計書"),
            Some(2008)
        );
        assert_eq!(
            fiscal_year_in_text("市政改革の取組成果（平成18年度～平成22年度）"),
            Some(2010)
        );
        assert_eq!(fiscal_year_in_text("平成18年度から平成22年度"), Some(2010));
        assert_eq!(fiscal_year_in_text("予算の概要"), None);
        // A statement dated at the end of March closes the fiscal year before.
        assert_eq!(
            fiscal_year_in_text("財産目録 ( 平成31年 3月31日現在 )"),
            Some(2018)
        );
        assert_eq!(
            fiscal_year_in_text("（自 平成29年 4月 1日 至 平成30年 3月31日 ）"),
            Some(2017)
        );
        assert_eq!(fiscal_year_in_text("区別人口・世帯数(2007年)"), Some(2007));
        assert_eq!(fiscal_year_in_text("2007年10月1日現在"), None, "a date");
    }

    #[test]
    fn fiscal_years_in_file_names() {
        assert_eq!(
            fiscal_year_in_file_name("fuji-r6-budget-full.pdf"),
            Some(2024)
        );
        assert_eq!(fiscal_year_in_file_name("seed_reform_h22.pdf"), Some(2010));
        assert_eq!(
            fiscal_year_in_file_name("kobe-nursery-kitaku-h30.pdf"),
            Some(2018)
        );
        assert_eq!(fiscal_year_in_file_name("budget_2019.pdf"), Some(2019));
        assert_eq!(fiscal_year_in_file_name("令和2年度予算.pdf"), Some(2020));
        assert_eq!(fiscal_year_in_file_name("dev_0001.pdf"), None);
        assert_eq!(fiscal_year_in_file_name("health.pdf"), None);
    }
    #[test]
    fn era_lookup() {
        let name = |s: &str| era_named(s).map(|e| e.name);
        for (s, want) in [
            ("平成", Some("平成")),
            ("H", Some("平成")),
            ("h", Some("平成")),
            ("平", Some("平成")),
            ("㍻", Some("平成")),
            ("㋿", Some("令和")),
            ("R", Some("令和")),
            ("Ｒ", Some("令和")),
            ("昭", Some("昭和")),
            ("X", None),
            ("天平", None),
        ] {
            assert_eq!(name(s), want, "{s}");
        }
        assert_eq!(era_on(1989, 1, 7).name, "昭和");
        assert_eq!(era_on(1989, 1, 8).name, "平成");
        assert_eq!(era_on(2019, 4, 30).name, "平成");
        assert_eq!(era_on(2019, 5, 1).name, "令和");
        assert_eq!(era_on(1912, 7, 29).name, "明治");
        assert_eq!(era_on(1926, 12, 25).name, "昭和");
        assert_eq!(era_near(31, 2019).name, "平成");
        assert_eq!(era_near(2, 2020).name, "令和");
        assert_eq!(era_near(18, 2006).name, "平成");
        assert_eq!(era_near(60, 1985).name, "昭和");
    }

    #[test]
    fn dates() {
        let heisei = era_named("平成");
        let d = |year, month, day, fiscal| {
            Some(EraDate {
                year,
                month,
                day,
                fiscal,
            })
        };
        let cases: Vec<(&str, Option<&Era>, Option<EraDate>)> = vec![
            ("平成18年4月1日", None, d(2006, Some(4), Some(1), false)),
            ("平成１８年４月", None, d(2006, Some(4), None, false)),
            ("18年4月", heisei, d(2006, Some(4), None, false)),
            ("18年4月", None, None),
            (
                "・オープンデータの公開を開始（26年4月）",
                heisei,
                d(2014, Some(4), None, false),
            ),
            ("(27年3月～)", heisei, d(2015, Some(3), None, false)),
            ("26年度の評価対象事業数", heisei, d(2014, None, None, true)),
            ("H23", None, d(2011, None, None, false)),
            ("H18.4.1", None, d(2006, Some(4), Some(1), false)),
            ("R2", None, d(2020, None, None, false)),
            ("㋿2年", None, d(2020, None, None, false)),
            ("令和元年度", None, d(2019, None, None, true)),
            ("令和元年5月1日", None, d(2019, Some(5), Some(1), false)),
            ("令和元年4月30日", None, None),
            ("平成元年1月7日", None, None),
            ("平成元年1月8日", None, d(1989, Some(1), Some(8), false)),
            ("平成31年5月", None, d(2019, Some(5), None, false)),
            ("昭和64年1月7日", None, d(1989, Some(1), Some(7), false)),
            ("2006年4月", None, d(2006, Some(4), None, false)),
            ("2019年度（令和元年度）", None, d(2019, None, None, true)),
            ("18.4.1", heisei, None),
            ("13月", heisei, None),
            ("予算の概要", heisei, None),
        ];
        for (text, ctx, want) in cases {
            assert_eq!(parse_date(text, ctx), want, "text {text:?}");
        }
    }

    #[test]
    fn fiscal_years() {
        let heisei = era_named("平成");
        assert_eq!(parse_fiscal_year("平成18年度", None), Some(2006));
        assert_eq!(parse_fiscal_year("18年度", heisei), Some(2006));
        assert_eq!(parse_fiscal_year("平成19年3月", None), Some(2006));
        assert_eq!(parse_fiscal_year("平成19年4月", None), Some(2007));
        assert_eq!(parse_fiscal_year("令和2年1月", None), Some(2019));
        assert_eq!(fiscal_year_of(2020, 3), 2019);
        assert_eq!(fiscal_year_of(2020, 4), 2020);
        assert_eq!(fiscal_year_of(2020, 12), 2020);
    }
}
