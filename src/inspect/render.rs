//! Page pictures: a PDF page rasterised by `hayro` (pure Rust) into a [`Canvas`], and the
//! legend, which is a one-page PDF written here (Helvetica labels, colour swatches) and
//! rasterised the same way.
//!
//! Text set in a font the PDF does not embed is drawn with a fallback font: hayro carries
//! the 14 standard fonts; for Japanese (and other CJK) fonts the first file of
//! [`InspectSettings::cjk_fonts`] that exists is used, and when none does the text is left
//! out and a warning says so.

use std::sync::{Arc, Mutex, OnceLock};

use hayro::hayro_interpret::font::{FontData, FontQuery};
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::Affine;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{render_into, RenderCache, RenderSettings};

use super::overlay::{Layer, Scale};
use super::paint::Canvas;
use super::{Error, InspectSettings};

/// A document opened for rendering, with the warnings its fonts gave.
pub struct Renderer {
    pdf: Pdf,
    settings: InterpreterSettings,
    warnings: Arc<Mutex<Vec<String>>>,
}

impl Renderer {
    /// Opens `bytes` (with `password` when encrypted).
    pub fn open(
        bytes: &[u8],
        password: Option<&str>,
        s: &InspectSettings,
    ) -> Result<Renderer, Error> {
        let pdf = Pdf::new_with_password(bytes.to_vec(), password.unwrap_or("")).map_err(|e| {
            Error::Render {
                page: None,
                message: format!("cannot open the document: {e:?}"),
            }
        })?;
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let settings = InterpreterSettings {
            font_resolver: font_resolver(&s.cjk_fonts, warnings.clone()),
            ..Default::default()
        };
        Ok(Renderer {
            pdf,
            settings,
            warnings,
        })
    }

    pub fn page_count(&self) -> usize {
        self.pdf.pages().len()
    }

    /// Renders page `number` (1-based) as a `width` × `height` picture at `scale`.
    pub fn page(
        &self,
        number: usize,
        scale: Scale,
        width: u32,
        height: u32,
    ) -> Result<Canvas, Error> {
        let pages = self.pdf.pages();
        let page = number
            .checked_sub(1)
            .and_then(|i| pages.get(i))
            .ok_or(Error::NoSuchPage {
                page: number,
                pages: pages.len(),
            })?;
        let (w, h) = (to_u16(width, number)?, to_u16(height, number)?);
        let transform = Affine::scale(scale.0) * page.initial_transform(true).to_kurbo();
        let cache = RenderCache::new();
        let pixmap = crate::pipeline::guarded(|| {
            let mut ctx = RenderContext::new(w, h);
            render_into(
                page,
                &cache,
                &self.settings,
                &RenderSettings::default(),
                &mut ctx,
                transform,
            );
            ctx.flush();
            let mut pixmap = Pixmap::new(w, h);
            ctx.render_with(
                &mut pixmap,
                &mut Resources::default(),
                RasterizerSettings {
                    target_init: TargetInit::Clear(WHITE),
                    ..Default::default()
                },
            );
            pixmap
        })
        .map_err(|message| Error::Render {
            page: Some(number),
            message: format!("the renderer failed (a bug in hayro or nenpo): {message}"),
        })?;
        Ok(Canvas::from_premultiplied_rgba(
            width,
            height,
            pixmap.data_as_u8_slice(),
        ))
    }

    /// What the renderer had to tell (fonts it could not find), each once.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }
}

fn to_u16(v: u32, page: usize) -> Result<u16, Error> {
    u16::try_from(v).map_err(|_| Error::Render {
        page: Some(page),
        message: format!(
            "a picture {v} pixels wide or high is beyond the renderer's limit of 65535"
        ),
    })
}

/// Standard fonts from hayro; CJK fonts from the first of `cjk_fonts` that can be read.
fn font_resolver(
    cjk_fonts: &[std::path::PathBuf],
    warnings: Arc<Mutex<Vec<String>>>,
) -> hayro::hayro_interpret::FontResolverFn {
    let paths = cjk_fonts.to_vec();
    let cjk: Arc<OnceLock<Option<FontData>>> = Arc::new(OnceLock::new());
    Arc::new(move |query: &FontQuery| match query {
        FontQuery::Standard(s) => Some(s.get_font_data()),
        FontQuery::Fallback(f) => {
            let name = f
                .post_script_name
                .clone()
                .or_else(|| f.font_name.clone())
                .unwrap_or_default();
            if f.character_collection.is_some() || looks_cjk(&name) {
                let data = cjk.get_or_init(|| {
                    paths
                        .iter()
                        .find_map(|p| std::fs::read(p).ok())
                        .map(|b| -> FontData { Arc::new(b) })
                });
                match data {
                    Some(d) => return Some((d.clone(), 0)),
                    None => {
                        let tried = paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ");
                        let w = format!(
                            "text in the non-embedded font {name} is not drawn: no Japanese fallback font found (tried: {tried}); install one (Debian: fonts-ipaexfont-gothic) or pass --cjk-font"
                        );
                        if let Ok(mut ws) = warnings.lock() {
                            if !ws.contains(&w) {
                                ws.push(w);
                            }
                        }
                    }
                }
            }
            Some(f.pick_standard_font().get_font_data())
        }
    })
}

/// A font name that names a Japanese face (`MS-Mincho`, `HeiseiKakuGo-W5`, `ＭＳ 明朝`).
fn looks_cjk(name: &str) -> bool {
    !name.is_ascii()
        || [
            "Mincho", "Gothic", "Kaku", "Heisei", "Meiryo", "Hiragino", "Kozuka", "Ryumin",
        ]
        .iter()
        .any(|k| name.contains(k))
}

/// The legend of `layers` as a picture, text `font_px` pixels high.
pub fn legend(layers: &[Layer], font_px: f64) -> Result<Canvas, Error> {
    let (pdf, w, h) = legend_pdf(layers, font_px);
    let doc = Pdf::new(pdf).map_err(|e| Error::Render {
        page: None,
        message: format!("legend: {e:?}"),
    })?;
    let pages = doc.pages();
    let page = pages.first().ok_or(Error::Render {
        page: None,
        message: "legend: no page".into(),
    })?;
    let (wu, hu) = (to_u16(w, 0)?, to_u16(h, 0)?);
    let settings = InterpreterSettings::default();
    let cache = RenderCache::new();
    let mut ctx = RenderContext::new(wu, hu);
    render_into(
        page,
        &cache,
        &settings,
        &RenderSettings::default(),
        &mut ctx,
        page.initial_transform(true).to_kurbo(),
    );
    ctx.flush();
    let mut pixmap = Pixmap::new(wu, hu);
    ctx.render_with(
        &mut pixmap,
        &mut Resources::default(),
        RasterizerSettings {
            target_init: TargetInit::Clear(WHITE),
            ..Default::default()
        },
    );
    Ok(Canvas::from_premultiplied_rgba(
        w,
        h,
        pixmap.data_as_u8_slice(),
    ))
}

/// A one-page PDF (1 pt = 1 px) listing `layers`: a swatch painted in each layer's style
/// and its label in Helvetica. Returns the file and its page size.
pub fn legend_pdf(layers: &[Layer], font_px: f64) -> (Vec<u8>, u32, u32) {
    let fs = font_px.max(6.0);
    let (pad, line, swatch) = (fs * 0.6, fs * 1.6, fs * 2.2);
    let longest = layers.iter().map(|l| l.label().len()).max().unwrap_or(0) as f64;
    // Helvetica averages about 0.5 em a character for these labels.
    let w = (pad * 2.0 + swatch + fs * 0.6 + longest * fs * 0.52).ceil();
    let h = (pad * 2.0 + line * layers.len() as f64).ceil();
    let mut c = String::new();
    c.push_str(&format!(
        "0.2 0.2 0.2 RG 1 w 0.5 0.5 {} {} re S\n",
        w - 1.0,
        h - 1.0
    ));
    for (i, l) in layers.iter().enumerate() {
        let st = l.style();
        let [r, g, b] = st.colour.map(|v| v as f64 / 255.0);
        let y = h - pad - line * (i as f64 + 1.0);
        let (sx, sy, sw, sh) = (pad, y + fs * 0.25, swatch, line - fs * 0.5);
        if *l == Layer::Ruling {
            c.push_str(&format!(
                "{r:.3} {g:.3} {b:.3} rg {sx:.2} {:.2} {sw:.2} {:.2} re f\n",
                sy + sh / 2.0 - 1.0,
                2.0
            ));
        } else {
            if st.fill > 0.0 {
                let a = st.fill as f64;
                let mix = |v: f64| 1.0 - a + v * a;
                c.push_str(&format!(
                    "{:.3} {:.3} {:.3} rg {sx:.2} {sy:.2} {sw:.2} {sh:.2} re f\n",
                    mix(r),
                    mix(g),
                    mix(b)
                ));
            }
            if st.stroke > 0 {
                let t = st.stroke as f64;
                c.push_str(&format!(
                    "{r:.3} {g:.3} {b:.3} RG {t} w {:.2} {:.2} {:.2} {:.2} re S\n",
                    sx + t / 2.0,
                    sy + t / 2.0,
                    sw - t,
                    sh - t
                ));
            }
        }
        c.push_str(&format!(
            "0 0 0 rg BT /F1 {fs:.2} Tf {:.2} {:.2} Td ({}) Tj ET\n",
            pad + swatch + fs * 0.6,
            y + fs * 0.45,
            pdf_string(l.label())
        ));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{c}endstream", c.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    (out, w as u32, h as u32)
}

/// `s` as the body of a PDF literal string (ASCII; others become `?`).
fn pdf_string(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_pdf_is_well_formed() {
        let (pdf, w, h) = legend_pdf(&[Layer::Cell, Layer::Ruling], 10.0);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(cell) Tj") && text.contains("(ruling line) Tj"));
        assert!(w > 80 && h > 30, "{w}x{h}");
        // Every xref offset points at its object.
        let start = text.find("xref\n").expect("xref");
        for (i, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().expect("offset");
            assert!(
                text[off..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
    }

    #[test]
    fn legend_renders_its_labels() {
        let c = legend(&[Layer::TableRegion, Layer::Word], 12.0).expect("legend");
        let dark = c
            .rgb
            .chunks_exact(3)
            .filter(|p| p.iter().all(|&v| v < 80))
            .count();
        assert!(dark > 30, "label text should be drawn ({dark} dark pixels)");
        let orange = Layer::TableRegion.style().colour;
        assert!(c.rgb.chunks_exact(3).any(|p| p == orange), "swatch colour");
    }

    #[test]
    fn cjk_font_names() {
        assert!(looks_cjk("HeiseiKakuGo-W5") && looks_cjk("ＭＳ明朝") && looks_cjk("MS-Mincho"));
        assert!(!looks_cjk("Helvetica") && !looks_cjk("Arial-BoldMT"));
    }

    #[test]
    fn pdf_strings_are_escaped() {
        assert_eq!(pdf_string("a(b)\\c日"), "a\\(b\\)\\\\c?");
    }
}
