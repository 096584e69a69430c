//! Fonts: from a PDF font dictionary to, per code, its advance width and its Unicode text.
//! Simple fonts (Type1, TrueType, MMType1, Type3) get a 256-entry table built once; Type0
//! fonts split their strings by the encoding CMap and look codes up in ToUnicode, then the
//! predefined CMap, then Adobe-Japan1, then the embedded program. A code whose text cannot
//! be found yields no text (the caller counts it), never a guess.

pub mod cmap;
pub mod embedded;
pub mod glyphnames;
pub mod predefined;
#[rustfmt::skip]
#[allow(clippy::all)]
mod tables;

use crate::content::FontInfo;
use crate::objects::{
    as_dict, deref, get, get_array, get_dict, get_name, get_num, get_stream, num, num_array,
    stream_bytes,
};
use cmap::{CMap, CodeRange, Lookup};
use embedded::ProgramInfo;
use glyphnames::{core_font, core_width, unicode_of_name, BaseEncoding};
use lopdf::{Dictionary, Document as LoDoc, Object};
use predefined::{japan1_char, Predefined};

/// Text found for one code.
pub enum Text<'a> {
    None,
    Char(char),
    Str(&'a str),
    Owned(Box<str>),
}

impl Text<'_> {
    pub fn is_none(&self) -> bool {
        matches!(self, Text::None)
    }
    pub fn push_to(&self, s: &mut String) {
        match self {
            Text::None => {}
            Text::Char(c) => s.push(*c),
            Text::Str(t) => s.push_str(t),
            Text::Owned(t) => s.push_str(t),
        }
    }
}

#[derive(Default, Clone, Debug)]
struct SimpleGlyph {
    /// Advance in text space units per unit font size (1/1000 of the Widths entry, or the
    /// Type3 width through the FontMatrix).
    width: f32,
    text: Option<Box<str>>,
}

/// How a Type0 font's strings are split into codes.
#[derive(Debug)]
enum Split {
    Predefined(Predefined),
    Ranges(Vec<CodeRange>),
}

#[derive(Debug)]
struct Composite {
    split: Split,
    predefined: Option<Predefined>,
    /// Embedded encoding CMap (code → CID).
    encoding: Option<CMap>,
    to_unicode: Option<CMap>,
    /// The CIDFont's collection is Adobe-Japan1 (CIDs have a known meaning).
    japan1: bool,
    program: Option<ProgramInfo>,
    /// `None`: identity.
    cid_to_gid: Option<Vec<u16>>,
    /// `(first cid, last cid, width / 1000)`, sorted.
    widths: Vec<(u32, u32, f32)>,
    default_width: f32,
}

#[derive(Debug)]
enum Kind {
    Simple(Box<[SimpleGlyph]>),
    Composite(Box<Composite>),
}

/// A font ready for decoding strings.
#[derive(Debug)]
pub struct Font {
    pub info: FontInfo,
    /// Writing mode 1 (vertical).
    pub vertical: bool,
    /// Ascent and descent in text space units per unit font size (0.88 / −0.12 by default).
    pub ascent: f64,
    pub descent: f64,
    /// Problems met while reading the font (reported once per page as warnings).
    pub warning: Option<String>,
    kind: Kind,
}

/// One decoded code.
pub struct Code<'a> {
    pub bytes: &'a [u8],
    /// Horizontal advance per unit font size.
    pub width: f64,
}

const MAX_WIDTH_ENTRIES: usize = 1 << 20;

impl Font {
    /// A font that decodes nothing (a missing or unreadable font resource).
    pub fn missing(name: &str) -> Font {
        Font {
            info: FontInfo {
                name: name.to_string(),
                bold: false,
                italic: false,
            },
            vertical: false,
            ascent: 0.88,
            descent: -0.12,
            warning: Some(format!("font {name} missing or unreadable")),
            kind: Kind::Simple(
                vec![
                    SimpleGlyph {
                        width: 0.5,
                        text: None
                    };
                    256
                ]
                .into_boxed_slice(),
            ),
        }
    }

    /// Reads a font dictionary.
    pub fn load(doc: &LoDoc, dict: &Dictionary) -> Font {
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            load_type0(doc, dict)
        } else {
            load_simple(doc, dict, subtype == b"Type3")
        }
    }

    /// Calls `f` for each code of a shown string with its width and text.
    pub fn each_code<'b>(&self, bytes: &'b [u8], mut f: impl FnMut(Code<'b>, Text<'_>)) {
        match &self.kind {
            Kind::Simple(table) => {
                for (i, b) in bytes.iter().enumerate() {
                    let g = table.get(usize::from(*b));
                    let width = g.map_or(0.0, |g| f64::from(g.width));
                    let text = match g.and_then(|g| g.text.as_deref()) {
                        Some(t) => Text::Str(t),
                        None => Text::None,
                    };
                    f(
                        Code {
                            bytes: bytes.get(i..=i).unwrap_or(&[]),
                            width,
                        },
                        text,
                    );
                }
            }
            Kind::Composite(c) => {
                let mut pos = 0;
                while pos < bytes.len() {
                    let rest = bytes.get(pos..).unwrap_or(&[]);
                    let n = match &c.split {
                        Split::Predefined(p) => p.code_len(rest),
                        Split::Ranges(r) => cmap::split_code(r, rest),
                    };
                    let code_bytes = rest.get(..n).unwrap_or(rest);
                    pos += n.max(1);
                    let (width, text) = c.decode(code_bytes);
                    f(
                        Code {
                            bytes: code_bytes,
                            width,
                        },
                        text,
                    );
                }
            }
        }
    }
}

impl Composite {
    fn decode(&self, bytes: &[u8]) -> (f64, Text<'_>) {
        let code = bytes
            .iter()
            .take(4)
            .fold(0u32, |a, &b| a << 8 | u32::from(b));
        let mut text = match self.to_unicode.as_ref().and_then(|m| m.lookup(code)) {
            Some(Lookup::Str(s)) => Text::Str(s),
            Some(Lookup::Owned(s)) => Text::Owned(s),
            None => Text::None,
        };
        let mut pre_char = None;
        if let Some(p) = self.predefined {
            pre_char = p.char(bytes);
            if text.is_none() {
                if let Some(ch) = pre_char {
                    text = Text::Char(ch);
                }
            }
        }
        let cid = match (&self.encoding, self.predefined) {
            (Some(enc), _) => enc.cid(code),
            (None, Some(p)) => p.cid(bytes, pre_char),
            (None, None) => Some(code),
        };
        if text.is_none() {
            if let Some(cid) = cid {
                text = self.text_of_cid(cid);
            }
        }
        let width = match cid {
            Some(cid) => self.width(cid),
            None => f64::from(self.default_width),
        };
        (width, text)
    }

    fn text_of_cid(&self, cid: u32) -> Text<'_> {
        if self.japan1 {
            if let Some(c) = japan1_char(cid) {
                return Text::Char(c);
            }
        }
        let Some(program) = &self.program else {
            return Text::None;
        };
        let gid = if !program.cid_gid.is_empty() {
            program.cid_gid.get(&cid).copied()
        } else {
            match &self.cid_to_gid {
                None => u16::try_from(cid).ok(),
                Some(map) => usize::try_from(cid).ok().and_then(|i| map.get(i)).copied(),
            }
        };
        match gid.and_then(|g| program.gid_char.get(&g)) {
            Some(c) => Text::Char(*c),
            None => Text::None,
        }
    }

    fn width(&self, cid: u32) -> f64 {
        let idx = self.widths.partition_point(|w| w.0 <= cid);
        if let Some(w) = idx.checked_sub(1).and_then(|i| self.widths.get(i)) {
            if cid <= w.1 {
                return f64::from(w.2);
            }
        }
        f64::from(self.default_width)
    }
}

/// The BaseFont name without a subset prefix, decoded (UTF-8, else Shift_JIS).
fn font_name(doc: &LoDoc, dict: &Dictionary) -> String {
    let raw = get_name(doc, dict, b"BaseFont").unwrap_or(b"");
    let raw = match raw.get(6) {
        Some(b'+') if raw.iter().take(6).all(|b| b.is_ascii_uppercase()) => {
            raw.get(7..).unwrap_or(b"")
        }
        _ => raw,
    };
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// Style and metrics from the font descriptor (and the name).
fn describe(doc: &LoDoc, name: &str, descriptor: Option<&Dictionary>) -> (FontInfo, f64, f64, i64) {
    let lower = name.to_ascii_lowercase();
    let flags = descriptor
        .and_then(|d| get_num(doc, d, b"Flags"))
        .unwrap_or(0.0) as i64;
    let weight = descriptor
        .and_then(|d| get_num(doc, d, b"FontWeight"))
        .unwrap_or(0.0);
    let italic_angle = descriptor
        .and_then(|d| get_num(doc, d, b"ItalicAngle"))
        .unwrap_or(0.0);
    let bold = lower.contains("bold")
        || lower.contains("black")
        || lower.contains("heavy")
        || weight >= 600.0
        || flags & (1 << 18) != 0;
    let italic = lower.contains("italic")
        || lower.contains("oblique")
        || flags & (1 << 6) != 0
        || italic_angle != 0.0;
    let ascent = descriptor
        .and_then(|d| get_num(doc, d, b"Ascent"))
        .unwrap_or(0.0)
        / 1000.0;
    let descent = descriptor
        .and_then(|d| get_num(doc, d, b"Descent"))
        .unwrap_or(0.0)
        / 1000.0;
    let (ascent, descent) = sane_metrics(ascent, descent);
    (
        FontInfo {
            name: name.to_string(),
            bold,
            italic,
        },
        ascent,
        descent,
        flags,
    )
}

fn sane_metrics(ascent: f64, descent: f64) -> (f64, f64) {
    if (0.3..=1.5).contains(&ascent) && (-0.8..=0.0).contains(&descent) && ascent - descent >= 0.5 {
        (ascent, descent)
    } else {
        (0.88, -0.12)
    }
}

/// The embedded program of a font descriptor, read for glyph → Unicode facts.
fn read_program(doc: &LoDoc, descriptor: Option<&Dictionary>) -> Option<ProgramInfo> {
    let d = descriptor?;
    if let Some(s) = get_stream(doc, d, b"FontFile2") {
        return Some(embedded::read_sfnt(&stream_bytes(s).ok()?));
    }
    if let Some(s) = get_stream(doc, d, b"FontFile3") {
        let data = stream_bytes(s).ok()?;
        return Some(match get_name(doc, &s.dict, b"Subtype") {
            Some(b"OpenType") => embedded::read_sfnt(&data),
            _ => embedded::read_cff(&data),
        });
    }
    if let Some(s) = get_stream(doc, d, b"FontFile") {
        return Some(embedded::read_type1(&stream_bytes(s).ok()?));
    }
    None
}

fn load_to_unicode(doc: &LoDoc, dict: &Dictionary) -> Option<CMap> {
    let s = get_stream(doc, dict, b"ToUnicode")?;
    let data = stream_bytes(s).ok()?;
    let m = CMap::parse(&data);
    m.has_text_map().then_some(m)
}

fn load_simple(doc: &LoDoc, dict: &Dictionary, type3: bool) -> Font {
    let descriptor = get_dict(doc, dict, b"FontDescriptor");
    let mut name = font_name(doc, dict);
    if name.is_empty() {
        // Type3 fonts have no BaseFont; their descriptor may name the font they imitate.
        if let Some(d) = descriptor.filter(|d| d.has(b"FontName")) {
            let mut named = Dictionary::new();
            if let Ok(n) = d.get(b"FontName") {
                named.set("BaseFont", n.clone());
            }
            name = font_name(doc, &named);
        }
    }
    let (info, mut ascent, mut descent, flags) = describe(doc, &name, descriptor);
    let core =
        core_font(&name).filter(|_| descriptor.and_then(|d| d.get(b"FontFile").ok()).is_none());
    let to_unicode = load_to_unicode(doc, dict);

    // Type3: widths are in glyph space, scaled by the FontMatrix.
    let mut scale = 0.001;
    if type3 {
        let m = get(doc, dict, b"FontMatrix")
            .map(|o| num_array(doc, o))
            .unwrap_or_default();
        scale = m
            .first()
            .copied()
            .filter(|v| v.is_finite() && *v != 0.0)
            .unwrap_or(0.001)
            .abs();
        let yscale = m.get(3).copied().unwrap_or(0.001).abs();
        let bbox = get(doc, dict, b"FontBBox")
            .map(|o| num_array(doc, o))
            .unwrap_or_default();
        if let (Some(y0), Some(y1)) = (bbox.get(1), bbox.get(3)) {
            (ascent, descent) = sane_metrics(y1.max(*y0) * yscale, y0.min(*y1) * yscale);
        }
    }

    // Encoding: base + differences.
    let enc_obj = get(doc, dict, b"Encoding");
    let (mut base, mut differences): (Option<BaseEncoding>, Vec<(u8, Vec<u8>)>) =
        (None, Vec::new());
    match enc_obj {
        Some(Object::Name(n)) => base = BaseEncoding::from_name(n),
        Some(o) => {
            if let Some(ed) = as_dict(o) {
                base = get_name(doc, ed, b"BaseEncoding").and_then(BaseEncoding::from_name);
                differences = read_differences(doc, ed);
            }
        }
        None => {}
    }
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let program = if to_unicode.is_none() && !type3 {
        read_program(doc, descriptor)
    } else {
        None
    };
    // Skia/Chromium Type3 glyphs named `g<hex glyph id>` of the font its descriptor names.
    let sibling = if type3
        && to_unicode.is_none()
        && differences.iter().any(|(_, n)| skia_gid(n).is_some())
    {
        descriptor
            .and_then(|d| get_name(doc, d, b"FontName"))
            .and_then(|n| sibling_program(doc, n))
    } else {
        None
    };
    let is_truetype = descriptor.and_then(|d| d.get(b"FontFile2").ok()).is_some();
    let default_base = match core {
        Some("Symbol") => Some(BaseEncoding::Symbol),
        Some("ZapfDingbats") => Some(BaseEncoding::ZapfDingbats),
        _ if symbolic && program.is_some() => None,
        _ if is_symbol_name(&name) => None,
        _ if is_truetype => Some(BaseEncoding::WinAnsi),
        _ if type3 => None,
        _ => Some(BaseEncoding::Standard),
    };
    let base = base.or(default_base);

    let first = get_num(doc, dict, b"FirstChar").unwrap_or(0.0).max(0.0) as usize;
    let widths = get_array(doc, dict, b"Widths").unwrap_or(&[]);
    let missing = descriptor
        .and_then(|d| get_num(doc, d, b"MissingWidth"))
        .unwrap_or(0.0);

    let mut table = vec![SimpleGlyph::default(); 256];
    let diff_name = |code: u8| {
        differences
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.as_slice())
    };
    for (code, slot) in table.iter_mut().enumerate() {
        let c8 = code as u8;
        // Text.
        let mut text: Option<Box<str>> =
            match to_unicode.as_ref().and_then(|m| m.lookup(code as u32)) {
                Some(Lookup::Str(s)) => Some(s.into()),
                Some(Lookup::Owned(s)) => Some(s),
                None => None,
            };
        if text.is_none() {
            let ch = match diff_name(c8) {
                Some(n) => unicode_of_name(n).or_else(|| {
                    let gid = skia_gid(n)?;
                    sibling.as_ref()?.gid_char.get(&gid).copied()
                }),
                None => {
                    let from_program = program.as_ref().and_then(|p| {
                        if base.is_some() && !symbolic {
                            return None;
                        }
                        p.builtin.get(&c8).copied().or_else(|| {
                            p.code_gid.get(&c8).and_then(|g| p.gid_char.get(g)).copied()
                        })
                    });
                    from_program.or_else(|| base.and_then(|b| b.char(c8)))
                }
            };
            text = ch.map(|c| c.to_string().into_boxed_str());
        }
        // Width.
        let w = match code
            .checked_sub(first)
            .and_then(|i| widths.get(i))
            .and_then(|o| num(doc, o))
        {
            Some(w) => w * scale,
            None => {
                let key = match core {
                    Some("Symbol") | Some("ZapfDingbats") => Some(code as u32),
                    _ => text
                        .as_deref()
                        .and_then(|t| t.chars().next())
                        .map(|c| c as u32),
                };
                match core.zip(key).and_then(|(f, k)| core_width(f, k)) {
                    Some(w) => w / 1000.0,
                    None if widths.is_empty() && missing == 0.0 => 0.5,
                    None => missing * scale,
                }
            }
        };
        *slot = SimpleGlyph {
            width: w as f32,
            text,
        };
    }
    Font {
        info,
        vertical: false,
        ascent,
        descent,
        warning: None,
        kind: Kind::Simple(table.into_boxed_slice()),
    }
}

/// The glyph id in a Skia Type3 glyph name `g1A2` (hex).
fn skia_gid(name: &[u8]) -> Option<u16> {
    let hex = name.strip_prefix(b"g")?;
    if hex.is_empty() || hex.len() > 4 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// The glyph → Unicode facts of the embedded programs of other font descriptors naming the
/// same font (subset prefix aside): the font a Skia Type3 font was drawn from. Skia keeps the
/// original glyph ids in its subsets, so the subsets of one font share one glyph id space.
fn sibling_program(doc: &LoDoc, font_name: &[u8]) -> Option<ProgramInfo> {
    let strip = |n: &[u8]| -> Vec<u8> {
        match n.get(6) {
            Some(b'+') => n.get(7..).unwrap_or(&[]).to_vec(),
            _ => n.to_vec(),
        }
    };
    let wanted = strip(font_name);
    let mut merged: Option<ProgramInfo> = None;
    for o in doc.objects.values() {
        let Some(d) = as_dict(o) else { continue };
        if get_name(doc, d, b"Type") != Some(b"FontDescriptor") {
            continue;
        }
        if get_name(doc, d, b"FontName").map(strip).as_deref() != Some(wanted.as_slice()) {
            continue;
        }
        let Some(p) = read_program(doc, Some(d)) else {
            continue;
        };
        let m = merged.get_or_insert_with(ProgramInfo::default);
        for (g, c) in p.gid_char {
            m.gid_char.entry(g).or_insert(c);
        }
    }
    merged.filter(|m| !m.gid_char.is_empty())
}

/// Fonts whose codes are pictures, not letters: no base encoding is assumed for them.
fn is_symbol_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [
        "wingdings",
        "webdings",
        "marlett",
        "mt extra",
        "mtextra",
        "symbolmt",
    ]
    .iter()
    .any(|s| l.contains(s))
}

fn read_differences(doc: &LoDoc, enc: &Dictionary) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut code: i64 = 0;
    for o in get_array(doc, enc, b"Differences").unwrap_or(&[]) {
        match deref(doc, o) {
            Some(Object::Integer(i)) => code = *i,
            Some(Object::Real(r)) => code = *r as i64,
            Some(Object::Name(n)) => {
                if let Ok(c) = u8::try_from(code) {
                    out.push((c, n.clone()));
                }
                code += 1;
            }
            _ => {}
        }
    }
    out
}

fn load_type0(doc: &LoDoc, dict: &Dictionary) -> Font {
    let name = font_name(doc, dict);
    let cid_font = get_array(doc, dict, b"DescendantFonts")
        .and_then(|a| a.first())
        .and_then(|o| deref(doc, o))
        .and_then(as_dict);
    let empty = Dictionary::new();
    let cid_font = cid_font.unwrap_or(&empty);
    let descriptor = get_dict(doc, cid_font, b"FontDescriptor");
    let (info, ascent, descent, _flags) = describe(doc, &name, descriptor);
    let mut warning = None;

    // Encoding: a predefined name or an embedded CMap stream.
    let (mut predefined, mut encoding, mut vertical) = (None, None, false);
    match get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => match Predefined::from_name(n) {
            Some((p, v)) => (predefined, vertical) = (Some(p), v),
            None => {
                warning = Some(format!(
                    "font {name}: unsupported cmap {}",
                    String::from_utf8_lossy(n)
                ));
                predefined = Some(Predefined::Identity);
            }
        },
        Some(Object::Stream(s)) => {
            if let Ok(data) = stream_bytes(s) {
                let m = CMap::parse(&data);
                vertical = m.vertical || get_num(doc, &s.dict, b"WMode") == Some(1.0);
                if let Some((p, v)) = m.use_cmap.as_deref().and_then(Predefined::from_name) {
                    predefined = Some(p);
                    vertical |= v;
                }
                encoding = Some(m);
            }
        }
        _ => predefined = Some(Predefined::Identity),
    }
    let split = match (&encoding, predefined) {
        (Some(m), _) if !m.codespace.is_empty() => Split::Ranges(m.codespace.clone()),
        (_, Some(p)) => Split::Predefined(p),
        _ => Split::Predefined(Predefined::Identity),
    };
    // An embedded CMap without cid mappings that only uses a predefined one acts as it.
    if encoding.as_ref().is_some_and(|m| !m.has_cids()) {
        encoding = None;
        predefined = predefined.or(Some(Predefined::Identity));
    }

    let to_unicode = load_to_unicode(doc, dict);
    let ordering =
        get_dict(doc, cid_font, b"CIDSystemInfo").and_then(|si| get(doc, si, b"Ordering"));
    let japan1 = matches!(ordering, Some(Object::String(s, _)) if s.as_slice() == b"Japan1");
    let program = if to_unicode.is_none() || !japan1 {
        read_program(doc, descriptor)
    } else {
        None
    };
    let cid_to_gid = match get(doc, cid_font, b"CIDToGIDMap") {
        Some(Object::Stream(s)) => stream_bytes(s).ok().map(|b| {
            b.chunks(2)
                .map(|c| {
                    u16::from(c.first().copied().unwrap_or(0)) << 8
                        | u16::from(c.get(1).copied().unwrap_or(0))
                })
                .collect()
        }),
        _ => None,
    };
    let default_width = get_num(doc, cid_font, b"DW").unwrap_or(1000.0) / 1000.0;
    let widths = read_cid_widths(doc, cid_font);

    Font {
        info,
        vertical,
        ascent,
        descent,
        warning,
        kind: Kind::Composite(Box::new(Composite {
            split,
            predefined,
            encoding,
            to_unicode,
            japan1,
            program,
            cid_to_gid,
            widths,
            default_width: default_width as f32,
        })),
    }
}

/// `/W`: `c [w1 w2 …]` and `c_first c_last w` entries, as sorted ranges.
fn read_cid_widths(doc: &LoDoc, cid_font: &Dictionary) -> Vec<(u32, u32, f32)> {
    let mut out = Vec::new();
    let items = get_array(doc, cid_font, b"W").unwrap_or(&[]);
    let mut i = 0;
    while i < items.len() && out.len() < MAX_WIDTH_ENTRIES {
        let Some(first) = items.get(i).and_then(|o| num(doc, o)) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match items.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, w) in ws.iter().enumerate() {
                    if let Some(w) = num(doc, w) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, (w / 1000.0) as f32));
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(doc, o).unwrap_or(0.0).max(0.0) as u32;
                if let Some(w) = items.get(i + 2).and_then(|o| num(doc, o)) {
                    if last >= first {
                        out.push((first, last, (w / 1000.0) as f32));
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|w| w.0);
    out
}
