//! A picture being drawn on: opaque RGB pixels, axis-aligned fills and outlines blended
//! over them, another picture pasted in, and PNG encoding.
//!
//! Everything nenpo draws is an axis-aligned rectangle, so painting is a few loops with
//! clipping, tested pixel by pixel.

use super::overlay::{Mark, PxRect, Style};

/// An RGB picture, row-major, 3 bytes a pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Canvas {
    /// A picture filled with one colour.
    pub fn new(width: u32, height: u32, colour: [u8; 3]) -> Canvas {
        let n = width as usize * height as usize;
        let mut rgb = Vec::with_capacity(n * 3);
        for _ in 0..n {
            rgb.extend_from_slice(&colour);
        }
        Canvas { width, height, rgb }
    }

    /// A picture from premultiplied RGBA pixels, composited over white.
    pub fn from_premultiplied_rgba(width: u32, height: u32, rgba: &[u8]) -> Canvas {
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for p in rgba.chunks_exact(4).take(width as usize * height as usize) {
            let under = 255 - p[3] as u16;
            for &c in &p[..3] {
                rgb.push((c as u16 + under).min(255) as u8);
            }
        }
        rgb.resize(width as usize * height as usize * 3, 255);
        Canvas { width, height, rgb }
    }

    /// The colour of pixel (`x`, `y`), if inside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]])
    }

    /// `r` clipped to the picture, as pixel ranges.
    fn clip(&self, r: &PxRect) -> Option<(usize, usize, usize, usize)> {
        let x0 = r.x0.clamp(0, self.width as i64) as usize;
        let x1 = r.x1.clamp(0, self.width as i64) as usize;
        let y0 = r.y0.clamp(0, self.height as i64) as usize;
        let y1 = r.y1.clamp(0, self.height as i64) as usize;
        (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
    }

    /// Blends `colour` at opacity `alpha` (0–1) over the pixels of `r`.
    pub fn fill(&mut self, r: &PxRect, colour: [u8; 3], alpha: f32) {
        let Some((x0, y0, x1, y1)) = self.clip(r) else {
            return;
        };
        let a = alpha.clamp(0.0, 1.0);
        let w = self.width as usize;
        for y in y0..y1 {
            for px in self.rgb[(y * w + x0) * 3..(y * w + x1) * 3].chunks_exact_mut(3) {
                for (c, &k) in px.iter_mut().zip(&colour) {
                    *c = (*c as f32 * (1.0 - a) + k as f32 * a).round() as u8;
                }
            }
        }
    }

    /// Outlines `r` with a border `t` pixels wide drawn inside it.
    pub fn stroke(&mut self, r: &PxRect, colour: [u8; 3], t: u32) {
        let t = (t as i64).min(r.width()).min(r.height()).max(1);
        let PxRect { x0, y0, x1, y1 } = *r;
        self.fill(
            &PxRect {
                x0,
                y0,
                x1,
                y1: y0 + t,
            },
            colour,
            1.0,
        );
        self.fill(
            &PxRect {
                x0,
                y0: y1 - t,
                x1,
                y1,
            },
            colour,
            1.0,
        );
        self.fill(
            &PxRect {
                x0,
                y0: y0 + t,
                x1: x0 + t,
                y1: y1 - t,
            },
            colour,
            1.0,
        );
        self.fill(
            &PxRect {
                x0: x1 - t,
                y0: y0 + t,
                x1,
                y1: y1 - t,
            },
            colour,
            1.0,
        );
    }

    /// Paints a rectangle in a layer's style: its fill, then its outline.
    pub fn paint(&mut self, r: &PxRect, style: &Style, thickness: u32) {
        let r = &r.inset(style.inset * thickness.max(1) as i64);
        if style.fill > 0.0 {
            self.fill(r, style.colour, style.fill);
        }
        if style.stroke > 0 {
            self.stroke(r, style.colour, style.stroke * thickness.max(1));
        }
    }

    /// Paints marks in order; outlines are `thickness` times their style's width.
    pub fn paint_marks(&mut self, marks: &[Mark], thickness: u32) {
        for m in marks {
            self.paint(&m.rect, &m.layer.style(), thickness);
        }
    }

    /// Pastes `other` with its top-left corner at (`x`, `y`), at opacity `alpha`.
    pub fn paste(&mut self, other: &Canvas, x: i64, y: i64, alpha: f32) {
        let target = PxRect {
            x0: x,
            y0: y,
            x1: x + other.width as i64,
            y1: y + other.height as i64,
        };
        let Some((x0, y0, x1, y1)) = self.clip(&target) else {
            return;
        };
        let a = alpha.clamp(0.0, 1.0);
        let w = self.width as usize;
        for ty in y0..y1 {
            let sy = (ty as i64 - y) as usize;
            for tx in x0..x1 {
                let sx = (tx as i64 - x) as usize;
                let s = (sy * other.width as usize + sx) * 3;
                let t = (ty * w + tx) * 3;
                for k in 0..3 {
                    let (under, over) = (self.rgb[t + k] as f32, other.rgb[s + k] as f32);
                    self.rgb[t + k] = (under * (1.0 - a) + over * a).round() as u8;
                }
            }
        }
    }

    /// The picture as a PNG file.
    pub fn to_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width, self.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        let mut w = enc.write_header()?;
        w.write_image_data(&self.rgb)?;
        w.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::overlay::Layer;

    const WHITE: [u8; 3] = [255, 255, 255];
    const RED: [u8; 3] = [255, 0, 0];

    fn r(x0: i64, y0: i64, x1: i64, y1: i64) -> PxRect {
        PxRect { x0, y0, x1, y1 }
    }

    #[test]
    fn fills_blend_and_clip() {
        let mut c = Canvas::new(4, 3, WHITE);
        c.fill(&r(-5, 1, 2, 10), RED, 0.5);
        assert_eq!(c.pixel(0, 0), Some(WHITE));
        assert_eq!(c.pixel(1, 1), Some([255, 128, 128]));
        assert_eq!(c.pixel(1, 2), Some([255, 128, 128]));
        assert_eq!(c.pixel(2, 1), Some(WHITE), "right edge is exclusive");
        assert_eq!(c.pixel(4, 0), None);
        c.fill(&r(10, 10, 20, 20), RED, 1.0); // wholly outside: nothing happens
        assert_eq!(c.rgb.len(), 4 * 3 * 3);
    }

    #[test]
    fn outlines_are_drawn_inside_the_rectangle() {
        let mut c = Canvas::new(6, 6, WHITE);
        c.stroke(&r(1, 1, 5, 5), RED, 1);
        let drawn: Vec<(u32, u32)> = (0..6)
            .flat_map(|y| (0..6).map(move |x| (x, y)))
            .filter(|&(x, y)| c.pixel(x, y) == Some(RED))
            .collect();
        assert_eq!(drawn.len(), 12, "the 4x4 square's border: {drawn:?}");
        assert!(drawn.contains(&(1, 1)) && drawn.contains(&(4, 4)) && !drawn.contains(&(5, 5)));
        assert_eq!(c.pixel(2, 2), Some(WHITE));
    }

    #[test]
    fn marks_use_their_layer_style() {
        let m = [
            Mark {
                layer: Layer::TableRegion,
                rect: r(6, 6, 14, 14),
            },
            Mark {
                layer: Layer::Cell,
                rect: r(20, 20, 30, 30),
            },
        ];
        let mut c = Canvas::new(40, 40, WHITE);
        c.paint_marks(&m, 1);
        let orange = Layer::TableRegion.style().colour;
        assert_eq!(
            c.pixel(2, 2),
            Some(orange),
            "a 3-pixel border 4 pixels outside the region"
        );
        assert_eq!(c.pixel(4, 4), Some(orange));
        assert_eq!(c.pixel(5, 5), Some(WHITE));
        let green = Layer::Cell.style().colour;
        assert_eq!(
            c.pixel(20, 20),
            Some(WHITE),
            "a cell's outline sits 2 pixels inside its box"
        );
        assert_eq!(c.pixel(22, 22), Some(green));
        assert_eq!(c.pixel(27, 27), Some(green));
        assert_eq!(c.pixel(28, 28), Some(WHITE));
    }

    #[test]
    fn paste_places_and_clips() {
        let mut c = Canvas::new(5, 5, WHITE);
        let red = Canvas::new(3, 3, RED);
        c.paste(&red, 3, -1, 1.0);
        assert_eq!(c.pixel(3, 0), Some(RED));
        assert_eq!(c.pixel(4, 1), Some(RED));
        assert_eq!(c.pixel(4, 2), Some(WHITE));
        assert_eq!(c.pixel(2, 0), Some(WHITE));
    }

    #[test]
    fn premultiplied_pixels_go_over_white() {
        let c = Canvas::from_premultiplied_rgba(2, 1, &[0, 0, 0, 255, 0, 0, 0, 0]);
        assert_eq!(c.rgb, vec![0, 0, 0, 255, 255, 255]);
    }

    #[test]
    fn png_round_trip_keeps_the_size() {
        let png_bytes = Canvas::new(7, 3, RED).to_png().expect("encode");
        let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let reader = dec.read_info().expect("decode");
        assert_eq!((reader.info().width, reader.info().height), (7, 3));
    }
}
