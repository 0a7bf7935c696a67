//! Rendering: the linked [`Site`] becomes output files (HTML pages, feeds,
//! sitemaps, `robots.txt`, alias redirects, the stylesheet), in parallel
//! and in a deterministic order.

pub mod aliases;
pub mod dates;
pub mod excerpt;
pub mod feeds;
pub mod html;
pub mod markdown;
pub mod meta;
pub mod minify;
pub mod pages;
pub mod sitemap;
pub mod theme;

use crate::diagnostic::Diagnostic;
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

/// Renders every page of the site. Returns the files sorted by path and the
/// warnings found on the way (links to missing articles, …).
pub fn render_site(site: &Site, theme: &Theme) -> Result<(Vec<OutputFile>, Vec<Diagnostic>)> {
    let (mut files, warnings) = pages::render_pages(site, theme)?;
    files.push(OutputFile {
        path: "theme.css".to_string(),
        bytes: theme.css.clone().into_bytes(),
        origin: "the theme's stylesheet".to_string(),
    });
    let entries = sitemap::entries(site);
    files.extend(sitemap::sitemaps(
        &site.config.base_url,
        &entries,
        sitemap::SitemapLimits::default(),
    ));
    files.push(sitemap::robots(site, theme)?);
    let redirects = aliases::render_aliases(site, &files)?;
    files.extend(redirects);
    if site.config.minify {
        minify::minify_files(&mut files);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let collisions: Vec<Diagnostic> = files
        .windows(2)
        .filter(|pair| pair[0].path == pair[1].path)
        .map(|pair| {
            Diagnostic::error(
                std::path::Path::new(&pair[1].origin),
                None,
                "duplicate-url",
                format!(
                    "writes /{} which {} writes too: change a slug",
                    pair[1].path, pair[0].origin
                ),
            )
        })
        .collect();
    if !collisions.is_empty() {
        return Err(Error::Invalid(collisions));
    }
    Ok((files, warnings))
}
