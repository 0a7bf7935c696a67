//! The build pipeline: load → analyse → link → render → write, each stage
//! a plain function of the previous one's data, timed for benchmarks.

use crate::analyse;
use crate::article::{Article, Body};
use crate::cache::{self, nanos, CacheDamage, CachedFile, Manifest, SavedState, StoredDiagnostic};
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::link::related::{RelatedState, Tuning};
use crate::link::topics::TopicMatcher;
use crate::link::{self, Site};
use crate::load::{self, SourceFile, CONTENT_DIR};
use crate::render::dates::DateFormat;
use crate::render::read_also_json::ReadAlsoText;
use crate::render::theme::{Theme, TEMPLATES_DIR};
use crate::render::{self, OutputFile, RenderMemory};
use crate::write::{self, IncrementalReport, WriteReport};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Name of the folder copied as is into the output.
pub(crate) const STATIC_DIR: &str = "static";

/// Name of the content folder (re-exported for the commands).
pub(crate) const CONTENT_DIR_NAME: &str = CONTENT_DIR;

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
    /// Build into an output folder that is not empty although arshif did
    /// not write it, replacing its files (`--force`).
    pub force: bool,
    /// Up to how many articles their texts stay in memory from loading to
    /// rendering ([`TEXTS_IN_MEMORY_UP_TO`] by default).
    pub texts_in_memory_up_to: usize,
    /// The build's clock (`--now`; `None`: the system clock): articles
    /// dated or `publish_at` after it are held back.
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Include articles not yet due at the clock (`--future`).
    pub future: bool,
}

/// Name of the default cache folder inside the site root.
pub(crate) const CACHE_DIR: &str = ".arshif-cache";

/// A walk of `content/`: the article files, and the warnings it gave.
pub(crate) type Walk = (Vec<SourceFile>, Vec<Diagnostic>);

/// What one build hands the next: the state the cache folder holds, and,
/// in `serve`, the session's memory. Both are plain values; a build reads
/// them and leaves in them what the next build can reuse.
#[derive(Debug, Default)]
pub struct BuildState {
    /// What the cache folder holds (read before a build with a cache and
    /// written after it; `serve` keeps it in memory only).
    pub saved: SavedState,
    /// `serve`'s memory between rebuilds; `None` for a one-off build, which
    /// then drops each index as soon as it has used it (a lower peak).
    pub session: Option<Session>,
}

/// What `serve` keeps in memory between rebuilds and never saves.
#[derive(Debug, Default)]
pub struct Session {
    /// The last walk of `content/`, for [`Session::changed`].
    pub sources: Option<Walk>,
    /// The paths a file watcher reported since the last build, when it is
    /// sure to have reported every change: the next build then updates
    /// [`Session::sources`] and reads only these files again, instead of
    /// walking and checking the whole archive. Taken by the build.
    pub changed: Option<Vec<PathBuf>>,
    /// `/read-also.json` as last rendered (a build from the cache reads it
    /// back from the output folder instead).
    pub read_also: ReadAlsoText,
}

/// Above this many articles, a fresh article's text is dropped once it is
/// analysed and read from its file again when its page is rendered
/// (`load::reload_body`, as for articles from the cache): about 3 KB an
/// article that would otherwise stay in memory for the whole build (close
/// to a gigabyte at 280k articles), for a second parse of each file. Up
/// to it, a full build also keeps its search index to the end, for the
/// cache (about 2 KB an article).
pub(crate) const TEXTS_IN_MEMORY_UP_TO: usize = 100_000;

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
            force: false,
            now: None,
            future: false,
        }
    }
}

/// Called with each stage's name as it starts (a progress display).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(&'static str) + Send + Sync>>);

impl Progress {
    /// A progress hook calling `report` at the start of every stage.
    pub(crate) fn new(report: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
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
    /// The clock the build published at, and what it held back.
    pub schedule: link::Schedule,
}

/// Reads the configuration and content and links the site, without rendering.
/// Every problem in the content is reported at once.
pub fn prepare(options: &BuildOptions) -> Result<Prepared> {
    prepare_with(options, &mut BuildState::default(), None)
}

/// Fingerprint of what parsing and analysis depend on.
fn analysis_print(config: &SiteConfig) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hash::hash(&serde_json::to_string(&config.topics).unwrap_or_default(), &mut hasher);
    std::hash::Hasher::finish(&hasher)
}

/// [`prepare`], reusing what `state` holds from the previous build and
/// leaving in it what the next one can reuse; `walked` is a walk of
/// `content/` made beside the cache's reading.
pub(crate) fn prepare_with(options: &BuildOptions, state: &mut BuildState, walked: Option<Walk>) -> Result<Prepared> {
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
                Kind::Config,
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
    if state.saved.analysis_print != print {
        state.saved.files.clear();
        state.saved.analysis_print = print;
    }
    let mut reuse = Reuse::default();
    let reading_started = nanos(std::time::SystemTime::now());
    let (mut loaded, mut problems) = timings.time("load", || {
        // A watcher's list of changes, applied to the last walk; else a walk.
        let hint = state
            .session
            .as_mut()
            .and_then(|session| match (session.changed.take(), session.sources.take()) {
                (Some(changed), Some((mut files, warnings))) => {
                    load::apply_changes(&content_dir, &mut files, &changed).map(|recheck| (files, warnings, recheck))
                }
                _ => None,
            });
        let (files, mut problems, recheck) = match (hint, walked) {
            (Some((files, warnings, recheck)), _) => (files, warnings, Some(recheck)),
            (None, Some((files, warnings))) => (files, warnings, None),
            (None, None) => {
                let (files, warnings) = walk(options);
                (files, warnings, None)
            }
        };
        if let Some(session) = &mut state.session {
            session.sources = Some((files.clone(), problems.clone()));
        }
        let (loaded, mut found) = load_cached(&files, &mut state.saved, recheck.as_ref());
        problems.append(&mut found);
        (loaded, problems)
    });
    if problems.iter().any(Diagnostic::is_error) {
        // Keep what is still valid for the next attempt: the files taken from the cache.
        state.saved.files = cache_entries(loaded.iter().filter(|l| !l.fresh));
        problems.sort();
        return Err(Error::Invalid(problems));
    }
    state.saved.saved_at = reading_started;
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
    state.saved.files = cache_entries(loaded.iter());
    let articles: Vec<Arc<Article>> = loaded.into_iter().map(|l| l.article).collect();
    let now = options.now.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let schedule = link::Schedule::at(now, options.future);
    let site = timings.time("link", || link::assemble(config, articles, options.drafts, schedule));
    let mut site = site.map_err(|mut found| {
        found.append(&mut problems);
        found.sort();
        Error::Invalid(found)
    })?;
    let mut topic_warnings = timings.time("topics", || link::link_topics(&mut site, &matcher));
    problems.append(&mut topic_warnings);
    problems.extend(link::sections::unmapped_warnings(&site.config.sections, &site.articles));
    let tuning = Tuning {
        k: site.config.related_count,
        ..Tuning::default()
    };
    let in_session = state.session.is_some();
    timings.time("related", || {
        let profiles = link::related_profiles(&site);
        let mut related = match state.saved.related.take() {
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
        if !in_session {
            related.forget_index();
        }
        // Without a cache and without serve's memory, nothing will read the
        // state again: free it before the render, where the peak is.
        state.saved.related = (options.cache.is_some() || in_session).then_some(related);
    });
    let mut reference_warnings = timings.time("references", || link::link_references(&mut site));
    problems.append(&mut reference_warnings);
    let (photos, mut photo_problems) = timings.time("photos", || {
        crate::photos::prepare(&site, root, options.cache.as_deref())
    });
    site.photos = photos;
    if photo_problems.iter().any(Diagnostic::is_error) {
        photo_problems.append(&mut problems);
        photo_problems.sort();
        return Err(Error::Invalid(photo_problems));
    }
    problems.append(&mut photo_problems);
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
    changed: i128,
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
                    changed: l.changed,
                    size: l.size,
                    article: Arc::clone(&l.article),
                    warnings: l.warnings.iter().map(StoredDiagnostic::from).collect(),
                },
            )
        })
        .collect()
}

/// The times of a file: (modification, status change), nanoseconds since
/// the epoch. The status change time (ctime) moves with every write, even
/// one that sets the modification time back, and nobody can set it.
pub(crate) fn file_times(meta: &std::fs::Metadata) -> (i128, i128) {
    let modified = meta.modified().ok().map(nanos).unwrap_or(0);
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128
    };
    #[cfg(not(unix))]
    let changed = modified;
    (modified, changed)
}

/// Loads every file, taking from the cache those whose times and size (or,
/// failing that, bytes) did not change; with `recheck` (a watcher's list),
/// every cached file outside it is taken as it is, without a look at the
/// disk. The cache's entries are moved out of `state`, so that an article
/// whose file name must be set again is not copied.
fn load_cached(
    files: &[SourceFile],
    state: &mut SavedState,
    recheck: Option<&BTreeSet<String>>,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    // A file changed at or after the last build started reading may have
    // changed again without its times showing it (within the clock's
    // resolution, or while that build read it): read it, as git does with
    // "racily clean" files. Two seconds of slack for coarse clocks.
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
                // The watcher saw no change: the recorded times and size stand.
                (Some(c), true) => Some((c.modified, c.changed, c.size)),
                _ => std::fs::metadata(&file.path).ok().map(|m| {
                    let (modified, changed) = file_times(&m);
                    (modified, changed, m.len())
                }),
            };
            let (modified, changed, size) = metadata.unwrap_or((0, 0, 0));
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
                    changed,
                    size,
                    warnings,
                }
            };
            let same_stat = |c: &CachedFile| {
                c.modified == modified && c.changed == changed && c.size == size && changed < trusted_before
            };
            let cached = match cached {
                Some(c) if unchanged || same_stat(&c) => {
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
                            changed,
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

/// Renders a prepared site into files, all of them (photos' resized
/// copies aside: recorded, not made), without writing them.
pub(crate) fn render(prepared: &mut Prepared) -> Result<Vec<OutputFile>> {
    // Photos are checked from their headers (by the photos stage): making
    // every resized copy in memory is a build's work, not a check's.
    prepared.site.photos.headers_only();
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
fn walk(options: &BuildOptions) -> Walk {
    let (staging, previous) = write::sibling_paths(&options.output);
    let mut skip = vec![options.output.clone(), staging, previous];
    skip.extend(options.cache.clone());
    load::discover(&options.root.join(CONTENT_DIR), &skip)
}

/// [`build`], calling `waiting` if another build holds the output's lock
/// or the cache's.
pub(crate) fn build_waiting(options: &BuildOptions, waiting: impl Fn(&Path)) -> Result<BuildReport> {
    check_locations(options)?;
    let _output_lock = write::lock_output(&options.output, &waiting)?;
    let _cache_lock = match &options.cache {
        Some(dir) => Some(cache::lock(dir, &waiting)?),
        None => None,
    };
    let started = Instant::now();
    // The walk of content/ goes on beside the cache's decoding: it waits
    // on the file system in one thread where the decoding keeps both
    // cores busy in bursts.
    let ((saved, damage), walked) = rayon::join(
        || match &options.cache {
            Some(dir) => SavedState::load(dir),
            None => (SavedState::default(), None),
        },
        || options.root.join(CONTENT_DIR).is_dir().then(|| walk(options)),
    );
    let mut state = BuildState { saved, session: None };
    let cache_load = started.elapsed();
    let mut report = build_from(options, &mut state, walked, damage)?;
    // The walk of content/ ran beside the cache's reading: the first stage
    // is both, or the walk alone without a cache.
    let first = if options.cache.is_some() { "cache" } else { "walk" };
    report.timings.0.insert(0, (first, cache_load));
    // Freeing a large archive's state (a million small allocations) takes
    // a tenth of a second the build need not wait for; a command that
    // exits next never does.
    std::thread::spawn(move || drop(state));
    Ok(report)
}

/// Refuses an output or a cache folder where a build would destroy or
/// publish what it must not: an output that holds the site's sources or
/// lies inside one of them, a cache inside the output (it would be
/// published, drafts' headlines and all) or inside the sources.
fn check_locations(options: &BuildOptions) -> Result<()> {
    let root = &options.root;
    let sources = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];
    let mut protected = vec![root.to_path_buf()];
    protected.extend(sources.iter().map(|dir| root.join(dir)));
    write::check_output_location(&options.output, &protected)?;
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| write::absolute_output(path));
    let output = canonical(&options.output);
    // Inside content/ its pages would be read as articles (or skipped,
    // and lost with the folder); inside static/ it would be copied into
    // itself, build after build; inside templates/ its pages would
    // become templates.
    for dir in sources {
        let folder = canonical(&root.join(dir));
        if output.starts_with(&folder) {
            return Err(Error::Refused(format!(
                "output folder {} is inside {dir}/: choose an --output outside the site's sources",
                options.output.display()
            )));
        }
    }
    if let Some(cache) = &options.cache {
        let cache_dir = canonical(cache);
        if cache_dir.starts_with(&output) {
            return Err(Error::Refused(format!(
                "cache folder {} is inside the output folder {}, which is published: choose a --cache outside it",
                cache.display(),
                options.output.display()
            )));
        }
        for dir in sources {
            if cache_dir.starts_with(canonical(&root.join(dir))) {
                return Err(Error::Refused(format!(
                    "cache folder {} is inside {dir}/: choose a --cache outside the site's sources",
                    cache.display()
                )));
            }
        }
    }
    Ok(())
}

/// How a build reaches its output folder.
enum Target<'a> {
    /// The output is as the manifest describes it, but for the files the
    /// survey found changed: render the pages whose inputs changed (and
    /// those), keep them in memory until the whole render succeeded, and
    /// stage those whose bytes differ.
    Incremental(&'a Manifest, write::OutputSurvey),
    /// Write every file into this fresh staging folder as it is rendered
    /// (memory does not grow with the page count; the "render" stage
    /// includes the writing), then swap the folder in.
    Full(PathBuf),
}

/// What an incremental build can reuse of `/read-also.json` as the last
/// build wrote it: the file read back from the output folder, if its
/// bytes are still those recorded.
fn read_also_written(output: &Path, manifest: &Manifest) -> Option<ReadAlsoText> {
    let record = manifest.pages.get(render::read_also_json::READ_ALSO_JSON)?;
    if manifest.read_also.is_empty() {
        return None;
    }
    let json = std::fs::read(output.join(render::read_also_json::READ_ALSO_JSON)).ok()?;
    (crate::hash_bytes(&json) == record.bytes).then(|| ReadAlsoText {
        json,
        entries: manifest.read_also.clone(),
        keep: false,
    })
}

/// Builds with a state in memory (what `serve` keeps between rebuilds):
/// stages only the pages whose inputs changed, and the files found not
/// as recorded, when the state describes the output folder, else stages
/// everything; then saves the cache (when the options name one) and only
/// then puts the staged files in place.
pub fn build_with(options: &BuildOptions, state: &mut BuildState) -> Result<BuildReport> {
    build_from(options, state, None, None)
}

/// [`build_with`], with a walk made beside the cache's reading and what
/// was wrong with the cache, if anything (reported as a warning).
fn build_from(
    options: &BuildOptions,
    state: &mut BuildState,
    walked: Option<Walk>,
    damage: Option<CacheDamage>,
) -> Result<BuildReport> {
    check_locations(options)?;
    write::recover_leftovers(&options.output)?;
    let output = write::absolute_output(&options.output).to_string_lossy().into_owned();
    let known = state.saved.manifest.as_ref().is_some_and(|m| m.output == output);
    write::claim_output(&options.output, known, options.force)?;
    // The output's survey (a stat of every file) goes on beside the
    // load and analysis, which hardly wait on the disk.
    let previous = state.saved.manifest.take();
    let usable = previous
        .as_ref()
        .filter(|m| m.output == output && options.output.is_dir());
    let (prepared, survey) = rayon::join(
        || prepare_with(options, state, walked),
        || {
            let started = Instant::now();
            usable.map(|manifest| {
                write::survey(&options.output, manifest).map(|survey| (manifest, survey, started.elapsed()))
            })
        },
    );
    let result = match (prepared, survey.transpose()) {
        (Ok(mut prepared), Ok(survey)) => {
            if let (Some(damage), Some(dir)) = (damage, &options.cache) {
                prepared.warnings.push(Diagnostic::warning(
                    dir,
                    None,
                    Kind::Cache,
                    format!("the cache was not used: {damage}; everything is built again, and the cache written anew"),
                ));
            }
            let target = survey.map(|(manifest, survey, took)| {
                prepared.timings.0.push(("survey", took));
                (manifest, survey)
            });
            write_site(options, state, &mut prepared, target).map(|written| (prepared, written))
        }
        (Err(err), _) | (_, Err(err)) => Err(err),
    };
    match result {
        Ok((mut prepared, (written, incremental))) => {
            let mut warnings = std::mem::take(&mut prepared.warnings);
            warnings.sort();
            warnings.dedup();
            Ok(BuildReport {
                articles: prepared.site.articles.len(),
                written,
                incremental,
                warnings,
                timings: prepared.timings,
                reuse: prepared.reuse,
                schedule: prepared.site.schedule,
            })
        }
        Err(err) => {
            // Nothing was put in place: the output is as the old record says.
            state.saved.manifest = previous;
            Err(located(err, &options.root))
        }
    }
}

/// A template error as a problem in the template's file, at the line Tera
/// names (or the first line quoting what it names), as `check` gives it.
fn located(err: Error, root: &Path) -> Error {
    match err {
        Error::Template { name, message } => {
            Error::Invalid(vec![crate::render::theme::template_diagnostic(root, &name, &message)])
        }
        other => other,
    }
}

/// Renders and stages the site, saves the cache, then puts the staged
/// files in place; leaves the new manifest in `state` and the warnings of
/// the pages in `prepared`. `previous` is the output's record with what
/// the survey found, when the output is as a build of this state left it.
fn write_site(
    options: &BuildOptions,
    state: &mut BuildState,
    prepared: &mut Prepared,
    previous: Option<(&Manifest, write::OutputSurvey)>,
) -> Result<(WriteReport, Option<IncrementalReport>)> {
    let target = match previous {
        Some((manifest, survey)) => Target::Incremental(manifest, survey),
        None => Target::Full(write::open_staging(&options.output)?),
    };
    let in_session = state.session.is_some();
    // What the render reuses and leaves for the next build: the search
    // index (saved), and read-also.json (serve's memory, or the file the
    // last build wrote).
    let read_also = match (&mut state.session, &target) {
        (Some(session), _) => ReadAlsoText {
            keep: true,
            ..std::mem::take(&mut session.read_also)
        },
        (None, Target::Incremental(old, _)) => read_also_written(&options.output, old).unwrap_or_default(),
        (None, Target::Full(_)) => ReadAlsoText::default(),
    };
    let mut memory = RenderMemory {
        search: state.saved.search.take(),
        read_also,
    };
    // A full build keeps the search index for the cache's next build
    // where the archive is small enough for the memory it holds not to
    // matter; other builds always have one to update.
    let keep_memory = match &target {
        Target::Incremental(..) => true,
        Target::Full(_) => {
            in_session || (options.cache.is_some() && prepared.site.articles.len() <= options.texts_in_memory_up_to)
        }
    };
    let rendered = {
        let unchanged = |path: &str, fingerprint: u64| match &target {
            Target::Incremental(manifest, survey) => {
                survey.intact(path)
                    && manifest
                        .pages
                        .get(path)
                        .is_some_and(|p| p.fingerprint == Some(fingerprint))
            }
            Target::Full(_) => false,
        };
        let stage;
        let destination = match &target {
            Target::Full(staging) => {
                stage = |file: &OutputFile| write::stage_file(staging, file);
                render::Destination::Stream(&stage)
            }
            Target::Incremental(..) => render::Destination::Memory,
        };
        prepared.timings.time("render", || {
            render::render_site(
                &prepared.site,
                &prepared.theme,
                keep_memory.then_some(&mut memory),
                &unchanged,
                destination,
            )
        })
    };
    if options.cache.is_some() || in_session {
        state.saved.search = memory.search.take();
    }
    if let Some(session) = &mut state.session {
        session.read_also = std::mem::take(&mut memory.read_also);
    }
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(err) => {
            if let Target::Full(staging) = &target {
                write::discard_staging(staging);
            }
            return Err(err);
        }
    };
    prepared.reuse.rendered = rendered.emitted.len();
    prepared.reuse.read_also_serialised = rendered.read_also.as_ref().map(|r| r.serialised);
    let mut page_warnings: BTreeMap<String, Vec<StoredDiagnostic>> = BTreeMap::new();
    for (path, found) in &rendered.warnings {
        page_warnings.insert(path.clone(), found.iter().map(StoredDiagnostic::from).collect());
        prepared.warnings.extend(found.iter().cloned());
    }
    // Pages reused as they are still have the warnings they had.
    if let Target::Incremental(old, _) = &target {
        let rendered_paths: BTreeSet<&str> = rendered.emitted.iter().map(|f| f.path.as_str()).collect();
        for (path, _) in &rendered.pages {
            if rendered_paths.contains(path.as_str()) {
                continue;
            }
            if let Some(found) = old.warnings.get(path) {
                prepared.warnings.extend(found.iter().map(StoredDiagnostic::restore));
                page_warnings.insert(path.clone(), found.clone());
            }
        }
    }
    let static_dir = options.root.join(STATIC_DIR);
    let staged = prepared.timings.time("write", || match &target {
        Target::Incremental(old, survey) => write::stage_changes(
            &options.output,
            &rendered.files,
            &rendered.emitted,
            &rendered.pages,
            old,
            survey,
            Some(&static_dir),
        )
        .map(|(report, manifest, commit)| {
            let written = WriteReport {
                generated: report.written,
                copied: report.copied,
            };
            (written, Some(report), manifest, commit)
        }),
        Target::Full(staging) => write::finish_staging(
            &options.output,
            staging,
            &rendered.emitted,
            &rendered.pages,
            Some(&static_dir),
        )
        .map(|(written, manifest, commit)| (written, None, manifest, commit)),
    });
    let (written, incremental, mut manifest, commit) = staged?;
    manifest.output = write::absolute_output(&options.output).to_string_lossy().into_owned();
    manifest.warnings = page_warnings;
    manifest.read_also = match (rendered.read_also, &target) {
        (Some(written), _) => written.entries,
        (None, Target::Incremental(old, _)) => old.read_also.clone(),
        (None, Target::Full(_)) => Vec::new(),
    };
    state.saved.manifest = Some(manifest);
    // The cache first: a build that cannot save it fails with the output
    // untouched. Killed after the save, the output is older than the
    // record says, and the next build's survey finds every such file.
    if let Some(dir) = &options.cache {
        if let Err(err) = prepared.timings.time("save", || state.saved.save(dir)) {
            commit.discard();
            return Err(err);
        }
        prepared.site.photos.save_index();
    }
    prepared.timings.time("commit", || commit.apply(&options.output))?;
    Ok((written, incremental))
}
