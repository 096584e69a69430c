//! HTML reports: one self-contained page per document (page pictures as data URIs next
//! to the tables found on each page) and an index page of a run.
//!
//! Pure string building: no file system, no rendering. The colours of header, section and
//! total rows are those of the page pictures' legend ([`Layer::style`]).

use std::fmt::Write as _;

use base64::Engine as _;

use crate::diagnostic::Diagnostic;
use crate::layout::TextSource;
use crate::logical::{LogicalTable, RowKind};
use crate::sink::DocumentRecord;

use super::overlay::Layer;

/// One page of a document report.
#[derive(Clone, Debug)]
pub struct PageSection {
    pub number: usize,
    /// The page picture (PNG) and its size in pixels, or why there is none.
    pub picture: Result<(Vec<u8>, u32, u32), String>,
    /// Width of the page in points (the picture is shown at 1 px per point).
    pub width_pt: f64,
    pub text_source: TextSource,
    pub warnings: Vec<String>,
    /// What the stages noticed on the page outside every table (`PageSummary::diagnostics`).
    pub diagnostics: Vec<Diagnostic>,
    /// The layers drawn on the picture (for the legend).
    pub layers: Vec<Layer>,
}

/// Per-table notes shown above a table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableFlags {
    /// Mean and minimum confidence of the OCR words inside the table, and how many are
    /// below the low-confidence threshold; `None` when no word of it was OCR'd.
    pub ocr: Option<OcrConfidence>,
    /// Totals that do not add up (from [`super::totals_flags`]).
    pub totals: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OcrConfidence {
    pub mean: f32,
    pub min: f32,
    pub low: usize,
    pub words: usize,
}

/// A whole document report.
#[derive(Clone, Debug)]
pub struct DocumentView<'a> {
    pub title: &'a str,
    pub page_count: usize,
    pub pages: &'a [PageSection],
    pub tables: &'a [LogicalTable],
    /// One entry per table.
    pub flags: &'a [TableFlags],
    pub low_confidence: f32,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `bytes` as a `data:` URI.
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn style_sheet() -> String {
    let mut css = String::from(
        "body{font-family:sans-serif;margin:1em;color:#222}\
         h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em;border-top:1px solid #ccc;padding-top:.5em}\
         .page{display:flex;gap:1.5em;align-items:flex-start}\
         .picture img{border:1px solid #999;max-width:100%;height:auto}.picture{flex:0 1 auto;max-width:55%}\
         .tables{flex:1 1 0;min-width:0;overflow-x:auto}\
         table{border-collapse:collapse;font-size:12px;margin:.3em 0 1.2em}\
         td,th{border:1px solid #888;padding:2px 4px;vertical-align:top;white-space:pre-wrap}\
         .flags{font-size:12px;color:#444}.flag{display:inline-block;margin-right:.8em}\
         .warn{color:#a40000}.muted{color:#777}\
         ul.diagnostics{font-size:12px;color:#444;margin:.2em 0 .4em;padding-left:1.2em}\
         .legend span{display:inline-block;margin-right:1em;font-size:12px}\
         .legend i{display:inline-block;width:1.6em;height:.9em;margin-right:.3em;vertical-align:middle;border:1px solid #666}\
         tr.total td{font-weight:bold}\
         .status-failed{color:#a40000;font-weight:bold}.num{text-align:right}\n",
    );
    for l in [Layer::HeaderRow, Layer::SectionRow] {
        let _ = writeln!(
            css,
            "tr.{} > *{{background:{}}}",
            l.css_class(),
            l.style().css()
        );
    }
    css
}

/// The report of one document.
pub fn document_html(d: &DocumentView<'_>) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t} — nenpo inspect</title><style>{css}</style></head><body>\n<h1>{t}</h1>\n",
        t = escape(d.title),
        css = style_sheet()
    );
    let n_rows: usize = d.tables.iter().map(|t| t.rows.len()).sum();
    let _ = writeln!(
        h,
        "<p>{} pages ({} shown), {} tables, {} rows. OCR words below confidence {} are marked low.</p>",
        d.page_count,
        d.pages.len(),
        d.tables.len(),
        n_rows,
        d.low_confidence
    );
    for p in d.pages {
        page_html(&mut h, p, d);
    }
    h.push_str("</body></html>\n");
    h
}

fn page_html(h: &mut String, p: &PageSection, d: &DocumentView<'_>) {
    let _ = writeln!(
        h,
        "<h2 id=\"page-{n}\">Page {n} <span class=\"muted\">({})</span></h2>",
        text_source_name(p.text_source),
        n = p.number
    );
    for w in &p.warnings {
        let _ = writeln!(h, "<p class=\"warn\">{}</p>", escape(w));
    }
    diagnostics_html(h, &p.diagnostics);
    if !p.layers.is_empty() {
        h.push_str("<p class=\"legend\">");
        for l in &p.layers {
            let st = l.style();
            let [r, g, b] = st.colour;
            let bg = if st.fill > 0.0 {
                st.css()
            } else {
                "transparent".into()
            };
            let _ = write!(
                h,
                "<span><i style=\"background:{bg};border-color:rgb({r},{g},{b})\"></i>{}</span>",
                escape(l.label())
            );
        }
        h.push_str("</p>\n");
    }
    h.push_str("<div class=\"page\"><div class=\"picture\">");
    match &p.picture {
        Ok((png, w, hgt)) => {
            let _ = write!(
                h,
                "<img alt=\"page {n}\" width=\"{css_w}\" data-px=\"{w}x{hgt}\" src=\"{uri}\">",
                n = p.number,
                css_w = p.width_pt.round().max(1.0),
                uri = data_uri("image/png", png)
            );
        }
        Err(why) => {
            let _ = write!(h, "<p class=\"warn\">no picture: {}</p>", escape(why));
        }
    }
    h.push_str("</div><div class=\"tables\">\n");
    let mut any = false;
    for (i, t) in d.tables.iter().enumerate() {
        if !t.pages.contains(&p.number) {
            continue;
        }
        any = true;
        let flags = d.flags.get(i).cloned().unwrap_or_default();
        table_html(h, i + 1, t, p.number, &flags, d.low_confidence);
    }
    if !any {
        h.push_str("<p class=\"muted\">no table found on this page</p>\n");
    }
    h.push_str("</div></div>\n");
}

fn text_source_name(s: TextSource) -> &'static str {
    match s {
        TextSource::Digital => "digital text layer",
        TextSource::HiddenOcrLayer => "scanner's OCR layer",
        TextSource::Ocr => "OCR",
        TextSource::None => "no text",
    }
}

/// The flags line of a table on `page`.
pub fn flag_texts(
    t: &LogicalTable,
    page: usize,
    f: &TableFlags,
    low_confidence: f32,
) -> Vec<String> {
    let mut out = vec![format!("{:?}", t.mode).to_lowercase()];
    let pos = t.pages.iter().position(|&q| q == page);
    match (t.pages.first(), t.pages.last()) {
        (Some(a), Some(b)) if a != b => out.push(format!("pages {a}–{b}")),
        _ => {}
    }
    if let Some(prev) = pos
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| t.pages.get(i))
    {
        out.push(format!("continued from page {prev}"));
    }
    if let Some(next) = pos.and_then(|i| t.pages.get(i + 1)) {
        out.push(format!("continues on page {next}"));
    }
    if let Some(o) = f.ocr {
        out.push(format!(
            "OCR confidence: mean {:.2}, min {:.2}, {} of {} words below {}",
            o.mean, o.min, o.low, o.words, low_confidence
        ));
    }
    out.extend(f.totals.iter().cloned());
    out
}

fn table_html(
    h: &mut String,
    index: usize,
    t: &LogicalTable,
    page: usize,
    f: &TableFlags,
    low_confidence: f32,
) {
    let _ = write!(h, "<div class=\"flags\"><b>Table {index}</b> ");
    for fl in flag_texts(t, page, f, low_confidence) {
        let warn = if fl.starts_with("OCR") && f.ocr.is_some_and(|o| o.low > 0)
            || f.totals.contains(&fl)
        {
            " warn"
        } else {
            ""
        };
        let _ = write!(h, "<span class=\"flag{warn}\">{}</span>", escape(&fl));
    }
    h.push_str("</div>\n");
    if let Some(c) = &t.caption {
        let _ = writeln!(h, "<div class=\"muted\">{}</div>", escape(c));
    }
    let here: Vec<Diagnostic> = t
        .diagnostics
        .iter()
        .filter(|d| d.page == page)
        .cloned()
        .collect();
    diagnostics_html(h, &here);
    let _ = writeln!(h, "<table data-table=\"{index}\">");
    let starts_here = t.pages.first() == Some(&page);
    if starts_here && !t.header_rows.is_empty() {
        h.push_str("<thead>\n");
        let spans = header_spans(&t.header_rows);
        for (r, row) in t.header_rows.iter().enumerate() {
            let _ = write!(h, "<tr class=\"{}\">", Layer::HeaderRow.css_class());
            for &(_, c, rs, cs) in spans.iter().filter(|s| s.0 == r) {
                let text = row.get(c).map(String::as_str).unwrap_or("");
                let _ = write!(h, "<th{}>{}</th>", span_attrs(rs, cs), escape(text));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</thead>\n");
    }
    h.push_str("<tbody>\n");
    let rows: Vec<usize> = (0..t.rows.len())
        .filter(|&i| t.rows.get(i).is_some_and(|r| r.page == page))
        .collect();
    let spans = body_spans(t, &rows);
    for &i in &rows {
        let Some(r) = t.rows.get(i) else { continue };
        let class = match r.kind {
            RowKind::Section => Layer::SectionRow.css_class(),
            RowKind::Total | RowKind::Subtotal => "total",
            RowKind::Data => "",
        };
        if class.is_empty() {
            h.push_str("<tr>");
        } else {
            let _ = write!(h, "<tr class=\"{class}\">");
        }
        for (c, text) in r.cells.iter().enumerate() {
            match spans.get(&(i, c)) {
                Some(Slot::Covered) => continue,
                Some(Slot::Start(rs, cs)) => {
                    let _ = write!(h, "<td{}>{}</td>", span_attrs(*rs, *cs), escape(text));
                }
                None => {
                    let _ = write!(h, "<td>{}</td>", escape(text));
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
}

/// A list of diagnostics (nothing when there are none): each one's code, grid slot and
/// message.
fn diagnostics_html(h: &mut String, ds: &[Diagnostic]) {
    if ds.is_empty() {
        return;
    }
    h.push_str("<ul class=\"diagnostics\">");
    for d in ds {
        let slot = match (d.row, d.col) {
            (Some(r), Some(c)) => format!(" r{r}c{c}"),
            _ => String::new(),
        };
        let _ = write!(
            h,
            "<li data-code=\"{code}\"><code>{code}</code>{slot} {}</li>",
            escape(&d.message),
            code = d.code.as_str()
        );
    }
    h.push_str("</ul>\n");
}

fn span_attrs(rowspan: usize, colspan: usize) -> String {
    let mut s = String::new();
    if rowspan > 1 {
        let _ = write!(s, " rowspan=\"{rowspan}\"");
    }
    if colspan > 1 {
        let _ = write!(s, " colspan=\"{colspan}\"");
    }
    s
}

/// A body slot: the top-left of a spanning cell (rowspan, colspan), or covered by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Start(usize, usize),
    Covered,
}

/// The table's spans restricted to the rows shown (`shown`: row indices, ascending and
/// consecutive per page). A span starting above the shown rows starts again at the first.
fn body_spans(
    t: &LogicalTable,
    shown: &[usize],
) -> std::collections::HashMap<(usize, usize), Slot> {
    let mut out = std::collections::HashMap::new();
    let (Some(&a), Some(&b)) = (shown.first(), shown.last()) else {
        return out;
    };
    let n_cols = t
        .columns
        .len()
        .max(t.rows.first().map_or(0, |r| r.cells.len()));
    for s in &t.spans {
        let start = s.row.max(a);
        let end = (s.row + s.rowspan).min(b + 1);
        let cols = s.colspan.min(n_cols.saturating_sub(s.col));
        if start >= end || cols == 0 || (end - start == 1 && cols == 1) {
            continue;
        }
        for r in start..end {
            for c in s.col..s.col + cols {
                out.insert((r, c), Slot::Covered);
            }
        }
        out.insert((start, s.col), Slot::Start(end - start, cols));
    }
    out
}

/// Spanning cells of header rows printed with a spanning cell's text in every slot it
/// covers: (row, col, rowspan, colspan) for every cell to emit, row-major. Equal
/// non-empty texts side by side merge into a colspan; a block repeated in the rows below
/// merges into a rowspan.
pub fn header_spans(rows: &[Vec<String>]) -> Vec<(usize, usize, usize, usize)> {
    let n_cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let text = |r: usize, c: usize| {
        rows.get(r)
            .and_then(|row| row.get(c))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    let mut covered = vec![vec![false; n_cols]; rows.len()];
    let mut out = Vec::new();
    for r in 0..rows.len() {
        let mut c = 0;
        while c < n_cols {
            if covered[r][c] {
                c += 1;
                continue;
            }
            let t = text(r, c);
            let mut cs = 1;
            while !t.is_empty() && c + cs < n_cols && !covered[r][c + cs] && text(r, c + cs) == t {
                cs += 1;
            }
            let mut rs = 1;
            while !t.is_empty()
                && r + rs < rows.len()
                && (c..c + cs).all(|k| text(r + rs, k) == t && !covered[r + rs][k])
            {
                rs += 1;
            }
            for row in covered.iter_mut().skip(r).take(rs) {
                row.iter_mut()
                    .skip(c)
                    .take(cs)
                    .for_each(|slot| *slot = true);
            }
            out.push((r, c, rs, cs));
            c += cs;
        }
    }
    out
}

/// The series section of a run's index: its families, and the previous-year figures
/// checked against last year's reports (per document, and the mismatches listed).
fn series_html(s: &crate::pipeline::run::SeriesSummary) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>Series</h2>\n<p>{} families; {} previous-year figures checked against last year's reports, {} do not match.</p>",
        s.families.len(),
        s.checked,
        s.mismatches
    );
    h.push_str("<table><thead><tr><th>family</th><th>years</th><th>documents</th><th>tables</th><th>columns</th></tr></thead><tbody>\n");
    for f in &s.families {
        let years: Vec<String> = f.years.iter().map(i32::to_string).collect();
        let _ = writeln!(
            h,
            "<tr><td title=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&f.id),
            escape(&f.name),
            years.join(", "),
            f.documents,
            f.tables,
            escape(&f.columns.join(" / "))
        );
    }
    h.push_str("</tbody></table>\n");
    if !s.documents.is_empty() {
        h.push_str("<table><thead><tr><th>document</th><th>checked</th><th>mismatches</th></tr></thead><tbody>\n");
        for d in &s.documents {
            let class = if d.mismatches > 0 {
                " class=\"warn\""
            } else {
                ""
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\"{class}>{}</td></tr>",
                escape(&d.path),
                d.checked,
                d.mismatches
            );
        }
        h.push_str("</tbody></table>\n");
    }
    if !s.mismatched.is_empty() {
        h.push_str("<table><thead><tr><th>family</th><th>item</th><th>year</th><th>column</th><th>printed</th><th>where</th><th>last year's report</th><th>where</th></tr></thead><tbody>\n");
        for m in &s.mismatched {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num warn\">{}</td><td>{} p{}</td><td class=\"num\">{}</td><td>{} p{}</td></tr>",
                escape(&m.family),
                escape(&m.label),
                m.fiscal_year,
                escape(&m.column),
                m.printed,
                escape(&m.path),
                m.page,
                m.previous,
                escape(&m.previous_path),
                m.previous_page
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h
}

/// The index page of a run. `links[i]` is the report file of `records[i]`, if one was
/// written; `series`, what the series stage found when the run changed the output.
pub fn run_index_html(
    records: &[DocumentRecord],
    links: &[Option<String>],
    series: Option<&crate::pipeline::run::SeriesSummary>,
) -> String {
    let mut h = String::new();
    let _ = write!(h, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>nenpo run</title><style>{}</style></head><body>\n", style_sheet());
    let failed = records
        .iter()
        .filter(|r| r.status == crate::sink::DocStatus::Failed)
        .count();
    let partial = records
        .iter()
        .filter(|r| r.status == crate::sink::DocStatus::Partial)
        .count();
    let (tables, rows): (u64, u64) = records
        .iter()
        .fold((0, 0), |(t, r), d| (t + d.tables as u64, r + d.rows as u64));
    let seconds: f64 = records.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        h,
        "<h1>nenpo run</h1>\n<p>{} documents ({} ok, {} partial, {} failed), {} tables, {} rows, {:.1} s of document time.</p>",
        records.len(),
        records.len() - failed - partial,
        partial,
        failed,
        tables,
        rows,
        seconds
    );
    h.push_str("<table><thead><tr><th>document</th><th>status</th><th>fiscal year</th><th>pages</th><th>tables</th><th>rows</th><th>seconds</th><th>error</th><th>report</th></tr></thead><tbody>\n");
    for (i, r) in records.iter().enumerate() {
        let link = links.get(i).cloned().flatten();
        let report = link
            .map(|l| format!("<a href=\"{}\">report</a>", escape(&l)))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td title=\"{id}\">{path}</td><td class=\"status-{st}\">{st}</td><td class=\"num\">{fy}</td><td class=\"num\">{pg}</td><td class=\"num\">{tb}</td><td class=\"num\">{rw}</td><td class=\"num\">{s:.2}</td><td class=\"warn\">{err}</td><td>{report}</td></tr>",
            id = escape(&r.document_id),
            path = escape(&r.path),
            st = r.status.as_str(),
            fy = r.fiscal_year.map(|y| y.to_string()).unwrap_or_default(),
            pg = r.pages,
            tb = r.tables,
            rw = r.rows,
            s = r.seconds,
            err = escape(&r.error.iter().chain(&r.warnings).cloned().collect::<Vec<_>>().join("; ")),
        );
    }
    h.push_str("</tbody></table>\n");
    if let Some(series) = series {
        h.push_str(&series_html(series));
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::logical::{Row, Span};
    use crate::table::Strategy;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn row(page: usize, kind: RowKind, cells: &[&str]) -> Row {
        Row {
            cells: s(cells),
            section: Vec::new(),
            kind,
            page,
            pages: vec![page],
            bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
            spanned_from_above: Vec::new(),
        }
    }

    fn table() -> LogicalTable {
        LogicalTable {
            numeric: Vec::new(),
            units: Vec::new(),
            note_unit: None,
            diagnostics: Vec::new(),
            pages: vec![1, 2],
            bbox: Rect::new(0.0, 0.0, 1.0, 1.0),
            mode: Strategy::Lattice,
            header_rows: vec![s(&["区分", "人口", "人口"]), s(&["区分", "男", "女"])],
            columns: s(&["区分", "人口/男", "人口/女"]),
            rows: vec![
                row(1, RowKind::Section, &["I 北部", "", ""]),
                row(1, RowKind::Data, &["A<&>", "1", "2"]),
                row(1, RowKind::Data, &["A<&>", "3", "4"]),
                row(2, RowKind::Data, &["A<&>", "5", "6"]),
                row(2, RowKind::Total, &["計", "9", "12"]),
            ],
            spans: vec![
                Span {
                    row: 0,
                    col: 0,
                    rowspan: 1,
                    colspan: 3,
                },
                Span {
                    row: 1,
                    col: 0,
                    rowspan: 3,
                    colspan: 1,
                },
            ],
            caption: Some("（単位：人）".into()),
        }
    }

    #[test]
    fn header_cells_merge_into_spans() {
        let t = table();
        assert_eq!(
            header_spans(&t.header_rows),
            vec![(0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1)]
        );
        assert_eq!(
            header_spans(&[s(&["", ""])]),
            vec![(0, 0, 1, 1), (0, 1, 1, 1)],
            "empty cells never merge"
        );
    }

    #[test]
    fn body_spans_are_clipped_to_the_page() {
        let t = table();
        let p1 = body_spans(&t, &[0, 1, 2]);
        assert_eq!(p1.get(&(0, 0)), Some(&Slot::Start(1, 3)));
        assert_eq!(p1.get(&(0, 2)), Some(&Slot::Covered));
        assert_eq!(p1.get(&(1, 0)), Some(&Slot::Start(2, 1)));
        assert_eq!(p1.get(&(2, 0)), Some(&Slot::Covered));
        let p2 = body_spans(&t, &[3, 4]);
        assert_eq!(
            p2.get(&(3, 0)),
            None,
            "a span cut to one slot is a plain cell"
        );
    }

    #[test]
    fn document_report_has_pictures_and_tables() {
        let t = [table()];
        let pages = [
            PageSection {
                number: 1,
                picture: Ok((vec![1, 2, 3], 10, 20)),
                width_pt: 7.2,
                text_source: TextSource::Digital,
                warnings: vec!["a <warning>".into()],
                diagnostics: Vec::new(),
                layers: vec![Layer::Cell],
            },
            PageSection {
                number: 2,
                picture: Err("renderer failed".into()),
                width_pt: 7.2,
                text_source: TextSource::Ocr,
                warnings: Vec::new(),
                diagnostics: Vec::new(),
                layers: Vec::new(),
            },
        ];
        let flags = [TableFlags {
            ocr: Some(OcrConfidence {
                mean: 0.8,
                min: 0.2,
                low: 3,
                words: 40,
            }),
            totals: vec!["totals do not add up: row 5 (計)".into()],
        }];
        let html = document_html(&DocumentView {
            title: "seed.pdf",
            page_count: 2,
            pages: &pages,
            tables: &t,
            flags: &flags,
            low_confidence: 0.6,
        });
        assert!(
            html.contains("src=\"data:image/png;base64,AQID\""),
            "the picture is embedded"
        );
        assert!(html.contains("<th rowspan=\"2\">区分</th><th colspan=\"2\">人口</th>"));
        assert!(html.contains("<tr class=\"section\"><td colspan=\"3\">I 北部</td></tr>"));
        assert!(html.contains("<td rowspan=\"2\">A&lt;&amp;&gt;</td>"));
        assert!(html.contains("continued from page 1") && html.contains("continues on page 2"));
        assert!(html.contains("<tr class=\"total\">"));
        assert!(html.contains("a &lt;warning&gt;") && html.contains("no picture: renderer failed"));
        assert!(html.contains("3 of 40 words below 0.6"));
        assert!(html.contains("<span class=\"flag warn\">totals do not add up: row 5 (計)</span>"));
        assert_eq!(
            html.matches("<table").count(),
            2,
            "the table on each of its pages"
        );
        assert_eq!(
            html.matches("<thead>").count(),
            1,
            "the header once, where the table starts"
        );
    }

    #[test]
    fn document_report_lists_diagnostics_of_pages_and_tables() {
        use crate::diagnostic::Code;
        let mut t = table();
        t.diagnostics = vec![
            Diagnostic {
                table: Some(0),
                grid: Some(0),
                ..Diagnostic::new(
                    Code::OcrRepairDashes,
                    2,
                    "ocr repair r1c2 \"--\" → \"－\" (dashes)",
                )
                .at_slot(1, 2)
            },
            Diagnostic::new(
                Code::NoteRowsDropped,
                1,
                "note rows under the table are not rows: [\"<注>\"]",
            ),
        ];
        let page = |number: usize, diagnostics: Vec<Diagnostic>| PageSection {
            number,
            picture: Err("none".into()),
            width_pt: 7.2,
            text_source: TextSource::Digital,
            warnings: Vec::new(),
            diagnostics,
            layers: Vec::new(),
        };
        let pages = [
            page(
                1,
                vec![Diagnostic::new(
                    Code::PageFurniture,
                    1,
                    "page furniture is no table",
                )],
            ),
            page(2, Vec::new()),
        ];
        let tables = [t];
        let html = document_html(&DocumentView {
            title: "d.pdf",
            page_count: 2,
            pages: &pages,
            tables: &tables,
            flags: &[TableFlags::default()],
            low_confidence: 0.6,
        });
        let at = |needle: &str| {
            html.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing from\n{html}"))
        };
        let (p1, p2) = (at("id=\"page-1\""), at("id=\"page-2\""));
        let furniture = at("<li data-code=\"page-furniture\"><code>page-furniture</code> page furniture is no table</li>");
        let notes = at("<code>note-rows-dropped</code> note rows under the table are not rows: [&quot;&lt;注&gt;&quot;]");
        let dashes = at("<code>ocr-repair-dashes</code> r1c2 ocr repair r1c2");
        assert!(
            p1 < furniture && furniture < p2,
            "a page's own under its heading"
        );
        assert!(p1 < notes && notes < p2, "a table's on the page it names");
        assert!(p2 < dashes, "a table's on the page it names");
        assert_eq!(html.matches("<ul class=\"diagnostics\">").count(), 3);
    }

    #[test]
    fn run_index_lists_documents() {
        let recs = [
            DocumentRecord {
                document_id: "abc".into(),
                path: "a/b.pdf".into(),
                status: crate::sink::DocStatus::Ok,
                tables: 2,
                rows: 10,
                seconds: 0.5,
                pages: 3,
                ..Default::default()
            },
            DocumentRecord {
                document_id: "def".into(),
                path: "c.pdf".into(),
                status: crate::sink::DocStatus::Failed,
                error: Some("pdf: bad xref".into()),
                ..Default::default()
            },
        ];
        let series = crate::pipeline::run::SeriesSummary {
            checked: 3,
            mismatches: 1,
            mismatched: vec![crate::pipeline::run::Mismatch {
                family: "事業活動計算書".into(),
                label: "雑費".into(),
                fiscal_year: 2020,
                column: "前年度決算(B)".into(),
                printed: 265419.0,
                path: "r2.pdf".into(),
                page: 15,
                previous: 288022.0,
                previous_path: "r1.pdf".into(),
                previous_page: 14,
            }],
            ..Default::default()
        };
        let html = run_index_html(&recs, &[None, Some("def.html".into())], Some(&series));
        assert!(html.contains(
            "3 previous-year figures checked against last year's reports, 1 do not match"
        ));
        assert!(html.contains("<td>雑費</td>") && html.contains("r1.pdf p14"));
        assert!(html.contains("2 documents (1 ok, 0 partial, 1 failed), 2 tables, 10 rows"));
        assert!(html.contains("<a href=\"def.html\">report</a>") && html.contains("pdf: bad xref"));
        assert!(html.contains("class=\"status-failed\""));
    }
}
