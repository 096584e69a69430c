//! Page classification: does a page's text layer deserve trust, is it a scanner's hidden
//! OCR layer, or does the page need OCR? A pure function of the page content.

use nenpo_pdf::PageContent;

use super::image::{ink_level, Gray};
use super::OcrSettings;
use crate::geom::Rect;

/// At most this many characters of a hidden layer are checked against the image, and at
/// most this many points of each character's box are sampled: the check costs the same
/// on any page, whatever its layer claims.
const FIT_MAX_GLYPHS: usize = 4000;
const FIT_SAMPLES_PER_SIDE: usize = 12;
/// Fewer characters than this say nothing about a layer's fit.
const FIT_MIN_GLYPHS: usize = 10;

/// What to do with a page's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageClass {
    /// A trustworthy text layer: used as is, never OCR'd.
    Digital,
    /// Every glyph invisible (render mode 3) over a page-covering image: a scanner's OCR
    /// layer, used as is when plausible ([`hidden_layer_doubt`]). `image` as for
    /// `NeedsOcr`: what to recognize when it is not.
    HiddenOcrLayer { image: Option<usize> },
    /// No usable text: OCR the page. `image` is the index in `PageContent::images` of the
    /// one image covering the page, if there is exactly one (else the page is rendered).
    NeedsOcr { image: Option<usize> },
    /// No text and no image: nothing to read.
    Empty,
}

impl PageClass {
    /// Why a page needs OCR, in words (for warnings).
    pub fn reason(&self) -> &'static str {
        match self {
            PageClass::NeedsOcr { image: Some(_) } => {
                "an image covers the page and there is no text layer"
            }
            PageClass::NeedsOcr { image: None } => "the text layer cannot be decoded",
            PageClass::Digital => "text layer",
            PageClass::HiddenOcrLayer { .. } => "hidden ocr layer",
            PageClass::Empty => "empty page",
        }
    }
}

/// Classifies a page:
/// * visible decoded glyphs ≥ `min_text_glyphs` and not dominated by undecodable ones
///   (`undecoded_share_max`) → [`PageClass::Digital`];
/// * glyphs present, all invisible, over a page-covering image → [`PageClass::HiddenOcrLayer`];
/// * otherwise, a page-covering image (`image_cover_min`) or an undecodable text layer →
///   [`PageClass::NeedsOcr`];
/// * a few visible glyphs and no image → [`PageClass::Digital`]; nothing at all →
///   [`PageClass::Empty`].
pub fn classify(content: &PageContent, s: &OcrSettings) -> PageClass {
    let page_area = (content.width * content.height).max(1e-9);
    let covering: Vec<usize> = content
        .images
        .iter()
        .enumerate()
        .filter(|(_, im)| {
            let b = &im.bbox;
            let w = (b.x1.min(content.width) - b.x0.max(0.0)).max(0.0);
            let h = (b.bottom.min(content.height) - b.top.max(0.0)).max(0.0);
            w * h / page_area >= s.image_cover_min
        })
        .map(|(i, _)| i)
        .collect();
    let has_cover = !covering.is_empty();
    // The one image to OCR: a single covering image; several (strips, overlays) are rendered.
    let image = match covering.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let visible = content
        .glyphs
        .iter()
        .filter(|g| !g.invisible && !g.text.trim().is_empty())
        .count();
    let invisible = content.glyphs.iter().filter(|g| g.invisible).count();
    let painted = visible + content.undecoded_glyphs;
    let undecoded_dominates =
        painted > 0 && content.undecoded_glyphs as f64 >= s.undecoded_share_max * painted as f64;

    if visible >= s.min_text_glyphs && !undecoded_dominates {
        return PageClass::Digital;
    }
    if invisible > 0 && visible == 0 && has_cover && !undecoded_dominates {
        return PageClass::HiddenOcrLayer { image };
    }
    if undecoded_dominates && content.undecoded_glyphs >= s.min_text_glyphs {
        return PageClass::NeedsOcr {
            image: if has_cover { image } else { None },
        };
    }
    if has_cover {
        return PageClass::NeedsOcr { image };
    }
    if visible > 0 || invisible > 0 {
        return PageClass::Digital;
    }
    if content.undecoded_glyphs > 0 {
        return PageClass::NeedsOcr { image: None };
    }
    PageClass::Empty
}

/// Rule `implausible_hidden_layer`: why a scanner's hidden OCR layer is not to be
/// trusted, if it is not. A scanner's own OCR misreads in ways a table cannot use:
/// letters inside numbers (`lO,169,216`, `1,2S4`) in at least `hidden_max_bad_numbers`
/// of its number-like words, or kanji outside JIS X 0208 (which a Japanese document
/// never prints: [`super::jis`]) in at least `hidden_max_non_jis` of its kanji. The page
/// is then recognized instead, and says why.
pub fn hidden_layer_doubt(content: &PageContent, s: &OcrSettings) -> Option<String> {
    let words: Vec<&str> = content
        .glyphs
        .iter()
        .flat_map(|g| g.text.split_whitespace())
        .collect();
    // Number-like: digits with separators, at most two letters among them.
    let numberish: Vec<&&str> = words
        .iter()
        .filter(|w| {
            let digits = w.chars().filter(|c| c.is_ascii_digit()).count();
            let letters = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
            digits >= 3 && letters <= 2 && w.contains([',', '.'])
        })
        .collect();
    let bad = numberish
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .count();
    if numberish.len() >= 3 && bad as f64 >= s.hidden_max_bad_numbers * numberish.len() as f64 {
        return Some(format!(
            "{bad} of its {} numbers hold letters",
            numberish.len()
        ));
    }
    let kanji: Vec<char> = content
        .glyphs
        .iter()
        .flat_map(|g| g.text.chars())
        .filter(|&c| super::jis::is_kanji(c))
        .collect();
    let non_jis = kanji.iter().filter(|&&c| !super::jis::in_0208(c)).count();
    if kanji.len() >= 10 && non_jis as f64 >= s.hidden_max_non_jis * kanji.len() as f64 {
        return Some(format!(
            "{non_jis} of its {} kanji are outside JIS X 0208",
            kanji.len()
        ));
    }
    None
}

/// Rule `hidden_words_off_ink`: a scanner's hidden layer whose characters lie over blank
/// paper does not belong to its image (a layer from another scan of the document, one
/// shifted or scaled wrong by the software that joined them). `img` is the page image,
/// placed at `placed` (page points); a character lies over ink when at least
/// `hidden_min_ink` of the points sampled in its box are darker than the image's ink
/// threshold (Otsu's). The layer is doubted when at least `hidden_max_off_ink` of its
/// characters (at least [`FIT_MIN_GLYPHS`] checked) do not, or lie outside the image.
pub fn off_ink_doubt(
    content: &PageContent,
    img: &Gray,
    placed: Rect,
    s: &OcrSettings,
) -> Option<String> {
    if img.width == 0 || img.height == 0 || placed.width() <= 0.0 || placed.height() <= 0.0 {
        return None;
    }
    let ink = ink_level(img);
    let (sx, sy) = (
        img.width as f64 / placed.width(),
        img.height as f64 / placed.height(),
    );
    let (mut checked, mut off) = (0usize, 0usize);
    for g in content
        .glyphs
        .iter()
        .filter(|g| g.invisible && !g.text.trim().is_empty())
        .take(FIT_MAX_GLYPHS)
    {
        checked += 1;
        let b = &g.bbox;
        let x0 = ((b.x0 - placed.x0) * sx).max(0.0);
        let x1 = ((b.x1 - placed.x0) * sx).min(img.width as f64);
        let y0 = ((b.top - placed.top) * sy).max(0.0);
        let y1 = ((b.bottom - placed.top) * sy).min(img.height as f64);
        if !(x1 > x0 && y1 > y0) {
            off += 1;
            continue;
        }
        let n = FIT_SAMPLES_PER_SIDE;
        let mut dark = 0usize;
        for i in 0..n {
            for j in 0..n {
                let x = x0 + (x1 - x0) * (i as f64 + 0.5) / n as f64;
                let y = y0 + (y1 - y0) * (j as f64 + 0.5) / n as f64;
                if img.get(x as usize, y as usize) <= ink {
                    dark += 1;
                }
            }
        }
        if (dark as f64) < s.hidden_min_ink * (n * n) as f64 {
            off += 1;
        }
    }
    tracing::debug!(
        page = content.number,
        checked,
        off,
        "hidden layer's characters over blank paper"
    );
    (checked >= FIT_MIN_GLYPHS && off as f64 >= s.hidden_max_off_ink * checked as f64).then(|| {
        format!("{off} of its {checked} characters lie over blank paper in the page image")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nenpo_pdf::{Direction, Glyph, ImagePlacement, Rect};

    fn glyph(invisible: bool) -> Glyph {
        Glyph {
            text: "字".into(),
            bbox: Rect::new(10.0, 10.0, 20.0, 20.0),
            size: 10.0,
            font: 0,
            direction: Direction::LeftToRight,
            invisible,
        }
    }

    fn page(glyphs: Vec<Glyph>, image: Option<Rect>, undecoded: usize) -> PageContent {
        PageContent {
            number: 1,
            width: 595.0,
            height: 842.0,
            glyphs,
            undecoded_glyphs: undecoded,
            images: image
                .into_iter()
                .map(|bbox| ImagePlacement {
                    bbox,
                    width: 1653,
                    height: 2339,
                    filter: "DCTDecode".into(),
                    object: Some((7, 0)),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn implausible_hidden_layers_are_doubted() {
        let s = OcrSettings::default();
        let text = |t: &[&str]| {
            let glyphs = t
                .iter()
                .map(|t| Glyph {
                    text: (*t).into(),
                    invisible: true,
                    ..glyph(true)
                })
                .collect();
            page(glyphs, full(), 0)
        };
        // A clean layer.
        let clean = text(&["歳入", "10,169,216", "1,254", "3,000", "市税"]);
        assert_eq!(hidden_layer_doubt(&clean, &s), None);
        // Letters in numbers.
        let letters = text(&["lO,169,216", "1,2S4", "3,000", "5,O00"]);
        assert!(
            hidden_layer_doubt(&letters, &s).is_some_and(|r| r.contains("numbers hold letters"))
        );
        // Kanji a Japanese document never prints (a Chinese-trained scanner OCR).
        let chinese = text(&["歲入歲出预算书", "稅收总额"]);
        assert!(hidden_layer_doubt(&chinese, &s).is_some_and(|r| r.contains("JIS X 0208")));
    }

    #[test]
    fn a_layer_over_blank_paper_is_doubted() {
        // A 100 x 100 pt page scanned at 2 px/pt: ink in its top half only.
        let mut img = Gray::new(200, 200, 255);
        for y in 20..90 {
            for x in 10..190 {
                if (x + y) % 3 == 0 {
                    img.pixels[y * 200 + x] = 0;
                }
            }
        }
        let placed = Rect::new(0.0, 0.0, 100.0, 100.0);
        let line = |top: f64| -> Vec<Glyph> {
            (0..12)
                .map(|i| Glyph {
                    bbox: Rect::new(6.0 + 7.0 * i as f64, top, 13.0 + 7.0 * i as f64, top + 8.0),
                    ..glyph(true)
                })
                .collect()
        };
        let s = OcrSettings::default();
        let fits = page(line(20.0), full(), 0);
        assert_eq!(off_ink_doubt(&fits, &img, placed, &s), None);
        let shifted = page(line(60.0), full(), 0);
        assert!(off_ink_doubt(&shifted, &img, placed, &s)
            .is_some_and(|r| r.contains("12 of its 12 characters lie over blank paper")));
        // Half of them off: doubted at the default 0.3, not at 0.6.
        let mut half = line(20.0);
        half.truncate(6);
        half.extend(line(60.0).into_iter().take(6));
        let half = page(half, full(), 0);
        assert!(off_ink_doubt(&half, &img, placed, &s).is_some());
        let lenient = OcrSettings {
            hidden_max_off_ink: 0.6,
            ..OcrSettings::default()
        };
        assert_eq!(off_ink_doubt(&half, &img, placed, &lenient), None);
        // Outside the image counts as off; too few characters say nothing.
        let outside = page(line(150.0), full(), 0);
        assert!(off_ink_doubt(&outside, &img, placed, &s).is_some());
        let few = page(line(60.0).into_iter().take(5).collect(), full(), 0);
        assert_eq!(off_ink_doubt(&few, &img, placed, &s), None);
    }

    fn full() -> Option<Rect> {
        Some(Rect::new(0.0, 0.0, 595.0, 842.0))
    }

    #[test]
    fn real_text_is_never_ocrd() {
        let s = OcrSettings::default();
        assert_eq!(
            classify(&page(vec![glyph(false); 200], None, 0), &s),
            PageClass::Digital
        );
        // Even over a full-page image (a digital page with a background picture).
        assert_eq!(
            classify(&page(vec![glyph(false); 200], full(), 3), &s),
            PageClass::Digital
        );
        // A short digital page without images.
        assert_eq!(
            classify(&page(vec![glyph(false); 5], None, 0), &s),
            PageClass::Digital
        );
    }

    #[test]
    fn invisible_text_over_image_is_a_hidden_layer() {
        let s = OcrSettings::default();
        assert_eq!(
            classify(&page(vec![glyph(true); 300], full(), 0), &s),
            PageClass::HiddenOcrLayer { image: Some(0) }
        );
    }

    #[test]
    fn image_only_needs_ocr_of_that_image() {
        let s = OcrSettings::default();
        assert_eq!(
            classify(&page(vec![], full(), 0), &s),
            PageClass::NeedsOcr { image: Some(0) }
        );
        // A stamp of a few real characters over a scan.
        assert_eq!(
            classify(&page(vec![glyph(false); 4], full(), 0), &s),
            PageClass::NeedsOcr { image: Some(0) }
        );
        // A small image (a logo) does not make a page a scan.
        let small = Some(Rect::new(10.0, 10.0, 100.0, 60.0));
        assert_eq!(classify(&page(vec![], small, 0), &s), PageClass::Empty);
    }

    #[test]
    fn undecodable_text_is_ocrd_by_rendering() {
        let s = OcrSettings::default();
        assert_eq!(
            classify(&page(vec![glyph(false); 10], None, 400), &s),
            PageClass::NeedsOcr { image: None }
        );
        assert_eq!(
            classify(&page(vec![], full(), 400), &s),
            PageClass::NeedsOcr { image: Some(0) }
        );
    }

    #[test]
    fn two_covering_images_are_rendered() {
        let s = OcrSettings::default();
        let mut p = page(vec![], full(), 0);
        let again = p.images[0].clone();
        p.images.push(again);
        assert_eq!(classify(&p, &s), PageClass::NeedsOcr { image: None });
    }

    #[test]
    fn nothing_is_empty() {
        assert_eq!(
            classify(&page(vec![], None, 0), &OcrSettings::default()),
            PageClass::Empty
        );
    }
}
