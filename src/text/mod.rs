//! Text primitives every stage shares, each idea written once: character classes
//! ([`chars`]), the one reader of printed figures ([`figure`]) and of table cells
//! ([`cell`], which also decides whether a column is a number column), the marks that mean "none",
//! "negative" or "a new paragraph" ([`marks`]), and the "holds in most rows" rule
//! ([`most`]).
//!
//! Pure functions of strings and counts: no geometry, no stage types, no settings. Every
//! stage may use this module; it uses none of them.

pub mod cell;
pub mod chars;
pub mod figure;
pub mod marks;
pub mod most;
