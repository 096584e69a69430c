//! What a run reports: counts, failures, the tables whose totals do not add up, and the
//! series step's families and reconciliation.

use super::*;

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    pub pipeline: String,
    pub output_dir: PathBuf,
    pub shard: Option<String>,
    /// Documents in the archive (or this shard).
    pub documents: usize,
    pub new: usize,
    pub changed: usize,
    pub skipped: usize,
    /// Documents processed in this run that failed.
    pub failed: usize,
    /// Documents skipped that had failed before: unchanged (bytes, pipeline, nenpo), they
    /// would fail again, so they are not retried without `--retry-failed`. Counted in
    /// `skipped`.
    pub failed_unchanged: usize,
    pub removed: usize,
    /// Documents processed in this run that succeeded.
    pub ok: usize,
    /// Documents processed in this run of which some pages failed (the others' rows are
    /// written): their warnings are in `partials`.
    pub partial: usize,
    pub tables: u64,
    pub rows: u64,
    pub pages: u64,
    pub pages_ocr: u64,
    /// Cells of numeric columns that could not be read (raw text kept, value null).
    pub unparsed_cells: u64,
    /// Subtotal/total cells that do not match the sum of their rows.
    pub totals_mismatches: u64,
    pub seconds: f64,
    pub failures: Vec<Failure>,
    pub partials: Vec<Partial>,
    pub warnings: Vec<String>,
    /// The tables whose totals are furthest from adding up, over every document the
    /// output holds (at most 10): where to look first.
    pub worst_tables: Vec<WorstTable>,
    /// What the series stage found over the whole output, when this run changed it (a
    /// run with nothing to do leaves `families/` and `reconciliation` as they are).
    pub series: Option<SeriesSummary>,
}

/// The series stage's findings: families, and the previous-year figures checked against
/// last year's reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SeriesSummary {
    pub families: Vec<FamilySummary>,
    /// Previous-year figures compared with what the year before's report printed.
    pub checked: usize,
    pub mismatches: usize,
    /// Per document (the report printing the previous-year figures): checked, mismatched.
    pub documents: Vec<DocumentReconciliation>,
    /// The first mismatches (at most [`MISMATCHES_LISTED`]), by family, year and page.
    pub mismatched: Vec<Mismatch>,
}

/// How many reconciliation mismatches the run report lists.
pub const MISMATCHES_LISTED: usize = 20;

#[derive(Clone, Debug, Serialize)]
pub struct FamilySummary {
    pub id: String,
    pub name: String,
    pub dir: String,
    pub documents: usize,
    pub tables: usize,
    pub years: Vec<i32>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentReconciliation {
    pub path: String,
    pub checked: usize,
    pub mismatches: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    pub family: String,
    pub label: String,
    pub fiscal_year: i32,
    pub column: String,
    pub printed: f64,
    pub path: String,
    pub page: u32,
    pub previous: f64,
    pub previous_path: String,
    pub previous_page: u32,
}

/// A table of the run report's worst list.
#[derive(Clone, Debug, Serialize)]
pub struct WorstTable {
    pub path: String,
    #[serde(flatten)]
    pub table: crate::sink::TableCheck,
}

#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// A document read in part: what failed on its pages.
#[derive(Clone, Debug, Serialize)]
pub struct Partial {
    pub path: String,
    pub warnings: Vec<String>,
}

/// The tables with mismatched totals, most first (see [`DocumentRecord::mismatched_tables`]).
pub(super) fn mismatched_tables(
    tables: &[crate::logical::LogicalTable],
    mismatches: &[crate::normalize::totals::Mismatch],
) -> Vec<crate::sink::TableCheck> {
    let mut counts: std::collections::BTreeMap<usize, u32> = std::collections::BTreeMap::new();
    for m in mismatches {
        *counts.entry(m.table).or_default() += 1;
    }
    let mut out: Vec<crate::sink::TableCheck> = counts
        .into_iter()
        .map(|(ti, n)| {
            let t = tables.get(ti);
            crate::sink::TableCheck {
                table_index: u32::try_from(ti).unwrap_or(u32::MAX),
                page: t
                    .and_then(|t| t.pages.first())
                    .map_or(0, |&p| u32::try_from(p).unwrap_or(u32::MAX)),
                caption: t
                    .and_then(|t| t.caption.as_deref())
                    .and_then(|c| c.lines().next())
                    .map(|l| l.chars().take(60).collect())
                    .unwrap_or_default(),
                totals_mismatches: n,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.totals_mismatches
            .cmp(&a.totals_mismatches)
            .then(a.table_index.cmp(&b.table_index))
    });
    out.truncate(crate::sink::TABLE_CHECKS_KEPT);
    out
}

/// How many tables the run report lists as the worst.
pub(super) const WORST_TABLES_LISTED: usize = 10;

/// Tables, rows and pages over every document the state holds, and the tables whose
/// totals are furthest from adding up.
pub(super) fn totals(state: &State, r: &mut RunReport) {
    let ok = state
        .documents
        .values()
        .filter(|d| matches!(d.record.status, DocStatus::Ok | DocStatus::Partial));
    for d in ok {
        r.tables += d.record.tables as u64;
        r.rows += d.record.rows as u64;
        r.pages += d.record.pages as u64;
        r.unparsed_cells += d.record.unparsed_cells as u64;
        r.totals_mismatches += d.record.totals_mismatches as u64;
        r.worst_tables
            .extend(d.record.mismatched_tables.iter().map(|t| WorstTable {
                path: d.record.path.clone(),
                table: t.clone(),
            }));
    }
    r.worst_tables.sort_by(|a, b| {
        b.table
            .totals_mismatches
            .cmp(&a.table.totals_mismatches)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.table.table_index.cmp(&b.table.table_index))
    });
    r.worst_tables.truncate(WORST_TABLES_LISTED);
}
