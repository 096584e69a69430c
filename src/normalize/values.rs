//! Typed values of a logical table: which columns are numeric, which unit each takes,
//! and each cell's number (integer yen after the unit, integer counts, float percent).
//!
//! A column is numeric when most of its non-empty body cells read as numbers. Its unit
//! comes from its own header (`前年度予算額（千円）`, a unit row `千円`), else a unit note
//! in the headers or the caption (`（単位：千円）`), else a yen column of the same table
//! (`増減` beside two `（千円）` columns counts in 千円 too). Percent columns are named so
//! (`（%）`, `率`) or write `%` in their cells.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::limits::SettingError;

use super::number::{
    cell_value, parse_cell, unit_in_text, Cell, CellUnit, NumberKind, Unit, Unparsed, Value,
};
use crate::logical::{LogicalTable, RowKind};

/// Thresholds of value typing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValueSettings {
    /// Header words that make a column a percent column when its header names no other
    /// unit (regex). Default: `settings.values.percent_header` of `config/defaults.toml`.
    pub percent_header: String,
    /// Header words of a count column: it does not take a yen unit from a table note or a
    /// neighbour (regex). Default: `settings.values.count_header` of
    /// `config/defaults.toml` (which says why `歳` is not among them).
    pub count_header: String,
}

impl Default for ValueSettings {
    fn default() -> Self {
        ValueSettings {
            percent_header: crate::defaults::compiled()
                .settings
                .values
                .percent_header
                .clone(),
            count_header: crate::defaults::compiled()
                .settings
                .values
                .count_header
                .clone(),
        }
    }
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Text,
    Number(NumberKind),
}

impl ColumnType {
    /// The unit a typed value of this column is in: `円`, `%`, or empty for counts and text.
    pub fn unit_name(self) -> &'static str {
        match self {
            ColumnType::Number(NumberKind::Amount { .. }) => "円",
            ColumnType::Number(NumberKind::Percent) => "%",
            _ => "",
        }
    }
}

/// A cell of a numeric column that could not be read: its raw text stays, its value is null.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnparsedCell {
    pub row: usize,
    pub col: usize,
    pub text: String,
    pub reason: Unparsed,
}

/// A table's values.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedTable {
    /// One per column.
    pub columns: Vec<ColumnType>,
    /// One list per row (parallel to `rows`), one value per column.
    pub values: Vec<Vec<Option<Value>>>,
    pub unparsed: Vec<UnparsedCell>,
}

struct Patterns {
    percent: Option<Regex>,
    count: Option<Regex>,
}

fn patterns(s: &ValueSettings) -> Patterns {
    // Invalid patterns in settings disable the rule rather than panic; `validate` reports them.
    Patterns {
        percent: Regex::new(&s.percent_header).ok(),
        count: Regex::new(&s.count_header).ok(),
    }
}

impl ValueSettings {
    /// Checks the patterns compile.
    pub fn validate(&self) -> Result<(), SettingError> {
        for (key, pattern) in [
            ("percent_header", &self.percent_header),
            ("count_header", &self.count_header),
        ] {
            Regex::new(pattern).map_err(|e| SettingError::new(key, e.to_string()))?;
        }
        Ok(())
    }
}

/// The header texts of column `c`: the flattened name, then each header row's cell.
fn header_texts(t: &LogicalTable, c: usize) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    if let Some(n) = t.columns.get(c) {
        v.push(n);
    }
    for r in &t.header_rows {
        if let Some(h) = r.get(c) {
            v.push(h);
        }
    }
    v
}

/// The unit a column's own header names; parts that are table notes (`（単位：千円）`
/// caught in a header row) are left to [`table_unit`].
fn header_unit(t: &LogicalTable, c: usize) -> Option<Unit> {
    let printed = t
        .units
        .get(c)
        .and_then(|u| u.as_deref())
        .and_then(unit_in_text);
    printed.or_else(|| {
        header_texts(t, c)
            .into_iter()
            .flat_map(|h| h.split('/'))
            .filter(|p| !p.contains("単位"))
            .find_map(unit_in_text)
    })
}

/// The unit a table note names: the logical stage's note unit (its caption's, or carried
/// down from the table above), the caption, or a header cell that says `単位`.
pub fn table_unit(t: &LogicalTable) -> Option<Unit> {
    if let Some(u) = t.note_unit.as_deref().and_then(unit_in_text) {
        return Some(u);
    }
    let notes = t
        .header_rows
        .iter()
        .flatten()
        .chain(t.columns.iter())
        .filter(|h| h.contains("単位"))
        .map(String::as_str);
    t.caption
        .as_deref()
        .into_iter()
        .chain(notes)
        .filter(|s| s.contains("単位"))
        .find_map(unit_in_text)
}

fn is_body(kind: RowKind) -> bool {
    kind != RowKind::Section
}

/// Types every column and reads every cell.
pub fn typed_table(t: &LogicalTable, s: &ValueSettings) -> TypedTable {
    let columns = column_types(t, s);
    read_values(t, columns)
}

/// Whether a table has no header at all (a continuation printed without one).
fn headerless(t: &LogicalTable) -> bool {
    t.header_rows
        .iter()
        .flatten()
        .chain(t.columns.iter())
        .all(|h| h.trim().is_empty())
}

/// The typed tables of a document. A table without any header that has as many columns
/// as the table before it continues it (a page printed without repeating the header):
/// its numeric columns take that table's types and units.
pub fn typed_tables(tables: &[LogicalTable], s: &ValueSettings) -> Vec<TypedTable> {
    let mut out: Vec<TypedTable> = Vec::with_capacity(tables.len());
    let mut prev: Option<Vec<ColumnType>> = None;
    for t in tables {
        let mut columns = column_types(t, s);
        if headerless(t) {
            if let Some(p) = prev.as_ref().filter(|p| p.len() == columns.len()) {
                for (c, pc) in columns.iter_mut().zip(p) {
                    if let (ColumnType::Number(_), ColumnType::Number(_)) = (*c, *pc) {
                        *c = *pc;
                    }
                }
            }
        }
        prev = Some(columns.clone());
        out.push(read_values(t, columns));
    }
    out
}

/// The type of each column of a table.
pub fn column_types(t: &LogicalTable, s: &ValueSettings) -> Vec<ColumnType> {
    let p = patterns(s);
    let n_cols = t
        .columns
        .len()
        .max(t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
    let note = table_unit(t);
    let own: Vec<Option<Unit>> = (0..n_cols).map(|c| header_unit(t, c)).collect();

    let mut columns = vec![ColumnType::Text; n_cols];
    for c in 0..n_cols {
        let cells: Vec<Cell> = t
            .rows
            .iter()
            .filter(|r| is_body(r.kind))
            .filter_map(|r| r.cells.get(c))
            .map(|x| parse_cell(x))
            .collect();
        // Whether the column holds numbers was decided once, by the logical stage.
        if !t.numeric.get(c).copied().unwrap_or(false) {
            continue;
        }
        let numbers = cells
            .iter()
            .filter(|x| matches!(x, Cell::Number { .. }))
            .count();
        let percent_cells = cells
            .iter()
            .filter(|x| {
                matches!(
                    x,
                    Cell::Number {
                        unit: Some(CellUnit::Percent),
                        ..
                    }
                )
            })
            .count();
        let yen_cells = cells
            .iter()
            .filter(|x| {
                matches!(
                    x,
                    Cell::Number {
                        unit: Some(CellUnit::Yen(_)),
                        ..
                    }
                )
            })
            .count();
        // A unit row in the body (`千円` alone), or a unit before a number
        // (`千円 15,840,700`, the unit row run into the first row) is the column's unit.
        let lead_unit = cells.iter().find_map(|x| match x {
            Cell::Number {
                unit: Some(CellUnit::Yen(m)),
                ..
            } if *m > 1 => Some(*m),
            Cell::Unit(Unit::Yen(m)) => Some(*m),
            _ => None,
        });
        let header = header_texts(t, c).join("/");
        let named = |re: &Option<Regex>| {
            re.as_ref()
                .is_some_and(|re| re.is_match(&super::text::normalize_text(&header)))
        };
        let kind = match own[c] {
            Some(Unit::Yen(m)) => NumberKind::Amount { multiplier: m },
            Some(Unit::Percent) => NumberKind::Percent,
            Some(Unit::Count) => NumberKind::Count,
            None if percent_cells * 2 > numbers || named(&p.percent) => NumberKind::Percent,
            None if lead_unit.is_some() => NumberKind::Amount {
                multiplier: lead_unit.unwrap_or(1),
            },
            None if yen_cells * 2 > numbers => NumberKind::Amount { multiplier: 1 },
            None if named(&p.count) => NumberKind::Count,
            None => match note {
                Some(Unit::Yen(m)) => NumberKind::Amount { multiplier: m },
                Some(Unit::Percent) => NumberKind::Percent,
                Some(Unit::Count) => NumberKind::Count,
                None => match neighbour_yen(&own, c) {
                    Some(m) => NumberKind::Amount { multiplier: m },
                    None => NumberKind::Count,
                },
            },
        };
        columns[c] = ColumnType::Number(kind);
    }
    columns
}

/// Every cell read as its column's type (types decided elsewhere, e.g. taken from the
/// table a headerless continuation continues).
pub fn read_values(t: &LogicalTable, columns: Vec<ColumnType>) -> TypedTable {
    let n_cols = columns.len();
    let mut values = Vec::with_capacity(t.rows.len());
    let mut unparsed = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        let mut row = vec![None; n_cols];
        if is_body(r.kind) {
            for (c, ty) in columns.iter().enumerate() {
                let (ColumnType::Number(kind), Some(text)) = (ty, r.cells.get(c)) else {
                    continue;
                };
                match cell_value(text, *kind) {
                    Ok(v) => row[c] = v,
                    Err(reason) => unparsed.push(UnparsedCell {
                        row: ri,
                        col: c,
                        text: text.clone(),
                        reason,
                    }),
                }
            }
        }
        values.push(row);
    }
    TypedTable {
        columns,
        values,
        unparsed,
    }
}

/// The yen multiplier of the nearest column naming one, left first.
fn neighbour_yen(own: &[Option<Unit>], c: usize) -> Option<i64> {
    let yen = |u: &Option<Unit>| match u {
        Some(Unit::Yen(m)) => Some(*m),
        _ => None,
    };
    own[..c]
        .iter()
        .rev()
        .find_map(yen)
        .or_else(|| own.get(c + 1..).and_then(|r| r.iter().find_map(yen)))
}

/// The `values` of `nenpo extract --format json`: one list per row, parallel to its cells.
pub fn table_values(t: &LogicalTable) -> Vec<Vec<Option<serde_json::Number>>> {
    json_values(&typed_table(t, &ValueSettings::default()))
}

/// The `values` of every table of a document (see [`typed_tables`]).
pub fn document_values(tables: &[LogicalTable]) -> Vec<Vec<Vec<Option<serde_json::Number>>>> {
    typed_tables(tables, &ValueSettings::default())
        .iter()
        .map(json_values)
        .collect()
}

/// A typed table's values as JSON numbers.
pub fn json_values(tt: &TypedTable) -> Vec<Vec<Option<serde_json::Number>>> {
    tt.values
        .iter()
        .map(|r| r.iter().map(|v| v.and_then(Value::to_json)).collect())
        .collect()
}

/// Whether a header names an amount (for kinds and reports): `予算額`, `増減`, `決算`.
pub fn looks_like_amount_header(h: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"額|増減|予算|決算|金|費|税").expect("valid regex"))
        .is_match(h)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::logical::Row;
    use crate::table::Strategy;

    pub(crate) fn table(
        columns: &[&str],
        header_rows: &[&[&str]],
        caption: Option<&str>,
        rows: &[(&[&str], RowKind)],
    ) -> LogicalTable {
        let mut t = LogicalTable {
            numeric: Vec::new(),
            units: Vec::new(),
            note_unit: None,
            diagnostics: Vec::new(),
            pages: vec![1],
            bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
            mode: Strategy::Lattice,
            header_rows: header_rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|(cells, kind)| Row {
                    cells: cells.iter().map(|s| s.to_string()).collect(),
                    section: Vec::new(),
                    kind: *kind,
                    page: 1,
                    pages: vec![1],
                    bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
                    spanned_from_above: Vec::new(),
                })
                .collect(),
            spans: Vec::new(),
            caption: caption.map(str::to_string),
        };
        t.decide_numeric(&crate::logical::LogicalSettings::default());
        t
    }

    fn ints(v: &[Option<i64>]) -> Vec<Option<Value>> {
        v.iter().map(|x| x.map(Value::Int)).collect()
    }

    use RowKind::{Data, Section, Subtotal, Total};

    #[test]
    fn budget_table_with_units_in_headers() {
        // dev_0004 (歳入): 増減 takes 千円 from its neighbours, 増減率（%） is a float.
        let t = table(
            &[
                "科目",
                "前年度予算額（千円）",
                "本年度予算額（千円）",
                "増減",
                "増減率（%）",
            ],
            &[],
            Some("（歳入）"),
            &[
                (
                    &["利子割交付金", "1,169,752", "1,384,873", "215,121", "18.4"],
                    Data,
                ),
                (
                    &[
                        "地方消費税交付金",
                        "27,600,487",
                        "25,005,122",
                        "▲2,595,365",
                        "▲9.4",
                    ],
                    Data,
                ),
                (&["新規交付金", "－", "6,342", "6,342", "－"], Data),
                (
                    &["歳入合計", "43,968,502", "40,545,994", "▲3,422,508", "▲7.8"],
                    Total,
                ),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(tt.columns[0], ColumnType::Text);
        assert_eq!(
            tt.columns[3],
            ColumnType::Number(NumberKind::Amount { multiplier: 1000 })
        );
        assert_eq!(tt.columns[4], ColumnType::Number(NumberKind::Percent));
        assert_eq!(
            tt.values[0],
            vec![
                None,
                Some(Value::Int(1_169_752_000)),
                Some(Value::Int(1_384_873_000)),
                Some(Value::Int(215_121_000)),
                Some(Value::Float(18.4))
            ]
        );
        assert_eq!(tt.values[1][3], Some(Value::Int(-2_595_365_000)));
        assert_eq!(tt.values[1][4], Some(Value::Float(-9.4)));
        assert_eq!(
            tt.values[2],
            vec![
                None,
                None,
                Some(Value::Int(6_342_000)),
                Some(Value::Int(6_342_000)),
                None
            ]
        );
        assert_eq!(tt.values[3][1], Some(Value::Int(43_968_502_000)));
        assert!(tt.unparsed.is_empty());
    }

    #[test]
    fn unit_from_a_note_and_sections() {
        // dev_0051: (単位：千円) in the caption, △ negatives, 皆増, section rows.
        let t = table(
            &[
                "事業名",
                "予算額/前年度",
                "予算額/本年度当初",
                "増減",
                "増減率（%）",
            ],
            &[
                &["事業名", "予算額", "予算額", "増減", "増減率（%）"],
                &["事業名", "前年度", "本年度当初", "増減", "増減率（%）"],
            ],
            Some("市民局平成26年度予算の概要\n（単位：千円）"),
            &[
                (&["1 総務費", "", "", "", ""], Section),
                (
                    &["統計調査関係事業", "－", "2,494,795", "2,494,795", "皆増"],
                    Data,
                ),
                (
                    &[
                        "男女共同参画推進事業費",
                        "10,427,114",
                        "10,386,509",
                        "△40,605",
                        "△0.4",
                    ],
                    Data,
                ),
                (
                    &["小計", "36,805,393", "32,178,814", "△4,626,579", "△12.6"],
                    Subtotal,
                ),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(tt.values[0], vec![None; 5]);
        assert_eq!(
            tt.values[1],
            vec![
                None,
                None,
                Some(Value::Int(2_494_795_000)),
                Some(Value::Int(2_494_795_000)),
                None
            ]
        );
        assert_eq!(tt.values[2][3], Some(Value::Int(-40_605_000)));
        assert_eq!(tt.values[2][4], Some(Value::Float(-0.4)));
        assert_eq!(tt.values[3][1], Some(Value::Int(36_805_393_000)));
    }

    #[test]
    fn unit_note_in_a_header_row_and_no_percent_sign() {
        // dev_0038: the note landed in a header row; 増減率 without (%).
        let t = table(
            &[
                "事業名",
                "前年度予算額",
                "本年度予算額",
                "増減",
                "（単位：千円）/増減率",
            ],
            &[
                &["", "", "", "", "（単位：千円）"],
                &["事業名", "前年度予算額", "本年度予算額", "増減", "増減率"],
            ],
            None,
            &[
                (
                    &["情報公開推進整備事業", "49,308", "51,299", "1,991", "4.0"],
                    Data,
                ),
                (&["統計調査推進事業", "808", "753", "▲55", "▲6.8"], Data),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(
            tt.values[0],
            vec![
                None,
                Some(Value::Int(49_308_000)),
                Some(Value::Int(51_299_000)),
                Some(Value::Int(1_991_000)),
                Some(Value::Float(4.0))
            ]
        );
        assert_eq!(tt.values[1][3], Some(Value::Int(-55_000)));
    }

    #[test]
    fn statistics_counts_and_ratios() {
        // dev_0001: counts stay counts under (単位：人・世帯); 1.84 persons is a float.
        let t = table(
            &[
                "区 名",
                "人口/男",
                "人口/女",
                "人口/総数",
                "世帯数（世帯）",
                "1世帯当たり人員",
            ],
            &[],
            Some("表1 区別人口及び世帯数（平成30年10月1日現在）\n（単位：人・世帯）"),
            &[
                (
                    &[
                        "合計",
                        "1,293,001",
                        "1,365,464",
                        "2,658,465",
                        "1,443,111",
                        "1.84",
                    ],
                    Total,
                ),
                (
                    &["北区", "61,374", "65,265", "126,639", "81,723", "2.00"],
                    Data,
                ),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(
            tt.values[0][..5],
            ints(&[
                None,
                Some(1_293_001),
                Some(1_365_464),
                Some(2_658_465),
                Some(1_443_111)
            ])[..]
        );
        assert_eq!(tt.values[0][5], Some(Value::Float(1.84)));
        assert_eq!(tt.values[1][5], Some(Value::Int(2)));
        // Percent by name.
        let t = table(
            &["区名", "65歳以上", "高齢化率（%）"],
            &[],
            None,
            &[(&["北区", "42,123", "33.3"], Data)],
        );
        assert_eq!(
            typed_table(&t, &ValueSettings::default()).values[0],
            vec![None, Some(Value::Int(42_123)), Some(Value::Float(33.3))]
        );
    }

    #[test]
    fn count_columns_do_not_take_a_yen_note() {
        let t = table(
            &["事業", "件数", "金額"],
            &[],
            Some("（単位：千円）"),
            &[(&["a", "12", "1,000"], Data), (&["b", "3", "2,500"], Data)],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(tt.values[0], ints(&[None, Some(12), Some(1_000_000)]));
    }

    #[test]
    fn text_columns_and_unparsed_cells() {
        let t = table(
            &["課題", "取組", "予算（千円）"],
            &[],
            None,
            &[
                (&["1 見直し", "事業仕分けを実施した", "1,000"], Data),
                (&["2 公開", "公開を開始（26年4月）", "2,000"], Data),
                (&["3 改善", "改善した", "未定"], Data),
                (&["4 評価", "評価した", "3,000"], Data),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(tt.columns[..2], [ColumnType::Text, ColumnType::Text]);
        assert_eq!(tt.values[0], ints(&[None, None, Some(1_000_000)]));
        assert_eq!(tt.values[2], ints(&[None, None, None]));
        assert_eq!(
            tt.unparsed,
            vec![UnparsedCell {
                row: 2,
                col: 2,
                text: "未定".into(),
                reason: Unparsed::NotANumber
            }]
        );
    }

    #[test]
    fn unit_row_and_cell_units() {
        // Fuji: a unit row 千円 under the headers; a cell written with its own 円.
        let t = table(
            &["目", "本年度予算額", "前年度予算額", "比較"],
            &[
                &["目", "本年度予算額", "前年度予算額", "比較"],
                &["", "千円", "千円", "千円"],
            ],
            None,
            &[
                (&["1 個人", "15,840,700", "14,297,700", "1,543,000"], Data),
                (&["2 法人", "2,580,200", "2,441,300", "138,900"], Data),
                (&["計", "18,420,900", "16,739,000", "1,681,900"], Total),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(
            tt.values[0],
            ints(&[
                None,
                Some(15_840_700_000),
                Some(14_297_700_000),
                Some(1_543_000_000)
            ])
        );
        // The unit row run into the first body row.
        let t = table(
            &["目", "本年度予算額", "比較"],
            &[],
            None,
            &[
                (&["1 個人", "千円 15,840,700", "千円 1,543,000"], Data),
                (&["2 法人", "2,580,200", "△64,700"], Data),
            ],
        );
        assert_eq!(
            typed_table(&t, &ValueSettings::default()).values,
            vec![
                ints(&[None, Some(15_840_700_000), Some(1_543_000_000)]),
                ints(&[None, Some(2_580_200_000), Some(-64_700_000)])
            ]
        );
        // The unit row as a body row of its own.
        let t = table(
            &["目", "本年度予算額"],
            &[],
            None,
            &[
                (&["", "千円"], Data),
                (&["2 交付金", "55,000"], Data),
                (&["計", "55,000"], Total),
            ],
        );
        let tt = typed_table(&t, &ValueSettings::default());
        assert_eq!(
            tt.values,
            vec![
                ints(&[None, None]),
                ints(&[None, Some(55_000_000)]),
                ints(&[None, Some(55_000_000)])
            ]
        );
        assert!(tt.unparsed.is_empty());
        let t = table(
            &["項目", "金額"],
            &[],
            None,
            &[
                (&["a", "42 億 7,700 万円"], Data),
                (&["b", "三千万円"], Data),
            ],
        );
        assert_eq!(
            typed_table(&t, &ValueSettings::default()).values,
            vec![
                ints(&[None, Some(4_277_000_000)]),
                ints(&[None, Some(30_000_000)])
            ]
        );
    }

    #[test]
    fn json_numbers() {
        let t = table(
            &["a", "b（千円）", "率"],
            &[],
            None,
            &[(&["x", "1", "2.5"], Data)],
        );
        let v = table_values(&t);
        assert_eq!(
            serde_json::to_string(&v).unwrap_or_default(),
            "[[null,1000,2.5]]"
        );
    }

    #[test]
    fn value_typing_takes_the_number_columns_the_logical_stage_decided() {
        let mut t = table(
            &["項目", "人数"],
            &[],
            None,
            &[
                (&["A", "38事業"], RowKind::Data),
                (&["B", "12"], RowKind::Data),
                (&["C", "－"], RowKind::Data),
            ],
        );
        assert_eq!(t.numeric, vec![false, true]);
        assert_eq!(
            typed_table(&t, &ValueSettings::default()).columns[1],
            ColumnType::Number(NumberKind::Count)
        );
        // Value typing does not count again: a column the table calls text stays text.
        t.numeric = vec![false, false];
        assert_eq!(
            typed_table(&t, &ValueSettings::default()).columns[1],
            ColumnType::Text
        );
    }

    #[test]
    fn settings_validate() {
        assert!(ValueSettings::default().validate().is_ok());
        assert!(ValueSettings {
            percent_header: "(".into(),
            ..Default::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn headerless_continuations_take_the_units_before() {
        let first = table(
            &["事業名", "前年度（千円）", "本年度（千円）", "増減率"],
            &[],
            None,
            &[(&["a", "1,000", "1,100", "10.0"], Data)],
        );
        let cont = table(
            &["", "", "", ""],
            &[],
            None,
            &[(&["b", "2,000", "1,800", "▲10.0"], Data)],
        );
        let other = table(&["", "", ""], &[], None, &[(&["c", "5", "6"], Data)]);
        let tt = typed_tables(
            &[first.clone(), cont.clone(), other],
            &ValueSettings::default(),
        );
        assert_eq!(
            tt[1].values[0],
            vec![
                None,
                Some(Value::Int(2_000_000)),
                Some(Value::Int(1_800_000)),
                Some(Value::Float(-10.0))
            ]
        );
        // A different shape: no inheritance.
        assert_eq!(tt[2].values[0], ints(&[None, Some(5), Some(6)]));
        // Alone, the continuation reads raw counts.
        assert_eq!(
            typed_table(&cont, &ValueSettings::default()).values[0][1],
            Some(Value::Int(2_000))
        );
        assert_eq!(document_values(&[first, cont]).len(), 2);
    }
}
