//! Reading the embedded font program when the PDF gives no Unicode: the TrueType/OpenType
//! `cmap` (inverted, glyph → character) and `post` glyph names, CFF glyph names and CID
//! charsets, and the built-in encoding of a Type 1 program. Only ttf-parser touches the
//! bytes, and it is bounds-checked.

use crate::font::glyphnames::unicode_of_name;
use crate::fxhash::FxMap;
use ttf_parser::{GlyphId, PlatformId, RawFace, Tag};

/// What an embedded font program tells about its glyphs.
#[derive(Default, Debug)]
pub struct ProgramInfo {
    /// Glyph id → character, from Unicode cmaps (lowest code point wins, private use skipped)
    /// and glyph names.
    pub gid_char: FxMap<u16, char>,
    /// Single-byte code → glyph id for symbolic TrueType fonts ((3,0) and (1,0) cmaps).
    pub code_gid: FxMap<u8, u16>,
    /// CID → glyph id for CID-keyed CFF fonts.
    pub cid_gid: FxMap<u32, u16>,
    /// Built-in encoding (Type 1 and CFF): code → glyph name's character.
    pub builtin: FxMap<u8, char>,
}

fn usable(c: char) -> bool {
    !('\u{e000}'..='\u{f8ff}').contains(&c) && c != '\0' && !c.is_control()
}

/// The most codepoints read from one cmap subtable: every Unicode scalar value fits, a
/// runaway range does not.
const MAX_CMAP_CODEPOINTS: usize = 0x110000;

/// Reads a TrueType or OpenType program (FontFile2 or FontFile3/OpenType).
pub fn read_sfnt(data: &[u8]) -> ProgramInfo {
    let mut info = ProgramInfo::default();
    let Ok(raw) = RawFace::parse(data, 0) else {
        return info;
    };
    if let Some(cmap) = raw
        .table(Tag::from_bytes(b"cmap"))
        .and_then(ttf_parser::cmap::Table::parse)
    {
        for sub in cmap.subtables {
            if sub.is_unicode() {
                // Segmented tables (formats 12 and 13) may declare ranges of billions of
                // codes when damaged or hostile, and walking them costs time and memory
                // (found by fuzzing, fuzz/: a 4 GiB allocation). Probe every Unicode
                // scalar value instead: bounded, and the same answer for a sound table.
                let mut cps: Vec<u32> = Vec::new();
                match sub.format {
                    ttf_parser::cmap::Format::SegmentedCoverage(_)
                    | ttf_parser::cmap::Format::ManyToOneRangeMappings(_) => {
                        cps.extend((0..=0x10FFFFu32).filter(|&cp| sub.glyph_index(cp).is_some()));
                    }
                    _ => sub.codepoints(|cp| {
                        if cp <= 0x10FFFF && cps.len() < MAX_CMAP_CODEPOINTS {
                            cps.push(cp)
                        }
                    }),
                }
                cps.sort_unstable();
                for cp in cps {
                    let (Some(gid), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp)) else {
                        continue;
                    };
                    if gid.0 != 0 && usable(c) {
                        info.gid_char.entry(gid.0).or_insert(c);
                    }
                }
            } else if sub.encoding_id == 0
                && matches!(sub.platform_id, PlatformId::Windows | PlatformId::Macintosh)
            {
                for code in 0u32..256 {
                    let gid = sub
                        .glyph_index(0xF000 + code)
                        .or_else(|| sub.glyph_index(code));
                    if let Some(g) = gid.filter(|g| g.0 != 0) {
                        info.code_gid.entry(code as u8).or_insert(g.0);
                    }
                }
            }
        }
    }
    if let Some(post) = raw
        .table(Tag::from_bytes(b"post"))
        .and_then(ttf_parser::post::Table::parse)
    {
        for (i, name) in post.names().enumerate() {
            let Ok(gid) = u16::try_from(i) else { break };
            if let Some(c) = unicode_of_name(name.as_bytes()) {
                info.gid_char.entry(gid).or_insert(c);
            }
        }
    }
    if let Some(cff) = raw.table(Tag::from_bytes(b"CFF ")) {
        merge_cff(&mut info, cff);
    }
    info
}

/// Reads a bare CFF program (FontFile3 /Type1C or /CIDFontType0C).
pub fn read_cff(data: &[u8]) -> ProgramInfo {
    let mut info = ProgramInfo::default();
    merge_cff(&mut info, data);
    info
}

fn merge_cff(info: &mut ProgramInfo, data: &[u8]) {
    let Some(cff) = ttf_parser::cff::Table::parse(data) else {
        return;
    };
    let n = cff.number_of_glyphs();
    for g in 0..n {
        let gid = GlyphId(g);
        if let Some(cid) = cff.glyph_cid(gid) {
            info.cid_gid.entry(u32::from(cid)).or_insert(g);
        }
        if let Some(c) = cff
            .glyph_name(gid)
            .and_then(|name| unicode_of_name(name.as_bytes()))
        {
            info.gid_char.entry(g).or_insert(c);
        }
    }
    for code in 0u8..=255 {
        if let Some(c) = cff
            .glyph_index(code)
            .and_then(|g| info.gid_char.get(&g.0).copied())
        {
            info.builtin.entry(code).or_insert(c);
        }
    }
}

/// Reads the built-in encoding of a Type 1 program (`dup 65 /A put` in its clear-text part).
pub fn read_type1(data: &[u8]) -> ProgramInfo {
    let mut info = ProgramInfo::default();
    let end = find(data, b"eexec").unwrap_or(data.len());
    let clear = data.get(..end).unwrap_or(data);
    let Some(start) = find(clear, b"/Encoding") else {
        return info;
    };
    let text = String::from_utf8_lossy(clear.get(start..).unwrap_or(&[]));
    let mut toks = text.split_ascii_whitespace().peekable();
    while let Some(t) = toks.next() {
        if t != "dup" {
            continue;
        }
        let (Some(code), Some(name)) = (toks.next(), toks.next()) else {
            break;
        };
        let (Ok(code), Some(name)) = (code.parse::<u8>(), name.strip_prefix('/')) else {
            continue;
        };
        if let Some(c) = unicode_of_name(name.as_bytes()) {
            info.builtin.insert(code, c);
        }
    }
    info
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_programs_give_nothing() {
        assert!(read_sfnt(b"not a font").gid_char.is_empty());
        assert!(read_cff(&[1, 0, 4, 1, 0, 0]).gid_char.is_empty());
        let t1 = read_type1(
            b"/Encoding 256 array dup 65 /A put dup 66 /g12 put readonly def currentfile eexec",
        );
        assert_eq!(t1.builtin.get(&65), Some(&'A'));
        assert_eq!(t1.builtin.get(&66), None);
    }
}
