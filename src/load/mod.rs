//! Loading: find the article files in `content/` and read each into an
//! [`Article`]. Every broken file is reported, not only the first.

pub(crate) mod clean;
pub mod decode;
pub mod markdown;
pub(crate) mod slug;
pub mod text;

use crate::article::{Article, Body};
use crate::diagnostic::{Diagnostic, Kind};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Name of the content folder inside the site root.
pub(crate) const CONTENT_DIR: &str = "content";

/// Largest article file read, in bytes: a bigger file is an error, not an
/// attempt to hold it in memory.
pub(crate) const MAX_ARTICLE_BYTES: u64 = 256 * 1024 * 1024;

/// The kinds of file that hold articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.md`: front matter and Markdown.
    Markdown,
    /// `.txt`: headline, lede, paragraphs.
    Text,
}

impl Format {
    /// The format a file name says, if it is an article at all.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }
}

/// An article file found in `content/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path inside `content/` with `/` separators.
    pub content_path: String,
    /// The file as the user names it (`ROOT/content/…`).
    pub path: PathBuf,
}

/// Finds every article file below `content_dir`, sorted, skipping hidden
/// entries, anything inside `skip` (the output folder and its temporaries),
/// symlinks that lead out of `content_dir` and anything that is not a
/// regular file (pipes, sockets, devices). Problems met on the way (loops,
/// unreadable folders, names that are not UTF-8) come back as warnings; a
/// file whose name is not UTF-8 is still read, under a lossy name.
pub fn discover(content_dir: &Path, skip: &[PathBuf]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let canonical_root = content_dir.canonicalize().unwrap_or_else(|_| content_dir.to_path_buf());
    let skip: Vec<PathBuf> = skip
        .iter()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    let mut walker = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop: skipped".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        err.io_error().map_or_else(|| err.to_string(), |e| e.to_string())
                    )
                };
                warnings.push(Diagnostic::warning(&path, None, Kind::Unreadable, message));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let hidden = entry.file_name().as_encoded_bytes().starts_with(b".");
        let is_dir = entry.file_type().is_dir();
        let canonical = if entry.path_is_symlink() || is_dir {
            entry.path().canonicalize().ok()
        } else {
            None
        };
        let outside = entry.path_is_symlink() && canonical.as_ref().is_some_and(|c| !c.starts_with(&canonical_root));
        let skipped = canonical
            .as_ref()
            .is_some_and(|c| skip.iter().any(|s| c.starts_with(s)));
        if hidden || outside || skipped {
            if outside {
                warnings.push(Diagnostic::warning(
                    entry.path(),
                    None,
                    Kind::SymlinkOutside,
                    "symbolic link leads out of content/: skipped",
                ));
            }
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if is_dir || Format::of(entry.path()).is_none() {
            continue;
        }
        if !entry.file_type().is_file() {
            warnings.push(Diagnostic::warning(
                entry.path(),
                None,
                Kind::NotAFile,
                "not a regular file (a pipe, socket or device): skipped",
            ));
            continue;
        }
        let relative = entry.path().strip_prefix(content_dir).unwrap_or(entry.path());
        let content_path = match relative_slash_path(relative) {
            Some(path) => path,
            None => {
                let lossy = lossy_slash_path(relative);
                warnings.push(Diagnostic::warning(
                    entry.path(),
                    None,
                    Kind::FileName,
                    format!("file name is not valid UTF-8: read as `{lossy}`; rename the file"),
                ));
                lossy
            }
        };
        files.push(SourceFile {
            content_path,
            path: entry.path().to_path_buf(),
        });
    }
    files.sort();
    (files, warnings)
}

/// Brings a previous [`discover`] result up to date with the paths a file
/// watcher reported, without walking the folder again (what `serve` does
/// on each edit of a large archive). Returns the content paths to read
/// again, or `None` when a change cannot be applied this way (a folder, a
/// symbolic link, a name that is not UTF-8): then walk with [`discover`].
pub(crate) fn apply_changes(
    content_dir: &Path,
    files: &mut Vec<SourceFile>,
    changed: &[PathBuf],
) -> Option<BTreeSet<String>> {
    let canonical_dir = content_dir.canonicalize().ok()?;
    let mut recheck = BTreeSet::new();
    for path in changed {
        let canonical = match path.parent().map(Path::canonicalize) {
            Some(Ok(parent)) => parent.join(path.file_name()?),
            _ => path.clone(),
        };
        let relative = match canonical.strip_prefix(&canonical_dir) {
            Ok(relative) => relative,
            // Outside content/ (a template, a static file, site.yaml): no article.
            Err(_) if canonical.exists() => continue,
            // Gone, from a folder that is gone too: cannot tell what it held.
            Err(_) => return None,
        };
        if relative.as_os_str().is_empty() {
            return None;
        }
        if relative
            .components()
            .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
        {
            continue;
        }
        let content_path = relative_slash_path(relative)?;
        match std::fs::symlink_metadata(&canonical) {
            Ok(meta) if meta.is_file() => {
                if Format::of(&canonical).is_some() {
                    if !files.iter().any(|f| f.content_path == content_path) {
                        files.push(SourceFile {
                            path: content_dir.join(relative),
                            content_path: content_path.clone(),
                        });
                    }
                    recheck.insert(content_path);
                }
            }
            Ok(_) => return None,
            Err(_) => {
                let below = format!("{content_path}/");
                files.retain(|f| f.content_path != content_path && !f.content_path.starts_with(&below));
            }
        }
    }
    files.sort();
    Some(recheck)
}

fn relative_slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The path with every byte sequence that is not UTF-8 replaced by U+FFFD.
fn lossy_slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Reads and parses all files in parallel. Returns the articles (in the
/// order of `files`) and every problem found.
pub fn load_all(files: &[SourceFile]) -> (Vec<Article>, Vec<Diagnostic>) {
    let results: Vec<(Option<Article>, Vec<Diagnostic>)> = files.par_iter().map(load_file).collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (article, mut found) in results {
        articles.extend(article);
        problems.append(&mut found);
    }
    (articles, problems)
}

/// Reads one article file. On an error the article is `None` and the
/// diagnostics say why; warnings may come with a good article. A file that
/// disappeared since it was found is skipped with a warning; one that kept
/// changing while it was read is used as last read, with a warning.
pub(crate) fn load_file(file: &SourceFile) -> (Option<Article>, Vec<Diagnostic>) {
    match read_source(file) {
        Ok(source) => parse_source(file, source),
        Err(problems) => (None, problems),
    }
}

/// An article file's bytes as read, before they are decoded and parsed.
pub(crate) struct Source {
    bytes: Vec<u8>,
    hash: u64,
    /// Warnings reading it gave (a file that kept changing).
    problems: Vec<Diagnostic>,
}

impl Source {
    /// The hash of the bytes: the `source_hash` of the article they make,
    /// so a cached article with the same one was made from the same file.
    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }
}

/// Reads one article file (the first half of [`load_file`]); `Err` holds
/// the diagnostics of a file that cannot be read.
pub(crate) fn read_source(file: &SourceFile) -> Result<Source, Vec<Diagnostic>> {
    let path = &file.path;
    let mut problems = Vec::new();
    let bytes = match read_settled(path) {
        Ok(ReadOutcome::Settled(bytes)) => bytes,
        Ok(ReadOutcome::Changing(bytes)) => {
            problems.push(Diagnostic::warning(
                path,
                None,
                Kind::Changed,
                "the file changed while it was being read: build again to use its final text",
            ));
            bytes
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![Diagnostic::warning(
                path,
                None,
                Kind::Vanished,
                "the file disappeared while the build was reading content/: skipped",
            )]);
        }
        Err(err) => {
            return Err(vec![Diagnostic::error(
                path,
                None,
                Kind::Unreadable,
                format!("cannot read: {err}"),
            )]);
        }
    };
    Ok(Source {
        hash: crate::hash_bytes(&bytes),
        bytes,
        problems,
    })
}

/// Decodes and parses what [`read_source`] read into an article (the
/// second half of [`load_file`]).
pub(crate) fn parse_source(file: &SourceFile, source: Source) -> (Option<Article>, Vec<Diagnostic>) {
    let Source {
        bytes,
        hash,
        mut problems,
    } = source;
    let path = &file.path;
    let decoded = match decode::decode(bytes) {
        Ok(decoded) => decoded,
        Err(message) => {
            problems.push(Diagnostic::error(path, None, Kind::Encoding, message));
            return (None, problems);
        }
    };
    if let Some(note) = decoded.note {
        problems.push(Diagnostic::warning(path, None, Kind::Encoding, note));
    }
    match parse_article(file, &decoded.text) {
        Ok((mut article, mut warnings)) => {
            article.source_hash = hash;
            problems.append(&mut warnings);
            (Some(article), problems)
        }
        Err(problem) => {
            problems.push(problem);
            (None, problems)
        }
    }
}

/// The text of an article whose body is not in memory ([`Body::Elsewhere`]:
/// it came from the cache), read from its file again. The file must still
/// hold the text the article was made from: a file changed since the
/// build read it is an error (build again), never a page mixing the two.
pub(crate) fn reload_body(article: &Article) -> Result<std::borrow::Cow<'_, Body>, Diagnostic> {
    if !matches!(article.body, Body::Elsewhere) {
        return Ok(std::borrow::Cow::Borrowed(&article.body));
    }
    let path = &article.file;
    let changed = || {
        Diagnostic::error(
            path,
            None,
            Kind::Changed,
            "the file changed while the build was running: build again",
        )
    };
    let bytes = std::fs::read(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => changed(),
        _ => Diagnostic::error(path, None, Kind::Unreadable, format!("cannot read: {err}")),
    })?;
    if crate::hash_bytes(&bytes) != article.source_hash {
        return Err(changed());
    }
    let decoded = decode::decode(bytes).map_err(|_| changed())?;
    // Only the body: the front matter and the scan of the text gave the
    // article its other fields when the build (or the one that cached it)
    // read the same text.
    let body = match Format::of(path).unwrap_or(Format::Text) {
        Format::Markdown => {
            let (source, first_line) = markdown::body_only(&decoded.text).ok_or_else(changed)?;
            Body::Markdown {
                source: source.to_string(),
                first_line,
            }
        }
        Format::Text => Body::Text(text::parse(&decoded.text).ok_or_else(changed)?.blocks),
    };
    Ok(std::borrow::Cow::Owned(body))
}

/// What reading a file gave.
enum ReadOutcome {
    /// The bytes, with the file unchanged from before to after the read.
    Settled(Vec<u8>),
    /// The bytes of the last of several reads, each overlapping a change.
    Changing(Vec<u8>),
}

/// Reads a file, again (up to three times) when its size or modification
/// time changed during the read, so that a file an editor is saving is not
/// taken half written. Refuses what is not a regular file and files over
/// [`MAX_ARTICLE_BYTES`].
fn read_settled(path: &Path) -> std::io::Result<ReadOutcome> {
    let mut last = Vec::new();
    for _ in 0..3 {
        let mut file = std::fs::File::open(path)?;
        let before = file.metadata()?;
        if !before.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        if before.len() > MAX_ARTICLE_BYTES {
            return Err(too_large(before.len()));
        }
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(before.len() as usize)
            .map_err(std::io::Error::other)?;
        (&mut file).take(MAX_ARTICLE_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_ARTICLE_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        let after = file.metadata()?;
        let settled = after.len() == before.len()
            && after.len() == bytes.len() as u64
            && after.modified().ok() == before.modified().ok();
        if settled {
            return Ok(ReadOutcome::Settled(bytes));
        }
        last = bytes;
    }
    Ok(ReadOutcome::Changing(last))
}

fn too_large(len: u64) -> std::io::Error {
    std::io::Error::other(format!(
        "the file is {} MB, more than the {} MB an article may have",
        len / (1024 * 1024),
        MAX_ARTICLE_BYTES / (1024 * 1024)
    ))
}

/// Builds an article from a file's decoded text.
pub fn parse_article(file: &SourceFile, text: &str) -> Result<(Article, Vec<Diagnostic>), Diagnostic> {
    let path = &file.path;
    let mut warnings = Vec::new();
    let content_path = Path::new(&file.content_path);
    let mut stem = content_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    // An article in a folder with its photos (`2022/12/putin-xi/index.md`)
    // is named by its folder.
    if stem == "index" {
        if let Some(folder) = content_path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
        {
            stem = folder;
        }
    }
    let (prefix_date, stem_slug) = slug::split_date_prefix(stem);
    let prefix_date = prefix_date.map(date_at_midnight);
    let format = Format::of(path).unwrap_or(Format::Text);
    let mut article = Article {
        file: path.clone(),
        content_path: file.content_path.clone(),
        slug: String::new(),
        title: String::new(),
        summary: None,
        date: prefix_date,
        author: None,
        authors: Vec::new(),
        updated: None,
        corrections: Vec::new(),
        publish_at: None,
        timed: false,
        lede: None,
        source: None,
        original_url: None,
        category: None,
        tags: Vec::new(),
        topics: Vec::new(),
        topics_exclude: Vec::new(),
        draft: false,
        aliases: Vec::new(),
        read_also: Vec::new(),
        image: None,
        figures: Vec::new(),
        extra: Default::default(),
        body: Body::Text(Vec::new()),
        plain_text: String::new(),
        analysis: Default::default(),
        source_hash: crate::hash_bytes(text.as_bytes()),
        links: Vec::new(),
        url_path: String::new(),
    };
    let mut slug_source = (stem_slug.to_string(), None);
    match format {
        Format::Text => {
            let parsed = text::parse(text).ok_or_else(|| {
                Diagnostic::error(
                    path,
                    None,
                    Kind::Empty,
                    "the file is empty: a text article needs a headline line",
                )
            })?;
            article.title = parsed.title;
            article.summary = parsed.summary;
            article.plain_text = text::plain_text(&parsed.blocks);
            article.body = Body::Text(parsed.blocks);
            article.read_also = parsed.read_also;
            // The photo itself is the image file beside the text (found by
            // the photos stage); these lines say what it shows.
            if parsed.photo_caption.is_some() || parsed.photo_credit.is_some() {
                let line = parsed.photo_caption.as_ref().map_or(1, |(_, line)| *line);
                let caption = parsed.photo_caption.map(|(caption, _)| caption);
                article.image = Some(crate::article::ImageRef {
                    src: String::new(),
                    line,
                    alt: caption.clone(),
                    caption,
                    credit: parsed.photo_credit,
                });
            }
        }
        Format::Markdown => {
            let parsed = markdown::parse(text)
                .map_err(|err| Diagnostic::error(path, err.line, Kind::FrontMatter, err.message))?;
            let front = parsed.front;
            if let Some((date, line)) = &front.date {
                article.timed = has_time(date);
                article.date = Some(parse_date(date).ok_or_else(|| {
                    Diagnostic::error(
                        path,
                        Some(*line),
                        Kind::FrontMatter,
                        format!(
                            "`date: {date}` is not a date of the years 1 to 9999; write YYYY-MM-DD or RFC 3339 (2022-12-29T14:00:00+03:00)"
                        ),
                    )
                })?);
            }
            if let Some((slug, line)) = front.slug {
                slug_source = (slug, Some(line));
            }
            let scan = markdown::scan_body(&parsed.body, parsed.body_first_line);
            article.title = front.title;
            article.summary = front.summary;
            article.author = match front.author {
                Some(byline) => Some(byline),
                None if !front.authors.is_empty() => Some(crate::link::authors::join_byline(&front.authors)),
                None => None,
            };
            article.authors = front.authors;
            let date_of = |key: &str, text: &str, line: usize| {
                parse_date(text).ok_or_else(|| {
                    Diagnostic::error(
                        path,
                        Some(line),
                        Kind::FrontMatter,
                        format!("`{key}: {text}` is not a date of the years 1 to 9999; write YYYY-MM-DD or RFC 3339 (2022-12-29T14:00:00+03:00)"),
                    )
                })
            };
            if let Some((text, line)) = &front.updated {
                article.updated = Some(date_of("updated", text, *line)?);
                article.timed |= has_time(text);
            }
            if let Some((text, line)) = &front.publish_at {
                article.publish_at = Some(date_of("publish_at", text, *line)?);
            }
            for (date, text, line) in front.corrections {
                article.corrections.push(crate::article::Correction {
                    date: date_of("corrections: date", &date, line)?,
                    text: clean::display_text(&text),
                });
            }
            article.corrections.sort_by_key(|c| c.date);
            article.source = front.source;
            if let Some((url, line)) = front.url {
                match clean::original_url(&url) {
                    Ok(url) => article.original_url = Some(url),
                    Err(why) => warnings.push(Diagnostic::warning(
                        path,
                        Some(line),
                        Kind::Url,
                        format!("`url: {url}` is not linked: {why}"),
                    )),
                }
            }
            article.category = front.category;
            article.tags = front.tags;
            article.topics = front.topics;
            article.topics_exclude = front.topics_exclude;
            article.draft = front.draft;
            // Aliases are checked where they become pages (render::aliases),
            // which knows base_url and every other page: an alias that leaves
            // the site or takes another page's address is an error there.
            article.aliases = front.aliases.into_iter().map(|(alias, _)| alias).collect();
            article.read_also = front.read_also;
            article.read_also.extend(scan.read_also);
            article.image = front.image.map(|(src, line)| crate::article::ImageRef {
                src,
                line,
                alt: front.image_alt,
                caption: front.image_caption,
                credit: front.image_credit,
            });
            article.extra = front.extra;
            article.figures = scan
                .images
                .into_iter()
                .map(|(src, line)| crate::article::ImageRef {
                    src,
                    line,
                    alt: None,
                    caption: None,
                    credit: None,
                })
                .collect();
            article.plain_text = scan.plain_text;
            article.links = scan.links;
            article.body = Body::Markdown {
                source: parsed.body,
                first_line: parsed.body_first_line,
            };
        }
    }
    clean_display_fields(&mut article);
    article.lede = crate::render::excerpt::lede_of(&article);
    if article.title.is_empty() {
        return Err(Diagnostic::error(
            path,
            None,
            Kind::Title,
            "the headline is empty once control characters are removed: give the article a readable title",
        ));
    }
    article.slug = slug::sanitise(&slug_source.0);
    if let Some(line) = slug_source.1 {
        let asked = &slug_source.0;
        if article.slug.is_empty() {
            warnings.push(Diagnostic::warning(
                path,
                Some(line),
                Kind::Slug,
                format!("`slug: {asked}` has no letters or digits: the URL is made from the headline"),
            ));
        } else if asked.contains(['/', '\\', '%']) || asked.contains("..") || asked.chars().any(char::is_control) {
            warnings.push(Diagnostic::warning(
                path,
                Some(line),
                Kind::Slug,
                format!(
                    "`slug: {asked}` is a URL segment, not a path: the URL uses `{}`",
                    article.slug
                ),
            ));
        }
    }
    if article.slug.is_empty() {
        article.slug = slug::sanitise(&article.title);
    }
    if article.slug.is_empty() {
        return Err(Diagnostic::error(
            path,
            slug_source.1,
            Kind::Slug,
            format!(
                "cannot make a URL from `{}`: give the article a `slug:` with letters or digits",
                slug_source.0
            ),
        ));
    }
    article.url_path = Article::path_of(article.date.as_ref(), &article.slug);
    if article.date.is_none() {
        warnings.push(Diagnostic::warning(
            path,
            None,
            Kind::Undated,
            "article has no date: it is listed after dated ones; add `date:` or a YYYY-MM-DD- file name prefix",
        ));
    }
    Ok((article, warnings))
}

/// Cleans every field that pages show as text (see [`clean::display_text`]).
fn clean_display_fields(article: &mut Article) {
    let clean_option = |field: &mut Option<String>| {
        *field = field
            .take()
            .map(|text| clean::display_text(&text))
            .filter(|t| !t.is_empty());
    };
    article.title = clean::display_text(&article.title);
    clean_option(&mut article.summary);
    clean_option(&mut article.author);
    article.authors = if article.authors.is_empty() {
        article
            .author
            .as_deref()
            .map(crate::link::authors::split_byline)
            .unwrap_or_default()
    } else {
        article
            .authors
            .iter()
            .map(|name| clean::display_text(name))
            .filter(|name| !name.is_empty())
            .collect()
    };
    clean_option(&mut article.source);
    clean_option(&mut article.category);
    article.tags = article
        .tags
        .iter()
        .map(|tag| clean::display_text(tag))
        .filter(|tag| !tag.is_empty())
        .collect();
    for reference in &mut article.read_also {
        reference.text = clean::display_text(&reference.text);
    }
    if let Some(image) = &mut article.image {
        clean_option(&mut image.alt);
        clean_option(&mut image.caption);
        clean_option(&mut image.credit);
    }
}

fn date_at_midnight(date: NaiveDate) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .fixed_offset()
}

/// Whether a date as written gives a time of day (`2022-12-29T14:01…`),
/// not only the day: pages then show the time.
fn has_time(text: &str) -> bool {
    text.trim().len() > "YYYY-MM-DD".len()
}

/// Parses RFC 3339, `YYYY-MM-DD`, or a date and time without offset (taken
/// as UTC), in the years 1 to 9999: a year outside them is no news date,
/// and would give a folder like `content/-044/` and URLs of other lengths.
pub(crate) fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    use chrono::Datelike;
    parse_any_date(text).filter(|date| (1..=9999).contains(&date.year()))
}

fn parse_any_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date_at_midnight(date));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Utc.from_utc_datetime(&time).fixed_offset());
        }
    }
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_left_in_its_file_is_read_again_only_while_the_file_is_unchanged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        for (name, text) in [
            (
                "a.md",
                "---\ntitle: عنوان\n---\n\nفقرة أولى.\n\n## فرعي\n\nفقرة ثانية.\n",
            ),
            ("b.txt", "عنوان\nمقدمة.\nفقرة أولى.\nفقرة ثانية.\n"),
        ] {
            let file = SourceFile {
                content_path: name.to_string(),
                path: content.join(name),
            };
            std::fs::write(&file.path, text).expect("write");
            let (article, problems) = load_file(&file);
            let article = article.unwrap_or_else(|| panic!("{name}: {problems:?}"));
            // As the cache gives it back: without its text.
            let mut cached = article.clone();
            cached.body = Body::Elsewhere;
            let body = reload_body(&cached).expect("unchanged file");
            assert_eq!(format!("{:?}", *body), format!("{:?}", article.body), "{name}");
            assert!(!matches!(*body, Body::Elsewhere));
            // A body in memory is not read again.
            assert!(matches!(reload_body(&article), Ok(std::borrow::Cow::Borrowed(_))));
            // Changed or gone since the build read it: an error naming the file.
            std::fs::write(&file.path, format!("{text}فقرة جديدة.\n")).expect("write");
            let problem = reload_body(&cached).expect_err("changed file");
            assert_eq!((&problem.kind, &problem.file), (&Kind::Changed, &file.path));
            std::fs::remove_file(&file.path).expect("remove");
            assert_eq!(reload_body(&cached).expect_err("removed file").kind, Kind::Changed);
        }
    }

    #[test]
    fn a_watchers_changes_give_what_a_walk_gives() {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        let write = |name: &str| {
            let path = content.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, "عنوان\nمقدمة.\n").expect("write");
            path
        };
        write("2022/a.txt");
        let b = write("2022/b.md");
        write("2023/c.txt");
        let (mut files, _) = discover(&content, &[]);
        // An edit, an addition (and a hidden file and a non-article beside it), a removal.
        let a = write("2022/a.txt");
        let d = write("2023/d.md");
        let hidden = write("2023/.d.md.swp");
        let other = write("2023/photo.jpg");
        std::fs::remove_file(&b).expect("remove");
        let outside = dir.path().join("site.yaml");
        std::fs::write(&outside, "title: x\n").expect("write");
        let recheck = apply_changes(&content, &mut files, &[a, d, hidden, other, b, outside]).expect("applied");
        assert_eq!(files, discover(&content, &[]).0);
        let recheck: Vec<&str> = recheck.iter().map(String::as_str).collect();
        assert_eq!(recheck, ["2022/a.txt", "2023/d.md"]);
        // A new folder cannot be applied: walk.
        std::fs::create_dir_all(content.join("2024")).expect("mkdir");
        assert!(apply_changes(&content, &mut files, &[content.join("2024")]).is_none());
        // A folder removed with its files: they go too.
        let (mut files, _) = discover(&content, &[]);
        std::fs::remove_dir_all(content.join("2023")).expect("remove");
        apply_changes(&content, &mut files, &[content.join("2023")]).expect("applied");
        assert_eq!(files, discover(&content, &[]).0);
    }

    #[test]
    fn dates_in_their_forms() {
        assert_eq!(
            parse_date("2022-12-29").unwrap().to_rfc3339(),
            "2022-12-29T00:00:00+00:00"
        );
        assert_eq!(
            parse_date("2022-12-30T16:00:00+03:00").unwrap().to_rfc3339(),
            "2022-12-30T16:00:00+03:00"
        );
        assert_eq!(
            parse_date("2022-12-30 16:00").unwrap().to_rfc3339(),
            "2022-12-30T16:00:00+00:00"
        );
        assert!(parse_date("yesterday").is_none());
        assert!(parse_date("2022-02-30").is_none());
        assert!(parse_date("-0044-03-15").is_none(), "before year 1");
        assert!(parse_date("0000-01-01").is_none(), "year 0");
        assert!(parse_date("+10000-01-01T00:00:00Z").is_none(), "after 9999");
        assert!(parse_date("0001-01-01").is_some() && parse_date("9999-12-31T23:59:59Z").is_some());
    }

    #[test]
    fn text_article_from_file_name() {
        let file = SourceFile {
            content_path: "2022/2022-12-29-putin-xi.txt".into(),
            path: PathBuf::from("content/2022/2022-12-29-putin-xi.txt"),
        };
        let (article, warnings) = parse_article(&file, "عنوان\nمقدمة\nفقرة.\n").unwrap();
        assert!(warnings.is_empty());
        assert_eq!(article.slug, "putin-xi");
        assert_eq!(article.path(), "2022/12/putin-xi/");
    }

    #[test]
    fn undated_article_warns() {
        let file = SourceFile {
            content_path: "x.txt".into(),
            path: PathBuf::from("content/x.txt"),
        };
        let (article, warnings) = parse_article(&file, "عنوان\n").unwrap();
        assert_eq!(article.path(), "articles/x/");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind, Kind::Undated);
    }

    #[test]
    fn bad_date_names_line() {
        let file = SourceFile {
            content_path: "x.md".into(),
            path: PathBuf::from("content/x.md"),
        };
        let err = parse_article(&file, "---\ntitle: t\ndate: soon\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.to_string().starts_with("content/x.md:3: error:"), "{err}");
    }
}
