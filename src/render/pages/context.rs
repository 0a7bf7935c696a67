//! What templates get: the values every page has (`site`, `page`) and the
//! parts several page kinds share (links, article summaries, corrections).
//! A page kind's own view lives with the kind.

use crate::article::Article;
use crate::link::Site;
use crate::render::pages::print::Printed;
use crate::render::pages::Renderer;
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// Everything a template gets: `site`, `page`, and the page kind's view
/// under its name (`article`, `listing`, …). A page's fingerprint is the
/// print of this same value, so what a template can read is what the
/// fingerprint sees.
pub(crate) struct Context<'r, V> {
    /// Site-wide values, as `site`.
    pub(crate) site: &'r Printed<SiteContext<'r>>,
    /// The page itself, as `page`.
    pub(crate) page: PageContext,
    /// The kind's view and the name templates read it by; none for pages
    /// that show only `site` and `page` (404, search).
    pub(crate) view: Option<(&'static str, V)>,
}

impl<V: Serialize> Serialize for Context<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + self.view.is_some() as usize))?;
        map.serialize_entry("site", self.site)?;
        map.serialize_entry("page", &self.page)?;
        if let Some((name, view)) = &self.view {
            map.serialize_entry(name, view)?;
        }
        map.end()
    }
}

/// Site-wide values every template gets as `site`.
#[derive(Serialize)]
pub(crate) struct SiteContext<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) base_url: &'a str,
    pub(crate) base_path: &'a str,
    pub(crate) language: &'a str,
    /// Open Graph locale (`ar_AR`).
    pub(crate) locale: String,
    pub(crate) direction: crate::config::Direction,
    /// The sections, in menu order, with their pages.
    pub(crate) sections: Vec<LinkContext>,
    /// Which feed formats are written: `{atom: bool, rss: bool}`.
    pub(crate) feeds: serde_json::Value,
}

/// The page being rendered, as `page`.
#[derive(Serialize)]
pub(crate) struct PageContext {
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) canonical: String,
    pub(crate) kind: &'static str,
    pub(crate) feed_url: Option<String>,
}

/// A link with its text.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkContext {
    /// Shown text.
    pub(crate) name: String,
    /// Site path.
    pub(crate) url: String,
}

/// A title and a URL, for previous/next and backlinks.
#[derive(Serialize, Clone, Copy)]
pub(crate) struct TitledLink<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: &'a str,
}

impl<'a> TitledLink<'a> {
    /// Article `i`'s title and page.
    pub(crate) fn to(r: &'a Renderer, i: usize) -> Self {
        TitledLink {
            title: &r.site.articles[i].title,
            url: &r.urls[i],
        }
    }
}

/// An article as listings show it.
#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    /// Headline.
    pub(crate) title: &'a str,
    /// Site path.
    pub(crate) url: String,
    /// RFC 3339 date.
    pub(crate) date: Option<String>,
    /// Lede.
    pub(crate) summary: Option<&'a str>,
    /// Byline.
    pub(crate) author: Option<&'a str>,
    /// Each name of the byline with its page.
    pub(crate) authors: Vec<LinkContext>,
    /// The section with its page.
    pub(crate) section: Option<LinkContext>,
    /// RFC 3339 time of the last update.
    pub(crate) updated: Option<String>,
    /// Not yet due at the build's clock (shown only with `--future`).
    pub(crate) scheduled: bool,
    /// Source.
    pub(crate) source: Option<&'a str>,
    /// Topics with their page URLs.
    pub(crate) topics: Vec<LinkContext>,
    /// The lead photo, for a thumbnail (the article page shows it too).
    pub(crate) photo: Option<crate::photos::PhotoView>,
}

impl<'a> Summary<'a> {
    /// Each article's summary, printed; `urls` holds each article's page,
    /// `section_of` its section (an index into `section_links`).
    pub(crate) fn all(
        site: &'a Site,
        urls: &[String],
        section_of: &[Option<usize>],
        section_links: &[LinkContext],
    ) -> Vec<Printed<Summary<'a>>> {
        let config = &site.config;
        let base_path = config.base_path();
        let topic_links: Vec<LinkContext> = config
            .topics
            .iter()
            .map(|t| LinkContext {
                name: t.name.clone(),
                url: format!("{}topics/{}/", base_path, t.slug),
            })
            .collect();
        site.articles
            .par_iter()
            .enumerate()
            .map(|(i, a)| {
                Printed::new(Summary {
                    title: &a.title,
                    url: urls[i].clone(),
                    date: a.date_string(),
                    summary: a.lede.as_deref(),
                    author: a.author.as_deref(),
                    authors: a
                        .authors
                        .iter()
                        .map(|name| (name, crate::link::authors::slug_for(name, &config.authors)))
                        .filter(|(_, slug)| !slug.is_empty())
                        .map(|(name, slug)| LinkContext {
                            name: name.clone(),
                            url: format!("{base_path}authors/{slug}/"),
                        })
                        .collect(),
                    section: section_of[i].map(|s| section_links[s].clone()),
                    updated: a.updated.map(|d| d.to_rfc3339()),
                    scheduled: site.schedule.is_scheduled(a),
                    source: a.source.as_deref(),
                    topics: site.links[i].topics.iter().map(|&t| topic_links[t].clone()).collect(),
                    photo: site.photos.view(config, i),
                })
            })
            .collect()
    }
}

/// One correction as templates get it: the article page and
/// `/corrections/` show the same values.
#[derive(Serialize)]
pub(crate) struct CorrectionShown<'a> {
    /// RFC 3339 time of the correction.
    date: String,
    /// The time as shown.
    date_shown: String,
    /// What was wrong and what is right.
    text: &'a str,
}

impl<'a> CorrectionShown<'a> {
    /// An article's corrections, newest first.
    pub(crate) fn all(r: &Renderer, article: &'a Article) -> Vec<Self> {
        article
            .corrections
            .iter()
            .rev()
            .map(|c| CorrectionShown {
                date: c.date.to_rfc3339(),
                date_shown: r.dates.moment(&c.date, true, r.zone),
                text: &c.text,
            })
            .collect()
    }
}
