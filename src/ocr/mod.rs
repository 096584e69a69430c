//! Stage `ocr`: scanned pages into the same word model the digital path gives.
//!
//! Per page: [`classify`] decides whether the text layer is trustworthy (never OCR'd), a
//! scanner's hidden OCR layer (used as is), or missing (OCR). A page that needs OCR gets
//! its image ([`image`]: the embedded scan decoded in Rust, or the page rendered by
//! poppler's `pdftoppm`), deskewed and resampled to `target_dpi` in one pass; ruling lines
//! are found in the pixels ([`rulings`]) and erased before Tesseract reads the page
//! ([`tesseract`], the CLI with `tsv` output and one thread); the word boxes become
//! [`GlyphIn`]s in page points ([`words`]). Results are cached on disk ([`cache`]) by
//! image hash, settings and Tesseract version.
//!
//! Together with `crates/pdf`, this is the only module that converts coordinates (pixels
//! of the page image → points with a top-left origin in the page as displayed) and the
//! only one that runs Tesseract. Nothing downstream knows whether a word was OCR'd,
//! except through [`TextSource`] and the word's `confidence`.

pub mod cache;
pub mod classify;
pub mod forms;
mod forms_table;
pub mod garbled;
pub mod image;
pub mod jis;
mod jis_table;
pub mod marks;
pub mod paddle;
pub mod repair;
pub mod rulings;
pub mod tesseract;
pub mod words;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::geom::Rect;
use crate::layout::{
    rulings_from_segments, words_and_lines, GlyphIn, LayoutSettings, PageLayout, RawSegment,
    TextSource,
};
use nenpo_pdf::{Document, PageContent};

pub use classify::{classify, PageClass};

/// The recognizer that reads a page image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// PP-OCRv6 small run by rten ([`paddle`]): the default. When its models are not
    /// installed, pages are read with Tesseract (if installed) and say so.
    #[default]
    Paddle,
    /// The Tesseract CLI ([`tesseract`]).
    Tesseract,
}

/// Thresholds and choices of the OCR stage. Every field has one default, given here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrSettings {
    /// OCR pages that need it. When false such pages get no words (`text_source: none`)
    /// and a warning. Default true.
    pub enabled: bool,
    /// The recognizer: `paddle` (default) or `tesseract`.
    pub engine: Engine,
    /// Where PP-OCR's two `.onnx` files are. Default: `$NENPO_OCR_MODELS`, else
    /// `$XDG_CACHE_HOME/nenpo/models`, else `~/.cache/nenpo/models`, where
    /// `scripts/install-ocr-models.sh` installs them.
    pub models_dir: Option<PathBuf>,
    /// PP-OCR detection: the page image is scaled so that its longer side is at most this
    /// many pixels. Default 2000 (PaddleOCR's own limit; an A4 page at 170 dpi).
    pub det_max_side: usize,
    /// PP-OCR detection: a pixel whose text probability exceeds this is text. Default 0.3
    /// (PaddleOCR's).
    pub det_threshold: f64,
    /// PP-OCR detection: a region whose box has a lower mean probability is dropped.
    /// Default 0.5 (PaddleOCR's).
    pub det_box_threshold: f64,
    /// PP-OCR detection: a region's box is grown by area × this / perimeter (the model
    /// predicts shrunk boxes). Default 1.6 (PaddleOCR's).
    pub det_unclip_ratio: f64,
    /// PP-OCR detection: at most this many text regions a page (a dense A3 list has about
    /// 2,000 cells). Default 5000.
    pub det_max_boxes: usize,
    /// PP-OCR detection: a line box at least this many times as high as the page's
    /// typical one, with a blank pixel row across its middle, is cut there (two lines
    /// of a wrapped label joined by the detector). Default 1.7.
    pub det_split_lines: f64,
    /// PP-OCR recognition: lines read together in one batch. Default 6 (PaddleOCR's).
    pub rec_batch: usize,
    /// PP-OCR recognition: a line is scaled to 48 px high and at most this many wide.
    /// Default 3200 (a 60 em line).
    pub rec_max_width: usize,
    /// PP-OCR words: a character whose centre is more than this many line-box heights
    /// past the previous one's starts a new word (a column gap inside one detected line).
    /// Default 1.5: characters of a word are 0.5–1 em apart, a line box is 1.15 em high.
    pub rec_word_break: f64,
    /// Check digital pages whose text layer holds kanji outside JIS X 0208 against their
    /// rendered outlines with PP-OCR ([`garbled`]). Default true.
    pub garbled_glyphs: bool,
    /// [`garbled`]: the recognizer's probability for its reading must be at least this.
    /// Default 0.9.
    pub garbled_min_confidence: f64,
    /// [`garbled`]: a text layer character of JIS X 0208 is replaced only when the
    /// recognizer gives it at most this probability. Default 0.01.
    pub garbled_max_layer_probability: f64,
    /// A scanner's hidden OCR layer is not used (the page is recognized) when at least this
    /// fraction of its number-like words hold letters (`lO,169,216`). Default 0.2.
    pub hidden_max_bad_numbers: f64,
    /// … or when at least this fraction of its kanji are outside JIS X 0208. Default 0.05.
    pub hidden_max_non_jis: f64,
    /// … or when at least this fraction of its characters lie over blank paper in the page
    /// image (rule `hidden_words_off_ink`: a layer that does not belong to its image).
    /// Default 0.3.
    pub hidden_max_off_ink: f64,
    /// A character of a hidden layer lies over ink when at least this fraction of its box
    /// is darker than the image's ink threshold. Default 0.02: a printed character inks
    /// 10–30% of its box, a speck of scanner noise far less.
    pub hidden_min_ink: f64,
    /// The resolution at which a page that is not one decodable image is rendered for that
    /// check (dpi). Default 100: a character's ink shows, and rendering is quick.
    pub hidden_fit_dpi: f64,
    /// PP-OCR: read Chinese character forms as their Japanese forms ([`forms`]): the
    /// recognizer's probability for `稅` counts for `税`. Default true.
    pub japanese_forms: bool,
    /// A page with at least this many decoded, visible glyphs has a real text layer and is
    /// never OCR'd. Default 20: a scan carrying a page number or a stamp in real text has
    /// fewer; the sparsest digital page of the corpus (a title over a chart) has more.
    pub min_text_glyphs: usize,
    /// An image covers the page when its box covers at least this fraction of the page
    /// area. Default 0.5 (the corpus scans cover 1.0; scans with cropped margins 0.8–0.95).
    pub image_cover_min: f64,
    /// A text layer whose undecodable glyphs (`PageContent::undecoded_glyphs`) are at least
    /// this fraction of all painted glyphs is not trusted: the page is OCR'd (rendered when
    /// it is not one image). Default 0.5.
    pub undecoded_share_max: f64,
    /// The page image is resampled to this resolution (dots per inch) before OCR, and a
    /// page that has to be rendered is rendered at it. Default 300: on the 200 dpi corpus
    /// scans Tesseract reads more characters right at 300 than at the native 200 (see
    /// README, OCR: on the 12 scanned dev documents, characters 0.976 vs 0.972, cells found
    /// verbatim 0.880 vs 0.853, row match 0.36 vs 0.23). 0 keeps the image's resolution,
    /// and a page that has to be rendered is rendered at [`RENDER_DPI`].
    pub target_dpi: f64,
    /// An embedded page image with more pixels than this (by its dictionary, or by its
    /// own JPEG header, which must agree with the dictionary) is not decoded here (its
    /// pixels would take that many bytes at least) but rendered by `renderer` at
    /// `target_dpi`. A rendering and the resampled image are held to it too: their
    /// resolution is lowered until the page fits. Default 60,000,000 (an A3 page at 400
    /// dpi has 31 M).
    pub max_image_pixels: u64,
    /// A Flate image stream may inflate to at most its declared size (`/Width` ×
    /// `/Height` × components, plus one filter byte a row under a PNG predictor) plus this
    /// many bytes (padding some writers leave); inflation stops there and the image is
    /// refused, so a decompression bomb costs no more than the image it claims to be.
    /// Default 65,536.
    pub image_stream_slack_bytes: u64,
    /// Skew is searched within ±this many degrees. Default 2.0 (corpus scans: ±0.7°).
    pub max_skew_deg: f64,
    /// Step of the fine skew search in degrees. Default 0.02 (at 300 dpi a 0.02° error
    /// moves the end of a 2000 px line by 0.7 px).
    pub skew_step_deg: f64,
    /// An estimated skew smaller than this (degrees) is not corrected. Default 0.03.
    pub min_skew_deg: f64,
    /// Gray level (0–255) at or below which a pixel is ink, for skew and ruling
    /// detection. `None` (default): Otsu's threshold of the page, clamped to 64–200.
    pub ink_threshold: Option<u8>,
    /// A dark run at least this long (points) is a ruling line. Default 24 pt: longer than
    /// any stroke of 10–18 pt text (a kanji stroke, `一`, `ー`, a dash), shorter than the
    /// narrowest ruled cell of the corpus.
    pub ruling_min_length_pt: f64,
    /// Gaps in a ruling up to this long (points) are bridged (scan noise, JPEG blocks).
    /// Default 1.0.
    pub ruling_max_gap_pt: f64,
    /// A run counts as a ruling only when at least this fraction of its pixels are ink
    /// (a scan line through a row of text has many short gaps). Default 0.9.
    pub ruling_min_fill: f64,
    /// Rulings thicker than this (points) are filled areas: they are passed to the layout
    /// stage as filled rectangles (which keeps their edges). Default 3.0.
    pub ruling_max_thickness_pt: f64,
    /// Paint detected rulings white before OCR (Tesseract reads lines as `|`, `-`, `_` and
    /// loses the text lines touching them). Default true.
    pub erase_rulings: bool,
    /// Before OCR, pixels lighter than this gray level (0–255) are made white: shaded
    /// header cells (`#d9d9d9`, `#dce6f1`: gray 215–230 after scanning) become paper, so
    /// Tesseract binarizes their text like the rest. 255 turns this off. Default 200:
    /// on the 12 scanned dev documents character recall 0.971 → 0.976, truth cells found
    /// verbatim 0.859 → 0.880, header match 0.34 → 0.49 (against 255).
    pub paper_level: u8,
    /// Words made only of these characters are dropped when they lie on a detected ruling
    /// (within `artefact_tolerance_pt`); at a word's end next to a vertical ruling they are
    /// stripped. Default `|-_—―‐[]!Il`.
    pub artefact_chars: String,
    /// How close (points) an artefact must be to a ruling. Default 3.0.
    pub artefact_tolerance_pt: f64,
    /// Words made only of these characters are scan noise (specks read as `.`, `'`, `~`)
    /// when Tesseract's confidence in them is below `noise_max_confidence`: dropped.
    /// Default `.,'"`~=;*©”“&°>_|:^`.
    pub noise_chars: String,
    /// See `noise_chars`. Default 0.6: on the corpus scans a lone `.` has a median
    /// confidence of 0.45, while `、`, `。`, `)` have 0.92–0.93.
    pub noise_max_confidence: f32,
    /// A word that is only a dash-like character (`ー`, `一`, `—`, `-`, …), standing alone
    /// on its line with at least this many em of space on each side, is the table's
    /// "none" mark `－` (Tesseract reads `－` as the long-vowel mark `ー` or as `一`, which
    /// NFKC does not map to `-`). 0 turns this off. Default 1.0.
    pub lone_dash_gap_em: f64,
    /// Rule `dash_mark` (`ocr::marks`): find lone dashes the recognizer passed over in the
    /// page image. Default true.
    pub dash_marks: bool,
    /// A dash mark is a solid horizontal bar at least this many em long (the em: the
    /// median height of the page's recognized words). Default 0.4 (a hyphen `-`).
    pub dash_min_em: f64,
    /// … and at most this many em long. Default 2.0 (`―` in a box of line height 0.65 em
    /// is 1.3; a longer bar is a rule fragment).
    pub dash_max_em: f64,
    /// … at least this many em thick, and 2 pixels (a 1-pixel hairline is a piece of a
    /// thin rule). Default 0: a 300 dpi scan prints `―` 2–3 px thick in a 26 px line.
    pub dash_min_thickness_em: f64,
    /// … at most this many em thick. Default 0.3 (a printed dash is 0.1–0.2; a filled box
    /// is thicker).
    pub dash_max_thickness_em: f64,
    /// … with no ink within this many em around it (a stroke of `二`, `=` or an underline
    /// has ink close by), nor a detected ruling (erased from the image, its remains
    /// along it are not dashes). Default 0.3.
    pub dash_clear_em: f64,
    /// Tesseract languages. Default `jpn+eng`.
    pub language: String,
    /// Tesseract page segmentation mode. Default 6 (one uniform block of text): on the
    /// corpus fonts it read about 95% of characters right, best of 3, 4, 6, 11.
    pub psm: u8,
    /// The Tesseract program. Default `tesseract` (Debian `tesseract-ocr`).
    pub tesseract: String,
    /// The renderer for pages that are not one embedded JPEG/Flate image (CCITT, JBIG2,
    /// several images, rotated placements, undecodable fonts). Default `pdftoppm` (Debian
    /// `poppler-utils`).
    pub renderer: String,
    /// OCR words with a confidence (0–1) below this are dropped. Default 0.0 (keep all:
    /// the table stages see `confidence` on every word).
    pub min_word_confidence: f32,
    /// Single CJK characters are given a box at least this many em wide, centred on the
    /// ink (a CJK glyph's advance is one em; ink boxes are narrower, and `一` is much
    /// flatter), so the layout stage joins characters of one word as for a text layer.
    /// Default 0.95.
    pub cjk_cell_em: f64,
    /// A CJK word's box is at most this many em per character (Tesseract's boxes of
    /// multi-character Japanese words sometimes run over the next word). Default 1.15.
    pub cjk_cell_max_em: f64,
    /// Read a leading `A` of a numeric token (`A2,515`) as `▲`: Tesseract's commonest
    /// misreading on Japanese budget tables; a number never starts with `A`. A leading `4`
    /// is ambiguous and left alone. Default true.
    pub fix_triangle: bool,
    /// Repair misread numbers in the tables of OCR'd pages where the column's format or
    /// the row's arithmetic makes the reading certain ([`repair`]). Default true.
    pub repair_numbers: bool,
    /// The repairs' thresholds (`[settings.ocr.repair]`).
    pub repair: repair::RepairSettings,
    /// Keep OCR results on disk so a rerun never OCRs the same page twice. Default true.
    pub cache: bool,
    /// Cache directory. Default `$XDG_CACHE_HOME/nenpo/ocr`, else `~/.cache/nenpo/ocr`.
    pub cache_dir: Option<PathBuf>,
}

impl Default for OcrSettings {
    fn default() -> Self {
        OcrSettings {
            enabled: true,
            engine: Engine::Paddle,
            models_dir: None,
            det_max_side: 2000,
            det_threshold: 0.3,
            det_box_threshold: 0.5,
            det_unclip_ratio: 1.6,
            det_max_boxes: 5000,
            det_split_lines: 1.7,
            rec_batch: 6,
            rec_max_width: 3200,
            rec_word_break: 1.5,
            japanese_forms: true,
            hidden_max_bad_numbers: 0.2,
            hidden_max_non_jis: 0.05,
            hidden_max_off_ink: 0.3,
            hidden_min_ink: 0.02,
            hidden_fit_dpi: 100.0,
            garbled_glyphs: true,
            garbled_min_confidence: 0.9,
            garbled_max_layer_probability: 0.01,
            min_text_glyphs: 20,
            image_cover_min: 0.5,
            undecoded_share_max: 0.5,
            target_dpi: 300.0,
            max_image_pixels: 60_000_000,
            image_stream_slack_bytes: 65_536,
            max_skew_deg: 2.0,
            skew_step_deg: 0.02,
            min_skew_deg: 0.03,
            ink_threshold: None,
            ruling_min_length_pt: 24.0,
            ruling_max_gap_pt: 1.0,
            ruling_min_fill: 0.9,
            ruling_max_thickness_pt: 3.0,
            erase_rulings: true,
            paper_level: 200,
            artefact_chars: "|-_—―‐[]!Il".to_string(),
            artefact_tolerance_pt: 3.0,
            noise_chars: ".,'\"`~=;*©”“&°>_|:^".to_string(),
            noise_max_confidence: 0.6,
            lone_dash_gap_em: 1.0,
            dash_marks: true,
            dash_min_em: 0.4,
            dash_max_em: 2.0,
            dash_min_thickness_em: 0.0,
            dash_max_thickness_em: 0.3,
            dash_clear_em: 0.3,
            language: "jpn+eng".to_string(),
            psm: 6,
            tesseract: "tesseract".to_string(),
            renderer: "pdftoppm".to_string(),
            min_word_confidence: 0.0,
            cjk_cell_em: 0.95,
            cjk_cell_max_em: 1.15,
            fix_triangle: true,
            repair_numbers: true,
            repair: repair::RepairSettings::default(),
            cache: true,
            cache_dir: None,
        }
    }
}

/// The resolution a page is rendered at when `target_dpi` is 0 (keep the image's own)
/// and there is no image to keep: the resolution scanners print administrative papers at.
pub const RENDER_DPI: f64 = 300.0;

impl OcrSettings {
    /// The resolution pages are rendered at: `target_dpi`, or [`RENDER_DPI`] when that is 0.
    pub fn render_dpi(&self) -> f64 {
        if self.target_dpi > 0.0 {
            self.target_dpi
        } else {
            RENDER_DPI
        }
    }

    /// Rejects values its rules cannot use: a negative length or angle, a fraction or
    /// confidence outside 0–1, `target_dpi` beyond 1200 (a page would be rendered at
    /// gigapixels; `max_image_pixels` caps it anyway), a Tesseract page mode beyond 13,
    /// no glyph at all counting as a text layer (`min_text_glyphs` 0 would trust an empty
    /// page), an image stream slack over 64 MiB (the decompression bound would be gone),
    /// an empty program or language name. (`ink_threshold` and `paper_level` are gray
    /// levels: every `u8` is one.)
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let inf = f64::MAX;
        let checks: [crate::limits::Limit<'_>; 41] = [
            ("min_text_glyphs", self.min_text_glyphs as f64, 1.0, inf),
            (
                "image_stream_slack_bytes",
                self.image_stream_slack_bytes as f64,
                0.0,
                f64::from(1u32 << 26),
            ),
            ("cjk_cell_max_em", self.cjk_cell_max_em, 0.0, 10.0),
            ("det_max_side", self.det_max_side as f64, 64.0, 8192.0),
            ("det_threshold", self.det_threshold, 0.0, 1.0),
            ("det_box_threshold", self.det_box_threshold, 0.0, 1.0),
            ("det_unclip_ratio", self.det_unclip_ratio, 0.0, 10.0),
            ("det_max_boxes", self.det_max_boxes as f64, 1.0, 1e6),
            ("det_split_lines", self.det_split_lines, 1.0, 100.0),
            ("rec_batch", self.rec_batch as f64, 1.0, 64.0),
            ("rec_max_width", self.rec_max_width as f64, 48.0, 16384.0),
            ("image_cover_min", self.image_cover_min, 0.0, 1.0),
            ("undecoded_share_max", self.undecoded_share_max, 0.0, 1.0),
            ("target_dpi", self.target_dpi, 0.0, 1200.0),
            ("max_image_pixels", self.max_image_pixels as f64, 1.0, inf),
            ("max_skew_deg", self.max_skew_deg, 0.0, 45.0),
            ("skew_step_deg", self.skew_step_deg, 1e-4, 45.0),
            ("min_skew_deg", self.min_skew_deg, 0.0, 45.0),
            ("ruling_min_length_pt", self.ruling_min_length_pt, 0.0, inf),
            ("ruling_max_gap_pt", self.ruling_max_gap_pt, 0.0, inf),
            ("ruling_min_fill", self.ruling_min_fill, 0.0, 1.0),
            (
                "ruling_max_thickness_pt",
                self.ruling_max_thickness_pt,
                0.0,
                inf,
            ),
            (
                "artefact_tolerance_pt",
                self.artefact_tolerance_pt,
                0.0,
                inf,
            ),
            (
                "noise_max_confidence",
                f64::from(self.noise_max_confidence),
                0.0,
                1.0,
            ),
            ("lone_dash_gap_em", self.lone_dash_gap_em, 0.0, inf),
            ("dash_min_em", self.dash_min_em, 0.0, inf),
            ("dash_max_em", self.dash_max_em, self.dash_min_em, inf),
            (
                "dash_min_thickness_em",
                self.dash_min_thickness_em,
                0.0,
                inf,
            ),
            (
                "dash_max_thickness_em",
                self.dash_max_thickness_em,
                self.dash_min_thickness_em,
                inf,
            ),
            ("dash_clear_em", self.dash_clear_em, 0.0, inf),
            ("psm", f64::from(self.psm), 0.0, 13.0),
            (
                "min_word_confidence",
                f64::from(self.min_word_confidence),
                0.0,
                1.0,
            ),
            ("cjk_cell_em", self.cjk_cell_em, 0.0, self.cjk_cell_max_em),
            ("rec_word_break", self.rec_word_break, 0.1, 100.0),
            (
                "garbled_min_confidence",
                self.garbled_min_confidence,
                0.0,
                1.0,
            ),
            (
                "hidden_max_bad_numbers",
                self.hidden_max_bad_numbers,
                0.0,
                1.0,
            ),
            ("hidden_max_non_jis", self.hidden_max_non_jis, 0.0, 1.0),
            ("hidden_max_off_ink", self.hidden_max_off_ink, 0.0, 1.0),
            ("hidden_min_ink", self.hidden_min_ink, 0.0, 1.0),
            ("hidden_fit_dpi", self.hidden_fit_dpi, 18.0, 600.0),
            (
                "garbled_max_layer_probability",
                self.garbled_max_layer_probability,
                0.0,
                1.0,
            ),
        ];
        crate::limits::check(&checks)?;
        for (key, text) in [
            ("language", &self.language),
            ("tesseract", &self.tesseract),
            ("renderer", &self.renderer),
        ] {
            if text.trim().is_empty() {
                return Err(crate::limits::SettingError::new(key, "must not be empty"));
            }
        }
        self.repair.validate().map_err(|e| e.within("repair"))
    }
}

/// Why a page could not be OCR'd. The page is then kept without words and the message
/// becomes its warning; the rest of the document (and the run) goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("tesseract not found (`{program}`): install it with `apt-get install tesseract-ocr tesseract-ocr-jpn`")]
    TesseractMissing { program: String },
    #[error("tesseract has no data for language `{language}`: install it with `apt-get install tesseract-ocr-jpn` (tesseract said: {stderr})")]
    LanguageMissing { language: String, stderr: String },
    #[error("tesseract failed ({status}): {stderr}")]
    Tesseract { status: String, stderr: String },
    #[error("unreadable tesseract tsv at line {line}: {message}")]
    Tsv { line: usize, message: String },
    #[error(
        "page renderer not found (`{program}`): install it with `apt-get install poppler-utils`"
    )]
    RendererMissing { program: String },
    #[error("rendering page {page} with {program} failed: {message}")]
    Render {
        page: usize,
        program: String,
        message: String,
    },
    #[error("PP-OCR models not found in {dir} (`{det}`, `{rec}`): install them with `{install}`, or set NENPO_OCR_MODELS or settings.ocr.models_dir", det = paddle::DET_FILE, rec = paddle::REC_FILE, install = paddle::INSTALL)]
    ModelsMissing { dir: String },
    #[error("PP-OCR: {message}")]
    Model { message: String },
    #[error("image {what} could not be decoded: {message}")]
    Image { what: String, message: String },
    #[error("io error on {what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

/// What OCR gives for one page, in page points: the input of the layout stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcrPage {
    /// How the page image was obtained (`embedded DCTDecode 1653x2339`, `rendered (…)`).
    pub image: String,
    /// Skew found and corrected, degrees (positive: text lines descend to the right).
    pub skew_deg: f64,
    pub glyphs: Vec<OcrGlyph>,
    /// Ruling lines found in the image: (x0, y0, x1, y1, thickness), points.
    pub segments: Vec<[f64; 5]>,
    /// The engine that read the page (Tesseract's version line, or PP-OCR's model
    /// hashes), as used for the cache key.
    pub engine: String,
    /// Why the page was not read as asked (PP-OCR requested, its models missing: read
    /// with Tesseract). Not cached: said on every run until fixed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What the cache keeps of one page: Tesseract's words and the rulings in pixels of the
/// prepared image, with the map to page points. The cheap conversion to glyphs
/// ([`words::to_glyphs`]) runs on every read, so changing it never serves stale results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcrRaw {
    pub image: String,
    pub engine: String,
    pub skew_deg: f64,
    pub map: image::PixelMap,
    pub rulings: Vec<rulings::PxSegment>,
    pub words: Vec<words::EngineWord>,
}

impl OcrRaw {
    /// Glyphs and rulings in page points.
    pub fn to_page(&self, s: &OcrSettings) -> OcrPage {
        OcrPage {
            image: self.image.clone(),
            skew_deg: self.skew_deg,
            glyphs: words::to_glyphs(&self.words, &self.map, &self.rulings, s),
            segments: self
                .rulings
                .iter()
                .map(|r| self.map.segment_to_points(r))
                .collect(),
            engine: self.engine.clone(),
            warnings: Vec::new(),
        }
    }
}

/// One OCR word (or one CJK character) in page points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcrGlyph {
    pub text: String,
    /// `[x0, top, x1, bottom]`.
    pub bbox: [f64; 4],
    /// Estimated em size in points.
    pub size: f64,
    pub confidence: f32,
}

impl OcrPage {
    /// The glyphs as the layout stage takes them.
    pub fn glyphs_in(&self) -> Vec<GlyphIn> {
        self.glyphs
            .iter()
            .map(|g| GlyphIn {
                text: g.text.clone(),
                bbox: Rect::new(g.bbox[0], g.bbox[1], g.bbox[2], g.bbox[3]),
                size: g.size,
                bold: false,
                vertical: false,
                confidence: g.confidence,
            })
            .collect()
    }

    /// The rulings as path pieces for the layout stage: thin ones as lines, thick ones as
    /// filled rectangles.
    pub fn raw_segments(&self, s: &OcrSettings) -> Vec<RawSegment> {
        self.segments
            .iter()
            .map(|&[x0, y0, x1, y1, t]| {
                if t > s.ruling_max_thickness_pt {
                    let half = t / 2.0;
                    if (y1 - y0).abs() < (x1 - x0).abs() {
                        RawSegment::Fill(Rect::new(x0, y0 - half, x1, y1 + half))
                    } else {
                        RawSegment::Fill(Rect::new(x0 - half, y0, x1 + half, y1))
                    }
                } else {
                    RawSegment::Line { x0, y0, x1, y1 }
                }
            })
            .collect()
    }
}

/// A page's word model as [`page_layout`] read it.
#[derive(Clone, Debug)]
pub struct PageRead {
    /// The layout, with its [`TextSource`].
    pub layout: PageLayout,
    /// Warnings for the page summary (the failure among them).
    pub warnings: Vec<String>,
    /// What was repaired on the page's own text (a garbled text layer's kanji read from
    /// their outlines: `garbled`), for the page summary's diagnostics.
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    /// Why the page lost its words, when it needed OCR and OCR failed (the image could not
    /// be decoded or rendered, Tesseract failed or is missing).
    pub failure: Option<String>,
    /// The OCR engine that read the page (`OcrPage::engine`), when it was OCR'd.
    pub engine: Option<String>,
}

impl PageRead {
    /// A page read without failure and without OCR.
    fn read(layout: PageLayout, warnings: Vec<String>) -> PageRead {
        PageRead {
            layout,
            warnings,
            diagnostics: Vec::new(),
            failure: None,
            engine: None,
        }
    }
}

/// The word model of one page, OCR'd when the page needs it: the pipeline's entry point.
/// `pdf` is the document's bytes (for rendering pages that are not one image).
pub fn page_layout(
    pdf: &[u8],
    doc: &Document,
    content: &PageContent,
    layout_settings: &LayoutSettings,
    s: &OcrSettings,
) -> PageRead {
    let class = classify(content, s);
    let n = content.number;
    let from_content = |source: TextSource| content_layout(content, layout_settings, source);
    let read = PageRead::read;
    match class {
        PageClass::Digital => {
            let mut layout = from_content(TextSource::Digital);
            let checked = if s.enabled && s.engine == Engine::Paddle {
                garbled::repair(pdf, &mut layout, s)
            } else {
                Ok(None)
            };
            match checked {
                Ok(repaired) => PageRead {
                    diagnostics: repaired.into_iter().collect(),
                    ..read(layout, Vec::new())
                },
                Err(not_checked) => read(layout, vec![not_checked]),
            }
        }
        PageClass::HiddenOcrLayer { image } => match classify::hidden_layer_doubt(content, s)
            .or_else(|| hidden_layer_off_ink(pdf, doc, content, image, s))
        {
            None => read(from_content(TextSource::HiddenOcrLayer), Vec::new()),
            Some(why) if s.enabled => {
                let note = format!("page {n}: hidden OCR layer not used ({why}): page recognized");
                let mut r = page_layout_ocr(pdf, doc, content, image, layout_settings, s);
                r.warnings.insert(0, note);
                r
            }
            Some(why) => read(
                from_content(TextSource::HiddenOcrLayer),
                vec![format!(
                    "page {n}: hidden OCR layer doubtful ({why}) but ocr is disabled: used as is"
                )],
            ),
        },
        PageClass::Empty => read(from_content(TextSource::None), Vec::new()),
        // Turned off by the settings: a warning, not a failure.
        PageClass::NeedsOcr { .. } if !s.enabled => read(
            from_content(TextSource::None),
            vec![format!(
                "page {n}: needs ocr ({}) but ocr is disabled",
                class.reason()
            )],
        ),
        PageClass::NeedsOcr { image } => {
            page_layout_ocr(pdf, doc, content, image, layout_settings, s)
        }
    }
}

/// The word model of a page read by OCR (`image`: the page-covering image, if one).
fn page_layout_ocr(
    pdf: &[u8],
    doc: &Document,
    content: &PageContent,
    image: Option<usize>,
    layout_settings: &LayoutSettings,
    s: &OcrSettings,
) -> PageRead {
    let n = content.number;
    let read = PageRead::read;
    match ocr_page(pdf, doc, content, image, s) {
        Ok(page) => {
            let (words, lines) = words_and_lines(page.glyphs_in(), layout_settings);
            let mut segments = page.raw_segments(s);
            segments.extend(content_segments(content));
            let rulings = rulings_from_segments(&segments, layout_settings);
            if tracing::enabled!(tracing::Level::TRACE) {
                for l in &lines {
                    let text: Vec<&str> = l
                        .words
                        .iter()
                        .filter_map(|&i| words.get(i))
                        .map(|w| w.text.as_str())
                        .collect();
                    tracing::trace!(page = n, "ocr line: {}", text.join(" "));
                }
            }
            let layout = PageLayout {
                number: n,
                width: content.width,
                height: content.height,
                words,
                lines,
                rulings,
                text_source: TextSource::Ocr,
            };
            let warnings = page
                .warnings
                .iter()
                .map(|w| format!("page {n}: {w}"))
                .collect();
            PageRead {
                engine: Some(page.engine.clone()),
                ..read(layout, warnings)
            }
        }
        Err(e) => {
            let failed = format!("page {n}: ocr failed: {e}");
            PageRead {
                layout: content_layout(content, layout_settings, TextSource::None),
                warnings: vec![failed.clone()],
                diagnostics: Vec::new(),
                failure: Some(failed),
                engine: None,
            }
        }
    }
}

/// Rule `hidden_words_off_ink` ([`classify::off_ink_doubt`]) on the page's pixels: the
/// covering image when it is decoded here, else the page rendered at `hidden_fit_dpi`.
/// Only when OCR is enabled (with it off, nothing is rendered); a page whose pixels cannot
/// be had is not doubted for it (the reason is logged).
fn hidden_layer_off_ink(
    pdf: &[u8],
    doc: &Document,
    content: &PageContent,
    image: Option<usize>,
    s: &OcrSettings,
) -> Option<String> {
    if !s.enabled {
        return None;
    }
    let pixels = match image::page_source(pdf, doc, content, image, s) {
        Ok(image::PageSource::Embedded { stream, bbox, .. }) => {
            image::decode(&stream, s).map(|g| (g, bbox))
        }
        Ok(image::PageSource::Render { .. }) => image::render(
            &s.renderer,
            pdf,
            content.number,
            s.hidden_fit_dpi,
            (content.width, content.height),
            s.max_image_pixels,
        )
        .map(|g| (g, Rect::new(0.0, 0.0, content.width, content.height)))
        .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match pixels {
        Ok((img, placed)) => classify::off_ink_doubt(content, &img, placed, s),
        Err(e) => {
            tracing::debug!(
                page = content.number,
                "hidden layer not checked against its image: {e}"
            );
            None
        }
    }
}

/// The page's own text layer as a layout, marked with `source`.
fn content_layout(
    content: &PageContent,
    layout_settings: &LayoutSettings,
    source: TextSource,
) -> PageLayout {
    let mut l = crate::layout::page_layout(content, layout_settings);
    l.text_source = source;
    l
}

/// The vector path pieces of a page (as the layout stage reads them).
fn content_segments(content: &PageContent) -> Vec<RawSegment> {
    let mut out: Vec<RawSegment> = content
        .lines
        .iter()
        .map(|l| RawSegment::Line {
            x0: l.a.x,
            y0: l.a.y,
            x1: l.b.x,
            y1: l.b.y,
        })
        .collect();
    out.extend(
        content
            .fills
            .iter()
            .filter(|f| !f.white)
            .map(|f| RawSegment::Fill(f.rect)),
    );
    out
}

/// The recognizer a run uses, chosen once per page from the settings and what is
/// installed.
enum Reader {
    Paddle(std::sync::Arc<paddle::Models>),
    /// Tesseract, with its version line.
    Tesseract(String),
}

impl Reader {
    /// The engine `s` asks for, or Tesseract with a warning when PP-OCR's models are
    /// missing and Tesseract is there. With neither, PP-OCR's error (it names the
    /// install command).
    fn choose(s: &OcrSettings) -> Result<(Reader, Vec<String>), Error> {
        match s.engine {
            Engine::Tesseract => Ok((
                Reader::Tesseract(tesseract::version(&s.tesseract)?),
                Vec::new(),
            )),
            Engine::Paddle => match paddle::load(s) {
                Ok(m) => Ok((Reader::Paddle(m), Vec::new())),
                Err(e @ Error::ModelsMissing { .. }) => match tesseract::version(&s.tesseract) {
                    Ok(v) => Ok((
                        Reader::Tesseract(v),
                        vec![format!("{e}; read with tesseract instead")],
                    )),
                    Err(_) => Err(e),
                },
                Err(e) => Err(e),
            },
        }
    }

    fn engine(&self) -> String {
        match self {
            Reader::Paddle(m) => m.engine.clone(),
            Reader::Tesseract(v) => v.clone(),
        }
    }

    fn read(
        &self,
        page: &image::PreparedPage,
        s: &OcrSettings,
    ) -> Result<Vec<words::EngineWord>, Error> {
        match self {
            Reader::Paddle(m) => m.read(&page.image, &page.rulings, s),
            Reader::Tesseract(_) => {
                let dpi = page.image.width as f64
                    / (page.map.bbox.width() / crate::geom::POINTS_PER_INCH);
                tesseract::parse_tsv(&tesseract::run(&page.pgm(), dpi, s)?)
            }
        }
    }
}

/// OCRs one page (from the cache when it was OCR'd before with the same image, settings
/// and engine). `image` is the index of the page-covering image, if one.
pub fn ocr_page(
    pdf: &[u8],
    doc: &Document,
    content: &PageContent,
    image: Option<usize>,
    s: &OcrSettings,
) -> Result<OcrPage, Error> {
    let (reader, warnings) = Reader::choose(s)?;
    let engine = reader.engine();
    let source = image::page_source(pdf, doc, content, image, s)?;
    let key = cache::key(&source, s, &engine);
    if s.cache {
        if let Some(hit) = cache::load(s, &key) {
            let mut page = hit.to_page(s);
            page.warnings = warnings;
            return Ok(page);
        }
    }
    let t0 = std::time::Instant::now();
    let page = image::prepare(&source, content, s)?;
    let t1 = std::time::Instant::now();
    let mut words = reader.read(&page, s)?;
    let marks = marks::dash_marks(&page.image, &words, &page.rulings, s);
    words.extend(marks);
    let t2 = std::time::Instant::now();
    let raw = OcrRaw {
        image: source.describe(),
        engine,
        skew_deg: page.skew_deg,
        map: page.map,
        rulings: page.rulings,
        words,
    };
    tracing::debug!(
        page = content.number,
        image = %raw.image,
        engine = %raw.engine,
        skew = raw.skew_deg,
        rulings = raw.rulings.len(),
        words = raw.words.len(),
        prepare_ms = (t1 - t0).as_millis() as u64,
        read_ms = (t2 - t1).as_millis() as u64,
        "ocr page"
    );
    if s.cache {
        // A cache that cannot be written only costs time on the next run.
        let _ = cache::store(s, &key, &raw);
    }
    let mut out = raw.to_page(s);
    out.warnings = warnings;
    Ok(out)
}
