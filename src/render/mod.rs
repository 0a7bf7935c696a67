//! Rendering: the linked [`Site`] becomes output files (HTML pages, feeds,
//! sitemaps, `robots.txt`, alias redirects, the stylesheet, the search
//! index), in parallel
//! and in a deterministic order.

pub mod aliases;
pub mod dates;
pub mod excerpt;
pub mod feeds;
pub mod html;
pub(crate) mod listings;
pub mod markdown;
pub(crate) mod meta;
pub(crate) mod minify;
pub(crate) mod pages;
pub(crate) mod paginate;
pub(crate) mod read_also_json;
pub mod search;
pub mod sitemap;
pub mod theme;

use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::link::Site;
use theme::Theme;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated, never absolute, never `..`.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// What produced it, for messages when two things claim one path.
    pub origin: String,
}

/// Where rendered files go.
pub(crate) enum Destination<'a> {
    /// Kept in memory and returned (an incremental build compares them
    /// with the output before writing any).
    Memory,
    /// Handed to a writer as each is rendered, then dropped, so that a full
    /// build's memory does not grow with its page count.
    Stream(&'a (dyn Fn(&OutputFile) -> Result<()> + Sync)),
}

/// A file rendered: its path, what produced it, and the hash of its bytes
/// (as the output manifest records it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Emitted {
    /// Path inside the output folder.
    pub path: String,
    /// What produced it.
    pub origin: String,
    /// [`crate::hash_bytes`] of its bytes.
    pub hash: u64,
}

/// Finishes rendered files (minified when the site asks) and sends them
/// to their [`Destination`].
pub(crate) struct Emitter<'a> {
    minify: Option<minify_html::Cfg>,
    destination: Destination<'a>,
}

impl<'a> Emitter<'a> {
    /// An emitter for a site's settings.
    pub(crate) fn new(site: &Site, destination: Destination<'a>) -> Self {
        Emitter {
            minify: site.config.minify.then(minify::settings),
            destination,
        }
    }

    /// Finishes one file: its record, and the file itself when kept in memory.
    pub(crate) fn emit(&self, mut file: OutputFile) -> Result<(Emitted, Option<OutputFile>)> {
        if let Some(cfg) = &self.minify {
            minify::minify_file(&mut file, cfg);
        }
        let emitted = Emitted {
            path: file.path.clone(),
            origin: file.origin.clone(),
            hash: crate::hash_bytes(&file.bytes),
        };
        match self.destination {
            Destination::Memory => Ok((emitted, Some(file))),
            Destination::Stream(write) => {
                write(&file)?;
                Ok((emitted, None))
            }
        }
    }

    /// Finishes several files, in parallel.
    fn emit_all(&self, files: Vec<OutputFile>) -> Result<(Vec<Emitted>, Vec<OutputFile>)> {
        use rayon::prelude::*;
        let done: Vec<(Emitted, Option<OutputFile>)> =
            files.into_par_iter().map(|f| self.emit(f)).collect::<Result<_>>()?;
        let mut emitted = Vec::with_capacity(done.len());
        let mut kept = Vec::new();
        for (record, file) in done {
            emitted.push(record);
            kept.extend(file);
        }
        Ok((emitted, kept))
    }
}

/// The result of rendering: the files rendered, every page the site has
/// (rendered this time or not), and the warnings of the rendered pages.
pub(crate) struct SiteRender {
    /// Files rendered and kept in memory ([`Destination::Memory`]), sorted by path.
    pub files: Vec<OutputFile>,
    /// Every file rendered (kept or streamed), sorted by path.
    pub emitted: Vec<Emitted>,
    /// Every output path with its fingerprint (`None`: always rendered), sorted.
    pub pages: Vec<(String, Option<u64>)>,
    /// Warnings by page path.
    pub warnings: Vec<(String, Vec<Diagnostic>)>,
    /// `/read-also.json`, when it was rendered this time.
    pub read_also: Option<read_also_json::ReadAlsoWritten>,
}

/// What one render leaves for the next: work that is costly to redo over
/// the whole archive for a one-article edit.
#[derive(Debug, Default)]
pub(crate) struct RenderMemory {
    /// The search index (kept by `serve`, and in the cache).
    pub search: Option<search::SearchIndex>,
    /// `/read-also.json` as last rendered (kept by `serve`; a build from
    /// the cache reads the file back from the output folder instead).
    pub read_also: read_also_json::ReadAlsoText,
}

/// Renders the pages of the site that `unchanged` does not accept (given a
/// path and its fingerprint), checking that no two pages claim one path,
/// and sends each file to `destination`. `memory`, when the caller keeps
/// one (`serve`, a build with a cache), holds what an earlier render left
/// and is left holding this render's; without, each part is freed as soon
/// as it has been used, lowering the peak.
pub(crate) fn render_site(
    site: &Site,
    theme: &Theme,
    memory: Option<&mut RenderMemory>,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
    destination: Destination,
) -> Result<SiteRender> {
    let emitter = Emitter::new(site, destination);
    let dates = dates::DateFormat {
        style: site.config.date_style,
        digits: site.config.digits,
    };
    // The pages, and beside them (each has sequential steps the other can
    // fill the second core with) the sitemaps and the search and read-also
    // indexes.
    let keep = memory.is_some();
    let mut scratch = RenderMemory::default();
    let RenderMemory { search, read_also } = memory.unwrap_or(&mut scratch);
    let (rendered, (always, search_files, read_also)) = rayon::join(
        || pages::render_pages(site, theme, unchanged, &emitter),
        || {
            // Sitemaps and robots.txt are cheap: always written.
            let always = sitemap::robots(site, theme).map(|robots| {
                let entries = sitemap::entries(site);
                let mut always = sitemap::sitemaps(&site.config.base_url, &entries, sitemap::SitemapLimits::default());
                always.push(robots);
                // Depends on the clock, not only on the content: always written.
                always.push(sitemap::news_sitemap(site));
                always
            });
            let files = search::render_search(site, dates, search, unchanged);
            if !keep {
                *search = None;
            }
            let read_also = read_also_json::render_read_also_json(site, keep.then_some(read_also), unchanged);
            (always, files, read_also)
        },
    );
    let rendered = rendered?;
    // Photos after the pages: an error in a page stops the build before
    // any photo is decoded.
    let (photo_records, photo_files, photo_pages) = crate::photos::emit(site, unchanged, &emitter)?;
    let always = always?;
    let (search_files, search_pages) = search_files?;
    let mut emitted = rendered.emitted;
    let mut files = rendered.files;
    let mut pages = rendered.pages;
    emitted.extend(photo_records);
    files.extend(photo_files);
    pages.extend(photo_pages);
    // The marker tells later builds the folder is arshif's to replace
    // (`write::claim_output`); as a file of the site it is recorded,
    // checked and restored like any other.
    let mut others = vec![
        OutputFile {
            path: "theme.css".to_string(),
            bytes: theme.css.clone().into_bytes(),
            origin: "the theme's stylesheet".to_string(),
        },
        OutputFile {
            path: crate::write::OUTPUT_MARKER.to_string(),
            bytes: crate::write::OUTPUT_MARKER_TEXT.as_bytes().to_vec(),
            origin: "arshif's output marker".to_string(),
        },
    ];
    others.extend(theme.assets.iter().map(|(path, bytes)| OutputFile {
        path: path.to_string(),
        bytes: bytes.to_vec(),
        origin: "the theme's files".to_string(),
    }));
    pages.extend(theme.assets.iter().map(|(path, _)| (path.to_string(), None)));
    pages.push(("theme.css".to_string(), None));
    pages.push((crate::write::OUTPUT_MARKER.to_string(), None));
    pages.extend(always.iter().map(|f| (f.path.clone(), None)));
    others.extend(always);
    others.extend(search_files);
    pages.extend(search_pages);
    pages.push((read_also_json::READ_ALSO_JSON.to_string(), Some(read_also.print)));
    let read_also = read_also.file.map(|(file, written)| {
        others.push(file);
        written
    });
    let origins: std::collections::BTreeMap<&str, &str> = emitted
        .iter()
        .map(|f| (f.path.as_str(), f.origin.as_str()))
        .chain(others.iter().map(|f| (f.path.as_str(), f.origin.as_str())))
        .collect();
    let owners: Vec<(String, String)> = pages
        .iter()
        .map(|(path, _)| {
            let origin = origins.get(path.as_str()).map(|o| o.to_string());
            (path.clone(), origin.unwrap_or_else(|| format!("the page /{path}")))
        })
        .collect();
    let redirects = aliases::render_aliases(site, &owners)?;
    pages.extend(redirects.iter().map(|f| (f.path.clone(), None)));
    others.extend(redirects);
    let (more, kept) = emitter.emit_all(others)?;
    emitted.extend(more);
    files.extend(kept);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    emitted.sort_by(|a, b| a.path.cmp(&b.path));
    pages.sort();
    let collisions: Vec<Diagnostic> = pages
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| {
            let owners: Vec<&str> = emitted
                .iter()
                .filter(|f| f.path == pair[0].0)
                .map(|f| f.origin.as_str())
                .collect();
            Diagnostic::error(
                std::path::Path::new(owners.first().copied().unwrap_or(&pair[0].0)),
                None,
                Kind::DuplicateUrl,
                format!(
                    "writes /{} which {} writes too: change a slug",
                    pair[0].0,
                    owners.get(1).copied().unwrap_or("another page")
                ),
            )
        })
        .collect();
    if !collisions.is_empty() {
        return Err(Error::Invalid(collisions));
    }
    Ok(SiteRender {
        files,
        emitted,
        pages,
        warnings: rendered.warnings,
        read_also,
    })
}
