//! `arshif import`: a newsroom's archive (JSON lines or a WordPress export)
//! becomes Markdown articles in `content/{yyyy}/{slug}.md`.
//!
//! [`jsonl`] and [`wxr`] read the two formats into [`article::Article`]s;
//! [`Sink`] files each one ([`front_matter`] makes its text, [`store`]
//! decides whether it may be written) and counts everything in a
//! [`summary::Report`].

pub(crate) mod article;
pub(crate) mod dates;
pub(crate) mod front_matter;
pub(crate) mod html_to_markdown;
pub(crate) mod jsonl;
pub(crate) mod media;
pub(crate) mod redirects;
pub(crate) mod shortcodes;
pub(crate) mod store;
pub(crate) mod summary;
pub(crate) mod wxr;

use article::Article;
use dates::DateOrder;
use percent_encoding::percent_decode_str;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use store::{Outcome, Policy};
use summary::{Count, Location, Report};

/// Why an import could not run at all (problems with single entries are
/// counted in the [`Report`] instead).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    /// The export could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The export.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--into` names something that is not a folder.
    #[error("{0} is not a folder: --into must name the folder the articles go to")]
    NotAFolder(PathBuf),
    /// A folder or file could not be created.
    #[error("cannot write {path}: {source}")]
    Write {
        /// What could not be written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The WordPress export is not well-formed XML.
    #[error("{path}: not a readable WordPress export near byte {position}: {message}")]
    Xml {
        /// The export.
        path: PathBuf,
        /// Byte offset in the (decompressed) export.
        position: u64,
        /// The XML reader's message.
        message: String,
    },
    /// Front matter could not be serialised.
    #[error("cannot write front matter: {0}")]
    FrontMatter(String),
}

/// Everything an import is told.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settings {
    /// The site folder (`static/uploads/` and the redirect files go below it).
    pub root: PathBuf,
    /// Where the articles go (usually `ROOT/content`).
    pub into: PathBuf,
    /// Replace articles import wrote before when the export changed them.
    pub update: bool,
    /// Replace any file, hand edits included.
    pub force: bool,
    /// Read and count everything, write nothing.
    pub dry_run: bool,
    /// How to read `NN/NN/YYYY` dates.
    pub date_order: DateOrder,
    /// Fields to leave out of the articles.
    pub without: BTreeSet<String>,
    /// Our field name → the export's (`--map title=headline`).
    pub map: BTreeMap<String, String>,
    /// A copy of WordPress's `wp-content/uploads`.
    pub media: Option<PathBuf>,
}

impl Settings {
    fn policy(&self) -> Policy {
        Policy {
            update: self.update,
            force: self.force,
            dry_run: self.dry_run,
        }
    }

    /// Fails early when nothing could be written: `--into` is a file.
    pub(crate) fn check_into(&self) -> Result<(), ImportError> {
        if self.into.exists() && !self.into.is_dir() {
            return Err(ImportError::NotAFolder(self.into.clone()));
        }
        // A file on the way (`--into notes.txt/content`) is the same mistake.
        let mut ancestor = self.into.parent();
        while let Some(folder) = ancestor {
            if folder.exists() {
                if !folder.is_dir() {
                    return Err(ImportError::NotAFolder(folder.to_path_buf()));
                }
                break;
            }
            ancestor = folder.parent();
        }
        Ok(())
    }
}

/// Told how far through the export file the import is, in bytes of the file as stored.
pub(crate) type Progress<'a> = &'a dyn Fn(u64);

/// The two export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// One JSON object a line.
    JsonLines,
    /// A WordPress eXtended RSS export.
    Wxr,
}

/// Tells the format from the export's first bytes (after decompression),
/// so a `.xml` renamed `.txt` or a gzipped export without `.gz` still works.
pub(crate) fn detect(path: &Path) -> Result<Format, ImportError> {
    let mut reader = BufReader::new(open(path, &|_| {})?);
    let head = reader.fill_buf().map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    Ok(if text.starts_with('<') {
        Format::Wxr
    } else {
        Format::JsonLines
    })
}

/// Opens an export, gzipped or not (told by its magic bytes, not its name).
pub(crate) fn open<'p>(path: &Path, progress: Progress<'p>) -> Result<Box<dyn Read + 'p>, ImportError> {
    let read_error = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut magic = [0u8; 2];
    let gzipped = file.read(&mut magic).map_err(read_error)? == 2 && magic == [0x1f, 0x8b];
    std::io::Seek::rewind(&mut file).map_err(read_error)?;
    let counted = Counting {
        inner: file,
        read: 0,
        progress,
    };
    Ok(if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            counted,
        )))
    } else {
        Box::new(counted)
    })
}

struct Counting<'p, R> {
    inner: R,
    read: u64,
    progress: Progress<'p>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        (self.progress)(self.read);
        Ok(n)
    }
}

/// Files articles one by one and counts what happened.
pub(crate) struct Sink<'s> {
    settings: &'s Settings,
    /// What happened so far.
    pub report: Report,
    /// Where each file of this run came from, to tell duplicates.
    seen: HashMap<PathBuf, Location>,
}

impl<'s> Sink<'s> {
    /// A sink for one import.
    pub(crate) fn new(settings: &'s Settings) -> Sink<'s> {
        Sink {
            settings,
            report: Report::default(),
            seen: HashMap::new(),
        }
    }

    /// Files one article. `suffix` (a WordPress post id) makes a second
    /// article with the same slug in the same year unique; without it
    /// (JSON lines, where the same id twice is the same article) the second
    /// one is a duplicate. Returns the article's new address when it is
    /// published there (for `?p=` rules).
    pub(crate) fn add(&mut self, mut article: Article, location: Location, suffix: Option<&str>) -> Option<String> {
        if article.slug.is_empty() {
            article.slug = crate::load::slug::sanitise(&article.title);
        }
        if article.slug.is_empty() {
            match suffix {
                Some(suffix) => article.slug = format!("post-{suffix}"),
                None => {
                    self.report
                        .problem(location, Count::Unreadable, "no id, and the title makes no slug");
                    return None;
                }
            }
        }
        let mut path = self.path_of(&article);
        if let Some(first) = self.seen.get(&path).cloned() {
            match suffix {
                Some(suffix) => {
                    article.slug = format!("{}-{suffix}", article.slug);
                    path = self.path_of(&article);
                }
                None => {
                    self.report.problem(
                        location,
                        Count::Duplicate,
                        format!("same file as {}: {}", describe(&first), path.display()),
                    );
                    return None;
                }
            }
            if self.seen.contains_key(&path) {
                self.report.problem(
                    location,
                    Count::Duplicate,
                    format!("same file as an earlier entry: {}", path.display()),
                );
                return None;
            }
        }
        self.seen.insert(path.clone(), location.clone());
        // The address the article now has needs no redirect page (and the
        // build refuses an alias that takes an article's own address).
        let own = article.url_path();
        let mut kept = BTreeSet::new();
        article.aliases.retain(|alias| {
            let decoded = percent_decode_str(alias).decode_utf8_lossy().to_string();
            decoded != own && decoded != "/" && kept.insert(decoded)
        });
        if article.date.is_none() {
            self.report.add(Count::Undated);
        }
        if article.draft {
            self.report.add(Count::Draft);
        }
        let text = match front_matter::render(&article) {
            Ok(text) => text,
            Err(err) => {
                self.report.problem(location, Count::Unreadable, err.to_string());
                return None;
            }
        };
        match store::store(&path, &text, self.settings.policy()) {
            Ok(outcome) => {
                let (count, message) = match outcome {
                    Outcome::Written => (Count::Written, None),
                    Outcome::Updated => (Count::Updated, None),
                    Outcome::Unchanged => (Count::Unchanged, None),
                    Outcome::Forced => (Count::Forced, None),
                    Outcome::ChangedKept => (
                        Count::ChangedKept,
                        Some("changed in the export; kept (--update replaces it)"),
                    ),
                    Outcome::EditedKept => (
                        Count::EditedKept,
                        Some("edited by hand since import; kept (--force replaces it)"),
                    ),
                    Outcome::ExistingKept => (
                        Count::ExistingKept,
                        Some("exists and was not written by import; kept (--force replaces it)"),
                    ),
                };
                match message {
                    Some(message) => self
                        .report
                        .problem(location, count, format!("{}: {message}", path.display())),
                    None => self.report.add(count),
                }
                if !article.draft {
                    self.report.add_n(Count::Alias, article.aliases.len());
                }
                (!article.draft).then_some(own)
            }
            Err(err) => {
                self.report.problem(
                    location,
                    Count::WriteFailed,
                    format!("cannot write {}: {err}", path.display()),
                );
                None
            }
        }
    }

    fn path_of(&self, article: &Article) -> PathBuf {
        let folder = match article.date {
            Some(date) => format!("{:04}", date.year()),
            None => "undated".to_string(),
        };
        self.settings.into.join(folder).join(format!("{}.md", article.slug))
    }
}

fn describe(location: &Location) -> String {
    match location {
        Location::Line(line) => format!("line {line}"),
        other => other.to_string(),
    }
}
