//! `arshif build`: the site folder in, the archive site out.

use super::Verbosity;
use crate::pipeline::{self, BuildOptions};
use anyhow::Context;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Build the site into the output folder.
///
/// A failed build leaves the old output as it was. With the cache (on by
/// default, in ROOT/.arshif-cache; CI can keep it between runs) a build
/// re-reads only the articles that changed and rewrites only the files
/// whose bytes changed; without it, the output is written afresh and
/// swapped in atomically.
///
/// Example: arshif build --root my-archive --base-url https://news.example.org/
#[derive(clap::Args)]
pub(super) struct Args {
    /// The site folder, holding site.yaml, content/ (المقالات), templates/ and static/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The address the site is published at, overriding base_url in site.yaml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include articles marked `draft: true` (مسودة).
    #[arg(long)]
    pub drafts: bool,
    /// Where to keep the build cache [default: ROOT/.arshif-cache].
    #[arg(long, conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Build from scratch, without reading or writing the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Build into an --output folder that is not empty although arshif did
    /// not write it, replacing (deleting) everything in it.
    #[arg(long)]
    pub force: bool,
    /// The build's clock, RFC 3339 (2023-01-05T08:00:00+03:00) or YYYY-MM-DD:
    /// articles dated (or `publish_at`) after it are held back. Default: now.
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Include articles not yet due (embargoed or scheduled), for previews.
    #[arg(long)]
    pub future: bool,
}

/// `--now` as a time: the forms `date:` accepts in front matter.
pub(super) fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    crate::load::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a time: write RFC 3339 (2023-01-05T08:00:00+03:00) or YYYY-MM-DD"))
}

impl Args {
    /// The pipeline options these arguments ask for.
    pub(super) fn options(&self) -> BuildOptions {
        let mut options = BuildOptions::new(&self.root);
        if let Some(output) = &self.output {
            options.output = output.clone();
        }
        options.base_url = self.base_url.clone();
        options.drafts = self.drafts;
        options.force = self.force;
        options.now = self.now;
        options.future = self.future;
        if self.no_cache {
            options.cache = None;
        } else if let Some(cache) = &self.cache {
            options.cache = Some(cache.clone());
        }
        options
    }
}

/// Runs the build and prints warnings and the summary line.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let options = args.options();
    let quiet = verbosity.quiet;
    let mut options = options;
    // A spinner with the current stage on a terminal; nothing in CI logs or pipes.
    let spinner = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar.set_message("building");
        bar
    });
    if let Some(bar) = &spinner {
        let bar = bar.clone();
        options.progress = pipeline::Progress::new(move |stage| bar.set_message(format!("building: {stage}")));
    }
    let result = pipeline::build_waiting(&options, |lock| {
        if !quiet {
            eprintln!(
                "waiting for another build of this output or cache to finish ({})",
                lock.display()
            );
        }
    });
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let report = result.with_context(|| format!("build of {} failed", options.root.display()))?;
    if !verbosity.quiet {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        if verbosity.verbose > 0 {
            for (stage, time) in &report.timings.0 {
                eprintln!("  {stage:<10} {:>8.3} s", time.as_secs_f64());
            }
            let reuse = &report.reuse;
            eprintln!(
                "  articles parsed {}, from cache {}; related lists computed {}{}; pages rendered {}{}",
                reuse.parsed,
                reuse.cached,
                reuse.related_recomputed,
                if reuse.retrained { " (model trained)" } else { "" },
                reuse.rendered,
                match reuse.read_also_serialised {
                    Some(n) => format!("; read-also entries serialised {n}"),
                    None => String::new(),
                }
            );
        }
        let schedule = &report.schedule;
        if schedule.held > 0 {
            println!(
                "held back {} article{} not yet due at {}; the next is due at {} (build again then, or pass --future to preview)",
                schedule.held,
                if schedule.held == 1 { "" } else { "s" },
                schedule.now.to_rfc3339(),
                schedule.next_due.map(|d| d.to_rfc3339()).unwrap_or_default()
            );
        }
        let seconds = started.elapsed().as_secs_f64();
        match &report.incremental {
            Some(changes) => println!(
                "built {} articles: {} files written, {} unchanged rendered again, {} removed, {} static files copied, in {:.2} s",
                report.articles, changes.written, changes.unchanged, changes.removed, changes.copied, seconds
            ),
            None => println!(
                "built {} articles: {} pages written, {} static files copied, in {:.2} s",
                report.articles, report.written.generated, report.written.copied, seconds
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}
