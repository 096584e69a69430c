//! The series step after every document is written: table families, item values
//! across years and reconciliation, redone only when the archive's values changed.

use super::*;

/// What the series stage's output depends on besides the documents: its settings and the
/// pipeline's `[[families]]`.
pub(super) fn series_key(p: &Pipeline) -> String {
    let key = serde_json::json!([p.config.settings.series, p.config.families]);
    document_id(key.to_string().as_bytes())
}

/// The file recording the [`series_key`] the families were last written with.
pub(super) fn series_key_path(out: &Path) -> PathBuf {
    meta_dir(out).join("series.key")
}

/// Whether the series settings or `[[families]]` changed since the families were written.
pub(super) fn series_changed(p: &Pipeline, out: &Path) -> bool {
    std::fs::read_to_string(series_key_path(out)).map_or(true, |k| k.trim() != series_key(p))
}

/// The series stage over everything the output holds (a whole run or a merge, after the
/// documents' own files are final): families and the reconciliation, written and summed up.
pub(super) fn write_series(p: &Pipeline, out: &Path) -> Result<SeriesSummary, RunError> {
    let values = sink::read_series_values(out)?;
    let found = crate::series::series(&values, &p.config.settings.series, &p.config.families);
    sink::write_series(out, &found)?;
    let path = series_key_path(out);
    write_file_atomically(&path, series_key(p).as_bytes())
        .map_err(|source| RunError::Write { path, source })?;
    let mut per_doc: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &found.checks {
        let e = per_doc.entry(c.source_path.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(!c.agrees);
    }
    let name = |i: usize| {
        found
            .families
            .get(i)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    Ok(SeriesSummary {
        families: found
            .families
            .iter()
            .map(|f| FamilySummary {
                id: f.id.clone(),
                name: f.name.clone(),
                dir: f.dir.clone(),
                documents: f.documents,
                tables: f.tables,
                years: f.years.clone(),
                columns: f.columns.clone(),
            })
            .collect(),
        checked: found.checks.len(),
        mismatches: found.checks.iter().filter(|c| !c.agrees).count(),
        documents: per_doc
            .into_iter()
            .map(|(path, (checked, mismatches))| DocumentReconciliation {
                path: path.to_string(),
                checked,
                mismatches,
            })
            .collect(),
        mismatched: found
            .checks
            .iter()
            .filter(|c| !c.agrees)
            .take(MISMATCHES_LISTED)
            .map(|c| Mismatch {
                family: name(c.family),
                label: c.label.clone(),
                fiscal_year: c.fiscal_year,
                column: c.column.clone(),
                printed: c.printed,
                path: c.source_path.clone(),
                page: c.page,
                previous: c.previous,
                previous_path: c.previous_source_path.clone(),
                previous_page: c.previous_page,
            })
            .collect(),
    })
}
