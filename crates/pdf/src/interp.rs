//! The content-stream interpreter: graphics and text state, text showing with glyph boxes,
//! paths (stroked segments and filled rectangles, cut to the clipping path's bounding box),
//! images, Form XObjects and marked content with `/ActualText`. Everything is mapped into the page's displayed, top-left frame by the
//! initial CTM, so no other code converts coordinates.

use crate::content::{Direction, FilledRect, Glyph, ImagePlacement, PageContent, PathLine};
use crate::document::FontCache;
use crate::font::Font;
use crate::geom::{Point, Rect};
use crate::lexer::{Lexer, Operand};
use crate::objects::{
    as_dict, deref, get, get_dict, get_name, get_num, num_array, stream_bytes, text_string,
};
use lopdf::{Dictionary, Document as LoDoc, Object, ObjectId};
use std::sync::Arc;

/// Form XObjects nested deeper than this are not entered.
const MAX_FORM_DEPTH: usize = 12;
/// Output caps (a pathological page stays bounded in memory).
const MAX_GLYPHS: usize = 2_000_000;
const MAX_SHAPES: usize = 2_000_000;
/// Graphics state stack depth cap.
const MAX_STACK: usize = 1024;

/// An affine matrix `[a b c d e f]` (row-vector convention of the PDF spec).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Matrix {
    pub const IDENTITY: Matrix = Matrix {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    pub fn new(v: &[f64]) -> Option<Matrix> {
        match v {
            [a, b, c, d, e, f, ..] if v.iter().take(6).all(|x| x.is_finite()) => Some(Matrix {
                a: *a,
                b: *b,
                c: *c,
                d: *d,
                e: *e,
                f: *f,
            }),
            _ => None,
        }
    }

    /// `self × o`: apply `self` first, then `o`.
    pub fn then(&self, o: &Matrix) -> Matrix {
        Matrix {
            a: self.a * o.a + self.b * o.c,
            b: self.a * o.b + self.b * o.d,
            c: self.c * o.a + self.d * o.c,
            d: self.c * o.b + self.d * o.d,
            e: self.e * o.a + self.f * o.c + o.e,
            f: self.e * o.b + self.f * o.d + o.f,
        }
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (
            x * self.a + y * self.c + self.e,
            x * self.b + y * self.d + self.f,
        )
    }

    /// Translation by `(tx, ty)` in this matrix's input space.
    fn pre_translate(&mut self, tx: f64, ty: f64) {
        self.e += tx * self.a + ty * self.c;
        self.f += tx * self.b + ty * self.d;
    }

    fn scale(&self) -> f64 {
        (self.a * self.d - self.b * self.c).abs().sqrt()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    line_width: f64,
    fill_space: Space,
    fill_white: bool,
    font: Option<(Arc<Font>, u16)>,
    font_size: f64,
    char_space: f64,
    word_space: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
    render: i64,
    /// The bounding box of the clipping path (page space) once a clip was set (`W n`):
    /// what a stroke or fill paints outside it is not on the page.
    clip: Option<Rect>,
}

/// An open `/ActualText` span.
struct Span {
    text: String,
    first_glyph: usize,
    undecoded_before: usize,
    bbox: Option<Rect>,
    font: u16,
    size: f64,
    direction: Direction,
    all_invisible: bool,
}

struct Sub {
    pts: Vec<(f64, f64)>,
    /// `straight[i]`: the segment from `pts[i]` to `pts[i + 1]` is a line.
    straight: Vec<bool>,
    closed: bool,
}

/// Interprets one page.
pub struct Interp<'d> {
    doc: &'d LoDoc,
    fonts: &'d FontCache,
    out: PageContent,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<Sub>,
    clip_pending: bool,
    spans: Vec<Option<Span>>,
    /// Fonts met on this page: (resources dict address, name, font, index).
    page_fonts: Vec<(usize, Vec<u8>, Arc<Font>, u16)>,
    font_index: Vec<(usize, u16)>,
    forms: Vec<ObjectId>,
}

fn transform_rect(m: &Matrix, x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
    let p = [
        m.apply(x0, y0),
        m.apply(x1, y0),
        m.apply(x0, y1),
        m.apply(x1, y1),
    ];
    let (mut r0, mut r1) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut t0, mut t1) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in p {
        r0 = r0.min(x);
        r1 = r1.max(x);
        t0 = t0.min(y);
        t1 = t1.max(y);
    }
    Rect {
        x0: r0,
        top: t0,
        x1: r1,
        bottom: t1,
    }
}

fn direction_of(dx: f64, dy: f64) -> Direction {
    let (ax, ay) = (dx.abs(), dy.abs());
    if ay <= ax * 0.05 {
        if dx >= 0.0 {
            Direction::LeftToRight
        } else {
            Direction::RightToLeft
        }
    } else if ax <= ay * 0.05 {
        if dy > 0.0 {
            Direction::TopToBottom
        } else {
            Direction::BottomToTop
        }
    } else {
        Direction::Other
    }
}

fn nums<const N: usize>(ops: &[Operand<'_>]) -> Option<[f64; N]> {
    let tail = ops.get(ops.len().checked_sub(N)?..)?;
    let mut out = [0.0; N];
    for (o, v) in out.iter_mut().zip(tail) {
        *o = v.num().filter(|x| x.is_finite())?;
    }
    Some(out)
}

fn is_white(space: Space, v: &[f64]) -> bool {
    match (space, v) {
        (Space::Gray, [g, ..]) => *g >= 0.95,
        (Space::Rgb, [r, g, b, ..]) => *r >= 0.95 && *g >= 0.95 && *b >= 0.95,
        (Space::Cmyk, [c, m, y, k, ..]) => *c <= 0.05 && *m <= 0.05 && *y <= 0.05 && *k <= 0.05,
        _ => false,
    }
}

/// Full filter names for the abbreviations allowed in inline images.
fn filter_name(n: &[u8]) -> String {
    let full: &[u8] = match n {
        b"AHx" => b"ASCIIHexDecode",
        b"A85" => b"ASCII85Decode",
        b"LZW" => b"LZWDecode",
        b"Fl" => b"FlateDecode",
        b"RL" => b"RunLengthDecode",
        b"CCF" => b"CCITTFaxDecode",
        b"DCT" => b"DCTDecode",
        other => other,
    };
    String::from_utf8_lossy(full).into_owned()
}

/// The last filter of a stream dictionary's `/Filter` (name or array).
pub fn last_filter(doc: &LoDoc, dict: &Dictionary) -> String {
    match get(doc, dict, b"Filter") {
        Some(Object::Name(n)) => filter_name(n),
        Some(Object::Array(a)) => a
            .iter()
            .rev()
            .find_map(|o| match deref(doc, o) {
                Some(Object::Name(n)) => Some(filter_name(n)),
                _ => None,
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

impl<'d> Interp<'d> {
    pub fn new(
        doc: &'d LoDoc,
        fonts: &'d FontCache,
        out: PageContent,
        page_matrix: Matrix,
    ) -> Interp<'d> {
        let gs = GState {
            ctm: page_matrix,
            line_width: 1.0,
            fill_space: Space::Gray,
            fill_white: false,
            font: None,
            font_size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render: 0,
            clip: None,
        };
        Interp {
            doc,
            fonts,
            out,
            gs,
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Vec::new(),
            clip_pending: false,
            spans: Vec::new(),
            page_fonts: Vec::new(),
            font_index: Vec::new(),
            forms: Vec::new(),
        }
    }

    /// Finishes the page: closes dangling `/ActualText` spans.
    pub fn finish(mut self) -> PageContent {
        while let Some(span) = self.spans.pop() {
            if let Some(span) = span {
                self.close_span(span);
            }
        }
        self.out
    }

    /// Runs a content stream with its resources.
    pub fn run(&mut self, data: &[u8], resources: Option<&'d Dictionary>) {
        let mut lx = Lexer::new(data);
        let mut ops: Vec<Operand<'_>> = Vec::with_capacity(16);
        while let Some(op) = lx.next_op(&mut ops) {
            self.op(op, &ops, resources);
        }
    }

    fn op(&mut self, op: &[u8], ops: &[Operand<'_>], res: Option<&'d Dictionary>) {
        match op {
            // Graphics state.
            b"q" if self.stack.len() < MAX_STACK => self.stack.push(self.gs.clone()),
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = nums::<6>(ops).and_then(|v| Matrix::new(&v)) {
                    self.gs.ctm = m.then(&self.gs.ctm);
                }
            }
            b"w" => {
                if let Some([w]) = nums::<1>(ops) {
                    self.gs.line_width = w.abs();
                }
            }
            b"gs" => self.ext_gstate(ops, res),
            // Colour (non-stroking only matters: fills).
            b"g" => self.set_fill(Space::Gray, ops),
            b"rg" => self.set_fill(Space::Rgb, ops),
            b"k" => self.set_fill(Space::Cmyk, ops),
            b"cs" => {
                let space = ops
                    .last()
                    .and_then(Operand::name)
                    .map_or(Space::Other, |n| self.color_space(n, res));
                self.gs.fill_space = space;
                self.gs.fill_white = false;
            }
            b"sc" | b"scn" => {
                let v: Vec<f64> = ops.iter().filter_map(Operand::num).collect();
                self.gs.fill_white = is_white(self.gs.fill_space, &v);
            }
            // Paths.
            b"m" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = self.gs.ctm.apply(x, y);
                    self.path.push(Sub {
                        pts: vec![p],
                        straight: Vec::new(),
                        closed: false,
                    });
                }
            }
            b"l" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    self.line_to(x, y, true);
                }
            }
            b"c" => {
                if let Some([_, _, _, _, x, y]) = nums::<6>(ops) {
                    self.line_to(x, y, false);
                }
            }
            b"v" | b"y" => {
                if let Some([_, _, x, y]) = nums::<4>(ops) {
                    self.line_to(x, y, false);
                }
            }
            b"h" => {
                if let Some(s) = self.path.last_mut() {
                    s.closed = true;
                }
            }
            b"re" => {
                if let Some([x, y, w, h]) = nums::<4>(ops) {
                    let m = self.gs.ctm;
                    let pts = vec![
                        m.apply(x, y),
                        m.apply(x + w, y),
                        m.apply(x + w, y + h),
                        m.apply(x, y + h),
                    ];
                    self.path.push(Sub {
                        pts,
                        straight: vec![true; 3],
                        closed: true,
                    });
                }
            }
            b"S" => self.paint(true, false),
            b"s" => {
                if let Some(s) = self.path.last_mut() {
                    s.closed = true;
                }
                self.paint(true, false)
            }
            b"f" | b"F" | b"f*" => self.paint(false, true),
            b"B" | b"B*" => self.paint(true, true),
            b"b" | b"b*" => {
                if let Some(s) = self.path.last_mut() {
                    s.closed = true;
                }
                self.paint(true, true)
            }
            b"n" => self.paint(false, false),
            b"W" | b"W*" => self.clip_pending = true,
            // Text objects and state.
            b"BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            b"ET" => {}
            b"Tf" => {
                if let (Some(name), Some([size])) = (
                    ops.len()
                        .checked_sub(2)
                        .and_then(|i| ops.get(i))
                        .and_then(Operand::name),
                    nums::<1>(ops),
                ) {
                    self.gs.font = Some(self.font(name, res));
                    self.gs.font_size = size;
                }
            }
            b"Tc" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.char_space = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.word_space = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.hscale = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.leading = v;
                }
            }
            b"Ts" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.rise = v;
                }
            }
            b"Tr" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.render = v as i64;
                }
            }
            b"Td" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    self.next_line(x, y);
                }
            }
            b"TD" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    self.gs.leading = -y;
                    self.next_line(x, y);
                }
            }
            b"Tm" => {
                if let Some(m) = nums::<6>(ops).and_then(|v| Matrix::new(&v)) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(s) = ops.last().and_then(Operand::string) {
                    self.show(s);
                }
            }
            b"'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = ops.last().and_then(Operand::string) {
                    self.show(s);
                }
            }
            b"\"" => {
                if let (Some([aw, ac]), Some(s)) = (
                    ops.len()
                        .checked_sub(1)
                        .and_then(|n| nums::<2>(ops.get(..n)?)),
                    ops.last().and_then(Operand::string),
                ) {
                    self.gs.word_space = aw;
                    self.gs.char_space = ac;
                    self.next_line(0.0, -self.gs.leading);
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = ops.last() {
                    for item in items {
                        match item {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(n) => self.adjust(*n),
                            _ => {}
                        }
                    }
                }
            }
            // XObjects and images.
            b"Do" => {
                if let Some(name) = ops.last().and_then(Operand::name) {
                    self.xobject(name, res);
                }
            }
            b"BI" => {
                if let Some(dict) = ops.last() {
                    self.inline_image(dict);
                }
            }
            // Marked content.
            b"BMC" => self.spans.push(None),
            b"BDC" => {
                let span = self.actual_text(ops.last(), res);
                self.spans.push(span);
            }
            b"EMC" => {
                if let Some(Some(span)) = self.spans.pop() {
                    self.close_span(span);
                }
            }
            _ => {}
        }
    }

    fn set_fill(&mut self, space: Space, ops: &[Operand<'_>]) {
        let v: Vec<f64> = ops.iter().filter_map(Operand::num).collect();
        self.gs.fill_space = space;
        self.gs.fill_white = is_white(space, &v);
    }

    fn color_space(&self, name: &[u8], res: Option<&'d Dictionary>) -> Space {
        match name {
            b"DeviceGray" | b"G" | b"CalGray" => return Space::Gray,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => return Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Space::Cmyk,
            _ => {}
        }
        let doc = self.doc;
        let Some(cs) = res
            .and_then(|r| get_dict(doc, r, b"ColorSpace"))
            .and_then(|d| get(doc, d, name))
        else {
            return Space::Other;
        };
        match cs {
            Object::Name(n) if n.as_slice() != name => match n.as_slice() {
                b"DeviceGray" | b"CalGray" => Space::Gray,
                b"DeviceRGB" | b"CalRGB" => Space::Rgb,
                b"DeviceCMYK" => Space::Cmyk,
                _ => Space::Other,
            },
            Object::Array(a) => {
                let family = a.first().and_then(|o| deref(doc, o));
                match family {
                    Some(Object::Name(n)) if n.as_slice() == b"ICCBased" => {
                        let n = a
                            .get(1)
                            .and_then(|o| deref(doc, o))
                            .and_then(as_dict)
                            .and_then(|d| get_num(doc, d, b"N"));
                        match n {
                            Some(1.0) => Space::Gray,
                            Some(3.0) => Space::Rgb,
                            Some(4.0) => Space::Cmyk,
                            _ => Space::Other,
                        }
                    }
                    Some(Object::Name(n)) if n.as_slice() == b"CalRGB" => Space::Rgb,
                    Some(Object::Name(n)) if n.as_slice() == b"CalGray" => Space::Gray,
                    _ => Space::Other,
                }
            }
            _ => Space::Other,
        }
    }

    fn ext_gstate(&mut self, ops: &[Operand<'_>], res: Option<&'d Dictionary>) {
        let doc = self.doc;
        let Some(name) = ops.last().and_then(Operand::name) else {
            return;
        };
        let Some(gs) = res
            .and_then(|r| get_dict(doc, r, b"ExtGState"))
            .and_then(|d| get_dict(doc, d, name))
        else {
            return;
        };
        if let Some(lw) = get_num(doc, gs, b"LW") {
            self.gs.line_width = lw.abs();
        }
        if let Some(Object::Array(a)) = get(doc, gs, b"Font") {
            if let (Some(Object::Reference(id)), Some(size)) = (
                a.first(),
                a.get(1).and_then(|o| crate::objects::num(doc, o)),
            ) {
                if let Some(d) = doc.objects.get(id).and_then(as_dict) {
                    let f = self.fonts.get(doc, Some(*id), d);
                    let idx = self.font_idx(&f);
                    self.gs.font = Some((f, idx));
                    self.gs.font_size = size;
                }
            }
        }
    }

    fn line_to(&mut self, x: f64, y: f64, straight: bool) {
        let p = self.gs.ctm.apply(x, y);
        match self.path.last_mut() {
            Some(s) if !s.closed => {
                s.pts.push(p);
                s.straight.push(straight);
            }
            Some(s) => {
                // After h the current point is the subpath's start.
                let start = s.pts.first().copied().unwrap_or(p);
                self.path.push(Sub {
                    pts: vec![start, p],
                    straight: vec![straight],
                    closed: false,
                });
            }
            None => self.path.push(Sub {
                pts: vec![p],
                straight: Vec::new(),
                closed: false,
            }),
        }
    }

    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        let clips = std::mem::take(&mut self.clip_pending);
        if stroke && self.out.lines.len() < MAX_SHAPES {
            let width = self.gs.line_width * self.gs.ctm.scale();
            for s in &path {
                for (i, straight) in s.straight.iter().enumerate() {
                    if let (true, Some(a), Some(b)) = (*straight, s.pts.get(i), s.pts.get(i + 1)) {
                        self.push_line(*a, *b, width);
                    }
                }
                if s.closed && s.pts.len() > 2 {
                    if let (Some(a), Some(b)) = (s.pts.last(), s.pts.first()) {
                        if a != b {
                            self.push_line(*a, *b, width);
                        }
                    }
                }
            }
        }
        if fill && self.out.fills.len() < MAX_SHAPES {
            for s in &path {
                let Some(rect) = axis_rect(s) else {
                    continue;
                };
                let rect = match self.gs.clip {
                    Some(c) => match intersection(&rect, &c) {
                        Some(r) => r,
                        None => continue,
                    },
                    None => rect,
                };
                self.out.fills.push(FilledRect {
                    rect,
                    white: self.gs.fill_white,
                });
            }
        }
        // The path painted, it narrows the clip (`W n`): its bounding box, which is the
        // clip itself for the rectangles PDF writers clip cells with.
        if clips {
            if let Some(b) = path_bbox(&path) {
                self.gs.clip = Some(match self.gs.clip {
                    // Nothing in common: nothing shows; an empty box at the corner.
                    Some(c) => intersection(&c, &b).unwrap_or(Rect {
                        x0: b.x0,
                        top: b.top,
                        x1: b.x0,
                        bottom: b.top,
                    }),
                    None => b,
                });
            }
        }
    }

    /// A stroked segment, cut to the clip (a spreadsheet writer draws each cell's border
    /// long and clips it to the cell: only the clipped part is on the page).
    fn push_line(&mut self, a: (f64, f64), b: (f64, f64), width: f64) {
        let (a, b) = match self.gs.clip {
            // Half the stroke's width lies outside its centre line: a border on the clip's
            // edge is still painted.
            Some(c) => match clip_segment(a, b, &c.expand(width / 2.0)) {
                Some(ab) => ab,
                None => return,
            },
            None => (a, b),
        };
        self.out.lines.push(PathLine {
            a: Point { x: a.0, y: a.1 },
            b: Point { x: b.0, y: b.1 },
            width,
        });
    }

    fn next_line(&mut self, x: f64, y: f64) {
        self.tlm.pre_translate(x, y);
        self.tm = self.tlm;
    }

    fn adjust(&mut self, n: f64) {
        let vertical = self.gs.font.as_ref().is_some_and(|(f, _)| f.vertical);
        if vertical {
            self.tm.pre_translate(0.0, -n / 1000.0 * self.gs.font_size);
        } else {
            self.tm
                .pre_translate(-n / 1000.0 * self.gs.font_size * self.gs.hscale, 0.0);
        }
    }

    fn font_idx(&mut self, font: &Arc<Font>) -> u16 {
        let key = Arc::as_ptr(font) as usize;
        if let Some((_, i)) = self.font_index.iter().find(|(k, _)| *k == key) {
            return *i;
        }
        let i = u16::try_from(self.out.fonts.len()).unwrap_or(u16::MAX);
        self.out.fonts.push(font.info.clone());
        if let Some(w) = &font.warning {
            self.out.warnings.push(w.clone());
        }
        self.font_index.push((key, i));
        i
    }

    fn font(&mut self, name: &[u8], res: Option<&'d Dictionary>) -> (Arc<Font>, u16) {
        let res_key = res.map_or(0, |r| r as *const Dictionary as usize);
        if let Some((_, _, f, i)) = self
            .page_fonts
            .iter()
            .find(|(k, n, _, _)| *k == res_key && n.as_slice() == name)
        {
            return (f.clone(), *i);
        }
        let doc = self.doc;
        let entry = res
            .and_then(|r| get_dict(doc, r, b"Font"))
            .and_then(|d| d.get(name).ok());
        let font = match entry {
            Some(Object::Reference(id)) => match doc
                .objects
                .get(id)
                .and_then(|o| deref(doc, o))
                .and_then(as_dict)
            {
                Some(d) => self.fonts.get(doc, Some(*id), d),
                None => Arc::new(Font::missing(&String::from_utf8_lossy(name))),
            },
            Some(Object::Dictionary(d)) => self.fonts.get(doc, None, d),
            _ => Arc::new(Font::missing(&String::from_utf8_lossy(name))),
        };
        let idx = self.font_idx(&font);
        self.page_fonts
            .push((res_key, name.to_vec(), font.clone(), idx));
        (font, idx)
    }

    /// Shows a string: one glyph per code, advancing the text matrix.
    fn show(&mut self, bytes: &[u8]) {
        let Some((font, font_idx)) = self.gs.font.clone() else {
            // No font: nothing can be decoded; count the bytes as undecoded when visible.
            if self.gs.render != 3 && self.gs.render != 7 {
                self.out.undecoded_glyphs += bytes.len();
            }
            return;
        };
        let gs = &self.gs;
        let (tfs, th, tc, tw, rise) = (
            gs.font_size,
            gs.hscale,
            gs.char_space,
            gs.word_space,
            gs.rise,
        );
        let invisible = gs.render == 3 || gs.render == 7;
        let ctm = gs.ctm;
        let vertical = font.vertical;
        let (asc, desc) = (font.ascent, font.descent);
        let mut glyphs = std::mem::take(&mut self.out.glyphs);
        let mut undecoded = 0usize;
        let mut tm = self.tm;
        let spans_open = self.spans.iter().any(Option::is_some);
        let mut span_boxes: Vec<(Rect, bool)> = Vec::new();
        font.each_code(bytes, |code, text| {
            let m = tm.then(&ctm);
            let w0 = code.width;
            // Glyph box in text space (before Tm), scaled by the font size.
            let (x0, x1, y0, y1) = if vertical {
                (-w0 / 2.0 * tfs, w0 / 2.0 * tfs, -tfs, 0.0)
            } else {
                (0.0, w0 * tfs * th, desc * tfs + rise, asc * tfs + rise)
            };
            let bbox = transform_rect(&m, x0, y0, x1, y1);
            let single_space = code.bytes == b" ";
            let (adv_x, adv_y) = if vertical {
                (0.0, -tfs + tc + if single_space { tw } else { 0.0 })
            } else {
                (
                    (w0 * tfs + tc + if single_space { tw } else { 0.0 }) * th,
                    0.0,
                )
            };
            if text.is_none() {
                if !invisible {
                    undecoded += 1;
                }
            } else if glyphs.len() < MAX_GLYPHS {
                let mut s = String::new();
                text.push_to(&mut s);
                let (dx, dy) = if vertical { (-m.c, -m.d) } else { (m.a, m.b) };
                let size = (tfs * (m.c * m.c + m.d * m.d).sqrt()).abs();
                glyphs.push(Glyph {
                    text: s,
                    bbox,
                    size,
                    font: font_idx,
                    direction: direction_of(dx, dy),
                    invisible,
                });
            }
            if spans_open {
                span_boxes.push((bbox, invisible));
            }
            tm.pre_translate(adv_x, adv_y);
        });
        self.tm = tm;
        self.out.glyphs = glyphs;
        self.out.undecoded_glyphs += undecoded;
        if spans_open && !span_boxes.is_empty() {
            let m = self.tm.then(&ctm);
            let (dx, dy) = if vertical { (-m.c, -m.d) } else { (m.a, m.b) };
            let size = (tfs * (m.c * m.c + m.d * m.d).sqrt()).abs();
            for span in self.spans.iter_mut().flatten() {
                for (b, inv) in &span_boxes {
                    if span.bbox.is_none() {
                        span.font = font_idx;
                        span.size = size;
                        span.direction = direction_of(dx, dy);
                    }
                    span.bbox = Some(span.bbox.map_or(*b, |s| s.union(b)));
                    span.all_invisible &= *inv;
                }
            }
        }
    }

    fn actual_text(
        &self,
        props: Option<&Operand<'_>>,
        res: Option<&'d Dictionary>,
    ) -> Option<Span> {
        let text = match props? {
            d @ Operand::Dict(_) => match d.get(b"ActualText")? {
                Operand::Str(s) => text_string(s),
                _ => return None,
            },
            Operand::Name(n) => {
                let doc = self.doc;
                let d = res
                    .and_then(|r| get_dict(doc, r, b"Properties"))
                    .and_then(|p| get_dict(doc, p, n))?;
                match get(doc, d, b"ActualText")? {
                    Object::String(s, _) => text_string(s),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(Span {
            text,
            first_glyph: self.out.glyphs.len(),
            undecoded_before: self.out.undecoded_glyphs,
            bbox: None,
            font: 0,
            size: 0.0,
            direction: Direction::LeftToRight,
            all_invisible: true,
        })
    }

    /// Replaces the glyphs painted inside an `/ActualText` span by one glyph.
    fn close_span(&mut self, span: Span) {
        let Some(bbox) = span.bbox else { return };
        self.out.glyphs.truncate(span.first_glyph);
        self.out.undecoded_glyphs = span.undecoded_before.min(self.out.undecoded_glyphs);
        let text: String = span.text.chars().filter(|c| *c != '\u{feff}').collect();
        if text.is_empty() {
            return;
        }
        self.out.glyphs.push(Glyph {
            text,
            bbox,
            size: span.size,
            font: span.font,
            direction: span.direction,
            invisible: span.all_invisible,
        });
    }

    fn xobject(&mut self, name: &[u8], res: Option<&'d Dictionary>) {
        let doc = self.doc;
        let Some(xobjects) = res.and_then(|r| get_dict(doc, r, b"XObject")) else {
            return;
        };
        let id = match xobjects.get(name) {
            Ok(Object::Reference(id)) => Some(*id),
            _ => None,
        };
        let Some(Object::Stream(stream)) = get(doc, xobjects, name) else {
            return;
        };
        match get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                let bbox = transform_rect(&self.gs.ctm, 0.0, 0.0, 1.0, 1.0);
                let dim = |k: &[u8]| get_num(doc, &stream.dict, k).unwrap_or(0.0).max(0.0) as u32;
                self.out.images.push(ImagePlacement {
                    bbox,
                    width: dim(b"Width"),
                    height: dim(b"Height"),
                    filter: last_filter(doc, &stream.dict),
                    object: id,
                });
            }
            Some(b"Form") => {
                if self.forms.len() >= MAX_FORM_DEPTH || id.is_some_and(|i| self.forms.contains(&i))
                {
                    self.out.warnings.push(format!(
                        "form xobject {} not entered (nesting)",
                        String::from_utf8_lossy(name)
                    ));
                    return;
                }
                let data = match stream_bytes(stream) {
                    Ok(d) => d,
                    Err(e) => {
                        self.out.warnings.push(format!(
                            "form xobject {}: {e}",
                            String::from_utf8_lossy(name)
                        ));
                        return;
                    }
                };
                let saved = (self.gs.clone(), self.stack.len(), self.tm, self.tlm);
                if let Some(m) =
                    get(doc, &stream.dict, b"Matrix").and_then(|o| Matrix::new(&num_array(doc, o)))
                {
                    self.gs.ctm = m.then(&self.gs.ctm);
                }
                let form_res = get_dict(doc, &stream.dict, b"Resources").or(res);
                self.forms.push(id.unwrap_or((0, 0)));
                let path = std::mem::take(&mut self.path);
                self.run(&data, form_res);
                self.path = path;
                self.forms.pop();
                self.stack.truncate(saved.1);
                (self.gs, self.tm, self.tlm) = (saved.0, saved.2, saved.3);
            }
            _ => {}
        }
    }

    fn inline_image(&mut self, dict: &Operand<'_>) {
        let dim = |a: &[u8], b: &[u8]| {
            dict.get(a)
                .or_else(|| dict.get(b))
                .and_then(Operand::num)
                .unwrap_or(0.0)
                .max(0.0) as u32
        };
        let filter = match dict.get(b"F").or_else(|| dict.get(b"Filter")) {
            Some(Operand::Name(n)) => filter_name(n),
            Some(Operand::Array(a)) => a
                .iter()
                .rev()
                .find_map(Operand::name)
                .map(filter_name)
                .unwrap_or_default(),
            _ => String::new(),
        };
        let bbox = transform_rect(&self.gs.ctm, 0.0, 0.0, 1.0, 1.0);
        self.out.images.push(ImagePlacement {
            bbox,
            width: dim(b"W", b"Width"),
            height: dim(b"H", b"Height"),
            filter,
            object: None,
        });
    }
}

/// The bounding box of a path's points, `None` for an empty path.
fn path_bbox(path: &[Sub]) -> Option<Rect> {
    bounds(path.iter().flat_map(|s| s.pts.iter()))
}

/// The bounding box of points, `None` for none.
fn bounds<'p>(mut pts: impl Iterator<Item = &'p (f64, f64)>) -> Option<Rect> {
    let &(x, y) = pts.next()?;
    let (mut x0, mut y0, mut x1, mut y1) = (x, y, x, y);
    for &(x, y) in pts {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    Some(Rect {
        x0,
        top: y0,
        x1,
        bottom: y1,
    })
}

/// The common part of two boxes, `None` when they do not meet.
fn intersection(a: &Rect, b: &Rect) -> Option<Rect> {
    let r = Rect {
        x0: a.x0.max(b.x0),
        top: a.top.max(b.top),
        x1: a.x1.min(b.x1),
        bottom: a.bottom.min(b.bottom),
    };
    (r.x0 <= r.x1 && r.top <= r.bottom).then_some(r)
}

/// The part of the segment `a`–`b` inside `r` (Liang–Barsky), `None` when none is.
fn clip_segment(a: (f64, f64), b: (f64, f64), r: &Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.0 - r.x0),
        (dx, r.x1 - a.0),
        (-dy, a.1 - r.top),
        (dy, r.bottom - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then(|| {
        (
            (a.0 + t0 * dx, a.1 + t0 * dy),
            (a.0 + t1 * dx, a.1 + t1 * dy),
        )
    })
}

/// A subpath that is an axis-aligned rectangle (in device space), as a `Rect`.
fn axis_rect(s: &Sub) -> Option<Rect> {
    let mut pts: Vec<(f64, f64)> = s.pts.clone();
    if pts.len() == 5 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() != 4 || s.straight.iter().take(3).any(|st| !st) {
        return None;
    }
    let eps = 0.01;
    for i in 0..4 {
        let (a, b) = (pts.get(i)?, pts.get((i + 1) % 4)?);
        if (a.0 - b.0).abs() > eps && (a.1 - b.1).abs() > eps {
            return None;
        }
    }
    bounds(pts.iter())
}
