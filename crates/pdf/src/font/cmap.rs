//! CMap files: ToUnicode maps (`bfchar`/`bfrange`, array form, UTF-16BE with surrogates),
//! embedded encoding CMaps (`cidchar`/`cidrange`), code space ranges, `WMode` and
//! `usecmap`. Parsed with the content-stream lexer, which tokenizes PostScript well enough.

use crate::font::glyphnames;
use crate::fxhash::FxMap;
use crate::lexer::{Lexer, Operand};

/// One code space range: codes of `len` bytes whose every byte lies within `lo[i]..=hi[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeRange {
    pub len: u8,
    pub lo: [u8; 4],
    pub hi: [u8; 4],
}

impl CodeRange {
    fn contains(&self, bytes: &[u8]) -> bool {
        bytes.len() == usize::from(self.len)
            && bytes.iter().enumerate().all(|(i, b)| {
                let (lo, hi) = (
                    self.lo.get(i).copied().unwrap_or(0),
                    self.hi.get(i).copied().unwrap_or(255),
                );
                *b >= lo && *b <= hi
            })
    }
}

/// Splits a byte string into codes by code space ranges; `None` when there are none.
pub fn split_code(ranges: &[CodeRange], bytes: &[u8]) -> usize {
    for n in 1..=4usize {
        let Some(head) = bytes.get(..n) else { break };
        if ranges.iter().any(|r| r.contains(head)) {
            return n;
        }
    }
    // No range matches: consume as many bytes as the shortest range (at least one).
    let shortest = ranges
        .iter()
        .map(|r| usize::from(r.len))
        .min()
        .unwrap_or(1)
        .max(1);
    shortest.min(bytes.len()).max(1)
}

/// A `bfrange` whose destination is a string: consecutive codes map to consecutive text.
#[derive(Clone, Debug)]
struct BfRange {
    lo: u32,
    hi: u32,
    /// UTF-16 units of the text for `lo`; the last unit grows with the code.
    base: Vec<u16>,
}

/// A parsed CMap.
#[derive(Clone, Debug, Default)]
pub struct CMap {
    pub codespace: Vec<CodeRange>,
    /// Code → text from `bfchar` and array-form `bfrange`.
    chars: FxMap<u32, Box<str>>,
    /// String-form `bfrange`s, sorted by `lo`.
    ranges: Vec<BfRange>,
    /// Code → CID ranges (`cidchar`, `cidrange`), sorted by `lo`: `(lo, hi, first cid)`.
    cids: Vec<(u32, u32, u32)>,
    pub vertical: bool,
    /// The name given to `usecmap`, if any.
    pub use_cmap: Option<Vec<u8>>,
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

/// UTF-16BE bytes to UTF-16 units.
fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            u16::from(c.first().copied().unwrap_or(0)) << 8
                | u16::from(c.get(1).copied().unwrap_or(0))
        })
        .collect()
}

/// Text from UTF-16 units; `None` when empty, or only NUL or U+FFFD (no information).
fn text_of(u: &[u16]) -> Option<Box<str>> {
    let s: String = char::decode_utf16(u.iter().copied())
        .filter_map(Result::ok)
        .filter(|c| *c != '\0')
        .collect();
    if s.is_empty() || s == "\u{fffd}" {
        return None;
    }
    Some(s.into_boxed_str())
}

fn code_range(lo: &[u8], hi: &[u8]) -> Option<CodeRange> {
    if lo.is_empty() || lo.len() > 4 || lo.len() != hi.len() {
        return None;
    }
    let mut r = CodeRange {
        len: lo.len() as u8,
        lo: [0; 4],
        hi: [0; 4],
    };
    for (i, (a, b)) in lo.iter().zip(hi).enumerate() {
        if let (Some(x), Some(y)) = (r.lo.get_mut(i), r.hi.get_mut(i)) {
            *x = *a;
            *y = *b;
        }
    }
    Some(r)
}

/// Ranges longer than this in array-less `bfrange` are kept as ranges (not expanded).
const MAX_ENTRIES: usize = 1 << 20;

impl CMap {
    /// Parses a CMap program. Never fails: what cannot be read is skipped.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut lx = Lexer::with_limit(data, 1 << 22);
        let mut ops: Vec<Operand<'_>> = Vec::new();
        let mut entries = 0usize;
        while let Some(op) = lx.next_op(&mut ops) {
            match op {
                b"endcodespacerange" => {
                    for pair in ops.chunks(2) {
                        if let [Operand::Str(lo), Operand::Str(hi)] = pair {
                            if let Some(r) = code_range(lo, hi) {
                                cmap.codespace.push(r);
                            }
                        }
                    }
                }
                b"endbfchar" => {
                    for pair in ops.chunks(2) {
                        if entries > MAX_ENTRIES {
                            break;
                        }
                        match pair {
                            [Operand::Str(src), Operand::Str(dst)] => {
                                if let Some(t) = text_of(&units(dst)) {
                                    cmap.chars.insert(code_of(src), t);
                                    entries += 1;
                                }
                            }
                            [Operand::Str(src), Operand::Name(name)] => {
                                if let Some(c) = glyphnames::unicode_of_name(name) {
                                    cmap.chars
                                        .insert(code_of(src), c.to_string().into_boxed_str());
                                    entries += 1;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in ops.chunks(3) {
                        let [Operand::Str(lo), Operand::Str(hi), dst] = triple else {
                            continue;
                        };
                        let (lo, hi) = (code_of(lo), code_of(hi));
                        if hi < lo {
                            continue;
                        }
                        match dst {
                            Operand::Str(d) => {
                                let base = units(d);
                                if !base.is_empty() {
                                    cmap.ranges.push(BfRange { lo, hi, base });
                                }
                            }
                            Operand::Array(items) => {
                                for (i, item) in items.iter().enumerate() {
                                    let code = lo.saturating_add(i as u32);
                                    if code > hi || entries > MAX_ENTRIES {
                                        break;
                                    }
                                    if let Some(t) = item.string().and_then(|s| text_of(&units(s)))
                                    {
                                        cmap.chars.insert(code, t);
                                        entries += 1;
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                b"endcidchar" => {
                    for pair in ops.chunks(2) {
                        if let [Operand::Str(src), Operand::Num(cid)] = pair {
                            let c = code_of(src);
                            cmap.cids.push((c, c, *cid as u32));
                        }
                    }
                }
                b"endcidrange" => {
                    for triple in ops.chunks(3) {
                        if let [Operand::Str(lo), Operand::Str(hi), Operand::Num(cid)] = triple {
                            let (lo, hi) = (code_of(lo), code_of(hi));
                            if hi >= lo {
                                cmap.cids.push((lo, hi, *cid as u32));
                            }
                        }
                    }
                }
                b"def" => {
                    if let [.., Operand::Name(key), Operand::Num(v)] = ops.as_slice() {
                        if key.as_ref() == b"WMode" {
                            cmap.vertical = *v == 1.0;
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(Operand::Name(n)) = ops.last() {
                        cmap.use_cmap = Some(n.to_vec());
                    }
                }
                _ => {}
            }
        }
        cmap.ranges.sort_by_key(|r| r.lo);
        cmap.cids.sort_by_key(|r| r.0);
        cmap
    }

    /// The text of a code, if the map has one.
    pub fn lookup(&self, code: u32) -> Option<Lookup<'_>> {
        if let Some(t) = self.chars.get(&code) {
            return Some(Lookup::Str(t));
        }
        // The last range starting at or before `code`, then earlier ones (ranges may overlap).
        let idx = self.ranges.partition_point(|r| r.lo <= code);
        for r in self.ranges.get(..idx)?.iter().rev().take(8) {
            if code <= r.hi {
                let mut u = r.base.clone();
                let last = u.last_mut()?;
                let bumped = u32::from(*last) + (code - r.lo);
                if bumped > 0xffff {
                    return None;
                }
                *last = bumped as u16;
                return text_of(&u).map(Lookup::Owned);
            }
        }
        None
    }

    pub fn has_text_map(&self) -> bool {
        !self.chars.is_empty() || !self.ranges.is_empty()
    }

    /// The CID of a code from `cidchar`/`cidrange`.
    pub fn cid(&self, code: u32) -> Option<u32> {
        let idx = self.cids.partition_point(|r| r.0 <= code);
        for r in self.cids.get(..idx)?.iter().rev().take(8) {
            if code <= r.1 {
                return Some(r.2 + (code - r.0));
            }
        }
        None
    }

    pub fn has_cids(&self) -> bool {
        !self.cids.is_empty()
    }
}

/// Text found in a CMap: borrowed from the map or computed from a range.
pub enum Lookup<'a> {
    Str(&'a str),
    Owned(Box<str>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(c: &CMap, code: u32) -> Option<String> {
        c.lookup(code).map(|l| match l {
            Lookup::Str(s) => s.to_string(),
            Lookup::Owned(s) => s.into_string(),
        })
    }

    #[test]
    fn bfchar_bfrange_and_surrogates() {
        let data = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            3 beginbfchar <0003> <0020> <0010> <D840DC0B> <0011> <00660069> endbfchar
            2 beginbfrange <0020> <0022> <4E00> <0030> <0031> [<0041> <0042>] endbfrange
            endcmap end end";
        let c = CMap::parse(data);
        assert_eq!(c.codespace.len(), 1);
        assert_eq!(text(&c, 3).as_deref(), Some(" "));
        assert_eq!(text(&c, 0x10).as_deref(), Some("\u{2000b}"));
        assert_eq!(text(&c, 0x11).as_deref(), Some("fi"));
        assert_eq!(text(&c, 0x21).as_deref(), Some("\u{4e01}"));
        assert_eq!(text(&c, 0x31).as_deref(), Some("B"));
        assert_eq!(text(&c, 0x40), None);
    }

    #[test]
    fn mixed_width_codespace() {
        let c = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
            1 begincidrange <8140> <817e> 633 endcidrange",
        );
        assert_eq!(split_code(&c.codespace, b"A\x81\x40"), 1);
        assert_eq!(split_code(&c.codespace, b"\x81\x40"), 2);
        assert_eq!(c.cid(0x8141), Some(634));
    }
}
