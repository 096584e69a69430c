//! The page image for OCR: where it comes from (the embedded scan or a rendering), its
//! pixels (8-bit gray), skew estimation, one deskew-and-resample pass, and the mapping
//! from pixels of the prepared image to page points.
//!
//! Embedded `DCTDecode` (JPEG) and 8-bit `FlateDecode` images are decoded here (the
//! `jpeg-decoder` and `flate2` crates, pure Rust); anything else (CCITTFax, JBIG2, JPX,
//! several images, rotated placements, a page with undecodable fonts) is rendered by
//! poppler's `pdftoppm -gray` at `target_dpi`.

use std::io::Read;
use std::process::{Command, Stdio};

use nenpo_pdf::{Document, ImageStream, PageContent};

use super::rulings::{self, PxSegment};
use super::{Error, OcrSettings};
use crate::geom::{Rect, POINTS_PER_INCH};

/// An 8-bit gray image, row-major, 0 = black.
#[derive(Clone, Debug, PartialEq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Gray {
    pub fn new(width: usize, height: usize, fill: u8) -> Gray {
        Gray {
            width,
            height,
            pixels: vec![fill; width * height],
        }
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The image as binary PGM (P5), which Tesseract (leptonica) reads from stdin.
    pub fn pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }
}

/// Where the page image comes from.
#[derive(Clone, Debug)]
pub enum PageSource<'a> {
    /// An embedded image XObject covering the page, placed at `bbox` (page points).
    Embedded {
        pdf: &'a [u8],
        page: usize,
        stream: ImageStream,
        bbox: Rect,
        object: (u32, u16),
    },
    /// The page rendered by `pdftoppm`.
    Render {
        pdf: &'a [u8],
        page: usize,
        why: &'static str,
    },
}

impl<'a> PageSource<'a> {
    /// The document's bytes.
    pub fn pdf(&self) -> &'a [u8] {
        match self {
            PageSource::Embedded { pdf, .. } | PageSource::Render { pdf, .. } => pdf,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            PageSource::Embedded { stream, .. } => {
                format!(
                    "embedded {} {}x{}",
                    stream.filter, stream.width, stream.height
                )
            }
            PageSource::Render { why, .. } => format!("rendered ({why})"),
        }
    }
}

/// Picks the page image: the covering image `image` when it can be decoded here (JPEG,
/// or 8-bit gray/RGB Flate, placed upright on an unrotated page), else a rendering.
pub fn page_source<'a>(
    pdf: &'a [u8],
    doc: &Document,
    content: &PageContent,
    image: Option<usize>,
    s: &OcrSettings,
) -> Result<PageSource<'a>, Error> {
    let render = |why| {
        Ok(PageSource::Render {
            pdf,
            page: content.number,
            why,
        })
    };
    let Some(placement) = image.and_then(|i| content.images.get(i)) else {
        return render("no single page image");
    };
    let Some(object) = placement.object else {
        return render("inline image");
    };
    if content.rotate.rem_euclid(360) != 0 {
        return render("rotated page");
    }
    let (bw, bh) = (placement.bbox.width(), placement.bbox.height());
    if (placement.width > placement.height) != (bw > bh) && placement.width != placement.height {
        return render("image rotated by its placement");
    }
    let stream = match doc.image_stream(object) {
        Ok(s) => s,
        Err(_) => return render("image stream unreadable"),
    };
    let decodable = match stream.filters.as_slice() {
        [f] if f == "DCTDecode" => {
            matches!(stream.components, 1 | 3 | 4) || stream.color_space.is_empty()
        }
        [f] if f == "FlateDecode" => {
            stream.bits_per_component == 8
                && matches!(stream.components, 1 | 3)
                && (stream.predictor == 1 || stream.predictor >= 10)
        }
        _ => false,
    };
    if !stream.decode_identity {
        return render("image with a /Decode remapping");
    }
    if (stream.width as u64) * (stream.height as u64) > s.max_image_pixels {
        return render("image larger than max_image_pixels");
    }
    if !decodable || stream.width == 0 || stream.height == 0 {
        return render("image encoding decoded by poppler");
    }
    Ok(PageSource::Embedded {
        pdf,
        page: content.number,
        stream,
        bbox: placement.bbox,
        object,
    })
}

/// Decodes an embedded image to gray. Nothing is allocated for pixels before the
/// image's size is known to agree with its dictionary and to be within
/// `max_image_pixels`, and Flate inflation stops at the size the image can have.
pub fn decode(stream: &ImageStream, s: &OcrSettings) -> Result<Gray, String> {
    let pixels = (stream.width as u64).saturating_mul(stream.height as u64);
    if pixels > s.max_image_pixels {
        return Err(format!(
            "{}x{} is more than max_image_pixels ({})",
            stream.width, stream.height, s.max_image_pixels
        ));
    }
    match stream.filter.as_str() {
        "DCTDecode" => decode_jpeg(stream, s),
        "FlateDecode" => decode_flate(stream, s),
        other => Err(format!("filter {other} not decoded here")),
    }
}

fn decode_jpeg(stream: &ImageStream, s: &OcrSettings) -> Result<Gray, String> {
    let mut d = jpeg_decoder::Decoder::new(stream.data.as_slice());
    // The frame header (SOF) first: the decoder would allocate what it says.
    d.read_info().map_err(|e| e.to_string())?;
    let info = d.info().ok_or("jpeg without a header")?;
    let (w, h) = (info.width as usize, info.height as usize);
    if (info.width as u32, info.height as u32) != (stream.width, stream.height) {
        return Err(format!(
            "jpeg header says {w}x{h}, the image dictionary {}x{}",
            stream.width, stream.height
        ));
    }
    // Checked in `decode` for the dictionary's size, which the header's equals; the
    // decoder's own limit is a second guard (at most 4 bytes a pixel, CMYK).
    let limit = s.max_image_pixels.saturating_mul(4);
    d.set_max_decoding_buffer_size(usize::try_from(limit).unwrap_or(usize::MAX));
    let px = d.decode().map_err(|e| e.to_string())?;
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => px,
        jpeg_decoder::PixelFormat::L16 => px.chunks_exact(2).map(|c| c[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => {
            px.chunks_exact(3).map(|c| luma(c[0], c[1], c[2])).collect()
        }
        jpeg_decoder::PixelFormat::CMYK32 => px
            .chunks_exact(4)
            .map(|c| {
                // jpeg-decoder undoes Adobe's inversion: 255 - ink.
                let k = c[3] as f64 / 255.0;
                let f = |v: u8| (v as f64 * k) as u8;
                luma(f(c[0]), f(c[1]), f(c[2]))
            })
            .collect(),
    };
    if pixels.len() != w * h {
        return Err(format!("jpeg gave {} pixels for {w}x{h}", pixels.len()));
    }
    Ok(Gray {
        width: w,
        height: h,
        pixels,
    })
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8
}

/// `a * b` for sizes taken from input: an error rather than an overflow.
fn mul(a: usize, b: usize) -> Result<usize, String> {
    a.checked_mul(b)
        .ok_or_else(|| format!("image size {a} x {b} overflows"))
}

fn decode_flate(stream: &ImageStream, s: &OcrSettings) -> Result<Gray, String> {
    let (w, h, c) = (
        stream.width as usize,
        stream.height as usize,
        stream.components as usize,
    );
    if !matches!(c, 1 | 3) || stream.bits_per_component != 8 {
        return Err(format!(
            "{c} components of {} bits",
            stream.bits_per_component
        ));
    }
    let row = mul(w, c)?;
    // PNG predictors (/DecodeParms /Predictor 10–15): one filter byte per row (img2pdf
    // writes PNG scans so).
    let png = stream.predictor >= 10;
    let size = mul(if png { row + 1 } else { row }, h)?;
    // Inflate no further than the image can be (a bomb stops here, not at its end).
    let cap = (size as u64).saturating_add(s.image_stream_slack_bytes);
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(stream.data.as_slice())
        .take(cap.saturating_add(1))
        .read_to_end(&mut raw)
        .map_err(|e| format!("flate: {e}"))?;
    if raw.len() as u64 > cap {
        return Err(format!(
            "flate image inflates past {cap} bytes (the size of {w}x{h}x{c} plus \
             image_stream_slack_bytes): refused"
        ));
    }
    let data = if png {
        unpredict_png(&raw, row, h, c)?
    } else if raw.len() >= size {
        raw
    } else {
        return Err(format!(
            "flate image has {} bytes for {w}x{h}x{c}",
            raw.len()
        ));
    };
    // `data` holds at least `h` rows of `row` bytes (checked above, or by unpredict_png).
    let pixels = match c {
        1 => data[..w * h].to_vec(),
        _ => data[..row * h]
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
    };
    Ok(Gray {
        width: w,
        height: h,
        pixels,
    })
}

/// Undoes PNG row predictors (filter types 0–4, `bpp` bytes per pixel). Data shorter
/// than `h` rows of `row + 1` bytes is an error.
fn unpredict_png(raw: &[u8], row: usize, h: usize, bpp: usize) -> Result<Vec<u8>, String> {
    let need = mul(row.checked_add(1).ok_or("png row size overflows")?, h)?;
    if raw.len() < need {
        return Err(format!(
            "png-predicted image has {} bytes for {h} rows of {row} (needs {need})",
            raw.len()
        ));
    }
    let mut out = vec![0u8; mul(row, h)?];
    for y in 0..h {
        let src = &raw[y * (row + 1)..(y + 1) * (row + 1)];
        let (ft, src) = (src[0], &src[1..]);
        let (done, rest) = out.split_at_mut(y * row);
        let prev: &[u8] = if y > 0 { &done[(y - 1) * row..] } else { &[] };
        let cur = &mut rest[..row];
        for x in 0..row {
            let a = if x >= bpp { cur[x - bpp] as i32 } else { 0 };
            let b = prev.get(x).map_or(0, |&v| v as i32);
            let c = if x >= bpp {
                prev.get(x - bpp).map_or(0, |&v| v as i32)
            } else {
                0
            };
            let pred = match ft {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                t => return Err(format!("png predictor type {t}")),
            };
            cur[x] = (src[x] as i32 + pred) as u8;
        }
    }
    Ok(out)
}

/// The highest resolution (dots per inch, at most `dpi`) at which a `width_pt` ×
/// `height_pt` page has at most `max_pixels` pixels.
pub fn capped_dpi(dpi: f64, width_pt: f64, height_pt: f64, max_pixels: u64) -> f64 {
    let area_in2 = (width_pt / POINTS_PER_INCH) * (height_pt / POINTS_PER_INCH);
    if !(area_in2.is_finite() && area_in2 > 0.0) {
        return dpi;
    }
    let most = (max_pixels as f64 / area_in2).sqrt();
    dpi.min(most)
}

/// Renders one page with `pdftoppm -gray` at `dpi`, the PDF given on stdin; the
/// resolution is lowered so that the page (`size_pt`, as displayed) has at most
/// `max_pixels` pixels.
pub fn render(
    program: &str,
    pdf: &[u8],
    page: usize,
    dpi: f64,
    size_pt: (f64, f64),
    max_pixels: u64,
) -> Result<Gray, Error> {
    let fail = |message: String| Error::Render {
        page,
        program: program.to_string(),
        message,
    };
    let p = page.to_string();
    // Whole dots per inch, rounded down so the cap holds.
    let dpi = capped_dpi(dpi, size_pt.0, size_pt.1, max_pixels);
    let r = format!("{}", dpi.floor().max(1.0));
    let mut child = Command::new(program)
        .args(["-r", &r, "-gray", "-f", &p, "-l", &p, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::RendererMissing {
                program: program.to_string(),
            },
            _ => fail(e.to_string()),
        })?;
    let out = super::tesseract::feed_and_wait(&mut child, pdf).map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        return Err(fail(format!(
            "{}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let img = parse_pnm(&out.stdout).map_err(fail)?;
    // The page size poppler used may differ from ours (a crop box): hold it to the cap.
    if (img.width as u64).saturating_mul(img.height as u64) > max_pixels.saturating_mul(2) {
        return Err(fail(format!(
            "rendering is {}x{} pixels, over max_image_pixels ({max_pixels})",
            img.width, img.height
        )));
    }
    Ok(img)
}

/// Parses binary PGM (P5) or PPM (P6) with 8-bit samples into gray.
pub fn parse_pnm(data: &[u8]) -> Result<Gray, String> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < data.len() && data[i].is_ascii_whitespace() {
            i += 1;
        }
        if data.get(i) == Some(&b'#') {
            while i < data.len() && data[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < data.len() && !data[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            return Err("truncated pnm header".into());
        }
        fields.push(String::from_utf8_lossy(&data[start..i]).into_owned());
    }
    i += 1; // the single whitespace after maxval
    let num = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("bad pnm header field {s:?}"))
    };
    let (w, h, max) = (num(&fields[1])?, num(&fields[2])?, num(&fields[3])?);
    if max != 255 {
        return Err(format!("pnm maxval {max} (only 255 read)"));
    }
    let body = data.get(i..).unwrap_or(&[]);
    let n = mul(w, h)?;
    let pixels = match fields[0].as_str() {
        "P5" if body.len() >= n => body[..n].to_vec(),
        "P6" if body.len() / 3 >= n => body[..n * 3]
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        m => return Err(format!("pnm {m} with {} bytes for {w}x{h}", body.len())),
    };
    Ok(Gray {
        width: w,
        height: h,
        pixels,
    })
}

/// The gray levels the ink level is held within: on a page of almost all paper (or all
/// ink) Otsu's threshold drifts to the paper's grain (or into the ink); print on white
/// paper separates between these two.
const INK_LEVEL_RANGE: (u8, u8) = (64, 200);

/// The page's ink level: Otsu's threshold held within [`INK_LEVEL_RANGE`].
pub fn ink_level(img: &Gray) -> u8 {
    otsu(img).clamp(INK_LEVEL_RANGE.0, INK_LEVEL_RANGE.1)
}

/// Otsu's threshold of an image (the gray level separating ink from paper best).
pub fn otsu(img: &Gray) -> u8 {
    let mut hist = [0u64; 256];
    for &p in &img.pixels {
        hist[p as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0f64, 0f64, -1f64, 128u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total as f64 - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// The skew search samples about this many columns of every row (a 300 dpi A4 page's
/// 2,480 columns every other one): the profile stays sharp at a fraction of the work.
const SKEW_SAMPLE_COLUMNS: usize = 1000;

/// Fewer ink pixels than this is a blank page: no lines to align, no skew.
const SKEW_MIN_INK: usize = 100;

/// The coarse step of the skew search (degrees); the fine search (`skew_step_deg`)
/// covers one coarse step on either side of the best coarse angle.
const SKEW_COARSE_STEP_DEG: f64 = 0.1;

/// A page within this fraction of the target resolution, not skewed, is used as
/// decoded: resampling by 2% or less costs a blur and gains nothing.
const RESAMPLE_TOLERANCE: f64 = 0.02;

/// Estimates the skew of text lines and rulings in degrees (positive: lines descend to
/// the right) by maximising the sharpness (sum of squares) of the projection profile of
/// ink pixels along sheared rows: coarse steps of [`SKEW_COARSE_STEP_DEG`], then
/// `skew_step_deg` around the best coarse angle.
pub fn estimate_skew(img: &Gray, ink: u8, s: &OcrSettings) -> f64 {
    // Every row (an even row stride would favour 0°), columns sampled.
    let step_x = (img.width / SKEW_SAMPLE_COLUMNS).max(1);
    let mut pts: Vec<(f32, f32)> = Vec::new();
    for y in 0..img.height {
        for x in (0..img.width).step_by(step_x) {
            if img.get(x, y) <= ink {
                pts.push((x as f32, y as f32));
            }
        }
    }
    if pts.len() < SKEW_MIN_INK || s.max_skew_deg <= 0.0 {
        return 0.0;
    }
    let margin = (img.width as f64 * s.max_skew_deg.to_radians().tan()).ceil() as usize + 2;
    let bins = img.height + 2 * margin;
    let mut hist = vec![0u32; bins];
    let mut score = |deg: f64| -> f64 {
        hist.iter_mut().for_each(|h| *h = 0);
        let t = deg.to_radians().tan() as f32;
        for &(x, y) in &pts {
            let b = (y - x * t).round() as isize + margin as isize;
            if let Some(h) = usize::try_from(b).ok().and_then(|b| hist.get_mut(b)) {
                *h += 1;
            }
        }
        hist.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let search = |score: &mut dyn FnMut(f64) -> f64, lo: f64, hi: f64, step: f64| {
        let mut best = (f64::MIN, 0.0);
        let n = ((hi - lo) / step).round() as i64;
        for i in 0..=n {
            let d = lo + i as f64 * step;
            let v = score(d);
            if v > best.0 {
                best = (v, d);
            }
        }
        best.1
    };
    let m = s.max_skew_deg;
    let coarse = search(&mut score, -m, m, SKEW_COARSE_STEP_DEG.min(m));
    search(
        &mut score,
        (coarse - SKEW_COARSE_STEP_DEG).max(-m),
        (coarse + SKEW_COARSE_STEP_DEG).min(m),
        s.skew_step_deg,
    )
}

/// The largest scale, at most `scale`, at which a `width` × `height` image has at most
/// `max_pixels` pixels.
pub fn capped_scale(scale: f64, width: usize, height: usize, max_pixels: u64) -> f64 {
    let px = width as f64 * height as f64;
    if px <= 0.0 {
        return scale;
    }
    scale.min((max_pixels as f64 / px).sqrt())
}

/// Rotates by `-skew_deg` about the centre and scales by `scale` in one bilinear pass
/// (16.16 fixed point, stepping along each output row: about 5 ns a pixel). The scale is
/// lowered so the output has at most `max_pixels` pixels; a scale or angle that is not a
/// finite number (or a scale that is not positive) is an error.
pub fn deskew_resample(
    img: &Gray,
    skew_deg: f64,
    scale: f64,
    max_pixels: u64,
) -> Result<Gray, String> {
    if !(scale > 0.0 && scale.is_finite() && skew_deg.is_finite()) {
        return Err(format!(
            "cannot resample by {scale} and rotate by {skew_deg}°"
        ));
    }
    let capped = capped_scale(scale, img.width, img.height, max_pixels);
    // Rounded down when capped, so the cap holds.
    let size = |n: usize| {
        let v = n as f64 * capped;
        (if capped < scale { v.floor() } else { v.round() } as usize).max(1)
    };
    let (w2, h2, scale) = (size(img.width), size(img.height), capped);
    let mut out = Gray::new(w2, h2, 255);
    let (sin, cos) = skew_deg.to_radians().sin_cos();
    let (cx, cy) = (img.width as f64 / 2.0, img.height as f64 / 2.0);
    let (cx2, cy2) = (w2 as f64 / 2.0, h2 as f64 / 2.0);
    let (w, h) = (img.width as i64, img.height as i64);
    const ONE: f64 = 65536.0;
    // Source position per output step along a row.
    let (dsx, dsy) = ((cos / scale * ONE) as i64, (sin / scale * ONE) as i64);
    let src = &img.pixels;
    for y2 in 0..h2 {
        let dy = (y2 as f64 + 0.5 - cy2) / scale;
        let dx = (0.5 - cx2) / scale;
        let mut sx = ((cx + cos * dx - sin * dy - 0.5) * ONE) as i64;
        let mut sy = ((cy + sin * dx + cos * dy - 0.5) * ONE) as i64;
        let row = &mut out.pixels[y2 * w2..(y2 + 1) * w2];
        for px in row.iter_mut() {
            let (xi, yi) = (sx >> 16, sy >> 16);
            if xi >= 0 && yi >= 0 && xi < w - 1 && yi < h - 1 {
                let (fx, fy) = ((sx >> 8) & 0xFF, (sy >> 8) & 0xFF);
                let i = (yi * w + xi) as usize;
                let (a, b) = (src[i] as i64, src[i + 1] as i64);
                let (c, d) = (src[i + w as usize] as i64, src[i + w as usize + 1] as i64);
                let top = a * (256 - fx) + b * fx;
                let bot = c * (256 - fx) + d * fx;
                *px = ((top * (256 - fy) + bot * fy + 32768) >> 16) as u8;
            }
            sx += dsx;
            sy += dsy;
        }
    }
    Ok(out)
}

/// Prepared image pixels → page points: the image fills `bbox` (its placement; the
/// page for a rendering). Deskewing rotates about the image centre, so the prepared
/// image is the page as it was meant to be printed.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PixelMap {
    pub bbox: Rect,
    pub width: usize,
    pub height: usize,
}

impl PixelMap {
    /// Points per pixel, horizontally and vertically.
    pub fn scale(&self) -> (f64, f64) {
        (
            self.bbox.width() / self.width.max(1) as f64,
            self.bbox.height() / self.height.max(1) as f64,
        )
    }

    /// A pixel-space box (`x0, top, x1, bottom`, pixel edges) in page points.
    pub fn rect_to_points(&self, x0: f64, top: f64, x1: f64, bottom: f64) -> Rect {
        let (sx, sy) = self.scale();
        Rect::new(
            self.bbox.x0 + x0 * sx,
            self.bbox.top + top * sy,
            self.bbox.x0 + x1 * sx,
            self.bbox.top + bottom * sy,
        )
    }

    /// A ruling found in pixels as `[x0, y0, x1, y1, thickness]` in points.
    pub fn segment_to_points(&self, r: &PxSegment) -> [f64; 5] {
        let (sx, sy) = self.scale();
        let (ox, oy) = (self.bbox.x0, self.bbox.top);
        if r.horizontal {
            let y = oy + r.pos * sy;
            [ox + r.start * sx, y, ox + r.end * sx, y, r.thickness * sy]
        } else {
            let x = ox + r.pos * sx;
            [x, oy + r.start * sy, x, oy + r.end * sy, r.thickness * sx]
        }
    }
}

/// The image Tesseract reads, with what was learnt from it.
#[derive(Clone, Debug)]
pub struct PreparedPage {
    pub image: Gray,
    pub map: PixelMap,
    pub skew_deg: f64,
    /// Rulings found (and erased from `image` when `erase_rulings`), in its pixels.
    pub rulings: Vec<PxSegment>,
}

impl PreparedPage {
    pub fn pgm(&self) -> Vec<u8> {
        self.image.pgm()
    }
}

/// Gets the pixels (decoding, or rendering when decoding fails), deskews and resamples
/// them to `target_dpi`, and finds (and erases) the rulings.
pub fn prepare(
    source: &PageSource<'_>,
    content: &PageContent,
    s: &OcrSettings,
) -> Result<PreparedPage, Error> {
    let dpi = s.render_dpi();
    let page_rect = Rect::new(0.0, 0.0, content.width, content.height);
    let size = (content.width, content.height);
    let (img, bbox) = match source {
        PageSource::Embedded { stream, bbox, .. } => match decode(stream, s) {
            Ok(g) => (g, *bbox),
            // A broken or unusual stream: poppler may still draw it.
            Err(e) => {
                tracing::debug!(
                    page = content.number,
                    "embedded image not decoded ({e}); rendering"
                );
                (
                    render(
                        &s.renderer,
                        source.pdf(),
                        content.number,
                        dpi,
                        size,
                        s.max_image_pixels,
                    )?,
                    page_rect,
                )
            }
        },
        PageSource::Render { pdf, page, .. } => (
            render(&s.renderer, pdf, *page, dpi, size, s.max_image_pixels)?,
            page_rect,
        ),
    };
    if img.width < 2 || img.height < 2 || bbox.width() <= 0.0 || bbox.height() <= 0.0 {
        return Err(Error::Image {
            what: source.describe(),
            message: "empty image".into(),
        });
    }
    let t0 = std::time::Instant::now();
    let ink = s.ink_threshold.unwrap_or_else(|| ink_level(&img));
    let skew = estimate_skew(&img, ink, s);
    let t1 = std::time::Instant::now();
    let skew = if skew.abs() >= s.min_skew_deg {
        skew
    } else {
        0.0
    };
    let src_dpi = img.width as f64 / (bbox.width() / POINTS_PER_INCH);
    let scale = if s.target_dpi > 0.0 {
        s.target_dpi / src_dpi
    } else {
        1.0
    };
    let scale = capped_scale(scale, img.width, img.height, s.max_image_pixels);
    let mut image = if skew == 0.0 && (scale - 1.0).abs() < RESAMPLE_TOLERANCE {
        img
    } else {
        deskew_resample(&img, skew, scale, s.max_image_pixels).map_err(|message| Error::Image {
            what: source.describe(),
            message,
        })?
    };
    let t2 = std::time::Instant::now();
    let map = PixelMap {
        bbox,
        width: image.width,
        height: image.height,
    };
    let px_per_pt = image.width as f64 / bbox.width();
    let found = rulings::detect(&image, ink, px_per_pt, s);
    if s.erase_rulings {
        rulings::erase(&mut image, &found, s.ruling_max_thickness_pt * px_per_pt);
    }
    if s.paper_level < 255 {
        image
            .pixels
            .iter_mut()
            .filter(|p| **p >= s.paper_level)
            .for_each(|p| *p = 255);
    }
    tracing::debug!(
        skew_ms = (t1 - t0).as_millis() as u64,
        resample_ms = (t2 - t1).as_millis() as u64,
        rulings_ms = t2.elapsed().as_millis() as u64,
        "prepare"
    );
    Ok(PreparedPage {
        image,
        map,
        skew_deg: skew,
        rulings: found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white image with dark horizontal lines at the given rows, sheared by `deg`.
    fn lines_image(w: usize, h: usize, rows: &[usize], deg: f64) -> Gray {
        let mut g = Gray::new(w, h, 250);
        let t = deg.to_radians().tan();
        for &r in rows {
            for x in 50..w - 50 {
                let y = (r as f64 + x as f64 * t).round() as usize;
                for yy in y..y + 2 {
                    if yy < h {
                        g.pixels[yy * w + x] = 10;
                    }
                }
            }
        }
        g
    }

    #[test]
    fn skew_is_found_and_removed() {
        let s = OcrSettings::default();
        for deg in [-0.6, 0.0, 0.45] {
            let g = lines_image(1200, 800, &[100, 250, 400, 600], deg);
            let est = estimate_skew(&g, 128, &s);
            assert!((est - deg).abs() <= 0.03, "true {deg} found {est}");
            let straight = deskew_resample(&g, est, 1.0, s.max_image_pixels).expect("resample");
            // After deskewing, one row holds most of the first line's ink.
            let dark_in_row = |y: usize| {
                (0..straight.width)
                    .filter(|&x| straight.get(x, y) < 128)
                    .count()
            };
            let best = (0..straight.height).map(dark_in_row).max().unwrap_or(0);
            assert!(
                best > 900,
                "deskewed line has {best} ink pixels in its best row"
            );
        }
    }

    #[test]
    fn resample_scales() {
        let g = Gray::new(200, 100, 255);
        let r = deskew_resample(&g, 0.0, 1.5, 1_000_000).expect("resample");
        assert_eq!((r.width, r.height), (300, 150));
        assert!(r.pixels.iter().all(|&p| p == 255));
    }

    #[test]
    fn pixels_map_to_points() {
        // An A4 scan at 200 dpi resampled to 300 dpi: 2480 px over 595.3 pt.
        let map = PixelMap {
            bbox: Rect::new(0.0, 0.0, 595.28, 841.89),
            width: 2480,
            height: 3508,
        };
        let r = map.rect_to_points(300.0, 600.0, 600.0, 642.0);
        assert!((r.x0 - 72.0).abs() < 0.05 && (r.top - 144.0).abs() < 0.05);
        assert!((r.x1 - 144.0).abs() < 0.05 && (r.bottom - 154.08).abs() < 0.05);
        // A placement with margins: offset by its origin.
        let map = PixelMap {
            bbox: Rect::new(10.0, 20.0, 110.0, 220.0),
            width: 100,
            height: 200,
        };
        let seg = map.segment_to_points(&PxSegment {
            horizontal: true,
            pos: 50.0,
            start: 0.0,
            end: 100.0,
            thickness: 2.0,
        });
        assert_eq!(seg, [10.0, 70.0, 110.0, 70.0, 2.0]);
    }

    #[test]
    fn large_images_are_rendered_not_decoded() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/scan_ruled_jpeg.pdf"
        );
        let pdf = std::fs::read(path).expect("fixture");
        let doc = Document::load(&pdf, None).expect("pdf");
        let content = doc.page(1).expect("page");
        let image = (!content.images.is_empty()).then_some(0);
        let s = OcrSettings::default();
        let src = page_source(&pdf, &doc, &content, image, &s).expect("source");
        assert!(
            matches!(src, PageSource::Embedded { .. }),
            "{}",
            src.describe()
        );
        let small = OcrSettings {
            max_image_pixels: 1000,
            ..s
        };
        let src = page_source(&pdf, &doc, &content, image, &small).expect("source");
        assert_eq!(
            src.describe(),
            "rendered (image larger than max_image_pixels)"
        );
    }

    #[test]
    fn pnm_and_png_predictors() {
        let g = Gray {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        };
        assert_eq!(parse_pnm(&g.pgm()), Ok(g.clone()));
        assert!(parse_pnm(b"P5\n3 2\n255\n\x01").is_err());
        // Rows with the Sub (1) and Up (2) predictors.
        let raw = [1u8, 1, 1, 1, 2, 3, 4, 5];
        assert_eq!(unpredict_png(&raw, 3, 2, 1), Ok(vec![1, 2, 3, 4, 6, 8]));
    }

    /// An 8x8 gray baseline JPEG (PIL, quality 50): paper 200 with one dark row.
    const TINY_JPEG: &str = "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffc0000b080008000801011100ffc40014000100000000000000000000000000000005ffc4001b100000070100000000000000000000000000020405135494d3ffda0008010100003f0062372b69331ba0ffd9";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn stream(filter: &str, data: Vec<u8>, w: u32, h: u32, components: u32) -> ImageStream {
        ImageStream {
            data,
            filter: filter.into(),
            filters: vec![filter.into()],
            width: w,
            height: h,
            bits_per_component: 8,
            color_space: "DeviceGray".into(),
            components,
            predictor: 1,
            decode_identity: true,
        }
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).expect("compress");
        e.finish().expect("compress")
    }

    #[test]
    fn jpeg_header_must_agree_with_the_dictionary_before_decoding() {
        let s = OcrSettings::default();
        let jpeg = unhex(TINY_JPEG);
        let g = decode(&stream("DCTDecode", jpeg.clone(), 8, 8, 1), &s).expect("decodes");
        assert_eq!((g.width, g.height), (8, 8));
        assert!(g.get(0, 3) < 100 && g.get(0, 0) > 150, "{:?}", g.pixels);
        // The frame header patched to say 60000x60000 while the dictionary says 100x100:
        // refused from the header, before any pixel buffer is allocated.
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        let mut bomb = jpeg.clone();
        bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
        let e = decode(&stream("DCTDecode", bomb.clone(), 100, 100, 1), &s).expect_err("refused");
        assert!(e.contains("60000x60000") && e.contains("100x100"), "{e}");
        // Header and dictionary agreeing on 60000x60000: over max_image_pixels.
        let e = decode(&stream("DCTDecode", bomb, 60000, 60000, 1), &s).expect_err("refused");
        assert!(e.contains("max_image_pixels"), "{e}");
    }

    #[test]
    fn flate_inflation_stops_at_the_image_size() {
        let s = OcrSettings::default();
        let ok = decode(
            &stream("FlateDecode", zlib(&[7u8; 100 * 100]), 100, 100, 1),
            &s,
        )
        .expect("decodes");
        assert_eq!(ok.pixels, vec![7u8; 100 * 100]);
        // 50 MB of zeros declared as a 100x100 gray image.
        let bomb = zlib(&vec![0u8; 50 << 20]);
        // Refused once one byte past the cap (10,000 + slack) has come out.
        let e = decode(&stream("FlateDecode", bomb, 100, 100, 1), &s).expect_err("refused");
        assert!(e.contains("inflates past 75536 bytes"), "{e}");
        // Padding within image_stream_slack_bytes is accepted.
        let mut padded = vec![7u8; 100 * 100];
        padded.extend_from_slice(&[0u8; 1000]);
        assert!(decode(&stream("FlateDecode", zlib(&padded), 100, 100, 1), &s).is_ok());
    }

    #[test]
    fn predicted_rgb_flate_decodes() {
        // 2x2 RGB, rows with the None (0) and Up (2) predictors: white, black / same.
        let raw = [0u8, 255, 255, 255, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        let mut st = stream("FlateDecode", zlib(&raw), 2, 2, 3);
        st.predictor = 15;
        let g = decode(&st, &OcrSettings::default()).expect("decodes");
        assert_eq!(g.pixels, vec![255, 0, 255, 0]);
    }

    #[test]
    fn short_predicted_data_is_an_error_not_a_panic() {
        // Two rows of 3 bytes need 8 bytes (a filter byte a row); 5 given.
        let e = unpredict_png(&[2, 1, 1, 1, 0], 3, 2, 1).expect_err("short");
        assert!(e.contains("needs 8"), "{e}");
        assert!(unpredict_png(&[], 3, 2, 1).is_err());
        let mut st = stream("FlateDecode", zlib(&[1, 2, 3]), 100, 100, 1);
        st.predictor = 15;
        assert!(decode(&st, &OcrSettings::default()).is_err());
    }

    #[test]
    fn sizes_from_input_never_overflow() {
        let huge = format!("P5\n{} 2\n255\n\x01\x02", usize::MAX);
        let e = parse_pnm(huge.as_bytes()).expect_err("overflow");
        assert!(e.contains("overflows"), "{e}");
        let huge = format!("P6\n{} 3\n255\n\x01\x02", usize::MAX / 2);
        assert!(parse_pnm(huge.as_bytes()).is_err());
        let mut st = stream("FlateDecode", zlib(&[0]), u32::MAX, u32::MAX, 3);
        let s = OcrSettings {
            max_image_pixels: u64::MAX,
            ..OcrSettings::default()
        };
        assert!(decode(&st, &s).is_err());
        st.predictor = 12;
        assert!(decode(&st, &s).is_err());
    }

    #[test]
    fn render_and_resample_sizes_are_capped() {
        // A4 at 300 dpi is under the default cap: unchanged.
        assert_eq!(capped_dpi(300.0, 595.0, 842.0, 60_000_000), 300.0);
        // A 200 x 200 inch page at 300 dpi would be 3.6 G pixels.
        let dpi = capped_dpi(300.0, 14_400.0, 14_400.0, 60_000_000);
        let px = (200.0 * dpi.floor()) * (200.0 * dpi.floor());
        assert!(dpi < 300.0 && px <= 60_000_000.0, "{dpi} {px}");
        let g = Gray::new(100, 50, 255);
        let big = deskew_resample(&g, 0.3, 1e9, 1_000_000).expect("capped");
        assert!(
            big.width * big.height <= 1_000_000,
            "{}x{}",
            big.width,
            big.height
        );
        assert!(big.width >= 1400, "{}x{}", big.width, big.height);
        for bad in [f64::INFINITY, f64::NAN, 0.0, -1.0] {
            assert!(deskew_resample(&g, 0.0, bad, 1_000_000).is_err(), "{bad}");
        }
        assert!(deskew_resample(&g, f64::NAN, 1.0, 1_000_000).is_err());
    }

    #[test]
    fn otsu_splits_ink_from_paper() {
        let mut g = Gray::new(100, 10, 240);
        g.pixels[..200].iter_mut().for_each(|p| *p = 20);
        let t = otsu(&g);
        assert!((20..240).contains(&t));
    }
}
