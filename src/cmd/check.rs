//! `arshif check`: everything a build validates, with nothing written. For
//! editors before they push and for CI, which gates on the exit status.

use super::Verbosity;
use crate::config::{SiteConfig, CONFIG_FILE};
use crate::diagnostic::{Diagnostic, Kind, KINDS};
use crate::error::Error;
use crate::load::{self, CONTENT_DIR};
use crate::pipeline::{self, BuildOptions, Timings};
use crate::render::dates::DateFormat;
use crate::render::theme::{template_diagnostic, Theme};
use crate::write;
use anyhow::bail;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when the check could not run at all.
const CANNOT_RUN: u8 = 2;

/// Check the archive as a build would, without writing anything.
///
/// Reads site.yaml, every article and the templates, links the site and
/// renders every page in memory: front matter, duplicate URLs, links to
/// articles that do not exist, unresolved read-also references, undated
/// articles, unknown topics and template errors are all reported at once.
#[derive(clap::Args)]
#[command(after_help = after_help())]
pub(super) struct Args {
    /// The site folder, holding site.yaml, content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Also check articles marked `draft: true` as if they were published.
    #[arg(long)]
    pub drafts: bool,
    /// How problems are printed: `text` (file:line: severity: message [kind])
    /// or `json` (one object a line: file, line, kind, severity, message).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Accept warnings of this kind (repeatable), e.g. `--allow undated`:
    /// they are neither printed nor counted. Errors cannot be allowed.
    #[arg(long, value_name = "KIND", hide_possible_values = true, value_parser = clap::builder::PossibleValuesParser::new(KINDS.iter().map(|(kind, _)| *kind)))]
    pub allow: Vec<String>,
}

/// How `check` prints problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    /// One line a problem, `file:line: severity: message [kind]`.
    Text,
    /// One JSON object a line, for CI annotations.
    Json,
}

fn after_help() -> String {
    let mut text = String::from(
        "Exit status:\n  0  no problem\n  1  errors or warnings: both fail the check, so that CI lets no broken link\n     or undated article through (accept a kind of warning with --allow KIND)\n  2  the check could not run (no site folder, no content/, site.yaml unreadable)\n\nProblem kinds:\n",
    );
    for (kind, meaning) in KINDS {
        text.push_str(&format!("  {kind:<22}{meaning}\n"));
    }
    text.push_str(
        "\nExamples:\n  arshif check --root my-archive\n  arshif check --format json --allow undated    # in CI\n",
    );
    text
}

/// One problem as `--format json` prints it: the kind's name, and the
/// values some kinds carry (a broken link's `target`, an unknown topic's
/// `key` and `slug`).
#[derive(Serialize)]
struct JsonProblem<'a> {
    file: String,
    line: Option<usize>,
    kind: &'a str,
    severity: crate::diagnostic::Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
}

/// What the check found.
struct Findings {
    problems: Vec<Diagnostic>,
    /// Why some checks could not be made (an earlier stage failed).
    stopped: Option<String>,
    /// Articles linked, when the check got that far.
    articles: Option<usize>,
    timings: Timings,
}

/// Runs the check, prints the problems and returns 0, 1 or 2.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let findings = match inspect(&args.root, args.drafts) {
        Ok(findings) => findings,
        Err(err) => {
            eprintln!("error: {err:#}");
            return Ok(ExitCode::from(CANNOT_RUN));
        }
    };
    let allowed: BTreeSet<&str> = args.allow.iter().map(String::as_str).collect();
    let (problems, accepted): (Vec<Diagnostic>, Vec<Diagnostic>) = findings
        .problems
        .into_iter()
        .partition(|p| p.is_error() || !allowed.contains(p.kind.name()));
    for problem in &problems {
        match args.format {
            Format::Text => println!("{problem} [{}]", problem.kind.name()),
            Format::Json => println!("{}", json_line(problem, &args.root)?),
        }
    }
    if !verbosity.quiet {
        if let Some(reason) = &findings.stopped {
            eprintln!("note: {reason}");
        }
        if verbosity.verbose > 0 {
            for (stage, time) in &findings.timings.0 {
                eprintln!("  {stage:<10} {:>8.3} s", time.as_secs_f64());
            }
        }
        eprintln!("{}", summary(&problems, accepted.len(), findings.articles));
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The closing line: counts, and what was accepted.
fn summary(problems: &[Diagnostic], accepted: usize, articles: Option<usize>) -> String {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = match (problems.is_empty(), articles) {
        (true, Some(n)) => format!("check: no problems in {}", plural(n, "article")),
        (true, None) => "check: no problems".to_string(),
        (false, Some(n)) => format!(
            "check: {} and {} in {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(n, "article")
        ),
        (false, None) => format!("check: {} and {}", plural(errors, "error"), plural(warnings, "warning")),
    };
    if accepted > 0 {
        line.push_str(&format!(" ({} accepted with --allow)", plural(accepted, "warning")));
    }
    line
}

/// A problem as one JSON line, its file relative to the site folder when it is inside it.
fn json_line(problem: &Diagnostic, root: &Path) -> anyhow::Result<String> {
    let file = problem.file.strip_prefix(root).unwrap_or(&problem.file);
    let file = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let (target, key, slug) = match &problem.kind {
        Kind::BrokenLink { target } => (Some(target.as_str()), None, None),
        Kind::UnknownTopic { key, slug } => (None, Some(key.as_str()), Some(slug.as_str())),
        _ => (None, None, None),
    };
    Ok(serde_json::to_string(&JsonProblem {
        file,
        line: problem.line,
        kind: problem.kind.name(),
        severity: problem.severity,
        message: &problem.message,
        target,
        key,
        slug,
    })?)
}

/// Prepares and renders the site in memory and gathers every problem.
/// An `Err` means the check could not run (exit 2).
fn inspect(root: &Path, drafts: bool) -> anyhow::Result<Findings> {
    if !root.is_dir() {
        bail!(
            "site folder {} does not exist: pass --root, or create one with `arshif init DIR`",
            root.display()
        );
    }
    if !root.join(CONTENT_DIR).is_dir() {
        bail!(
            "{} has no content/ folder: put the articles there, or pass --root",
            root.display()
        );
    }
    let config = root.join(CONFIG_FILE);
    if let Err(err) = std::fs::read(&config) {
        if err.kind() != std::io::ErrorKind::NotFound {
            bail!("cannot read {}: {err}", config.display());
        }
    }
    let mut options = BuildOptions::new(root);
    options.drafts = drafts;
    // Embargoed and scheduled articles are checked now, before they go out.
    options.future = true;
    let mut prepared = match pipeline::prepare(&options) {
        Ok(prepared) => prepared,
        Err(err) => return stopped_early(err, &options),
    };
    let mut stopped = None;
    let mut problems = Vec::new();
    match pipeline::render(&mut prepared) {
        Ok(files) => drop(files),
        Err(Error::Invalid(mut found)) => {
            problems.append(&mut found);
            stopped = Some(
                "pages that would overwrite each other stop the rendering: links in article bodies were not \
                 checked; fix the URLs and run check again"
                    .to_string(),
            );
        }
        Err(Error::Template { name, message }) => {
            problems.push(template_diagnostic(root, &name, &message));
            stopped = Some(
                "rendering stopped at the first template error: links in article bodies were not all \
                 checked, and other templates may fail too; fix it and run check again"
                    .to_string(),
            );
        }
        Err(err) => return Err(err.into()),
    }
    problems.append(&mut prepared.warnings);
    Ok(Findings {
        problems: sorted(problems),
        stopped,
        articles: Some(prepared.site.articles.len()),
        timings: prepared.timings,
    })
}

/// The problems of a `prepare` that failed, completed by what can still be
/// checked on its own (the articles when site.yaml or the theme is broken).
fn stopped_early(err: Error, options: &BuildOptions) -> anyhow::Result<Findings> {
    let mut problems = Vec::new();
    let stopped = match err {
        Error::Invalid(mut found) if found.iter().any(|p| p.kind == Kind::Config) => {
            problems.append(&mut found);
            let defaults = SiteConfig::default();
            let dates = DateFormat {
                style: defaults.date_style,
                digits: defaults.digits,
            };
            if let Err(err) = Theme::load(&options.root, dates) {
                problems.extend(theme_problem(err, &options.root)?);
            }
            problems.append(&mut load_problems(options));
            "site.yaml has errors: the articles were read, but duplicate URLs, topics, read-also references, \
             links and pages were not checked; fix site.yaml and run check again"
        }
        Error::Invalid(mut found) if found.iter().any(|p| p.kind == Kind::DuplicateUrl) => {
            problems.append(&mut found);
            "duplicate URLs stop the linking: topics, read-also references, links and pages were not checked; \
             fix the URLs and run check again"
        }
        Error::Invalid(mut found) => {
            problems.append(&mut found);
            "articles with errors stop the linking: duplicate URLs, topics, read-also references, links and \
             pages were not checked; fix the errors and run check again"
        }
        err @ Error::Template { .. } => {
            problems.extend(theme_problem(err, &options.root)?);
            problems.append(&mut load_problems(options));
            "the templates do not compile: the articles were read, but not linked or rendered; fix the \
             templates and run check again"
        }
        err => return Err(err.into()),
    };
    Ok(Findings {
        problems: sorted(problems),
        stopped: Some(stopped.to_string()),
        articles: None,
        timings: Timings::default(),
    })
}

/// A theme error as a problem; other errors (I/O) stop the check.
fn theme_problem(err: Error, root: &Path) -> anyhow::Result<Option<Diagnostic>> {
    match err {
        Error::Template { name, message } => Ok(Some(template_diagnostic(root, &name, &message))),
        err => Err(err.into()),
    }
}

/// Reads every article on its own, as the load stage of a build does.
fn load_problems(options: &BuildOptions) -> Vec<Diagnostic> {
    let (staging, previous) = write::sibling_paths(&options.output);
    let skip = [options.output.clone(), staging, previous];
    let (files, mut problems) = load::discover(&options.root.join(CONTENT_DIR), &skip);
    let (_, mut found) = load::load_all(&files);
    problems.append(&mut found);
    problems
}

/// By file, then line; the same problem reported twice is listed once.
fn sorted(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by(|a, b| {
        (&a.file, a.line, a.severity, &a.kind, &a.message).cmp(&(&b.file, b.line, b.severity, &b.kind, &b.message))
    });
    problems.dedup();
    problems
}
