//! Whole-stage tests of [`assemble`](super::assemble) on hand-made grids: a reform report
//! over two pages (repeated header, cut row, spanning 課題, sections), a budget table with
//! sections, subtotals and a total, a ward table with a two-level header and an unlabeled
//! total, separate tables, a header-less table.

use super::part::testutil::{grid, grid_at};
use super::*;

/// The tables of [`super::assemble`] (these tests read tables; diagnostics have their own).
fn assemble(pages: &[PageGrids<'_>], s: &LogicalSettings) -> Vec<LogicalTable> {
    super::assemble(pages, s).tables
}

fn page(n: usize) -> PageLayout {
    PageLayout {
        number: n,
        width: 842.0,
        height: 595.0,
        ..Default::default()
    }
}

/// The tables of one page holding one grid, with the default settings.
fn one_grid(layout: &PageLayout, g: Grid) -> Vec<LogicalTable> {
    assemble(
        &[PageGrids {
            layout,
            grids: vec![g],
        }],
        &LogicalSettings::default(),
    )
}

/// The tables of several pages, each with its grids, with the default settings.
fn on_pages(pages: Vec<(&PageLayout, Vec<Grid>)>) -> Vec<LogicalTable> {
    let pages: Vec<PageGrids<'_>> = pages
        .into_iter()
        .map(|(layout, grids)| PageGrids { layout, grids })
        .collect();
    assemble(&pages, &LogicalSettings::default())
}

fn cells(t: &LogicalTable) -> Vec<Vec<String>> {
    t.rows.iter().map(|r| r.cells.clone()).collect()
}

const HDR: [&str; 4] = ["課 題", "具体的取組", "取組成果", "主な実績"];

#[test]
fn reform_report_over_two_pages() {
    let (l1, l2) = (page(1), page(2));
    let g1 = grid(
        1,
        &[
            &HDR,
            &["", "", "とすることを目標に", ""],
            &["II 区政改革", "", "", ""],
            &[
                "1 区の自律経営",
                "①区長への権限",
                "予算規則の一部を改正し",
                "・区長の公募",
            ],
            &[
                "",
                "②政策形成",
                "区として取り組むべき検討課題を立案し、意見の活",
                "・出前講座を全区にて実施（20年度",
            ],
        ],
        &[(2, 0, 1, 4), (3, 0, 2, 1)],
    );
    let g2 = grid(
        2,
        &[
            &["課題", "具体的取組", "取組成果", "主な実績"],
            &["", "", "用、区のホームページ。\n(3) 効率性", "～）"],
            &[
                "2 地域に応じた業務",
                "① 新たな業務単位",
                "サービス窓口",
                "・市税事務所",
            ],
            &["", "② 地域活動", "未来わがまち", "・各区"],
        ],
        &[(2, 0, 2, 1)],
    );
    let pages = [
        PageGrids {
            layout: &l1,
            grids: vec![g1],
        },
        PageGrids {
            layout: &l2,
            grids: vec![g2],
        },
    ];
    let t = assemble(&pages, &LogicalSettings::default());
    assert_eq!(t.len(), 1, "one table over two pages");
    let t = &t[0];
    assert_eq!(t.pages, vec![1, 2]);
    assert_eq!(
        t.header_rows,
        vec![HDR.iter().map(|s| s.to_string()).collect::<Vec<_>>()]
    );
    assert_eq!(t.columns, HDR.to_vec());
    let c = cells(t);
    assert_eq!(c.len(), 6);
    assert_eq!(c[0], vec!["", "", "とすることを目標に", ""]);
    assert_eq!(t.rows[0].section, Vec::<String>::new());
    assert_eq!(t.rows[1].kind, RowKind::Section);
    assert_eq!(t.rows[1].cells[0], "II 区政改革");
    assert_eq!(t.rows[2].section, vec!["II 区政改革", "1 区の自律経営"]);
    // The ② row joined across the break, its 課題 filled down.
    assert_eq!(
        c[3],
        vec![
            "1 区の自律経営",
            "②政策形成",
            "区として取り組むべき検討課題を立案し、意見の活用、区のホームページ。\n(3) 効率性",
            "・出前講座を全区にて実施（20年度～）"
        ]
    );
    assert_eq!(t.rows[3].pages, vec![1, 2]);
    assert_eq!(t.rows[3].spanned_from_above, vec![0]);
    assert_eq!(t.rows[4].section, vec!["II 区政改革", "2 地域に応じた業務"]);
    assert_eq!(c[5][0], "2 地域に応じた業務");
    assert_eq!(t.rows[5].spanned_from_above, vec![0]);
    assert_eq!(t.rows[5].page, 2);
    assert_eq!(
        t.spans,
        vec![
            Span {
                row: 1,
                col: 0,
                rowspan: 1,
                colspan: 4
            },
            Span {
                row: 2,
                col: 0,
                rowspan: 2,
                colspan: 1
            },
            Span {
                row: 4,
                col: 0,
                rowspan: 2,
                colspan: 1
            },
        ]
    );
}

#[test]
fn spanning_cell_continued_on_next_page_is_filled_down() {
    let (l1, l2) = (page(1), page(2));
    let g1 = grid(
        1,
        &[
            &HDR,
            &[
                "1 外郭団体",
                "①統廃合",
                "成果の文。",
                "・出資法人の経営評価を実施\n・外郭団体の統廃合を実施",
            ],
        ],
        &[],
    );
    // The 課題 cell continues empty at the top of page 2; a new item starts there.
    let g2 = grid(
        2,
        &[
            &["", "②関与の見直し", "別の成果", "・評価"],
            &[
                "2 公共施設",
                "①施設",
                "施設の利用状況を公表",
                "・学校施設の開放",
            ],
        ],
        &[],
    );
    let pages = [
        PageGrids {
            layout: &l1,
            grids: vec![g1],
        },
        PageGrids {
            layout: &l2,
            grids: vec![g2],
        },
    ];
    let t = assemble(&pages, &LogicalSettings::default());
    assert_eq!(t.len(), 1);
    let t = &t[0];
    assert_eq!(
        cells(t)[1],
        vec!["1 外郭団体", "②関与の見直し", "別の成果", "・評価"]
    );
    assert_eq!(t.rows[1].spanned_from_above, vec![0]);
    assert_eq!(t.rows[1].pages, vec![2]);
    assert_eq!(
        t.spans,
        vec![Span {
            row: 0,
            col: 0,
            rowspan: 2,
            colspan: 1
        }]
    );
}

#[test]
fn budget_table_sections_subtotals_total() {
    let l1 = page(1);
    let g = grid(
        1,
        &[
            &["事業名", "前年度", "本年度"],
            &["1　民生費", "", ""],
            &["地域福祉", "3,735", "3,863"],
            &["小計", "3,735", "3,863"],
            &["2　労働費", "", ""],
            &["就労支援", "100", "90"],
            &["計", "100", "90"],
            &["総 計", "3,835", "3,953"],
        ],
        &[],
    );
    let t = one_grid(&l1, g);
    let t = &t[0];
    let kinds: Vec<RowKind> = t.rows.iter().map(|r| r.kind).collect();
    use RowKind::*;
    assert_eq!(
        kinds,
        vec![Section, Data, Subtotal, Section, Data, Subtotal, Total]
    );
    assert_eq!(t.rows[1].section, vec!["1　民生費"]);
    assert_eq!(t.rows[2].section, vec!["1　民生費"]);
    assert_eq!(t.rows[4].section, vec!["2　労働費"]);
    assert_eq!(t.rows[6].section, Vec::<String>::new());
    assert_eq!(
        t.spans,
        vec![
            Span {
                row: 0,
                col: 0,
                rowspan: 1,
                colspan: 3
            },
            Span {
                row: 3,
                col: 0,
                rowspan: 1,
                colspan: 3
            }
        ]
    );
}

#[test]
fn ward_table_two_level_header_and_unlabeled_total() {
    let l1 = page(1);
    let g = grid(
        1,
        &[
            &["区名", "人口", "", "世帯数"],
            &["", "男", "女", ""],
            &["北区", "10", "12", "9"],
            &["西区", "20", "22", "19"],
            &["港区", "30", "32", "29"],
            &["大阪市", "60", "66", "57"],
        ],
        &[(0, 0, 2, 1), (0, 1, 1, 2), (0, 3, 2, 1)],
    );
    let t = &one_grid(&l1, g)[0];
    assert_eq!(
        t.header_rows,
        vec![
            vec!["区名", "人口", "人口", "世帯数"],
            vec!["区名", "男", "女", "世帯数"]
        ]
    );
    assert_eq!(t.columns, vec!["区名", "人口/男", "人口/女", "世帯数"]);
    assert_eq!(t.rows.len(), 4);
    assert_eq!(t.rows[3].kind, RowKind::Total);
    assert_eq!(t.rows[0].kind, RowKind::Data);
}

#[test]
fn different_headers_make_separate_tables() {
    let (l1, l2) = (page(1), page(2));
    let g1 = grid(1, &[&["区名", "人口"], &["北区", "1"], &["西区", "2"]], &[]);
    let g2 = grid(2, &[&["区名", "世帯"], &["北区", "1"], &["西区", "2"]], &[]);
    let g3 = grid_at(2, 300.0, &[&["区名", "世帯"], &["北区", "1"]], &[]);
    let pages = [
        PageGrids {
            layout: &l1,
            grids: vec![g1],
        },
        PageGrids {
            layout: &l2,
            grids: vec![g2, g3],
        },
    ];
    let t = assemble(&pages, &LogicalSettings::default());
    assert_eq!(t.len(), 3);
    assert_eq!(t[1].columns, vec!["区名", "世帯"]);
}

#[test]
fn continuation_without_header_drops_nothing_and_keeps_rows() {
    let (l1, l2) = (page(1), page(2));
    let g1 = grid(
        1,
        &[&["科目", "金額"], &["市債", "1"], &["繰入金", "2"]],
        &[],
    );
    let g2 = grid(2, &[&["繰越金", "3"], &["合計", "6"]], &[]);
    let pages = [
        PageGrids {
            layout: &l1,
            grids: vec![g1],
        },
        PageGrids {
            layout: &l2,
            grids: vec![g2],
        },
    ];
    let t = assemble(&pages, &LogicalSettings::default());
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].rows.len(), 4);
    assert_eq!(t[0].rows[2].page, 2);
    assert_eq!(t[0].rows[3].kind, RowKind::Total);
}

#[test]
fn headerless_table_has_empty_header() {
    let l1 = page(1);
    let g = grid(1, &[&["1", "2"], &["3", "4"]], &[]);
    let t = &one_grid(&l1, g)[0];
    assert!(t.header_rows.is_empty());
    assert_eq!(t.columns, vec!["", ""]);
    assert_eq!(t.rows.len(), 2);
}

#[test]
fn empty_input() {
    assert!(assemble(&[], &LogicalSettings::default()).is_empty());
    let l1 = page(1);
    let g = grid(1, &[], &[]);
    // A region with no data row is not a table.
    assert!(one_grid(&l1, g).is_empty());
}

/// A budget book's page: a boxed 款/項 heading found as a grid of its own, then the
/// 目 table below it.
fn budget_page(n: usize, heading: &str, body: &[&[&str]]) -> Vec<Grid> {
    let head = grid_at(
        n,
        40.0,
        &[
            &["１款市税", "", "", "49,286,300千円"],
            &[heading, "", "", "23,861,300千円"],
        ],
        &[],
    );
    let mut rows: Vec<&[&str]> = Vec::new();
    if n == 1 {
        rows.push(&["目", "本年度", "前年度", "比較"]);
    }
    rows.extend_from_slice(body);
    vec![head, grid_at(n, 100.0, &rows, &[])]
}

#[test]
fn a_headerless_item_goes_on_two_pages_later_and_takes_the_header_printed_there() {
    // Page 1: a 項 without a header (its header was printed over the 項 above); page 2:
    // the facing 節 half (other columns); page 3: the same 項 under its heading and the
    // page's header, then its 計.
    let (l1, l2, l3) = (page(1), page(2), page(3));
    let p1 = vec![
        grid_at(
            1,
            40.0,
            &[
                &["１款市税", "", "", "49,286,300千円"],
                &["２項固定資産税", "", "", "23,861,300千円"],
            ],
            &[],
        ),
        grid_at(
            1,
            100.0,
            &[&["1 固定資産税", "23,806,300", "23,180,700", "625,600"]],
            &[],
        ),
    ];
    let p2 = vec![grid_at(
        2,
        100.0,
        &[&["区分", "金額"], &["1 現年課税分", "23,000,000"]],
        &[],
    )];
    let p3 = budget_page(
        3,
        "２項固定資産税",
        &[
            &["目", "本年度", "前年度", "比較"],
            &["2 交付金", "55,000", "55,000", "0"],
            &["計", "23,861,300", "23,235,700", "625,600"],
        ],
    );
    let t = on_pages(vec![(&l1, p1), (&l2, p2), (&l3, p3)]);
    assert_eq!(t.len(), 2, "{t:#?}");
    assert_eq!(t[0].pages, vec![1, 3]);
    assert_eq!(t[0].columns, ["目", "本年度", "前年度", "比較"]);
    assert_eq!(cells(&t[0]).len(), 3, "{:?}", cells(&t[0]));
    assert_eq!(t[0].rows[2].kind, RowKind::Total);
    assert_eq!(t[1].pages, vec![2]);
}

#[test]
fn a_sum_label_centred_in_a_later_box_moves_to_the_label_column() {
    // A 財産目録 (each account in its own box): 小計(現金預金) and 流動資産合計 centred in
    // the 使用目的 box of rows of their own.
    let l = page(1);
    let g = grid(
        1,
        &[
            &["科目", "場所", "使用目的", "金額"],
            &["現金預金", "北陸銀行", "運転資金", "200"],
            &["", "", "小計(現金預金)", "200"],
            &["事業未収金", "", "介護報酬", "50"],
            &["貯蔵品", "", "保存食", "5"],
            &["土地", "上野", "施設用地", "80"],
            &["", "", "流動資産合計", "335"],
        ],
        &[],
    );
    let t = one_grid(&l, g);
    let c = cells(&t[0]);
    assert_eq!(c[1], ["小計(現金預金)", "", "", "200"], "{c:?}");
    assert_eq!(c[5], ["流動資産合計", "", "", "335"], "{c:?}");
    assert_eq!(t[0].rows[5].kind, RowKind::Total);
}

#[test]
fn a_new_group_leaves_the_columns_right_of_it_blank() {
    // A 財産目録: 現金預金 over two banks, then 事業未収金 with no 場所 of its own.
    let l = page(1);
    let g = grid(
        1,
        &[
            &["科目", "場所", "使用目的", "金額"],
            &["現金預金", "現金手許有高", "運転資金", "100"],
            &["", "北陸銀行", "運転資金", "200"],
            &["事業未収金", "", "3月分介護報酬", "50"],
        ],
        &[],
    );
    let t = one_grid(&l, g);
    let c = cells(&t[0]);
    assert_eq!(c[1], ["現金預金", "北陸銀行", "運転資金", "200"], "{c:?}");
    assert_eq!(c[2], ["事業未収金", "", "3月分介護報酬", "50"], "{c:?}");
}

#[test]
fn an_amount_left_of_the_item_names_is_not_filled_down() {
    // A 財産目録: an account, its total, and the detail lines under it named on the right.
    let l = page(1);
    let g = grid(
        1,
        &[
            &["科目", "合計", "摘要", "金額"],
            &["現金預金", "300", "現金手許有高", "100"],
            &["", "", "普通預金", "200"],
            &["未収金", "50", "介護報酬", "50"],
        ],
        &[],
    );
    let t = one_grid(&l, g);
    assert_eq!(
        cells(&t[0])[1],
        ["現金預金", "", "普通預金", "200"],
        "{:?}",
        cells(&t[0])
    );
}

#[test]
fn a_page_of_header_and_units_alone_is_all_header() {
    // A 目 page left empty while the 節 of its 目 run on over the facing pages: the
    // header and its unit row, then nothing; the table goes on on the next 目 page.
    let (l1, l2, l3) = (page(1), page(2), page(3));
    let head: [&[&str]; 2] = [
        &["目", "本年度", "前年度", "比較"],
        &["", "千円", "千円", "千円"],
    ];
    let mut p1: Vec<&[&str]> = head.to_vec();
    p1.push(&["1 高齢者対策費", "82,996", "79,766", "3,230"]);
    let p2: Vec<&[&str]> = head.to_vec();
    let mut p3: Vec<&[&str]> = head.to_vec();
    p3.push(&["計", "82,996", "79,766", "3,230"]);
    let t = on_pages(vec![
        (&l1, vec![grid_at(1, 100.0, &p1, &[])]),
        (&l2, vec![grid_at(2, 100.0, &p2, &[])]),
        (&l3, vec![grid_at(3, 100.0, &p3, &[])]),
    ]);
    assert_eq!(t.len(), 1, "{t:#?}");
    assert_eq!(cells(&t[0]).len(), 2, "{:?}", cells(&t[0]));
    assert_eq!(t[0].rows[1].kind, RowKind::Total);
}

#[test]
fn budget_headings_are_captions_and_a_repeated_heading_continues_the_table() {
    let (l1, l2) = (page(1), page(2));
    let p1 = budget_page(
        1,
        "２項固定資産税",
        &[&["1 固定資産税", "23,806,300", "23,180,700", "625,600"]],
    );
    let p2 = budget_page(
        2,
        "２項固定資産税",
        &[
            &["2 交付金", "55,000", "55,000", "0"],
            &["計", "23,861,300", "23,235,700", "625,600"],
        ],
    );
    let t = assemble(
        &[
            PageGrids {
                layout: &l1,
                grids: p1,
            },
            PageGrids {
                layout: &l2,
                grids: p2,
            },
        ],
        &LogicalSettings::default(),
    );
    assert_eq!(t.len(), 1, "{t:#?}");
    assert_eq!(t[0].pages, vec![1, 2]);
    assert_eq!(t[0].rows.len(), 3);
    assert_eq!(
        t[0].caption.as_deref(),
        Some("１款市税 49,286,300千円\n２項固定資産税 23,861,300千円")
    );
    // The next 項 on the next page is another table, with the same columns.
    let p2 = budget_page(
        2,
        "３項軽自動車税",
        &[&["1 環境性能割", "85,000", "50,000", "35,000"]],
    );
    let p1 = budget_page(
        1,
        "２項固定資産税",
        &[&["1 固定資産税", "23,806,300", "23,180,700", "625,600"]],
    );
    let t = assemble(
        &[
            PageGrids {
                layout: &l1,
                grids: p1,
            },
            PageGrids {
                layout: &l2,
                grids: p2,
            },
        ],
        &LogicalSettings::default(),
    );
    assert_eq!(t.len(), 2, "{t:#?}");
    assert!(t[1].header_rows.is_empty(), "printed without a header");
    assert_eq!(
        t[1].columns, t[0].columns,
        "a headerless sibling has its columns"
    );
}

#[test]
fn captions_and_notes_inside_a_grid_split_tables() {
    let l1 = page(1);
    let g = grid(
        1,
        &[
            &["表1 区別人口", "", "（単位：人）"],
            &["区名", "男", "女"],
            &["北区", "1", "2"],
            &["西区", "3", "4"],
            &["（注）外国人を含む。", "", ""],
            &["表2 年齢別人口", "", ""],
            &["区名", "0～14歳", "計"],
            &["北区", "5", "6"],
        ],
        &[],
    );
    let t = one_grid(&l1, g);
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].caption.as_deref(), Some("表1 区別人口 （単位：人）"));
    assert_eq!(t[0].columns, vec!["区名", "男", "女"]);
    assert_eq!(
        cells(&t[0]),
        vec![vec!["北区", "1", "2"], vec!["西区", "3", "4"]],
        "the note is not a row"
    );
    assert_eq!(t[1].caption.as_deref(), Some("表2 年齢別人口"));
    assert_eq!(t[1].columns, vec!["区名", "0～14歳", "計"]);
    assert_eq!(t[1].rows.len(), 1);
}

#[test]
fn a_second_header_inside_a_grid_starts_a_table() {
    // Two tables one grid caught (a scan: no gap told them apart), the second with a
    // title without `表N` and its own column labels over the number columns.
    let l1 = page(1);
    let g = grid(
        1,
        &[
            &["科目", "前年度", "本年度", "増減"],
            &["市税", "1,720", "2,071", "351"],
            &["地方譲与税", "3,860", "3,860", "0"],
            &["繰入金", "280", "246", "▲34"],
            &["（歳出）主な事業", "", "", "（単位：千円）"],
            &["事業名", "平成18年度", "平成19年度", "増減"],
            &["墓地管理事業", "160", "164", "4"],
            &["総計", "1,190", "1,293", "103"],
        ],
        &[],
    );
    let t = one_grid(&l1, g);
    assert_eq!(t.len(), 2, "{t:#?}");
    assert_eq!(t[0].rows.len(), 3);
    assert_eq!(
        t[1].columns,
        vec!["事業名", "平成18年度", "平成19年度", "増減"]
    );
    assert_eq!(
        t[1].caption.as_deref(),
        Some("（歳出）主な事業 （単位：千円）")
    );
    assert_eq!(t[1].rows.len(), 2);
}

#[test]
fn header_grid_over_body_grid_is_one_table() {
    let l1 = page(1);
    let head = grid_at(
        1,
        60.0,
        &[&["区名", "人口", "", ""], &["", "男", "女", "総数"]],
        &[(0, 0, 2, 1), (0, 1, 1, 3)],
    );
    let body = grid_at(
        1,
        102.0,
        &[&["北区", "1", "2", "3"], &["西区", "4", "5", "9"]],
        &[],
    );
    let t = assemble(
        &[PageGrids {
            layout: &l1,
            grids: vec![head, body],
        }],
        &LogicalSettings::default(),
    );
    assert_eq!(t.len(), 1);
    assert_eq!(
        t[0].columns,
        vec!["区名", "人口/男", "人口/女", "人口/総数"]
    );
    assert_eq!(t[0].rows.len(), 2);
}

#[test]
fn header_line_left_out_of_the_grid_is_taken_back() {
    use crate::layout::{TextLine, Word};
    // `予算額` printed right above the grid, centred over columns 1 and 2.
    let w = Word {
        text: "予算額".into(),
        bbox: Rect::new(220.0, 49.0, 280.0, 59.0),
        size: 10.0,
        bold: false,
        vertical: false,
        line: 0,
        confidence: 1.0,
        chars: Vec::new(),
    };
    let l1 = PageLayout {
        number: 1,
        width: 842.0,
        height: 595.0,
        words: vec![w],
        lines: vec![TextLine {
            bbox: Rect::new(220.0, 49.0, 280.0, 59.0),
            words: vec![0],
        }],
        ..Default::default()
    };
    let g = grid(
        1,
        &[
            &["事業名", "", "", "増減"],
            &["", "前年度", "本年度", ""],
            &["庁舎", "5", "6", "1"],
        ],
        &[],
    );
    let t = &one_grid(&l1, g)[0];
    assert_eq!(
        t.columns,
        vec!["事業名", "予算額/前年度", "予算額/本年度", "増減"]
    );
    assert_eq!(t.header_rows.len(), 2);
    assert_eq!(t.caption, None, "the header line is not a caption");
}

#[test]
fn underlined_group_label_over_labelled_columns_is_a_header_level() {
    use crate::layout::{Ruling, TextLine, Word};
    // A scanned `予算額` above a one-row header (事業名 set between the lines of the
    // row below), underlined by a rule over columns 1 and 2 only.
    let w = Word {
        text: "予算額".into(),
        bbox: Rect::new(220.0, 49.0, 280.0, 59.0),
        size: 10.0,
        bold: false,
        vertical: false,
        line: 0,
        confidence: 1.0,
        chars: Vec::new(),
    };
    let layout = |rulings: Vec<Ruling>| PageLayout {
        number: 1,
        width: 842.0,
        height: 595.0,
        words: vec![w.clone()],
        lines: vec![TextLine {
            bbox: Rect::new(220.0, 49.0, 280.0, 59.0),
            words: vec![0],
        }],
        rulings,
        ..Default::default()
    };
    let g = || {
        grid(
            1,
            &[
                &["事業名", "前年度", "本年度", "増減"],
                &["庁舎", "5", "6", "1"],
                &["道路", "7", "8", "1"],
            ],
            &[],
        )
    };
    // The rule runs inside the grid's top row (the row's labels sit between the lines).
    let t = &one_grid(&layout(vec![Ruling::horizontal(65.0, 150.0, 350.0)]), g())[0];
    assert_eq!(
        t.columns,
        vec!["事業名", "予算額/前年度", "予算額/本年度", "増減"]
    );
    // Without the underline (or under a rule across the whole table) the line is not
    // taken over labelled columns.
    let t = &one_grid(&layout(Vec::new()), g())[0];
    assert_eq!(t.columns, vec!["事業名", "前年度", "本年度", "増減"]);
    let t = &one_grid(&layout(vec![Ruling::horizontal(65.0, 0.0, 842.0)]), g())[0];
    assert_eq!(t.columns, vec!["事業名", "前年度", "本年度", "増減"]);
    // Nor is the grid's own top edge under a caption line.
    let t = &one_grid(&layout(vec![Ruling::horizontal(60.0, 150.0, 350.0)]), g())[0];
    assert_eq!(t.columns, vec!["事業名", "前年度", "本年度", "増減"]);
}

#[test]
fn a_border_drawn_cell_by_cell_is_no_underline() {
    use crate::layout::Ruling;
    let r = |x0: f64, x1: f64| Ruling::horizontal(100.0, x0, x1);
    let rulings = [
        r(0.0, 50.0),
        r(200.0, 300.0),
        r(50.0, 120.0),
        r(121.0, 150.0),
        r(400.0, 450.0),
    ];
    assert_eq!(super::collinear_extent(&rulings, &rulings[3]), (0.0, 150.0));
    assert_eq!(
        super::collinear_extent(&rulings, &rulings[1]),
        (200.0, 300.0)
    );
    assert_eq!(
        super::collinear_extent(&rulings, &rulings[4]),
        (400.0, 450.0)
    );
}

/// A grid of `m` at `top` whose columns have the given edges (a box drawn on a form's
/// grid with fewer columns).
fn grid_with_edges(top: f64, m: &[&[&str]], edges: &[f64]) -> Grid {
    grid_spanned(1, top, m, &[], edges)
}

/// [`grid_with_edges`] on any page, with spans.
fn grid_spanned(
    page: usize,
    top: f64,
    m: &[&[&str]],
    spans: &[(usize, usize, usize, usize)],
    edges: &[f64],
) -> Grid {
    let mut g = grid_at(page, top, m, spans);
    g.col_edges = edges.to_vec();
    for c in &mut g.cells {
        c.bbox = Rect::new(
            edges[c.col],
            c.bbox.top,
            edges[c.col + c.colspan],
            c.bbox.bottom,
        );
    }
    g.bbox = Rect::new(edges[0], g.bbox.top, edges[edges.len() - 1], g.bbox.bottom);
    g
}

#[test]
fn a_box_below_on_the_tables_column_edges_goes_on_with_it() {
    let l = page(1);
    let table = || {
        grid_at(
            1,
            60.0,
            &[
                &["区分", "科目", "予算", "決算"],
                &["収入", "会費", "100", "90"],
                &["支出", "事業費", "60", "50"],
                &["差額", "", "40", "40"],
            ],
            &[(3, 0, 1, 2)],
        )
    };
    // The table ends at 140; the box is drawn 15 pt below, its label over two columns.
    let rows: &[&[&str]] = &[&["前期末残高", "50", "50"], &["当期末残高", "90", "90"]];
    let t = on_pages(vec![(
        &l,
        vec![
            table(),
            grid_with_edges(155.0, rows, &[50.0, 250.0, 350.0, 450.0]),
        ],
    )]);
    assert_eq!(t.len(), 1, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert_eq!(t[0].columns, ["区分", "科目", "予算", "決算"]);
    assert_eq!(
        cells(&t[0]).last().map(|r| r.as_slice()),
        Some(&["当期末残高", "", "90", "90"].map(String::from)[..])
    );
    // A box whose edges are not the table's is another table.
    let t = on_pages(vec![(
        &l,
        vec![
            table(),
            grid_with_edges(155.0, rows, &[50.0, 200.0, 350.0, 450.0]),
        ],
    )]);
    assert_eq!(t.len(), 2);
    // So is one too far below.
    let t = on_pages(vec![(
        &l,
        vec![
            table(),
            grid_with_edges(200.0, rows, &[50.0, 250.0, 350.0, 450.0]),
        ],
    )]);
    assert_eq!(t.len(), 2);
}

#[test]
fn a_box_of_report_details_above_a_table_is_its_heading() {
    let l = page(1);
    // Two rows of details on their own columns, the table right below with a header.
    let details = grid_with_edges(
        40.0,
        &[&["報告定点数", "48", "ヶ所"], &["設置定点数", "48", "ヶ所"]],
        &[50.0, 150.0, 200.0, 450.0],
    );
    let table = grid_at(
        1,
        80.0,
        &[
            &["疾病名称", "東灘", "灘", "計"],
            &["インフルエンザ", "15", "10", "25"],
        ],
        &[],
    );
    let t = on_pages(vec![(&l, vec![details, table])]);
    assert_eq!(t.len(), 1, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert_eq!(t[0].columns, ["疾病名称", "東灘", "灘", "計"]);
    let caption = t[0].caption.as_deref().unwrap_or("");
    assert!(caption.contains("報告定点数 48 ヶ所"), "{caption}");
    // A box of more rows is a table of its own.
    let rows: Vec<[&str; 3]> = (0..4).map(|_| ["報告定点数", "48", "ヶ所"]).collect();
    let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
    let details = grid_with_edges(0.0, &rows, &[50.0, 150.0, 200.0, 450.0]);
    let table = grid_at(
        1,
        80.0,
        &[
            &["疾病名称", "東灘", "灘", "計"],
            &["インフルエンザ", "15", "10", "25"],
        ],
        &[],
    );
    assert_eq!(on_pages(vec![(&l, vec![details, table])]).len(), 2);
    // A statement's box of names in the top corner, the title between it and the table.
    let names = grid_with_edges(
        0.0,
        &[&["法人名", "おあしす"], &["施設名", "新川"]],
        &[250.0, 320.0, 450.0],
    );
    let table = grid_at(
        1,
        100.0,
        &[&["科目", "予算", "決算"], &["会費", "100", "90"]],
        &[],
    );
    let t = on_pages(vec![(&l, vec![names, table])]);
    assert_eq!(t.len(), 1, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert!(t[0]
        .caption
        .as_deref()
        .unwrap_or("")
        .contains("法人名 おあしす"));
}

#[test]
fn a_table_begun_under_the_pages_header_goes_on_under_it_next_page() {
    let (l1, l2) = (page(1), page(2));
    let head: &[&str] = &["節", "金額", "説明"];
    // Page 1: the page's header over one table, then a second table without a header.
    let a = grid_at(
        1,
        60.0,
        &[
            head,
            &["1 報酬", "2,488", "給与費"],
            &["2 給料", "21,115", ""],
        ],
        &[],
    );
    let b = grid_at(
        1,
        200.0,
        &[&["1 報償費", "80", "啓発事業費"], &["8 旅費", "6", ""]],
        &[],
    );
    // Page 2: the header printed again, the second table going on.
    let c = grid_at(
        2,
        60.0,
        &[head, &["10 需用費", "183", ""], &["11 役務費", "17", ""]],
        &[],
    );
    let t = on_pages(vec![(&l1, vec![a, b]), (&l2, vec![c])]);
    assert_eq!(t.len(), 2, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert_eq!(t[1].pages, vec![1, 2]);
    assert_eq!(t[1].rows.len(), 4);
    assert_eq!(t[1].columns, ["節", "金額", "説明"]);
}

#[test]
fn the_halves_of_a_sheet_go_on_half_by_half() {
    let (l1, l2) = (page(1), page(2));
    let (left, right) = ([50.0, 150.0, 250.0], [300.0, 400.0, 500.0]);
    let half = |page: usize, m: &[&[&str]], edges: &[f64]| {
        grid_spanned(page, 60.0, m, &[(0, 0, 1, 2)], edges)
    };
    let p1 = vec![
        half(
            1,
            &[
                &["資産の部", ""],
                &["科目", "当年度末"],
                &["現金預金", "100"],
                &["未収金", "20"],
            ],
            &left,
        ),
        half(
            1,
            &[
                &["負債の部", ""],
                &["科目", "当年度末"],
                &["未払金", "30"],
                &["負債の部合計", "30"],
                &["純資産の部", ""],
                &["基本金", "50"],
            ],
            &right,
        ),
    ];
    let p2 = vec![
        half(
            2,
            &[
                &["資産の部", ""],
                &["科目", "当年度末"],
                &["長期貸付金", "10"],
                &["資産の部合計", "130"],
            ],
            &left,
        ),
        half(
            2,
            &[
                &["純資産の部", ""],
                &["科目", "当年度末"],
                &["積立金", "50"],
                &["純資産の部合計", "100"],
            ],
            &right,
        ),
    ];
    let t = on_pages(vec![(&l1, p1), (&l2, p2)]);
    assert_eq!(t.len(), 2, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert!(t.iter().all(|t| t.pages == [1, 2]));
    assert_eq!(
        cells(&t[0]).last().map(|r| r[0].as_str()),
        Some("資産の部合計")
    );
    assert_eq!(
        cells(&t[1]).last().map(|r| r[0].as_str()),
        Some("純資産の部合計")
    );
}

#[test]
fn a_page_whose_empty_column_was_dropped_goes_on_with_its_table() {
    let (l1, l2) = (page(1), page(2));
    let list = grid_at(
        1,
        60.0,
        &[
            &["No", "発表日", "備考", "居住地"],
            &["180", "4月1日", "", "名古屋市"],
            &["181", "4月1日", "帰国者", "豊田市"],
        ],
        &[],
    );
    // The last page: 備考 empty, its column dropped (edges 50, 150, 350, 450).
    let last = grid_spanned(
        2,
        60.0,
        &[&["182", "4月1日", "名古屋市"], &["183", "4月1日", "岡崎市"]],
        &[],
        &[50.0, 150.0, 350.0, 450.0],
    );
    let t = on_pages(vec![(&l1, vec![list]), (&l2, vec![last])]);
    assert_eq!(t.len(), 1, "{:?}", t.iter().map(cells).collect::<Vec<_>>());
    assert_eq!(
        cells(&t[0]).last().map(|r| r.as_slice()),
        Some(&["183", "4月1日", "", "岡崎市"].map(String::from)[..])
    );
}
