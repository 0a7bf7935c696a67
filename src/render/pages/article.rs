//! Article pages.
//!
//! An article's view ([`ArticleView`]) is what its page shows of the rest of
//! the site. What it shows of its own file ([`FromFile`]: headline, dates,
//! tags, corrections, front matter) and the three values made from its
//! text (`body_html`, `description`, `json_ld`) are the costly part (the
//! text read, maybe from disk, and rendered; 28,000 pages of dates
//! formatted at every build), needed only for pages that are rendered: the
//! print carries what they are made from instead ([`BodyInputs`]: the
//! file's hash and where each of its links points), and they are made
//! ([`FromFile::of`], [`BodyInputs::made`]) only when the page is rendered.
//! A value made from anything but the file and the configuration must go
//! into [`ArticleView`] (printed like every view), not there.

use super::context::{CorrectionShown, LinkContext, Summary, TitledLink};
use super::print::{print_of, Printed};
use super::{Outcome, Prepared, Renderer, Unchanged};
use crate::article::{Article, Body};
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::Result;
use crate::load::slug::sanitise;
use crate::render::markdown::{link_lines, render_body_with, text_of};
use crate::render::{excerpt, meta};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// What an article page shows (as `article`) of the rest of the site.
#[derive(Serialize)]
struct ArticleView<'a> {
    url: &'a str,
    /// The section with its page (the kicker).
    section: Option<&'a LinkContext>,
    /// Each author with their page.
    authors: &'a [LinkContext],
    /// Not yet due: a preview (`--future`).
    scheduled: bool,
    topics: &'a [LinkContext],
    related: Vec<&'a Printed<Summary<'a>>>,
    backlinks: Vec<TitledLink<'a>>,
    prev: Option<TitledLink<'a>>,
    next: Option<TitledLink<'a>>,
    /// The lead photo, as listings show it too (its sizes and crops also
    /// make the JSON-LD's images).
    photo: Option<&'a crate::photos::PhotoView>,
}

/// What an article page shows (as `article`) of its own file, made only
/// when the page is rendered: its print is the file's hash (in
/// [`BodyInputs`]). Only values made from the article's file and the
/// configuration belong here (a value made from other articles, the
/// clock or the links goes into [`ArticleView`]).
#[derive(Serialize)]
struct FromFile<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    date: Option<String>,
    author: Option<&'a str>,
    source: Option<&'a str>,
    original_url: Option<&'a str>,
    category: Option<&'a str>,
    /// The publication time as shown, with the time of day when known.
    date_shown: Option<String>,
    /// RFC 3339 time of the last update.
    updated: Option<String>,
    /// The update time as shown.
    updated_shown: Option<String>,
    /// When it is due, as shown.
    release_shown: Option<String>,
    /// Corrections, newest first.
    corrections: Vec<CorrectionShown<'a>>,
    tags: Vec<LinkContext>,
    extra: &'a BTreeMap<String, serde_json::Value>,
}

/// What [`FromFile`], `body_html`, `description` and `json_ld` are made from, besides
/// the configuration (in every page's fingerprint): the article file
/// (its text and front matter, by hash), its page, and where each of its
/// read-also references and links points.
#[derive(Serialize)]
struct BodyInputs<'a> {
    source_hash: u64,
    url: &'a str,
    /// Each reference's target, title and page.
    read_also_targets: Vec<Option<TitledLink<'a>>>,
    /// The page of each link of the text, none when it is broken.
    links: Vec<Option<&'a str>>,
    /// The photos the text's figures show (their files change with the
    /// photos' bytes).
    figures: u64,
    /// Which article (what its values are made of is printed above).
    #[serde(skip)]
    index: usize,
}

/// The values of an article page made from its text.
#[derive(Serialize)]
struct Made {
    body_html: String,
    /// The lede, or the opening of the text.
    description: Option<String>,
    /// schema.org NewsArticle, escaped for a `<script>` element.
    json_ld: String,
}

/// What the article template gets as `article`: the view, and the values
/// made from the file and the text.
#[derive(Serialize)]
struct ArticleContext<'a> {
    #[serde(flatten)]
    view: ArticleView<'a>,
    #[serde(flatten)]
    file: FromFile<'a>,
    #[serde(flatten)]
    made: Made,
}

/// An article page's fingerprint (its context's and its body inputs'),
/// and the page rendered when `unchanged` does not accept it.
pub(super) fn run(r: &Renderer, index: usize, unchanged: Unchanged) -> Result<Outcome> {
    let (prepared, body) = prepare(r, index);
    let print = crate::hash_of((r.fingerprint(&prepared), print_of(&body)));
    if unchanged(print) {
        return Ok((print, None));
    }
    let (made, warnings) = body.made(r)?;
    let file = FromFile::of(r, &r.site.articles[index]);
    let page = prepared.map_view(|view| ArticleContext { view, file, made });
    Ok((print, Some((r.render(page)?, warnings))))
}

/// Article `index`'s page, its text left for [`BodyInputs::made`].
fn prepare<'r>(r: &'r Renderer, index: usize) -> (Prepared<'r, ArticleView<'r>>, BodyInputs<'r>) {
    let site = r.site;
    let article: &Article = &site.articles[index];
    let links = &site.links[index];
    let summary = &r.summaries[index];
    let titled = |i: usize| TitledLink::to(r, i);
    let view = ArticleView {
        url: &r.urls[index],
        section: summary.section.as_ref(),
        authors: &summary.authors,
        scheduled: summary.scheduled,
        topics: &summary.topics,
        related: links.related.iter().map(|&(i, _)| &r.summaries[i]).collect(),
        backlinks: links.backlinks.iter().map(|&i| titled(i)).collect(),
        prev: site.older(index).map(titled),
        next: site.newer(index).map(titled),
        photo: summary.photo.as_ref(),
    };
    let body = BodyInputs {
        source_hash: article.source_hash,
        url: &r.urls[index],
        read_also_targets: links.read_also_targets.iter().map(|t| t.map(titled)).collect(),
        links: article
            .links
            .iter()
            .map(|dest| {
                r.resolver
                    .resolve(&article.content_path, dest)
                    .map(|j| r.urls[j].as_str())
            })
            .collect(),
        figures: site.photos.figures_print(index),
        index,
    };
    let path = article.path();
    let prepared = Prepared {
        template: "article.html",
        path: path.to_string(),
        origin: article.file.display().to_string(),
        context: r.context(article.title.clone(), path, "article", None, Some(("article", view))),
    };
    (prepared, body)
}

impl<'a> FromFile<'a> {
    /// The values of `article`'s page made from its file.
    fn of(r: &Renderer, article: &'a Article) -> Self {
        FromFile {
            title: &article.title,
            summary: article.summary.as_deref(),
            date: article.date_string(),
            author: article.author.as_deref(),
            source: article.source.as_deref(),
            original_url: article
                .original_url
                .as_deref()
                .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
            category: article.category.as_deref(),
            date_shown: article.date.map(|d| r.dates.moment(&d, article.timed, r.zone)),
            updated: article.updated.map(|d| d.to_rfc3339()),
            updated_shown: article.updated.map(|d| r.dates.moment(&d, article.timed, r.zone)),
            release_shown: article.release_time().map(|d| r.dates.moment(&d, true, r.zone)),
            corrections: CorrectionShown::all(r, article),
            tags: article
                .tags
                .iter()
                .map(|t| LinkContext {
                    name: t.clone(),
                    url: format!("{}tags/{}/", r.base_path, sanitise(t)),
                })
                .filter(|l| !l.url.ends_with("tags//"))
                .collect(),
            extra: &article.extra,
        }
    }
}

impl BodyInputs<'_> {
    /// The values made from the text, and a warning for each broken link.
    /// Reads only what `self` prints (the article's file and front matter,
    /// its references' and links' targets) and the configuration.
    fn made(&self, r: &Renderer) -> Result<(Made, Vec<Diagnostic>)> {
        let site = r.site;
        let article = &site.articles[self.index];
        let url_of = |i: usize| r.urls[i].clone();
        // Read once (from the file, for an article that came without its
        // text) for both the body and the description.
        let text = text_of(article)?;
        let body = render_body_with(site, &r.resolver, self.index, &url_of, &text);
        let warnings = broken_link_warnings(article, &text, &body.broken_links);
        let description = excerpt::description_with(article, &text);
        let made = Made {
            json_ld: meta::news_article_json_ld(site, self.index, description.as_deref()),
            description,
            body_html: body.html,
        };
        Ok((made, warnings))
    }
}

/// A warning for each broken link of an article's body, at the link's line:
/// the n-th broken link to a destination is the n-th link written to it.
fn broken_link_warnings(article: &Article, text: &Body, broken: &[String]) -> Vec<Diagnostic> {
    if broken.is_empty() {
        return Vec::new();
    }
    // Found again only when there is something to report: the body's
    // renderer does not track source positions.
    let links = match text {
        Body::Markdown { source, first_line } => link_lines(source, *first_line),
        _ => Vec::new(),
    };
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    broken
        .iter()
        .map(|target| {
            let nth = seen.entry(target.as_str()).or_default();
            let line = links.iter().filter(|(d, _)| d == target).nth(*nth).map(|(_, l)| *l);
            *nth += 1;
            Diagnostic::warning(
                &article.file,
                line,
                Kind::BrokenLink { target: target.clone() },
                format!(
                    "link to `{target}` matches no article in content/: name an existing file (relative to this \
                     article or to content/) or slug, or remove the link"
                ),
            )
        })
        .collect()
}
