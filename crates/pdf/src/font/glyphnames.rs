//! Glyph names to Unicode (Adobe Glyph List plus `uniXXXX` / `uXXXX[XX]` forms), the base
//! encodings, and the widths of the 14 standard fonts, over the generated tables.

use crate::font::tables;

/// Private use code points carry no text; a name that maps there is treated as unknown.
fn usable(cp: u32) -> Option<char> {
    if (0xE000..=0xF8FF).contains(&cp) || cp == 0 {
        return None;
    }
    char::from_u32(cp)
}

fn hex(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 6 {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        let d = (b as char).to_digit(16)?;
        Some(acc * 16 + d)
    })
}

/// The Unicode character of a glyph name, or `None` (unknown names are never guessed).
pub fn unicode_of_name(name: &[u8]) -> Option<char> {
    // "a.sc", "one.oldstyle": the part before the first period names the character.
    let base = match name.iter().position(|&b| b == b'.') {
        Some(0) | None => name,
        Some(i) => name.get(..i)?,
    };
    let s = std::str::from_utf8(base).ok()?;
    if let Ok(i) = tables::GLYPH_LIST.binary_search_by(|(n, _)| (*n).cmp(s)) {
        return tables::GLYPH_LIST.get(i).and_then(|(_, cp)| usable(*cp));
    }
    if let Some(h) = s.strip_prefix("uni") {
        if h.len() == 4 {
            return usable(hex(h.as_bytes())?);
        }
        return None;
    }
    if let Some(h) = s.strip_prefix('u') {
        if (4..=6).contains(&h.len()) {
            return usable(hex(h.as_bytes())?);
        }
    }
    None
}

/// A base encoding by its PDF name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
    MacExpert,
    PdfDoc,
    Symbol,
    ZapfDingbats,
}

impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        Some(match name {
            b"StandardEncoding" => BaseEncoding::Standard,
            b"WinAnsiEncoding" => BaseEncoding::WinAnsi,
            b"MacRomanEncoding" => BaseEncoding::MacRoman,
            b"MacExpertEncoding" => BaseEncoding::MacExpert,
            b"PDFDocEncoding" => BaseEncoding::PdfDoc,
            _ => return None,
        })
    }

    /// The character of a code in this encoding.
    pub fn char(self, code: u8) -> Option<char> {
        let table = match self {
            BaseEncoding::Standard => &tables::STANDARD,
            BaseEncoding::WinAnsi => &tables::WIN_ANSI,
            BaseEncoding::MacRoman => &tables::MAC_ROMAN,
            BaseEncoding::MacExpert => &tables::MAC_EXPERT,
            BaseEncoding::Symbol => &tables::SYMBOL,
            BaseEncoding::ZapfDingbats => &tables::ZAPF_DINGBATS,
            BaseEncoding::PdfDoc => return crate::objects::pdfdoc_char(code),
        };
        let cp = table.get(usize::from(code)).copied().unwrap_or(0);
        match self {
            // WinAnsi: unassigned codes 0x7F-0x9F spaces etc. are absent from the table.
            BaseEncoding::WinAnsi if cp == 0 && code >= 0x20 => None,
            _ => usable(u32::from(cp)),
        }
    }
}

/// The standard-14 font a base font name stands for (with the usual Windows aliases).
pub fn core_font(base_font: &str) -> Option<&'static str> {
    let lower = base_font.to_ascii_lowercase().replace([' ', '-', ','], "");
    let bold = lower.contains("bold");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let family = if lower.starts_with("courier") {
        "Courier"
    } else if lower.starts_with("helvetica") || lower.starts_with("arial") {
        "Helvetica"
    } else if lower.starts_with("times") {
        "Times"
    } else if lower.starts_with("symbol") {
        return Some("Symbol");
    } else if lower.starts_with("zapfdingbats") {
        return Some("ZapfDingbats");
    } else {
        return None;
    };
    Some(match (family, bold, italic) {
        ("Courier", false, false) => "Courier",
        ("Courier", true, false) => "Courier-Bold",
        ("Courier", false, true) => "Courier-Oblique",
        ("Courier", true, true) => "Courier-BoldOblique",
        ("Helvetica", false, false) => "Helvetica",
        ("Helvetica", true, false) => "Helvetica-Bold",
        ("Helvetica", false, true) => "Helvetica-Oblique",
        ("Helvetica", true, true) => "Helvetica-BoldOblique",
        (_, false, false) => "Times-Roman",
        (_, true, false) => "Times-Bold",
        (_, false, true) => "Times-Italic",
        _ => "Times-BoldItalic",
    })
}

/// The width (1/1000 em) of a character (or, for Symbol/ZapfDingbats, a code) in a core font.
pub fn core_width(font: &str, key: u32) -> Option<f64> {
    let (_, widths) = tables::CORE_WIDTHS.iter().find(|(n, _)| *n == font)?;
    let i = widths.binary_search_by_key(&key, |(k, _)| *k).ok()?;
    widths.get(i).map(|(_, w)| f64::from(*w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(unicode_of_name(b"A"), Some('A'));
        assert_eq!(unicode_of_name(b"uni4E00"), Some('\u{4e00}'));
        assert_eq!(unicode_of_name(b"u2000B"), Some('\u{2000b}'));
        assert_eq!(unicode_of_name(b"one.oldstyle"), Some('1'));
        assert_eq!(unicode_of_name(b"g123"), None);
        assert_eq!(unicode_of_name(b"uniE001"), None);
        assert_eq!(BaseEncoding::WinAnsi.char(0x80), Some('€'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('’'));
        assert_eq!(core_font("Arial,Bold"), Some("Helvetica-Bold"));
        assert_eq!(core_width("Helvetica", 'A' as u32), Some(667.0));
    }
}
