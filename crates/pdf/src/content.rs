//! What one page yields: glyphs, path segments, filled rectangles and images.
//! These types are the crate's contract with the rest of nenpo; fields may be added.

use crate::geom::{Point, Rect};

/// The writing direction of a glyph in the page as displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    /// Baseline horizontal, text runs left to right (ordinary text).
    #[default]
    LeftToRight,
    /// Baseline vertical, text runs top to bottom (rotated 90° clockwise, or vertical CJK).
    TopToBottom,
    /// Baseline vertical, text runs bottom to top (rotated 90° anticlockwise).
    BottomToTop,
    /// Upside down.
    RightToLeft,
    /// Any other angle.
    Other,
}

/// One painted glyph (or one `/ActualText` replacement).
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    /// Unicode text, usually one character; a ligature or `/ActualText` may give more.
    pub text: String,
    /// The glyph's box: advance width by font ascent to descent (font size when unknown).
    pub bbox: Rect,
    /// The effective font size in points as rendered (text matrix and CTM applied).
    pub size: f64,
    /// Index into [`PageContent::fonts`].
    pub font: u16,
    pub direction: Direction,
    /// Text render mode 3 (neither filled nor stroked): a scanner's hidden OCR layer.
    pub invisible: bool,
}

/// A font used on the page.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FontInfo {
    /// BaseFont without the subset prefix (`ABCDEF+`).
    pub name: String,
    pub bold: bool,
    pub italic: bool,
}

/// A stroked straight segment (from `m`/`l`, `re` edges, or a curve's chord is *not* included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathLine {
    pub a: Point,
    pub b: Point,
    /// Line width in points after the CTM.
    pub width: f64,
}

/// A filled axis-aligned rectangle (`re f`, or a closed four-point path that is one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilledRect {
    pub rect: Rect,
    /// Filled with white (or near white): a background, never a ruling line.
    pub white: bool,
}

/// An image XObject (or inline image) placed on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ImagePlacement {
    pub bbox: Rect,
    /// Pixel size of the image.
    pub width: u32,
    pub height: u32,
    /// The last filter of its stream (`DCTDecode`, `FlateDecode`, `CCITTFaxDecode`, `JBIG2Decode`, …) or empty.
    pub filter: String,
    /// Object id of the XObject, `None` for an inline image.
    pub object: Option<(u32, u16)>,
}

/// Everything nenpo needs from one page.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PageContent {
    /// 1-based page number.
    pub number: usize,
    /// Displayed size in points (after `/Rotate`, from the CropBox, else the MediaBox).
    pub width: f64,
    pub height: f64,
    /// The page's `/Rotate` (0, 90, 180, 270).
    pub rotate: i32,
    pub glyphs: Vec<Glyph>,
    pub lines: Vec<PathLine>,
    pub fills: Vec<FilledRect>,
    pub images: Vec<ImagePlacement>,
    pub fonts: Vec<FontInfo>,
    /// Glyphs painted visibly whose Unicode could not be found (no ToUnicode, no usable
    /// encoding or font cmap). They are *not* in `glyphs`. A page with many of these goes to OCR.
    pub undecoded_glyphs: usize,
    /// Things worth telling an operator (a font that could not be read, an operator error).
    pub warnings: Vec<String>,
}
