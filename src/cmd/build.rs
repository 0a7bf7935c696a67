//! `arshif build`: the site folder in, the archive site out.

use crate::Verbosity;
use anyhow::Context;
use arshif::pipeline::{self, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Build the site into the output folder (atomically: a failed build leaves the old output).
///
/// Example: arshif build --root my-archive --base-url https://news.example.org/
#[derive(clap::Args)]
pub struct Args {
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
}

impl Args {
    /// The pipeline options these arguments ask for.
    pub fn options(&self) -> BuildOptions {
        let mut options = BuildOptions::new(&self.root);
        if let Some(output) = &self.output {
            options.output = output.clone();
        }
        options.base_url = self.base_url.clone();
        options.drafts = self.drafts;
        options
    }
}

/// Runs the build and prints warnings and the summary line.
pub fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let options = args.options();
    let report = pipeline::build(&options).with_context(|| format!("build of {} failed", options.root.display()))?;
    if !verbosity.quiet {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        if verbosity.verbose > 0 {
            for (stage, time) in &report.timings.0 {
                eprintln!("  {stage:<8} {:>8.3} s", time.as_secs_f64());
            }
        }
        println!(
            "built {} articles: {} pages written, {} static files copied, in {:.2} s",
            report.articles,
            report.written.generated,
            report.written.copied,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
