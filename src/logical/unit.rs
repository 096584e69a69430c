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
                crate::text::marks::is_negative_mark(c)
                    || crate::text::chars::is_digit(c)
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

/// The unit a note names (`（単位：千円）`, `ア 職員 (単位 千円）`): the unit word right
/// after `単位`.
pub(crate) fn note_unit<'a>(text: &str, s: &'a LogicalSettings) -> Option<&'a str> {
    let t = super::text::squash(text);
    let (_, after) = t.split_once("単位")?;
    let after = after.trim_start_matches([':', '：', '=', '＝']);
    s.unit_words
        .iter()
        .filter(|u| !u.is_empty() && after.starts_with(u.as_str()))
        .max_by_key(|u| u.len())
        .map(String::as_str)
}

/// Each table's [`note_unit`](super::LogicalTable::note_unit): the unit its caption's note
/// names, else (rule `unit_note_carries_down`) the note of the table above. A page's unit
/// note (`（単位：千円）`) printed once above the first of several tables stacked under one
/// another (a 給与費明細書's 総括 and the blocks of its 職員手当等の内訳) holds for the
/// tables below it: a table with no caption and no unit of its own, starting within
/// `unit_carry_max_gap` points under the bottom of the table before it on the same page,
/// takes that table's note unit.
pub(crate) fn carry_unit_notes(tables: &mut [super::LogicalTable], s: &LogicalSettings) {
    for t in tables.iter_mut() {
        t.note_unit = t
            .caption
            .as_deref()
            .and_then(|c| note_unit(c, s))
            .map(str::to_string);
    }
    for i in 1..tables.len() {
        let (done, rest) = tables.split_at_mut(i);
        let (Some(prev), Some(t)) = (done.last(), rest.first_mut()) else {
            continue;
        };
        let own = t.caption.is_some()
            || t.units.iter().any(Option::is_some)
            || t.header_rows.iter().flatten().any(|h| h.contains("単位"));
        let same_page = prev.pages.last().is_some() && prev.pages.last() == t.pages.first();
        let prev_bottom = prev
            .rows
            .iter()
            .filter(|r| Some(&r.page) == prev.pages.last())
            .map(|r| r.bbox.bottom)
            .fold(f64::NEG_INFINITY, f64::max);
        let near =
            t.bbox.top - prev_bottom <= s.unit_carry_max_gap && t.bbox.top >= prev_bottom - 1.0;
        if !own && same_page && near {
            t.note_unit.clone_from(&prev.note_unit);
        }
    }
}

/// Rule `unit_under_label`: a header cell may print its column's unit on a line of its
/// own under the label (`職員数` with `人` under it, in a budget book's 給与費明細書); the
/// cell's text runs them together (`職員数人`). When the lowest line of the cell's `words`
/// lies wholly below the others and is a bare unit word (no brackets), the unit is
/// the column's and the label is the text without it. Returns (unit, label).
pub(crate) fn unit_under_label<'a>(
    words: &[&crate::layout::Word],
    text: &str,
    s: &'a LogicalSettings,
) -> Option<(&'a str, String)> {
    let last = words
        .iter()
        .max_by(|a, b| a.bbox.cy().total_cmp(&b.bbox.cy()))?;
    let (top, bottom) = (last.bbox.top, last.bbox.bottom);
    let mid = (top + bottom) / 2.0;
    let (line, above): (Vec<&&crate::layout::Word>, Vec<&&crate::layout::Word>) = words
        .iter()
        .partition(|w| w.bbox.top < mid && w.bbox.bottom > mid);
    if above.is_empty()
        || above
            .iter()
            .any(|w| w.bbox.bottom > top + s.unit_line_max_overlap * (bottom - top))
    {
        return None;
    }
    let mut line = line;
    line.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let line_text: String = line.iter().map(|w| w.text.as_str()).collect::<String>();
    // A bracketed unit (`（千円）`, or the `円）` a wrapped `（百万円）` leaves) is part of
    // the label as printed; only a bare unit word is a unit line.
    let unit = s
        .unit_words
        .iter()
        .find(|u| u.as_str() == line_text.trim())?;
    let label = text.trim_end().strip_suffix(line_text.trim())?.trim_end();
    (!label.is_empty()).then(|| (unit.as_str(), label.to_string()))
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

    fn word(text: &str, x0: f64, top: f64) -> crate::layout::Word {
        crate::table::testutil::w(text, x0, top)
    }

    #[test]
    fn a_note_names_its_unit() {
        let s = LogicalSettings::default();
        assert_eq!(note_unit("（単位：千円）", &s), Some("千円"));
        assert_eq!(
            note_unit("ア 職員以外の職員 (単位 千円）", &s),
            Some("千円")
        );
        assert_eq!(note_unit("単位：人", &s), Some("人"));
        assert_eq!(note_unit("給与費明細書", &s), None);
    }

    #[test]
    fn a_unit_on_the_last_line_of_a_header_cell_is_the_columns() {
        let s = LogicalSettings::default();
        let (a, b) = (word("職員数", 100.0, 10.0), word("人", 125.0, 24.0));
        assert_eq!(
            unit_under_label(&[&a, &b], "職員数人", &s),
            Some(("人", "職員数".to_string()))
        );
        let b = word("千円", 110.0, 24.0);
        assert_eq!(
            unit_under_label(&[&a, &b], "職員数千円", &s),
            Some(("千円", "職員数".to_string()))
        );
        // A bracketed unit, or the end of a wrapped one, is the label's.
        let b = word("(千円)", 110.0, 24.0);
        assert_eq!(unit_under_label(&[&a, &b], "職員数(千円)", &s), None);
        let b = word("円）", 110.0, 24.0);
        assert_eq!(unit_under_label(&[&a, &b], "職員数(百万円）", &s), None);
        // A word on the same line, a second line of words or a label alone stay the label.
        let b = word("人", 131.0, 10.0);
        assert_eq!(unit_under_label(&[&a, &b], "職員数人", &s), None);
        let b = word("人数", 110.0, 24.0);
        assert_eq!(unit_under_label(&[&a, &b], "職員数人数", &s), None);
        assert_eq!(unit_under_label(&[&a], "職員数", &s), None);
    }
}
