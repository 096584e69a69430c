//! Section rows and section paths. A row whose single text is in the first column (or in
//! one cell spanning the row) is a section heading (`II 区政改革`, `（款）民生費`, `【衛生費】`);
//! headings nest by their numbering (`II` → `1` → `①`): a heading with a numbering style
//! already open closes it and everything under it, a new style opens a level below. A
//! total row closes every section. Grouping columns (row-spanning labels left of the
//! identifier column, the 課題 of reform reports) add one more level per row.

use super::header::single_spanning_text;
use super::kind::label_kind;
use super::part::WorkRow;
use super::text::{is_numeric, is_page_number, numbering, Numbering};

/// Whether a row is a section heading.
pub fn is_section_row(row: &WorkRow) -> bool {
    if !single_spanning_text(row) {
        return false;
    }
    let t = row.text(0);
    !is_numeric(t)
        && !is_page_number(t)
        && label_kind(t).is_none()
        && !row.slots.first().is_some_and(|s| s.filled)
}

/// Characters Tesseract gives for the strokes of a Roman numeral (`Ⅱ` → `Il`, `Ⅰ` → `|`).
const ROMAN_LIKE: &str = "IVXivxlL1|!ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ";

/// The numbering of a table's headings is taken to start at one of Ⅰ … this (a table
/// continued from an earlier one, or a chapter's second part, starts past Ⅰ); the start
/// most readings agree with wins.
const ROMAN_START_MAX: usize = 5;

fn roman(n: usize) -> String {
    const R: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    R.get(n.wrapping_sub(1))
        .map_or_else(|| n.to_string(), |s| s.to_string())
}

/// A numeral token as OCR might have read it, folded to `I`/`V`/`X` (`Il` → `II`).
fn fold_roman(t: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    t.nfkc()
        .map(|c| match c {
            'l' | 'L' | '1' | '|' | '!' | 'i' => 'I',
            'v' => 'V',
            'x' => 'X',
            c => c,
        })
        .collect()
}

/// Section headings of an OCR'd table numbered with misread Roman numerals (`|`, `Il`,
/// `ll`, `V` for Ⅰ Ⅱ Ⅲ Ⅳ): renumbered in order, from the start that most of the
/// readings agree with. Applies when two headings or more start with such a token and
/// one of them has a letter only Roman numerals have (`V`, `X`, two strokes, `Ⅱ`), so
/// `1 総務費` headings are left alone. `texts` are the headings' texts, in table order;
/// returns the repaired ones.
pub fn repair_roman_headings(texts: &[String]) -> Vec<String> {
    let split = |t: &str| -> Option<(String, String)> {
        let t = t.trim();
        let end = t.find(|c: char| c.is_whitespace() || c == '\u{3000}')?;
        let (tok, rest) = t.split_at(end);
        let roman_like = !tok.is_empty()
            && tok.chars().count() <= 4
            && tok.chars().all(|c| ROMAN_LIKE.contains(c))
            && !rest.trim().is_empty();
        roman_like.then(|| (tok.to_string(), rest.trim_start().to_string()))
    };
    let parts: Vec<Option<(String, String)>> = texts.iter().map(|t| split(t)).collect();
    let toks: Vec<&str> = parts.iter().flatten().map(|(t, _)| t.as_str()).collect();
    let distinctive = toks
        .iter()
        .any(|t| t.chars().count() >= 2 || t.chars().any(|c| "VXvxⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ".contains(c)));
    if toks.len() < 2 || !distinctive {
        return texts.to_vec();
    }
    let score = |start: usize| {
        toks.iter()
            .enumerate()
            .filter(|(k, t)| fold_roman(t) == roman(start + k))
            .count()
    };
    let start = (1..=ROMAN_START_MAX)
        .max_by_key(|&s| (score(s), std::cmp::Reverse(s)))
        .unwrap_or(1);
    let fullwidth = toks
        .iter()
        .any(|t| t.chars().any(|c| ('Ⅰ'..='Ⅻ').contains(&c)));
    const FULL: [&str; 12] = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ", "Ⅷ", "Ⅸ", "Ⅹ", "Ⅺ", "Ⅻ"];
    // Rule `first_numeral_unread`: numbering that starts at Ⅱ under a first heading with
    // no numeral at all is numbering whose Ⅰ the recognizer never boxed (a lone stroke
    // before a full-width space: `Ⅰ ICTの活用と業務改革` read `ICTの活用と業務改革`).
    let first_unread = start == 2 && parts.first().is_some_and(Option::is_none);
    let mut next = start;
    texts
        .iter()
        .zip(&parts)
        .enumerate()
        .map(|(k, (t, p))| match p {
            None if k == 0 && first_unread => {
                let n = if fullwidth {
                    FULL[0].to_string()
                } else {
                    roman(1)
                };
                format!("{n} {}", t.trim())
            }
            // A single stroke (`1`, `I`, `l`) is Ⅰ or an arabic 1, never a later numeral:
            // past the first, it heads a level of its own (a 財産目録's `1 流動資産` under
            // `Ⅰ 資産の部`) and keeps its reading.
            Some((tok, _))
                if next > 1 && tok.chars().count() == 1 && "1Il|!".contains(tok.as_str()) =>
            {
                t.clone()
            }
            Some((_, rest)) => {
                let n = match FULL.get(next - 1) {
                    Some(f) if fullwidth => f.to_string(),
                    _ => roman(next),
                };
                next += 1;
                format!("{n} {rest}")
            }
            None => t.clone(),
        })
        .collect()
}

/// A heading without its numbering (`1 流動資産`, `(2)その他の固定資産`, `Ⅰ 資産の部` →
/// `流動資産`, `その他の固定資産`, `資産の部`), squashed.
fn heading_name(title: &str) -> String {
    let t = super::text::squash(title);
    t.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || c.is_ascii_punctuation()
            || ROMAN_LIKE.contains(c)
            || "()（）[]〔〕.．、第章節款項目".contains(c)
            || "一二三四五六七八九十".contains(c)
    })
    .to_string()
}

/// The open section headings while reading a table top to bottom.
#[derive(Clone, Debug, Default)]
pub struct SectionStack {
    open: Vec<(Numbering, String)>,
}

impl SectionStack {
    /// Opens a heading: closes an open heading of the same numbering style (and all below
    /// it), or nests under the innermost one.
    pub fn open(&mut self, title: &str) {
        let style = numbering(title);
        if let Some(i) = self.open.iter().position(|(s, _)| *s == style) {
            self.open.truncate(i);
        }
        self.open.push((style, title.trim().to_string()));
    }
    /// Closes every section (after a grand total).
    pub fn close_all(&mut self) {
        self.open.clear();
    }
    /// The open section a total's label names (`流動資産合計` → `1 流動資産`), innermost
    /// first.
    pub fn named(&self, total_label: &str) -> Option<usize> {
        let t = super::text::squash(total_label);
        let name = ["小計", "合計", "総計", "計"]
            .iter()
            .find_map(|w| t.strip_suffix(w))?;
        if name.is_empty() {
            return None;
        }
        // `資産合計` closes `Ⅰ 資産の部`.
        self.open.iter().rposition(|(_, title)| {
            let h = heading_name(title);
            h == name || h.strip_suffix("の部") == Some(name)
        })
    }
    /// Closes the open section at `i` (from [`SectionStack::named`]) and those inside it.
    pub fn close_from(&mut self, i: usize) {
        self.open.truncate(i);
    }
    pub fn path(&self) -> Vec<String> {
        self.open.iter().map(|(_, t)| t.clone()).collect()
    }
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::part::grid_rows;
    use super::super::part::testutil::grid;
    use super::*;

    #[test]
    fn misread_roman_headings_are_renumbered_and_a_lone_stroke_later_is_left() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<String>>();
        // `Il` and `lll` for Ⅱ and Ⅲ, in a table whose first heading reads Ⅰ.
        assert_eq!(
            repair_roman_headings(&v(&["Ⅰ 総務", "Il 民生", "lll 衛生"])),
            v(&["Ⅰ 総務", "Ⅱ 民生", "Ⅲ 衛生"])
        );
        // The first heading's Ⅰ never read: it is Ⅰ when the others count from Ⅱ.
        assert_eq!(
            repair_roman_headings(&v(&["ICTの活用", "Ⅱ 市民協働", "Ⅲ 区政改革"])),
            v(&["Ⅰ ICTの活用", "Ⅱ 市民協働", "Ⅲ 区政改革"])
        );
        assert_eq!(
            repair_roman_headings(&v(&["総括", "Il 民生", "lll 衛生"])),
            v(&["I 総括", "II 民生", "III 衛生"])
        );
        // Counting from Ⅰ, an unnumbered first heading stays as it is.
        assert_eq!(
            repair_roman_headings(&v(&["総括", "Ⅰ 総務", "Il 民生"])),
            v(&["総括", "Ⅰ 総務", "Ⅱ 民生"])
        );
        // A 財産目録: `1 流動資産` under `Ⅰ 資産の部` is an arabic 1, not Ⅱ.
        assert_eq!(
            repair_roman_headings(&v(&["Ⅰ 資産の部", "1 流動資産", "Il 負債の部"])),
            v(&["Ⅰ 資産の部", "1 流動資産", "Ⅱ 負債の部"])
        );
    }

    #[test]
    fn a_total_naming_a_section_closes_it_alone() {
        let mut s = SectionStack::default();
        s.open("Ⅰ 資産の部");
        s.open("1 流動資産");
        assert_eq!(s.named("流動資産合計"), Some(1));
        s.close_from(1);
        assert_eq!(s.path(), ["Ⅰ 資産の部"]);
        s.open("2 固定資産");
        s.open("(2)その他の固定資産");
        let i = s.named("その他の固定資産合計").expect("named");
        s.close_from(i);
        assert_eq!(s.path(), ["Ⅰ 資産の部", "2 固定資産"]);
        assert_eq!(s.named("資産合計"), Some(0));
        assert_eq!(s.named("合計"), None);
        assert_eq!(s.named("歳出合計"), None);
    }

    #[test]
    fn section_rows() {
        let g = grid(
            1,
            &[
                &["II 区政改革", "", ""],
                &["（款）民生費", "", ""],
                &["北区", "1", "2"],
                &["小計", "", ""],
                &["", "", "text"],
                &["3", "", ""],
            ],
            &[(0, 0, 1, 3)],
        );
        let rows = grid_rows(&g, 0);
        let flags: Vec<bool> = rows.iter().map(is_section_row).collect();
        assert_eq!(flags, vec![true, true, false, false, false, false]);
    }

    #[test]
    fn nesting_by_numbering() {
        let mut s = SectionStack::default();
        s.open("II 区政改革");
        s.open("1 区の自律経営");
        assert_eq!(s.path(), vec!["II 区政改革", "1 区の自律経営"]);
        s.open("①区長");
        s.open("2 地域");
        assert_eq!(s.path(), vec!["II 区政改革", "2 地域"]);
        s.open("III 公共施設");
        assert_eq!(s.path(), vec!["III 公共施設"]);
        s.open("【衛生費】");
        s.open("【民生費】");
        assert_eq!(s.path(), vec!["III 公共施設", "【民生費】"]);
        s.close_all();
        assert!(s.is_empty());
    }
}
