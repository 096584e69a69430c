//! Geometry shared by every stage: points and rectangles in PDF points with a top-left
//! origin (re-exported from `nenpo-pdf`, which is the only place coordinates are
//! converted), plus 1-D clustering used to snap rulings and align columns.

pub use nenpo_pdf::geom::{Point, Rect};

/// PDF points in an inch: a page `w` points wide rendered at `dpi` is `w / 72 * dpi`
/// pixels.
pub const POINTS_PER_INCH: f64 = 72.0;

/// The font size (points) assumed for a line whose words tell none: body text's size.
pub const BODY_TEXT_PT: f64 = 10.0;

/// Groups sorted-or-not values into clusters whose consecutive members are at most `tol`
/// apart. Returns clusters as lists of indices into `values`, ordered by value.
pub fn cluster_1d(values: &[f64], tol: f64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for i in order {
        let v = values[i];
        match out.last_mut() {
            Some(c) if v - last <= tol => c.push(i),
            _ => out.push(vec![i]),
        }
        last = v;
    }
    out
}

/// Mean of the values at `idx`.
pub fn mean_at(values: &[f64], idx: &[usize]) -> f64 {
    if idx.is_empty() {
        return 0.0;
    }
    idx.iter().map(|&i| values[i]).sum::<f64>() / idx.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_by_gap() {
        let v = [10.0, 1.0, 1.5, 10.4, 30.0, 2.2];
        let c = cluster_1d(&v, 0.8);
        assert_eq!(c, vec![vec![1, 2, 5], vec![0, 3], vec![4]]);
        assert!((mean_at(&v, &c[1]) - 10.2).abs() < 1e-9);
    }

    #[test]
    fn empty_input() {
        assert!(cluster_1d(&[], 1.0).is_empty());
        assert_eq!(mean_at(&[], &[]), 0.0);
    }
}
