//! The HTML pages of the site and the feeds that follow them: which pages
//! there are (the plan), and for each, in parallel, its fingerprint and,
//! when that changed, its render.
//!
//! Each page kind (a file each) makes one value, its template [`Context`]:
//! what its template gets, serialised, and what its fingerprint is printed
//! from ([`print::print_of`]), so the two cannot drift apart. The one part
//! of a page made apart from its context is an article's body (see
//! `article.rs`).

mod archive_nav;
mod article;
mod context;
mod corrections;
mod feed;
mod fixed;
mod front;
mod indexes;
mod listing;
mod print;
mod read_also;
#[cfg(test)]
mod tests;
mod topic;

pub(crate) use print::print_of;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::link::paths::LinkResolver;
use crate::link::Site;
use crate::render::dates::DateFormat;
use crate::render::feeds::{self, FeedFormat};
use crate::render::listings::{listings, Listing};
use crate::render::meta;
use crate::render::paginate::{page_path, Page, Pages, Paginator};
use crate::render::theme::Theme;
use crate::render::OutputFile;
use crate::render::{Emitted, Emitter};
use context::{Context, LinkContext, PageContext, SiteContext, Summary};
use print::Printed;
use rayon::prelude::*;
use serde::Serialize;

/// The pages of a render: the files rendered, and every page of the site
/// with its fingerprint (rendered or not), and the warnings of each
/// rendered page.
pub(crate) struct Rendered {
    /// Files rendered this time and kept in memory.
    pub files: Vec<OutputFile>,
    /// Every file rendered this time (kept or streamed).
    pub emitted: Vec<Emitted>,
    /// Every page of the site: (path, fingerprint).
    pub pages: Vec<(String, Option<u64>)>,
    /// Warnings found while rendering, by page path.
    pub warnings: Vec<(String, Vec<Diagnostic>)>,
}

/// Shared, precomputed data for rendering.
pub(crate) struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    dates: DateFormat,
    /// The site's time zone, for times of day.
    zone: Option<chrono_tz::Tz>,
    base_path: &'a str,
    site_context: Printed<SiteContext<'a>>,
    /// Site path of each article, base path included.
    urls: Vec<String>,
    /// [`crate::render::read_also_json::link_prints`] of each article.
    link_prints: Vec<u64>,
    /// What listings show of each article.
    summaries: Vec<Printed<Summary<'a>>>,
    resolver: LinkResolver<'a>,
    /// Fingerprint of what every page depends on besides its context: the
    /// theme, the configuration and arshif's version.
    base_print: u64,
    /// Every paginated article list.
    listings: Vec<Listing>,
    /// The articles of each topic, newest first.
    members: Vec<Vec<usize>>,
    /// What all the pages of a topic show alike.
    topics: Vec<topic::Shared>,
    /// The months with dated articles, for the archive's navigation.
    months: std::collections::BTreeSet<(i32, u32)>,
}

/// A page made ready: its template, its site path, what made it (for
/// messages), and what its template gets.
pub(crate) struct Prepared<'r, V> {
    template: &'static str,
    path: String,
    origin: String,
    context: Context<'r, V>,
}

impl<'r, V> Prepared<'r, V> {
    /// The page with its view made into another.
    fn map_view<W>(self, made: impl FnOnce(V) -> W) -> Prepared<'r, W> {
        Prepared {
            template: self.template,
            path: self.path,
            origin: self.origin,
            context: Context {
                site: self.context.site,
                page: self.context.page,
                view: self.context.view.map(|(name, view)| (name, made(view))),
            },
        }
    }
}

/// A page's fingerprint and, when it was rendered, its file and warnings.
type Outcome = (u64, Option<(OutputFile, Vec<Diagnostic>)>);

/// Whether a page with this fingerprint is unchanged since the last render.
type Unchanged<'u> = &'u dyn Fn(u64) -> bool;

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let config = &site.config;
        let base_path = config.base_path();
        let urls: Vec<String> = site
            .articles
            .iter()
            .map(|a| format!("{}{}", base_path, a.path()))
            .collect();
        let dates = DateFormat {
            style: config.date_style,
            digits: config.digits,
        };
        let sections = crate::link::sections::sections(&config.sections, &site.articles);
        let section_of = crate::link::sections::section_of(&sections, site.articles.len());
        let section_links: Vec<LinkContext> = sections
            .iter()
            .map(|s| LinkContext {
                name: s.name.clone(),
                url: format!("{}sections/{}/", base_path, s.slug),
            })
            .collect();
        let summaries = Summary::all(site, &urls, &section_of, &section_links);
        let site_context = Printed::new(SiteContext {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path,
            language: &config.language,
            locale: meta::og_locale(&config.language),
            direction: config.direction,
            sections: section_links,
            feeds: serde_json::json!({
                "atom": config.feeds.contains(&FeedFormat::Atom),
                "rss": config.feeds.contains(&FeedFormat::Rss),
            }),
        });
        let mut renderer = Renderer {
            site,
            theme,
            zone: config.zone(),
            base_path,
            base_print: crate::hash_of((
                theme.fingerprint,
                serde_json::to_string(config).unwrap_or_default(),
                env!("CARGO_PKG_VERSION"),
            )),
            site_context,
            link_prints: crate::render::read_also_json::link_prints(site, &urls),
            urls,
            summaries,
            resolver: LinkResolver::new(&site.articles),
            listings: listings(site, &dates),
            dates,
            members: site.topic_members(),
            topics: Vec::new(),
            months: archive_nav::months(site),
        };
        renderer.topics = topic::Shared::all(&renderer);
        renderer
    }

    /// The template context of a page at site path `path`.
    fn context<V>(
        &self,
        title: String,
        path: &str,
        kind: &'static str,
        feed_url: Option<String>,
        view: Option<(&'static str, V)>,
    ) -> Context<'_, V> {
        Context {
            site: &self.site_context,
            page: PageContext {
                title,
                url: format!("{}{}", self.base_path, path),
                canonical: feeds::absolute_url(&self.site.config.base_url, path),
                kind,
                feed_url,
            },
            view,
        }
    }

    /// The fingerprint of a page: what every page depends on, its template
    /// and the print of its context.
    fn fingerprint<V: Serialize>(&self, prepared: &Prepared<V>) -> u64 {
        crate::hash_of((self.base_print, prepared.template, print_of(&prepared.context)))
    }

    /// Renders a page's template with its context.
    fn render<V: Serialize>(&self, prepared: Prepared<V>) -> Result<OutputFile> {
        let context = serde_json::to_value(&prepared.context).map_err(|err| Error::Template {
            name: prepared.template.to_string(),
            message: err.to_string(),
        })?;
        Ok(OutputFile {
            path: file_of(&prepared.path),
            bytes: self.theme.render(prepared.template, context)?,
            origin: prepared.origin,
        })
    }

    /// A page's fingerprint, and the page rendered when `unchanged` does
    /// not accept it.
    fn templated<V: Serialize>(&self, prepared: Prepared<V>, unchanged: Unchanged) -> Result<Outcome> {
        let print = self.fingerprint(&prepared);
        if unchanged(print) {
            return Ok((print, None));
        }
        Ok((print, Some((self.render(prepared)?, Vec::new()))))
    }

    /// The navigation of `page` of the list at `path`.
    fn paginator(&self, path: &str, pages: Pages, page: Page) -> Paginator {
        pages.navigation(page, &|p| format!("{}{}", self.base_path, page_path(path, p)))
    }

    /// The title of `page` of a list headed `heading`: the heading, and
    /// the page's number on numbered pages.
    fn page_title(&self, heading: &str, page: Page) -> String {
        match page {
            Page::Front => heading.to_string(),
            Page::Numbered(k) => format!("{heading} — {}", self.dates.number(&format!("صفحة {k}"))),
        }
    }
}

/// One page of the site: where it goes and what makes it.
struct Planned {
    path: String,
    job: Job,
}

/// What makes a page.
#[derive(Clone, Copy)]
enum Job {
    Article(usize),
    Listing(usize, Page),
    ListingFeed(usize, FeedFormat),
    Topic(usize, Page),
    TopicsIndex,
    TopicFeed(usize, FeedFormat),
    SiteFeed(FeedFormat),
    ReadAlso(Page),
    Archive,
    Corrections,
    Tags,
    NotFound,
    Search,
}

/// Renders the pages of the site whose fingerprint `unchanged` does not
/// accept (pass `|_, _| false` to render everything), sending each to
/// `emitter` as soon as it is rendered.
pub(crate) fn render_pages(
    site: &Site,
    theme: &Theme,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
    emitter: &Emitter,
) -> Result<Rendered> {
    let renderer = Renderer::new(site, theme);
    let plan = plan(&renderer);
    // Each page goes to the emitter as soon as it is rendered: streamed to
    // disk in a full build, only its record stays in memory.
    type Done = (u64, Option<(Emitted, Option<OutputFile>, Vec<Diagnostic>)>);
    let results: Vec<Done> = plan
        .par_iter()
        .map(|planned| {
            let (print, file) = run(&renderer, planned.job, &|print| unchanged(&planned.path, print))?;
            let Some((file, warnings)) = file else {
                return Ok((print, None));
            };
            let (record, kept) = emitter.emit(file)?;
            Ok((print, Some((record, kept, warnings))))
        })
        .collect::<Result<_>>()?;
    let mut rendered = Rendered {
        files: Vec::new(),
        emitted: Vec::new(),
        pages: Vec::with_capacity(plan.len()),
        warnings: Vec::new(),
    };
    for (planned, (print, result)) in plan.into_iter().zip(results) {
        if let Some((record, file, warnings)) = result {
            if !warnings.is_empty() {
                rendered.warnings.push((planned.path.clone(), warnings));
            }
            rendered.emitted.push(record);
            rendered.files.extend(file);
        }
        rendered.pages.push((planned.path, Some(print)));
    }
    Ok(rendered)
}

/// Output file of a site path: `x/` is `x/index.html`.
fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// Every page of the site, with what makes it.
fn plan(r: &Renderer) -> Vec<Planned> {
    let site = r.site;
    let per_page = site.config.per_page;
    let mut plan = Vec::new();
    let mut add = |path: String, job: Job| plan.push(Planned { path, job });
    for (i, article) in site.articles.iter().enumerate() {
        add(file_of(article.path()), Job::Article(i));
    }
    for (l, listing) in r.listings.iter().enumerate() {
        for page in Pages::new(listing.members.len(), per_page).all() {
            add(file_of(&page_path(&listing.path, page)), Job::Listing(l, page));
        }
        if listing.feed {
            for &format in &site.config.feeds {
                add(feeds::feed_path(&listing.path, format), Job::ListingFeed(l, format));
            }
        }
    }
    for (t, own) in r.members.iter().enumerate() {
        let path = format!("topics/{}/", site.config.topics[t].slug);
        for page in Pages::new(own.len(), per_page).all() {
            add(file_of(&page_path(&path, page)), Job::Topic(t, page));
        }
        for &format in &site.config.feeds {
            add(feeds::feed_path(&path, format), Job::TopicFeed(t, format));
        }
    }
    add("topics/index.html".into(), Job::TopicsIndex);
    for &format in &site.config.feeds {
        add(feeds::feed_path("", format), Job::SiteFeed(format));
    }
    for page in Pages::new(site.articles.len(), per_page).all() {
        add(file_of(&page_path(read_also::PATH, page)), Job::ReadAlso(page));
    }
    add("corrections/index.html".into(), Job::Corrections);
    add("archive/index.html".into(), Job::Archive);
    add("tags/index.html".into(), Job::Tags);
    add("404.html".into(), Job::NotFound);
    add("search/index.html".into(), Job::Search);
    plan
}

/// A page's fingerprint, and the page rendered when `unchanged` does not
/// accept it.
fn run(r: &Renderer, job: Job, unchanged: Unchanged) -> Result<Outcome> {
    match job {
        Job::Article(i) => article::run(r, i, unchanged),
        Job::Listing(l, page) => r.templated(listing::prepare(r, &r.listings[l], page), unchanged),
        Job::ListingFeed(l, format) => feed::listing(r, &r.listings[l], format, unchanged),
        Job::Topic(t, page) => r.templated(topic::prepare(r, t, page), unchanged),
        Job::TopicFeed(t, format) => feed::topic(r, t, format, unchanged),
        Job::SiteFeed(format) => feed::site(r, format, unchanged),
        Job::TopicsIndex => r.templated(indexes::topics(r), unchanged),
        Job::ReadAlso(page) => r.templated(read_also::prepare(r, page), unchanged),
        Job::Archive => r.templated(indexes::archive(r), unchanged),
        Job::Tags => r.templated(indexes::tags(r), unchanged),
        Job::Corrections => r.templated(corrections::prepare(r), unchanged),
        Job::NotFound => r.templated(fixed::not_found(r), unchanged),
        Job::Search => r.templated(fixed::search(r), unchanged),
    }
}
