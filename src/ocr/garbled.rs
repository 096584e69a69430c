//! Garbled text layers: a digital page whose font maps glyphs to the wrong characters
//! (a broken ToUnicode; the Fuji R8 budget books print 都市計画税 and carry `邴市計画税`,
//! 道 as 遈, 部 as 邪, 配 as 郤; `pdftotext` reads the same).
//!
//! Rule `garbled_text_layer`: a page whose text layer holds a kanji outside JIS X 0208
//! (which Japanese documents never print: [`super::jis`]) is checked. Its page image is
//! rendered, and every word with a kanji is read by PP-OCR from its outline. A character
//! is replaced where the recognizer is sure of another kanji of JIS X 0208
//! (`garbled_min_confidence`) and gives the layer's character almost no chance
//! (`garbled_max_layer_probability`, or any chance at all when the layer's character is
//! outside JIS X 0208): a real 邪 looks like 邪 to the recognizer, a 部 mapped to 邪 does
//! not. Words whose reading has another length are left alone. The replacements are
//! reported on the page as one diagnostic (`ocr-garbled-text-layer`); a check that could
//! not run is a page warning.

use std::collections::BTreeMap;

use super::image::render;
use super::jis;
use super::paddle::{self, PxBox};
use super::{Error, OcrSettings};
use crate::diagnostic::{Code, Diagnostic};
use crate::layout::PageLayout;

/// Whether the page's text layer needs the check: a kanji outside JIS X 0208.
pub fn needs_check(layout: &PageLayout) -> bool {
    layout
        .words
        .iter()
        .flat_map(|w| w.text.chars())
        .any(|c| jis::is_kanji(c) && !jis::in_0208(c))
}

/// Checks the kanji of a page's words against their outlines (see the module docs);
/// replaces what the outlines contradict. Returns what was replaced (a diagnostic, when
/// anything was), or the page's warning when the check could not run.
pub fn repair(
    pdf: &[u8],
    layout: &mut PageLayout,
    s: &OcrSettings,
) -> Result<Option<Diagnostic>, String> {
    let n = layout.number;
    if !s.garbled_glyphs || !needs_check(layout) {
        return Ok(None);
    }
    match try_repair(pdf, layout, s) {
        Ok(changes) if changes.is_empty() => Ok(None),
        Ok(changes) => {
            let total: usize = changes.values().sum();
            let list: Vec<String> = changes
                .iter()
                .map(|((from, to), k)| format!("{from}→{to} ×{k}"))
                .collect();
            Ok(Some(Diagnostic::new(
                Code::OcrGarbledTextLayer,
                n,
                format!(
                    "text layer garbled (kanji outside JIS X 0208): {total} characters read from their outlines instead: {}",
                    list.join(", ")
                ),
            )))
        }
        Err(e) => Err(format!(
            "page {n}: text layer garbled (kanji outside JIS X 0208), not checked: {e}"
        )),
    }
}

/// What the check decided for a page: (word index, its new text), and the replacements
/// counted. Cached by the document's bytes, the page, the engine and the settings that
/// decide, so a rerun renders and reads nothing.
#[derive(serde::Serialize, serde::Deserialize)]
struct Decision {
    words: Vec<(usize, String)>,
    changes: Vec<((char, char), usize)>,
}

fn try_repair(
    pdf: &[u8],
    layout: &mut PageLayout,
    s: &OcrSettings,
) -> Result<BTreeMap<(char, char), usize>, Error> {
    let models = paddle::load(s)?;
    let key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"nenpo-garbled-1");
        h.update(models.engine.as_bytes());
        h.update(pdf);
        h.update((layout.number as u64).to_le_bytes());
        let decide = (
            s.target_dpi,
            s.renderer.as_str(),
            s.garbled_min_confidence,
            s.garbled_max_layer_probability,
        );
        h.update(serde_json::to_vec(&decide).unwrap_or_default());
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let cached: Option<Decision> = if s.cache {
        super::cache::load_any(s, &key)
    } else {
        None
    };
    let decision = match cached {
        Some(d) => d,
        None => {
            let d = decide(pdf, layout, s, &models)?;
            if s.cache {
                // A cache that cannot be written only costs time on the next run.
                let _ = super::cache::store_any(s, &key, &d);
            }
            d
        }
    };
    for (i, text) in &decision.words {
        if let Some(word) = layout.words.get_mut(*i) {
            word.text = text.clone();
            for (wc, c) in word.chars.iter_mut().zip(text.chars()) {
                wc.text = c.to_string();
            }
        }
    }
    Ok(decision.changes.into_iter().collect())
}

/// Renders the page and reads its kanji words (see the module docs).
fn decide(
    pdf: &[u8],
    layout: &PageLayout,
    s: &OcrSettings,
    models: &paddle::Models,
) -> Result<Decision, Error> {
    let dpi = s.render_dpi();
    let img = render(
        &s.renderer,
        pdf,
        layout.number,
        dpi,
        (layout.width, layout.height),
        s.max_image_pixels,
    )?;
    // Pixels per point of the rendering (capped by max_image_pixels).
    let scale = img.width as f64 / layout.width.max(1.0);
    let mut which = Vec::new();
    let mut boxes = Vec::new();
    for (i, w) in layout.words.iter().enumerate() {
        if w.vertical || !w.text.chars().any(jis::is_kanji) {
            continue;
        }
        let pad = GLYPH_PAD_EM * w.bbox.height();
        boxes.push(PxBox {
            x0: ((w.bbox.x0 - pad) * scale).max(0.0),
            y0: ((w.bbox.top - pad) * scale).max(0.0),
            x1: ((w.bbox.x1 + pad) * scale).min(img.width as f64),
            y1: ((w.bbox.bottom + pad) * scale).min(img.height as f64),
            score: 1.0,
        });
        which.push(i);
    }
    let read = models.recognize(&img, &boxes, s, GARBLED_TOP_K)?;
    let mut changes: BTreeMap<(char, char), usize> = BTreeMap::new();
    let mut words = Vec::new();
    for (&i, hits) in which.iter().zip(&read) {
        let Some(word) = layout.words.get(i) else {
            continue;
        };
        let layer: Vec<char> = word.text.chars().collect();
        let hits: Vec<_> = hits.iter().filter(|h| !h.text.trim().is_empty()).collect();
        if hits.len() != layer.len() {
            continue;
        }
        let mut text: Vec<char> = layer.clone();
        for (k, (&orig, hit)) in layer.iter().zip(&hits).enumerate() {
            let mut rc = hit.text.chars();
            let (Some(read_c), None) = (rc.next(), rc.next()) else {
                continue;
            };
            if !jis::is_kanji(orig)
                || read_c == orig
                || !jis::is_kanji(read_c)
                || !jis::in_0208(read_c)
            {
                continue;
            }
            let mut buf = [0u8; 4];
            let orig_s: &str = orig.encode_utf8(&mut buf);
            let p_orig = hit
                .alternatives
                .iter()
                .find(|(t, _)| t == orig_s)
                .map_or(0.0, |a| a.1);
            let sure = f64::from(hit.confidence) >= s.garbled_min_confidence;
            let layer_wrong =
                !jis::in_0208(orig) || f64::from(p_orig) <= s.garbled_max_layer_probability;
            if sure && layer_wrong {
                text[k] = read_c;
                *changes.entry((orig, read_c)).or_default() += 1;
                tracing::debug!(
                    page = layout.number,
                    "garbled text layer: {orig} read as {read_c} in {}",
                    word.text
                );
            }
        }
        if text != layer {
            words.push((i, text.iter().collect()));
        }
    }
    Ok(Decision {
        words,
        changes: changes.into_iter().collect(),
    })
}

/// How many likeliest symbols the check looks at for the layer's character's chance.
const GARBLED_TOP_K: usize = 20;

/// A word's box is read with this much of its height added on every side: a text layer's
/// box is the font's, and a glyph's strokes can reach past it.
const GLYPH_PAD_EM: f64 = 0.15;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideographs_and_the_trigger() {
        assert!(
            jis::is_kanji('邴')
                && jis::is_kanji('都')
                && !jis::is_kanji('あ')
                && !jis::is_kanji('1')
        );
        assert!(!jis::in_0208('邴') && jis::in_0208('都') && jis::in_0208('邪'));
    }
}
