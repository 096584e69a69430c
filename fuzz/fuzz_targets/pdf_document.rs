//! Fuzzes nenpo's PDF entry point: load arbitrary bytes as a document and interpret every
//! page (capped), as `nenpo run` does. Any panic that escapes, hang or crash is a bug:
//! bad input must give an `Err`, never more.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = nenpo_pdf::Document::load(data, None) {
        let _ = doc.info_title();
        for n in 1..=doc.page_count().min(8) {
            if let Ok(page) = doc.page(n) {
                for img in page.images.iter().take(2) {
                    if let Some(id) = img.object {
                        let _ = doc.image_stream(id);
                    }
                }
            }
        }
    }
});
