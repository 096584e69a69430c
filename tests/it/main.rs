//! nenpo's integration tests: one binary, a module per topic. Small fixtures live in
//! `tests/fixtures/` and `samples/`; the shared corpus (`../shared/corpus`) is used when
//! present.

mod bad_inputs;
mod batch;
mod cli;
mod common;
mod inspect;
mod logical_seed;
mod normalized;
mod ocr;
mod real_layouts;
mod run;
mod series;
mod workers;
