//! Stage `normalize`: Japanese administrative text into typed values — normalized labels
//! and markers, era dates and fiscal years, amounts in integer yen with units, negatives
//! and nulls, per-table typed values, cross-year item keys, table kinds and totals checks.
//!
//! Pure functions over strings and logical tables: no PDF, table-geometry or
//! output-format knowledge.

pub mod era;
pub mod item_key;
pub mod kinds;
pub mod number;
pub mod period;
pub mod relations;
pub mod text;
pub mod totals;
pub mod values;

pub use values::{table_values, typed_table, TypedTable, ValueSettings};
