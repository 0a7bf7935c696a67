//! The build pipeline: load → analyse → link → render → write, each stage
//! a plain function of the previous one's data, timed for benchmarks.

use crate::analyse;
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::link::related::Tuning;
use crate::link::topics::TopicMatcher;
use crate::link::{self, Site};
use crate::load::{self, CONTENT_DIR};
use crate::render::dates::DateFormat;
use crate::render::theme::{Theme, TEMPLATES_DIR};
use crate::render::{self, OutputFile};
use crate::write::{self, WriteReport};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Name of the folder copied as is into the output.
pub const STATIC_DIR: &str = "static";

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`, `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// Where the site is written.
    pub output: PathBuf,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Include `draft: true` articles.
    pub drafts: bool,
}

impl BuildOptions {
    /// Options for `root` with the default output `root/public`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            root,
            base_url: None,
            drafts: false,
        }
    }
}

/// Wall time of each stage, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.0.push((stage, start.elapsed()));
        result
    }
}

/// The linked site with its theme, ready to render: what `build` writes and `check` inspects.
pub struct Prepared {
    /// The site.
    pub site: Site,
    /// The compiled theme.
    pub theme: Theme,
    /// Warnings found so far.
    pub warnings: Vec<Diagnostic>,
    /// Stage timings so far.
    pub timings: Timings,
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Articles built.
    pub articles: usize,
    /// Files written (pages, feeds, static files).
    pub written: WriteReport,
    /// Warnings, sorted by file.
    pub warnings: Vec<Diagnostic>,
    /// Stage timings.
    pub timings: Timings,
}

/// Reads the configuration and content and links the site, without rendering.
/// Every problem in the content is reported at once.
pub fn prepare(options: &BuildOptions) -> Result<Prepared> {
    let mut timings = Timings::default();
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Refused(format!("site folder {} does not exist", root.display())));
    }
    let mut config = SiteConfig::load(root).map_err(|d| Error::Invalid(vec![d]))?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|message| {
            Error::Invalid(vec![Diagnostic::error(
                Path::new("--base-url"),
                None,
                "config",
                message,
            )])
        })?;
    }
    let theme = Theme::load(
        root,
        DateFormat {
            style: config.date_style,
            digits: config.digits,
        },
    )?;
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(Error::Refused(format!(
            "{} has no content/ folder: put the articles there, or pass --root",
            root.display()
        )));
    }
    let (staging, previous) = write::sibling_paths(&options.output);
    let skip = [options.output.clone(), staging, previous];
    let (articles, mut problems) = timings.time("load", || {
        let (files, mut problems) = load::discover(&content_dir, &skip);
        let (articles, mut found) = load::load_all(&files);
        problems.append(&mut found);
        (articles, problems)
    });
    if problems.iter().any(Diagnostic::is_error) {
        problems.sort();
        return Err(Error::Invalid(problems));
    }
    let matcher = TopicMatcher::new(&config.topics).map_err(|d| Error::Invalid(vec![d]))?;
    let mut articles = articles;
    timings.time("analyse", || analyse::analyse_all(&mut articles, &matcher.keywords));
    let site = timings.time("link", || link::assemble(config, articles, options.drafts));
    let mut site = site.map_err(|mut found| {
        found.append(&mut problems);
        found.sort();
        Error::Invalid(found)
    })?;
    let mut topic_warnings = timings.time("topics", || link::link_topics(&mut site, &matcher));
    problems.append(&mut topic_warnings);
    let tuning = Tuning {
        k: site.config.related_count,
        ..Tuning::default()
    };
    timings.time("related", || link::link_related(&mut site, &tuning));
    let mut reference_warnings = timings.time("references", || link::link_references(&mut site));
    problems.append(&mut reference_warnings);
    Ok(Prepared {
        site,
        theme,
        warnings: problems,
        timings,
    })
}

/// Renders a prepared site into files, without writing them.
pub fn render(prepared: &mut Prepared) -> Result<Vec<OutputFile>> {
    let (files, mut warnings) = prepared
        .timings
        .time("render", || render::render_site(&prepared.site, &prepared.theme))?;
    prepared.warnings.append(&mut warnings);
    Ok(files)
}

/// Builds the site: prepare, render, and write atomically.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let root = &options.root;
    write::check_output_location(
        &options.output,
        &[
            root.to_path_buf(),
            root.join(CONTENT_DIR),
            root.join(TEMPLATES_DIR),
            root.join(STATIC_DIR),
        ],
    )?;
    let mut prepared = prepare(options)?;
    let files = render(&mut prepared)?;
    let static_dir = root.join(STATIC_DIR);
    let written = prepared.timings.time("write", || {
        write::write_site(&options.output, &files, Some(&static_dir))
    })?;
    drop(files);
    let mut warnings = prepared.warnings;
    warnings.sort();
    Ok(BuildReport {
        articles: prepared.site.articles.len(),
        written,
        warnings,
        timings: prepared.timings,
    })
}
