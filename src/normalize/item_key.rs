//! Cross-year item keys: the same item gets the same key in every year's report, however
//! the year words it a little differently.
//!
//! A label is reduced to its content characters: markers (`①`, `(1)`, `Ⅱ`) taken off,
//! NFKC, spaces and punctuation removed, and short hiragana runs after the first character
//! dropped: particles and okurigana (`区長への権限の移譲` and `区長への権限移譲` both become
//! `区長権限移譲`; `具体的な取組`/`具体的取組`, `取り組み`/`取組` agree). A label that starts
//! with hiragana keeps it (`こども医療費` and `ひとり親医療費` stay apart). The key is the
//! section path and the label so reduced, joined by `/`; [`key_hash`] gives a short stable
//! hash of it for joins.

use sha2::{Digest, Sha256};

use super::text::{nfkc, split_markers};

/// Hiragana runs up to this long after the first character are particles or okurigana.
/// Default 2: `の`, `への`, `な`, `り`, `を`; 3-kana words (`ひとり`, `こども`) stay.
pub const MAX_PARTICLE_RUN: usize = 2;

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// Characters that carry no identity: punctuation, brackets, symbols, spaces.
fn is_noise(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '・' | '、'
                | '。'
                | '，'
                | '．'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '〈'
                | '〉'
                | '《'
                | '》'
                | '〜'
                | '～'
                | '※'
                | '…'
                | '‥'
                | '◆'
                | '◇'
                | '■'
                | '□'
                | '●'
                | '○'
                | '◎'
                | '★'
                | '☆'
                | '→'
                | 'ー'
        )
}

/// A label reduced to its content characters (see the module comment).
pub fn canonical_label(label: &str) -> String {
    // Markers may be stacked (`Ⅱ ①`); the text after them is the label.
    let (_, rest) = split_markers(label);
    let t: Vec<char> = nfkc(rest).chars().filter(|&c| !is_noise(c)).collect();
    let mut out = String::with_capacity(t.len() * 3);
    // A leading hiragana run is a word of its own (`こども`, `すまい`): kept whole.
    let mut i = t.iter().take_while(|&&c| is_hiragana(c)).count();
    out.extend(&t[..i]);
    while i < t.len() {
        if is_hiragana(t[i]) {
            let start = i;
            while i < t.len() && is_hiragana(t[i]) {
                i += 1;
            }
            if i - start > MAX_PARTICLE_RUN {
                out.extend(&t[start..i]);
            }
            continue;
        }
        out.push(t[i]);
        i += 1;
    }
    if out.is_empty() {
        // All particles (or nothing): keep what there was, so distinct labels stay distinct.
        return t.into_iter().collect();
    }
    out.to_lowercase()
}

/// The item key of a row: its section path and label, each reduced, joined by `/`.
pub fn item_key(label: &str, section: &[String]) -> String {
    let mut parts: Vec<String> = section
        .iter()
        .map(|s| canonical_label(s))
        .filter(|s| !s.is_empty())
        .collect();
    parts.push(canonical_label(label));
    parts.join("/")
}

/// A short stable hash of a key (12 hex digits of SHA-256).
pub fn key_hash(key: &str) -> String {
    let d = Sha256::digest(key.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The label of a row: its first non-empty cell that is not already part of its section
/// path (grouping columns are filled into the path by the logical stage).
pub fn row_label<'a>(cells: &'a [String], section: &[String]) -> &'a str {
    let in_path = |c: &str| section.iter().any(|s| s.trim() == c.trim());
    cells
        .iter()
        .map(String::as_str)
        .find(|c| !c.trim().is_empty() && !in_path(c))
        .unwrap_or("")
}

/// The item key of a logical-table row ([`row_label`] within its section path).
pub fn row_key(row: &crate::logical::Row) -> String {
    item_key(row_label(&row.cells, &row.section), &row.section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_labels() {
        let cases = [
            ("区長への権限の移譲", "区長権限移譲"),
            ("区長への権限移譲", "区長権限移譲"),
            ("② 区長への権限移譲", "区長権限移譲"),
            ("具体的な取組", "具体的取組"),
            ("具体的取組", "具体的取組"),
            ("取り組み", "取組"),
            ("取組", "取組"),
            ("事務事業評価の実施", "事務事業評価実施"),
            ("(1) 委託料総額の削減", "委託料総額削減"),
            ("Ⅱ 人材育成・組織改革", "人材育成組織改革"),
            ("こども医療費助成推進事業", "こども医療費助成推進事業"),
            ("ひとり親家庭医療費助成", "ひとり親家庭医療費助成"),
            ("ＩＣＴ環境の整備", "ict環境整備"),
            ("他会計繰出金事業（その57）", "他会計繰出金事業57"),
            ("市 民 協 働", "市民協働"),
            ("公文書公開制度の運用改善", "公文書公開制度運用改善"),
            ("すまい", "すまい"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_label(input), want, "label {input:?}");
        }
    }

    #[test]
    fn keys_agree_across_wordings_and_numbering() {
        // The same reform item in two years' reports: renumbered sections, reworded label.
        let a = item_key(
            "⑤ 区長への権限の移譲",
            &["Ⅱ 区政改革".into(), "2 区の自律経営".into()],
        );
        let b = item_key(
            "③ 区長への権限移譲",
            &["Ⅲ 区政改革".into(), "1 区の自律経営".into()],
        );
        assert_eq!(a, b);
        assert_eq!(a, "区政改革/区自律経営/区長権限移譲");
        assert_eq!(key_hash(&a), key_hash(&b));
        assert_eq!(key_hash(&a).len(), 12);
        // Different items stay apart.
        assert_ne!(
            item_key("区長への権限移譲", &[]),
            item_key("区長への権限移譲", &["区政改革".into()])
        );
        assert_ne!(
            item_key("こども医療費", &[]),
            item_key("ひとり親医療費", &[])
        );
    }

    #[test]
    fn row_labels_skip_grouping_cells() {
        let cells: Vec<String> = ["1 事務事業の見直し", "① 事務事業評価の実施", "目標"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let section = vec!["Ⅰ 行財政改革".to_string(), "1 事務事業の見直し".to_string()];
        assert_eq!(row_label(&cells, &section), "① 事務事業評価の実施");
        assert_eq!(row_label(&cells, &[]), "1 事務事業の見直し");
        assert_eq!(row_label(&[String::new()], &[]), "");
    }

    /// dev_0006 (2018) and dev_0026 (2022) print the same measure under renumbered
    /// sections; the 2022 wording without の must agree too.
    #[test]
    fn issue_5_reform_item_same_key_across_years() {
        let y2018 = item_key(
            "① 区長への権限の移譲（予算・人事）",
            &["III\u{3000}区政改革".into(), "2\u{3000}区の自律経営".into()],
        );
        let y2022 = item_key(
            "① 区長への権限の移譲（予算・人事）",
            &["III 区政改革".into(), "1 区の自律経営".into()],
        );
        let reworded = item_key(
            "③ 区長への権限移譲(予算・人事)",
            &["Ⅲ 区政改革".into(), "1 区の自律経営".into()],
        );
        assert_eq!(y2018, y2022);
        assert_eq!(y2018, reworded);
        assert_eq!(y2018, "区政改革/区自律経営/区長権限移譲予算人事");
    }

    /// On the dev corpus truth (when present): keys are unique within a document, and
    /// reform items recur across years under the same key.
    #[test]
    fn dev_truth_keys_unique_per_document_and_shared_across_years() {
        let dev = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dev");
        let Ok(dir) = std::fs::read_dir(&dev) else {
            eprintln!("note: {} absent, skipped", dev.display());
            return;
        };
        let mut years_of: std::collections::HashMap<String, std::collections::BTreeSet<i64>> =
            Default::default();
        for e in dir.flatten() {
            let path = e.path();
            if !path.to_string_lossy().ends_with(".truth.json") {
                continue;
            }
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(
                &std::fs::read_to_string(&path).unwrap_or_default(),
            ) else {
                continue;
            };
            if doc["family"] != "A" {
                continue;
            }
            let year = doc["fiscal_year"].as_i64().unwrap_or(0);
            let mut seen = std::collections::HashMap::new();
            for t in doc["tables"].as_array().into_iter().flatten() {
                for r in t["rows"].as_array().into_iter().flatten() {
                    if r["kind"] == "section" {
                        continue;
                    }
                    let cells: Vec<String> = r["cells"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| c.as_str().unwrap_or("").to_string())
                        .collect();
                    let section: Vec<String> = r["section"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| c.as_str().unwrap_or("").to_string())
                        .collect();
                    let label = row_label(&cells, &section).to_string();
                    let key = item_key(&label, &section);
                    if let Some(other) = seen.insert(key.clone(), label.clone()) {
                        assert_eq!(
                            other,
                            label,
                            "{}: two items share the key {key}",
                            path.display()
                        );
                    }
                    years_of.entry(key).or_default().insert(year);
                }
            }
        }
        let recurring = years_of.values().filter(|y| y.len() > 1).count();
        assert!(
            recurring >= 20,
            "only {recurring} reform items recur across years"
        );
    }
}
