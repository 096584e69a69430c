//! Small, panic-free accessors over lopdf objects: dereferencing with a bound, numbers,
//! names, arrays, bounded stream decoding and PDF text strings.

use lopdf::{Dictionary, Document as LoDoc, Object, Stream};

/// The largest a single stream may decode to (a decompression bomb stops here).
pub const MAX_STREAM_BYTES: usize = 256 * 1024 * 1024;

/// How many references are followed in a chain before giving up (cycles).
const MAX_DEREF: usize = 16;

/// Follows references until a direct object (or `None` for a dangling or cyclic chain).
pub fn deref<'a>(doc: &'a LoDoc, mut obj: &'a Object) -> Option<&'a Object> {
    for _ in 0..MAX_DEREF {
        match obj {
            Object::Reference(id) => obj = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

/// `dict[key]`, dereferenced.
pub fn get<'a>(doc: &'a LoDoc, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, dict.get(key).ok()?)
}

/// `dict[key]` as a dictionary (a stream's dictionary counts).
pub fn get_dict<'a>(doc: &'a LoDoc, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    as_dict(get(doc, dict, key)?)
}

pub fn as_dict(obj: &Object) -> Option<&Dictionary> {
    match obj {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn as_num(obj: &Object) -> Option<f64> {
    match obj {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) if r.is_finite() => Some(f64::from(*r)),
        _ => None,
    }
}

pub fn num(doc: &LoDoc, obj: &Object) -> Option<f64> {
    as_num(deref(doc, obj)?)
}

pub fn get_num(doc: &LoDoc, dict: &Dictionary, key: &[u8]) -> Option<f64> {
    as_num(get(doc, dict, key)?)
}

pub fn get_name<'a>(doc: &'a LoDoc, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub fn get_array<'a>(doc: &'a LoDoc, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

pub fn get_stream<'a>(doc: &'a LoDoc, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Stream> {
    match get(doc, dict, key)? {
        Object::Stream(s) => Some(s),
        _ => None,
    }
}

/// An array of numbers (non-numbers dropped).
pub fn num_array(doc: &LoDoc, obj: &Object) -> Vec<f64> {
    match deref(doc, obj) {
        Some(Object::Array(a)) => a.iter().filter_map(|o| num(doc, o)).collect(),
        _ => Vec::new(),
    }
}

/// A rectangle `[x0 y0 x1 y1]` normalised to `(llx, lly, urx, ury)`.
pub fn rect(doc: &LoDoc, obj: &Object) -> Option<[f64; 4]> {
    let v = num_array(doc, obj);
    let [a, b, c, d, ..] = v.as_slice() else {
        return None;
    };
    let (a, b, c, d) = (*a, *b, *c, *d);
    let r = [a.min(c), b.min(d), a.max(c), b.max(d)];
    if r[2] - r[0] < 1.0 || r[3] - r[1] < 1.0 {
        return None;
    }
    Some(r)
}

/// The decoded bytes of a stream, bounded by [`MAX_STREAM_BYTES`].
pub fn stream_bytes(stream: &Stream) -> Result<Vec<u8>, String> {
    stream
        .get_plain_content_with_limit(MAX_STREAM_BYTES)
        .map_err(|e| e.to_string())
}

/// A PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding) as a String.
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                u16::from(c.first().copied().unwrap_or(0)) << 8
                    | u16::from(c.get(1).copied().unwrap_or(0))
            })
            .collect();
        return String::from_utf16_lossy(&units).replace('\u{0}', "");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().filter_map(|&b| pdfdoc_char(b)).collect()
}

/// PDFDocEncoding: Latin-1 except 0x18–0x1F and 0x80–0xA0.
pub fn pdfdoc_char(b: u8) -> Option<char> {
    const HIGH: [u16; 33] = [
        0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
        0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
        0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0, 0x20AC,
    ];
    const LOW: [u16; 8] = [
        0x02D8, 0x02C7, 0x02C6, 0x02D9, 0x02DD, 0x02DB, 0x02DA, 0x02DC,
    ];
    let cp = match b {
        0x18..=0x1f => LOW[usize::from(b - 0x18)],
        0x80..=0xa0 => HIGH[usize::from(b - 0x80)],
        0x00 => 0,
        _ => u16::from(b),
    };
    if cp == 0 {
        None
    } else {
        char::from_u32(u32::from(cp))
    }
}
