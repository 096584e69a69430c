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
use crate::geom::Rect;

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

/// Decodes an embedded image to gray.
pub fn decode(stream: &ImageStream) -> Result<Gray, String> {
    match stream.filter.as_str() {
        "DCTDecode" => decode_jpeg(&stream.data),
        "FlateDecode" => decode_flate(stream),
        other => Err(format!("filter {other} not decoded here")),
    }
}

fn decode_jpeg(data: &[u8]) -> Result<Gray, String> {
    let mut d = jpeg_decoder::Decoder::new(data);
    let px = d.decode().map_err(|e| e.to_string())?;
    let info = d.info().ok_or("jpeg without a header")?;
    let (w, h) = (info.width as usize, info.height as usize);
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

fn decode_flate(stream: &ImageStream) -> Result<Gray, String> {
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(stream.data.as_slice())
        .read_to_end(&mut raw)
        .map_err(|e| format!("flate: {e}"))?;
    let (w, h, c) = (
        stream.width as usize,
        stream.height as usize,
        stream.components as usize,
    );
    let row = w * c;
    // PNG predictors (/DecodeParms /Predictor 10–15): one filter byte per row (img2pdf
    // writes PNG scans so).
    let data = if stream.predictor >= 10 {
        unpredict_png(&raw, row, h, c)?
    } else if raw.len() >= h * row {
        raw
    } else {
        return Err(format!(
            "flate image has {} bytes for {w}x{h}x{c}",
            raw.len()
        ));
    };
    let pixels = match c {
        1 => data[..w * h].to_vec(),
        3 => data[..w * h * 3]
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        _ => return Err(format!("{c} components")),
    };
    Ok(Gray {
        width: w,
        height: h,
        pixels,
    })
}

/// Undoes PNG row predictors (filter types 0–4, `bpp` bytes per pixel).
fn unpredict_png(raw: &[u8], row: usize, h: usize, bpp: usize) -> Result<Vec<u8>, String> {
    let mut out = vec![0u8; row * h];
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

/// Renders one page with `pdftoppm -gray` at `dpi`, the PDF given on stdin.
pub fn render(program: &str, pdf: &[u8], page: usize, dpi: f64) -> Result<Gray, Error> {
    let fail = |message: String| Error::Render {
        page,
        program: program.to_string(),
        message,
    };
    let p = page.to_string();
    let r = format!("{}", dpi.round().max(1.0));
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
    parse_pnm(&out.stdout).map_err(fail)
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
    let pixels = match fields[0].as_str() {
        "P5" if body.len() >= w * h => body[..w * h].to_vec(),
        "P6" if body.len() >= w * h * 3 => body[..w * h * 3]
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

/// Estimates the skew of text lines and rulings in degrees (positive: lines descend to
/// the right) by maximising the sharpness (sum of squares) of the projection profile of
/// ink pixels along sheared rows: coarse steps of 0.1°, then `skew_step_deg`.
pub fn estimate_skew(img: &Gray, ink: u8, s: &OcrSettings) -> f64 {
    // Every row (an even row stride would favour 0°), columns sampled.
    let step_x = (img.width / 1000).max(1);
    let mut pts: Vec<(f32, f32)> = Vec::new();
    for y in 0..img.height {
        for x in (0..img.width).step_by(step_x) {
            if img.get(x, y) <= ink {
                pts.push((x as f32, y as f32));
            }
        }
    }
    if pts.len() < 100 || s.max_skew_deg <= 0.0 {
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
    let coarse = search(&mut score, -m, m, 0.1_f64.min(m));
    let step = s.skew_step_deg.max(0.001);
    search(
        &mut score,
        (coarse - 0.1).max(-m),
        (coarse + 0.1).min(m),
        step,
    )
}

/// Rotates by `-skew_deg` about the centre and scales by `scale` in one bilinear pass
/// (16.16 fixed point, stepping along each output row: about 5 ns a pixel).
pub fn deskew_resample(img: &Gray, skew_deg: f64, scale: f64) -> Gray {
    let w2 = ((img.width as f64 * scale).round() as usize).max(1);
    let h2 = ((img.height as f64 * scale).round() as usize).max(1);
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
    out
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
    let dpi = if s.target_dpi > 0.0 {
        s.target_dpi
    } else {
        300.0
    };
    let page_rect = Rect::new(0.0, 0.0, content.width, content.height);
    let (img, bbox) = match source {
        PageSource::Embedded { stream, bbox, .. } => match decode(stream) {
            Ok(g) => (g, *bbox),
            // A broken or unusual stream: poppler may still draw it.
            Err(_) => (
                render(&s.renderer, source.pdf(), content.number, dpi)?,
                page_rect,
            ),
        },
        PageSource::Render { pdf, page, .. } => (render(&s.renderer, pdf, *page, dpi)?, page_rect),
    };
    if img.width < 2 || img.height < 2 || bbox.width() <= 0.0 || bbox.height() <= 0.0 {
        return Err(Error::Image {
            what: source.describe(),
            message: "empty image".into(),
        });
    }
    let t0 = std::time::Instant::now();
    let ink = s.ink_threshold.unwrap_or_else(|| otsu(&img).clamp(64, 200));
    let skew = estimate_skew(&img, ink, s);
    let t1 = std::time::Instant::now();
    let skew = if skew.abs() >= s.min_skew_deg {
        skew
    } else {
        0.0
    };
    let src_dpi = img.width as f64 / (bbox.width() / 72.0);
    let scale = if s.target_dpi > 0.0 {
        s.target_dpi / src_dpi
    } else {
        1.0
    };
    let mut image = if skew == 0.0 && (scale - 1.0).abs() < 0.02 {
        img
    } else {
        deskew_resample(&img, skew, scale)
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
            let straight = deskew_resample(&g, est, 1.0);
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
        let r = deskew_resample(&g, 0.0, 1.5);
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

    #[test]
    fn otsu_splits_ink_from_paper() {
        let mut g = Gray::new(100, 10, 240);
        g.pixels[..200].iter_mut().for_each(|p| *p = 20);
        let t = otsu(&g);
        assert!((20..240).contains(&t));
    }
}
