//! Measures single-threaded `Document::page` throughput over every page of each file given.
//! Usage: `cargo run --release -p nenpo-pdf --example bench -- FILE... [--repeat N]`

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for path in args.iter().filter(|a| a.ends_with(".pdf")) {
        let bytes = std::fs::read(path).expect("read file");
        let t0 = Instant::now();
        let doc = nenpo_pdf::Document::load(&bytes, None).expect("load");
        let load = t0.elapsed();
        let mut best = f64::INFINITY;
        let mut glyphs = 0usize;
        for _ in 0..repeat {
            let t = Instant::now();
            glyphs = 0;
            for n in 1..=doc.page_count() {
                glyphs += doc.page(n).map(|p| p.glyphs.len()).unwrap_or(0);
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{path}: load {:.1} ms, {} pages, {} glyphs, best of {repeat}: {:.3} s = {:.0} pages/s (first pass includes font parsing)",
            load.as_secs_f64() * 1e3,
            doc.page_count(),
            glyphs,
            best,
            doc.page_count() as f64 / best
        );
    }
}
