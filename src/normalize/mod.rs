//! Stage `normalize`: Japanese administrative text into typed values — era years and
//! fiscal years, (later) amounts with units, negatives and nulls.
//!
//! Pure functions over strings: no PDF, table-geometry or output-format knowledge.

pub mod era;
