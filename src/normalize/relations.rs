//! Arithmetic between a table's columns, as a kind declares it (`change = current -
//! previous`, `change_rate = change / previous %`): recognising a table by what its
//! numbers do when its headers cannot be read (a scan's misread header, a header line
//! the grid left out).
//!
//! A relation holds for a column assignment when it holds in most of the rows where all
//! its columns hold numbers ([`Most::ROWS`](crate::text::most::Most::ROWS)). A
//! percentage relation is satisfied within half a unit of the last decimal printed.

use regex::Regex;

/// `target = left OP right`, optionally `%` (the quotient times 100).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub target: String,
    pub left: String,
    pub op: Op,
    pub right: String,
    pub percent: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Div,
}

impl Relation {
    /// Parses `change = current - previous` or `change_rate = change / previous %`.
    pub fn parse(s: &str) -> Result<Relation, String> {
        static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r"^\s*(\w+)\s*=\s*(\w+)\s*([-+/])\s*(\w+)\s*(%)?\s*$").expect("valid regex")
        });
        let c = RE.captures(s).ok_or_else(|| {
            format!(
                "{s:?} is not `name = name - name`, `name = name + name` or `name = name / name %`"
            )
        })?;
        let op = match &c[3] {
            "+" => Op::Add,
            "-" => Op::Sub,
            _ => Op::Div,
        };
        let percent = c.get(5).is_some();
        if percent && op != Op::Div {
            return Err(format!("{s:?}: `%` only follows a division"));
        }
        Ok(Relation {
            target: c[1].to_string(),
            left: c[2].to_string(),
            op,
            right: c[4].to_string(),
            percent,
        })
    }

    /// The names it uses, target first.
    pub fn names(&self) -> [&str; 3] {
        [&self.target, &self.left, &self.right]
    }

    /// Whether the numbers of one row satisfy it (`target`, `left`, `right`, with the
    /// decimals printed in the target).
    fn holds(&self, t: f64, t_decimals: usize, l: f64, r: f64) -> Option<bool> {
        let want = match self.op {
            Op::Add => l + r,
            Op::Sub => l - r,
            Op::Div if r == 0.0 => return None,
            Op::Div => l / r * if self.percent { 100.0 } else { 1.0 },
        };
        let tol = match self.op {
            Op::Div => 0.5 * 10f64.powi(-(t_decimals as i32)) + 1e-9,
            _ => 1e-6 * want.abs().max(1.0),
        };
        Some((t - want).abs() <= tol)
    }
}

/// A table's body as numbers: `cells[row][col]`, the value and the decimals printed,
/// `None` where a cell is not a number.
pub type NumberMatrix = Vec<Vec<Option<(f64, usize)>>>;

/// Whether `rel` holds with its names at columns `(target, left, right)`.
fn relation_holds(m: &NumberMatrix, rel: &Relation, t: usize, l: usize, r: usize) -> bool {
    let (mut n, mut ok) = (0usize, 0usize);
    for row in m {
        let get = |c: usize| row.get(c).copied().flatten();
        if let (Some((tv, td)), Some((lv, _)), Some((rv, _))) = (get(t), get(l), get(r)) {
            if let Some(h) = rel.holds(tv, td, lv, rv) {
                n += 1;
                ok += usize::from(h);
            }
        }
    }
    crate::text::most::Most::ROWS.holds(ok, n)
}

/// Columns for the names of `relations` such that all of them hold, each column used
/// once: the first assignment found trying columns left to right. `None` when no
/// assignment satisfies every relation.
pub fn assign(
    m: &NumberMatrix,
    n_cols: usize,
    relations: &[Relation],
) -> Option<Vec<(String, usize)>> {
    fn search(
        m: &NumberMatrix,
        n_cols: usize,
        relations: &[Relation],
        bound: &mut Vec<(String, usize)>,
    ) -> bool {
        let Some((rel, rest)) = relations.split_first() else {
            return true;
        };
        let lookup = |bound: &[(String, usize)], name: &str| {
            bound.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
        };
        let names = rel.names();
        let fixed: Vec<Option<usize>> = names.iter().map(|n| lookup(bound, n)).collect();
        let choices = |k: usize| -> Vec<usize> {
            match fixed[k] {
                Some(c) => vec![c],
                None => (0..n_cols).collect(),
            }
        };
        for t in choices(0) {
            for l in choices(1) {
                for r in choices(2) {
                    let cols = [t, l, r];
                    let distinct = t != l && t != r && l != r;
                    // A new name takes a column no other name has.
                    let free = (0..3)
                        .all(|k| fixed[k].is_some() || !bound.iter().any(|(_, c)| *c == cols[k]));
                    if !distinct || !free || !relation_holds(m, rel, t, l, r) {
                        continue;
                    }
                    let before = bound.len();
                    for k in 0..3 {
                        if fixed[k].is_none() && lookup(bound, names[k]).is_none() {
                            bound.push((names[k].to_string(), cols[k]));
                        }
                    }
                    if search(m, n_cols, rest, bound) {
                        return true;
                    }
                    bound.truncate(before);
                }
            }
        }
        false
    }
    let mut bound = Vec::new();
    (!relations.is_empty() && search(m, n_cols, relations, &mut bound)).then_some(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[&[&str]]) -> NumberMatrix {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|t| {
                        let neg = t.starts_with('▲');
                        let s: String = t
                            .chars()
                            .filter(|c| c.is_ascii_digit() || *c == '.')
                            .collect();
                        let d = s.split_once('.').map_or(0, |(_, f)| f.len());
                        s.parse::<f64>().ok().map(|v| (if neg { -v } else { v }, d))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn parses_relations() {
        let r = Relation::parse("change = current - previous").expect("parses");
        assert_eq!(r.names(), ["change", "current", "previous"]);
        assert_eq!(r.op, Op::Sub);
        let r = Relation::parse("change_rate = change / previous %").expect("parses");
        assert!(r.percent);
        assert!(Relation::parse("a = b * c").is_err());
        assert!(Relation::parse("a = b - c %").is_err());
    }

    #[test]
    fn budget_columns_are_found_by_their_arithmetic() {
        // Columns: name (text), previous, current, change, rate — headers unknown.
        let m = matrix(&[
            &["戸籍", "9,930", "7,789", "▲2,141", "▲21.6"],
            &["防災", "28,207", "30,747", "2,540", "9.0"],
            &["啓発", "1,344", "1,527", "183", "13.6"],
            &["協議会", "1,994,954", "1,666,341", "▲328,613", "▲16.5"],
            &["計", "2,034,435", "1,706,404", "▲328,031", "▲16.1"],
        ]);
        let rels = [
            Relation::parse("change = current - previous").expect("ok"),
            Relation::parse("change_rate = change / previous %").expect("ok"),
        ];
        let a = assign(&m, 5, &rels).expect("assigned");
        assert_eq!(
            a,
            vec![
                ("change".to_string(), 3),
                ("current".to_string(), 2),
                ("previous".to_string(), 1),
                ("change_rate".to_string(), 4)
            ]
        );
        // Without the rate, `previous = current - change` fits too; the rate tells.
        let m2 = matrix(&[
            &["a", "1", "2", "3"],
            &["b", "4", "5", "6"],
            &["c", "7", "8", "9"],
        ]);
        assert_eq!(assign(&m2, 4, &rels), None, "no arithmetic, no assignment");
    }
}
