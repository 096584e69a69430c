//! The `nenpo` command: parses arguments, calls the library, prints. Nothing else.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use nenpo::geom::Rect;
use nenpo::pipeline::config::Pipeline;
use nenpo::pipeline::run::{limit_memory, process_document, run, RunOptions, RunReport, Shard};
use nenpo::pipeline::{extract, parse_pages, ExtractOptions, Settings};
use nenpo::sink::DocStatus;
use nenpo::table::Mode;

/// nenpo turns archives of administrative PDFs (annual reports, budgets, statistics;
/// digital or scanned, Japanese included) into normalized Parquet tables.
#[derive(Parser)]
#[command(version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the tables of one PDF (JSON or CSV on stdout), tabula-style.
    Extract(ExtractArgs),
    /// Run a pipeline over an archive into Parquet datasets (incremental: unchanged
    /// documents are skipped).
    Run(RunArgs),
    /// Draw what nenpo saw on a page (PNG), or every page and table of a document (HTML).
    Inspect(InspectArgs),
    /// Run a SQL query (polars SQL) over a run's output datasets: each dataset directory is
    /// a table named after it (tables, values, each kind's dataset), and `documents`.
    Query(QueryArgs),
    /// Print an item's values year by year (item_key, item path or label by regex).
    Compare(CompareArgs),
    /// Print a pipeline's effective settings (its `[settings.*]` over the defaults) as TOML.
    Settings(SettingsArgs),
    /// Internal: process one document for `nenpo run` (process isolation).
    #[command(name = "__process-document", hide = true)]
    ProcessDocument(ProcessDocumentArgs),
}

#[derive(clap::Args)]
struct ProcessDocumentArgs {
    #[arg(long)]
    pipeline: PathBuf,
    #[arg(long)]
    output: PathBuf,
    #[arg(long)]
    key: String,
    #[arg(long)]
    memory_mb: u64,
    file: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReadFormat {
    Table,
    Csv,
    Json,
}

/// Where `query` and `compare` read: an output directory, or a pipeline's.
#[derive(clap::Args)]
struct OutputChoice {
    /// A pipeline definition whose output directory to read (default pipelines/default.toml).
    #[arg(conflicts_with = "output")]
    pipeline: Option<PathBuf>,
    /// The output directory to read.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SettingsArgs {
    /// A pipeline definition (default pipelines/default.toml).
    pipeline: Option<PathBuf>,
}

#[derive(clap::Args)]
struct QueryArgs {
    /// The SQL query, e.g. "select fiscal_year, count(*) from tables group by 1".
    sql: String,
    #[command(flatten)]
    from: OutputChoice,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: ReadFormat,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// An item_key, or a regex searched in item paths and labels (e.g. "個人|法人");
    /// with `--family`, optional (default: every item of the family).
    #[arg(required_unless_present = "family")]
    item: Option<String>,
    #[command(flatten)]
    from: OutputChoice,
    /// The dataset to read: `values` (default; every numeric cell) or a kind's dataset.
    #[arg(long, short, conflicts_with = "family")]
    dataset: Option<String>,
    /// A family (its name, directory or id, as the run report lists them): every item of
    /// the family, year by year, one value per item and column (items printed by two
    /// statements of a document once).
    #[arg(long)]
    family: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: ReadFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum CliMode {
    Auto,
    Lattice,
    Stream,
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// The PDF file.
    file: PathBuf,
    /// Pages to read, e.g. `1,3-4` (default: all).
    #[arg(long, short)]
    pages: Option<String>,
    /// How to find tables: ruling lines (lattice), text alignment (stream), or per region (auto).
    #[arg(long, short, value_enum, default_value = "auto")]
    mode: CliMode,
    /// Only this part of the page: top,left,bottom,right in points from the top-left corner.
    #[arg(long, short)]
    area: Option<String>,
    /// Column separators: x1,x2,... in points from the left edge.
    #[arg(long, short)]
    columns: Option<String>,
    /// Password of an encrypted PDF.
    #[arg(long)]
    password: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "json")]
    format: Format,
    /// Read with the settings (`[settings.*]`) of this pipeline definition instead of the
    /// defaults.
    #[arg(long)]
    pipeline: Option<PathBuf>,
    /// The OCR engine for scanned pages (overrides the pipeline's `settings.ocr.engine`).
    #[arg(long, value_enum)]
    ocr_engine: Option<OcrEngineArg>,
}

/// `--ocr-engine`: PP-OCRv6 (default) or Tesseract.
#[derive(Clone, Copy, clap::ValueEnum)]
enum OcrEngineArg {
    Paddle,
    Tesseract,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The pipeline definition.
    #[arg(default_value = "pipelines/default.toml")]
    pipeline: PathBuf,
    /// Read every PDF under this directory instead of the pipeline's inputs.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Write the datasets here instead of the pipeline's output directory.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Print the run report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Reprocess every document, changed or not.
    #[arg(long)]
    force: bool,
    /// Reprocess the documents that failed or were read in part, even when unchanged
    /// (otherwise a document is retried only when its bytes, the pipeline or nenpo
    /// changed).
    #[arg(long)]
    retry_failed: bool,
    /// Process only shard i of N (0-based, e.g. `--shard 2/8`; documents split by a hash of
    /// their path). Shards write disjoint files; finish with `--merge-only`.
    #[arg(long, value_name = "i/N")]
    shard: Option<String>,
    /// Join the shards' results into the documents table and state; process nothing.
    #[arg(long, conflicts_with_all = ["shard", "force", "retry_failed"])]
    merge_only: bool,
    /// Write an HTML report for each document of this run that failed or whose totals do
    /// not reconcile, and an index page of the run, into DIR.
    #[arg(long, value_name = "DIR")]
    report_html: Option<PathBuf>,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// The PDF file.
    file: PathBuf,
    /// The page to draw (1-based).
    #[arg(long, short, required_unless_present = "html")]
    page: Option<usize>,
    /// Where to write the page picture (default: FILE-pN.png in the current directory).
    #[arg(long, short, conflicts_with = "html")]
    out: Option<PathBuf>,
    /// Write an HTML report of the document (every page, or `--pages`) instead.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Pages of the HTML report, e.g. `1,3-4` (default: all).
    #[arg(long, requires = "html")]
    pages: Option<String>,
    /// How to find tables: ruling lines (lattice), text alignment (stream), or per region (auto).
    #[arg(long, short, value_enum, default_value = "auto")]
    mode: CliMode,
    /// Password of an encrypted PDF.
    #[arg(long)]
    password: Option<String>,
    /// Resolution of the pictures in dots per inch (default 100 for --page, 72 in --html).
    #[arg(long, conflicts_with = "scale")]
    dpi: Option<f64>,
    /// Resolution as pixels per point (1 = 72 dpi).
    #[arg(long)]
    scale: Option<f64>,
    /// OCR words with a confidence (0-1) below this are marked low (default 0.6).
    #[arg(long)]
    low_confidence: Option<f32>,
    /// Font file for text in non-embedded Japanese fonts (default: IPAex/IPA/Noto CJK from Debian).
    #[arg(long)]
    cjk_font: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    // The compiled-in `config/defaults.toml`, checked before any stage reads it.
    if let Err(e) = nenpo::defaults::check() {
        eprintln!("nenpo: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Extract(a) => cmd_extract(a),
        Command::Run(a) => cmd_run(a),
        Command::Inspect(a) => cmd_inspect(a),
        Command::Query(a) => cmd_query(a),
        Command::Compare(a) => cmd_compare(a),
        Command::Settings(a) => cmd_settings(a),
        Command::ProcessDocument(a) => cmd_process_document(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nenpo: {}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, each cause once: the library's messages already print the
/// error they wrap (`cannot read {path}: {source}`), so a cause already in the text is not
/// repeated.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
    }
    out
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NENPO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn numbers(s: &str, what: &str) -> Result<Vec<f64>> {
    s.split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .with_context(|| format!("{what}: {v:?} is not a number"))
        })
        .collect()
}

fn cmd_extract(a: ExtractArgs) -> Result<ExitCode> {
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let area = match a.area.as_deref() {
        Some(s) => {
            let v = numbers(s, "--area")?;
            let [top, left, bottom, right] = v[..] else {
                bail!("--area takes four numbers: top,left,bottom,right")
            };
            Some(Rect::new(left, top, right, bottom))
        }
        None => None,
    };
    let opts = ExtractOptions {
        pages: a
            .pages
            .as_deref()
            .map(parse_pages)
            .transpose()
            .map_err(anyhow::Error::msg)
            .context("--pages")?,
        mode: match a.mode {
            CliMode::Auto => Mode::Auto,
            CliMode::Lattice => Mode::Lattice,
            CliMode::Stream => Mode::Stream,
        },
        area,
        columns: a
            .columns
            .as_deref()
            .map(|s| numbers(s, "--columns"))
            .transpose()?,
        password: a.password,
    };
    let mut settings = match &a.pipeline {
        Some(p) => {
            let pipeline = nenpo::pipeline::config::Pipeline::load(p)?;
            install_vocabulary(&pipeline)?;
            pipeline.config.settings
        }
        None => Settings::default(),
    };
    match a.ocr_engine {
        Some(OcrEngineArg::Paddle) => settings.ocr.engine = nenpo::ocr::Engine::Paddle,
        Some(OcrEngineArg::Tesseract) => settings.ocr.engine = nenpo::ocr::Engine::Tesseract,
        None => {}
    }
    let x = extract(&bytes, &opts, &settings).with_context(|| format!("{}", a.file.display()))?;
    // Pages that failed: the tables printed are those of the other pages.
    for w in &x.failures {
        eprintln!("warning: {}: {w}", a.file.display());
    }
    let mut stdout = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            let v = nenpo::output::to_json(&a.file.display().to_string(), &x);
            serde_json::to_writer(&mut stdout, &v)?;
            writeln!(stdout)?;
        }
        Format::Csv => stdout.write_all(nenpo::output::to_csv(&x).as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cli_mode(m: CliMode) -> Mode {
    match m {
        CliMode::Auto => Mode::Auto,
        CliMode::Lattice => Mode::Lattice,
        CliMode::Stream => Mode::Stream,
    }
}

fn cmd_inspect(a: InspectArgs) -> Result<ExitCode> {
    use nenpo::inspect::{document_report, page_picture, InspectSettings};
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let mut s = InspectSettings::default();
    if let Some(dpi) = a.dpi.or(a.scale.map(|k| k * 72.0)) {
        s.dpi = dpi;
        s.html_dpi = dpi;
    }
    if let Some(c) = a.low_confidence {
        s.low_confidence = c;
    }
    if let Some(f) = a.cjk_font {
        s.cjk_fonts.insert(0, f);
    }
    let mut opts = ExtractOptions {
        mode: cli_mode(a.mode),
        password: a.password,
        ..Default::default()
    };
    let what = a.file.display().to_string();
    if let Some(path) = a.html {
        opts.pages = a
            .pages
            .as_deref()
            .map(parse_pages)
            .transpose()
            .map_err(anyhow::Error::msg)
            .context("--pages")?;
        let title = a
            .file
            .file_name()
            .map_or(what.clone(), |n| n.to_string_lossy().into_owned());
        let (html, summary) = document_report(&bytes, &title, &opts, &Settings::default(), &s)
            .with_context(|| what.clone())?;
        std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))?;
        println!(
            "{}: {} pages, {} tables, {} rows",
            path.display(),
            summary.pages,
            summary.tables,
            summary.rows
        );
        for f in &summary.flags {
            println!("flag: {f}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(page) = a.page else {
        bail!("give --page N (or --html FILE)")
    };
    let pic = page_picture(&bytes, page, &opts, &Settings::default(), &s)
        .with_context(|| what.clone())?;
    let out = a.out.unwrap_or_else(|| {
        let stem = a
            .file
            .file_stem()
            .map_or("page".into(), |n| n.to_string_lossy().into_owned());
        PathBuf::from(format!("{stem}-p{page}.png"))
    });
    std::fs::write(&out, &pic.png).with_context(|| format!("cannot write {}", out.display()))?;
    let layers: Vec<&str> = pic.layers.iter().map(|l| l.label()).collect();
    println!(
        "{}: page {page}, {} x {} pixels; drawn: {}",
        out.display(),
        pic.width,
        pic.height,
        layers.join(", ")
    );
    for w in &pic.warnings {
        eprintln!("warning: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The run's progress on stderr: a bar over the documents to process (skipped ones left
/// out) with pages per second, or one plain line per document when not on a terminal.
struct RunProgress {
    bar: indicatif::ProgressBar,
    terminal: bool,
    pages: std::sync::atomic::AtomicUsize,
    started: std::time::Instant,
    seen: std::sync::Mutex<Vec<nenpo::sink::DocumentRecord>>,
}

impl RunProgress {
    fn new(terminal: bool) -> RunProgress {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} documents ({per_sec}, eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        RunProgress {
            bar,
            terminal,
            pages: Default::default(),
            started: std::time::Instant::now(),
            seen: Default::default(),
        }
    }
}

impl nenpo::pipeline::run::Progress for RunProgress {
    fn planned(&self, to_process: usize, skipped: usize) {
        self.bar.set_length(to_process as u64);
        if skipped > 0 {
            let line = format!("{skipped} unchanged documents skipped");
            if self.terminal {
                self.bar.println(line);
            } else {
                eprintln!("{line}");
            }
        }
    }

    fn document(&self, rec: &nenpo::sink::DocumentRecord) {
        use std::sync::atomic::Ordering;
        self.bar.inc(1);
        let pages =
            self.pages.fetch_add(rec.pages as usize, Ordering::Relaxed) + rec.pages as usize;
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar
            .set_message(format!("{pages} pages, {:.1} pages/s", pages as f64 / secs));
        let line = match rec.status {
            DocStatus::Ok => format!(
                "ok: {} ({} pages, {} tables, {} rows, {:.2} s)",
                rec.path, rec.pages, rec.tables, rec.rows, rec.seconds
            ),
            DocStatus::Partial => format!(
                "partial: {} ({} pages, {} tables, {} rows, {:.2} s): {}",
                rec.path,
                rec.pages,
                rec.tables,
                rec.rows,
                rec.seconds,
                rec.warnings.join("; ")
            ),
            _ => format!(
                "failed: {}: {}",
                rec.path,
                rec.error.as_deref().unwrap_or("")
            ),
        };
        if !self.terminal {
            eprintln!(
                "[{}/{}] {line}",
                self.bar.position(),
                self.bar.length().unwrap_or(0)
            );
        } else if rec.status != DocStatus::Ok {
            self.bar.println(line);
        }
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rec.clone());
    }
}

/// Puts the pipeline's vocabulary (`config/defaults.toml` with its `[vocabulary]`) in
/// force for this process, before any document is read.
fn install_vocabulary(pipeline: &Pipeline) -> Result<()> {
    nenpo::defaults::install(pipeline.vocabulary.clone())
        .map_err(|e| anyhow::anyhow!("{}: {e}", pipeline.path.display()))
}

fn cmd_run(a: RunArgs) -> Result<ExitCode> {
    let pipeline = Pipeline::load(&a.pipeline)?;
    install_vocabulary(&pipeline)?;
    let shard = a
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let opts = RunOptions {
        input: a.input,
        output: a.output,
        force: a.force,
        retry_failed: a.retry_failed,
        shard,
        merge_only: a.merge_only,
        // Process isolation starts this executable for each document; without it the run
        // refuses rather than run documents with no time or memory limit.
        exe: match pipeline.config.run.isolation {
            nenpo::pipeline::config::Isolation::Process => Some(
                std::env::current_exe()
                    .context("process isolation needs nenpo's own executable to start workers")?,
            ),
            nenpo::pipeline::config::Isolation::Thread => None,
        },
    };
    // On a terminal a progress bar; elsewhere (logs, CI, Kubernetes) one plain line per document.
    let progress = RunProgress::new(std::io::stderr().is_terminal());
    let report = run(&pipeline, &opts, &progress)?;
    let (bar, seen) = (progress.bar, progress.seen);
    bar.finish_and_clear();
    if let Some(dir) = &a.report_html {
        let records = seen.into_inner().unwrap_or_else(|e| e.into_inner());
        write_html_reports(dir, &pipeline, &records, report.series.as_ref())?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    // Failed documents not retried still fail the run: the archive holds them.
    Ok(if report.failed + report.failed_unchanged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One HTML page per document of this run that failed (where its pages can still be
/// drawn) or was flagged, and an index page of the run.
fn write_html_reports(
    dir: &std::path::Path,
    pipeline: &Pipeline,
    records: &[nenpo::sink::DocumentRecord],
    series: Option<&nenpo::pipeline::run::SeriesSummary>,
) -> Result<()> {
    use nenpo::inspect::{
        document_report_name, write_document_report, write_run_index, InspectSettings,
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // Failed documents, and documents whose totals do not reconcile (a wrong column split
    // shows up there first).
    for rec in records
        .iter()
        .filter(|r| r.status != DocStatus::Ok || r.totals_mismatches > 0)
    {
        let Ok(bytes) = std::fs::read(&rec.path) else {
            continue;
        };
        let path = dir.join(document_report_name(&rec.document_id));
        // Read as the run read it, so the report shows the rows it wrote.
        let settings = &pipeline.config.settings;
        if let Err(e) = write_document_report(
            &path,
            &bytes,
            &rec.path,
            &nenpo::pipeline::run::extract_options(pipeline),
            settings,
            &InspectSettings::default(),
        ) {
            tracing::info!("no page report for {}: {e:#}", rec.path);
        }
    }
    write_run_index(dir, records, series)
        .with_context(|| format!("cannot write the run index in {}", dir.display()))?;
    println!("HTML report: {}", dir.join("index.html").display());
    Ok(())
}

fn cmd_process_document(a: ProcessDocumentArgs) -> Result<ExitCode> {
    nenpo::pipeline::run::die_with_parent().map_err(anyhow::Error::msg)?;
    if let Err(e) = limit_memory(a.memory_mb) {
        tracing::warn!("{e}");
    }
    let pipeline = Pipeline::load(&a.pipeline)?;
    install_vocabulary(&pipeline)?;
    let outcome = process_document(&pipeline, &a.output, &a.file, &a.key);
    println!("{}", serde_json::to_string(&outcome)?);
    Ok(ExitCode::SUCCESS)
}

fn read_format(f: ReadFormat) -> nenpo::query::Format {
    match f {
        ReadFormat::Table => nenpo::query::Format::Table,
        ReadFormat::Csv => nenpo::query::Format::Csv,
        ReadFormat::Json => nenpo::query::Format::Json,
    }
}

fn output_dir(from: OutputChoice) -> Result<PathBuf> {
    if let Some(o) = from.output {
        return Ok(o);
    }
    let path = from
        .pipeline
        .unwrap_or_else(|| PathBuf::from("pipelines/default.toml"));
    Ok(Pipeline::load(&path)?.output_dir())
}

fn cmd_query(a: QueryArgs) -> Result<ExitCode> {
    let out = output_dir(a.from)?;
    let df = nenpo::query::query(&out, &a.sql)?;
    std::io::stdout()
        .lock()
        .write_all(nenpo::query::render_frame(&df, read_format(a.format)).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_settings(a: SettingsArgs) -> Result<ExitCode> {
    let path = a
        .pipeline
        .unwrap_or_else(|| PathBuf::from("pipelines/default.toml"));
    let pipeline = Pipeline::load(&path)?;
    let text = nenpo::pipeline::config::effective_settings_toml(&pipeline)?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_compare(a: CompareArgs) -> Result<ExitCode> {
    let out = output_dir(a.from)?;
    let item = a.item.unwrap_or_else(|| ".".to_string());
    let c = match &a.family {
        Some(f) => nenpo::query::compare_family(&out, f, &item)?,
        None => nenpo::query::compare(&out, &item, a.dataset.as_deref())?,
    };
    if c.rows.is_empty() {
        eprintln!(
            "nenpo: no item matches {:?} in dataset {} under {}",
            item,
            c.dataset,
            out.display()
        );
    }
    std::io::stdout()
        .lock()
        .write_all(nenpo::query::render_comparison(&c, read_format(a.format)).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &RunReport) {
    let shard = r
        .shard
        .as_deref()
        .map(|s| format!(" (shard {s})"))
        .unwrap_or_default();
    println!(
        "pipeline {}{shard}: {} documents: {} new, {} changed, {} skipped (unchanged), {} partial, {} failed, {} removed",
        r.pipeline, r.documents, r.new, r.changed, r.skipped, r.partial, r.failed, r.removed
    );
    println!(
        "dataset: {} pages ({} OCR'd this run), {} tables, {} rows; {:.1} s",
        r.pages, r.pages_ocr, r.tables, r.rows, r.seconds
    );
    println!(
        "values: {} unparsed cells (raw text kept, value null), {} totals that do not add up",
        r.unparsed_cells, r.totals_mismatches
    );
    println!("datasets under {}", r.output_dir.display());
    for w in &r.worst_tables {
        let t = &w.table;
        let caption = if t.caption.is_empty() {
            String::new()
        } else {
            format!(", {}", t.caption)
        };
        println!(
            "  totals off: {} table {} (page {}{caption}): {} totals",
            w.path, t.table_index, t.page, t.totals_mismatches
        );
    }
    if let Some(s) = &r.series {
        println!(
            "series: {} families; {} previous-year figures checked against last year's reports, {} do not match",
            s.families.len(),
            s.checked,
            s.mismatches
        );
        for f in &s.families {
            let years: Vec<String> = f.years.iter().map(i32::to_string).collect();
            println!(
                "  family {} ({} tables in {} documents; {}): families/{}",
                f.name,
                f.tables,
                f.documents,
                years.join(", "),
                f.dir
            );
        }
        for m in &s.mismatched {
            println!(
                "  mismatch: {} {} {} in {} p{}: {} printed, {} in {} p{}",
                m.family,
                m.label,
                m.column,
                m.path,
                m.page,
                m.printed,
                m.previous,
                m.previous_path,
                m.previous_page
            );
        }
    }
    if r.failed_unchanged > 0 {
        println!(
            "  {} failed documents unchanged since they failed: not retried (--retry-failed retries them)",
            r.failed_unchanged
        );
    }
    for w in &r.warnings {
        println!("  warning: {w}");
    }
    for p in &r.partials {
        for w in &p.warnings {
            println!("  partial: {}: {w}", p.path);
        }
    }
    for f in &r.failures {
        println!("  failed: {}: {}", f.path, f.error);
    }
}
