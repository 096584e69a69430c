//! `extract_grids`: one page's layout and the caller's request into grids.
//!
//! * `--area`: only words whose centre lies inside, and rulings clipped to it.
//! * `--columns`: the caller's separators are the column boundaries (words straddling one
//!   are split between characters); rows come from `stream`.
//! * `lattice`: every ruled region with a grid; `stream`: the area (or, without one, each
//!   detected unruled region, else the whole page) as stream tables; `auto`: ruled regions
//!   with at least `lattice_min_slots` rows and columns holding text in two or more rows
//!   and columns are lattice tables, the rest of the page goes to unruled detection, and an
//!   area with nothing found is one stream table.
//! * Pages whose text is mostly vertical are turned a quarter (clockwise when it runs top
//!   to bottom, anticlockwise when it runs bottom to top) so it reads left to right,
//!   extracted, and the boxes turned back.
//! * In `auto`, a ruled region with no inner column ruling and fewer than
//!   `hinted_min_rows` rows (a boxed header, a shaded row) is left to unruled detection.
//!
//! Every fallback leaves a line in the grid's diagnostics.

use crate::diagnostic::{Code, Diagnostic};
use crate::geom::Rect;
use crate::layout::{Orientation, PageLayout, Ruling, Word};
use crate::text::figure::figure_chars_only;

use super::grid::{build_grid, split_filled_spans, split_word_at, Cells};
use super::lattice::{ruled_regions, structure as lattice_structure, with_text_hints};
use super::settings::TableSettings;
use super::stream::{column_edges, lines_of, rows, separators, structure as stream_structure};
use super::{detect, Grid, Mode, PageRequest, Strategy};

/// What the table stage read from one page.
#[derive(Clone, Debug, Default)]
pub struct PageTables {
    /// The grids, top to bottom.
    pub grids: Vec<Grid>,
    /// What could not be read as a table and why (a ruled region over
    /// `max_lattice_slots`), each naming the page: the page was read only in part.
    pub warnings: Vec<String>,
}

/// The grids of one page, top to bottom, and what could not be read.
pub fn extract_grids(
    layout: &PageLayout,
    req: &PageRequest,
    settings: &TableSettings,
) -> PageTables {
    let (mut grids, warnings) = read_page_grids(layout, req, settings);
    for (i, g) in grids.iter_mut().enumerate() {
        for d in &mut g.diagnostics {
            d.grid = Some(i);
        }
    }
    PageTables { grids, warnings }
}

fn read_page_grids(
    layout: &PageLayout,
    req: &PageRequest,
    settings: &TableSettings,
) -> (Vec<Grid>, Vec<String>) {
    let vertical: usize = layout
        .words
        .iter()
        .filter(|w| w.vertical)
        .map(|w| w.chars.len())
        .sum();
    let horizontal: usize = layout
        .words
        .iter()
        .filter(|w| !w.vertical)
        .map(|w| w.chars.len())
        .sum();
    if vertical > horizontal {
        // Text rotated anticlockwise reads bottom to top (words of one character tell
        // nothing and are not counted).
        let (mut up, mut down) = (0, 0);
        for w in layout
            .words
            .iter()
            .filter(|w| w.vertical && w.chars.len() > 1)
        {
            if w.reads_upward() {
                up += w.chars.len();
            } else {
                down += w.chars.len();
            }
        }
        return extract_rotated(layout, req, settings, up > down);
    }
    extract_upright(layout, req, settings)
}

/// A page read with its vertical text turned to run left to right: a quarter clockwise
/// for text running top to bottom, (x, y) -> (y, W - x); a quarter anticlockwise for text
/// running bottom to top (`upward`), (x, y) -> (H - y, x).
fn extract_rotated(
    layout: &PageLayout,
    req: &PageRequest,
    s: &TableSettings,
    upward: bool,
) -> (Vec<Grid>, Vec<String>) {
    let (wd, ht) = (layout.width, layout.height);
    let turn = |r: &Rect| {
        if upward {
            Rect::new(ht - r.bottom, r.x0, ht - r.top, r.x1)
        } else {
            Rect::new(r.top, wd - r.x1, r.bottom, wd - r.x0)
        }
    };
    let back = |r: &Rect| {
        if upward {
            Rect::new(r.top, ht - r.x1, r.bottom, ht - r.x0)
        } else {
            Rect::new(wd - r.bottom, r.x0, wd - r.top, r.x1)
        }
    };
    let words: Vec<Word> = layout
        .words
        .iter()
        .map(|w| {
            let mut t = Word {
                bbox: turn(&w.bbox),
                vertical: !w.vertical,
                ..w.clone()
            };
            if upward && w.vertical {
                // Characters' extents along y become extents along x = H - y.
                for c in &mut t.chars {
                    (c.x0, c.x1) = (ht - c.x1, ht - c.x0);
                }
            }
            t
        })
        .collect();
    let rulings: Vec<Ruling> = layout
        .rulings
        .iter()
        .map(|r| match (r.orientation, upward) {
            (Orientation::Horizontal, false) => Ruling::vertical(r.pos, wd - r.end, wd - r.start),
            (Orientation::Vertical, false) => Ruling::horizontal(wd - r.pos, r.start, r.end),
            (Orientation::Horizontal, true) => Ruling::vertical(ht - r.pos, r.start, r.end),
            (Orientation::Vertical, true) => Ruling::horizontal(r.pos, ht - r.end, ht - r.start),
        })
        .collect();
    let turned = PageLayout {
        width: layout.height,
        height: layout.width,
        words,
        rulings,
        ..layout.clone()
    };
    let req2 = PageRequest {
        mode: req.mode,
        area: req.area.map(|a| turn(&a)),
        columns: None,
    };
    let (mut grids, warnings) = extract_upright(&turned, &req2, s);
    let how = if upward {
        "page text runs bottom to top: read turned a quarter anticlockwise"
    } else {
        "page text is vertical: read turned a quarter clockwise"
    };
    for g in &mut grids {
        g.bbox = back(&g.bbox);
        for c in &mut g.cells {
            c.bbox = back(&c.bbox);
        }
        g.diagnostics.push(Diagnostic::new(
            Code::VerticalPageTurned,
            g.page,
            format!("{how}; row/col edges are in the turned frame"),
        ));
        if req.columns.is_some() {
            g.diagnostics.push(Diagnostic::new(
                Code::ColumnsIgnored,
                g.page,
                "--columns ignored on a page of vertical text",
            ));
        }
    }
    (grids, warnings)
}

/// Rulings clipped to the area (those outside dropped).
fn clip_rulings(rulings: &[Ruling], area: Option<Rect>) -> Vec<Ruling> {
    let Some(a) = area else {
        return rulings.to_vec();
    };
    rulings
        .iter()
        .filter_map(|r| {
            let (lo, hi, inside) = match r.orientation {
                Orientation::Horizontal => {
                    (a.x0, a.x1, r.pos >= a.top - 1.0 && r.pos <= a.bottom + 1.0)
                }
                Orientation::Vertical => {
                    (a.top, a.bottom, r.pos >= a.x0 - 1.0 && r.pos <= a.x1 + 1.0)
                }
            };
            let (st, en) = (r.start.max(lo), r.end.min(hi));
            (inside && en > st).then_some(Ruling {
                start: st,
                end: en,
                ..*r
            })
        })
        .collect()
}

fn extract_upright(
    layout: &PageLayout,
    req: &PageRequest,
    s: &TableSettings,
) -> (Vec<Grid>, Vec<String>) {
    let page = layout.number;
    let in_area = |w: &Word| {
        req.area
            .is_none_or(|a| a.contains_point(w.bbox.cx(), w.bbox.cy()))
    };
    let mut words: Vec<Word> = layout
        .words
        .iter()
        .filter(|w| in_area(w))
        .cloned()
        .collect();
    let explicit: Option<Vec<f64>> = req.columns.as_ref().map(|c| {
        let mut c: Vec<f64> = c.iter().copied().filter(|x| x.is_finite()).collect();
        c.sort_by(f64::total_cmp);
        c.dedup();
        c
    });
    if let Some(cuts) = &explicit {
        words = words.iter().flat_map(|w| split_word_at(w, cuts)).collect();
    }
    let rulings = clip_rulings(&layout.rulings, req.area);
    let mut grids: Vec<Grid> = Vec::new();
    let mut taken: Vec<Rect> = Vec::new();
    let mut small: Vec<(Rect, Grid)> = Vec::new();
    let mut warnings = Vec::new();
    if req.mode != Mode::Stream && explicit.is_none() {
        let regions: Vec<_> = ruled_regions(&rulings, s)
            .into_iter()
            .filter_map(|region| {
                let slots = super::lattice::slot_count(&region, s);
                if slots > s.max_lattice_slots {
                    warnings.push(format!(
                        "page {page}: a ruled region of {slots} grid slots ({} rulings) is over table.max_lattice_slots ({}); not read as a table",
                        region.rulings.len(),
                        s.max_lattice_slots
                    ));
                    return None;
                }
                let st = lattice_structure(&region, s)?;
                let area = region.bbox.expand(1.0);
                let inside: Vec<&Word> = words
                    .iter()
                    .filter(|w| area.contains_point(w.bbox.cx(), w.bbox.cy()))
                    .collect();
                Some((region, st, inside))
            })
            // Text decides where a frame holds two tables only when the caller left the
            // strategy to us (as for `with_text_hints`).
            .flat_map(|r| {
                if req.mode == Mode::Auto {
                    super::halves::split_halves(r, s)
                } else {
                    vec![r]
                }
            })
            .collect();
        // Columns labelled letter-spaced in one grid stay whole in every grid of the
        // page that rules the same column (`letter_spaced_label`).
        let protected: Vec<(f64, f64)> = if req.mode == Mode::Auto {
            regions
                .iter()
                .flat_map(|(_, st, inside)| super::lattice::letter_spaced_columns(st, inside, s))
                .collect()
        } else {
            Vec::new()
        };
        for (region, mut st, inside) in regions {
            let framed_only = st.col_edges.len() <= 2;
            if req.mode == Mode::Auto && framed_only && st.row_edges.len() < s.hinted_min_rows + 1 {
                continue;
            }
            // Text completes sparse rulings only when the caller left the strategy to us:
            // `--mode lattice` means cells from rulings alone (Camelot's and tabula's lattice).
            let scanned = matches!(
                layout.text_source,
                crate::layout::TextSource::Ocr | crate::layout::TextSource::HiddenOcrLayer
            );
            let hinted = if req.mode == Mode::Auto {
                with_text_hints(&region, &st, &inside, &protected, scanned, s)
            } else {
                None
            };
            if let Some(hinted) = hinted {
                if let Some(st2) = lattice_structure(&hinted, s) {
                    st = st2;
                }
            }
            split_filled_spans(&mut st, &inside, s);
            // Scanned label boxes whose row rules were lost: lines to rows in order.
            let moved = (req.mode == Mode::Auto && scanned)
                .then(|| super::grid::labels_in_order(&mut st, &inside, s))
                .flatten();
            let inside: Vec<&Word> = match &moved {
                Some(m) => m.iter().collect(),
                None => inside,
            };
            let big_enough = st.row_edges.len() > s.lattice_min_slots
                && st.col_edges.len() > s.lattice_min_slots;
            // One ruled row of several columns may be half of a spread (a 項 with one 目).
            let one_row = st.row_edges.len() == 2 && st.col_edges.len() > s.lattice_min_slots;
            if req.mode == Mode::Auto && !big_enough && !one_row {
                continue;
            }
            let Some(g) = build_grid(
                page,
                Strategy::Lattice,
                &st,
                &inside,
                Cells {
                    ruled: true,
                    keep_columns: one_row,
                },
                s,
                Vec::new(),
            ) else {
                continue;
            };
            if req.mode == Mode::Auto && (g.n_rows() < 2 || g.n_cols() < 2) {
                // Too small for a table alone; it may be one half of a spread.
                small.push((region.bbox.expand(1.0), g));
                continue;
            }
            taken.push(region.bbox.expand(1.0));
            grids.push(g);
        }
    }
    if req.mode == Mode::Auto {
        let (rects, smalls): (Vec<Rect>, Vec<Grid>) = small.into_iter().unzip();
        let all: Vec<Grid> = smalls.into_iter().chain(grids).collect();
        // A small grid left alone is no table (its words go to unruled detection); one
        // joined into a spread is taken.
        grids = super::spread::join_spreads(all, layout.width, layout.height, s)
            .into_iter()
            .filter(|g| {
                (g.n_rows() >= 2 && g.n_cols() >= 2)
                    || super::spread::is_spread(g)
                    || one_row_table(g)
            })
            .map(|g| super::side::take_side_label(g, s))
            .collect();
        for r in &rects {
            if grids
                .iter()
                .any(|g| g.bbox.expand(1.0).contains_point(r.cx(), r.cy()))
            {
                taken.push(*r);
            }
        }
    }
    if req.mode == Mode::Lattice && explicit.is_none() {
        return (grids, warnings);
    }
    let rest: Vec<&Word> = words
        .iter()
        .filter(|w| {
            !w.vertical
                && !taken
                    .iter()
                    .any(|t| t.contains_point(w.bbox.cx(), w.bbox.cy()))
        })
        .collect();
    let rules: Vec<&Ruling> = rulings.iter().filter(|r| r.is_horizontal()).collect();
    let whole = req.area.is_some() || explicit.is_some();
    if whole && grids.is_empty() {
        let mut diags = Vec::new();
        if req.mode == Mode::Lattice {
            diags.push(Diagnostic::new(
                Code::LatticeWithColumns,
                page,
                "lattice with --columns: columns from the caller, rows from text lines",
            ));
        }
        grids.extend(stream_grid(
            page,
            &rest,
            &rules,
            explicit.as_deref(),
            s,
            diags,
        ));
    } else if !whole || req.mode == Mode::Auto {
        let regions = detect::unruled_regions(&rest, s);
        for r in &regions {
            let inside: Vec<&Word> = rest
                .iter()
                .copied()
                .filter(|w| r.expand(0.5).contains_point(w.bbox.cx(), w.bbox.cy()))
                .collect();
            let found = stream_grid(page, &inside, &rules, None, s, Vec::new());
            grids.extend(found.filter(|g| unruled_table_kept(g, req.mode)));
        }
        if grids.is_empty() && req.mode == Mode::Stream && !rest.is_empty() {
            let diag = Diagnostic::new(
                Code::WholePageTable,
                page,
                "stream: no table region found, the whole page is one table",
            );
            grids.extend(stream_grid(page, &rest, &rules, None, s, vec![diag]));
        }
    }
    grids.sort_by(|a, b| {
        a.bbox
            .top
            .total_cmp(&b.bbox.top)
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    (grids, warnings)
}

/// Rule `one_row_table`: a ruled grid of one row holding at least three texts, two of
/// them numbers, is a table (the one 目 of a 項 at the foot of a budget book's page, its
/// empty 財源 boxes kept as columns so the 項 continues under the page's header), not
/// words for unruled detection, which would run its columns together. A boxed heading
/// (`１款 市税` and its total) has two texts.
fn one_row_table(g: &Grid) -> bool {
    let texts: Vec<&str> = g
        .cells
        .iter()
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    g.mode == Strategy::Lattice
        && g.n_rows() == 1
        && texts.len() >= 3
        && texts.iter().filter(|t| figure_chars_only(t)).count() >= 2
}

/// One stream table over `words`; horizontal `rules` crossing its middle are row hints.
/// Rule `one_column_is_text`: in auto mode an unruled region read as a single column is
/// a block of text (a notice beside a weekly report's tables: `今週、後天性免疫不全症候群
/// （HIV・AIDS）の報告が…`, its lines broken at a number), not a table of one column.
/// Asked for (`--mode stream`), it is kept.
fn unruled_table_kept(g: &Grid, mode: Mode) -> bool {
    mode != Mode::Auto || g.n_cols() >= 2
}

fn stream_grid(
    page: usize,
    words: &[&Word],
    rules: &[&Ruling],
    columns: Option<&[f64]>,
    s: &TableSettings,
    diagnostics: Vec<Diagnostic>,
) -> Option<Grid> {
    let lines = lines_of(words, s);
    let seps = match columns {
        Some(c) => c.to_vec(),
        None => separators(&lines, s),
    };
    let col_edges = column_edges(&lines, &seps)?;
    let (x0, x1) = (col_edges.first().copied()?, col_edges.last().copied()?);
    let mid = (x0 + x1) / 2.0;
    let hints: Vec<f64> = rules
        .iter()
        .filter(|r| r.start <= mid && r.end >= mid && r.len() >= s.hint_rule_min_width * (x1 - x0))
        .map(|r| r.pos)
        .collect();
    let groups = rows(&lines, &col_edges, &hints, s);
    let st = stream_structure(&lines, col_edges, &groups, columns.is_some(), s)?;
    build_grid(
        page,
        Strategy::Stream,
        &st,
        words,
        Cells {
            ruled: false,
            keep_columns: false,
        },
        s,
        diagnostics,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{full_grid, page, w, word};
    use super::*;

    fn run(p: &PageLayout, mode: Mode) -> Vec<Grid> {
        extract_grids(
            p,
            &PageRequest {
                mode,
                area: None,
                columns: None,
            },
            &TableSettings::default(),
        )
        .grids
    }

    #[test]
    fn a_ruled_region_over_max_lattice_slots_is_a_warning_not_a_table() {
        // A 4-by-3 ruled table: 5 row edges times 4 column edges = 20 slots.
        let xs = [10.0, 60.0, 110.0, 160.0];
        let ys = [10.0, 30.0, 50.0, 70.0, 90.0];
        let words = vec![w("a", 15.0, 15.0), w("1", 65.0, 15.0), w("b", 15.0, 35.0)];
        let p = page(words, full_grid(&xs, &ys));
        let req = PageRequest {
            mode: Mode::Lattice,
            area: None,
            columns: None,
        };
        let read = extract_grids(&p, &req, &TableSettings::default());
        assert_eq!(read.grids.len(), 1);
        assert!(read.warnings.is_empty());
        let tight = TableSettings {
            max_lattice_slots: 19,
            ..TableSettings::default()
        };
        let read = extract_grids(&p, &req, &tight);
        assert!(read.grids.iter().all(|g| g.mode != Strategy::Lattice));
        assert_eq!(read.warnings.len(), 1);
        assert!(
            read.warnings[0].contains("20 grid slots"),
            "{:?}",
            read.warnings
        );
    }

    #[test]
    fn auto_takes_a_ruled_grid_as_lattice() {
        let words = vec![
            w("区分", 5.0, 5.0),
            w("金額", 55.0, 5.0),
            w("歳入", 5.0, 25.0),
            w("100", 55.0, 25.0),
        ];
        let p = page(words, full_grid(&[0.0, 50.0, 100.0], &[0.0, 20.0, 40.0]));
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].mode, Strategy::Lattice);
        assert_eq!(
            g[0].text_matrix(),
            vec![vec!["区分", "金額"], vec!["歳入", "100"]]
        );
    }

    #[test]
    fn auto_finds_a_ruled_and_an_unruled_table() {
        let mut words = vec![
            w("区分", 5.0, 5.0),
            w("金額", 55.0, 5.0),
            w("歳入", 5.0, 25.0),
            w("100", 55.0, 25.0),
        ];
        for r in 0..3 {
            let y = 200.0 + 12.0 * r as f64;
            words.push(w("項目", 0.0, y));
            words.push(w("12", 100.0, y));
        }
        let p = page(words, full_grid(&[0.0, 50.0, 100.0], &[0.0, 20.0, 40.0]));
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 2);
        assert_eq!(g[1].mode, Strategy::Stream);
        assert_eq!(g[1].n_rows(), 3);
    }

    #[test]
    fn a_ruled_row_of_numbers_is_a_table_and_keeps_its_empty_boxes() {
        // One ruled row: 目, two amounts, an empty box, another amount.
        let words = vec![
            w("1 高齢者対策費", 5.0, 5.0),
            w("82,996", 105.0, 5.0),
            w("79,766", 155.0, 5.0),
            w("76,959", 255.0, 5.0),
        ];
        let p = page(
            words,
            full_grid(&[0.0, 100.0, 150.0, 200.0, 250.0, 300.0], &[0.0, 20.0]),
        );
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].mode, Strategy::Lattice);
        assert_eq!(g[0].n_cols(), 5, "the empty 財源 box is a column");
        // A boxed heading (a name and its total) is no table.
        let words = vec![w("１款 市税", 5.0, 5.0), w("46,460,600千円", 155.0, 5.0)];
        let p = page(words, full_grid(&[0.0, 150.0, 300.0], &[0.0, 20.0]));
        assert!(run(&p, Mode::Auto)
            .iter()
            .all(|g| g.mode != Strategy::Lattice));
    }

    #[test]
    fn a_shaded_band_without_inner_rulings_is_left_to_stream() {
        // A table whose first data row is shaded (a filled box, two rows with the header
        // band above it): no inner vertical ruling, so the whole table is one stream table.
        let mut words = vec![w("区分", 0.0, 2.0), w("金額", 100.0, 2.0)];
        for r in 0..4 {
            let y = 17.0 + 15.0 * r as f64;
            words.push(w("項目", 0.0, y));
            words.push(w("12", 100.0, y));
        }
        let mut rules = full_grid(&[-2.0, 130.0], &[0.0, 14.0, 29.0]);
        rules.push(crate::table::testutil::hline(90.0, -2.0, 130.0));
        let p = page(words, rules);
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].mode, Strategy::Stream);
        assert_eq!(g[0].n_rows(), 5);
    }

    #[test]
    fn area_restricts_words_and_columns_split_words() {
        let words = vec![
            w("abcd", 0.0, 0.0),
            w("x", 50.0, 0.0),
            w("efgh", 0.0, 12.0),
            w("y", 50.0, 12.0),
            w("far", 300.0, 300.0),
        ];
        let p = page(words, vec![]);
        let req = PageRequest {
            mode: Mode::Stream,
            area: Some(Rect::new(0.0, 0.0, 100.0, 30.0)),
            columns: Some(vec![9.0, 40.0]),
        };
        let g = extract_grids(&p, &req, &TableSettings::default()).grids;
        assert_eq!(g.len(), 1);
        assert_eq!(
            g[0].text_matrix(),
            vec![vec!["ab", "cd", "x"], vec!["ef", "gh", "y"]]
        );
    }

    #[test]
    fn a_single_column_of_text_is_no_table_in_auto_mode() {
        // A notice of ten short lines set flush left (`one_column_is_text`).
        let lines = [
            "報告定点数 31 ヶ所",
            "小児科設置定点数 31 ヶ所",
            "今週、後天性免疫不全症候群",
            "の報告が2例あり、平成28年の",
            "本市での報告は8例となりました",
            "感染経路として同性間の接触が",
            "最大の感染経路になっています",
            "感染予防として、正しく使用する",
            "ことが重要です。検査を受ける",
            "ことでしか分かりません。",
        ];
        let words: Vec<Word> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| {
                word(
                    t,
                    10.0,
                    10.0 + 12.0 * i as f64,
                    150.0,
                    20.0 + 12.0 * i as f64,
                )
            })
            .collect();
        let p = page(words, vec![]);
        let text = run(&p, Mode::Stream);
        assert_eq!(text.len(), 1);
        assert_eq!(text[0].n_cols(), 1);
        assert!(!unruled_table_kept(&text[0], Mode::Auto));
        assert!(unruled_table_kept(&text[0], Mode::Stream));
        // Two aligned columns are a table in either mode.
        let rows: Vec<Word> = (0..4)
            .flat_map(|i| {
                let y = 10.0 + 12.0 * i as f64;
                [
                    word("項目", 10.0, y, 40.0, y + 10.0),
                    word("1,234", 100.0, y, 130.0, y + 10.0),
                ]
            })
            .collect();
        let table = run(&page(rows, vec![]), Mode::Stream);
        assert_eq!(table[0].n_cols(), 2);
        assert!(unruled_table_kept(&table[0], Mode::Auto));
    }

    #[test]
    fn stream_without_regions_takes_the_whole_page() {
        let p = page(
            vec![word("just one line of text", 0.0, 0.0, 100.0, 10.0)],
            vec![],
        );
        let g = run(&p, Mode::Stream);
        assert_eq!(g.len(), 1);
        let codes: Vec<Code> = g[0].diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec![Code::WholePageTable]);
        assert_eq!(g[0].diagnostics[0].grid, Some(0));
        assert!(run(&p, Mode::Auto).is_empty());
    }

    #[test]
    fn upward_page_is_read_turned_anticlockwise() {
        // Three text lines running bottom to top: the left one is the table's first row.
        let mut words = Vec::new();
        for (x, t1, t2) in [
            (100.0, "区分", "金額"),
            (120.0, "歳入", "100"),
            (140.0, "歳出", "90"),
        ] {
            // Reading upwards, the first cell is lower on the page.
            let mut a = word(t1, x, 480.0, x + 10.0, 500.0);
            let mut b = word(t2, x, 400.0, x + 10.0, 420.0);
            for wd in [&mut a, &mut b] {
                wd.vertical = true;
                let n = wd.chars.len();
                for (i, c) in wd.chars.iter_mut().enumerate() {
                    let h = 20.0 / n as f64;
                    c.x0 = wd.bbox.bottom - h * (i as f64 + 1.0);
                    c.x1 = c.x0 + h;
                }
            }
            words.push(a);
            words.push(b);
        }
        let p = page(words, vec![]);
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(
            g[0].text_matrix(),
            vec![
                vec!["区分", "金額"],
                vec!["歳入", "100"],
                vec!["歳出", "90"]
            ]
        );
        // Boxes are turned back: the first cell is the lower left one.
        let first = &g[0].cells[0];
        assert!(
            first.bbox.x0 < 110.0 && first.bbox.bottom > 470.0,
            "{:?}",
            first.bbox
        );
    }

    #[test]
    fn vertical_page_is_read_turned() {
        // Two text lines running top to bottom: the right one is read first.
        let mut words = Vec::new();
        for (x, t1, t2) in [
            (200.0, "区分", "金額"),
            (180.0, "歳入", "100"),
            (160.0, "歳出", "90"),
        ] {
            let mut a = word(t1, x, 0.0, x + 10.0, 20.0);
            let mut b = word(t2, x, 80.0, x + 10.0, 100.0);
            a.vertical = true;
            b.vertical = true;
            words.push(a);
            words.push(b);
        }
        let p = page(words, vec![]);
        let g = run(&p, Mode::Auto);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(
            g[0].text_matrix(),
            vec![
                vec!["区分", "金額"],
                vec!["歳入", "100"],
                vec!["歳出", "90"]
            ]
        );
    }
}
