//! Unit rows: budget books print the unit of each amount column (`千円`) in small type
//! under the header, on a line of its own at the top of the first body cells, with no
//! rule below it; so the grid either has a row of units or glues them onto the first
//! data row (`千円 16,203,500`). Either way the unit belongs to the column, not to a row.
//!
//! Rule `unit_row`: among the first `unit_row_max_depth` rows of a part, the first row in
//! which at least `unit_row_min_cells` cells start with a unit word on its own (`千円`
//! alone, or followed by a number), or one cell is a unit before a number (a table of one
//! amount column), is the unit row. Every cell of it that
//! starts with a unit word gives that unit to its column and loses it; a row left blank
//! is dropped.

use super::part::WorkRow;
use super::settings::LogicalSettings;

/// The unit word `text` starts with and the rest after it, when the unit stands alone
/// (`千円`, `千円 946`, `千円△354`) or, with `glued`, is run into Japanese text
/// (`千円まちづくり…`, a unit line joined to a 説明 box's first line); never before other
/// words (`% of national turnover`).
pub(crate) fn unit_prefix<'a>(
    text: &'a str,
    s: &'a LogicalSettings,
    glued: bool,
) -> Option<(&'a str, &'a str)> {
    let t = text.trim_start();
    s.unit_words
        .iter()
        .filter(|u| !u.is_empty())
        .filter_map(|u| t.strip_prefix(u.as_str()).map(|rest| (u.as_str(), rest)))
        // The longest unit first (`千円` before `円`).
        .max_by_key(|(u, _)| u.len())
        .map(|(u, rest)| (u, rest.trim_start()))
        .filter(|(_, rest)| {
            rest.chars().next().is_none_or(|c| {
                matches!(c, '△' | '▲' | '-' | '－' | '−' | '―' | '0'..='9' | '０'..='９')
                    || (glued && super::text::is_cjk(c))
            })
        })
}

/// Finds and removes the unit row of a part's rows (see the module comment); returns
/// each column's unit (`None` where the row has none).
pub(crate) fn take_unit_row(rows: &mut Vec<WorkRow>, s: &LogicalSettings) -> Vec<Option<String>> {
    let n = rows.iter().map(|r| r.slots.len()).max().unwrap_or(0);
    let mut units = vec![None; n];
    // A table with one amount column prints one unit, over its first number.
    let lone_unit_before_number = |r: &WorkRow| {
        let units: Vec<&str> = r
            .slots
            .iter()
            .filter_map(|sl| unit_prefix(&sl.text, s, false))
            .map(|(_, rest)| rest)
            .collect();
        units.len() == 1 && units.iter().all(|rest| super::text::is_numeric(rest))
    };
    let found = rows.iter().take(s.unit_row_max_depth).position(|r| {
        r.slots
            .iter()
            .filter(|sl| unit_prefix(&sl.text, s, false).is_some())
            .count()
            >= s.unit_row_min_cells
            || lone_unit_before_number(r)
    });
    let Some(i) = found else {
        return units;
    };
    let Some(r) = rows.get(i) else {
        return units;
    };
    let mut stripped = r.clone();
    let mut from_unit_cell = vec![false; n];
    for (k, sl) in stripped.slots.iter_mut().enumerate() {
        if let Some((u, rest)) = unit_prefix(&sl.text, s, true) {
            if let Some(x) = units.get_mut(k) {
                *x = Some(u.to_string());
            }
            if let Some(f) = from_unit_cell.get_mut(k) {
                *f = !rest.is_empty();
            }
            sl.text = rest.to_string();
        }
    }
    // What is left must be the first data row run into the units (a number, or the rest
    // of a cell that began with its unit); labels beside bare units (`$000's` | `%`) are
    // a header row of units and labels, left to the header.
    let data_left = stripped.nonempty().iter().any(|&k| {
        from_unit_cell.get(k) == Some(&true) || super::text::is_numeric(stripped.text(k))
    });
    if stripped.is_blank() {
        rows.remove(i);
    } else if data_left {
        stripped.units_taken = true;
        rows[i] = stripped;
    } else {
        return vec![None; n];
    }
    units
}

#[cfg(test)]
mod tests {
    use super::super::part::grid_rows;
    use super::super::part::testutil::grid;
    use super::*;

    #[test]
    fn unit_row_of_its_own_is_dropped() {
        let s = LogicalSettings::default();
        let g = grid(
            1,
            &[
                &["款", "本年度", "前年度"],
                &["", "千円", "千円"],
                &["1 市税", "100", "90"],
            ],
            &[],
        );
        let mut rows = grid_rows(&g, 0);
        let units = take_unit_row(&mut rows, &s);
        assert_eq!(
            units,
            vec![None, Some("千円".to_string()), Some("千円".to_string())]
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].texts(), vec!["1 市税", "100", "90"]);
    }

    #[test]
    fn unit_line_glued_to_the_first_row_is_taken_off() {
        let s = LogicalSettings::default();
        let g = grid(
            1,
            &[
                &["目", "本年度", "比較", "説明"],
                &[
                    "1 総務使用料",
                    "千円 946",
                    "千円△354",
                    "千円まちづくりセンター使用料 500",
                ],
                &["2 民生使用料", "137,190", "△2,360", "保育料 132,038"],
            ],
            &[],
        );
        let mut rows = grid_rows(&g, 0);
        let units = take_unit_row(&mut rows, &s);
        assert_eq!(units[0], None);
        assert_eq!(units[3].as_deref(), Some("千円"));
        assert_eq!(
            rows[1].texts(),
            vec![
                "1 総務使用料",
                "946",
                "△354",
                "まちづくりセンター使用料 500"
            ]
        );
    }

    #[test]
    fn words_starting_with_a_unit_are_no_unit_row() {
        let s = LogicalSettings::default();
        // 人件費 starts with 人, 円滑化 with 円: no unit alone, no unit row.
        let g = grid(
            1,
            &[
                &["区分", "金額"],
                &["人件費", "100"],
                &["円滑化事業", "200"],
            ],
            &[],
        );
        let mut rows = grid_rows(&g, 0);
        let units = take_unit_row(&mut rows, &s);
        assert!(units.iter().all(Option::is_none));
        assert_eq!(rows.len(), 3);
        // A unit before words is a label.
        let g = grid(
            1,
            &[&["", "% of turnover", "% of stores"], &["A", "1", "2"]],
            &[],
        );
        let mut rows = grid_rows(&g, 0);
        assert!(take_unit_row(&mut rows, &s).iter().all(Option::is_none));
        // Units beside labels (a header row of sub-labels) are left to the header.
        let g = grid(
            1,
            &[
                &["Loan", "Amount", "", ""],
                &["", "$000's", "%", "%"],
                &["A", "1", "2", "3"],
            ],
            &[],
        );
        let mut rows = grid_rows(&g, 0);
        assert!(take_unit_row(&mut rows, &s).iter().all(Option::is_none));
        assert_eq!(rows[1].texts(), vec!["", "$000's", "%", "%"]);
        // One unit cell alone is no unit row either.
        let g = grid(1, &[&["区分", "金額"], &["職員数", "人"]], &[]);
        let mut rows = grid_rows(&g, 0);
        assert!(take_unit_row(&mut rows, &s).iter().all(Option::is_none));
        // But a table of one amount column prints its one unit over its first number.
        let g = grid(1, &[&["款", "金額"], &["1 市税", "千円 49,286,300"]], &[]);
        let mut rows = grid_rows(&g, 0);
        assert_eq!(take_unit_row(&mut rows, &s)[1].as_deref(), Some("千円"));
        assert_eq!(rows[1].texts(), vec!["1 市税", "49,286,300"]);
    }
}
