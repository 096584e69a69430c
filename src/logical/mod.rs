//! Stage `logical`: page grids into logical tables as a person reads them — one table even
//! across pages (repeated headers dropped, rows cut by a page break joined), header rows
//! detected and flattened (`人口/男`), row-spanning cells filled down, section rows
//! (`II 区政改革`) turned into a section path on the rows below, totals marked.
//!
//! Pure table logic: no PDF, OCR or output-format knowledge.
//!
//! The steps, one file each: [`part`] turns a grid into working rows; [`header`] finds the
//! header rows and flattens them; [`stitch`] decides which grids continue a table and joins
//! rows cut by a page break; [`section`] finds section headings and nests them; [`kind`]
//! marks subtotals and totals; [`span`] records spanning cells; [`caption`] reads the lines
//! above a table. Every threshold is a field of [`LogicalSettings`].

mod caption;
mod header;
mod kind;
mod part;
mod section;
mod settings;
mod span;
mod stitch;
pub(crate) mod text;
mod unit;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::geom::Rect;
use crate::layout::PageLayout;
use crate::table::{Grid, Strategy};

pub use settings::LogicalSettings;

use part::{fill_rowspans, WorkRow};
use section::SectionStack;
use stitch::Part;

/// A table's facing half is printed on the page between its two pages (rule
/// `facing_halves`): the table goes on two pages after the one it left.
const FACING_PAGES_APART: usize = 2;

/// What a body row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    #[default]
    Data,
    /// A section heading row: its text is the section path of the rows below.
    Section,
    /// 小計 and the like.
    Subtotal,
    /// 合計, 計, 総計.
    Total,
}

impl RowKind {
    /// The name used in outputs (`data`, `section`, `subtotal`, `total`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Data => "data",
            RowKind::Section => "section",
            RowKind::Subtotal => "subtotal",
            RowKind::Total => "total",
        }
    }
}

/// A body row of a logical table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// One text per column (`columns.len()` of them).
    pub cells: Vec<String>,
    /// Section path, outermost first (`["II 区政改革", "1 区の自律経営"]`).
    pub section: Vec<String>,
    pub kind: RowKind,
    /// The page the row starts on (1-based).
    pub page: usize,
    /// Every page the row's text lies on (more than one when a page break cut it).
    pub pages: Vec<usize>,
    /// The row's box on its first page.
    pub bbox: Rect,
    /// Columns whose text was filled down from a row-spanning cell above.
    pub spanned_from_above: Vec<usize>,
}

/// A spanning cell, in row indices of [`LogicalTable::rows`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
}

/// One table as the reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogicalTable {
    /// Pages the table lies on, ascending.
    pub pages: Vec<usize>,
    /// The table's box on its first page.
    pub bbox: Rect,
    pub mode: Strategy,
    /// Header rows as printed (a spanning header cell repeated in every column it spans).
    pub header_rows: Vec<Vec<String>>,
    /// Flattened column names (`上位/下位` for two-level headers).
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub spans: Vec<Span>,
    /// Text just above the table (title, unit note such as `（単位：千円）`), if any.
    pub caption: Option<String>,
    /// Each column's unit as printed in a unit row under the header (`千円`), taken off
    /// the rows (`None` where none was printed).
    pub units: Vec<Option<String>>,
    /// The unit a note above the table names for all its amounts: its caption's
    /// `（単位：千円）`, or the note of the table above it carried down
    /// (`unit::carry_unit_notes`). A column's own unit in `units` wins over it.
    pub note_unit: Option<String>,
    /// Whether each column is a number column (rule `numeric_column` over its body rows,
    /// `text::cell`): decided here once, when the table is complete; value typing reads
    /// it and does not count again ([`LogicalTable::decide_numeric`]).
    pub numeric: Vec<bool>,
    /// What the table, OCR and logical stages noticed, fell back on or repaired in this
    /// table: its grids' diagnostics, then the logical stage's own, each naming the
    /// table's index in [`Assembly::tables`].
    pub diagnostics: Vec<Diagnostic>,
}

impl LogicalTable {
    /// Decides which columns are number columns ([`LogicalTable::numeric`]): rule
    /// `numeric_column` ([`header::numeric_columns_by`]) over the cells of its rows other
    /// than section headings.
    pub fn decide_numeric(&mut self, s: &LogicalSettings) {
        let n = self
            .columns
            .len()
            .max(self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
        let body = self
            .rows
            .iter()
            .filter(|r| r.kind != RowKind::Section)
            .map(|r| r.cells.iter().map(String::as_str));
        self.numeric = header::numeric_columns_by(n, body, s);
    }

    /// The table's unit: its note's (`（単位：千円）`), else the unit printed over most of
    /// its columns that have one (`千円`), if any.
    pub fn unit(&self) -> Option<&str> {
        if let Some(u) = &self.note_unit {
            return Some(u);
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for u in self.units.iter().flatten() {
            match counts.iter_mut().find(|(x, _)| *x == u.as_str()) {
                Some((_, n)) => *n += 1,
                None => counts.push((u.as_str(), 1)),
            }
        }
        counts.into_iter().max_by_key(|&(_, n)| n).map(|(u, _)| u)
    }
}

/// One page's layout and the grids found on it.
#[derive(Clone, Debug)]
pub struct PageGrids<'a> {
    pub layout: &'a PageLayout,
    pub grids: Vec<Grid>,
}

/// A document's logical tables, and the diagnostics that concern no table.
#[derive(Clone, Debug, PartialEq)]
pub struct Assembly {
    pub tables: Vec<LogicalTable>,
    /// Diagnostics of grids that became no table (page furniture, a grid of blank rows):
    /// the logical stage's and the grids' own, each naming its page.
    pub diagnostics: Vec<Diagnostic>,
}

/// Assembles the grids of a document's pages (in page order) into logical tables.
pub fn assemble(pages: &[PageGrids<'_>], settings: &LogicalSettings) -> Assembly {
    let mut parts: Vec<Part<'_>> = Vec::new();
    let mut unplaced: Vec<Diagnostic> = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        let n = p.grids.len();
        for (gi, g) in p.grids.iter().enumerate() {
            tracing::trace!(page = g.page, grid = gi, mode = ?g.mode, rows = ?g.text_matrix(), "logical: grid");
            let ocr = p.layout.text_source == crate::layout::TextSource::Ocr;
            let of_grid =
                stitch::parts_of_grid(g, pi, gi == 0, gi + 1 == n, p.layout.height, settings);
            if of_grid.is_empty() {
                unplaced.extend(g.diagnostics.iter().cloned());
            }
            parts.extend(of_grid.into_iter().map(|part| Part { ocr, ..part }));
        }
    }
    // Page furniture found as a table (a boxed 款/項 heading) is the heading of the part
    // below it on its page, which takes its place at the top of the page; a box of details
    // over a table goes in its caption.
    let mut i = 0;
    while i < parts.len() {
        let furniture = stitch::is_furniture(&parts[i]);
        let info_box = !furniture
            && parts
                .get(i + 1)
                .is_some_and(|below| stitch::is_info_box_above(&parts[i], below, settings));
        if !furniture && !info_box {
            i += 1;
            continue;
        }
        let f = parts.remove(i);
        let lines = stitch::furniture_lines(&f);
        let message = if furniture {
            format!("page furniture is no table: {lines:?} heads the table below it")
        } else {
            format!(
                "a box of details is no table: {lines:?} goes in the caption of the table below it"
            )
        };
        unplaced.push(Diagnostic {
            grid: grid_index(pages, &f),
            ..Diagnostic::new(Code::PageFurniture, f.grid.page, message)
        });
        if !parts.iter().any(|p| std::ptr::eq(p.grid, f.grid)) {
            unplaced.extend(f.grid.diagnostics.iter().cloned());
        }
        if let Some(next) = parts.get_mut(i).filter(|n| n.page_index == f.page_index) {
            if furniture {
                next.heading = [lines, std::mem::take(&mut next.heading)].concat();
                next.first_on_page |= f.first_on_page;
            } else {
                // The table stays where it was on its page: a box of details printed on
                // every page of a statement does not make it go on from two pages back.
                next.details = [lines, std::mem::take(&mut next.details)].concat();
                next.details_box = Some(next.details_box.map_or(f.bbox, |b| b.union(&f.bbox)));
            }
        }
        if let Some(prev) = i.checked_sub(1).and_then(|j| parts.get_mut(j)) {
            if prev.page_index == f.page_index {
                prev.last_on_page |= f.last_on_page;
            }
        }
    }
    // A label row repeated at the top of the next page is a header on both.
    for i in 1..parts.len() {
        let (a, b) = (&parts[i - 1], &parts[i]);
        if (a.header_n == 0 || b.header_n == 0)
            && b.grid.page == a.grid.page + 1
            && header::same_first_row(&a.rows, &b.rows, settings)
        {
            parts[i - 1].header_n = parts[i - 1].header_n.max(1);
            parts[i].header_n = parts[i].header_n.max(1);
        }
    }
    // A grid holding only a header, right above a grid without one on the same page: the
    // header of that grid (a shaded header found as a ruled grid, its body as text).
    for i in 1..parts.len() {
        let (a, b) = (&parts[i - 1], &parts[i]);
        if a.page_index == b.page_index
            && a.header_n == 0
            && b.header_n == 0
            && header::all_header(&a.rows, settings)
            && stitch::directly_above(a, b, settings)
        {
            parts[i - 1].header_n = parts[i - 1].rows.len();
        }
    }
    // Group parts into tables: (part indices, header rows repeated in each part, the
    // table's header).
    let mut groups: Vec<Group> = Vec::new();
    for i in 0..parts.len() {
        let mut cont = groups
            .len()
            .checked_sub(1)
            .and_then(|g| {
                let header = page_header(&parts, &groups, g);
                let &j = groups[g].0.last()?;
                stitch::continues(&parts[j], &parts[i], header, settings)
            })
            .map(|skip| (groups.len() - 1, skip));
        if cont.is_none() && parts[i].first_on_page {
            // A table two pages back, the page between holding its facing half.
            let page = parts[i].grid.page;
            let between: Vec<&Part<'_>> = parts[..i]
                .iter()
                .filter(|p| p.grid.page + 1 == page)
                .collect();
            cont = groups
                .iter()
                .enumerate()
                .rev()
                .find_map(|(g, (members, _, _))| {
                    let header = page_header(&parts, &groups, g);
                    let &j = members.last()?;
                    (parts[j].grid.page + FACING_PAGES_APART == page)
                        .then(|| {
                            stitch::continues_facing(
                                &parts[j], &parts[i], header, &between, settings,
                            )
                        })
                        .flatten()
                        .map(|skip| (g, skip))
                });
        }
        if cont.is_none() {
            cont = half_going_on(&parts, &groups, i, settings);
        }
        // A part on fewer columns that goes on with its table (a box below, a page whose
        // empty column was dropped) takes the table's columns.
        if let Some((g, _)) = cont {
            let onto = groups.get(g).and_then(|(members, _, _)| {
                let &f = members.first()?;
                if parts[i].n_cols == parts[f].n_cols {
                    return None;
                }
                let columns = stitch::columns_onto(&parts[f], &parts[i], settings)?;
                Some((columns, parts[f].n_cols, parts[f].col_edges.clone()))
            });
            if let Some((columns, n, edges)) = onto {
                stitch::onto_columns(&mut parts[i], &columns, n, &edges);
            }
        }
        match cont.and_then(|(g, skip)| groups.get_mut(g).map(|x| (x, skip))) {
            Some(((members, skips, _), skip)) => {
                members.push(i);
                skips.push(skip);
            }
            None => {
                let hn = parts[i].header_n;
                let header = header::header_matrix(parts[i].rows.get(..hn).unwrap_or(&[]));
                groups.push((vec![i], vec![hn], header));
            }
        }
    }
    let firsts: Vec<&Grid> = groups.iter().map(|(m, _, _)| parts[m[0]].grid).collect();
    let mut tables: Vec<LogicalTable> = groups
        .iter()
        .map(|(members, skips, _)| {
            let first = &parts[members[0]];
            let others: Vec<Rect> = pages.get(first.page_index).map_or(Vec::new(), |p| {
                p.grids
                    .iter()
                    .filter(|g| !std::ptr::eq(*g, first.grid))
                    .map(|g| g.bbox)
                    .collect()
            });
            let caption = if !first.preamble.is_empty() {
                Some(first.preamble.join("\n"))
            } else if !first.heading.is_empty() {
                Some(first.heading.join("\n"))
            } else if !first.first_of_grid {
                None
            } else {
                // A box of details right above the table: the title is above that box.
                let from = match first.details_box {
                    Some(b) if first.bbox.top - b.bottom <= settings.header_grid_max_gap => {
                        first.bbox.union(&b)
                    }
                    _ => first.bbox,
                };
                pages
                    .get(first.page_index)
                    .and_then(|p| caption::caption(p.layout, &from, &others, settings))
            };
            let caption = match (caption, first.details.join("\n")) {
                (caption, details) if details.is_empty() => caption,
                (Some(c), details) => Some(format!("{c}\n{details}")),
                (None, details) => Some(details),
            };
            let members: Vec<(&Part<'_>, usize)> = members
                .iter()
                .zip(skips)
                .map(|(&m, &k)| (&parts[m], k))
                .collect();
            let layouts: Vec<Option<&PageLayout>> = members
                .iter()
                .map(|(p, _)| pages.get(p.page_index).map(|pg| pg.layout))
                .collect();
            let mut table = build_table(&members, &layouts, caption, settings);
            table.diagnostics = part_diagnostics(&members, pages);
            table
        })
        .collect();
    inherit_columns(&mut tables, &firsts, settings);
    unit::carry_unit_notes(&mut tables, settings);
    for (i, t) in tables.iter_mut().enumerate() {
        t.decide_numeric(settings);
        for d in &mut t.diagnostics {
            d.table = Some(i);
        }
    }
    Assembly {
        tables,
        diagnostics: unplaced,
    }
}

/// The index of a part's grid among its page's grids.
fn grid_index(pages: &[PageGrids<'_>], p: &Part<'_>) -> Option<usize> {
    pages
        .get(p.page_index)?
        .grids
        .iter()
        .position(|g| std::ptr::eq(g, p.grid))
}

/// A table's diagnostics from its parts: each grid's once (a grid may give several parts),
/// and the note rows each part dropped.
fn part_diagnostics(members: &[(&Part<'_>, usize)], pages: &[PageGrids<'_>]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut grids: Vec<&Grid> = Vec::new();
    for (p, _) in members {
        if !grids.iter().any(|g| std::ptr::eq(*g, p.grid)) {
            grids.push(p.grid);
            out.extend(p.grid.diagnostics.iter().cloned());
        }
        if !p.notes.is_empty() {
            out.push(Diagnostic {
                grid: grid_index(pages, p),
                ..Diagnostic::new(
                    Code::NoteRowsDropped,
                    p.grid.page,
                    format!("note rows under the table are not rows: {:?}", p.notes),
                )
            });
        }
    }
    out
}

/// A table being grouped from parts: its part indices, the header rows repeated in each
/// part, and its header.
type Group = (Vec<usize>, Vec<usize>, Vec<Vec<String>>);

/// Rule `halves_go_on` (see [`stitch::continues_beside`]): the group that part `i` goes on with as the next page's half of a sheet of halves, and the
/// header rows it repeats. `i` sits beside the first part of its page (their boxes share
/// rows), the group's last part beside the last part of the page before.
fn half_going_on(
    parts: &[Part<'_>],
    groups: &[Group],
    i: usize,
    s: &LogicalSettings,
) -> Option<(usize, usize)> {
    let next = parts.get(i)?;
    let page = next.grid.page;
    let beside = |a: &Part<'_>, b: &Part<'_>| a.bbox.overlap_y(&b.bbox) > 0.0;
    let first = parts.iter().find(|p| p.grid.page == page)?;
    if !beside(first, next) {
        return None;
    }
    let last_before = parts[..i].iter().rev().find(|p| p.grid.page + 1 == page)?;
    groups
        .iter()
        .enumerate()
        .rev()
        .find_map(|(g, (members, _, _))| {
            let &j = members.last()?;
            let prev = parts.get(j)?;
            if prev.grid.page + 1 != page || !beside(prev, last_before) {
                return None;
            }
            let header = page_header(parts, groups, g);
            stitch::continues_beside(prev, next, header, s).map(|skip| (g, skip))
        })
}

/// Rule `page_header_stands_for_all`: the header a group's rows are read under. Its own,
/// or, for a table that began under another on its page without one (a budget book's next
/// 節 table under the page's one header), the header of the last table before it with one
/// on that page: the next page prints that header again over it.
fn page_header<'g>(parts: &[Part<'_>], groups: &'g [Group], g: usize) -> &'g [Vec<String>] {
    let Some((members, _, header)) = groups.get(g) else {
        return &[];
    };
    if !header.is_empty() {
        return header;
    }
    let Some(page) = members
        .first()
        .and_then(|&m| parts.get(m))
        .map(|p| p.grid.page)
    else {
        return header;
    };
    groups[..g]
        .iter()
        .rev()
        .take_while(|(m, _, _)| {
            m.iter()
                .any(|&k| parts.get(k).is_some_and(|p| p.grid.page == page))
        })
        .find(|(_, _, h)| !h.is_empty())
        .map_or(header.as_slice(), |(_, _, h)| h.as_slice())
}

/// Rule `headerless_sibling`: a table printed without a header right after a table with
/// the same columns (the next 項 of a budget book, under its own heading box) has that
/// table's columns and units; its header rows stay empty, as printed.
fn inherit_columns(tables: &mut [LogicalTable], firsts: &[&Grid], s: &LogicalSettings) {
    for i in 1..tables.len().min(firsts.len()) {
        let (done, rest) = tables.split_at_mut(i);
        let Some(t) = rest.first_mut() else {
            continue;
        };
        let unlabelled = t.header_rows.is_empty() && t.columns.iter().all(|c| c.trim().is_empty());
        if !unlabelled {
            continue;
        }
        // The nearest table before it with the same columns (other tables may come
        // between: a 項 whose halves could not be joined).
        let sibling = (0..i).rev().find(|&j| {
            let prev = &done[j];
            let same_columns = stitch::column_distance(firsts[j], firsts[i])
                .is_some_and(|d| d <= s.continuation_column_tolerance);
            let near = t.pages.first() >= prev.pages.last()
                && t.pages.first().copied() <= prev.pages.last().map(|p| p + 1);
            same_columns && near && prev.columns.len() == t.columns.len()
        });
        if let Some((j, prev)) = sibling.and_then(|j| done.get(j).map(|p| (j, p))) {
            t.columns.clone_from(&prev.columns);
            fill_units(&mut t.units, &prev.units);
            t.diagnostics.push(Diagnostic::new(
                Code::HeaderlessSibling,
                t.pages.first().copied().unwrap_or(firsts[i].page),
                format!(
                    "printed without a header: takes the columns and units of the table on page {} with the same columns",
                    prev.pages.first().copied().unwrap_or(firsts[j].page)
                ),
            ));
        }
    }
}

/// The identifier column: the first column with few row-spanning cells whose own text
/// fills enough data rows (rows at page boundaries, which may be cut, left out). Columns
/// left of it are grouping columns.
fn identifier_column(
    parts: &[Vec<WorkRow>],
    section: &dyn Fn(&WorkRow) -> bool,
    n_cols: usize,
    s: &LogicalSettings,
) -> usize {
    let mut sample: Vec<&WorkRow> = Vec::new();
    for rows in parts {
        let body: Vec<&WorkRow> = rows.iter().filter(|r| !section(r)).collect();
        let inner = if body.len() > 2 {
            &body[1..body.len() - 1]
        } else {
            &body[..]
        };
        sample.extend(inner.iter().copied());
    }
    if sample.is_empty() {
        sample = parts.iter().flatten().filter(|r| !section(r)).collect();
    }
    if sample.is_empty() {
        return 0;
    }
    // Every body row (section headings left out), for the share spans cover.
    let body: Vec<&WorkRow> = parts.iter().flatten().filter(|r| !section(r)).collect();
    // Rows labelled as sums (`流動資産合計`, wherever the label sits) name no item.
    let items: Vec<&WorkRow> = {
        let it: Vec<&WorkRow> = sample
            .iter()
            .copied()
            .filter(|r| {
                !r.slots
                    .iter()
                    .any(|sl| sl.own && kind::label_kind(&sl.text).is_some())
            })
            .collect();
        if it.is_empty() {
            sample.clone()
        } else {
            it
        }
    };
    for c in 0..n_cols {
        // Rule `few_spans_identify`: a few boxes spanning rows (a 財産目録's 現金預金 over
        // its banks) do not make a grouping column; spans over most rows do.
        // The slot at `c` lies in a box spanning rows.
        let in_box = |r: &WorkRow| {
            r.slots
                .get(c)
                .is_some_and(|sl| sl.rowspan > 1 && sl.cell != usize::MAX)
        };
        let spanned = body.iter().filter(|r| in_box(r)).count();
        let spans_rows =
            spanned > 0 && spanned as f64 > s.identifier_max_spanned * body.len() as f64;
        // A row labelled by a cell spanning into this column from the left (a 款 row's
        // name over the 款 and 項 columns) has its label here too.
        let spanned_label = |r: &WorkRow| {
            r.slots.get(c).is_some_and(|sl| {
                !sl.own
                    && sl.cell != usize::MAX
                    && r.slots[..c]
                        .iter()
                        .any(|x| x.own && x.cell == sl.cell && !x.text.trim().is_empty())
            })
        };
        // A row under a box spanning rows of this column is named by that box.
        let under_box = |r: &WorkRow| in_box(r) && r.slots.get(c).is_some_and(|sl| !sl.own);
        let filled = items
            .iter()
            .filter(|r| r.own_text(c) || spanned_label(r) || under_box(r))
            .count();
        if !spans_rows && filled as f64 >= s.identifier_fill_fraction * items.len() as f64 {
            return c;
        }
    }
    0
}

/// A header line the grid left out: the text line right above the table's top whose
/// words all sit over columns (not the first) left empty in the top header row, such as a
/// group label `予算額（千円）` over two columns. Returns it as a header row, with the
/// centre of its words per column and its text.
fn header_line_above(
    layout: &PageLayout,
    part: &Part<'_>,
    head: &[WorkRow],
    s: &LogicalSettings,
) -> Option<(WorkRow, Vec<Option<f64>>, String)> {
    if !part.first_of_grid {
        return None;
    }
    let top = part.bbox.top;
    let edges = &part.grid.col_edges;
    let n = part.n_cols;
    let line = layout
        .lines
        .iter()
        .filter(|l| {
            // Mostly above the top (a scan's line may reach a point or two into it).
            l.bbox.cy() < top
                && top - l.bbox.bottom <= s.header_line_max_gap_lines * l.bbox.height().max(1.0)
        })
        .filter(|l| l.bbox.x0 >= part.bbox.x0 - 1.0 && l.bbox.x1 <= part.bbox.x1 + 1.0)
        .max_by(|a, b| a.bbox.bottom.total_cmp(&b.bbox.bottom))?;
    let words = layout.horizontal_words(line);
    if words.is_empty() {
        return None;
    }
    let first_row = head.first()?;
    // Rule `underlined_group_label`: a label with a drawn rule right under it that spans
    // only some of the table's columns (`予算額（千円）` underlined over 前年度当初 and 本年度,
    // the row below set between row rules) is a group label even when the top header row
    // has labels in those columns.
    let (lx0, lx1) = words
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), w| {
            (a.min(w.bbox.x0), b.max(w.bbox.x1))
        });
    // The rule runs inside the grid's top row (the grid's own top edge, drawn cell by cell,
    // is a border, not an underline).
    let h = line.bbox.height().max(1.0);
    let underlined = layout.rulings.iter().any(|r| {
        r.orientation == crate::layout::Orientation::Horizontal
            && r.pos >= line.bbox.cy()
            && r.pos > top + 1.0
            && r.pos <= line.bbox.bottom + h
            && r.start <= lx0 + 1.0
            && r.end >= lx1 - 1.0
            && {
                let (a, b) = collinear_extent(&layout.rulings, r);
                b - a < s.group_rule_max_width * part.bbox.width()
            }
    });
    let mut texts = vec![String::new(); n];
    let mut spans: Vec<Option<(f64, f64)>> = vec![None; n];
    for w in &words {
        let c = edges
            .iter()
            .skip(1)
            .take_while(|&&x| w.bbox.cx() >= x)
            .count();
        if c == 0
            || c >= n
            || !(underlined || first_row.text(c).trim().is_empty())
            || !first_row.slots.get(c).is_some_and(|sl| sl.own)
        {
            return None;
        }
        let t = &mut texts[c];
        *t = if t.is_empty() {
            w.text.clone()
        } else {
            text::join_across_break(t, &w.text)
        };
        spans[c] = Some(spans[c].map_or((w.bbox.x0, w.bbox.x1), |(a, b)| {
            (a.min(w.bbox.x0), b.max(w.bbox.x1))
        }));
    }
    let slots = texts
        .iter()
        .map(|t| part::Slot {
            text: t.clone(),
            cell: usize::MAX,
            own: true,
            rowspan: 1,
            colspan: 1,
            filled: false,
        })
        .collect();
    let row = WorkRow {
        slots,
        bold: false,
        page: part.grid.page,
        pages: vec![part.grid.page],
        bbox: Rect::new(part.bbox.x0, line.bbox.top, part.bbox.x1, top),
        part: 0,
        units_taken: false,
    };
    let centers = spans
        .iter()
        .map(|sp| sp.map(|(a, b)| (a + b) / 2.0))
        .collect();
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    tracing::debug!(line = %text, "logical: header line above the grid taken into the header");
    Some((row, centers, text))
}

/// The extent of the horizontal rule `r` with the rules at its height that touch it (a
/// border drawn cell by cell is one line).
fn collinear_extent(rulings: &[crate::layout::Ruling], r: &crate::layout::Ruling) -> (f64, f64) {
    let mut row: Vec<(f64, f64)> = rulings
        .iter()
        .filter(|o| o.orientation == r.orientation && (o.pos - r.pos).abs() <= 1.0)
        .map(|o| (o.start, o.end))
        .collect();
    row.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Runs of touching segments, left to right; the one holding `r`.
    let mut run: Option<(f64, f64)> = None;
    for (s0, s1) in row {
        run = match run {
            Some((a, b)) if s0 <= b + 1.0 => Some((a, b.max(s1))),
            Some((a, b)) if a <= r.start && b >= r.end => return (a, b),
            _ => Some((s0, s1)),
        };
    }
    run.filter(|&(a, b)| a <= r.start && b >= r.end)
        .unwrap_or((r.start, r.end))
}

/// Columns without a unit take the one `from` gives them.
fn fill_units(units: &mut [Option<String>], from: &[Option<String>]) {
    for (u, f) in units.iter_mut().zip(from) {
        if u.is_none() {
            u.clone_from(f);
        }
    }
}

/// One logical table from its parts (each with the number of leading header rows to drop).
fn build_table(
    members: &[(&Part<'_>, usize)],
    layouts: &[Option<&PageLayout>],
    caption: Option<String>,
    s: &LogicalSettings,
) -> LogicalTable {
    let Some((first, header_n)) = members.first().copied() else {
        return LogicalTable {
            numeric: Vec::new(),
            pages: Vec::new(),
            bbox: Rect::new(0.0, 0.0, 0.0, 0.0),
            mode: Strategy::default(),
            header_rows: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            spans: Vec::new(),
            caption,
            units: Vec::new(),
            note_unit: None,
            diagnostics: Vec::new(),
        };
    };
    let n_cols = first.n_cols;
    // Rule `header_from_continuation`: a table that began without a header (a 項 under
    // its heading, its header printed over the 項 above) and goes on under a page header
    // of its own columns takes that header.
    let first_layout = layouts.first().copied().flatten();
    let (hp, header_n, layout) = members
        .iter()
        .zip(layouts)
        .skip(1)
        .filter(|_| header_n == 0)
        .find(|((p, k), _)| *k > 0 && *k == p.header_n && p.n_cols == n_cols)
        .map_or((first, header_n, first_layout), |((p, k), l)| (*p, *k, *l));
    let mut head: Vec<WorkRow> = hp.rows.get(..header_n).unwrap_or(&[]).to_vec();
    if first.ocr {
        let repeats: Vec<&[WorkRow]> = members
            .iter()
            .filter(|(p, k)| p.ocr && *k == header_n)
            .filter_map(|(p, k)| p.rows.get(..*k))
            .collect();
        text::best_readings(&mut head, &repeats);
    }
    // A unit printed under a header label is the column's (`unit_under_label`).
    let mut header_units: Vec<Option<String>> = vec![None; n_cols];
    if let Some(layout) = layout {
        for r in &mut head {
            for k in 0..r.slots.len() {
                let Some(sl) = r
                    .slots
                    .get(k)
                    .filter(|sl| sl.own && !sl.text.trim().is_empty())
                else {
                    continue;
                };
                let Some(cell) = hp.grid.cells.get(sl.cell) else {
                    continue;
                };
                // Words cut at the cell's sides: a line may run on into the next cell
                // (`人` and the `報 酬` beside it are one word of the text layer).
                let b = cell.bbox;
                let cut: Vec<crate::layout::Word> = layout
                    .words
                    .iter()
                    .filter(|w| !w.vertical && w.bbox.cy() > b.top && w.bbox.cy() < b.bottom)
                    .filter(|w| w.bbox.x1 > b.x0 && w.bbox.x0 < b.x1)
                    .flat_map(|w| crate::table::split_word_at(w, &[b.x0, b.x1]))
                    .filter(|w| b.contains_point(w.bbox.cx(), w.bbox.cy()))
                    .collect();
                let words: Vec<&crate::layout::Word> = cut.iter().collect();
                if let Some((u, label)) = unit::unit_under_label(&words, &sl.text, s) {
                    for x in header_units.iter_mut().skip(k).take(sl.colspan.max(1)) {
                        *x = Some(u.to_string());
                    }
                    if let Some(sl) = r.slots.get_mut(k) {
                        sl.text = label;
                    }
                }
            }
        }
    }
    // Label centres per header slot, from the words inside each header cell.
    let word_center = |words: &[&crate::layout::Word]| -> Option<f64> {
        let x0 = words.iter().map(|w| w.bbox.x0).reduce(f64::min)?;
        let x1 = words.iter().map(|w| w.bbox.x1).reduce(f64::max)?;
        Some((x0 + x1) / 2.0)
    };
    let mut centers: Vec<Vec<Option<f64>>> = head
        .iter()
        .map(|r| {
            (0..n_cols)
                .map(|c| {
                    let cell = hp.grid.cells.get(r.slots.get(c)?.cell)?;
                    let words: Vec<&crate::layout::Word> = layout?
                        .words
                        .iter()
                        .filter(|w| {
                            !w.vertical && cell.bbox.contains_point(w.bbox.cx(), w.bbox.cy())
                        })
                        .collect();
                    word_center(&words)
                })
                .collect()
        })
        .collect();
    let mut caption = caption;
    if let (Some(layout), false) = (layout, head.is_empty()) {
        if let Some((row, line_centers, text)) = header_line_above(layout, hp, &head, s) {
            head.insert(0, row);
            centers.insert(0, line_centers);
            if caption.as_deref().is_some_and(|c| c.ends_with(&text)) {
                caption = caption
                    .and_then(|c| c.strip_suffix(&text).map(|x| x.trim_end().to_string()))
                    .filter(|c| !c.is_empty());
            }
        }
    }
    let label_center =
        |row: usize, col: usize| -> Option<f64> { centers.get(row)?.get(col).copied().flatten() };
    let geo = header::HeaderGeometry {
        col_edges: &hp.grid.col_edges,
        numeric: header::numeric_columns(hp.rows.get(header_n..).unwrap_or(&[]), s),
        label_center: &label_center,
        tolerance: s.group_label_center_tolerance,
        ruled: hp.grid.mode == crate::table::Strategy::Lattice,
    };
    tracing::trace!(col_edges = ?hp.grid.col_edges, centers = ?centers, "logical: header geometry");
    let header_rows = header::header_matrix_with(&head, Some(&geo));
    let columns = if header_rows.is_empty() {
        vec![String::new(); n_cols]
    } else {
        header::flatten(&header_rows, n_cols)
    };

    // Body rows of every part, row-spanning cells filled down within the part.
    let bodies: Vec<Vec<WorkRow>> = members
        .iter()
        .map(|(p, skip)| {
            let mut rows: Vec<WorkRow> = p.rows.get(*skip..).unwrap_or(&[]).to_vec();
            fill_rowspans(&mut rows, |_| true);
            rows
        })
        .collect();
    let is_section = |r: &WorkRow| section::is_section_row(r);
    let id_col = identifier_column(&bodies, &is_section, n_cols, s);

    // Stitch the parts: a first row without its own identifier continues the row before.
    let mut rows: Vec<WorkRow> = Vec::new();
    for (pi, mut body) in bodies.into_iter().enumerate() {
        if let Some(last) = rows.last() {
            stitch::continue_spans(last, &mut body, id_col);
        }
        let mut it = body.into_iter();
        if pi > 0 {
            if let Some(r) = it.next() {
                let joinable = rows.last().is_some_and(|l| {
                    !is_section(l) && !is_section(&r) && stitch::is_cut_continuation(l, &r, id_col)
                });
                match rows.last_mut() {
                    Some(last) if joinable => stitch::join_rows(last, &r),
                    _ => rows.push(r),
                }
            }
        }
        rows.extend(it);
    }
    part::drop_label_only_rows(&mut rows, is_section);

    if first.ocr {
        // Roman numerals of headings misread by OCR (`Il` for Ⅱ), renumbered in order.
        let at: Vec<usize> = (0..rows.len()).filter(|&i| is_section(&rows[i])).collect();
        let texts: Vec<String> = at.iter().map(|&i| rows[i].text(0).to_string()).collect();
        for (&i, t) in at.iter().zip(section::repair_roman_headings(&texts)) {
            if let Some(slot) = rows[i].slots.first_mut() {
                slot.text = t;
            }
        }
    }
    let section_flags: Vec<bool> = rows.iter().map(is_section).collect();
    // Grouping columns are filled down within their section (across page breaks too).
    // A column of amounts is one only where the grid draws its amounts as boxes spanning
    // rows (a 目's 本年度 beside its 節): elsewhere an empty amount box holds nothing (a
    // 財産目録's detail lines under an item's total).
    let numeric_before = header::numeric_columns(&rows, s);
    let grouping: Vec<usize> = (0..id_col)
        .filter(|&c| {
            let spanning = rows.iter().any(|r| {
                r.slots
                    .get(c)
                    .is_some_and(|sl| sl.rowspan > 1 && sl.cell != usize::MAX)
            });
            !numeric_before.get(c).copied().unwrap_or(false) || spanning
        })
        .collect();
    for c in grouping {
        let mut last: Option<String> = None;
        for (i, r) in rows.iter_mut().enumerate() {
            if section_flags[i] {
                last = None;
                continue;
            }
            // A slot of a box that spans from the column to its left (a full-width
            // `経常増減差額(7)=(3)+(6)` over the grouping columns) is that box's, not a
            // gap to fill.
            let widened = c > 0
                && r.slots.get(c).is_some_and(|sl| {
                    sl.cell != usize::MAX && r.slots.get(c - 1).is_some_and(|l| l.cell == sl.cell)
                });
            // Rule `new_group_resets_below`: a row with its own text in a grouping column
            // left of this one starts a new group there, so nothing of the group above
            // goes on in this column (a 財産目録's 事業未収金 row leaves 場所 blank; it is
            // not 現金預金's bank).
            let new_group = r.slots[..c.min(r.slots.len())]
                .iter()
                .any(|sl| !sl.filled && !sl.text.trim().is_empty());
            let Some(slot) = r.slots.get_mut(c) else {
                continue;
            };
            if widened {
                continue;
            }
            if slot.text.trim().is_empty() {
                if new_group {
                    last = None;
                } else if let Some(t) = &last {
                    slot.text = t.clone();
                    slot.filled = true;
                }
            } else {
                last = Some(slot.text.clone());
            }
        }
    }

    // The column a row's label is read from: its first own text.
    let label_col = |r: &WorkRow| -> Option<usize> {
        r.nonempty()
            .into_iter()
            .find(|&k| !r.slots.get(k).is_some_and(|sl| sl.filled))
    };

    // Rule `sum_label_to_label_column`: a sum label (`流動資産合計`, `小計(現金預金)`) set
    // in a later column, with only empty boxes between it and the row's text to its left
    // (a 財産目録 centres 合計 in its widest box), belongs in the first of those boxes:
    // the column the row's label is read from.
    for (i, r) in rows.iter_mut().enumerate() {
        if section_flags.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(k) = label_col(r) else {
            continue;
        };
        if k == 0 || kind::label_kind(&r.slots[k].text).is_none() {
            continue;
        }
        let to = r.slots[..k]
            .iter()
            .rposition(|sl| !sl.text.trim().is_empty())
            .map_or(0, |p| p + 1);
        if to < k {
            let text = std::mem::take(&mut r.slots[k].text);
            if let Some(sl) = r.slots.get_mut(to) {
                sl.text = text;
                sl.filled = false;
            }
        }
    }

    // Kinds: labels first, then unlabeled totals by arithmetic.
    let label_of = |r: &WorkRow| -> Option<kind::Label> {
        let k = label_col(r)?;
        if k > id_col {
            return None;
        }
        kind::label_kind(r.text(k))
    };
    let labels: Vec<Option<kind::Label>> = rows.iter().map(label_of).collect();
    let mut sum_total_row = None;
    if labels.iter().all(|l| l.is_none()) && !section_flags.iter().any(|&b| b) {
        let idx: Vec<usize> = (0..rows.len()).collect();
        let texts: Vec<Vec<String>> = idx.iter().map(|&i| rows[i].texts()).collect();
        sum_total_row = kind::sum_total(&texts, s);
    }

    let body_numeric = header::numeric_columns(&rows, s);
    // Sections and kinds, top to bottom.
    let mut stack = SectionStack::default();
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let kind = if section_flags[i] {
            stack.open(r.text(0));
            RowKind::Section
        } else if let Some(l) = labels[i] {
            kind::resolve(l, !stack.is_empty())
        } else if sum_total_row == Some(i) {
            RowKind::Total
        } else {
            RowKind::Data
        };
        // Rule `named_total_closes_its_section`: a total naming an open section
        // (`流動資産合計` under `1 流動資産`) is that section's last row and closes it
        // alone; a total naming none closes every section before it (a grand total).
        let named = if kind == RowKind::Total {
            label_col(r).and_then(|k| stack.named(r.text(k)))
        } else {
            None
        };
        if kind == RowKind::Total && named.is_none() {
            stack.close_all();
        }
        let mut path = stack.path();
        if let Some(i) = named {
            stack.close_from(i);
        }
        // A side label beside the whole grid names every row (`side_label_column`).
        if let Some(label) = &first.grid.side_label {
            path.insert(0, label.clone());
        }
        if kind != RowKind::Section {
            // Grouping columns name the group; their amounts (a 目's 本年度 beside its
            // 節 rows) are no part of a path.
            for c in (0..id_col).filter(|&c| !body_numeric.get(c).copied().unwrap_or(false)) {
                let t = r.text(c).trim();
                if !t.is_empty() && path.last().is_none_or(|p| p != t) {
                    path.push(t.to_string());
                }
            }
        }
        let mut cells = r.texts();
        cells.resize(n_cols, String::new());
        out.push(Row {
            cells,
            section: path,
            kind,
            page: r.page,
            pages: r.pages.clone(),
            bbox: r.bbox,
            spanned_from_above: r
                .slots
                .iter()
                .enumerate()
                .filter(|(_, sl)| sl.filled)
                .map(|(k, _)| k)
                .collect(),
        });
    }
    let spans = span::spans(&rows, &section_flags, n_cols);
    let columns = header::label_spans_left(columns, &body_numeric);
    // Each column's unit: from the first part that printed one.
    let mut units = header_units;
    for (p, _) in members {
        fill_units(&mut units, &p.units);
    }
    let mut pages: Vec<usize> = members.iter().map(|(p, _)| p.grid.page).collect();
    pages.sort_unstable();
    pages.dedup();
    LogicalTable {
        numeric: Vec::new(),
        pages,
        bbox: first.bbox,
        mode: first.grid.mode,
        header_rows,
        columns,
        rows: out,
        spans,
        caption,
        units,
        note_unit: None,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
