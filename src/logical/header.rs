//! Header rows: which leading rows of a table are its header (short non-numeric text over
//! a body with numbers, or bold/complete label rows over text bodies, plus the narrower
//! row under a column-spanning group), the header as printed (a spanning header cell
//! repeated in every slot it covers) and the flattened column names (`人口/男`).

use super::part::WorkRow;
use super::settings::LogicalSettings;
use super::text::{char_len, is_numeric, squash};
use crate::text::cell::ColumnCount;

/// Whether a row could be a header row: some text, every text short and not a number.
fn header_like(row: &WorkRow, s: &LogicalSettings) -> bool {
    let ne = row.nonempty();
    !ne.is_empty()
        && ne.iter().all(|&k| {
            let t = row.text(k);
            !is_numeric(t) && char_len(t) <= s.header_max_chars
        })
}

/// Whether a row has text in its first column only, or one cell spanning the whole row:
/// a section heading or a title, not a header row.
pub fn single_spanning_text(row: &WorkRow) -> bool {
    let ne = row.nonempty();
    let n = row.slots.len();
    if n < 2 || ne.len() != 1 {
        return false;
    }
    let k = ne[0];
    let span = row.slots.get(k).map_or(1, |s| s.colspan);
    k == 0 && (span >= n || row.slots.iter().skip(1).all(|s| s.text.trim().is_empty()))
}

/// Columns whose non-empty cells in `rows` are mostly numbers.
pub fn numeric_columns(rows: &[WorkRow], s: &LogicalSettings) -> Vec<bool> {
    let n = rows.iter().map(|r| r.slots.len()).max().unwrap_or(0);
    numeric_columns_by(n, rows.iter().map(|r| (0..n).map(|k| r.text(k))), s)
}

/// [`numeric_columns`] over rows of plain texts (`n` columns).
pub fn numeric_columns_by<'a, R, C>(n: usize, rows: R, s: &LogicalSettings) -> Vec<bool>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = &'a str>,
{
    let mut counts = vec![ColumnCount::default(); n];
    for r in rows {
        for (count, t) in counts.iter_mut().zip(r) {
            count.add(t);
        }
    }
    counts
        .into_iter()
        .map(|c| c.numeric(s.numeric_column_fraction))
        .collect()
}

/// Rule `label_header_spans_left`: empty column names left of the first named column,
/// all over text columns as it is, take its name. A statement prints `勘定科目` over its
/// item column only and boxes the header blank over the 大区分 and 収入/支出 columns to
/// its left, which hold the account's groups: they are columns of the account, and a
/// column named `` tells an analyst nothing. `numeric` is the body's number columns.
pub fn label_spans_left(mut columns: Vec<String>, numeric: &[bool]) -> Vec<String> {
    let Some(first) = columns.iter().position(|c| !c.trim().is_empty()) else {
        return columns;
    };
    if first == 0 || (0..=first).any(|k| numeric.get(k).copied().unwrap_or(false)) {
        return columns;
    }
    let name = columns[first].clone();
    for c in &mut columns[..first] {
        c.clone_from(&name);
    }
    columns
}

/// How many leading rows of a part are header rows.
pub fn count_header_rows(rows: &[WorkRow], s: &LogicalSettings) -> usize {
    let k = header_like_prefix(rows, s);
    if k == 0 {
        return 0;
    }
    header_evidence(rows, k, s)
}

/// Whether every row of a part could be a header (a grid holding only a header).
pub fn all_header(rows: &[WorkRow], s: &LogicalSettings) -> bool {
    !rows.is_empty() && header_like_prefix(rows, s) == rows.len()
}

/// Leading rows that look like header rows.
fn header_like_prefix(rows: &[WorkRow], s: &LogicalSettings) -> usize {
    let mut k = 0;
    while k < rows.len() && k < s.max_header_rows {
        let r = &rows[k];
        if !header_like(r, s) || single_spanning_text(r) || r.units_taken {
            break;
        }
        // A further header row must sit under a group (a column-spanning cell or an empty
        // slot next to a label) of the row above; a complete label row after a header
        // is body (text tables).
        if k > 0 {
            let prev = &rows[k - 1];
            let grouped = prev.slots.iter().any(|sl| sl.colspan > 1 || sl.rowspan > 1)
                || prev.slots.iter().any(|sl| sl.text.trim().is_empty());
            let under_group = r.slots.iter().enumerate().any(|(c, sl)| {
                !sl.text.trim().is_empty()
                    && prev
                        .slots
                        .get(c)
                        .is_some_and(|p| !p.own || p.text.trim().is_empty() || p.colspan > 1)
            });
            if !(grouped && under_group) {
                break;
            }
        }
        k += 1;
    }
    k
}

/// `k` if the rows below the `k` header-like rows confirm them as header, else 0.
fn header_evidence(rows: &[WorkRow], k: usize, s: &LogicalSettings) -> usize {
    let body = &rows[k..];
    if numeric_columns(body, s).iter().any(|&b| b) {
        return k;
    }
    // A text table: the first row is a header when it is a complete row of labels (or
    // bold) and the body below is not made of the same kind of short labels.
    let first = &rows[0];
    let complete = first
        .slots
        .iter()
        .filter(|sl| sl.own || sl.colspan > 1)
        .all(|sl| !sl.text.trim().is_empty());
    let body_longer = body.iter().take(s.header_body_rows_checked).any(|r| {
        r.nonempty()
            .iter()
            .any(|&c| char_len(r.text(c)) > s.header_max_chars || r.text(c).contains('\n'))
    });
    if (complete || first.bold) && (body_longer || first.bold || body.is_empty()) {
        k
    } else {
        0
    }
}

/// What the layout tells about a header beyond its texts: where the columns are, which
/// body columns hold numbers, and the horizontal centre of the label at (row, column).
pub struct HeaderGeometry<'a> {
    pub col_edges: &'a [f64],
    pub numeric: Vec<bool>,
    pub label_center: &'a dyn Fn(usize, usize) -> Option<f64>,
    /// Mean column width tolerated between a group label's centre and the centre of the
    /// columns it is taken to span ([`LogicalSettings::group_label_center_tolerance`]).
    pub tolerance: f64,
    /// The grid's rows are drawn rules (lattice): two lines in two ruled rows are two
    /// cells, never one wrapped label.
    pub ruled: bool,
}

/// The header as printed (see [`header_matrix_with`]), from texts and spans alone.
pub fn header_matrix(rows: &[WorkRow]) -> Vec<Vec<String>> {
    header_matrix_with(rows, None)
}

/// The header as printed: each spanning header cell's text in every slot it covers;
/// gaps left by a text-aligned header are read by levels: a column with a label per level
/// keeps them; lone labels in the bottom row (sub-labels) take the upper levels of the
/// group label they sit under (the run of columns of the same kind that the label is
/// centred over); any other lone label spans every level. Lines of one wrapped label
/// split over two rows are joined first.
pub fn header_matrix_with(rows: &[WorkRow], geo: Option<&HeaderGeometry<'_>>) -> Vec<Vec<String>> {
    let n = rows.iter().map(|r| r.slots.len()).max().unwrap_or(0);
    let spanned = rows.iter().any(|r| {
        r.slots
            .iter()
            .any(|sl| sl.own && (sl.rowspan > 1 || sl.colspan > 1))
    });
    let mut m: Vec<Vec<String>> = rows
        .iter()
        .map(|r| (0..n).map(|k| r.text(k).trim().to_string()).collect())
        .collect();
    if !spanned {
        return by_levels(join_wrapped(m), n, geo, true);
    }
    for (i, r) in rows.iter().enumerate() {
        for (k, sl) in r.slots.iter().enumerate() {
            if sl.own && (sl.rowspan > 1 || sl.colspan > 1) {
                let t = sl.text.trim().to_string();
                for rr in i..(i + sl.rowspan).min(rows.len()) {
                    for kk in k..(k + sl.colspan).min(n) {
                        if let Some(x) = m.get_mut(rr).and_then(|row| row.get_mut(kk)) {
                            *x = t.clone();
                        }
                    }
                }
            }
        }
    }
    by_levels(m, n, geo, false)
}

/// Joins a row into the one above when it only continues labels above (every text of
/// it under a text, none under a gap): a label wrapped over two lines, not a sub-level.
fn join_wrapped(mut m: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut i = 1;
    while i < m.len() {
        let (upper, lower) = (&m[i - 1], &m[i]);
        let lower_ne: Vec<usize> = (0..lower.len()).filter(|&k| !lower[k].is_empty()).collect();
        let upper_n = upper.iter().filter(|t| !t.is_empty()).count();
        let continues = !lower_ne.is_empty()
            && lower_ne
                .iter()
                .all(|&k| upper.get(k).is_some_and(|t| !t.is_empty()))
            && upper_n > lower_ne.len();
        if continues {
            let lower = m.remove(i);
            for (k, t) in lower.into_iter().enumerate() {
                if let Some(u) = m[i - 1].get_mut(k) {
                    *u = super::text::join_across_break(u, &t);
                }
            }
        } else {
            i += 1;
        }
    }
    m
}

/// Header levels of a header whose gaps are not explained by spans (see
/// [`header_matrix_with`]).
/// `aligned`: the header's labels come from text alignment alone, no cell spans (only
/// such labels can be one label wrapped over the rows).
fn by_levels(
    m: Vec<Vec<String>>,
    n: usize,
    geo: Option<&HeaderGeometry<'_>>,
    aligned: bool,
) -> Vec<Vec<String>> {
    let entries: Vec<Vec<(usize, String)>> = (0..n)
        .map(|k| {
            m.iter()
                .enumerate()
                .filter_map(|(i, r)| r.get(k).filter(|t| !t.is_empty()).map(|t| (i, t.clone())))
                .collect()
        })
        .collect();
    let depth = entries.iter().map(|e| e.len()).max().unwrap_or(0);
    if depth == 0 {
        return Vec::new();
    }
    let bottom = entries
        .iter()
        .filter(|e| e.len() == depth)
        .filter_map(|e| e.last().map(|x| x.0))
        .max()
        .unwrap_or(0);
    let sub_only = |k: usize| {
        entries.get(k).is_some_and(|e| {
            !e.is_empty() && e.len() < depth && e.last().is_some_and(|x| x.0 == bottom)
        })
    };
    let full = |k: usize| entries.get(k).is_some_and(|e| e.len() == depth);
    let same_kind = |a: usize, b: usize| geo.is_none_or(|g| g.numeric.get(a) == g.numeric.get(b));
    // Sub-label columns each group label spans.
    let mut group_of: Vec<Option<usize>> = vec![None; n];
    if depth > 1 {
        // A group: a run of full columns with the same upper labels (one label spanning
        // them), widened over the sub-label columns of its kind it is centred over.
        let upper = |k: usize| {
            entries.get(k).map(|e| {
                e.iter()
                    .take(depth - 1)
                    .map(|x| x.1.clone())
                    .collect::<Vec<_>>()
            })
        };
        let mut g = 0;
        while g < n {
            if !full(g) {
                g += 1;
                continue;
            }
            let mut g_end = g;
            while g_end + 1 < n && full(g_end + 1) && upper(g_end + 1) == upper(g) {
                g_end += 1;
            }
            let mut lo = g;
            while lo > 0 && sub_only(lo - 1) && group_of[lo - 1].is_none() && same_kind(lo - 1, g) {
                lo -= 1;
            }
            let mut hi = g_end;
            while hi + 1 < n && sub_only(hi + 1) && same_kind(hi + 1, g) {
                hi += 1;
            }
            let (l, r) = match (geo, entries[g].first()) {
                (Some(geo), Some(&(row, _))) => match (geo.label_center)(row, g) {
                    Some(c) => centred_range(geo, lo, (g, g_end), hi, c),
                    None => (lo, hi),
                },
                _ => (lo, hi),
            };
            for slot in group_of.iter_mut().take(r + 1).skip(l) {
                if slot.is_none() {
                    *slot = Some(g);
                }
            }
            g = g_end + 1;
        }
    }
    // Labels on one line only, all in the bottom row: set beside (between) the lines of
    // wrapped labels, read with their lower line.
    let lone: Vec<&(usize, String)> = entries
        .iter()
        .filter(|e| e.len() == 1)
        .filter_map(|e| e.first())
        .collect();
    let lone_between = !lone.is_empty() && lone.iter().all(|x| x.0 == bottom);
    let mut levels: Vec<Vec<String>> = Vec::with_capacity(n);
    for (k, e) in entries.iter().enumerate() {
        let own: Vec<String> = e.iter().map(|x| x.1.clone()).collect();
        let col = if aligned
            && lone_between
            && e.len() == depth
            && wrapped_in_own_column(geo, &group_of, k, e.first().map_or(0, |x| x.0), depth)
        {
            // Rule `wrapped_label_of_one_column`: the lines of one label, not two levels.
            let joined = own
                .iter()
                .fold(String::new(), |a, t| super::text::join_across_break(&a, t));
            vec![joined; depth]
        } else if e.len() == depth {
            own
        } else if e.is_empty() {
            vec![String::new(); depth]
        } else if let Some(g) = group_of[k]
            .filter(|_| sub_only(k))
            .and_then(|g| entries.get(g))
        {
            let mut col: Vec<String> = g
                .iter()
                .take(depth - own.len())
                .map(|x| x.1.clone())
                .collect();
            col.extend(own);
            col
        } else {
            pad_down(own, depth)
        };
        levels.push(col);
    }
    (0..depth)
        .map(|i| {
            levels
                .iter()
                .map(|c| c.get(i).cloned().unwrap_or_default())
                .collect()
        })
        .collect()
}

/// Rule `wrapped_label_of_one_column`: a column with a label on both of two header levels
/// that no other column takes as its group label, and whose upper label the layout shows
/// centred over this column alone, in a header whose one-line labels all sit in its
/// bottom row (set between the lines, read with the lower one) and whose rows are not
/// drawn rules, holds one label wrapped over two lines
/// (`前年度予算額(千` / `円)` beside one-line labels centred between the lines, as scanned
/// budget tables set them), not a group label over one sub-label. Needs the layout: without
/// it the levels stay.
fn wrapped_in_own_column(
    geo: Option<&HeaderGeometry<'_>>,
    group_of: &[Option<usize>],
    k: usize,
    upper_row: usize,
    depth: usize,
) -> bool {
    let Some(geo) = geo.filter(|g| !g.ruled) else {
        return false;
    };
    let centred = match (
        (geo.label_center)(upper_row, k),
        geo.col_edges.get(k),
        geo.col_edges.get(k + 1),
    ) {
        (Some(c), Some(&x0), Some(&x1)) => {
            ((x0 + x1) / 2.0 - c).abs() <= geo.tolerance * (x1 - x0).max(1e-6)
        }
        _ => false,
    };
    depth == 2
        && centred
        && group_of
            .iter()
            .enumerate()
            .all(|(j, g)| j == k || *g != Some(k))
}

/// Two runs of columns whose middles are this many column widths or less apart in their
/// distance from a label's centre are equally close (rounding in the text positions); the
/// wider one is then taken.
const SAME_DEVIATION: f64 = 0.05;

/// The run of columns `l..=r` (within `lo..=hi`, containing the label's own columns
/// `g.0..=g.1`) whose middle is closest to the label centre `c`; the widest of equally
/// close runs; only the label's own columns when none is within the tolerance.
fn centred_range(
    geo: &HeaderGeometry<'_>,
    lo: usize,
    g: (usize, usize),
    hi: usize,
    c: f64,
) -> (usize, usize) {
    let (g0, g1) = g;
    let edge = |i: usize| geo.col_edges.get(i).copied();
    let mut best: Option<(f64, usize, usize, usize)> = None;
    for l in lo..=g0 {
        for r in g1..=hi {
            let (Some(x0), Some(x1)) = (edge(l), edge(r + 1)) else {
                continue;
            };
            let width = (x1 - x0) / (r - l + 1) as f64;
            let dev = ((x0 + x1) / 2.0 - c).abs() / width.max(1e-6);
            if dev > geo.tolerance {
                continue;
            }
            let span = r - l;
            let better = match best {
                None => true,
                Some((d, s, _, _)) => {
                    dev < d - SAME_DEVIATION || ((dev - d).abs() <= SAME_DEVIATION && span > s)
                }
            };
            if better {
                best = Some((dev, span, l, r));
            }
        }
    }
    best.map_or((g0, g1), |(_, _, l, r)| (l, r))
}

/// A column's labels stretched over `depth` levels: the first label repeated downwards
/// until the remaining labels fit.
fn pad_down(own: Vec<String>, depth: usize) -> Vec<String> {
    let mut col = Vec::with_capacity(depth);
    let first = own.first().cloned().unwrap_or_default();
    while col.len() + own.len() < depth {
        col.push(first.clone());
    }
    col.extend(own);
    col
}

/// Flattened column names: header levels joined with `/`, consecutive duplicates collapsed.
pub fn flatten(header: &[Vec<String>], n_cols: usize) -> Vec<String> {
    (0..n_cols)
        .map(|k| {
            let mut parts: Vec<&str> = Vec::new();
            for row in header {
                let t = row.get(k).map_or("", |s| s.as_str());
                if t.is_empty() || parts.last().is_some_and(|p| squash(p) == squash(t)) {
                    continue;
                }
                parts.push(t);
            }
            parts.join("/")
        })
        .collect()
}

/// How many leading rows of `rows` repeat `header` (texts compared without spacing, as
/// sets, so a repeat laid out with or without spans is recognised): all its rows, or only
/// its last level, or none.
pub fn repeats_header(rows: &[WorkRow], header: &[Vec<String>]) -> usize {
    let n = header.len();
    if n == 0 || rows.is_empty() {
        return 0;
    }
    if rows.len() >= n && header_text_set(header) == header_text_set_rows(&rows[..n]) {
        return n;
    }
    if n > 1 && header_text_set(&header[n - 1..]) == header_text_set_rows(&rows[..1]) {
        return 1;
    }
    0
}

/// Whether two parts on consecutive pages start with the same label row: a header
/// repeated on every page even when nothing else shows it is one.
pub fn same_first_row(a: &[WorkRow], b: &[WorkRow], s: &LogicalSettings) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) => {
            header_like(x, s)
                && !single_spanning_text(x)
                && x.nonempty().len() >= 2
                && header_text_set_rows(std::slice::from_ref(x))
                    == header_text_set_rows(std::slice::from_ref(y))
        }
        _ => false,
    }
}

fn header_text_set(header: &[Vec<String>]) -> std::collections::BTreeSet<String> {
    header
        .iter()
        .flatten()
        .map(|t| squash(t))
        .filter(|t| !t.is_empty())
        .collect()
}

fn header_text_set_rows(rows: &[WorkRow]) -> std::collections::BTreeSet<String> {
    rows.iter()
        .flat_map(|r| r.slots.iter().map(|s| squash(&s.text)))
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::part::grid_rows;
    use super::super::part::testutil::grid;
    use super::*;

    fn rows(m: &[&[&str]], spans: &[(usize, usize, usize, usize)]) -> Vec<WorkRow> {
        grid_rows(&grid(1, m, spans), 0)
    }

    #[test]
    fn one_header_row_over_numbers() {
        let r = rows(
            &[
                &["科目", "前年度", "本年度"],
                &["市債", "8,779", "9,737"],
                &["繰入金", "13", "12"],
            ],
            &[],
        );
        let s = LogicalSettings::default();
        assert_eq!(count_header_rows(&r, &s), 1);
    }

    #[test]
    fn two_level_header_with_spans_is_repeated_and_flattened() {
        let r = rows(
            &[
                &["区 名", "人口", "", "", "世帯数"],
                &["", "男", "女", "総数", ""],
                &["北区", "61,374", "65,265", "126,639", "81,723"],
            ],
            &[(0, 0, 2, 1), (0, 1, 1, 3), (0, 4, 2, 1)],
        );
        let s = LogicalSettings::default();
        assert_eq!(count_header_rows(&r, &s), 2);
        let h = header_matrix(&r[..2]);
        assert_eq!(h[0], vec!["区 名", "人口", "人口", "人口", "世帯数"]);
        assert_eq!(h[1], vec!["区 名", "男", "女", "総数", "世帯数"]);
        assert_eq!(
            flatten(&h, 5),
            vec!["区 名", "人口/男", "人口/女", "人口/総数", "世帯数"]
        );
    }

    #[test]
    fn two_level_header_without_spans_is_completed() {
        let r = rows(
            &[
                &["事業名", "予算額（千円）", "", "増減"],
                &["", "前年度", "本年度", ""],
                &["庁舎", "5,372", "6,195", "823"],
            ],
            &[],
        );
        let s = LogicalSettings::default();
        assert_eq!(count_header_rows(&r, &s), 2);
        let h = header_matrix(&r[..2]);
        assert_eq!(
            h[0],
            vec!["事業名", "予算額（千円）", "予算額（千円）", "増減"]
        );
        assert_eq!(h[1], vec!["事業名", "前年度", "本年度", "増減"]);
        // The group label may sit over its second column.
        let r = rows(
            &[
                &["事業名", "", "予算額", "増減"],
                &["", "前年度", "本年度", ""],
                &["庁舎", "5", "6", "1"],
            ],
            &[],
        );
        let h = header_matrix(&r[..2]);
        assert_eq!(
            flatten(&h, 4),
            vec!["事業名", "予算額/前年度", "予算額/本年度", "増減"]
        );
    }

    #[test]
    fn text_aligned_header_with_labels_in_the_middle_row() {
        // Labels centred vertically sit in the middle row; the group label above.
        let r = rows(
            &[
                &["", "予算額（千円）", "", "", ""],
                &["事業名", "", "", "増減（千円）", "増減率（%）"],
                &["", "前年度当初", "本年度", "", ""],
                &["庁舎", "5", "6", "1", "1.0"],
            ],
            &[],
        );
        let s = LogicalSettings::default();
        assert_eq!(count_header_rows(&r, &s), 3);
        let h = header_matrix(&r[..3]);
        assert_eq!(
            h[0],
            vec![
                "事業名",
                "予算額（千円）",
                "予算額（千円）",
                "増減（千円）",
                "増減率（%）"
            ]
        );
        assert_eq!(
            h[1],
            vec![
                "事業名",
                "前年度当初",
                "本年度",
                "増減（千円）",
                "増減率（%）"
            ]
        );
        // The group label centred over three sub-labels, placed over the middle one.
        let r = rows(
            &[
                &["区名", "", "人口", "", "世帯数"],
                &["", "男", "女", "総数", ""],
                &["北区", "1", "2", "3", "4"],
            ],
            &[],
        );
        let h = header_matrix(&r[..2]);
        assert_eq!(
            flatten(&h, 5),
            vec!["区名", "人口/男", "人口/女", "人口/総数", "世帯数"]
        );
    }

    #[test]
    fn label_wrapped_in_its_own_column_is_one_label() {
        // Scanned budget header: two labels wrapped over two lines, the one-line labels
        // beside them set between the lines (read into the lower row).
        let r = rows(
            &[
                &["", "前年度予算額(千", "平成29年度予算", "", ""],
                &["事業名", "円)", "額(千円)", "増減", "増減率(%)"],
                &["土木費", "12,165", "9,650", "▲2,515", "▲20.7"],
            ],
            &[],
        );
        let edges = [30.0, 230.0, 340.0, 420.0, 500.0, 560.0];
        let center = |_: usize, k: usize| match k {
            1 => Some(287.0),
            2 => Some(372.0),
            _ => None,
        };
        let geo = HeaderGeometry {
            col_edges: &edges,
            numeric: vec![false, true, true, true, true],
            label_center: &center,
            tolerance: 0.35,
            ruled: false,
        };
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(
            flatten(&h, 5),
            vec![
                "事業名",
                "前年度予算額(千円)",
                "平成29年度予算額(千円)",
                "増減",
                "増減率(%)"
            ]
        );
        // Without the layout the two lines stay two levels.
        assert_eq!(
            flatten(&header_matrix(&r[..2]), 5)[1],
            "前年度予算額(千/円)"
        );
        // So do they when rules draw the two lines as two rows of cells (a header over a
        // first row of names: `Up-market` over `Ariel`, `Procter & Gamble` between them).
        let r = rows(
            &[
                &["", "高級", "中級", "普及"],
                &["会社", "アリエール", "ビジル", "ボニュクス"],
                &["花王", "1", "2", "3"],
            ],
            &[],
        );
        let edges = [30.0, 230.0, 340.0, 420.0, 500.0];
        let center = |_: usize, k: usize| match k {
            1 => Some(285.0),
            2 => Some(380.0),
            3 => Some(460.0),
            _ => None,
        };
        let geo = HeaderGeometry {
            col_edges: &edges,
            numeric: vec![false, true, true, true],
            label_center: &center,
            tolerance: 0.35,
            ruled: true,
        };
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(flatten(&h, 4)[1], "高級/アリエール");
        let geo = HeaderGeometry {
            ruled: false,
            ..geo
        };
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(flatten(&h, 4)[1], "高級アリエール");
    }

    #[test]
    fn group_label_spans_the_columns_it_is_centred_over() {
        // 人口 centred over 男/女/総数 (cols 1-3); 行政区 and 世帯数 sit in the bottom row.
        let r = rows(
            &[
                &["", "", "人口", "", ""],
                &["行政区", "男", "女", "総数", "世帯数"],
                &["北区", "1", "2", "3", "4"],
            ],
            &[],
        );
        let edges = [50.0, 150.0, 250.0, 350.0, 450.0, 550.0];
        let center = |_: usize, _: usize| Some(300.0);
        let geo = HeaderGeometry {
            col_edges: &edges,
            numeric: vec![false, true, true, true, true],
            label_center: &center,
            tolerance: 0.35,
            ruled: false,
        };
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(
            flatten(&h, 5),
            vec!["行政区", "人口/男", "人口/女", "人口/総数", "世帯数"]
        );
        // A label centred on a column boundary spans the four columns around it.
        let r = rows(
            &[
                &["区名", "", "年齢別", "", "", "率"],
                &["", "0～14歳", "15～64歳", "65歳以上", "計", ""],
                &["北区", "1", "2", "3", "6", "1.0"],
            ],
            &[],
        );
        let edges = [0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0];
        let center = |_: usize, _: usize| Some(300.0);
        let geo = HeaderGeometry {
            col_edges: &edges,
            numeric: vec![false, true, true, true, true, true],
            label_center: &center,
            tolerance: 0.35,
            ruled: false,
        };
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(
            flatten(&h, 6),
            vec![
                "区名",
                "年齢別/0～14歳",
                "年齢別/15～64歳",
                "年齢別/65歳以上",
                "年齢別/計",
                "率"
            ]
        );
        // The same label found as a cell spanning its two middle columns.
        let r = rows(
            &[
                &["区名", "", "年齢別", "", "", "率"],
                &["", "0～14歳", "15～64歳", "65歳以上", "計", ""],
                &["北区", "1", "2", "3", "6", "1.0"],
            ],
            &[(0, 2, 1, 2)],
        );
        let h = header_matrix_with(&r[..2], Some(&geo));
        assert_eq!(
            flatten(&h, 6),
            vec![
                "区名",
                "年齢別/0～14歳",
                "年齢別/15～64歳",
                "年齢別/65歳以上",
                "年齢別/計",
                "率"
            ]
        );
    }

    #[test]
    fn wrapped_header_labels_are_joined() {
        let r = rows(
            &[
                &["事業名", "平成27年度予算", "本年度予算額（千", "比較増減"],
                &["", "額（千円）", "円）", ""],
                &["庁舎", "5", "6", "1"],
            ],
            &[],
        );
        let h = header_matrix(&r[..2]);
        assert_eq!(
            h,
            vec![vec![
                "事業名",
                "平成27年度予算額（千円）",
                "本年度予算額（千円）",
                "比較増減"
            ]]
        );
    }

    #[test]
    fn header_only_grid() {
        let r = rows(
            &[&["区名", "人口", "", ""], &["", "男", "女", "総数"]],
            &[(0, 1, 1, 3)],
        );
        assert!(all_header(&r, &LogicalSettings::default()));
        let r = rows(&[&["区名", "人口"], &["北区", "1"]], &[]);
        assert!(!all_header(&r, &LogicalSettings::default()));
    }

    #[test]
    fn section_row_after_header_is_not_header() {
        let r = rows(
            &[
                &["事業名", "前年度", "本年度"],
                &["（款）民生費", "", ""],
                &["事業", "1", "2"],
            ],
            &[],
        );
        assert_eq!(count_header_rows(&r, &LogicalSettings::default()), 1);
    }

    #[test]
    fn text_table_header_needs_label_row_over_long_text() {
        let long = "予算規則の一部を改正し、財政局へ直接予算要求を可能にするとともに、区の特性に応じた組織体制に整備することで、地域の実情に応じた事業を実施することができた。";
        let r = rows(
            &[
                &["課題", "具体的取組", "主な実績"],
                &["1 区", "①移譲", long],
            ],
            &[],
        );
        assert_eq!(count_header_rows(&r, &LogicalSettings::default()), 1);
        // Short labels all the way down and no style: no header evidence.
        let r = rows(&[&["a", "b"], &["c", "d"]], &[]);
        assert_eq!(count_header_rows(&r, &LogicalSettings::default()), 0);
        // A tail row of long text first: no header.
        let r = rows(&[&["", "", long], &["1 区", "①移譲", long]], &[]);
        assert_eq!(count_header_rows(&r, &LogicalSettings::default()), 0);
    }

    #[test]
    fn numbers_first_means_no_header() {
        let r = rows(&[&["1", "2"], &["3", "4"]], &[]);
        assert_eq!(count_header_rows(&r, &LogicalSettings::default()), 0);
    }

    #[test]
    fn label_row_repeated_on_next_page() {
        let s = LogicalSettings::default();
        let a = rows(&[&["課題", "取組"], &["1 区", "①"]], &[]);
        let b = rows(&[&["課 題", "取組"], &["", "②"]], &[]);
        let c = rows(&[&["1 区", "②"], &["", "③"]], &[]);
        assert!(same_first_row(&a, &b, &s));
        assert!(!same_first_row(&a, &c, &s));
    }

    #[test]
    fn repeated_header_is_recognised() {
        let h = vec![vec!["課 題".to_string(), "具体的取組".to_string()]];
        let r = rows(&[&["課題", "具体的取組"], &["x", "y"]], &[]);
        assert_eq!(repeats_header(&r, &h), 1);
        let r = rows(&[&["課題", "別"], &["x", "y"]], &[]);
        assert_eq!(repeats_header(&r, &h), 0);
    }

    #[test]
    fn a_label_header_spans_the_blank_text_columns_to_its_left() {
        let cols = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            label_spans_left(
                cols(&["", "", "勘定科目", "予算"]),
                &[false, false, false, true]
            ),
            cols(&["勘定科目", "勘定科目", "勘定科目", "予算"])
        );
        // A blank name over a number column (a row number) stays blank.
        assert_eq!(
            label_spans_left(cols(&["", "勘定科目", "予算"]), &[true, false, true]),
            cols(&["", "勘定科目", "予算"])
        );
        // So does a blank left of a number column's name.
        assert_eq!(
            label_spans_left(cols(&["", "予算"]), &[false, true]),
            cols(&["", "予算"])
        );
    }
}
