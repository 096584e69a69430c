//! OCR misreadings in number columns, fixed where the table makes the reading certain.
//!
//! Tesseract's typical errors on Japanese budget tables are `3.000` for `3,000`, a lost
//! decimal point (`▲216` for `▲21.6`), a stray speck at either end (`.170,253`,
//! `2,661,315.`, `|244`), and `▲` read as `4` or `A` or lost. A word alone cannot tell
//! `47.5` from `▲7.5`; its column and its row can:
//!
//! 1. **Column format.** A column whose clean numbers are mostly thousands-grouped
//!    integers (or mostly numbers with k decimals) gives its doubtful cells that format
//!    when one of a few known confusions (point for comma, lost point, specks, `l` for
//!    `1`, a spaced-out sign) turns them into it — and only then.
//! 2. **Row arithmetic.** When one column is the difference of two others in most rows
//!    (`増減 = 本年度 − 前年度`), a row where it is not is repaired if a sign confusion
//!    of the difference cell (`▲` added, lost, read as `4`) makes it hold exactly.
//! 3. **Ratios.** When a decimal column is a percentage of two others in most rows
//!    (`増減率 = 増減 / 前年度`), a failing row's ratio cell is repaired the same way,
//!    when a confusion gives exactly the rounded ratio.
//!
//!    A rate with no number read as Latin letters where the divisor is none is 皆増,
//!    where the difference takes it all 皆減.
//! 4. **Repeated texts** (`repeated_text_majority`). A column that prints one long text
//!    in many rows (a 財産目録's 使用目的等: `第1種社会福祉事業である、特別養護老人ホーム等に
//!    使用している` eight times) reads it the same way in most of them; a cell of the same
//!    length a character or so off that majority, never in a digit (`社会福社`, `事楽`,
//!    `義護`), is the majority's text misread.
//! 5. **Header fragments.** A column with texts in the header rows and hardly any below
//!    (Tesseract cut a label of a multi-line header into pieces, and a piece opened a
//!    column of its own; its few body texts are a bold subtotal pushed over the column
//!    edge, in rows where the neighbour is empty) is merged into that neighbour. Not in a
//!    lattice grid: there every column edge is a drawn ruling, and a column with only a
//!    header (`備考` over empty cells, the welfare statements' scans) is a real column.
//!
//! Every repair is a [`Diagnostic`] in the grid's diagnostics, its code naming the repair
//! (`ocr-repair-difference`: `ocr repair r3c4 "47.5" → "▲7.5" (c4 = c3 - c2)`). Only grids
//! of OCR'd pages are repaired.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::table::Grid;
use crate::text::figure::{figure, figure_chars_only};
use crate::text::marks::{is_negative_mark, is_none_mark};
use crate::text::most::Most;

/// Thresholds of the OCR repairs (`[settings.ocr.repair]`), applied to any engine's
/// output. Defaults measured on the generated scans and the welfare statements' scans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepairSettings {
    /// A doubtful cell (a number somebody misread) holds a digit and at most this many
    /// characters that are neither digits, separators nor `▲`/`△`. Default 2: a speck at
    /// each end (`.170,253.`); more is a word.
    pub doubtful_max_others: usize,
    /// A doubtful cell has at most this many characters. Default 24: longer is prose.
    pub doubtful_max_chars: usize,
    /// Rule `column_format`: a column has a format only with at least this many clean
    /// numbers. Default 3.
    pub format_min_numbers: usize,
    /// Rule `column_format`: the grouped format needs at least this many numbers printed
    /// with a thousands comma. Default 2: one could be a misread.
    pub format_min_grouped: usize,
    /// Rule `column_format`: the clean numbers of the format make at least this share of
    /// the column's doubtful-looking cells. Default 0.6.
    pub format_min_share: f64,
    /// Rules `row_arithmetic` and `ratios`: a relation between columns is the table's
    /// when it holds in most of the rows with numbers in all its columns. Default: 0.7 of
    /// them and 3 at least ([`Most::ROWS`]).
    pub arithmetic: Most,
    /// Rule `header_fragments`: only grids of at least this many columns (a fragment and
    /// the neighbour it joins, and another). Default 3.
    pub fragment_min_columns: usize,
    /// Rule `header_fragments`: only grids with at least this many body rows below the
    /// header, so that "hardly any text below" means something. Default 3.
    pub fragment_min_body_rows: usize,
    /// Rule `header_fragments`: a header column is a fragment when it has text in at most
    /// this share of the body rows. Default 0.25: a bold subtotal or two pushed over.
    pub fragment_max_body_share: f64,
    /// Rule `repeated_text_majority`: only texts of at least this many characters (spaces
    /// aside). Default 10: shorter texts that differ by a character are often different
    /// names (`東区役所` / `西区役所`).
    pub repeat_min_chars: usize,
    /// Rule `repeated_text_majority`: the majority text is printed in at least this many
    /// cells of the column, and in more cells than the text it corrects. Default 3.
    pub repeat_min_count: usize,
    /// Rule `repeated_text_majority`: at most this many characters differ (same length,
    /// none of them a digit). Default 1.
    pub repeat_max_substitutions: usize,
}

impl Default for RepairSettings {
    fn default() -> Self {
        RepairSettings {
            doubtful_max_others: 2,
            doubtful_max_chars: 24,
            format_min_numbers: 3,
            format_min_grouped: 2,
            format_min_share: 0.6,
            arithmetic: Most::ROWS,
            fragment_min_columns: 3,
            fragment_min_body_rows: 3,
            fragment_max_body_share: 0.25,
            repeat_min_chars: 10,
            repeat_min_count: 3,
            repeat_max_substitutions: 1,
        }
    }
}

impl RepairSettings {
    /// Rejects shares outside 0–1 and counts that would make a rule hold on nothing.
    pub fn validate(&self) -> Result<(), crate::limits::SettingError> {
        let inf = f64::MAX;
        let checks: [crate::limits::Limit<'_>; 13] = [
            (
                "doubtful_max_others",
                self.doubtful_max_others as f64,
                0.0,
                inf,
            ),
            (
                "doubtful_max_chars",
                self.doubtful_max_chars as f64,
                1.0,
                inf,
            ),
            (
                "format_min_numbers",
                self.format_min_numbers as f64,
                1.0,
                inf,
            ),
            (
                "format_min_grouped",
                self.format_min_grouped as f64,
                1.0,
                inf,
            ),
            ("format_min_share", self.format_min_share, 0.0, 1.0),
            ("arithmetic.share", self.arithmetic.share, 0.0, 1.0),
            (
                "arithmetic.min_rows",
                self.arithmetic.min_rows as f64,
                1.0,
                inf,
            ),
            (
                "fragment_min_columns",
                self.fragment_min_columns as f64,
                2.0,
                inf,
            ),
            (
                "fragment_min_body_rows",
                self.fragment_min_body_rows as f64,
                1.0,
                inf,
            ),
            (
                "fragment_max_body_share",
                self.fragment_max_body_share,
                0.0,
                1.0,
            ),
            ("repeat_min_chars", self.repeat_min_chars as f64, 2.0, inf),
            ("repeat_min_count", self.repeat_min_count as f64, 2.0, inf),
            (
                "repeat_max_substitutions",
                self.repeat_max_substitutions as f64,
                1.0,
                3.0,
            ),
        ];
        crate::limits::check(&checks)
    }
}

/// A number as written: sign, digits scaled by 10^decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Num {
    value: i128,
    decimals: u32,
    grouped: bool,
}

/// Column formats the repairs aim at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `1,234,567` (integers with thousands separators).
    Grouped,
    /// Numbers with this many decimals (`12.3`).
    Decimals(u32),
}

/// `▲1,234`, `-12.5`, `0`: a clean number (a [`figure`] without `%`), or `None`. Only
/// `▲`, `△` and `-` are signs here: a recognizer's `－` or `―` before digits is as often
/// a speck or a rule as a minus (`－ 4.807.710` over `4,872,560` and `△64,850` is
/// 4,807,710), so a cell reading so stays doubtful.
fn parse(t: &str) -> Option<Num> {
    if t.starts_with(|c: char| is_negative_mark(c) && !matches!(c, '▲' | '△' | '-')) {
        return None;
    }
    let f = figure(t).filter(|f| !f.percent)?;
    Some(Num {
        value: f.value.mantissa,
        decimals: f.decimals(),
        grouped: f.grouped,
    })
}

fn fits(n: &Num, f: Format) -> bool {
    match f {
        Format::Grouped => n.decimals == 0 && (n.grouped || n.value.abs() < 1000),
        Format::Decimals(k) => n.decimals == k,
    }
}

/// Cells that look like a number somebody misread: digits and at most a few other
/// characters (`doubtful_max_others`, `doubtful_max_chars`).
fn numberish(t: &str, s: &RepairSettings) -> bool {
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let others = t
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ',' | '.' | '▲' | '△'))
        .count();
    digits >= 1 && others <= s.doubtful_max_others && t.chars().count() <= s.doubtful_max_chars
}

const SPECKS: &[char] = &[
    '.', ',', '。', '、', '\'', '"', '`', '~', '_', '|', ':', ';', '©', '—', '-', '*', '”', '“',
];

/// The confusions tried on a cell that does not fit its column's format, in order.
fn format_candidates(t: &str, f: Format) -> Vec<String> {
    let mut s: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // A sign read as a letter, a `1` read as `l` or `I`, a `0` as `O`.
    if let Some(rest) = s.strip_prefix(['A', '£']) {
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == 'l') {
            s = format!("▲{rest}");
        }
    }
    let s: String = s
        .char_indices()
        .map(|(i, c)| match c {
            'l' | 'I' if i > 0 => '1',
            'O' | 'o' if i > 0 => '0',
            c => c,
        })
        .collect();
    let trimmed = s
        .trim_start_matches(|c| SPECKS.contains(&c) && c != '-')
        .trim_end_matches(SPECKS);
    let mut out = vec![trimmed.to_string()];
    // The sign, and the digits after it when they are nothing but digits.
    let (sign, rest) = match trimmed.strip_prefix(['▲', '△']) {
        Some(d) => (&trimmed[..trimmed.len() - d.len()], d),
        None => ("", trimmed),
    };
    let digits = Some(rest).filter(|d| d.chars().all(|c| c.is_ascii_digit()));
    match f {
        Format::Grouped => {
            out.push(trimmed.replace('.', ","));
            // Separators lost altogether (`4878`): regrouped (the arithmetic decides).
            if let Some(d) = digits.filter(|d| d.len() >= 4) {
                out.push(format!("{sign}{}", group_thousands(d)));
            }
        }
        Format::Decimals(k) => {
            if let Some(d) = digits.filter(|d| k > 0 && d.len() > k as usize) {
                let at = d.len() - k as usize;
                out.push(format!("{sign}{}.{}", &d[..at], &d[at..]));
            }
        }
    }
    out
}

/// Rule `points_for_commas`: a number written with two or more separators between groups
/// of three digits, at least one a point (`696.560.121`, `72,657.205`), read with commas:
/// no number has two decimal points, and a point among commas is a comma the scan
/// blurred (the welfare statements' 600 dpi fax scans, read by PP-OCR).
fn points_for_commas(t: &str) -> Option<String> {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let body = t.strip_prefix(['▲', '△']).unwrap_or(&t);
    let groups: Vec<&str> = body.split(['.', ',']).collect();
    let ok = groups.len() >= 3
        && body.contains('.')
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    ok.then(|| t.replace('.', ","))
}

/// Rule `long_vowel_between_katakana`: `1`, `|`, `l`, `I`, `一` (with the spaces the
/// cell's words left around it) between two katakana is the long vowel mark `ー`: a
/// digit never stands inside a katakana word, and a vertical label's `ー` is a vertical
/// stroke the recognizer reads as `1` (`サ 1 ビス活動増減の部`).
fn long_vowel_between_katakana(t: &str) -> Option<String> {
    let katakana = |c: char| ('\u{30a1}'..='\u{30fa}').contains(&c);
    let cs: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    let mut changed = false;
    let mut i = 0;
    while i < cs.len() {
        out.push(cs[i]);
        if katakana(cs[i]) {
            let mut j = i + 1;
            while j < cs.len() && cs[j] == ' ' {
                j += 1;
            }
            if j < cs.len() && "1|lI一".contains(cs[j]) {
                let mut k = j + 1;
                while k < cs.len() && cs[k] == ' ' {
                    k += 1;
                }
                if k < cs.len() && katakana(cs[k]) {
                    out.push('ー');
                    changed = true;
                    i = k;
                    continue;
                }
            }
        }
        i += 1;
    }
    changed.then_some(out)
}

/// Katakana and kanji drawn alike: what a recognizer reads as the first is the second
/// after a kanji (`窓ロ` is `窓口`, `人ロ` is `人口`, `第ニ` is `第二`).
const KANJI_LOOKALIKES: &[(char, char)] = &[
    ('ロ', '口'),
    ('エ', '工'),
    ('カ', '力'),
    ('ニ', '二'),
    ('ハ', '八'),
];

/// Rule `kanji_lookalike_after_kanji`: a katakana of [`KANJI_LOOKALIKES`] right after a
/// kanji and not followed by katakana is the kanji it looks like (`窓ロの再配置` →
/// `窓口の再配置`, `人ロ` → `人口`): a lone katakana never closes a kanji word, while a
/// katakana word after a kanji (`新ロボット`) is left alone.
fn kanji_lookalike_after_kanji(t: &str) -> Option<String> {
    let katakana = |c: char| ('\u{30a1}'..='\u{30fa}').contains(&c) || c == 'ー';
    let cs: Vec<char> = t.chars().collect();
    let mut out: Vec<char> = cs.clone();
    let mut changed = false;
    for i in 1..cs.len() {
        let Some(&(_, kanji)) = KANJI_LOOKALIKES.iter().find(|(k, _)| *k == cs[i]) else {
            continue;
        };
        let after_kanji = super::jis::is_kanji(out[i - 1]);
        let next_katakana = cs.get(i + 1).is_some_and(|&c| katakana(c));
        if after_kanji && !next_katakana {
            out[i] = kanji;
            changed = true;
        }
    }
    changed.then(|| out.into_iter().collect())
}

/// `1234567` → `1,234,567` (ASCII digits).
fn group_thousands(digits: &str) -> String {
    let mut g = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            g.push(',');
        }
        g.push(c);
    }
    g
}

/// The format most of a column's clean numbers have, if any.
fn column_format(texts: &[&str], s: &RepairSettings) -> Option<Format> {
    let nums: Vec<Num> = texts.iter().filter_map(|t| parse(t)).collect();
    let doubtful = texts.iter().filter(|t| numberish(t, s)).count();
    if nums.len() < s.format_min_numbers || doubtful == 0 {
        return None;
    }
    let share = |f: Format| nums.iter().filter(|n| fits(n, f)).count() as f64 / doubtful as f64;
    if nums.iter().filter(|n| n.grouped).count() >= s.format_min_grouped
        && share(Format::Grouped) >= s.format_min_share
    {
        return Some(Format::Grouped);
    }
    // Decimals as tables print them: one to three places.
    (1..=3).map(Format::Decimals).find(|&f| {
        nums.iter().filter(|n| fits(n, f)).count() >= s.format_min_numbers
            && share(f) >= s.format_min_share
    })
}

/// Rule `thousands_read_as_points`: a column of numbers read with three decimals
/// (`△288.983`, `7.940`), all or some of them, and no other format, is a column of
/// thousands read with points when, taken as the digits they print, it is the difference
/// of two columns of thousands-grouped numbers, or one of them, in most rows (`増減 =
/// 当年度 − 前年度`): figures printed with commas beside it are integers, and so is their
/// difference. Its three-decimal cells are read with commas and the column takes the
/// grouped format (a scanned statement's 増減 column, its commas read as points by
/// PP-OCR).
fn thousands_read_as_points(
    text: &dyn Fn(usize, usize) -> String,
    nr: usize,
    nc: usize,
    formats: &mut [Option<Format>],
    s: &RepairSettings,
) -> Vec<(usize, usize, String)> {
    let digits = |r: usize, c: usize| parse(&text(r, c)).map(|n| n.value);
    let pointed: Vec<usize> = (0..nc)
        .filter(|&c| matches!(formats[c], None | Some(Format::Decimals(3))))
        .filter(|&c| (0..nr).any(|r| parse(&text(r, c)).is_some_and(|n| n.decimals == 3)))
        .collect();
    let grouped: Vec<usize> = (0..nc)
        .filter(|&c| formats[c] == Some(Format::Grouped))
        .collect();
    let holds = |a: usize, b: usize, c: usize| {
        let (mut n, mut ok) = (0, 0);
        for r in 0..nr {
            if let (Some(x), Some(y), Some(z)) = (digits(r, a), digits(r, b), digits(r, c)) {
                n += 1;
                ok += usize::from(z == y - x);
            }
        }
        s.arithmetic.holds(ok, n)
    };
    let mut fixes = Vec::new();
    for &p in &pointed {
        // p = b - a, or b - p = a (p an operand): the two others grouped.
        let found = grouped.iter().any(|&a| {
            grouped
                .iter()
                .any(|&b| a != b && (holds(a, b, p) || holds(p, b, a)))
        });
        if !found {
            continue;
        }
        for r in 0..nr {
            let t = text(r, p);
            if parse(&t).is_some_and(|n| n.decimals == 3) {
                fixes.push((r, p, t.replace('.', ",")));
            }
        }
        formats[p] = Some(Format::Grouped);
    }
    fixes
}

/// Sign confusions of a cell: as read, `▲` lost, a leading `4` or `A` that was `▲`,
/// `▲` read into a number that has none.
fn sign_candidates(t: &str, f: Option<Format>) -> Vec<String> {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // The text, and the text without a stray first character (`4A3.6` for `▲3.6`).
    let mut bases = vec![t.clone()];
    if t.chars().count() > 2 {
        bases.push(t.chars().skip(1).collect());
    }
    let mut out: Vec<String> = Vec::new();
    for base in bases {
        let unsigned = base
            .strip_prefix(['▲', '△', '-', '−', '－', 'ー'])
            .unwrap_or(&base)
            .to_string();
        let mut variants = vec![base.clone(), unsigned.clone(), format!("▲{unsigned}")];
        if let Some(rest) = base.strip_prefix(['4', 'A', '£']) {
            variants.push(format!("▲{rest}"));
        }
        for v in variants {
            let mut more = vec![v.clone()];
            if let Some(f) = f {
                more.extend(format_candidates(&v, f));
            }
            for m in more {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// Whether a cell text (whitespace ignored) reads as a number.
fn has_number(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    figure_chars_only(&t)
}

/// Merges columns holding header fragments into a neighbour (see the module docs);
/// returns what was merged.
pub fn merge_header_fragments(grid: &mut Grid, s: &RepairSettings) -> Vec<Diagnostic> {
    let mut log = Vec::new();
    if grid.mode == crate::table::Strategy::Lattice {
        return log;
    }
    while let Some((k, into)) = fragment_column(grid, s) {
        let moved = merge_column(grid, k, into);
        log.push(Diagnostic::new(
            Code::OcrHeaderFragmentsMerged,
            grid.page,
            format!(
                "ocr repair: column {k} held header fragments and a few displaced texts {moved:?}: merged into column {into}"
            ),
        ));
    }
    log
}

/// A column with texts of its own in the header rows (above the first number) whose
/// few texts below them sit in rows where a neighbouring column is empty: the pieces of
/// a misread multi-line label, and texts pushed over the column edge (a bold subtotal).
/// Returns it with the neighbour it belongs to.
fn fragment_column(grid: &Grid, s: &RepairSettings) -> Option<(usize, usize)> {
    let (nr, nc) = (grid.n_rows(), grid.n_cols());
    if nc < s.fragment_min_columns {
        return None;
    }
    let body = (0..nr)
        .find(|&r| grid.cells.iter().any(|c| c.row == r && has_number(&c.text)))
        .filter(|&b| b >= 1 && nr - b >= s.fragment_min_body_rows)?;
    let text_at = |r: usize, c: usize| {
        grid.cells.iter().any(|x| {
            x.row <= r
                && r < x.row + x.rowspan
                && x.col <= c
                && c < x.col + x.colspan
                && !x.text.trim().is_empty()
        })
    };
    // Rows below the header where column k has text, each in a one-slot cell (or, when
    // merging right, a cell straddling into the right neighbour).
    for k in 0..nc {
        let above = grid
            .cells
            .iter()
            .any(|c| c.col == k && c.colspan == 1 && c.row < body && !c.text.trim().is_empty());
        if !above {
            continue;
        }
        // (A section heading spanning every column is not the column's text.)
        let below: Vec<usize> = (body..nr)
            .filter(|&r| {
                grid.cells
                    .iter()
                    .any(|c| c.row == r && c.col == k && !c.text.trim().is_empty())
            })
            .collect();
        if below.len() as f64 > s.fragment_max_body_share * (nr - body) as f64 {
            continue;
        }
        let own = |r: usize, right: bool| {
            grid.cells.iter().any(|c| {
                c.row == r
                    && c.col == k
                    && c.rowspan == 1
                    && (c.colspan == 1 || (right && c.colspan == 2))
            })
        };
        if k + 1 < nc
            && below.iter().all(|&r| {
                own(r, true)
                    && (grid.cell_at(r, k).is_some_and(|c| c.colspan == 2) || !text_at(r, k + 1))
            })
        {
            return Some((k, k + 1));
        }
        if k > 0 && below.iter().all(|&r| own(r, false) && !text_at(r, k - 1)) {
            return Some((k, k - 1));
        }
    }
    None
}

/// Removes column `k`, its one-slot cells' texts joined to the cell of column `into`
/// (`k ± 1`) in their row, in reading order; returns the texts moved.
fn merge_column(grid: &mut Grid, k: usize, into: usize) -> Vec<String> {
    let mut cells = std::mem::take(&mut grid.cells);
    let mut moved = Vec::new();
    for i in 0..cells.len() {
        if cells[i].col != k || cells[i].colspan != 1 {
            continue;
        }
        let t = cells[i].text.trim().to_string();
        let row = cells[i].row;
        if t.is_empty() {
            continue;
        }
        if let Some(j) = cells.iter().position(|c| {
            c.row <= row && row < c.row + c.rowspan && c.col <= into && into < c.col + c.colspan
        }) {
            let other = cells[j].text.trim().to_string();
            cells[j].text = match (other.is_empty(), into > k) {
                (true, _) => t.clone(),
                (false, true) => format!("{t}{other}"),
                (false, false) => format!("{other}{t}"),
            };
            moved.push(t);
        }
    }
    cells.retain(|c| !(c.col == k && c.colspan == 1));
    for c in &mut cells {
        if c.col > k {
            c.col -= 1;
        } else if c.col + c.colspan > k {
            c.colspan -= 1;
        }
    }
    // The neighbour takes the removed column's width.
    let edge = if into > k { k + 1 } else { k };
    let (x0, x1) = (grid.col_edges[k], grid.col_edges[k + 1]);
    grid.col_edges.remove(edge);
    let at = into.min(k);
    for c in &mut cells {
        if c.col == at {
            c.bbox.x0 = c.bbox.x0.min(x0);
            c.bbox.x1 = c.bbox.x1.max(if into < k { x1 } else { c.bbox.x1 });
        }
    }
    grid.cells = cells;
    moved
}

/// Rule `repeated_text_majority` (see the module comment): each column's cells a
/// character or so off a long text the column prints in most of its repeats take that
/// text.
fn repeated_text_majority(grid: &mut Grid, s: &RepairSettings) -> Vec<Diagnostic> {
    let squeezed = |t: &str| -> Vec<char> { t.chars().filter(|c| !c.is_whitespace()).collect() };
    let mut log = Vec::new();
    for col in 0..grid.n_cols() {
        let members: Vec<usize> = (0..grid.cells.len())
            .filter(|&i| grid.cells[i].col == col && grid.cells[i].colspan == 1)
            .collect();
        // Each distinct text (spaces aside) of the column: its characters, how many cells
        // print it, and the first of them.
        let mut texts: Vec<(Vec<char>, usize, usize)> = Vec::new();
        for &i in &members {
            let t = squeezed(&grid.cells[i].text);
            if t.len() < s.repeat_min_chars {
                continue;
            }
            match texts.iter_mut().find(|(x, _, _)| *x == t) {
                Some(e) => e.1 += 1,
                None => texts.push((t, 1, i)),
            }
        }
        let off_by = |a: &[char], b: &[char]| -> Option<usize> {
            if a.len() != b.len() {
                return None;
            }
            let mut n = 0;
            for (x, y) in a.iter().zip(b) {
                if x != y {
                    if x.is_numeric() || y.is_numeric() {
                        return None;
                    }
                    n += 1;
                }
            }
            Some(n)
        };
        for &i in &members {
            let t = squeezed(&grid.cells[i].text);
            let Some(own) = texts.iter().find(|(x, _, _)| *x == t).map(|e| e.1) else {
                continue;
            };
            let majority: Vec<usize> = texts
                .iter()
                .filter(|(x, n, _)| {
                    *n >= s.repeat_min_count
                        && *n > own
                        && off_by(x, &t).is_some_and(|d| d >= 1 && d <= s.repeat_max_substitutions)
                })
                .map(|e| e.2)
                .collect();
            let [m] = majority[..] else { continue };
            let to = grid.cells[m].text.clone();
            let cell = &mut grid.cells[i];
            log.push(
                Diagnostic::new(
                    Code::OcrRepairRepeatedText,
                    grid.page,
                    format!(
                        "ocr repair r{}c{} {:?} → {to:?} (the column's repeated text)",
                        cell.row, cell.col, cell.text
                    ),
                )
                .at_slot(cell.row, cell.col),
            );
            cell.text = to;
        }
    }
    log
}

/// Repairs the number cells of one OCR'd grid; returns what was changed, one line each.
pub fn repair_grid(grid: &mut Grid, s: &RepairSettings) -> Vec<Diagnostic> {
    let (nr, nc) = (grid.n_rows(), grid.n_cols());
    // Slot → index of its cell, for cells of one slot.
    let mut at = vec![vec![None; nc]; nr];
    for (i, c) in grid.cells.iter().enumerate() {
        if c.rowspan == 1 && c.colspan == 1 && c.row < nr && c.col < nc {
            at[c.row][c.col] = Some(i);
        }
    }
    let page = grid.page;
    let mut log = Vec::new();
    // 0c. A long vowel mark read as `1`, `|` or `l` between katakana (vertical `ー` in a
    // stacked side label: `サ 1 ビス活動増減の部`), in cells of any span.
    type Fix = fn(&str) -> Option<String>;
    let fixes: [(Fix, Code, &str); 2] = [
        (
            long_vowel_between_katakana,
            Code::OcrRepairLongVowel,
            "long vowel between katakana",
        ),
        (
            kanji_lookalike_after_kanji,
            Code::OcrRepairKanjiLookalike,
            "kanji look-alike after a kanji",
        ),
    ];
    for cell in &mut grid.cells {
        for (fix, code, why) in fixes {
            if let Some(fixed) = fix(&cell.text) {
                log.push(
                    Diagnostic::new(
                        code,
                        page,
                        format!(
                            "ocr repair r{}c{} {:?} → {fixed:?} ({why})",
                            cell.row, cell.col, cell.text
                        ),
                    )
                    .at_slot(cell.row, cell.col),
                );
                cell.text = fixed;
            }
        }
    }

    log.extend(repeated_text_majority(grid, s));

    let mut set = |grid: &mut Grid, r: usize, c: usize, to: String, code: Code, why: &str| {
        if let Some(i) = at[r][c] {
            let from = std::mem::replace(&mut grid.cells[i].text, to.clone());
            let message = format!("ocr repair r{r}c{c} {from:?} → {to:?} ({why})");
            log.push(Diagnostic::new(code, page, message).at_slot(r, c));
        }
    };
    let text = |grid: &Grid, r: usize, c: usize| -> String {
        at[r][c]
            .and_then(|i| grid.cells.get(i))
            .map(|x| x.text.trim().to_string())
            .unwrap_or_default()
    };

    // 0. A cell of dashes only (`--`, `ー一`): the none mark.
    for r in 0..nr {
        for c in 0..nc {
            let t: String = text(grid, r, c)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let n = t.chars().count();
            if (1..=3).contains(&n)
                && t != "－"
                && t.chars().all(crate::text::marks::is_dash_as_read)
            {
                set(
                    grid,
                    r,
                    c,
                    "－".to_string(),
                    Code::OcrRepairDashes,
                    "dashes",
                );
            }
        }
    }

    // 0b. Several points between groups of three digits (`696.560.121`): no number has
    // two decimal points, so every point is a thousands comma the scan blurred.
    for r in 0..nr {
        for c in 0..nc {
            let t = text(grid, r, c);
            if let Some(fixed) = points_for_commas(&t) {
                set(
                    grid,
                    r,
                    c,
                    fixed,
                    Code::OcrRepairPointsForCommas,
                    "several points",
                );
            }
        }
    }

    // 1. Column formats.
    let mut formats = vec![None; nc];
    for (c, format) in formats.iter_mut().enumerate() {
        let texts: Vec<String> = (0..nr).map(|r| text(grid, r, c)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let Some(f) = column_format(&refs, s) else {
            continue;
        };
        *format = Some(f);
        for (r, t) in texts.iter().enumerate() {
            if t.is_empty() || !numberish(t, s) || parse(t).is_some_and(|n| fits(&n, f)) {
                continue;
            }
            if let Some(fixed) = format_candidates(t, f)
                .into_iter()
                .find(|x| parse(x).is_some_and(|n| fits(&n, f)))
            {
                set(
                    grid,
                    r,
                    c,
                    fixed,
                    Code::OcrRepairNumberFormat,
                    "column format",
                );
            }
        }
    }

    // The value of a slot, `－` counting as zero.
    let value = |grid: &Grid, r: usize, c: usize| -> Option<Num> {
        let t = text(grid, r, c);
        if is_none_mark(&t) {
            return Some(Num {
                value: 0,
                decimals: 0,
                grouped: false,
            });
        }
        parse(&t)
    };
    let points = thousands_read_as_points(&|r, c| text(grid, r, c), nr, nc, &mut formats, s);
    for (r, c, fixed) in points {
        set(
            grid,
            r,
            c,
            fixed,
            Code::OcrRepairNumberFormat,
            "thousands read as points: the column's arithmetic",
        );
    }
    let grouped: Vec<usize> = (0..nc)
        .filter(|&c| formats[c] == Some(Format::Grouped))
        .collect();

    // 2. Differences: c = b - a.
    let mut differences = Vec::new();
    for &c in &grouped {
        for &a in &grouped {
            for &b in &grouped {
                if a == b || a == c || b == c {
                    continue;
                }
                let (mut n, mut ok) = (0, 0);
                for r in 0..nr {
                    if let (Some(x), Some(y), Some(z)) =
                        (value(grid, r, a), value(grid, r, b), value(grid, r, c))
                    {
                        n += 1;
                        ok += usize::from(z.value == y.value - x.value);
                    }
                }
                if s.arithmetic.holds(ok, n) {
                    differences.push((a, b, c));
                }
            }
        }
    }
    // A row where it fails is repaired when one confusion of one of its three cells makes
    // it hold (the difference first, then either operand given the other two).
    // A column without negative numbers (budget amounts) does not get one from a repair:
    // when either of two cells could take the sign, the one in the column of signs does.
    let negatives: Vec<bool> = (0..nc)
        .map(|c| (0..nr).any(|r| value(grid, r, c).is_some_and(|v| v.value < 0)))
        .collect();
    let grouped_value = |t: &str, want: i128, col: usize| {
        if want < 0 && !negatives.get(col).copied().unwrap_or(false) {
            return None;
        }
        sign_candidates(t, Some(Format::Grouped))
            .into_iter()
            .find(|s| parse(s).is_some_and(|z| z.value == want && fits(&z, Format::Grouped)))
    };
    for &(a, b, c) in &differences {
        for r in 0..nr {
            let (x, y, z) = (value(grid, r, a), value(grid, r, b), value(grid, r, c));
            if let (Some(x), Some(y), Some(z)) = (x, y, z) {
                if z.value == y.value - x.value {
                    continue;
                }
            }
            let why = format!("c{c} = c{b} - c{a}");
            let (ta, tb, tc) = (text(grid, r, a), text(grid, r, b), text(grid, r, c));
            if let (Some(x), Some(y), false) = (x, y, tc.is_empty()) {
                if let Some(fixed) = grouped_value(&tc, y.value - x.value, c) {
                    set(grid, r, c, fixed, Code::OcrRepairDifference, &why);
                    continue;
                }
            }
            if let (Some(y), Some(z), false) = (y, z, ta.is_empty()) {
                if let Some(fixed) = grouped_value(&ta, y.value - z.value, a) {
                    set(grid, r, a, fixed, Code::OcrRepairDifference, &why);
                    continue;
                }
            }
            if let (Some(x), Some(z), false) = (x, z, tb.is_empty()) {
                if let Some(fixed) = grouped_value(&tb, x.value + z.value, b) {
                    set(grid, r, b, fixed, Code::OcrRepairDifference, &why);
                }
            }
        }
    }

    // 3. Ratios: d = c / a × 100, rounded to d's decimals.
    for (d, format) in formats.iter().enumerate() {
        let Some(Format::Decimals(k)) = *format else {
            continue;
        };
        let scale = 10i128.pow(k);
        let ratio = |c: i128, a: i128| -> Option<i128> {
            if a == 0 {
                return None;
            }
            let num = c.checked_mul(100 * scale * 2)?;
            let q = num / a;
            // Round half away from zero.
            Some((q + q.signum()) / 2)
        };
        let mut best = None;
        for &c in &grouped {
            for &a in &grouped {
                if a == c {
                    continue;
                }
                let (mut n, mut ok) = (0, 0);
                for r in 0..nr {
                    // (A rate printed `－` is no rate, not zero.)
                    if let (Some(x), Some(z), Some(v)) = (
                        value(grid, r, a),
                        value(grid, r, c),
                        parse(&text(grid, r, d)),
                    ) {
                        if let Some(want) = ratio(z.value, x.value) {
                            n += 1;
                            ok += usize::from((v.value - want).abs() <= 1);
                        }
                    }
                }
                if s.arithmetic.holds(ok, n) && best.is_none_or(|(_, _, o)| ok > o) {
                    best = Some((a, c, ok));
                }
            }
        }
        let Some((a, c, _)) = best else { continue };
        for r in 0..nr {
            let (Some(x), Some(z)) = (value(grid, r, a), value(grid, r, c)) else {
                continue;
            };
            let t = text(grid, r, d);
            // Where the rate has no number, budget tables print 皆増 (nothing the year
            // before) or 皆減 (nothing now); Tesseract reads them as Latin letters.
            let garbled = !t.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic() || c == ' ');
            if garbled && x.value == 0 && z.value > 0 {
                set(
                    grid,
                    r,
                    d,
                    "皆増".to_string(),
                    Code::OcrRepairRatio,
                    &format!("c{a} is none, c{c} positive"),
                );
                continue;
            }
            if garbled && x.value > 0 && z.value == -x.value {
                set(
                    grid,
                    r,
                    d,
                    "皆減".to_string(),
                    Code::OcrRepairRatio,
                    &format!("c{c} is minus c{a}"),
                );
                continue;
            }
            let Some(want) = ratio(z.value, x.value) else {
                continue;
            };
            if t.is_empty() || value(grid, r, d).is_some_and(|v| (v.value - want).abs() <= 1) {
                continue;
            }
            let f = Format::Decimals(k);
            if let Some(fixed) = sign_candidates(&t, Some(f))
                .into_iter()
                .find(|s| parse(s).is_some_and(|v| fits(&v, f) && (v.value - want).abs() <= 1))
            {
                set(
                    grid,
                    r,
                    d,
                    fixed,
                    Code::OcrRepairRatio,
                    &format!("ratio of c{c} to c{a}"),
                );
            }
        }
    }
    log
}

#[cfg(test)]
mod tests {

    #[test]
    fn katakana_after_a_kanji_that_ends_no_word_is_the_kanji_it_looks_like() {
        let f = kanji_lookalike_after_kanji;
        assert_eq!(f("窓ロの再配置").as_deref(), Some("窓口の再配置"));
        assert_eq!(f("人ロ").as_deref(), Some("人口"));
        assert_eq!(f("第ニ次計画").as_deref(), Some("第二次計画"));
        // A katakana word after a kanji, and katakana in katakana words, stay.
        assert_eq!(f("新ロボット"), None);
        assert_eq!(f("ロンドン"), None);
        assert_eq!(f("エネルギー"), None);
        assert_eq!(f("アイロン"), None);
    }

    use super::*;

    #[test]
    fn repair_settings_validate_and_name_the_bad_key() {
        assert!(RepairSettings::default().validate().is_ok());
        let bad = RepairSettings {
            format_min_share: 1.5,
            ..RepairSettings::default()
        };
        assert!(bad.validate().is_err_and(|e| e.key == "format_min_share"));
        let bad = RepairSettings {
            arithmetic: Most {
                share: 0.7,
                min_rows: 0,
            },
            ..RepairSettings::default()
        };
        assert!(bad
            .validate()
            .is_err_and(|e| e.key == "arithmetic.min_rows"));
    }
    use crate::geom::Rect;
    use crate::table::{Cell, Strategy};

    fn grid(rows: &[&[&str]]) -> Grid {
        let nc = rows[0].len();
        let mut cells = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                cells.push(Cell {
                    row: r,
                    col: c,
                    rowspan: 1,
                    colspan: 1,
                    bbox: Rect::new(
                        c as f64 * 10.0,
                        r as f64 * 10.0,
                        c as f64 * 10.0 + 10.0,
                        r as f64 * 10.0 + 10.0,
                    ),
                    text: t.to_string(),
                    bold: false,
                    size: 10.0,
                });
            }
        }
        Grid {
            page: 1,
            bbox: Rect::new(0.0, 0.0, nc as f64 * 10.0, rows.len() as f64 * 10.0),
            mode: Strategy::Stream,
            row_edges: (0..=rows.len()).map(|r| r as f64 * 10.0).collect(),
            col_edges: (0..=nc).map(|c| c as f64 * 10.0).collect(),
            cells,
            diagnostics: Vec::new(),
            side_label: None,
        }
    }

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        g.text_matrix()
    }

    #[test]
    fn a_difference_column_read_with_points_is_read_with_commas() {
        // 増減 = 当年度 − 前年度, every comma of it read as a point.
        let mut g = grid(&[
            &["科目", "当年度", "前年度", "増減"],
            &["介護", "696,560,121", "685,770,156", "10.789.965"],
            &["負担", "0", "288,983", "△288.983"],
            &["居宅", "4,807,710", "4,872,560", "△64.850"],
            &["支援", "1,234,567", "1,000,000", "234.567"],
        ]);
        repair_grid(&mut g, &RepairSettings::default());
        let t = texts(&g);
        assert_eq!(t[2][3], "△288,983");
        assert_eq!(t[3][3], "△64,850");
        assert_eq!(t[4][3], "234,567");
        // Three-decimal figures that are no difference of the grouped columns stay.
        let mut g = grid(&[
            &["科目", "当年度", "前年度", "比率"],
            &["a", "1,000", "2,000", "0.500"],
            &["b", "3,000", "4,000", "0.750"],
            &["c", "5,000", "4,000", "1.250"],
        ]);
        repair_grid(&mut g, &RepairSettings::default());
        assert_eq!(texts(&g)[3][3], "1.250");
    }

    #[test]
    fn a_long_text_a_character_off_its_columns_repeats_is_that_text() {
        let use_ = "第1種社会福祉事業である、特別養護老人ホーム等に使用している";
        let mut g = grid(&[
            &["土地", use_],
            &["建物", use_],
            &[
                "構築物",
                "第1種社会福社事業である、特別養護老人ホーム等に使用している",
            ],
            &[
                "機械",
                "第1種社会福祉事業である、特別養護老人ホーム等に使\n用している",
            ],
            &[
                "権利",
                "第1種社会福祉事楽である、特別義護老人ホーム等に使用している",
            ],
            &[
                "車輌",
                "第2種社会福祉事業である、特別養護老人ホーム等に使用している",
            ],
            &["備品", "利用者送迎用"],
        ]);
        let log = repair_grid(&mut g, &RepairSettings::default());
        let t = texts(&g);
        // One character off: the majority's text (as its first cell prints it).
        assert_eq!(t[2][1], use_);
        assert!(log
            .iter()
            .any(|d| d.code == Code::OcrRepairRepeatedText && d.message.contains("社会福社")));
        // Two characters off, a digit off, and a short text stay as read; a line break
        // is no difference.
        assert!(t[4][1].contains("事楽"));
        assert!(t[5][1].starts_with("第2種"));
        assert_eq!(t[6][1], "利用者送迎用");
        assert!(t[3][1].contains('\n'));
        // Allowing two substitutions reads the fourth as the majority too.
        let mut g2 = grid(&[
            &["a", use_],
            &["b", use_],
            &["c", use_],
            &[
                "d",
                "第1種社会福祉事楽である、特別義護老人ホーム等に使用している",
            ],
        ]);
        let two = RepairSettings {
            repeat_max_substitutions: 2,
            ..RepairSettings::default()
        };
        repair_grid(&mut g2, &two);
        assert_eq!(texts(&g2)[3][1], use_);
    }

    #[test]
    fn parses_written_numbers() {
        assert_eq!(parse("1,234").map(|n| n.value), Some(1234));
        assert_eq!(
            parse("▲12.5").map(|n| (n.value, n.decimals)),
            Some((-125, 1))
        );
        assert_eq!(parse("1.234.567"), None);
        assert_eq!(parse("12,34"), None);
        assert_eq!(parse("－"), None);
        assert_eq!(
            parse("－4,807,710"),
            None,
            "a full-width dash is no sign here"
        );
        assert_eq!(parse("12%"), None);
        assert_eq!(group_thousands("1234567"), "1,234,567");
        assert_eq!(group_thousands("123"), "123");
    }

    #[test]
    fn budget_rows_are_repaired_by_format_and_arithmetic() {
        let mut g = grid(&[
            &["事業名", "前年度", "本年度", "増減", "増減率"],
            &["戸籍事務", "9,930", "7,789", "▲2,141", "▲216"],
            &["防災", "28,207", "30,747", "2,540", "9.0"],
            &["啓発", "1.344", "1,527", "183", "13.6"],
            &["協議会", "1,994,954", "1,666,341", "▲328,613", "▲16.5"],
            &["保全", "895,967", "861,427", "34,540", "43.9"],
            &["接種", ".170,253", "170,253", "0", "0.0."],
            &["推進", "90,841", "84,097", "▲6,744", "47.4"],
            &["計", "－", "12,008", "12,008", "－"],
            &["公債費", "1,026", "-1.121", "95", "9.3"],
            &["消防", "2,503,436", "2,413,504", "▲89,932", "4A3.6"],
            &["統計", "--", "1,703", "1,703", "－"],
            &["斎場", "－", "1,107", "1,107", "erly"],
            &["消防署", "1,519", "－", "▲1,519", "FFDi"],
            &["客船", "32,747", "－", "32,747", "－"],
            &["車両", "19,531", "14,653", "44878", "425.0"],
            // Clean rows: the evidence for the relations is the majority of rows.
            &["学校", "916,048", "918,086", "2,038", "0.2"],
            &["図書館", "45,993", "38,509", "▲7,484", "▲16.3"],
            &["給食", "19,165", "13,575", "▲5,590", "▲29.2"],
            &["博物館", "12,585,984", "13,094,126", "508,142", "4.0"],
        ]);
        let log = repair_grid(&mut g, &RepairSettings::default());
        let t = texts(&g);
        assert_eq!(t[1][4], "▲21.6", "lost point");
        assert_eq!(t[3][1], "1,344", "point for comma");
        assert_eq!(t[5][3], "▲34,540", "lost sign, by the difference");
        assert_eq!(t[5][4], "▲3.9", "sign read as 4, by the ratio");
        assert_eq!(t[6][1], "170,253", "speck");
        assert_eq!(t[6][4], "0.0", "speck");
        assert_eq!(t[7][4], "▲7.4");
        assert_eq!(t[8][4], "－", "none stays none");
        assert_eq!(t[9][2], "1,121", "an operand repaired by the difference");
        assert_eq!(t[10][4], "▲3.6", "a stray mark before the sign");
        assert_eq!(t[11][1], "－", "dashes");
        assert_eq!(t[12][4], "皆増");
        assert_eq!(t[13][4], "皆減");
        assert_eq!(t[14][1], "32,747", "amounts take no sign: the change does");
        assert_eq!(t[14][3], "▲32,747");
        assert_eq!(t[15][3], "▲4,878", "sign read as 4 and separators lost");
        assert_eq!(t[15][4], "▲25.0");
        assert_eq!(t[0][1], "前年度");
        assert_eq!(log.len(), 17, "{log:#?}");
        // Each repair names its kind and its slot.
        let codes_at = |r: usize, c: usize| -> Vec<Code> {
            log.iter()
                .filter(|d| (d.row, d.col) == (Some(r), Some(c)))
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(codes_at(3, 1), vec![Code::OcrRepairNumberFormat]);
        assert_eq!(codes_at(11, 1), vec![Code::OcrRepairDashes]);
        assert_eq!(codes_at(12, 4), vec![Code::OcrRepairRatio]);
        // `-1.121`: the column's format first, then the row's difference its sign.
        assert_eq!(
            codes_at(9, 2),
            vec![Code::OcrRepairNumberFormat, Code::OcrRepairDifference],
            "{log:#?}"
        );
        assert!(log
            .iter()
            .all(|d| d.page == g.page && d.stage == crate::diagnostic::Stage::Ocr));
    }

    #[test]
    fn header_fragment_columns_are_merged() {
        let mut g = grid(&[
            &["事業名", "度", "予算額", "増減"],
            &["", "前年", "当初", ""],
            &["戸籍事務", "", "9,930", "▲2,141"],
            &["防災", "", "28,207", "2,540"],
            &["啓発", "", "1,344", "183"],
            &["小計", "41,481", "", "▲2,141"],
        ]);
        // The subtotal's wider number straddles into the next column.
        let i = g
            .cells
            .iter()
            .position(|c| c.row == 5 && c.col == 1)
            .unwrap_or(0);
        g.cells[i].colspan = 2;
        g.cells.retain(|c| !(c.row == 5 && c.col == 2));
        let log = merge_header_fragments(&mut g, &RepairSettings::default());
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(g.n_cols(), 3);
        let t = texts(&g);
        assert_eq!(t[0], vec!["事業名", "度予算額", "増減"]);
        assert_eq!(t[1], vec!["", "前年当初", ""]);
        assert_eq!(t[2], vec!["戸籍事務", "9,930", "▲2,141"]);
        assert_eq!(t[5], vec!["小計", "41,481", "▲2,141"]);
        assert_eq!(g.col_edges, vec![0.0, 10.0, 30.0, 40.0]);
        // The item column cut in two by a misread header: `小計` indented into the
        // piece, the names left of it.
        let mut g = grid(&[
            &["", "wee", "予算額", "増減"],
            &["街路整備", "", "2,850", "228"],
            &["市営住宅", "", "56,057", "5,403"],
            &["住宅建設", "", "3,088", "▲416"],
            &["", "小計", "277,265", "▲19,631"],
        ]);
        // With a grid that few columns kept out of the rule, nothing is merged.
        let narrow = RepairSettings {
            fragment_min_columns: 5,
            ..RepairSettings::default()
        };
        assert!(merge_header_fragments(&mut g.clone(), &narrow).is_empty());
        assert_eq!(
            merge_header_fragments(&mut g, &RepairSettings::default()).len(),
            1
        );
        let t = texts(&g);
        assert_eq!(t[0], vec!["wee", "予算額", "増減"]);
        assert_eq!(t[4], vec!["小計", "277,265", "▲19,631"]);
        assert_eq!(g.col_edges, vec![0.0, 20.0, 30.0, 40.0]);
        // A column of remarks empty in the body but for one row is kept.
        let mut g = grid(&[
            &["事業名", "金額", "備考"],
            &["戸籍事務", "9,930", ""],
            &["防災", "28,207", "新規"],
            &["啓発", "1,344", ""],
        ]);
        assert!(merge_header_fragments(&mut g, &RepairSettings::default()).is_empty());
        // In a lattice grid every column is drawn: a header-only 備考 column stays.
        let mut g = grid(&[
            &["勘定科目", "予算(A)", "差異", "備考"],
            &["介護保険事業収入", "691,445,000", "△5,115,121", ""],
            &["その他の収入", "1,154,000", "69,254", ""],
            &["事業活動収入計", "694,473,000", "△5,071,424", ""],
        ]);
        assert_eq!(
            merge_header_fragments(&mut g.clone(), &RepairSettings::default()).len(),
            1,
            "stream: merged"
        );
        g.mode = Strategy::Lattice;
        assert!(merge_header_fragments(&mut g, &RepairSettings::default()).is_empty());
        assert_eq!(g.n_cols(), 4);
    }

    #[test]
    fn blurred_separators_and_vertical_long_vowels() {
        assert_eq!(
            points_for_commas("696.560.121").as_deref(),
            Some("696,560,121")
        );
        assert_eq!(
            points_for_commas("△2.424.915").as_deref(),
            Some("△2,424,915")
        );
        assert_eq!(
            points_for_commas("72,657.205").as_deref(),
            Some("72,657,205")
        );
        for keep in [
            "5.452",
            "1,234,567",
            "12.5",
            "1.23.4",
            "1234.567.890",
            "a.123.456",
        ] {
            assert_eq!(points_for_commas(keep), None, "{keep}");
        }
        assert_eq!(
            long_vowel_between_katakana("サ 1 ビス活動増減の部").as_deref(),
            Some("サービス活動増減の部")
        );
        assert_eq!(
            long_vowel_between_katakana("サ|ビス").as_deref(),
            Some("サービス")
        );
        for keep in ["サービス", "第1号", "ア 1", "1 ア", "令和1年"] {
            assert_eq!(long_vowel_between_katakana(keep), None, "{keep}");
        }
        let mut g = grid(&[
            &["サ 1 ビス", "696.560.121", "5.452"],
            &["b", "1,060,000", "290,000"],
            &["c", "697.976.101", "1,084,746"],
            &["d", "1,568,323", "23,388"],
        ]);
        repair_grid(&mut g, &RepairSettings::default());
        let t = texts(&g);
        assert_eq!(t[0], vec!["サービス", "696,560,121", "5,452"]);
        assert_eq!(t[2][1], "697,976,101");
    }

    #[test]
    fn nothing_changes_without_evidence() {
        // Too few numbers for a format; no relation between columns.
        let rows: &[&[&str]] = &[&["a", "47.5", "1.344"], &["b", "12", "x"]];
        let mut g = grid(rows);
        assert!(repair_grid(&mut g, &RepairSettings::default()).is_empty());
        // A decimal column of three decimals keeps `1.344`.
        let mut g = grid(&[
            &["a", "1.344"],
            &["b", "2.500"],
            &["c", "0.125"],
            &["d", "3.000"],
        ]);
        assert!(repair_grid(&mut g, &RepairSettings::default()).is_empty());
        // Wide characters are never cut inside (this panicked on `▲－`).
        for t in ["－", "▲－", "ー5", "△ー"] {
            let _ = format_candidates(t, Format::Decimals(1));
            let _ = sign_candidates(t, Some(Format::Decimals(1)));
        }
    }
}
