//! Prints what nenpo-pdf reads from a PDF: per page the glyph text in reading order (a line
//! break when the baseline moves), counts of lines, fills, images, undecoded glyphs.
//! Usage: `cargo run --release -p nenpo-pdf --example dump -- FILE [FIRST [LAST]] [--boxes]`

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: dump FILE [FIRST [LAST]] [--boxes]");
        std::process::exit(2);
    };
    let boxes = args.iter().any(|a| a == "--boxes");
    let nums: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let bytes = std::fs::read(path).expect("read file");
    let password = std::env::var("PDF_PASSWORD").ok();
    let doc = match nenpo_pdf::Document::load(&bytes, password.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let first = nums.first().copied().unwrap_or(1);
    let last = nums.get(1).copied().unwrap_or(if nums.is_empty() {
        doc.page_count()
    } else {
        first
    });
    println!("title: {:?}, pages: {}", doc.info_title(), doc.page_count());
    for n in first..=last.min(doc.page_count()) {
        match doc.page(n) {
            Err(e) => println!("page {n}: error: {e}"),
            Ok(p) => {
                println!(
                    "== page {n} {}x{} rot {} glyphs {} undecoded {} lines {} fills {} images {} fonts {:?} warnings {:?}",
                    p.width,
                    p.height,
                    p.rotate,
                    p.glyphs.len(),
                    p.undecoded_glyphs,
                    p.lines.len(),
                    p.fills.len(),
                    p.images.len(),
                    p.fonts.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
                    p.warnings
                );
                for im in &p.images {
                    println!(
                        "image {:?} {}x{} {} {:?}",
                        im.bbox, im.width, im.height, im.filter, im.object
                    );
                }
                let mut line = String::new();
                let mut last_y = f64::NAN;
                for g in &p.glyphs {
                    if boxes {
                        println!(
                            "{:?} {:.2} {:.2} {:.2} {:.2} size {:.2} {:?}",
                            g.text,
                            g.bbox.x0,
                            g.bbox.top,
                            g.bbox.x1,
                            g.bbox.bottom,
                            g.size,
                            g.direction
                        );
                        continue;
                    }
                    if (g.bbox.bottom - last_y).abs() > g.size * 0.5 && !line.is_empty() {
                        println!("{line}");
                        line.clear();
                    }
                    last_y = g.bbox.bottom;
                    line.push_str(&g.text);
                }
                if !line.is_empty() {
                    println!("{line}");
                }
            }
        }
    }
}
