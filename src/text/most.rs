//! "Holds in most rows": the one test of whether a pattern seen in a column's rows is
//! the column's (an arithmetic relation between columns, a number format).

use serde::{Deserialize, Serialize};

/// How many rows make "most": at least `min_rows`, and at least `share` of all.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Most {
    pub share: f64,
    pub min_rows: usize,
}

impl Most {
    /// Seven rows in ten, and three at least: a relation or format a table really has
    /// survives a misread row or two, and two rows alone prove nothing. Used by the kind
    /// matcher's relations (`normalize::relations`) and the OCR repairs (`ocr::repair`).
    pub const ROWS: Most = Most {
        share: 0.7,
        min_rows: 3,
    };

    /// Whether `hits` of `rows` are most of them.
    pub fn holds(self, hits: usize, rows: usize) -> bool {
        hits >= self.min_rows && hits as f64 >= self.share * rows as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_and_a_floor() {
        assert!(Most::ROWS.holds(7, 10));
        assert!(!Most::ROWS.holds(6, 10));
        assert!(!Most::ROWS.holds(2, 2));
        assert!(Most::ROWS.holds(3, 4));
    }
}
