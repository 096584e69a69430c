//! Predefined CJK CMaps and the Adobe-Japan1 character collection: which byte sequences
//! form a code, the text of a code (the Unicode CMaps carry it in the code; the
//! Shift_JIS/EUC ones decode with encoding_rs), and the CID for widths. The Adobe-Japan1
//! CID → Unicode table is generated from poppler-data (`data/README.md`).

use std::sync::OnceLock;

static JAPAN1_BIN: &[u8] = include_bytes!("../../data/adobe-japan1-ucs2.bin");

/// The Unicode character of an Adobe-Japan1 CID.
pub fn japan1_char(cid: u32) -> Option<char> {
    let i = usize::try_from(cid).ok()?.checked_mul(4)?;
    let b = JAPAN1_BIN.get(i..i + 4)?;
    let cp = u32::from_le_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?]);
    if cp == 0 || (0xE000..=0xF8FF).contains(&cp) {
        return None;
    }
    char::from_u32(cp)
}

/// The smallest Adobe-Japan1 CID of a character (used for widths under Unicode CMaps).
pub fn japan1_cid(c: char) -> Option<u32> {
    static INV: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    let inv = INV.get_or_init(|| {
        let mut v: Vec<(u32, u32)> = (1..(JAPAN1_BIN.len() / 4) as u32)
            .filter_map(|cid| japan1_char(cid).map(|ch| (ch as u32, cid)))
            .collect();
        v.sort_unstable();
        v.dedup_by_key(|p| p.0);
        v
    });
    let cp = c as u32;
    let i = inv.binary_search_by_key(&cp, |p| p.0).ok()?;
    inv.get(i).map(|p| p.1)
}

/// A predefined CMap nenpo understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predefined {
    /// `Identity-H/V`: two-byte codes equal to CIDs.
    Identity,
    /// `Uni…-UCS2-*`, `Uni…-UTF16-*`: codes are UTF-16 code units.
    Utf16,
    /// `Uni…-UTF8-*`.
    Utf8,
    /// `Uni…-UTF32-*`.
    Utf32,
    /// Shift_JIS (`90ms-RKSJ`, `90msp-RKSJ`, `RKSJ`, …); `proportional` for the `p` variants.
    ShiftJis { proportional: bool },
    /// EUC-JP (`EUC-H/V`).
    EucJp,
    /// ISO-2022-JP rows without escapes (`H`, `V`): two bytes of JIS X 0208.
    Jis,
    /// Chinese and Korean legacy encodings decoded by encoding_rs.
    Legacy(&'static encoding_rs::Encoding),
}

impl Predefined {
    /// Recognises a CMap name; also tells whether it is vertical.
    pub fn from_name(name: &[u8]) -> Option<(Predefined, bool)> {
        let s = std::str::from_utf8(name).ok()?;
        let vertical = s.ends_with("-V");
        let stem = match s {
            "H" | "V" => "",
            _ => s
                .strip_suffix("-H")
                .or_else(|| s.strip_suffix("-V"))
                .unwrap_or(s),
        };
        let p = if stem == "Identity" {
            Predefined::Identity
        } else if stem.starts_with("Uni") && (stem.contains("-UCS2") || stem.contains("-UTF16")) {
            Predefined::Utf16
        } else if stem.starts_with("Uni") && stem.contains("-UTF8") {
            Predefined::Utf8
        } else if stem.starts_with("Uni") && stem.contains("-UTF32") {
            Predefined::Utf32
        } else if stem.contains("RKSJ") {
            Predefined::ShiftJis {
                proportional: stem.contains("msp") || stem.contains("pv"),
            }
        } else if stem == "EUC" || stem == "78-EUC" || stem == "Hojo-EUC" {
            Predefined::EucJp
        } else if stem.is_empty() || stem == "78" || stem == "NWP" || stem == "Ext" || stem == "Add"
        {
            Predefined::Jis
        } else if stem.starts_with("GB") {
            Predefined::Legacy(encoding_rs::GBK)
        } else if stem.starts_with("B5") || stem.starts_with("ETen") || stem.starts_with("HKscs") {
            Predefined::Legacy(encoding_rs::BIG5)
        } else if stem.starts_with("KSC") {
            Predefined::Legacy(encoding_rs::EUC_KR)
        } else {
            return None;
        };
        // Plain "H"/"V" names have an empty stem after stripping.
        let vertical = vertical || s == "V";
        Some((p, vertical))
    }

    /// How many bytes the code at the start of `bytes` has.
    pub fn code_len(self, bytes: &[u8]) -> usize {
        let b0 = bytes.first().copied().unwrap_or(0);
        let n = match self {
            Predefined::Identity | Predefined::Jis => 2,
            Predefined::Utf16 => {
                if (0xD8..0xDC).contains(&b0) {
                    4
                } else {
                    2
                }
            }
            Predefined::Utf32 => 4,
            Predefined::Utf8 => match b0 {
                0xF0..=0xF7 => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            },
            Predefined::ShiftJis { .. } => match b0 {
                0x81..=0x9F | 0xE0..=0xFC => 2,
                _ => 1,
            },
            Predefined::EucJp => match b0 {
                0x8F => 3,
                0x8E | 0xA1..=0xFE => 2,
                _ => 1,
            },
            Predefined::Legacy(_) => {
                if b0 >= 0x81 {
                    2
                } else {
                    1
                }
            }
        };
        n.min(bytes.len()).max(1)
    }

    /// The text of one code (its bytes); `None` when it does not decode.
    pub fn char(self, code: &[u8]) -> Option<char> {
        let c = match self {
            Predefined::Identity => return None,
            Predefined::Utf16 => {
                let u: Vec<u16> = code
                    .chunks(2)
                    .map(|c| {
                        u16::from(c.first().copied().unwrap_or(0)) << 8
                            | u16::from(c.get(1).copied().unwrap_or(0))
                    })
                    .collect();
                char::decode_utf16(u).next()?.ok()?
            }
            Predefined::Utf32 => {
                char::from_u32(code.iter().fold(0u32, |a, &b| a << 8 | u32::from(b)))?
            }
            Predefined::Utf8 => std::str::from_utf8(code).ok()?.chars().next()?,
            Predefined::ShiftJis { .. } => decode_one(encoding_rs::SHIFT_JIS, code)?,
            Predefined::EucJp => decode_one(encoding_rs::EUC_JP, code)?,
            Predefined::Jis => {
                let hi: Vec<u8> = code.iter().map(|b| b | 0x80).collect();
                decode_one(encoding_rs::EUC_JP, &hi)?
            }
            Predefined::Legacy(enc) => decode_one(enc, code)?,
        };
        if c == '\0' || c == '\u{fffd}' || c.is_control() && c != '\t' {
            return None;
        }
        Some(c)
    }

    /// The Adobe-Japan1 CID of a code for width lookup (approximate outside Japan1: `None`).
    pub fn cid(self, code: &[u8], c: Option<char>) -> Option<u32> {
        let b0 = u32::from(code.first().copied().unwrap_or(0));
        match self {
            Predefined::Identity => Some(code.iter().fold(0u32, |a, &b| a << 8 | u32::from(b))),
            Predefined::ShiftJis { proportional } if code.len() == 1 => match b0 {
                0x20..=0x7E if proportional => Some(b0 - 0x20 + 1),
                0x20..=0x7D => Some(b0 - 0x20 + 231),
                0x7E => Some(631),
                0xA0..=0xDF => Some(b0 - 0xA0 + 326),
                _ => None,
            },
            Predefined::EucJp if code.len() == 1 => {
                (0x20..=0x7E).contains(&b0).then(|| b0 - 0x20 + 231)
            }
            Predefined::EucJp if b0 == 0x8E => {
                let b1 = u32::from(code.get(1).copied().unwrap_or(0));
                (0xA0..=0xDF).contains(&b1).then(|| b1 - 0xA0 + 326)
            }
            Predefined::Legacy(_) => None,
            _ => japan1_cid(c?),
        }
    }
}

fn decode_one(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<char> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return None;
    }
    let mut it = text.chars();
    let c = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan1_table() {
        assert_eq!(japan1_char(34), Some('A'));
        assert_eq!(japan1_char(1125), Some('亜'));
        assert_eq!(japan1_cid('A'), Some(34));
        assert_eq!(japan1_char(0), None);
        assert_eq!(japan1_char(u32::MAX), None);
    }

    #[test]
    fn predefined() {
        let (p, v) = Predefined::from_name(b"90ms-RKSJ-V").unwrap();
        assert!(v);
        assert_eq!(
            p,
            Predefined::ShiftJis {
                proportional: false
            }
        );
        assert_eq!(p.code_len(b"\x82\xa0x"), 2);
        assert_eq!(p.char(b"\x82\xa0"), Some('あ'));
        assert_eq!(p.cid(b"A", Some('A')), Some(231 + 33));
        let (u, _) = Predefined::from_name(b"UniJIS-UCS2-H").unwrap();
        assert_eq!(u.char(&[0x4e, 0x00]), Some('一'));
        assert_eq!(
            Predefined::from_name(b"EUC-H").unwrap().0.char(b"\xa4\xa2"),
            Some('あ')
        );
        assert_eq!(
            Predefined::from_name(b"H").unwrap().0.char(b"\x24\x22"),
            Some('あ')
        );
    }
}
