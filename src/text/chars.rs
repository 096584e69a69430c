//! Character classes: which characters are CJK, wide, kanji or kana, and the squashed
//! form texts are compared in.

use unicode_normalization::UnicodeNormalization;

/// CJK ideographs, kana, full-width forms, CJK punctuation and radicals: the characters
/// between which Japanese puts no space.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Wide characters: [`is_cjk`] plus the enclosed numbers (`①`) and geometric shapes
/// (`▲`, `○`, `■`) a Japanese line sets at full width, so no space is put between two.
pub fn is_wide(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x2460..=0x24FF | 0x25A0..=0x25FF)
}

/// A kanji (a CJK ideograph: the unified blocks, extension A, the compatibility block
/// and the supplementary planes).
pub fn is_kanji(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// A kana letter (`あ`–`ん`, `ア`–`ン`), the letters an outline numbers items with.
pub fn is_kana_letter(c: char) -> bool {
    ('ア'..='ン').contains(&c) || ('あ'..='ん').contains(&c)
}

/// An ASCII or full-width digit.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// NFKC with all whitespace removed: the form texts are compared in (`合 計` = `合計`).
pub fn squash(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_cjk('合') && is_cjk('ア') && is_cjk('（') && !is_cjk('①') && !is_cjk('a'));
        assert!(is_wide('①') && is_wide('▲') && is_wide('計') && !is_wide('1'));
        assert!(is_kanji('都') && is_kanji('邴') && !is_kanji('あ') && !is_kanji('1'));
        assert!(is_kana_letter('イ') && is_kana_letter('い') && !is_kana_letter('ー'));
        assert!(is_digit('7') && is_digit('７') && !is_digit('七'));
        assert_eq!(squash("合 計　（１）"), "合計(1)");
    }
}
