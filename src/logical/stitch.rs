//! Tables across pages: which grids continue the table of the previous page (same column
//! layout, header repeated or none and the part at the top of its page), and the rows cut
//! by a page break (the first row of the next part has no identifier of its own: its
//! texts continue the last row of the part before).

use crate::geom::Rect;
use crate::table::Grid;

use super::header::{count_header_rows, repeats_header, single_spanning_text};
use super::part::{grid_rows, Slot, WorkRow};
use super::settings::LogicalSettings;
use super::text::{
    is_caption_text, is_note_text, is_numeric, is_page_number, is_sentence, is_unit_note,
    join_across_break, numbering, Numbering,
};

/// One grid (or a piece of one, when captions inside it separate tables) on its way
/// into a logical table.
#[derive(Clone, Debug)]
pub struct Part<'a> {
    pub grid: &'a Grid,
    /// Index into the document's pages.
    pub page_index: usize,
    /// Its place among the parts of its page.
    pub first_on_page: bool,
    pub last_on_page: bool,
    pub page_height: f64,
    /// The extent of its rows (preamble and notes included).
    pub bbox: Rect,
    /// Caption lines taken off its top (`表1 …`, `（単位：千円）`, a heading above the header).
    pub preamble: Vec<String>,
    /// Notes taken off its bottom (`（注）…`, body text caught by the grid).
    pub notes: Vec<String>,
    /// Its rows (blank rows, page numbers, preamble and notes removed).
    pub rows: Vec<WorkRow>,
    /// Leading rows this part's own header detection found.
    pub header_n: usize,
    /// Its page was OCR'd: its texts may be misread, so a repeated header is recognised
    /// by its place and shape when its text differs.
    pub ocr: bool,
    /// Each column's unit from a unit row taken off its rows (`unit::take_unit_row`).
    pub units: Vec<Option<String>>,
    /// Page furniture found as a table of its own right above it (a budget book's
    /// `１款 市税 49,286,300千円` box, a running head): its lines (see [`is_furniture`]).
    pub heading: Vec<String>,
    /// A box of details set above it (rule `info_box_above`): its lines, kept in the
    /// table's caption after the title, and its box.
    pub details: Vec<String>,
    pub details_box: Option<Rect>,
    /// It is the top piece of its grid: the text lines right above it may be its caption.
    /// A lower piece has the piece above it there.
    pub first_of_grid: bool,
    /// Its columns: the grid's, less the trailing columns a lower piece leaves empty
    /// (see [`trailing_empty_columns`]).
    pub n_cols: usize,
    /// Its column edges (`n_cols + 1`): the grid's, or the table's once its rows were put
    /// on the table's columns ([`onto_columns`]).
    pub col_edges: Vec<f64>,
}

/// The parts of one grid: split where a caption row (`表2 …`) starts another table, each
/// with its preamble and notes taken off.
pub fn parts_of_grid<'a>(
    grid: &'a Grid,
    page_index: usize,
    first_on_page: bool,
    last_on_page: bool,
    page_height: f64,
    s: &LogicalSettings,
) -> Vec<Part<'a>> {
    let mut rows = grid_rows(grid, 0);
    rows.retain(|r| !r.is_blank());
    let units = super::unit::take_unit_row(&mut rows, s);
    // Defensive: a page number or footer caught at the edge of a grid is not a row.
    while rows.last().is_some_and(lone_page_number) {
        rows.pop();
    }
    while rows.first().is_some_and(lone_page_number) {
        rows.remove(0);
    }
    // Segments of rows, each with whether it starts with a title row found by the split.
    let mut segments: Vec<(Vec<WorkRow>, bool)> = vec![(Vec::new(), false)];
    let mut start = 0;
    for i in 0..rows.len() {
        let seg = &rows[start..i];
        let titled = i + 1 < rows.len()
            && seg.len() >= 3
            && sparse_title(&rows[i])
            && labels_over_numbers(seg, &rows[i + 1]);
        let split = titled
            || (seg.iter().any(|x| !caption_row(x)) && caption_row(&rows[i]))
            || (seg.len() >= 2
                && !seg.last().is_some_and(sparse_title)
                && labels_over_numbers(seg, &rows[i]));
        if split {
            segments.push((Vec::new(), titled));
            start = i;
        }
        if let Some((seg, _)) = segments.last_mut() {
            seg.push(rows[i].clone());
        }
    }
    let n = segments.len();
    segments
        .into_iter()
        .enumerate()
        .map(|(i, (mut rows, titled))| {
            let bbox = rows
                .iter()
                .map(|r| r.bbox)
                .reduce(|a, b| a.union(&b))
                .unwrap_or(grid.bbox);
            let title = if titled && rows.len() > 1 {
                Some(row_line(&rows.remove(0)))
            } else {
                None
            };
            let (mut preamble, mut header_n) =
                take_preamble(&mut rows, grid.mode == crate::table::Strategy::Lattice, s);
            preamble.splice(0..0, title);
            // Rule `header_over_units`: units are printed under the header, so a part of
            // header-like rows over a unit row and nothing else is all header (the 目 page
            // of a budget book left empty while a 目's 節 run on over the facing pages).
            let units_found = units.iter().any(Option::is_some);
            if header_n == 0 && n == 1 && units_found && super::header::all_header(&rows, s) {
                header_n = rows.len();
            }
            let notes = take_notes(&mut rows, s);
            let mut n_cols = grid.n_cols();
            if n > 1 {
                n_cols -= trailing_empty_columns(&rows, n_cols);
                for r in &mut rows {
                    r.slots.truncate(n_cols);
                }
            }
            Part {
                grid,
                page_index,
                first_on_page: first_on_page && i == 0,
                last_on_page: last_on_page && i + 1 == n,
                page_height,
                bbox,
                preamble,
                notes,
                rows,
                header_n,
                ocr: false,
                units: units.iter().take(n_cols).cloned().collect(),
                heading: Vec::new(),
                details: Vec::new(),
                details_box: None,
                first_of_grid: i == 0,
                col_edges: grid.col_edges.iter().take(n_cols + 1).copied().collect(),
                n_cols,
            }
        })
        .collect()
}

/// Rule `short_block`: a grid holding several blocks one under the other, each with its
/// own header row (a 給与費明細書's 職員手当等の内訳, eight allowances a block), may end with
/// a block of fewer columns, the rest of its width one empty box. The columns such a
/// lower block leaves empty in every row, header included, at its right end are not its
/// columns. Returns how many there are (never all of them).
fn trailing_empty_columns(rows: &[WorkRow], n_cols: usize) -> usize {
    let used = rows
        .iter()
        .filter_map(|r| r.nonempty().last().copied())
        .max()
        .map_or(n_cols, |k| k + 1);
    n_cols.saturating_sub(used.max(1))
}

/// Whether `r` is a row of column labels over columns that hold numbers in the rows
/// `above` (a second table's header inside one grid): no number of its own, text in
/// three columns or more, two of them columns where most texts above are numbers.
fn labels_over_numbers(above: &[WorkRow], r: &WorkRow) -> bool {
    let ne = r.nonempty();
    if ne.len() < 3 || ne.iter().any(|&k| is_numeric(r.text(k))) {
        return false;
    }
    let numeric_col = |k: usize| {
        let texts: Vec<&str> = above
            .iter()
            .map(|x| x.text(k))
            .filter(|t| !t.trim().is_empty())
            .collect();
        let n = texts.iter().filter(|t| is_numeric(t)).count();
        n >= 2 && 2 * n > texts.len()
    };
    ne.iter().filter(|&&k| numeric_col(k)).count() >= 2
}

/// A title row above a table's header: one or two texts, no number.
fn sparse_title(r: &WorkRow) -> bool {
    let ne = r.nonempty();
    (1..=2).contains(&ne.len()) && ne.iter().all(|&k| !is_numeric(r.text(k)))
}

/// Whether every text of a row is a caption (`表1 …`, `第2表 …`) or unit note, and one
/// of them a caption.
fn caption_row(r: &WorkRow) -> bool {
    let ne = r.nonempty();
    !ne.is_empty()
        && ne
            .iter()
            .all(|&k| is_caption_text(r.text(k)) || is_unit_note(r.text(k)))
        && ne.iter().any(|&k| is_caption_text(r.text(k)))
}

/// A row of caption lines: every text a caption (`表1 …`), a unit note or a sentence, or
/// a budget book's 款/項 heading.
fn caption_like(r: &WorkRow, s: &LogicalSettings) -> bool {
    let ne = r.nonempty();
    (!ne.is_empty()
        && ne.iter().all(|&k| {
            is_caption_text(r.text(k)) || is_unit_note(r.text(k)) || is_sentence(r.text(k), s)
        }))
        || budget_heading(r)
}

/// Removes the rows above the header that are not part of the table (a caption, a unit
/// note, a heading or a paragraph the grid caught) and returns them with the number of
/// header rows found below them.
fn take_preamble(
    rows: &mut Vec<WorkRow>,
    ruled: bool,
    s: &LogicalSettings,
) -> (Vec<String>, usize) {
    let mut p = 0;
    let mut strong = true;
    while p < rows.len() && p < s.max_preamble_rows {
        let r = &rows[p];
        let caption = caption_like(r, s);
        if !(caption || single_spanning_text(r)) {
            break;
        }
        strong &= caption;
        p += 1;
    }
    if p == 0 {
        return (Vec::new(), count_header_rows(rows, s));
    }
    let mut k = count_header_rows(&rows[p..], s);
    if k == 0 && !strong {
        return (Vec::new(), count_header_rows(rows, s));
    }
    // Rule `group_label_over_all`: a short label in a ruled cell spanning every column,
    // right above the header (`基本情報` over 施設名 … 電話番号 …), is the header's top
    // level, not a title: a title is a caption line, or stands outside the rules.
    if ruled && k > 0 && k < s.max_header_rows {
        if let Some(last) = p.checked_sub(1).and_then(|i| rows.get(i)) {
            let n = last.slots.len();
            let spans_all = last
                .slots
                .first()
                .is_some_and(|sl| sl.own && sl.colspan >= n);
            let short = super::text::char_len(last.text(0)) <= s.header_max_chars;
            if n > 1 && spans_all && short && !caption_like(last, s) {
                p -= 1;
                k += 1;
            }
        }
    }
    let pre: Vec<String> = rows.drain(..p).map(|r| row_line(&r)).collect();
    (pre, k)
}

/// Rule `furniture_part`: a part none of whose rows is table content — only budget
/// headings ([`budget_heading`]) and caption lines, or nothing left once its caption was
/// taken — is page furniture (a boxed 款/項 heading, a running head `１５款国庫支出金１項
/// 国庫負担金` drawn in a ruled box), not a table: its lines become the heading of the
/// table below it.
pub fn is_furniture(p: &Part<'_>) -> bool {
    p.header_n == 0 && p.rows.iter().all(budget_heading)
}

/// Rule `info_box_above`: a headerless grid of at most `info_box_max_rows` rows above a
/// headed table on the same page is the table's details, not a table, when it is set
/// right above the table on other column edges (a weekly report's underlined box of date,
/// issuer and `報告定点数 48 ヶ所` over each table), or anywhere above it on its page with
/// no column of numbers (a statement's `法人名` / `施設名` / `会計単位名` box in the
/// top corner, the title between). Its lines are kept in the table's caption.
pub fn is_info_box_above(p: &Part<'_>, below: &Part<'_>, s: &LogicalSettings) -> bool {
    if p.header_n != 0
        || p.rows.is_empty()
        || p.rows.len() > s.info_box_max_rows
        || below.header_n == 0
        || p.page_index != below.page_index
    {
        return false;
    }
    let other_columns =
        column_distance(p.grid, below.grid).is_none_or(|d| d > s.continuation_column_tolerance);
    let adjacent = directly_above_any_columns(p, below, s) && other_columns;
    // Anywhere above: beside the title, or over the other half of a sheet of two halves.
    let above = below.bbox.top >= p.bbox.bottom - 1.0;
    let no_numbers = !super::header::numeric_columns(&p.rows, s).contains(&true);
    adjacent || (above && no_numbers)
}

/// [`directly_above`] whatever the column counts: `b` starts right under `a` on its page
/// and they overlap horizontally.
fn directly_above_any_columns(a: &Part<'_>, b: &Part<'_>, s: &LogicalSettings) -> bool {
    let below =
        b.bbox.top >= a.bbox.bottom - 1.0 && b.bbox.top - a.bbox.bottom <= s.header_grid_max_gap;
    let overlap =
        a.bbox.overlap_x(&b.bbox) >= s.header_grid_min_overlap * a.bbox.width().min(b.bbox.width());
    a.page_index == b.page_index && below && overlap && b.preamble.is_empty()
}

/// The lines of a furniture part (its preamble and rows), top to bottom.
pub fn furniture_lines(p: &Part<'_>) -> Vec<String> {
    p.preamble
        .iter()
        .cloned()
        .chain(p.rows.iter().map(row_line))
        .collect()
}

/// A budget book's heading line above a table (`１款 市税  49,286,300千円`, `２項 固定資産税
/// …`, or the running head `１５款国庫支出金１項 国庫負担金`): a 款 or 項 with its total or
/// its name, not a header row.
fn budget_heading(r: &WorkRow) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let ne = r.nonempty();
    let Some((&first, rest)) = ne.split_first() else {
        return false;
    };
    let norm = |t: &str| -> String { t.trim().nfkc().collect() };
    budget_heading_line(r.text(first))
        && rest.len() <= 2
        && rest.iter().all(|&k| {
            let t = norm(r.text(k));
            let total = t.ends_with("円") && t.chars().any(|c| c.is_ascii_digit());
            // The running head `２１款諸収入 ５項 雑入` read as three cells.
            let marker = t
                .strip_suffix('項')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            total || marker || !t.chars().any(|c| c.is_ascii_digit())
        })
}

/// A line that starts like a budget book's 款/項 heading (`１款 市税`, `２項固定資産税`).
fn budget_heading_line(t: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[0-9]+\s*[款項]\s*\S").expect("valid regex")
    });
    RE.is_match(&t.trim().nfkc().collect::<String>())
}

/// A row's texts on one line.
fn row_line(r: &WorkRow) -> String {
    r.nonempty()
        .iter()
        .map(|&k| r.text(k).trim().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes note rows at the bottom (`（注）…`, `※…`, `資料：…`, body sentences).
fn take_notes(rows: &mut Vec<WorkRow>, s: &LogicalSettings) -> Vec<String> {
    let mut notes = Vec::new();
    while let Some(r) = rows.last() {
        let ne = r.nonempty();
        let note = ne.len() == 1
            && ne.first().is_some_and(|&k| {
                let t = r.text(k);
                (k == 0 || single_spanning_text(r)) && (is_note_text(t) || is_sentence(t, s))
            });
        if !note {
            break;
        }
        if let Some(r) = rows.pop() {
            notes.push(r.text(0).trim().to_string());
        }
    }
    notes.reverse();
    notes
}

fn lone_page_number(r: &WorkRow) -> bool {
    let ne = r.nonempty();
    ne.len() == 1 && ne.first().is_some_and(|&k| is_page_number(r.text(k)))
}

/// Mean distance of the column boundaries of two grids as a fraction of the wider one,
/// `None` when the column counts differ.
pub(super) fn column_distance(a: &Grid, b: &Grid) -> Option<f64> {
    if a.n_cols() != b.n_cols() || a.col_edges.len() != b.col_edges.len() || a.col_edges.is_empty()
    {
        return None;
    }
    let w = a.bbox.width().max(b.bbox.width()).max(1.0);
    let d: f64 = a
        .col_edges
        .iter()
        .zip(&b.col_edges)
        .map(|(x, y)| (x - y).abs())
        .sum::<f64>()
        / a.col_edges.len() as f64;
    Some(d / w)
}

/// Whether `next` continues the table whose last part is `prev` and whose header is
/// `header`; returns how many leading rows of `next` repeat the header.
pub fn continues(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    s: &LogicalSettings,
) -> Option<usize> {
    // A header drawn as a grid of its own, its body as another grid right below it.
    if next.page_index == prev.page_index {
        let header_only = !prev.rows.is_empty() && prev.rows.len() == prev.header_n;
        let joins = (header_only && next.header_n == 0 && directly_above(prev, next, s))
            || box_below(prev, next, header, s).is_some();
        return joins.then_some(0);
    }
    continues_after(prev, next, header, 1, false, s)
}

/// Rule `box_below`: a headerless ruled box set a little apart right below a table with
/// a header, on the same page, whose column edges are all the table's (a statement's
/// closing `前期末支払資金残高` / `当期末支払資金残高` rows, boxed apart under a
/// 資金収支計算書), goes on with the table's rows and columns. Returns, for each of the
/// box's columns, the first of the table's columns it covers and how many it covers.
pub fn box_below(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    s: &LogicalSettings,
) -> Option<Vec<(usize, usize)>> {
    let gap = next.bbox.top - prev.bbox.bottom;
    if header.is_empty()
        || next.page_index != prev.page_index
        || next.header_n != 0
        || next.rows.is_empty()
        || !next.preamble.is_empty()
        || !next.heading.is_empty()
        || next.grid.mode != crate::table::Strategy::Lattice
        || prev.grid.mode != crate::table::Strategy::Lattice
        || !(-1.0..=s.box_below_max_gap).contains(&gap)
    {
        return None;
    }
    columns_onto(prev, next, s)
}

/// How a part printed on fewer column edges than a table (a box drawn on the form's grid
/// with some rules left out, or a continuation page whose empty column was dropped) lies
/// on the table's columns: for each of its columns, the first of the table's columns it
/// covers and how many. Every edge of `next` must be one of `prev`'s (within
/// `column_edge_tolerance`), the outer edges the same; `None` otherwise.
pub fn columns_onto(
    prev: &Part<'_>,
    next: &Part<'_>,
    s: &LogicalSettings,
) -> Option<Vec<(usize, usize)>> {
    let (ours, theirs) = (
        prev.col_edges.get(..=prev.n_cols)?,
        next.col_edges.get(..=next.n_cols)?,
    );
    let at = |x: f64| {
        ours.iter()
            .position(|&e| (e - x).abs() <= s.column_edge_tolerance)
    };
    let ends = theirs
        .iter()
        .map(|&x| at(x))
        .collect::<Option<Vec<usize>>>()?;
    // The same outer edges, and the part's columns in the table's order.
    if ends.first() != Some(&0) || ends.last() != Some(&prev.n_cols) {
        return None;
    }
    ends.windows(2)
        .map(|w| (w[1] > w[0]).then(|| (w[0], w[1] - w[0])))
        .collect()
}

/// Puts a part's rows on the columns of the table it goes on ([`columns_onto`]): each slot
/// at the first column it covers there, spanning the others.
pub fn onto_columns(
    part: &mut Part<'_>,
    columns: &[(usize, usize)],
    n_cols: usize,
    col_edges: &[f64],
) {
    for r in &mut part.rows {
        let mut slots = vec![Slot::EMPTY; n_cols];
        let old = std::mem::take(&mut r.slots);
        for (j, (slot, &(at, width))) in old.into_iter().zip(columns).enumerate() {
            // A slot spanning the box's columns j.. spans all the table's columns they cover.
            let colspan: usize = columns
                .iter()
                .skip(j)
                .take(slot.colspan.max(1))
                .map(|&(_, w)| w)
                .sum();
            for k in at + 1..(at + width).min(n_cols) {
                if let Some(x) = slots.get_mut(k) {
                    *x = Slot {
                        text: String::new(),
                        own: false,
                        filled: false,
                        ..slot.clone()
                    };
                }
            }
            if let Some(x) = slots.get_mut(at) {
                *x = Slot { colspan, ..slot };
            }
        }
        r.slots = slots;
    }
    let mut units = vec![None; n_cols];
    for (u, &(at, _)) in part.units.drain(..).zip(columns) {
        if let Some(x) = units.get_mut(at) {
            *x = u;
        }
    }
    part.units = units;
    part.n_cols = n_cols;
    part.col_edges = col_edges.to_vec();
}

/// Rule `facing_halves`: a budget book may print the two halves of its 事項別明細書 on
/// facing pages (目 and amounts on the even page, 節 and 説明 on the odd one), so a table
/// goes on two pages later. `next`, on the page after the one after `prev`'s, continues
/// `prev`'s table (as [`continues`] says) when every part on the page between (`between`)
/// has other columns than `prev`'s.
pub fn continues_facing(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    between: &[&Part<'_>],
    s: &LogicalSettings,
) -> Option<usize> {
    let other_columns = |p: &&Part<'_>| {
        column_distance(prev.grid, p.grid).is_none_or(|d| d > s.continuation_column_tolerance)
    };
    if between.is_empty() || !between.iter().all(other_columns) {
        return None;
    }
    continues_after(prev, next, header, 2, false, s)
}

/// Rule `halves_go_on`: a sheet printed as two halves side by side (a balance sheet's
/// 資産の部 beside its 負債の部) goes on over the page half by half. `next`, a half at the
/// top of its page (beside the page's first part), continues `prev`, a half at the bottom
/// of the page before (beside that page's last part), as [`continues`] says of a part last
/// on its page and one first on the next; the caller has checked where they sit.
pub fn continues_beside(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    s: &LogicalSettings,
) -> Option<usize> {
    continues_after(prev, next, header, 1, true, s)
        .or_else(|| titled_by_open_section(prev, next, header).then_some(next.header_n))
}

/// A half whose title is the section its table had just opened (a balance sheet's
/// 負債の部 half ends with its `純資産の部` heading, and the next page's half is titled
/// `純資産の部`), under the table's header rows below the title, goes on with it.
fn titled_by_open_section(prev: &Part<'_>, next: &Part<'_>, header: &[Vec<String>]) -> bool {
    use super::text::squash;
    let n = next.header_n;
    if n < 2 || n != header.len() || next.rows.len() < n {
        return false;
    }
    let texts = |r: &WorkRow| r.texts().iter().map(|t| squash(t)).collect::<Vec<_>>();
    let same_below = next.rows[1..n]
        .iter()
        .zip(&header[1..])
        .all(|(r, h)| texts(r) == h.iter().map(|t| squash(t)).collect::<Vec<_>>());
    let title: Vec<String> = {
        let mut t = texts(&next.rows[0]);
        t.retain(|x| !x.is_empty());
        t.dedup();
        t
    };
    let open = prev
        .rows
        .iter()
        .rev()
        .find(|r| super::section::is_section_row(r))
        .map(|r| squash(r.text(0)));
    same_below && title.len() == 1 && open.as_deref() == title.first().map(String::as_str)
}

/// [`continues`] for `next` on the page `pages_on` after `prev`'s: `prev` last on its page
/// and `next` first on its own, unless the caller has `placed` them otherwise.
fn continues_after(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    pages_on: usize,
    placed: bool,
    s: &LogicalSettings,
) -> Option<usize> {
    if next.grid.page != prev.grid.page + pages_on
        || !(placed || (prev.last_on_page && next.first_on_page))
        || !next.preamble.is_empty()
        || !same_heading(prev, next)
    {
        return None;
    }
    // Rule `dropped_column_goes_on`: a page of the table whose empty column was dropped
    // (an aichi list's 備考 empty on its last page) lies on the table's column edges.
    let d = column_distance(prev.grid, next.grid)
        .or_else(|| columns_onto(prev, next, s).map(|_| 0.0))?;
    if d > s.continuation_column_tolerance {
        return None;
    }
    let repeated = repeats_header(&next.rows, header);
    if repeated > 0 {
        return Some(repeated);
    }
    if next.header_n > 0 {
        // A header of its own: ours when its texts are a good part of ours (a repeat the
        // grid caught only partly), else a new table.
        // On OCR'd pages the same header reads differently page by page: as many header
        // rows in the same columns, at the top of the next page, are the repeat.
        // (A header not found at all on the first page was misread there.)
        // Only on the very next page: two pages on, past a page of other tables (a
        // statement's second page between two statements), a header of other words is
        // the next statement's, not a misread repeat (a scanned 資金収支計算書 p1 and
        // 事業活動計算書 p3 of the same form).
        let misread_repeat = pages_on == 1
            && prev.ocr
            && next.ocr
            && (next.header_n == header.len() || header.is_empty());
        // Rule `headed_repeat`: a 項 table that began under its heading without a header
        // (its header printed once for the page, over the 項 above) and goes on under the
        // same heading on the next page, where the page's header is printed again.
        let headed_repeat = header.is_empty() && same_heading_printed(prev, next);
        if misread_repeat
            || headed_repeat
            || partial_repeat(&next.rows[..next.header_n.min(next.rows.len())], header)
        {
            return Some(next.header_n);
        }
        return data_taken_for_header(prev, next, header, s).then_some(0);
    }
    let top_ok =
        next.page_height <= 0.0 || next.bbox.top <= s.continuation_max_top * next.page_height;
    top_ok.then_some(0)
}

/// Rule `repeated_heading`: a budget book repeats its 款/項 heading at the top of every
/// page of a table; a different last heading line (the next 項) starts another table.
/// Parts without a heading do not object.
fn same_heading(prev: &Part<'_>, next: &Part<'_>) -> bool {
    use super::text::squash;
    match (heading_lines(prev).last(), heading_lines(next).last()) {
        (Some(a), Some(b)) => squash(a) == squash(b),
        _ => true,
    }
}

/// Both parts print a heading and its last lines are the same (see [`same_heading`]).
fn same_heading_printed(prev: &Part<'_>, next: &Part<'_>) -> bool {
    !heading_lines(prev).is_empty() && !heading_lines(next).is_empty() && same_heading(prev, next)
}

/// A part's 款/項 heading: the furniture above it, else its preamble when every line of
/// it is a budget heading (headings caught as the top rows of a grid, or printed as text
/// lines right above it).
fn heading_lines<'p>(p: &'p Part<'_>) -> &'p [String] {
    if !p.heading.is_empty() {
        &p.heading
    } else if !p.preamble.is_empty() && p.preamble.iter().all(|l| budget_heading_line(l)) {
        &p.preamble
    } else {
        &[]
    }
}

/// Whether part `b` lies right below part `a` on the same page, as wide and with as many
/// columns (a header grid over its body grid).
pub fn directly_above(a: &Part<'_>, b: &Part<'_>, s: &LogicalSettings) -> bool {
    a.grid.n_cols() == b.grid.n_cols() && directly_above_any_columns(a, b, s)
}

/// Rule `continued_list`: a list continued on the next page without its header (a
/// text table, no column of numbers, whose first row reads like a header: every cell a
/// short text) is no new
/// table when that first row is mostly filled, like the last row before the break, and
/// shares no text with the header printed on the first page.
fn data_taken_for_header(
    prev: &Part<'_>,
    next: &Part<'_>,
    header: &[Vec<String>],
    s: &LogicalSettings,
) -> bool {
    use super::text::squash;
    // A header found over numbers is one; only a text table's is in doubt.
    let body = next.rows.get(next.header_n..).unwrap_or(&[]);
    if super::header::numeric_columns(body, s).iter().any(|&b| b) {
        return false;
    }
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return false;
    };
    if header.is_empty() || last.slots.len() != first.slots.len() {
        return false;
    }
    let labels = header_labels(header);
    let n = first.slots.len();
    2 * first.nonempty().len() > n
        && 2 * last.nonempty().len() > n
        && first
            .slots
            .iter()
            .all(|s| !labels.contains(&squash(&s.text)))
}

/// The header's labels, squashed, blanks left out.
fn header_labels(header: &[Vec<String>]) -> std::collections::BTreeSet<String> {
    header
        .iter()
        .flatten()
        .map(|t| super::text::squash(t))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether the texts of `rows` are all texts of `header`, and at least half of them.
fn partial_repeat(rows: &[WorkRow], header: &[Vec<String>]) -> bool {
    use super::text::squash;
    let h = header_labels(header);
    let r: std::collections::BTreeSet<String> = rows
        .iter()
        .flat_map(|r| r.slots.iter().map(|s| squash(&s.text)))
        .filter(|t| !t.is_empty())
        .collect();
    !r.is_empty() && r.is_subset(&h) && 2 * r.len() >= h.len()
}

/// Whether `r`, the first row of a part, continues `last`, the last row before the page
/// break: no text of its own in the identifier column (or a cut identifier: plain text
/// under a numbered item), nothing in the grouping columns, and some text.
pub fn is_cut_continuation(last: &WorkRow, r: &WorkRow, id_col: usize) -> bool {
    if r.is_blank() {
        return false;
    }
    if (0..id_col).any(|c| r.own_text(c)) {
        return false;
    }
    if !r.own_text(id_col) {
        return true;
    }
    let (a, b) = (last.text(id_col), r.text(id_col));
    // A 計 row is a row of its own, never the rest of a cut label; so is a row with a
    // number in a column where the row before has one (numbers do not wrap: an item
    // printed without its number, `静岡県議会議員選挙費 0 37,718`).
    // (One number each: a 節 box stacking its 細節 amounts goes on over the break.)
    let one_number = |t: &str| !t.trim().contains(char::is_whitespace) && is_numeric(t);
    let numbers_again = (id_col + 1..r.slots.len()).any(|c| {
        r.own_text(c) && one_number(r.text(c)) && last.own_text(c) && one_number(last.text(c))
    });
    !a.trim().is_empty()
        && numbering(a) != Numbering::Plain
        && numbering(b) == Numbering::Plain
        && !super::text::starts_paragraph(b)
        && super::kind::label_kind(b).is_none()
        && !numbers_again
}

/// Rule `span_over_break`: a box spanning the last rows of a page (a 目's 説明 beside its
/// 節 boxes) whose column goes on as one empty box at the top of the next page (the 節
/// list continues there, the 説明 does not) is the same box: its text fills the rows the
/// empty box covers on the new page, as it fills the rows above the break. Columns left
/// of `from_col` (grouping columns, filled down after stitching) are left alone.
pub fn continue_spans(last: &WorkRow, body: &mut [WorkRow], from_col: usize) {
    for (k, above) in last.slots.iter().enumerate().skip(from_col) {
        let spanning = above.filled || (above.own && above.rowspan > 1);
        if !spanning || above.text.trim().is_empty() {
            continue;
        }
        let Some(first) = body.first().and_then(|r| r.slots.get(k)) else {
            continue;
        };
        // An empty box starting at the top of the new part and spanning its rows.
        let (cell, open) = (
            first.cell,
            first.own && first.rowspan > 1 && first.text.trim().is_empty(),
        );
        if !open || cell == usize::MAX {
            continue;
        }
        for r in body.iter_mut() {
            match r.slots.get_mut(k) {
                Some(sl) if sl.cell == cell && sl.text.trim().is_empty() => {
                    sl.text.clone_from(&above.text);
                    sl.filled = true;
                    sl.own = false;
                }
                _ => break,
            }
        }
    }
}

/// Appends the continuation row `r` to `last`: every column's text joined across the
/// break, the pages merged. A slot of `r` that only carries the text of a box spanning
/// the break (`span_over_break` filled it with `last`'s text) adds nothing: the 説明 of a
/// 目 whose 節 row is cut by the page break is printed once.
pub fn join_rows(last: &mut WorkRow, r: &WorkRow) {
    for (k, slot) in last.slots.iter_mut().enumerate() {
        let add = r.text(k);
        let carried = r
            .slots
            .get(k)
            .is_some_and(|s| s.filled && s.text == slot.text);
        if add.trim().is_empty() || carried {
            continue;
        }
        slot.text = join_across_break(&slot.text, add);
    }
    for p in &r.pages {
        if !last.pages.contains(p) {
            last.pages.push(*p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::part::testutil::{grid, grid_at};
    use super::*;

    fn part<'a>(g: &'a Grid, _i: usize, s: &LogicalSettings) -> Part<'a> {
        parts_of_grid(g, g.page - 1, true, true, 800.0, s).remove(0)
    }

    #[test]
    fn continuation_with_repeated_or_missing_header() {
        let s = LogicalSettings::default();
        let g1 = grid(1, &[&["科目", "金額"], &["市債", "1"]], &[]);
        let g2 = grid(2, &[&["科目", "金額"], &["繰越金", "2"]], &[]);
        let g3 = grid(2, &[&["繰越金", "2"], &["合計", "3"]], &[]);
        let g4 = grid(2, &[&["区名", "人口"], &["北区", "2"]], &[]);
        let g5 = grid_at(2, 500.0, &[&["繰越金", "2"], &["合計", "3"]], &[]);
        let (p1, p2, p3, p4, p5) = (
            part(&g1, 0, &s),
            part(&g2, 1, &s),
            part(&g3, 1, &s),
            part(&g4, 1, &s),
            part(&g5, 1, &s),
        );
        let h = vec![vec!["科目".to_string(), "金額".to_string()]];
        assert_eq!(continues(&p1, &p2, &h, &s), Some(1));
        assert_eq!(continues(&p1, &p3, &h, &s), Some(0));
        assert_eq!(continues(&p1, &p4, &h, &s), None, "own different header");
        assert_eq!(continues(&p1, &p5, &h, &s), None, "too far down the page");
        // Not the next page.
        let g6 = grid(3, &[&["繰越金", "2"]], &[]);
        assert_eq!(continues(&p1, &part(&g6, 1, &s), &h, &s), None);
        // Different columns.
        let g7 = grid(2, &[&["a", "1", "2"]], &[]);
        assert_eq!(continues(&p1, &part(&g7, 1, &s), &h, &s), None);
    }

    #[test]
    fn a_misread_repeated_header_is_only_on_the_next_page() {
        let s = LogicalSettings::default();
        let head = |a: &str, b: &str| vec![vec!["勘定科目".to_string(), a.into(), b.into()]];
        let g1 = grid(
            1,
            &[&["勘定科目", "予算(A)", "決算(B)"], &["収入", "1", "2"]],
            &[],
        );
        let g2 = grid(
            2,
            &[&["勘定科目", "予算(Λ)", "决算(B)"], &["支出", "3", "4"]],
            &[],
        );
        let g3 = grid(
            3,
            &[&["勘定科目", "当年度(A)", "前年度(B)"], &["収益", "5", "6"]],
            &[],
        );
        let between = grid(2, &[&["残高", "7"]], &[]);
        let mut parts: Vec<Part<'_>> = [&g1, &g2, &g3].iter().map(|g| part(g, 0, &s)).collect();
        for p in &mut parts {
            p.ocr = true;
        }
        let h = head("予算(A)", "決算(B)");
        // The next scanned page's header, read a little differently, is the repeat ...
        assert_eq!(continues(&parts[0], &parts[1], &h, &s), Some(1));
        // ... but two pages on, past other tables, another statement's header is not.
        let b = part(&between, 0, &s);
        assert_eq!(continues_facing(&parts[0], &parts[2], &h, &[&b], &s), None);
    }

    #[test]
    fn a_headerless_item_table_goes_on_two_pages_later_under_its_heading() {
        let s = LogicalSettings::default();
        let heading = |p: &mut Part<'_>, h: &str| p.heading = vec!["１款 市税".into(), h.into()];
        // Page 2: the 目 half of a 項 printed without a header; page 3: its 節 half (other
        // columns); page 4: the same 項 under its heading, the page's header repeated.
        let g2 = grid(2, &[&["1 固定資産税", "23,084,800", "23,282,800"]], &[]);
        let g3 = grid(3, &[&["1 現年課税分", "22,998,000"]], &[]);
        let g4 = grid(
            4,
            &[
                &["目", "本年度", "前年度"],
                &["2 交付金", "55,000", "56,000"],
                &["計", "23,139,800", "23,338,800"],
            ],
            &[],
        );
        let (mut p2, p3, mut p4) = (part(&g2, 0, &s), part(&g3, 0, &s), part(&g4, 0, &s));
        heading(&mut p2, "２項 固定資産税");
        heading(&mut p4, "２項 固定資産税");
        assert_eq!(p4.header_n, 1);
        assert_eq!(continues_facing(&p2, &p4, &[], &[&p3], &s), Some(1));
        // The next 項 is another table; so is one two pages on with the same columns
        // between (then it is no facing half).
        let mut p4b = part(&g4, 0, &s);
        heading(&mut p4b, "３項 軽自動車税");
        assert_eq!(continues_facing(&p2, &p4b, &[], &[&p3], &s), None);
        let g3same = grid(3, &[&["1 都市計画税", "3,707,000", "3,750,300"]], &[]);
        assert_eq!(
            continues_facing(&p2, &p4, &[], &[&part(&g3same, 0, &s)], &s),
            None
        );
        // Without headings a page's own header starts a new table.
        let (q2, q4) = (part(&g2, 0, &s), part(&g4, 0, &s));
        assert_eq!(continues_facing(&q2, &q4, &[], &[&p3], &s), None);
    }

    #[test]
    fn a_box_spanning_the_page_break_fills_the_empty_box_below_it() {
        // Page 1: 目 and 説明 boxes spanning two 節 rows; page 2: two more 節 rows beside
        // one empty 説明 box, then 計.
        let g1 = grid(
            1,
            &[
                &["1 議会費", "1 報酬", "給与費 448,879"],
                &["", "2 給料", ""],
            ],
            &[(0, 0, 2, 1), (0, 2, 2, 1)],
        );
        let g2 = grid(
            2,
            &[
                &["", "11 役務費", ""],
                &["", "12 委託料", ""],
                &["計", "", "x"],
            ],
            &[(0, 0, 2, 1), (0, 2, 2, 1)],
        );
        let mut a = grid_rows(&g1, 0);
        fill_rowspans_all(&mut a);
        let mut b = grid_rows(&g2, 1);
        continue_spans(&a[1], &mut b, 1);
        assert_eq!(b[0].text(2), "給与費 448,879");
        assert_eq!(b[1].text(2), "給与費 448,879");
        assert_eq!(b[2].text(2), "x", "the 計 row's own box is left alone");
        assert!(b[1].slots[2].filled);
        // A box with text of its own on the new page is another box.
        let g3 = grid(
            2,
            &[&["", "11 役務費", "旅費 10"], &["", "12 委託料", ""]],
            &[(0, 0, 2, 1), (0, 2, 2, 1)],
        );
        let mut c = grid_rows(&g3, 1);
        continue_spans(&a[1], &mut c, 1);
        assert_eq!(c[1].text(2), "");
        // A 節 row cut by the break joins its first half; the spanning box's text, carried
        // over the break, is not added to itself, while the cut cell's halves join.
        let g4 = grid(
            2,
            &[&["", "印刷製本費", ""], &["", "12 委託料", ""]],
            &[(0, 0, 2, 1), (0, 2, 2, 1)],
        );
        let mut d = grid_rows(&g4, 1);
        continue_spans(&a[1], &mut d, 1);
        let mut cut = a[1].clone();
        join_rows(&mut cut, &d[0]);
        assert_eq!(cut.text(2), "給与費 448,879");
        assert_eq!(cut.text(1), "2 給料印刷製本費");
    }

    fn fill_rowspans_all(rows: &mut [WorkRow]) {
        super::super::part::fill_rowspans(rows, |_| true);
    }

    #[test]
    fn a_list_continued_without_its_header_is_no_new_table() {
        let s = LogicalSettings::default();
        let g1 = grid(
            1,
            &[
                &["施設名", "郵便番号", "住所"],
                &["江別市立病院", "067-8585", "江別市若草町"],
            ],
            &[],
        );
        // Page 2 starts with a row of short texts, which header detection takes for labels.
        let g2 = grid(
            2,
            &[
                &["名寄市立総合病院", "096-8511", "名寄市西７条"],
                &["富良野病院", "076-8765", "富良野市住吉町"],
            ],
            &[],
        );
        let (p1, mut p2) = (part(&g1, 0, &s), part(&g2, 1, &s));
        p2.header_n = 1;
        let h = vec![vec![
            "施設名".to_string(),
            "郵便番号".to_string(),
            "住所".to_string(),
        ]];
        assert_eq!(continues(&p1, &p2, &h, &s), Some(0));
        // A row repeating a header label is a header.
        let g3 = grid(
            2,
            &[&["施設名", "電話", "URL"], &["富良野病院", "0167", "x"]],
            &[],
        );
        let mut p3 = part(&g3, 1, &s);
        p3.header_n = 1;
        assert_eq!(continues(&p1, &p3, &h, &s), None);
    }

    #[test]
    fn a_ruled_label_over_every_column_is_the_top_header_level() {
        let s = LogicalSettings::default();
        let g = grid(
            1,
            &[
                &["基本情報", "", ""],
                &["施設名", "病床数", "医師数"],
                &["江別病院", "100", "12"],
                &["千歳病院", "80", "9"],
            ],
            &[(0, 0, 1, 3)],
        );
        let p = part(&g, 0, &s);
        assert!(p.preamble.is_empty(), "{:?}", p.preamble);
        assert_eq!(p.header_n, 2);
        // A caption line in the same place stays a caption.
        let g = grid(
            1,
            &[
                &["表1 病院一覧", "", ""],
                &["施設名", "病床数", "医師数"],
                &["江別病院", "100", "12"],
                &["千歳病院", "80", "9"],
            ],
            &[(0, 0, 1, 3)],
        );
        let p = part(&g, 0, &s);
        assert_eq!(p.preamble, vec!["表1 病院一覧"]);
        assert_eq!(p.header_n, 1);
    }

    #[test]
    fn page_numbers_are_not_rows() {
        let s = LogicalSettings::default();
        let g = grid(1, &[&["科目", "金額"], &["市債", "1"], &["－1－", ""]], &[]);
        assert_eq!(part(&g, 0, &s).rows.len(), 2);
    }

    #[test]
    fn budget_headings_above_a_table_are_its_caption() {
        let s = LogicalSettings::default();
        let g = grid(
            1,
            &[
                &["１款市税", "", "", "49,286,300千円"],
                &["２項固定資産税", "", "", "23,861,300千円"],
                &["1 固定資産税", "23,806,300", "23,180,700", "625,600"],
                &["2 交付金", "55,000", "55,000", "0"],
            ],
            &[],
        );
        let p = part(&g, 0, &s);
        assert_eq!(p.preamble.len(), 2, "{:?}", p.preamble);
        assert_eq!(p.header_n, 0);
        assert_eq!(p.rows.len(), 2);
        assert!(!budget_heading(&p.rows[0]), "a 目 row is no heading");
        // A running head read as three cells is one.
        let g = grid(1, &[&["２１款諸収入", "５項", "雑入", ""]], &[]);
        assert!(budget_heading(&grid_rows(&g, 0)[0]));
    }

    #[test]
    fn cut_rows_are_recognised_and_joined() {
        let g1 = grid(
            1,
            &[&[
                "1 区",
                "②政策形成",
                "区で実施している業務について現状分析を",
                "図ることが",
            ]],
            &[],
        );
        let g2 = grid(
            2,
            &[
                &["", "", "し、区として取り組む\n(3) 効率性", "できた。"],
                &["", "②次の取組", "x", "y"],
            ],
            &[],
        );
        let a = grid_rows(&g1, 0);
        let b = grid_rows(&g2, 1);
        assert!(is_cut_continuation(&a[0], &b[0], 1));
        assert!(!is_cut_continuation(&a[0], &b[1], 1));
        let mut last = a[0].clone();
        join_rows(&mut last, &b[0]);
        assert_eq!(
            last.texts(),
            vec![
                "1 区",
                "②政策形成",
                "区で実施している業務について現状分析をし、区として取り組む\n(3) 効率性",
                "図ることができた。"
            ]
        );
        assert_eq!(last.pages, vec![1, 2]);
        // A cut identifier: plain text under a numbered item.
        let g3 = grid(2, &[&["", "機能の拡大", "続き"]], &[]);
        let c = grid_rows(&g3, 1);
        assert!(is_cut_continuation(&a[0], &c[0], 1));
        // A 計 under a numbered item is the total, not the item's cut label.
        let g4 = grid(2, &[&["", "計", "1,000"]], &[]);
        let d = grid_rows(&g4, 1);
        assert!(!is_cut_continuation(&a[0], &d[0], 1));
        // Nor is an item printed without its number, with amounts of its own.
        let g5 = grid(1, &[&["", "2 常時啓発費", "534"]], &[]);
        let g6 = grid(2, &[&["", "静岡県議会議員選挙費", "0"]], &[]);
        let (e, f) = (grid_rows(&g5, 0), grid_rows(&g6, 1));
        assert!(!is_cut_continuation(&e[0], &f[0], 1));
        // But a box stacking amounts goes on over the break.
        let g7 = grid(1, &[&["", "10 需用費\n消耗品費", "6,264\n732"]], &[]);
        let g8 = grid(2, &[&["", "食糧費\n印刷製本費", "80\n5,452"]], &[]);
        let (e, f) = (grid_rows(&g7, 0), grid_rows(&g8, 1));
        assert!(is_cut_continuation(&e[0], &f[0], 1));
    }
}
