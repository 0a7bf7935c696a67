//! The build pipeline: load → analyse → link → render → write, each stage
//! a plain function of the previous one's data, timed for benchmarks.

use crate::analyse;
use crate::article::{Article, Body};
use crate::cache::{nanos, BuildState, CachedFile, Manifest, StoredDiagnostic};
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::link::related::{RelatedState, Tuning};
use crate::link::topics::TopicMatcher;
use crate::link::{self, Site};
use crate::load::{self, SourceFile, CONTENT_DIR};
use crate::render::dates::DateFormat;
use crate::render::theme::{Theme, TEMPLATES_DIR};
use crate::render::{self, OutputFile};
use crate::write::{self, IncrementalReport, WriteReport};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Name of the folder copied as is into the output.
pub const STATIC_DIR: &str = "static";

/// Name of the content folder (re-exported for the commands).
pub const CONTENT_DIR_NAME: &str = CONTENT_DIR;

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
    /// The cache folder for incremental builds (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Told of each stage as it starts.
    pub progress: Progress,
    /// Accept related lists from a related model that an edit made stale
    /// rather than train it again (`serve`'s first rebuild after an edit,
    /// see [`RelatedState::update`]); [`RelatedState::is_stale`] says so.
    pub stale_related_ok: bool,
    /// The build state stays in memory for the next build (`serve`): keep
    /// the indexes that make its update cheap. A one-off build drops them
    /// as soon as they are used, lowering its peak memory.
    pub keep_in_memory: bool,
    /// Up to how many articles their texts stay in memory from loading to
    /// rendering ([`TEXTS_IN_MEMORY_UP_TO`] by default).
    pub texts_in_memory_up_to: usize,
}

/// Name of the default cache folder inside the site root.
pub const CACHE_DIR: &str = ".arshif-cache";

/// Above this many articles, a fresh article's text is dropped once it is
/// analysed and read from its file again when its page is rendered
/// (`load::reload_body`, as for articles from the cache): about 3 KB an
/// article that would otherwise stay in memory for the whole build (close
/// to a gigabyte at 280k articles), for a second parse of each file. Up
/// to it, a full build also keeps its search index to the end, for the
/// cache (about 2 KB an article).
pub const TEXTS_IN_MEMORY_UP_TO: usize = 100_000;

impl BuildOptions {
    /// Options for `root` with the default output `root/public` and cache `root/.arshif-cache`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            cache: Some(root.join(CACHE_DIR)),
            root,
            base_url: None,
            drafts: false,
            progress: Progress::default(),
            texts_in_memory_up_to: TEXTS_IN_MEMORY_UP_TO,
            stale_related_ok: false,
            keep_in_memory: false,
        }
    }
}

/// Called with each stage's name as it starts (a progress display).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(&'static str) + Send + Sync>>);

impl Progress {
    /// A progress hook calling `report` at the start of every stage.
    pub fn new(report: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(report)))
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(hook)"
        } else {
            "Progress(none)"
        })
    }
}

/// Wall time of each stage, in order, and the progress hook told of each.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>, pub Progress);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        if let Some(report) = &self.1 .0 {
            report(stage);
        }
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
    /// How much came from the cache.
    pub reuse: Reuse,
}

/// How much of a build came from the previous one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reuse {
    /// Articles read and analysed afresh.
    pub parsed: usize,
    /// Articles taken from the cache.
    pub cached: usize,
    /// Related lists computed afresh.
    pub related_recomputed: usize,
    /// Whether the related model was trained again.
    pub retrained: bool,
    /// Pages rendered (the others were unchanged).
    pub rendered: usize,
    /// Entries of `/read-also.json` serialised (the others copied from
    /// the last one), when it was rendered.
    pub read_also_serialised: Option<usize>,
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Articles built.
    pub articles: usize,
    /// Files written (pages, feeds, static files).
    pub written: WriteReport,
    /// For an incremental build: what was rewritten, left alone, removed.
    pub incremental: Option<IncrementalReport>,
    /// Warnings, sorted by file.
    pub warnings: Vec<Diagnostic>,
    /// Stage timings.
    pub timings: Timings,
    /// How much came from the cache.
    pub reuse: Reuse,
}

/// Reads the configuration and content and links the site, without rendering.
/// Every problem in the content is reported at once.
pub fn prepare(options: &BuildOptions) -> Result<Prepared> {
    prepare_with(options, &mut BuildState::default())
}

/// Fingerprint of what parsing and analysis depend on.
fn analysis_print(config: &SiteConfig) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hash::hash(&serde_json::to_string(&config.topics).unwrap_or_default(), &mut hasher);
    std::hash::Hasher::finish(&hasher)
}

/// [`prepare`], reusing what `state` holds from the previous build and
/// leaving in it what the next one can reuse.
pub fn prepare_with(options: &BuildOptions, state: &mut BuildState) -> Result<Prepared> {
    let mut timings = Timings(Vec::new(), options.progress.clone());
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
    let matcher = TopicMatcher::new(&config.topics).map_err(|d| Error::Invalid(vec![d]))?;
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(Error::Refused(format!(
            "{} has no content/ folder: put the articles there, or pass --root",
            root.display()
        )));
    }
    let print = analysis_print(&config);
    if state.analysis_print != print {
        state.files.clear();
        state.analysis_print = print;
    }
    let mut reuse = Reuse::default();
    let reading_started = nanos(std::time::SystemTime::now());
    let (mut loaded, mut problems) = timings.time("load", || {
        // A watcher's list of changes, applied to the last walk; else a walk.
        let hint = match (state.changed.take(), state.sources.take()) {
            (Some(changed), Some((mut files, warnings))) => {
                load::apply_changes(&content_dir, &mut files, &changed).map(|recheck| (files, warnings, recheck))
            }
            _ => None,
        };
        let (files, mut problems, recheck) = match (hint, state.walked.take()) {
            (Some((files, warnings, recheck)), _) => (files, warnings, Some(recheck)),
            (None, Some((files, warnings))) => (files, warnings, None),
            (None, None) => {
                let (files, warnings) = walk(options);
                (files, warnings, None)
            }
        };
        if options.keep_in_memory {
            state.sources = Some((files.clone(), problems.clone()));
        }
        let (loaded, mut found) = load_cached(&files, state, recheck.as_ref());
        problems.append(&mut found);
        (loaded, problems)
    });
    if problems.iter().any(Diagnostic::is_error) {
        // Keep what is still valid for the next attempt: the files taken from the cache.
        state.files = cache_entries(loaded.iter().filter(|l| !l.fresh));
        problems.sort();
        return Err(Error::Invalid(problems));
    }
    state.saved_at = reading_started;
    let keep_texts = loaded.len() <= options.texts_in_memory_up_to;
    timings.time("analyse", || {
        let mut fresh: Vec<&mut Loaded> = loaded.iter_mut().filter(|l| l.fresh).collect();
        reuse.parsed = fresh.len();
        fresh
            .par_iter_mut()
            .for_each_init(analyse::tokens::Analyser::new, |analyser, l| {
                if let Some(article) = Arc::get_mut(&mut l.article) {
                    analyse::analyse(analyser, &matcher.keywords, article);
                    if !keep_texts {
                        article.body = Body::Elsewhere;
                    }
                }
            });
    });
    reuse.cached = loaded.len() - reuse.parsed;
    state.files = cache_entries(loaded.iter());
    let articles: Vec<Arc<Article>> = loaded.into_iter().map(|l| l.article).collect();
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
    timings.time("related", || {
        let profiles = link::related_profiles(&site);
        let mut related = match state.related.take() {
            Some(previous) => {
                let (related, report) = previous.update(profiles, &tuning, options.stale_related_ok);
                reuse.related_recomputed = report.recomputed;
                reuse.retrained = report.retrained;
                related
            }
            None => {
                reuse.related_recomputed = site.articles.len();
                reuse.retrained = true;
                RelatedState::compute(profiles, &tuning)
            }
        };
        for (links, list) in site.links.iter_mut().zip(related.lists()) {
            links.related = list;
        }
        // Topic rule matches far from their topic's profile are held back.
        let held = link::topics::profile::hold_borderline(&mut site, &matcher, &related.rows());
        problems.extend(held.iter().map(|h| link::topics::profile::diagnostic(&site, h)));
        if !options.keep_in_memory {
            related.forget_index();
        }
        // Without a cache and without serve's memory, nothing will read the
        // state again: free it before the render, where the peak is.
        state.related = (options.cache.is_some() || options.keep_in_memory).then_some(related);
    });
    let mut reference_warnings = timings.time("references", || link::link_references(&mut site));
    problems.append(&mut reference_warnings);
    Ok(Prepared {
        site,
        theme,
        warnings: problems,
        timings,
        reuse,
    })
}

/// An article file after the load stage.
struct Loaded {
    article: Arc<Article>,
    /// Read and parsed now (to be analysed), not taken from the cache.
    fresh: bool,
    modified: i128,
    size: u64,
    warnings: Vec<Diagnostic>,
}

/// The cache's record of loaded articles.
fn cache_entries<'a>(loaded: impl Iterator<Item = &'a Loaded>) -> BTreeMap<String, CachedFile> {
    loaded
        .map(|l| {
            (
                l.article.content_path.clone(),
                CachedFile {
                    modified: l.modified,
                    size: l.size,
                    article: Arc::clone(&l.article),
                    warnings: l.warnings.iter().map(StoredDiagnostic::from).collect(),
                },
            )
        })
        .collect()
}

/// Loads every file, taking from the cache those whose time and size (or,
/// failing that, text) did not change; with `recheck` (a watcher's list),
/// every cached file outside it is taken as it is, without a look at the
/// disk. The cache's entries are moved out of `state`, so that an article
/// whose file name must be set again is not copied.
fn load_cached(
    files: &[SourceFile],
    state: &mut BuildState,
    recheck: Option<&BTreeSet<String>>,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    // A file modified within two seconds of the last save may have changed
    // again without its time showing it: read it.
    let trusted_before = state.saved_at - 2_000_000_000;
    let mut previous = std::mem::take(&mut state.files);
    let cached: Vec<Option<CachedFile>> = files.iter().map(|f| previous.remove(&f.content_path)).collect();
    drop(previous);
    let results: Vec<(Option<Loaded>, Vec<Diagnostic>)> = files
        .par_iter()
        .zip(cached)
        .map(|(file, cached)| {
            let unchanged = recheck.is_some_and(|r| !r.contains(&file.content_path));
            let metadata = match (&cached, unchanged) {
                // The watcher saw no change: the recorded time and size stand.
                (Some(c), true) => Some((c.modified, c.size)),
                _ => std::fs::metadata(&file.path).ok().map(|m| {
                    let modified = m.modified().ok().map(nanos).unwrap_or(0);
                    (modified, m.len())
                }),
            };
            let (modified, size) = metadata.unwrap_or((0, 0));
            let reuse = |cached: CachedFile| {
                let mut article = cached.article;
                if article.file != file.path {
                    Arc::make_mut(&mut article).file = file.path.clone();
                }
                let warnings: Vec<Diagnostic> = cached
                    .warnings
                    .iter()
                    .map(|w| {
                        let mut w = w.restore();
                        w.file = file.path.clone();
                        w
                    })
                    .collect();
                Loaded {
                    article,
                    fresh: false,
                    modified,
                    size,
                    warnings,
                }
            };
            let cached = match cached {
                Some(c) if unchanged || (c.modified == modified && c.size == size && modified < trusted_before) => {
                    let loaded = reuse(c);
                    let warnings = loaded.warnings.clone();
                    return (Some(loaded), warnings);
                }
                other => other,
            };
            let source = match load::read_source(file) {
                Ok(source) => source,
                Err(problems) => return (None, problems),
            };
            // Same bytes, new time (a fresh checkout, a `touch`): no need
            // to decode and parse them again.
            if let Some(cached) = cached.filter(|c| c.article.source_hash == source.hash()) {
                let loaded = reuse(cached);
                let warnings = loaded.warnings.clone();
                return (Some(loaded), warnings);
            }
            let (article, problems) = load::parse_source(file, source);
            match article {
                Some(article) => {
                    let warnings = problems.clone();
                    (
                        Some(Loaded {
                            article: Arc::new(article),
                            fresh: true,
                            modified,
                            size,
                            warnings,
                        }),
                        problems,
                    )
                }
                None => (None, problems),
            }
        })
        .collect();
    let mut loaded = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (article, mut found) in results {
        loaded.extend(article);
        problems.append(&mut found);
    }
    (loaded, problems)
}

/// Renders a prepared site into files, all of them, without writing them.
pub fn render(prepared: &mut Prepared) -> Result<Vec<OutputFile>> {
    let rendered = prepared.timings.time("render", || {
        render::render_site(
            &prepared.site,
            &prepared.theme,
            None,
            &|_, _| false,
            render::Destination::Memory,
        )
    })?;
    for (_, mut warnings) in rendered.warnings {
        prepared.warnings.append(&mut warnings);
    }
    prepared.reuse.rendered = rendered.files.len();
    Ok(rendered.files)
}

/// Builds the site: prepare, render, and write; with a cache folder, reuses
/// the previous build's work and writes only what changed.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_waiting(options, |_| {})
}

/// Every article file in `content/` (see [`load::discover`]), leaving out
/// the output folder, its temporaries and the cache.
fn walk(options: &BuildOptions) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let (staging, previous) = write::sibling_paths(&options.output);
    let mut skip = vec![options.output.clone(), staging, previous];
    skip.extend(options.cache.clone());
    load::discover(&options.root.join(CONTENT_DIR), &skip)
}

/// [`build`], calling `waiting` if another build holds the output's lock.
pub fn build_waiting(options: &BuildOptions, waiting: impl FnOnce(&Path)) -> Result<BuildReport> {
    check_output(options)?;
    let _lock = write::lock_output(&options.output, waiting)?;
    let started = Instant::now();
    // The walk of content/ goes on beside the cache's decoding: it waits
    // on the file system in one thread where the decoding keeps both
    // cores busy in bursts.
    let (mut state, walked) = rayon::join(
        || match &options.cache {
            Some(dir) => BuildState::load(dir),
            None => BuildState::default(),
        },
        || options.root.join(CONTENT_DIR).is_dir().then(|| walk(options)),
    );
    state.walked = walked;
    let cache_load = started.elapsed();
    let result = build_with(options, &mut state);
    let mut report = match result {
        Ok(report) => report,
        Err(err) => {
            // What the output now holds is what the manifest said before; keep it.
            if let Some(dir) = &options.cache {
                let _ = state.save(dir);
            }
            return Err(err);
        }
    };
    // The walk of content/ ran beside the cache's reading: the first stage
    // is both, or the walk alone without a cache.
    let first = if options.cache.is_some() { "cache" } else { "walk" };
    report.timings.0.insert(0, (first, cache_load));
    if let Some(dir) = &options.cache {
        report.timings.time("save", || state.save(dir))?;
    }
    // Freeing a large archive's state (a million small allocations) takes
    // a tenth of a second the build need not wait for; a command that
    // exits next never does.
    std::thread::spawn(move || drop(state));
    Ok(report)
}

fn check_output(options: &BuildOptions) -> Result<()> {
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
    // Inside static/ the output would be copied into itself, build after
    // build; inside templates/ its pages would become templates.
    let output = write::absolute_output(&options.output);
    for dir in [STATIC_DIR, TEMPLATES_DIR] {
        let folder = root.join(dir);
        let folder = folder.canonicalize().unwrap_or(folder);
        if output.starts_with(&folder) {
            return Err(Error::Refused(format!(
                "output folder {} is inside {dir}/: choose an --output outside it",
                options.output.display()
            )));
        }
    }
    Ok(())
}

/// How a build reaches its output folder.
enum Target {
    /// The output is as the manifest describes it: render the pages whose
    /// inputs changed, keep them in memory until the whole render
    /// succeeded, and write those whose bytes differ.
    Incremental(Manifest),
    /// Write every file into this fresh staging folder as it is rendered
    /// (memory does not grow with the page count; the "render" stage
    /// includes the writing), then swap the folder in.
    Full(PathBuf),
}

/// What an incremental build can reuse of `/read-also.json` as the last
/// build wrote it: the file read back from the output folder, if its
/// bytes are still those recorded.
fn read_also_written(output: &Path, manifest: &Manifest) -> Option<render::pages::ReadAlsoText> {
    let record = manifest.pages.get(render::pages::READ_ALSO_JSON)?;
    if manifest.read_also.is_empty() {
        return None;
    }
    let json = std::fs::read(output.join(render::pages::READ_ALSO_JSON)).ok()?;
    (crate::hash_bytes(&json) == record.bytes).then(|| render::pages::ReadAlsoText {
        json,
        entries: manifest.read_also.clone(),
        keep: false,
    })
}

/// Builds with an in-memory state (what `serve` keeps between rebuilds):
/// writes only the pages whose inputs changed when the state describes the
/// output folder as it is, else writes everything atomically.
pub fn build_with(options: &BuildOptions, state: &mut BuildState) -> Result<BuildReport> {
    check_output(options)?;
    let mut prepared = prepare_with(options, state)?;
    let output = write::absolute_output(&options.output).to_string_lossy().into_owned();
    let manifest = state
        .manifest
        .take()
        .filter(|m| m.output == output && options.output.is_dir());
    let target = match manifest {
        Some(manifest) => Target::Incremental(manifest),
        None => Target::Full(write::open_staging(&options.output)?),
    };
    let rendered = {
        let unchanged = |path: &str, fingerprint: u64| match &target {
            Target::Incremental(manifest) => manifest
                .pages
                .get(path)
                .is_some_and(|p| p.fingerprint == Some(fingerprint)),
            Target::Full(_) => false,
        };
        let stage;
        let destination = match &target {
            Target::Full(staging) => {
                stage = |file: &OutputFile| write::stage_file(staging, file);
                render::Destination::Stream(&stage)
            }
            Target::Incremental(_) => render::Destination::Memory,
        };
        prepared.timings.time("render", || {
            let memory = match (&target, options.keep_in_memory) {
                (_, true) => {
                    state.render.read_also.keep = true;
                    Some(&mut state.render)
                }
                (Target::Incremental(old), false) => {
                    state.render.read_also = read_also_written(&options.output, old).unwrap_or_default();
                    Some(&mut state.render)
                }
                // A full build keeps the search index for the cache's
                // next build, where the archive is small enough for the
                // memory it holds not to matter.
                (Target::Full(_), false)
                    if options.cache.is_some() && prepared.site.articles.len() <= options.texts_in_memory_up_to =>
                {
                    Some(&mut state.render)
                }
                (Target::Full(_), false) => None,
            };
            render::render_site(&prepared.site, &prepared.theme, memory, &unchanged, destination)
        })
    };
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(err) => {
            if let Target::Full(staging) = &target {
                write::discard_staging(staging);
            }
            return Err(err);
        }
    };
    if !options.keep_in_memory {
        // Not cached, and read back from the output by the next build.
        state.render.read_also = Default::default();
    }
    prepared.reuse.rendered = rendered.emitted.len();
    prepared.reuse.read_also_serialised = rendered.read_also.as_ref().map(|r| r.serialised);
    let mut warnings = prepared.warnings;
    let mut page_warnings: BTreeMap<String, Vec<StoredDiagnostic>> = BTreeMap::new();
    for (path, found) in &rendered.warnings {
        page_warnings.insert(path.clone(), found.iter().map(StoredDiagnostic::from).collect());
        warnings.extend(found.iter().cloned());
    }
    // Pages reused as they are still have the warnings they had.
    if let Target::Incremental(old) = &target {
        let rendered_paths: BTreeSet<&str> = rendered.emitted.iter().map(|f| f.path.as_str()).collect();
        for (path, _) in &rendered.pages {
            if rendered_paths.contains(path.as_str()) {
                continue;
            }
            if let Some(found) = old.warnings.get(path) {
                warnings.extend(found.iter().map(StoredDiagnostic::restore));
                page_warnings.insert(path.clone(), found.clone());
            }
        }
    }
    let static_dir = options.root.join(STATIC_DIR);
    let (written, incremental, mut new_manifest) = match &target {
        Target::Incremental(old) => {
            let (report, manifest) = prepared.timings.time("write", || {
                write::write_changed(
                    &options.output,
                    &rendered.files,
                    &rendered.emitted,
                    &rendered.pages,
                    old,
                    Some(&static_dir),
                )
            })?;
            let written = WriteReport {
                generated: report.written,
                copied: report.copied,
            };
            (written, Some(report), manifest)
        }
        Target::Full(staging) => {
            let generated: Vec<&str> = rendered.emitted.iter().map(|f| f.path.as_str()).collect();
            let (written, statics) = prepared.timings.time("write", || {
                write::finish_staging(&options.output, staging, &generated, Some(&static_dir))
            })?;
            let manifest = write::manifest_of(&options.output, &rendered.emitted, &rendered.pages, statics);
            (written, None, manifest)
        }
    };
    new_manifest.output = output;
    new_manifest.warnings = page_warnings;
    new_manifest.read_also = match (rendered.read_also, target) {
        (Some(written), _) => written.entries,
        (None, Target::Incremental(old)) => old.read_also,
        (None, Target::Full(_)) => Vec::new(),
    };
    state.manifest = Some(new_manifest);
    warnings.sort();
    warnings.dedup();
    Ok(BuildReport {
        articles: prepared.site.articles.len(),
        written,
        incremental,
        warnings,
        timings: prepared.timings,
        reuse: prepared.reuse,
    })
}
