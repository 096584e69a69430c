//! A loaded PDF: lopdf's object graph (decrypted), its page list, a per-document font cache,
//! and page interpretation into [`PageContent`] guarded against panics.

use crate::content::PageContent;
use crate::error::{panic_message, Error};
use crate::font::Font;
use crate::fxhash::FxMap;
use crate::interp::{last_filter, Interp, Matrix};
use crate::objects::{as_dict, get, get_dict, get_name, get_num, rect, stream_bytes, text_string};
use lopdf::{Dictionary, Document as LoDoc, LoadOptions, Object, ObjectId};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLock};

/// Fonts parsed once per document, by object id (shared by the pages, read in parallel).
#[derive(Default)]
pub struct FontCache {
    by_id: RwLock<FxMap<ObjectId, Arc<Font>>>,
}

impl FontCache {
    /// The font of a dictionary, parsed on first use when it has an object id.
    pub fn get(&self, doc: &LoDoc, id: Option<ObjectId>, dict: &Dictionary) -> Arc<Font> {
        let Some(id) = id else {
            return Arc::new(Font::load(doc, dict));
        };
        if let Some(f) = self.by_id.read().ok().and_then(|m| m.get(&id).cloned()) {
            return f;
        }
        let font = Arc::new(Font::load(doc, dict));
        match self.by_id.write() {
            Ok(mut m) => m.entry(id).or_insert(font).clone(),
            Err(_) => font,
        }
    }
}

/// An image XObject's stream as stored (for OCR): raw bytes and what is needed to decode them.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageStream {
    /// The stream bytes, still encoded.
    pub data: Vec<u8>,
    /// The last filter (`DCTDecode`, `FlateDecode`, …), empty when unfiltered.
    pub filter: String,
    /// All filters in order.
    pub filters: Vec<String>,
    pub width: u32,
    pub height: u32,
    pub bits_per_component: u32,
    /// `DeviceGray`, `DeviceRGB`, `DeviceCMYK`, `ICCBased`, `Indexed`, … or empty.
    pub color_space: String,
    /// Components per pixel when known (ICCBased /N, device spaces), else 0.
    pub components: u32,
    /// `/DecodeParms /Predictor` of the FlateDecode filter (1: none; 2: TIFF; 10–15: PNG).
    pub predictor: u32,
    /// `/Decode` is absent or the identity (`[0 1]` per component): samples are levels as
    /// written. False for an inverted (`[1 0]`) or otherwise remapped image.
    pub decode_identity: bool,
}

/// A PDF document ready for page interpretation. `Send + Sync`: pages may be read in parallel.
pub struct Document {
    doc: LoDoc,
    pages: Vec<ObjectId>,
    fonts: FontCache,
    warnings: Vec<String>,
}

/// The pages in order, each object once (a page tree with a loop, or a kid listed twice,
/// gives lopdf the same page more than once), and the objects that were repeated.
fn unique_pages(pages: Vec<ObjectId>) -> (Vec<ObjectId>, Vec<ObjectId>) {
    let mut seen = std::collections::HashSet::new();
    let mut repeated = Vec::new();
    let unique = pages
        .into_iter()
        .filter(|id| {
            let first = seen.insert(*id);
            if !first && !repeated.contains(id) {
                repeated.push(*id);
            }
            first
        })
        .collect();
    (unique, repeated)
}

/// Parent chains longer than this are cut (cycles in the page tree).
const MAX_INHERIT: usize = 64;

impl Document {
    /// Parses a PDF. The empty user password is tried automatically; `password` is tried too.
    pub fn load(bytes: &[u8], password: Option<&str>) -> Result<Document, Error> {
        let opts = LoadOptions {
            password: password.map(str::to_string),
            ..LoadOptions::default()
        };
        let loaded = catch_unwind(AssertUnwindSafe(|| {
            LoDoc::load_mem_with_options(bytes, opts)
        }))
        .map_err(|p| Error::Panic {
            page: 0,
            message: panic_message(p.as_ref()),
        })?;
        let doc = match loaded {
            Ok(d) => d,
            Err(lopdf::Error::InvalidPassword) => return Err(Error::Encrypted),
            Err(e) => {
                let detail = e.to_string();
                if detail.to_ascii_lowercase().contains("password")
                    || detail.to_ascii_lowercase().contains("decrypt")
                {
                    return Err(Error::Encrypted);
                }
                return Err(Error::Malformed { detail });
            }
        };
        if doc.is_encrypted() {
            return Err(Error::Encrypted);
        }
        let pages = catch_unwind(AssertUnwindSafe(|| {
            doc.get_pages().into_values().collect::<Vec<_>>()
        }))
        .map_err(|p| Error::Panic {
            page: 0,
            message: panic_message(p.as_ref()),
        })?;
        if pages.is_empty() {
            return Err(Error::Malformed {
                detail: "no pages".to_string(),
            });
        }
        let (pages, repeated) = unique_pages(pages);
        let warnings = repeated
            .iter()
            .map(|(id, gen)| {
                format!(
                    "page tree: page object {id} {gen} is listed again (a /Kids loop or a repeated kid); read once"
                )
            })
            .collect();
        Ok(Document {
            doc,
            pages,
            fonts: FontCache::default(),
            warnings,
        })
    }

    /// What is wrong with the document as a whole but did not stop it being read (a page
    /// tree that lists a page twice).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The document's `/Title` from its Info dictionary, if any and non-empty.
    pub fn info_title(&self) -> Option<String> {
        let info = get_dict(&self.doc, &self.doc.trailer, b"Info")?;
        match get(&self.doc, info, b"Title")? {
            Object::String(s, _) => {
                Some(text_string(s).trim().to_string()).filter(|t| !t.is_empty())
            }
            _ => None,
        }
    }

    /// Interprets page `number` (1-based).
    pub fn page(&self, number: usize) -> Result<PageContent, Error> {
        let count = self.pages.len();
        let id = number
            .checked_sub(1)
            .and_then(|i| self.pages.get(i))
            .copied()
            .ok_or(Error::PageNotFound {
                page: number,
                count,
            })?;
        catch_unwind(AssertUnwindSafe(|| self.read_page(number, id))).map_err(|p| Error::Panic {
            page: number,
            message: panic_message(p.as_ref()),
        })?
    }

    fn read_page(&self, number: usize, id: ObjectId) -> Result<PageContent, Error> {
        let doc = &self.doc;
        let page = match doc.objects.get(&id) {
            Some(o) => as_dict(o).ok_or_else(|| Error::Malformed {
                detail: format!(
                    "page {number}: object {} {} is a {}, not a page dictionary",
                    id.0,
                    id.1,
                    o.enum_variant().to_lowercase()
                ),
            })?,
            // lopdf drops an object it cannot parse: nested too deeply, a number out of
            // range, a stream that contains itself.
            None => {
                return Err(Error::Malformed {
                    detail: format!(
                        "page {number}: its dictionary (object {} {}) is missing or could not be parsed (too deeply nested, a number out of range, or a broken object stream)",
                        id.0, id.1
                    ),
                })
            }
        };
        let media = self
            .inherited(page, b"MediaBox")
            .and_then(|o| rect(doc, o))
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let crop = self
            .inherited(page, b"CropBox")
            .and_then(|o| rect(doc, o))
            .unwrap_or(media);
        // The visible area is the CropBox clipped to the MediaBox (when they overlap).
        let bx = intersect(crop, media).unwrap_or(crop);
        let raw_rotate = self
            .inherited(page, b"Rotate")
            .and_then(|o| crate::objects::num(doc, o))
            .filter(|r| r.is_finite());
        // Only multiples of 90 are valid; viewers read any other value as 0 (pdf.js,
        // poppler), and so does this, saying so.
        let rotate = raw_rotate
            .filter(|r| r.rem_euclid(90.0) == 0.0)
            .map_or(0, |r| (r as i64).rem_euclid(360)) as i32;
        let [llx, lly, urx, ury] = bx;
        let (w, h) = (urx - llx, ury - lly);
        let m = match rotate {
            90 => Matrix {
                a: 0.0,
                b: 1.0,
                c: 1.0,
                d: 0.0,
                e: -lly,
                f: -llx,
            },
            180 => Matrix {
                a: -1.0,
                b: 0.0,
                c: 0.0,
                d: 1.0,
                e: urx,
                f: -lly,
            },
            270 => Matrix {
                a: 0.0,
                b: -1.0,
                c: -1.0,
                d: 0.0,
                e: ury,
                f: urx,
            },
            _ => Matrix {
                a: 1.0,
                b: 0.0,
                c: 0.0,
                d: -1.0,
                e: -llx,
                f: ury,
            },
        };
        let (width, height) = if rotate == 90 || rotate == 270 {
            (h, w)
        } else {
            (w, h)
        };
        let mut out = PageContent {
            number,
            width,
            height,
            rotate,
            ..PageContent::default()
        };
        if let Some(r) = raw_rotate.filter(|r| r.rem_euclid(90.0) != 0.0) {
            out.warnings.push(format!(
                "page {number}: /Rotate {r} is not a multiple of 90; read as 0"
            ));
        }

        let resources = self.inherited(page, b"Resources").and_then(as_dict);
        let (data, warnings) = self.contents(page);
        // Nothing to interpret because every content stream failed to decode (corrupt, or
        // over the decompression cap: a bomb): the page cannot be read.
        if data.is_empty()
            && warnings
                .iter()
                .any(|w| w.starts_with("content stream not decoded"))
        {
            return Err(Error::Malformed {
                detail: format!("page {number}: {}", warnings.join("; ")),
            });
        }
        let mut interp = Interp::new(doc, &self.fonts, out, m);
        interp.run(&data, resources);
        let mut out = interp.finish();
        out.warnings.extend(warnings);
        Ok(out)
    }

    /// A page attribute, inherited from the Pages tree, dereferenced.
    fn inherited<'a>(&'a self, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        let doc = &self.doc;
        let mut node = page;
        for _ in 0..MAX_INHERIT {
            if let Some(v) = get(doc, node, key) {
                return Some(v);
            }
            node = get_dict(doc, node, b"Parent")?;
        }
        None
    }

    /// The page's content streams decoded and joined (with the problems met).
    fn contents(&self, page: &Dictionary) -> (Vec<u8>, Vec<String>) {
        let doc = &self.doc;
        let mut data = Vec::new();
        let mut warnings = Vec::new();
        let mut add = |o: &Object| match crate::objects::deref(doc, o) {
            Some(Object::Stream(s)) => match stream_bytes(s) {
                Ok(bytes) => {
                    data.extend_from_slice(&bytes);
                    data.push(b'\n');
                }
                Err(e) => warnings.push(format!("content stream not decoded: {e}")),
            },
            Some(Object::Null) | None => {}
            Some(_) => warnings.push("content entry is not a stream".to_string()),
        };
        match page
            .get(b"Contents")
            .ok()
            .and_then(|o| crate::objects::deref(doc, o))
        {
            Some(Object::Array(items)) => items.iter().for_each(&mut add),
            Some(o) => add(o),
            None => {}
        }
        (data, warnings)
    }

    /// The stored bytes of an image XObject and what it takes to decode them.
    pub fn image_stream(&self, object: (u32, u16)) -> Result<ImageStream, Error> {
        let doc = &self.doc;
        let bad = Error::BadObject {
            id: object.0,
            generation: object.1,
            expected: "an image stream",
        };
        let Some(Object::Stream(s)) = doc.objects.get(&object) else {
            return Err(bad);
        };
        if get_name(doc, &s.dict, b"Subtype") != Some(b"Image") {
            return Err(bad);
        }
        let filters: Vec<String> = match get(doc, &s.dict, b"Filter") {
            Some(Object::Name(n)) => vec![String::from_utf8_lossy(n).into_owned()],
            Some(Object::Array(a)) => a
                .iter()
                .filter_map(|o| match crate::objects::deref(doc, o) {
                    Some(Object::Name(n)) => Some(String::from_utf8_lossy(n).into_owned()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let (color_space, components) = match get(doc, &s.dict, b"ColorSpace") {
            Some(Object::Name(n)) => {
                let c = match n.as_slice() {
                    b"DeviceGray" | b"CalGray" => 1,
                    b"DeviceRGB" | b"CalRGB" => 3,
                    b"DeviceCMYK" => 4,
                    _ => 0,
                };
                (String::from_utf8_lossy(n).into_owned(), c)
            }
            Some(Object::Array(a)) => {
                let family = match a.first().and_then(|o| crate::objects::deref(doc, o)) {
                    Some(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
                    _ => String::new(),
                };
                let c = match family.as_str() {
                    "ICCBased" => a
                        .get(1)
                        .and_then(|o| crate::objects::deref(doc, o))
                        .and_then(as_dict)
                        .and_then(|d| get_num(doc, d, b"N"))
                        .unwrap_or(0.0) as u32,
                    "Indexed" => 1,
                    _ => 0,
                };
                (family, c)
            }
            _ => (
                String::new(),
                if get_name(doc, &s.dict, b"ImageMask").is_some() {
                    1
                } else {
                    0
                },
            ),
        };
        let dim = |k: &[u8]| get_num(doc, &s.dict, k).unwrap_or(0.0).max(0.0) as u32;
        // The DecodeParms of the FlateDecode filter (one dictionary, or one per filter).
        let flate_at = filters.iter().position(|f| f == "FlateDecode" || f == "Fl");
        let parms = match get(doc, &s.dict, b"DecodeParms") {
            Some(Object::Dictionary(d)) if filters.len() == 1 => Some(d),
            Some(Object::Array(a)) => flate_at
                .and_then(|i| a.get(i))
                .and_then(|o| crate::objects::deref(doc, o))
                .and_then(as_dict),
            _ => None,
        };
        let predictor = parms
            .and_then(|d| get_num(doc, d, b"Predictor"))
            .map_or(1, |p| p.max(0.0) as u32);
        let decode_identity = match get(doc, &s.dict, b"Decode") {
            Some(Object::Array(a)) => a.chunks(2).all(|pair| {
                let num = |o: &Object| match crate::objects::deref(doc, o) {
                    Some(Object::Integer(i)) => Some(*i as f64),
                    Some(Object::Real(r)) => Some(f64::from(*r)),
                    _ => None,
                };
                matches!(pair, [a, b] if num(a) == Some(0.0) && num(b) == Some(1.0))
            }),
            _ => true,
        };
        Ok(ImageStream {
            data: s.content.clone(),
            filter: last_filter(doc, &s.dict),
            filters,
            width: dim(b"Width"),
            height: dim(b"Height"),
            bits_per_component: dim(b"BitsPerComponent"),
            color_space,
            components,
            predictor,
            decode_identity,
        })
    }
}

fn intersect(a: [f64; 4], b: [f64; 4]) -> Option<[f64; 4]> {
    let r = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    (r[2] - r[0] >= 1.0 && r[3] - r[1] >= 1.0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn document_is_send_sync() {
        assert_send_sync::<Document>();
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(
            Document::load(b"", None),
            Err(Error::Malformed { .. } | Error::Panic { .. })
        ));
        assert!(Document::load(b"%PDF-1.4\n garbage", None).is_err());
    }

    #[test]
    fn a_page_listed_twice_is_read_once_and_named() {
        let (pages, repeated) = unique_pages(vec![(3, 0), (4, 0), (3, 0), (3, 0), (5, 0)]);
        assert_eq!(pages, [(3, 0), (4, 0), (5, 0)]);
        assert_eq!(repeated, [(3, 0)]);
    }
}
