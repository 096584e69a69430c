//! The `nenpo` command: parses arguments, calls the library, prints. Nothing else.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use nenpo::geom::Rect;
use nenpo::pipeline::config::Pipeline;
use nenpo::pipeline::run::{run, RunOptions, RunReport};
use nenpo::pipeline::{extract, parse_pages, ExtractOptions, Settings};
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
    /// Run a pipeline over an archive into Parquet datasets.
    Run(RunArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Extract(a) => cmd_extract(a),
        Command::Run(a) => cmd_run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nenpo: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NENPO_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal()).init();
}

fn numbers(s: &str, what: &str) -> Result<Vec<f64>> {
    s.split(',')
        .map(|v| v.trim().parse::<f64>().with_context(|| format!("{what}: {v:?} is not a number")))
        .collect()
}

fn cmd_extract(a: ExtractArgs) -> Result<ExitCode> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let area = match a.area.as_deref() {
        Some(s) => {
            let v = numbers(s, "--area")?;
            let [top, left, bottom, right] = v[..] else { bail!("--area takes four numbers: top,left,bottom,right") };
            Some(Rect::new(left, top, right, bottom))
        }
        None => None,
    };
    let opts = ExtractOptions {
        pages: a.pages.as_deref().map(parse_pages).transpose().map_err(anyhow::Error::msg).context("--pages")?,
        mode: match a.mode {
            CliMode::Auto => Mode::Auto,
            CliMode::Lattice => Mode::Lattice,
            CliMode::Stream => Mode::Stream,
        },
        area,
        columns: a.columns.as_deref().map(|s| numbers(s, "--columns")).transpose()?,
        password: a.password,
    };
    let x = extract(&bytes, &opts, &Settings::default()).with_context(|| format!("{}", a.file.display()))?;
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

fn cmd_run(a: RunArgs) -> Result<ExitCode> {
    let pipeline = Pipeline::load(&a.pipeline)?;
    let opts = RunOptions { input: a.input, output: a.output };
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(files) = pipeline.input_files() {
        bar.set_length(files.len() as u64);
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} documents ({per_sec}, eta {eta}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = run(&pipeline, &opts, &|rec| {
        bar.inc(1);
        if rec.status != "ok" {
            bar.println(format!("failed: {}: {}", rec.path, rec.error.as_deref().unwrap_or("")));
        }
    })?;
    bar.finish_and_clear();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_report(r: &RunReport) {
    println!("pipeline {}: {} documents ({} ok, {} failed), {} pages, {} tables, {} rows in {:.1}s", r.pipeline, r.documents, r.ok, r.failed, r.pages, r.tables, r.rows, r.seconds);
    println!("datasets written under {}", r.output_dir.display());
    for f in &r.failures {
        println!("  failed: {}: {}", f.path, f.error);
    }
}
