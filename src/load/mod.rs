//! Loading: find the article files in `content/` and read each into an
//! [`Article`]. Every broken file is reported, not only the first.

pub mod decode;
pub mod markdown;
pub mod slug;
pub mod text;

use crate::article::{Article, Body};
use crate::diagnostic::Diagnostic;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Name of the content folder inside the site root.
pub const CONTENT_DIR: &str = "content";

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
/// entries, anything inside `skip` (the output folder and its temporaries)
/// and symlinks that lead out of `content_dir`. Problems met on the way
/// (loops, unreadable folders) come back as warnings.
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
                warnings.push(Diagnostic::warning(&path, None, "unreadable", message));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let hidden = entry.file_name().to_str().is_some_and(|name| name.starts_with('.'));
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
                    "symlink-outside",
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
        let relative = entry.path().strip_prefix(content_dir).unwrap_or(entry.path());
        let Some(content_path) = relative_slash_path(relative) else {
            warnings.push(Diagnostic::warning(
                entry.path(),
                None,
                "file-name",
                "file name is not valid UTF-8: skipped; rename the file",
            ));
            continue;
        };
        files.push(SourceFile {
            content_path,
            path: entry.path().to_path_buf(),
        });
    }
    files.sort();
    (files, warnings)
}

fn relative_slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
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
/// diagnostics say why; warnings may come with a good article.
pub fn load_file(file: &SourceFile) -> (Option<Article>, Vec<Diagnostic>) {
    let path = &file.path;
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return (
                None,
                vec![Diagnostic::error(
                    path,
                    None,
                    "unreadable",
                    format!("cannot read: {err}"),
                )],
            )
        }
    };
    let decoded = match decode::decode(bytes) {
        Ok(decoded) => decoded,
        Err(message) => return (None, vec![Diagnostic::error(path, None, "encoding", message)]),
    };
    let mut problems = Vec::new();
    if let Some(note) = decoded.note {
        problems.push(Diagnostic::warning(path, None, "encoding", note));
    }
    match parse_article(file, &decoded.text) {
        Ok((article, mut warnings)) => {
            problems.append(&mut warnings);
            (Some(article), problems)
        }
        Err(problem) => {
            problems.push(problem);
            (None, problems)
        }
    }
}

/// Builds an article from a file's decoded text.
pub fn parse_article(file: &SourceFile, text: &str) -> Result<(Article, Vec<Diagnostic>), Diagnostic> {
    let path = &file.path;
    let mut warnings = Vec::new();
    let stem = Path::new(&file.content_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
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
        source: None,
        original_url: None,
        category: None,
        tags: Vec::new(),
        topics: Vec::new(),
        topics_exclude: Vec::new(),
        draft: false,
        aliases: Vec::new(),
        read_also: Vec::new(),
        extra: Default::default(),
        body: Body::Text(Vec::new()),
        plain_text: String::new(),
        analysis: Default::default(),
        source_hash: hash_text(text),
        links: Vec::new(),
    };
    let mut slug_source = (stem_slug.to_string(), None);
    match format {
        Format::Text => {
            let parsed = text::parse(text).ok_or_else(|| {
                Diagnostic::error(
                    path,
                    None,
                    "empty",
                    "the file is empty: a text article needs a headline line",
                )
            })?;
            article.title = parsed.title;
            article.summary = parsed.summary;
            article.plain_text = text::plain_text(&parsed.blocks);
            article.body = Body::Text(parsed.blocks);
            article.read_also = parsed.read_also;
        }
        Format::Markdown => {
            let parsed =
                markdown::parse(text).map_err(|err| Diagnostic::error(path, err.line, "front-matter", err.message))?;
            let front = parsed.front;
            if let Some((date, line)) = &front.date {
                article.date = Some(parse_date(date).ok_or_else(|| {
                    Diagnostic::error(
                        path,
                        Some(*line),
                        "front-matter",
                        format!(
                            "`date: {date}` is not a date; write YYYY-MM-DD or RFC 3339 (2022-12-29T14:00:00+03:00)"
                        ),
                    )
                })?);
            }
            if let Some((slug, line)) = front.slug {
                slug_source = (slug, Some(line));
            }
            let scan = markdown::scan_body(&parsed.body, parsed.body_first_line);
            article.title = front.title;
            article.summary = front.summary.filter(|s| !s.trim().is_empty());
            article.author = front.author;
            article.source = front.source;
            article.original_url = front.url;
            article.category = front.category;
            article.tags = front.tags;
            article.topics = front.topics;
            article.topics_exclude = front.topics_exclude;
            article.draft = front.draft;
            article.aliases = front.aliases;
            article.read_also = front.read_also;
            article.read_also.extend(scan.read_also);
            article.extra = front.extra;
            article.plain_text = scan.plain_text;
            article.links = scan.links;
            article.body = Body::Markdown {
                source: parsed.body,
                first_line: parsed.body_first_line,
            };
        }
    }
    article.slug = slug::sanitise(&slug_source.0);
    if article.slug.is_empty() {
        article.slug = slug::sanitise(&article.title);
    }
    if article.slug.is_empty() {
        return Err(Diagnostic::error(
            path,
            slug_source.1,
            "slug",
            format!(
                "cannot make a URL from `{}`: give the article a `slug:` with letters or digits",
                slug_source.0
            ),
        ));
    }
    if article.date.is_none() {
        warnings.push(Diagnostic::warning(
            path,
            None,
            "undated",
            "article has no date: it is listed after dated ones; add `date:` or a YYYY-MM-DD- file name prefix",
        ));
    }
    Ok((article, warnings))
}

/// Hash of an article's text: what decides whether it changed.
pub fn hash_text(text: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, text.as_bytes());
    std::hash::Hasher::finish(&hasher)
}

fn date_at_midnight(date: NaiveDate) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .fixed_offset()
}

/// Parses RFC 3339, `YYYY-MM-DD`, or a date and time without offset (taken as UTC).
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
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
        assert_eq!(warnings[0].kind, "undated");
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
