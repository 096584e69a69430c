//! What to draw over a page picture, and where: the page's words, rulings, grids and
//! logical tables turned into [`Mark`]s (a layer and a pixel rectangle each).
//!
//! Pure geometry, unit-tested on hand-made inputs: points (top-left origin, page as
//! displayed) map to pixels by one factor ([`Scale`]); every layer has one style.

use crate::geom::Rect;
use crate::layout::{Orientation, PageLayout, TextSource};
use crate::logical::{LogicalTable, RowKind};
use crate::table::Grid;

/// Pixels per point of a page picture (`dpi / 72`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale(pub f64);

impl Scale {
    pub fn from_dpi(dpi: f64) -> Scale {
        Scale(dpi / 72.0)
    }

    /// Pixel size of a page of `width` × `height` points: truncated, as the renderer does.
    pub fn size(&self, width: f64, height: f64) -> (u32, u32) {
        let px = |v: f64| (v * self.0).max(0.0).floor() as u32;
        (px(width), px(height))
    }

    /// The pixels a rectangle in points covers: edges rounded to the nearest pixel
    /// boundary, at least one pixel wide and high.
    pub fn rect(&self, r: &Rect) -> PxRect {
        let e = |v: f64| (v * self.0).round() as i64;
        let (x0, y0) = (e(r.x0), e(r.top));
        PxRect {
            x0,
            y0,
            x1: e(r.x1).max(x0 + 1),
            y1: e(r.bottom).max(y0 + 1),
        }
    }
}

/// A rectangle of pixels: `x0..x1` by `y0..y1` (ends exclusive). May reach outside the
/// picture; painting clips it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PxRect {
    pub x0: i64,
    pub y0: i64,
    pub x1: i64,
    pub y1: i64,
}

impl PxRect {
    pub fn width(&self) -> i64 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> i64 {
        self.y1 - self.y0
    }
    /// Shrunk by `d` pixels on every side (grown when negative), never below one pixel.
    pub fn inset(&self, d: i64) -> PxRect {
        let (x0, y0) = (self.x0 + d, self.y0 + d);
        PxRect {
            x0,
            y0,
            x1: (self.x1 - d).max(x0 + 1),
            y1: (self.y1 - d).max(y0 + 1),
        }
    }
    /// Area shared with `o`, in pixels.
    pub fn overlap(&self, o: &PxRect) -> i64 {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        if w > 0 && h > 0 {
            w * h
        } else {
            0
        }
    }
}

/// What a mark shows. The order of the variants is the painting order (fills first) and
/// the order of the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// A grid cell spanning more than one row or column.
    SpanningCell,
    /// Header rows of a logical table (also repeated headers on later pages).
    HeaderRow,
    /// Section heading rows (`II 区政改革`).
    SectionRow,
    /// A grid cell (outline).
    Cell,
    /// A table region: the box of a grid.
    TableRegion,
    /// A ruling line (snapped and joined, as the table stage sees it).
    Ruling,
    /// A word of a digital text layer.
    Word,
    /// A word recognised by OCR (ours or a scanner's hidden layer).
    OcrWord,
    /// An OCR word whose confidence is below the threshold.
    LowConfidenceWord,
}

impl Layer {
    pub const ALL: [Layer; 9] = [
        Layer::SpanningCell,
        Layer::HeaderRow,
        Layer::SectionRow,
        Layer::Cell,
        Layer::TableRegion,
        Layer::Ruling,
        Layer::Word,
        Layer::OcrWord,
        Layer::LowConfidenceWord,
    ];

    /// Colours from the Okabe–Ito palette (distinguishable with colour-blindness), plus
    /// magenta for rulings, which lie on printed black lines.
    pub fn style(self) -> Style {
        let s = |colour: [u8; 3], fill: f32, stroke: u32, inset: i64| Style {
            colour,
            fill,
            stroke,
            inset,
        };
        match self {
            Layer::SpanningCell => s([240, 228, 66], 0.45, 0, 0),
            Layer::HeaderRow => s([86, 180, 233], 0.40, 0, 0),
            Layer::SectionRow => s([170, 110, 210], 0.40, 0, 0),
            // Just inside the cell's box, so ruling lines on its edges leave it visible.
            Layer::Cell => s([0, 158, 115], 0.0, 1, 2),
            // Just outside the region, around the table's outer rulings.
            Layer::TableRegion => s([230, 159, 0], 0.0, 3, -4),
            Layer::Ruling => s([255, 0, 255], 1.0, 0, 0),
            Layer::Word => s([0, 114, 178], 0.0, 1, 0),
            Layer::OcrWord => s([140, 86, 75], 0.0, 1, 0),
            Layer::LowConfidenceWord => s([213, 0, 0], 0.30, 2, 0),
        }
    }

    /// The legend's text.
    pub fn label(self) -> &'static str {
        match self {
            Layer::HeaderRow => "header row",
            Layer::SectionRow => "section row",
            Layer::SpanningCell => "spanning cell",
            Layer::Cell => "cell",
            Layer::TableRegion => "table region",
            Layer::Ruling => "ruling line",
            Layer::Word => "word",
            Layer::OcrWord => "OCR word",
            Layer::LowConfidenceWord => "OCR word, low confidence",
        }
    }

    /// CSS class of the layer in HTML reports.
    pub fn css_class(self) -> &'static str {
        match self {
            Layer::HeaderRow => "header",
            Layer::SectionRow => "section",
            Layer::SpanningCell => "spanning",
            Layer::Cell => "cell",
            Layer::TableRegion => "region",
            Layer::Ruling => "ruling",
            Layer::Word => "word",
            Layer::OcrWord => "ocr-word",
            Layer::LowConfidenceWord => "low-confidence",
        }
    }
}

/// How a layer is painted: a fill of `colour` at opacity `fill` (0 = none), then an
/// outline `stroke` pixels wide inside the rectangle (0 = none), the rectangle first shrunk
/// by `inset` pixels on every side (grown when negative). Stroke and inset scale with the
/// picture's line thickness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub colour: [u8; 3],
    pub fill: f32,
    pub stroke: u32,
    pub inset: i64,
}

impl Style {
    /// CSS colour at the fill opacity (outlined layers at 0.35, for table backgrounds).
    pub fn css(&self) -> String {
        let [r, g, b] = self.colour;
        let a = if self.fill > 0.0 && self.fill < 1.0 {
            self.fill
        } else {
            0.35
        };
        format!("rgba({r},{g},{b},{a})")
    }
}

/// One thing to paint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub layer: Layer,
    pub rect: PxRect,
}

/// Everything known about one page.
#[derive(Clone, Copy, Debug)]
pub struct PageView<'a> {
    pub layout: &'a PageLayout,
    pub grids: &'a [Grid],
    /// The document's logical tables (those not on this page are ignored).
    pub tables: &'a [LogicalTable],
}

/// The marks of a page in painting order.
///
/// * rulings are bars `ruling_px` thick centred on the line;
/// * every grid cell is outlined where its box says (a spanning cell once, over all the
///   slots it covers) and a spanning cell is also tinted;
/// * header and section rows are tinted (see [`row_boxes`]);
/// * words are outlined; on an OCR'd page (or a scanner's hidden OCR layer) they are OCR
///   words, and those with `confidence < low_confidence` are marked as such.
pub fn marks(view: &PageView<'_>, scale: Scale, ruling_px: i64, low_confidence: f32) -> Vec<Mark> {
    let mut out = Vec::new();
    let mut push = |layer: Layer, rect: PxRect| out.push(Mark { layer, rect });
    let boxes = row_boxes(view.layout.number, view.grids, view.tables);
    // A spanning cell inside a header or section row shows that row's tint only.
    let in_row = |r: &Rect| {
        boxes
            .header
            .iter()
            .chain(&boxes.section)
            .any(|b| b.contains_point(r.cx(), r.cy()))
    };
    for g in view.grids {
        for c in g
            .cells
            .iter()
            .filter(|c| (c.rowspan > 1 || c.colspan > 1) && !in_row(&c.bbox))
        {
            push(Layer::SpanningCell, scale.rect(&c.bbox));
        }
    }
    for r in &boxes.header {
        push(Layer::HeaderRow, scale.rect(r));
    }
    for r in &boxes.section {
        push(Layer::SectionRow, scale.rect(r));
    }
    for g in view.grids {
        for c in &g.cells {
            push(Layer::Cell, scale.rect(&c.bbox));
        }
    }
    for g in view.grids {
        push(Layer::TableRegion, scale.rect(&g.bbox));
    }
    let t = ruling_px.max(1);
    for r in &view.layout.rulings {
        let pos = (r.pos * scale.0).round() as i64 - t / 2;
        let (a, b) = (
            (r.start * scale.0).round() as i64,
            (r.end * scale.0).round() as i64,
        );
        let rect = match r.orientation {
            Orientation::Horizontal => PxRect {
                x0: a,
                y0: pos,
                x1: b.max(a + 1),
                y1: pos + t,
            },
            Orientation::Vertical => PxRect {
                x0: pos,
                y0: a,
                x1: pos + t,
                y1: b.max(a + 1),
            },
        };
        push(Layer::Ruling, rect);
    }
    let ocr = matches!(
        view.layout.text_source,
        TextSource::Ocr | TextSource::HiddenOcrLayer
    );
    for w in &view.layout.words {
        let layer = match (ocr, w.confidence < low_confidence) {
            (false, _) => Layer::Word,
            (true, false) => Layer::OcrWord,
            (true, true) => Layer::LowConfidenceWord,
        };
        push(layer, scale.rect(&w.bbox));
    }
    out.sort_by_key(|m| m.layer);
    out
}

/// The layers a page's legend lists: those of its marks, in legend order.
pub fn layers_present(marks: &[Mark]) -> Vec<Layer> {
    Layer::ALL
        .into_iter()
        .filter(|l| marks.iter().any(|m| m.layer == *l))
        .collect()
}

/// Header and section row boxes of one page, in points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowBoxes {
    pub header: Vec<Rect>,
    pub section: Vec<Rect>,
}

/// Finds the header and section rows of `page` from the logical tables.
///
/// * A table's header rows are the first `header_rows.len()` grid rows of the grid it
///   starts in (the grid on its first page whose box is the table's box).
/// * On a later page of a table, the grid holding its rows repeats the header when grid
///   rows lie above the first body row starting there; the last such row is left out when
///   a row cut by the page break continues onto this page (it is that row's tail).
/// * Section rows are the body rows of kind `Section` starting on this page.
pub fn row_boxes(page: usize, grids: &[Grid], tables: &[LogicalTable]) -> RowBoxes {
    let mut out = RowBoxes::default();
    for t in tables.iter().filter(|t| t.pages.contains(&page)) {
        out.section.extend(
            t.rows
                .iter()
                .filter(|r| r.page == page && r.kind == RowKind::Section)
                .map(|r| r.bbox),
        );
        let starts_here = t.pages.first() == Some(&page);
        if starts_here {
            let n = t.header_rows.len();
            if let Some(g) = grids.iter().find(|g| same_rect(&g.bbox, &t.bbox)) {
                out.header.extend(grid_rows_box(g, 0..n));
            }
            continue;
        }
        if t.header_rows.is_empty() {
            continue;
        }
        let body: Vec<&Rect> = t
            .rows
            .iter()
            .filter(|r| r.page == page)
            .map(|r| &r.bbox)
            .collect();
        let Some(g) = grids
            .iter()
            .find(|g| body.iter().any(|b| g.bbox.contains_point(b.cx(), b.cy())))
        else {
            continue;
        };
        let first_top = body
            .iter()
            .filter(|b| g.bbox.contains_point(b.cx(), b.cy()))
            .map(|b| b.top)
            .fold(f64::INFINITY, f64::min);
        let mut above: Vec<usize> = (0..g.n_rows())
            .filter(|&row| {
                grid_rows_box(g, row..row + 1).is_some_and(|b| b.bottom <= first_top + 1.0)
            })
            .collect();
        let cut_continues = t
            .rows
            .iter()
            .any(|r| r.page < page && r.pages.contains(&page));
        if cut_continues {
            above.pop();
        }
        if let (Some(&a), Some(&b)) = (above.first(), above.last()) {
            out.header.extend(grid_rows_box(g, a..b + 1));
        }
    }
    out
}

/// The union of the boxes of the cells starting in grid rows `rows`, if any.
fn grid_rows_box(g: &Grid, rows: std::ops::Range<usize>) -> Option<Rect> {
    g.cells
        .iter()
        .filter(|c| rows.contains(&c.row))
        .map(|c| c.bbox)
        .reduce(|a, b| a.union(&b))
}

fn same_rect(a: &Rect, b: &Rect) -> bool {
    (a.x0 - b.x0).abs() < 0.5
        && (a.top - b.top).abs() < 0.5
        && (a.x1 - b.x1).abs() < 0.5
        && (a.bottom - b.bottom).abs() < 0.5
}

/// Where a `w` × `h` legend goes on a `page_w` × `page_h` picture: the corner (inset by
/// `margin`) covering the least of `obstacles`; ties go to bottom right, top right,
/// bottom left, top left, in that order.
pub fn legend_position(
    page_w: i64,
    page_h: i64,
    w: i64,
    h: i64,
    margin: i64,
    obstacles: &[PxRect],
) -> (i64, i64) {
    let (right, bottom) = ((page_w - w - margin).max(0), (page_h - h - margin).max(0));
    let left_top = margin.min(right);
    let top = margin.min(bottom);
    let corners = [
        (right, bottom),
        (right, top),
        (left_top, bottom),
        (left_top, top),
    ];
    let cost = |&(x, y): &(i64, i64)| {
        let r = PxRect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        };
        obstacles.iter().map(|o| r.overlap(o)).sum::<i64>()
    };
    let mut best = corners[0];
    let mut best_cost = cost(&best);
    for c in &corners[1..] {
        let k = cost(c);
        if k < best_cost {
            best = *c;
            best_cost = k;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Ruling, Word};
    use crate::logical::Row;
    use crate::table::{Cell, Strategy};

    fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, bbox: Rect) -> Cell {
        Cell {
            row,
            col,
            rowspan,
            colspan,
            bbox,
            text: String::new(),
            bold: false,
            size: 0.0,
        }
    }

    fn word(bbox: Rect, confidence: f32) -> Word {
        Word {
            text: "x".into(),
            bbox,
            size: 10.0,
            bold: false,
            vertical: false,
            line: 0,
            confidence,
            chars: Vec::new(),
        }
    }

    /// A 3×3 grid on x 100, 200, 300, 400 and y 50, 70, 90, 110 whose top-left cell spans
    /// two columns and whose middle-left cell spans two rows.
    fn grid() -> Grid {
        let (xs, ys) = ([100.0, 200.0, 300.0, 400.0], [50.0, 70.0, 90.0, 110.0]);
        let r =
            |c0: usize, r0: usize, c1: usize, r1: usize| Rect::new(xs[c0], ys[r0], xs[c1], ys[r1]);
        Grid {
            page: 1,
            bbox: r(0, 0, 3, 3),
            mode: Strategy::Lattice,
            row_edges: ys.to_vec(),
            col_edges: xs.to_vec(),
            cells: vec![
                cell(0, 0, 1, 2, r(0, 0, 2, 1)),
                cell(0, 2, 1, 1, r(2, 0, 3, 1)),
                cell(1, 0, 2, 1, r(0, 1, 1, 3)),
                cell(1, 1, 1, 1, r(1, 1, 2, 2)),
                cell(1, 2, 1, 1, r(2, 1, 3, 2)),
                cell(2, 1, 1, 1, r(1, 2, 2, 3)),
                cell(2, 2, 1, 1, r(2, 2, 3, 3)),
            ],
            diagnostics: Vec::new(),
            side_label: None,
        }
    }

    fn row(page: usize, kind: RowKind, bbox: Rect) -> Row {
        Row {
            cells: Vec::new(),
            section: Vec::new(),
            kind,
            page,
            pages: vec![page],
            bbox,
            spanned_from_above: Vec::new(),
        }
    }

    fn table(pages: Vec<usize>, bbox: Rect, header_n: usize, rows: Vec<Row>) -> LogicalTable {
        LogicalTable {
            numeric: Vec::new(),
            units: Vec::new(),
            note_unit: None,
            diagnostics: Vec::new(),
            pages,
            bbox,
            mode: Strategy::Lattice,
            header_rows: vec![Vec::new(); header_n],
            columns: Vec::new(),
            rows,
            spans: Vec::new(),
            caption: None,
        }
    }

    fn layout(
        number: usize,
        source: TextSource,
        words: Vec<Word>,
        rulings: Vec<Ruling>,
    ) -> PageLayout {
        PageLayout {
            number,
            width: 500.0,
            height: 200.0,
            words,
            lines: Vec::new(),
            rulings,
            text_source: source,
        }
    }

    fn of(marks: &[Mark], layer: Layer) -> Vec<PxRect> {
        marks
            .iter()
            .filter(|m| m.layer == layer)
            .map(|m| m.rect)
            .collect()
    }

    fn px(x0: i64, y0: i64, x1: i64, y1: i64) -> PxRect {
        PxRect { x0, y0, x1, y1 }
    }

    #[test]
    fn points_map_to_pixels_by_one_factor() {
        let s = Scale::from_dpi(144.0);
        assert_eq!(s.0, 2.0);
        assert_eq!(s.size(595.28, 841.89), (1190, 1683));
        assert_eq!(
            s.rect(&Rect::new(10.0, 20.0, 30.0, 40.0)),
            px(20, 40, 60, 80)
        );
        // Rounded edges, never empty.
        assert_eq!(
            Scale(1.0).rect(&Rect::new(10.4, 20.6, 10.45, 20.6)),
            px(10, 21, 11, 22)
        );
    }

    #[test]
    fn cells_and_spans_land_where_the_geometry_says() {
        let g = grid();
        let l = layout(1, TextSource::Digital, Vec::new(), Vec::new());
        let grids = [g];
        let m = marks(
            &PageView {
                layout: &l,
                grids: &grids,
                tables: &[],
            },
            Scale(2.0),
            2,
            0.6,
        );
        let cells = of(&m, Layer::Cell);
        assert_eq!(cells.len(), 7, "a spanning cell is outlined once");
        assert_eq!(
            cells[0],
            px(200, 100, 600, 140),
            "colspan 2: two columns wide"
        );
        assert_eq!(cells[2], px(200, 140, 400, 220), "rowspan 2: two rows high");
        assert_eq!(
            of(&m, Layer::SpanningCell),
            vec![px(200, 100, 600, 140), px(200, 140, 400, 220)]
        );
        assert_eq!(of(&m, Layer::TableRegion), vec![px(200, 100, 800, 220)]);
        // Painting order: fills under outlines under the region.
        let order: Vec<Layer> = m.iter().map(|m| m.layer).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
    }

    #[test]
    fn rulings_are_bars_centred_on_the_line() {
        let l = layout(
            1,
            TextSource::Digital,
            Vec::new(),
            vec![
                Ruling::horizontal(50.0, 100.0, 400.0),
                Ruling::vertical(200.0, 50.0, 110.0),
            ],
        );
        let m = marks(
            &PageView {
                layout: &l,
                grids: &[],
                tables: &[],
            },
            Scale(2.0),
            3,
            0.6,
        );
        assert_eq!(
            of(&m, Layer::Ruling),
            vec![px(200, 99, 800, 102), px(399, 100, 402, 220)]
        );
    }

    #[test]
    fn ocr_words_below_the_threshold_are_marked() {
        let ws = vec![
            word(Rect::new(0.0, 0.0, 10.0, 10.0), 0.95),
            word(Rect::new(20.0, 0.0, 30.0, 10.0), 0.3),
        ];
        let digital = layout(1, TextSource::Digital, ws.clone(), Vec::new());
        let m = marks(
            &PageView {
                layout: &digital,
                grids: &[],
                tables: &[],
            },
            Scale(1.0),
            1,
            0.6,
        );
        assert_eq!(
            of(&m, Layer::Word).len(),
            2,
            "a digital layer has no confidence to judge"
        );
        let ocr = layout(1, TextSource::Ocr, ws, Vec::new());
        let m = marks(
            &PageView {
                layout: &ocr,
                grids: &[],
                tables: &[],
            },
            Scale(1.0),
            1,
            0.6,
        );
        assert_eq!(of(&m, Layer::OcrWord), vec![px(0, 0, 10, 10)]);
        assert_eq!(of(&m, Layer::LowConfidenceWord), vec![px(20, 0, 30, 10)]);
        assert_eq!(
            layers_present(&m),
            vec![Layer::OcrWord, Layer::LowConfidenceWord]
        );
    }

    #[test]
    fn header_and_section_rows_of_the_first_page() {
        let g = grid();
        let section = Rect::new(100.0, 70.0, 400.0, 90.0);
        let t = table(
            vec![1],
            g.bbox,
            1,
            vec![
                row(1, RowKind::Section, section),
                row(1, RowKind::Data, Rect::new(100.0, 90.0, 400.0, 110.0)),
            ],
        );
        let b = row_boxes(1, &[g], &[t]);
        assert_eq!(
            b.header,
            vec![Rect::new(100.0, 50.0, 400.0, 70.0)],
            "the first grid row"
        );
        assert_eq!(b.section, vec![section]);
        assert_eq!(row_boxes(2, &[grid()], &[]), RowBoxes::default());
    }

    #[test]
    fn repeated_header_on_a_later_page() {
        let mut g2 = grid();
        g2.page = 2;
        let first = table(
            vec![1, 2],
            Rect::new(0.0, 0.0, 1.0, 1.0),
            1,
            vec![row(2, RowKind::Data, Rect::new(100.0, 70.0, 400.0, 90.0))],
        );
        let b = row_boxes(2, std::slice::from_ref(&g2), &[first]);
        assert_eq!(b.header, vec![Rect::new(100.0, 50.0, 400.0, 70.0)]);
        // The same, but a row cut by the page break continues in grid row 0: no header.
        let mut cut = row(1, RowKind::Data, Rect::new(0.0, 0.0, 1.0, 1.0));
        cut.pages = vec![1, 2];
        let t = table(
            vec![1, 2],
            Rect::new(0.0, 0.0, 1.0, 1.0),
            1,
            vec![
                cut,
                row(2, RowKind::Data, Rect::new(100.0, 70.0, 400.0, 90.0)),
            ],
        );
        assert_eq!(row_boxes(2, &[g2], &[t]).header, Vec::<Rect>::new());
    }

    #[test]
    fn legend_avoids_what_it_would_hide() {
        // Free page: bottom right.
        assert_eq!(legend_position(1000, 800, 200, 100, 5, &[]), (795, 695));
        // A table in the bottom half: top right.
        let table = px(0, 400, 1000, 800);
        assert_eq!(legend_position(1000, 800, 200, 100, 5, &[table]), (795, 5));
        // Words everywhere but the top-left corner.
        let obstacles = [px(300, 0, 1000, 800), px(0, 300, 300, 800)];
        assert_eq!(legend_position(1000, 800, 200, 100, 5, &obstacles), (5, 5));
        // A legend larger than the page stays on it.
        assert_eq!(legend_position(100, 50, 200, 100, 5, &[]), (0, 0));
    }
}
