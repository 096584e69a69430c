//! The OCR cache: one JSON file per page result, named by the SHA-256 of what decides the
//! result (the page image's bytes and placement, the OCR settings and Tesseract's
//! version), written to a temporary name and renamed, so concurrent runs never read a
//! half-written file. A file that cannot be read is treated as absent.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::image::PageSource;
use super::{OcrRaw, OcrSettings};

/// Bumped when the cached format, the preparation of images, the line boxes given to
/// the recognizer (4: `cut_piece_seen_twice`) or what is added to the engine's words (the
/// dash marks) changes.
const FORMAT: &str = "nenpo-ocr-cache-4";

/// An environment variable that is set and not empty, as a path.
pub(crate) fn env_path(k: &str) -> Option<PathBuf> {
    std::env::var_os(k)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// nenpo's directory in the user's cache: `$XDG_CACHE_HOME/nenpo`, else
/// `$HOME/.cache/nenpo` (the OCR cache and the OCR models live under it).
pub(crate) fn user_cache() -> Option<PathBuf> {
    env_path("XDG_CACHE_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("nenpo"))
}

/// The cache directory: `cache_dir`, else `$XDG_CACHE_HOME/nenpo/ocr`, else
/// `$HOME/.cache/nenpo/ocr`.
pub fn dir(s: &OcrSettings) -> Option<PathBuf> {
    s.cache_dir
        .clone()
        .or_else(|| user_cache().map(|d| d.join("ocr")))
}

/// The key of one page's OCR (hex SHA-256).
/// OCR settings outside the cache key. Post-processing applied to the engine's words on
/// every read (glyph conversion, noise, lone dashes, Japanese forms, the hidden-layer and
/// garbled-layer checks, number repairs), what decides whether a page is OCR'd at all,
/// decoding limits, the batch size, and where the models and the cache live: changing
/// them never re-runs the engine. Every other setting (the image's preparation, the
/// engines' own) is keyed.
const NOT_IN_KEY: &[&str] = &[
    "enabled",
    "rec_batch",
    "garbled_glyphs",
    "garbled_min_confidence",
    "garbled_max_layer_probability",
    "hidden_max_bad_numbers",
    "hidden_max_non_jis",
    "hidden_max_off_ink",
    "hidden_min_ink",
    "hidden_fit_dpi",
    "japanese_forms",
    "min_text_glyphs",
    "image_cover_min",
    "undecoded_share_max",
    "max_image_pixels",
    "image_stream_slack_bytes",
    "artefact_chars",
    "artefact_tolerance_pt",
    "noise_chars",
    "noise_max_confidence",
    "lone_dash_gap_em",
    "min_word_confidence",
    "cjk_cell_em",
    "cjk_cell_max_em",
    "fix_triangle",
    "repair_numbers",
    "repair",
    "cache",
    "cache_dir",
    "models_dir",
];

pub fn key(source: &PageSource<'_>, s: &OcrSettings, engine: &str) -> String {
    let mut h = Sha256::new();
    h.update(FORMAT.as_bytes());
    h.update(engine.as_bytes());
    // The settings' own serialization, less those that do not change what the engine
    // returns for the page (`NOT_IN_KEY`): a new setting is keyed unless it says otherwise.
    let mut relevant = serde_json::to_value(s).unwrap_or_default();
    if let Some(m) = relevant.as_object_mut() {
        for k in NOT_IN_KEY {
            m.remove(*k);
        }
    }
    h.update(serde_json::to_vec(&relevant).unwrap_or_default());
    match source {
        PageSource::Embedded { stream, bbox, .. } => {
            h.update(b"embedded");
            h.update(stream.filter.as_bytes());
            for v in [
                stream.width,
                stream.height,
                stream.bits_per_component,
                stream.components,
            ] {
                h.update(v.to_le_bytes());
            }
            for v in [bbox.x0, bbox.top, bbox.x1, bbox.bottom] {
                h.update(v.to_le_bytes());
            }
            h.update(&stream.data);
        }
        PageSource::Render { pdf, page, .. } => {
            h.update(b"render");
            h.update((*page as u64).to_le_bytes());
            h.update(pdf);
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn path(s: &OcrSettings, key: &str) -> Option<PathBuf> {
    dir(s).map(|d| d.join(&key[..2.min(key.len())]).join(format!("{key}.json")))
}

/// A cached result, if there is a readable one.
pub fn load(s: &OcrSettings, key: &str) -> Option<OcrRaw> {
    load_any(s, key)
}

/// Stores a result atomically (temporary file in the same directory, then rename).
pub fn store(s: &OcrSettings, key: &str, page: &OcrRaw) -> std::io::Result<()> {
    store_any(s, key, page)
}

/// A cached value of any kind (the garbled-layer check keeps its readings here too).
pub(crate) fn load_any<T: serde::de::DeserializeOwned>(s: &OcrSettings, key: &str) -> Option<T> {
    let bytes = std::fs::read(path(s, key)?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Stores a value of any kind atomically.
pub(crate) fn store_any<T: serde::Serialize>(
    s: &OcrSettings,
    key: &str,
    page: &T,
) -> std::io::Result<()> {
    let Some(p) = path(s, key) else {
        return Ok(());
    };
    let parent = p.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(
        ".{key}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let data = serde_json::to_vec(page).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, data)?;
    std::fs::rename(&tmp, &p).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::ocr::image::PixelMap;
    use crate::ocr::words::EngineWord;

    #[test]
    fn unkeyed_settings_are_settings() {
        let v = serde_json::to_value(OcrSettings::default()).expect("serializes");
        let m = v.as_object().expect("an object");
        for k in NOT_IN_KEY {
            assert!(m.contains_key(*k), "{k} is no OCR setting");
        }
    }

    #[test]
    fn stores_and_hits() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let s = OcrSettings {
            cache_dir: Some(tmp.path().to_path_buf()),
            ..Default::default()
        };
        let pdf = b"%PDF-1.4 fake";
        let src = PageSource::Render {
            pdf,
            page: 2,
            why: "test",
        };
        let k = key(&src, &s, "tesseract 5.3.0");
        assert!(load(&s, &k).is_none());
        let page = OcrRaw {
            image: "rendered".into(),
            engine: "tesseract 5.3.0".into(),
            skew_deg: 0.25,
            map: PixelMap {
                bbox: Rect::new(0.0, 0.0, 595.0, 842.0),
                width: 2480,
                height: 3508,
            },
            rulings: vec![],
            words: vec![EngineWord {
                text: "▲1".into(),
                left: 1.0,
                top: 2.0,
                width: 3.0,
                height: 4.0,
                confidence: 0.8,
                line: (1, 1, 1),
            }],
        };
        store(&s, &k, &page).expect("stored");
        assert_eq!(load(&s, &k), Some(page));
        // Another page, another engine or other settings: another key.
        assert_ne!(
            k,
            key(
                &PageSource::Render {
                    pdf,
                    page: 3,
                    why: "test"
                },
                &s,
                "tesseract 5.3.0"
            )
        );
        assert_ne!(k, key(&src, &s, "tesseract 5.4.0"));
        let s2 = OcrSettings {
            psm: 4,
            ..s.clone()
        };
        assert_ne!(k, key(&src, &s2, "tesseract 5.3.0"));
        // Settings of the glyph conversion apply on read: same key.
        let s4 = OcrSettings {
            fix_triangle: false,
            ..s.clone()
        };
        assert_eq!(k, key(&src, &s4, "tesseract 5.3.0"));
        // Where the cache lives is not part of the key.
        let s3 = OcrSettings {
            cache_dir: None,
            ..s.clone()
        };
        assert_eq!(k, key(&src, &s3, "tesseract 5.3.0"));
    }
}
