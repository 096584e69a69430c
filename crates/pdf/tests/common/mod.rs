//! Shared helpers of the integration tests: corpus location, truth files, NFKC character
//! multisets and recall, and pdftotext word boxes.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// `/work/shared/corpus` as seen from the crate, or `None` (tests then skip with a note).
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: corpus not found at {}, skipping", p.display());
        None
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn load(path: &Path) -> nenpo_pdf::Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    nenpo_pdf::Document::load(&bytes, None)
        .unwrap_or_else(|e| panic!("load {}: {e}", path.display()))
}

/// Every glyph's text of every page, concatenated.
pub fn all_text(doc: &nenpo_pdf::Document) -> String {
    let mut s = String::new();
    for n in 1..=doc.page_count() {
        let p = doc.page(n).unwrap_or_else(|e| panic!("page {n}: {e}"));
        for g in &p.glyphs {
            s.push_str(&g.text);
        }
    }
    s
}

/// The string values of a JSON document (object keys excluded): enough for the truth files.
pub fn json_strings(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = json.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '"' {
            i += 1;
            continue;
        }
        let mut s = String::new();
        i += 1;
        while i < chars.len() && chars[i] != '"' {
            if chars[i] == '\\' && i + 1 < chars.len() {
                i += 1;
                match chars[i] {
                    'n' => s.push('\n'),
                    't' => s.push('\t'),
                    'u' => {
                        let hex: String = chars[i + 1..i + 5].iter().collect();
                        s.push(
                            char::from_u32(u32::from_str_radix(&hex, 16).unwrap())
                                .unwrap_or('\u{fffd}'),
                        );
                        i += 4;
                    }
                    c => s.push(c),
                }
            } else {
                s.push(chars[i]);
            }
            i += 1;
        }
        i += 1;
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if j >= chars.len() || chars[j] != ':' {
            out.push(s);
        }
    }
    out
}

/// Multiset of non-whitespace characters after NFKC.
pub fn char_bag(text: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in text.nfkc().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// Share of the truth characters found in the extracted text (multiset intersection).
pub fn recall(truth: &str, extracted: &str) -> (f64, Vec<(char, usize)>) {
    let t = char_bag(truth);
    let e = char_bag(extracted);
    let total: usize = t.values().sum();
    let mut found = 0;
    let mut missing = Vec::new();
    for (c, n) in &t {
        let got = e.get(c).copied().unwrap_or(0);
        found += got.min(*n);
        if got < *n {
            missing.push((*c, n - got));
        }
    }
    missing.sort();
    (found as f64 / total.max(1) as f64, missing)
}

pub fn truth_text(path: &Path) -> String {
    json_strings(&std::fs::read_to_string(path).expect("truth file")).join("\n")
}

/// A word box from `pdftotext -bbox` (top-left displayed coordinates).
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub x0: f64,
    pub top: f64,
    pub x1: f64,
    pub bottom: f64,
}

/// Word boxes of one page from pdftotext, or `None` when pdftotext is not installed.
pub fn pdftotext_words(path: &Path, page: usize) -> Option<Vec<Word>> {
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |s: &str, k: &str| -> f64 {
        let i = s.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        let j = s[i..].find('"').unwrap() + i;
        s[i..j].parse().unwrap()
    };
    let mut words = Vec::new();
    for part in html.split("<word ").skip(1) {
        let Some(gt) = part.find('>') else { continue };
        let Some(end) = part.find("</word>") else {
            continue;
        };
        let head = &part[..gt];
        let text = part[gt + 1..end]
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"");
        words.push(Word {
            text,
            x0: attr(head, "xMin"),
            top: attr(head, "yMin"),
            x1: attr(head, "xMax"),
            bottom: attr(head, "yMax"),
        });
    }
    Some(words)
}
