//! Plain geometry in PDF points with a **top-left origin** in the page as displayed
//! (after `/Rotate`), the convention of tabula and pdfplumber. This crate is the only
//! place where PDF user space (bottom-left origin) is converted into it.

/// A point, top-left origin.
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle, top-left origin: `x0 <= x1`, `top <= bottom`.
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    pub x0: f64,
    pub top: f64,
    pub x1: f64,
    pub bottom: f64,
}

impl Rect {
    /// A rectangle from two corners given in any order.
    pub fn new(x0: f64, top: f64, x1: f64, bottom: f64) -> Rect {
        Rect {
            x0: x0.min(x1),
            top: top.min(bottom),
            x1: x0.max(x1),
            bottom: top.max(bottom),
        }
    }
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f64 {
        self.bottom - self.top
    }
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }
    pub fn area(&self) -> f64 {
        self.width().max(0.0) * self.height().max(0.0)
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            top: self.top.min(o.top),
            x1: self.x1.max(o.x1),
            bottom: self.bottom.max(o.bottom),
        }
    }
    /// Length of the overlap of the two x ranges (negative: the gap between them).
    pub fn overlap_x(&self, o: &Rect) -> f64 {
        self.x1.min(o.x1) - self.x0.max(o.x0)
    }
    /// Length of the overlap of the two y ranges (negative: the gap between them).
    pub fn overlap_y(&self, o: &Rect) -> f64 {
        self.bottom.min(o.bottom) - self.top.max(o.top)
    }
    pub fn intersects(&self, o: &Rect) -> bool {
        self.overlap_x(o) > 0.0 && self.overlap_y(o) > 0.0
    }
    pub fn contains_point(&self, x: f64, y: f64) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.top && y <= self.bottom
    }
    /// Grown by `d` on every side (shrunk when negative).
    pub fn expand(&self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            top: self.top - d,
            x1: self.x1 + d,
            bottom: self.bottom + d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_orders_corners() {
        let r = Rect::new(10.0, 20.0, 0.0, 5.0);
        assert_eq!(
            r,
            Rect {
                x0: 0.0,
                top: 5.0,
                x1: 10.0,
                bottom: 20.0
            }
        );
        assert_eq!(r.width(), 10.0);
        assert_eq!(r.height(), 15.0);
    }

    #[test]
    fn overlaps_and_gaps() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        let b = Rect::new(8.0, 12.0, 20.0, 20.0);
        assert_eq!(a.overlap_x(&b), 2.0);
        assert_eq!(a.overlap_y(&b), -2.0);
        assert!(!a.intersects(&b));
        assert_eq!(a.union(&b), Rect::new(0.0, 0.0, 20.0, 20.0));
    }
}
