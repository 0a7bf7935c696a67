//! `arshif import`: a CMS export (JSON lines or a WordPress export) becomes
//! Markdown articles. The work is in `crate::import`; this is the edge:
//! arguments, the progress bar, the closing summary.

use super::Verbosity;
use crate::import::dates::DateOrder;
use crate::import::summary::{Count, Location, Report};
use crate::import::{detect, jsonl, wxr, Format, Settings};
use anyhow::{bail, Context};
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Import a newsroom export as one .md file per article: JSON lines
/// (optionally gzipped) or a WordPress export (WXR, .xml or .xml.gz).
///
/// JSON lines: each line an object with `title`, `date`, `body` (plain text
/// with paragraphs split by newlines, or HTML) and optionally `id`,
/// `summary`, `author`, `source` or `outlet`, `url`, `category`, `tags`;
/// `--map` reads a field from another name. WordPress: published posts
/// become articles, drafts `draft: true`; private posts, pages, menu items
/// and comments are skipped and counted. Files go to INTO/{yyyy}/{slug}.md.
/// A second run leaves unchanged files alone, replaces changed ones only
/// with --update, and never overwrites a hand edit without --force.
/// docs/import.md has every detail.
///
/// Example: arshif import export.jsonl.gz --without category --map title=headline
///
/// Example: arshif import wordpress.xml.gz --media ~/backup/wp-content/uploads
#[derive(clap::Args)]
pub(super) struct Args {
    /// The export file (.jsonl[.gz] or a WordPress .xml[.gz]).
    pub export: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the articles [default: ROOT/content].
    #[arg(long)]
    pub into: Option<PathBuf>,
    /// Leave a field out of the imported articles (repeatable, JSON lines), e.g. `category`.
    #[arg(long, value_name = "FIELD")]
    pub without: Vec<String>,
    /// Read one of our fields from another name in a JSON-lines export (repeatable), e.g. `title=headline`.
    #[arg(long, value_name = "FIELD=NAME")]
    pub map: Vec<String>,
    /// How to read ambiguous NN/NN/YYYY dates.
    #[arg(long, value_enum, default_value = "dmy")]
    pub date_order: DateOrderArg,
    /// Replace articles an earlier import wrote when the export changed them.
    #[arg(long)]
    pub update: bool,
    /// Overwrite any file, including ones edited by hand.
    #[arg(long)]
    pub force: bool,
    /// Read and report everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A copy of WordPress's wp-content/uploads: photos found there are copied to ROOT/static/uploads/.
    #[arg(long, value_name = "DIR")]
    pub media: Option<PathBuf>,
}

/// `--date-order`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum DateOrderArg {
    /// Day first: 14/07/2016.
    Dmy,
    /// Month first: 07/14/2016.
    Mdy,
}

/// Runs the import and prints the closing summary. Exits 1 when a file could not be written.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    for field in &args.without {
        if !jsonl::FIELDS.contains(&field.as_str()) || field == "title" || field == "body" {
            bail!("--without {field}: can leave out one of id, date, summary, author, source, outlet, url, category, tags");
        }
    }
    let mut map = BTreeMap::new();
    for pair in &args.map {
        let Some((field, name)) = pair.split_once('=').filter(|(f, n)| !f.is_empty() && !n.is_empty()) else {
            bail!("--map {pair}: write FIELD=NAME, e.g. --map title=headline");
        };
        if !jsonl::FIELDS.contains(&field) {
            bail!(
                "--map {pair}: `{field}` is not a field import reads (one of {})",
                jsonl::FIELDS.join(", ")
            );
        }
        map.insert(field.to_string(), name.to_string());
    }
    let settings = Settings {
        into: args.into.clone().unwrap_or_else(|| args.root.join("content")),
        root: args.root.clone(),
        update: args.update,
        force: args.force,
        dry_run: args.dry_run,
        date_order: match args.date_order {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        },
        without: args.without.iter().cloned().collect::<BTreeSet<_>>(),
        map,
        media: args.media.clone(),
    };
    if let Some(media) = &settings.media {
        if !media.is_dir() {
            bail!(
                "--media {}: not a folder (give a copy of wp-content/uploads)",
                media.display()
            );
        }
    }
    settings.check_into()?;
    let export = &args.export;
    let format = detect(export).with_context(|| format!("cannot import {}", export.display()))?;
    let total = match format {
        Format::Wxr => wxr::work_total(export),
        Format::JsonLines => std::fs::metadata(export).map_or(0, |m| m.len()),
    };
    let bar = if !verbosity.quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {percent}% {elapsed} (about {eta} left)")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let progress = |done: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let report = match format {
        Format::Wxr => wxr::import(export, &settings, &progress),
        Format::JsonLines => jsonl::import(export, &settings, &progress),
    }
    .with_context(|| format!("cannot import {}", export.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !verbosity.quiet {
        print_report(&report, &export.display().to_string(), &settings);
    }
    Ok(if report.get(Count::WriteFailed) > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(report: &Report, export: &str, settings: &Settings) {
    for problem in &report.problems {
        match &problem.location {
            Location::Line(line) => eprintln!("{export}:{line}: {}", problem.message),
            Location::Post(id) => eprintln!("{export}: post {id}: {}", problem.message),
            Location::Export => eprintln!("{export}: {}", problem.message),
        }
    }
    let articles = report.get(Count::Written) + report.get(Count::Updated) + report.get(Count::Forced);
    let verb = if settings.dry_run { "would import" } else { "imported" };
    println!(
        "{verb} {articles} articles into {} ({} unchanged, {} kept, {} skipped)",
        settings.into.display(),
        report.get(Count::Unchanged),
        report.get(Count::ChangedKept) + report.get(Count::EditedKept) + report.get(Count::ExistingKept),
        report.get(Count::Unreadable) + report.get(Count::Duplicate) + report.get(Count::WriteFailed),
    );
    for line in report.lines() {
        println!("{line}");
    }
}
