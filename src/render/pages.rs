//! The pages of the site and the data each template gets.

use crate::article::{Article, Body};
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::Result;
use crate::link::paths::LinkResolver;
use crate::link::Site;
use crate::load::slug::sanitise;
use crate::render::dates::DateFormat;
use crate::render::feeds::{self, FeedSpec};
use crate::render::markdown::{link_lines, render_body_with, text_of};
use crate::render::paginate::{page_path, Page, Pages, Paginator};
use crate::render::theme::Theme;
use crate::render::OutputFile;
use crate::render::{excerpt, meta};
use crate::render::{Emitted, Emitter};
use chrono::Datelike;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// Site-wide values every template gets as `site`.
#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    /// Open Graph locale (`ar_AR`).
    locale: String,
    direction: crate::config::Direction,
    /// The sections, in menu order, with their pages.
    sections: Vec<LinkContext>,
    /// Which feed formats are written: `{atom: bool, rss: bool}`.
    feeds: serde_json::Value,
}

/// The page being rendered, as `page`.
#[derive(Serialize)]
struct PageContext {
    title: String,
    url: String,
    canonical: String,
    kind: &'static str,
    feed_url: Option<String>,
}

/// A link with its text.
#[derive(Serialize, Clone, Hash)]
pub struct LinkContext {
    /// Shown text.
    pub name: String,
    /// Site path.
    pub url: String,
}

/// A title and a URL, for previous/next and backlinks.
#[derive(Serialize, Clone)]
struct TitledLink<'a> {
    title: &'a str,
    url: &'a str,
}

/// An article as listings show it.
#[derive(Serialize, Hash)]
pub struct Summary<'a> {
    /// Headline.
    pub title: &'a str,
    /// Site path.
    pub url: String,
    /// RFC 3339 date.
    pub date: Option<String>,
    /// Lede.
    pub summary: Option<&'a str>,
    /// Byline.
    pub author: Option<&'a str>,
    /// Each name of the byline with its page.
    pub authors: Vec<LinkContext>,
    /// The section with its page.
    pub section: Option<LinkContext>,
    /// RFC 3339 time of the last update.
    pub updated: Option<String>,
    /// Not yet due at the build's clock (shown only with `--future`).
    pub scheduled: bool,
    /// Source.
    pub source: Option<&'a str>,
    /// Topics with their page URLs.
    pub topics: Vec<LinkContext>,
    /// The lead photo, for a thumbnail (the article page shows it too).
    pub photo: Option<crate::photos::PhotoView>,
}

/// A paginated list of articles: the home page, a year, a month, a tag.
pub(crate) struct Listing {
    pub(crate) kind: &'static str,
    heading: String,
    description: Option<String>,
    /// Site path of page 1, below the base path (`""`, `2022/`, `tags/x/`).
    pub(crate) path: String,
    /// Articles (indices, newest first).
    pub(crate) members: Vec<usize>,
    /// Whether the listing has its own feed (`{path}atom.xml`).
    pub(crate) feed: bool,
    /// What an author page shows of its author (bio, photo, links).
    profile: Option<serde_json::Value>,
}

/// Shared, precomputed data for rendering.
struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    dates: DateFormat,
    /// The site's time zone, for times of day.
    zone: Option<chrono_tz::Tz>,
    base_path: &'a str,
    site_context: SiteContext<'a>,
    /// Site path of each article, base path included.
    urls: Vec<String>,
    summaries: Vec<Summary<'a>>,
    resolver: LinkResolver<'a>,
    /// Fingerprint of the theme, the configuration and arshif's version.
    base_print: u64,
    /// Fingerprint of each article's summary (what listings show of it).
    summary_prints: Vec<u64>,
    /// Fingerprint of what the read-also index shows of each article.
    read_also_prints: Vec<u64>,
}

impl<'a> Renderer<'a> {
    fn page(&self, title: String, path: &str, kind: &'static str, feed_url: Option<String>) -> PageContext {
        PageContext {
            title,
            url: format!("{}{}", self.base_path, path),
            canonical: feeds::absolute_url(&self.site.config.base_url, path),
            kind,
            feed_url,
        }
    }

    fn render(&self, template: &str, path: &str, origin: String, context: serde_json::Value) -> Result<OutputFile> {
        Ok(OutputFile {
            path: file_of(path),
            bytes: self.theme.render(template, context)?,
            origin,
        })
    }
}

/// One page of the site: where it goes, what renders it, and the
/// fingerprint of everything it shows (`None`: always rendered, it is cheap).
struct Planned {
    path: String,
    fingerprint: Option<u64>,
    job: Job,
}

/// What renders a page.
#[derive(Clone, Copy)]
enum Job {
    Article(usize),
    Listing(usize, Page),
    ListingFeed(usize, feeds::FeedFormat),
    Topic(usize, Page),
    TopicsIndex,
    TopicFeed(usize, feeds::FeedFormat),
    SiteFeed(feeds::FeedFormat),
    ReadAlso(Page),
    ReadAlsoJson,
    Archive,
    Corrections,
    Tags,
    NotFound,
    Search,
}

/// The pages of a render: the files rendered, and every page of the site
/// with its fingerprint (rendered or not), and the warnings of each
/// rendered page.
pub struct Rendered {
    /// Files rendered this time and kept in memory.
    pub files: Vec<OutputFile>,
    /// Every file rendered this time (kept or streamed).
    pub emitted: Vec<Emitted>,
    /// Every page of the site: (path, fingerprint).
    pub pages: Vec<(String, Option<u64>)>,
    /// Warnings found while rendering, by page path.
    pub warnings: Vec<(String, Vec<Diagnostic>)>,
    /// `/read-also.json`, when it was rendered this time.
    pub read_also: Option<ReadAlsoWritten>,
}

/// FxHash of a value: page and file fingerprints.
pub(crate) fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Renders the pages of the site whose fingerprint `unchanged` does not
/// accept (pass `|_, _| false` to render everything). `read_also`, when
/// given, holds `/read-also.json` as an earlier render wrote it (kept in
/// memory by `serve`, or read back from the output folder), whose entries
/// are copied where their fingerprint did not change, and is left holding
/// this render's when it writes the file again.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    read_also: Option<&mut ReadAlsoText>,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
    emitter: &Emitter,
) -> Result<Rendered> {
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
    let topic_links: Vec<LinkContext> = config
        .topics
        .iter()
        .map(|t| LinkContext {
            name: t.name.clone(),
            url: format!("{}topics/{}/", base_path, t.slug),
        })
        .collect();
    let sections = crate::link::sections::sections(&config.sections, &site.articles);
    let section_of = crate::link::sections::section_of(&sections, site.articles.len());
    let section_links: Vec<LinkContext> = sections
        .iter()
        .map(|s| LinkContext {
            name: s.name.clone(),
            url: format!("{}sections/{}/", base_path, s.slug),
        })
        .collect();
    let summaries: Vec<Summary> = site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| Summary {
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
        .collect();
    let summary_prints: Vec<u64> = summaries.iter().map(hash_of).collect();
    let mut renderer = Renderer {
        site,
        theme,
        dates,
        zone: config.zone(),
        base_path,
        site_context: SiteContext {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path,
            language: &config.language,
            locale: meta::og_locale(&config.language),
            direction: config.direction,
            sections: section_links.clone(),
            feeds: serde_json::json!({
                "atom": config.feeds.contains(&feeds::FeedFormat::Atom),
                "rss": config.feeds.contains(&feeds::FeedFormat::Rss),
            }),
        },
        urls,
        summaries,
        resolver: LinkResolver::new(&site.articles),
        base_print: hash_of((
            theme.fingerprint,
            serde_json::to_string(config).unwrap_or_default(),
            env!("CARGO_PKG_VERSION"),
            // The menu, on every page: which sections have articles.
            &section_links,
        )),
        read_also_prints: Vec::new(),
        summary_prints,
    };
    // What the read-also pages and JSON show of each article: itself and its list.
    renderer.read_also_prints = (0..site.articles.len())
        .into_par_iter()
        .map(|i| {
            let related: Vec<(u64, i64)> = site.links[i]
                .related
                .iter()
                .map(|&(j, s)| (renderer.summary_prints[j], rounded_score(s)))
                .collect();
            hash_of((renderer.summary_prints[i], related))
        })
        .collect();
    let listings = listings(site, &renderer.dates);
    let members = site.topic_members();
    let plan = plan(&renderer, &listings, &members);
    // Each page goes to the emitter as soon as it is rendered: streamed to
    // disk in a full build, only its record stays in memory.
    type Done = (Emitted, Option<OutputFile>, Vec<Diagnostic>);
    let emit = |(file, warnings): (OutputFile, Vec<Diagnostic>)| -> Result<Done> {
        let (record, kept) = emitter.emit(file)?;
        Ok((record, kept, warnings))
    };
    let mut results: Vec<Option<Done>> = plan
        .par_iter()
        .map(|planned| {
            if planned.fingerprint.is_some_and(|fp| unchanged(&planned.path, fp)) {
                return Ok(None);
            }
            if let Job::ReadAlsoJson = planned.job {
                return Ok(None);
            }
            render_job(&renderer, &listings, &members, planned.job)
                .and_then(emit)
                .map(Some)
        })
        .collect::<Result<_>>()?;
    // The read-also index, from the entries of the last one that did not change.
    let mut read_also_entries = None;
    let mut read_also = read_also;
    for (planned, result) in plan.iter().zip(results.iter_mut()) {
        if let Job::ReadAlsoJson = planned.job {
            if !planned.fingerprint.is_some_and(|fp| unchanged(&planned.path, fp)) {
                let previous = read_also.as_deref().map(ReadAlsoText::by_print).unwrap_or_default();
                let (file, written) = read_also_json(&renderer, &previous);
                drop(previous);
                if let Some(kept) = read_also.as_deref_mut().filter(|kept| kept.keep) {
                    kept.json = file.bytes.clone();
                    kept.entries = written.entries.clone();
                }
                read_also_entries = Some(written);
                *result = Some(emit((file, Vec::new()))?);
            }
        }
    }
    let mut rendered = Rendered {
        files: Vec::new(),
        emitted: Vec::new(),
        pages: Vec::with_capacity(plan.len()),
        warnings: Vec::new(),
        read_also: read_also_entries,
    };
    for (planned, result) in plan.into_iter().zip(results) {
        if let Some((record, file, warnings)) = result {
            if !warnings.is_empty() {
                rendered.warnings.push((planned.path.clone(), warnings));
            }
            rendered.emitted.push(record);
            rendered.files.extend(file);
        }
        rendered.pages.push((planned.path, planned.fingerprint));
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

/// Every page of the site with the fingerprint of what it shows.
fn plan(r: &Renderer, listings: &[Listing], members: &[Vec<usize>]) -> Vec<Planned> {
    let site = r.site;
    let per_page = site.config.per_page;
    let base = r.base_print;
    let mut plan = Vec::new();
    let article_prints: Vec<u64> = (0..site.articles.len())
        .into_par_iter()
        .map(|i| article_print(r, i))
        .collect();
    for (i, print) in article_prints.into_iter().enumerate() {
        plan.push(Planned {
            path: file_of(site.articles[i].path()),
            fingerprint: Some(print),
            job: Job::Article(i),
        });
    }
    for (l, listing) in listings.iter().enumerate() {
        let pages = Pages::new(listing.members.len(), per_page);
        for page in pages.all() {
            let on_page = &listing.members[pages.range(page)];
            let prints: Vec<u64> = on_page.iter().map(|&i| r.summary_prints[i]).collect();
            plan.push(Planned {
                path: file_of(&page_path(&listing.path, page)),
                fingerprint: Some(hash_of((
                    base,
                    listing.kind,
                    &listing.heading,
                    &listing.description,
                    listing.profile.as_ref().map(|p| p.to_string()),
                    page,
                    paginator(r, &listing.path, pages, page),
                    prints,
                ))),
                job: Job::Listing(l, page),
            });
        }
        if listing.feed {
            let newest: Vec<u64> = listing
                .members
                .iter()
                .take(feeds::FEED_ENTRIES)
                .map(|&i| r.summary_prints[i])
                .collect();
            for &format in &site.config.feeds {
                plan.push(Planned {
                    path: feeds::feed_path(&listing.path, format),
                    fingerprint: Some(hash_of((base, &listing.heading, &listing.description, &newest))),
                    job: Job::ListingFeed(l, format),
                });
            }
        }
    }
    // A topic page shows its timeline and related topics: any change to the topic renders all its pages.
    let shared: Vec<Vec<usize>> = members
        .iter()
        .map(|own| {
            let mut counts = vec![0usize; members.len()];
            for &i in own {
                for &t in &site.links[i].topics {
                    counts[t] += 1;
                }
            }
            counts
        })
        .collect();
    let topic_prints: Vec<u64> = members
        .iter()
        .enumerate()
        .map(|(t, own)| {
            let prints: Vec<u64> = own.iter().map(|&i| r.summary_prints[i]).collect();
            hash_of((base, t, &shared[t], prints))
        })
        .collect();
    for (t, own) in members.iter().enumerate() {
        let slug = &site.config.topics[t].slug;
        for page in Pages::new(own.len(), per_page).all() {
            plan.push(Planned {
                path: file_of(&page_path(&format!("topics/{slug}/"), page)),
                fingerprint: Some(hash_of((topic_prints[t], page))),
                job: Job::Topic(t, page),
            });
        }
        for &format in &site.config.feeds {
            plan.push(Planned {
                path: feeds::feed_path(&format!("topics/{slug}/"), format),
                fingerprint: Some(topic_prints[t]),
                job: Job::TopicFeed(t, format),
            });
        }
    }
    plan.push(Planned {
        path: "topics/index.html".into(),
        fingerprint: Some(hash_of((base, &topic_prints))),
        job: Job::TopicsIndex,
    });
    let newest: Vec<u64> = listings[0]
        .members
        .iter()
        .take(feeds::FEED_ENTRIES)
        .map(|&i| r.summary_prints[i])
        .collect();
    for &format in &site.config.feeds {
        plan.push(Planned {
            path: feeds::feed_path("", format),
            fingerprint: Some(hash_of((base, &newest))),
            job: Job::SiteFeed(format),
        });
    }
    let n = site.articles.len();
    let read_also_prints = &r.read_also_prints;
    let pages = Pages::new(n, per_page);
    for page in pages.all() {
        let entries = &read_also_prints[pages.range(page)];
        plan.push(Planned {
            path: file_of(&page_path("read-also/", page)),
            fingerprint: Some(hash_of((base, page, paginator(r, "read-also/", pages, page), entries))),
            job: Job::ReadAlso(page),
        });
    }
    let months: Vec<(i32, u32)> = site
        .articles
        .iter()
        .filter_map(|a| a.date.map(|d| (d.year(), d.month())))
        .collect();
    let tags: Vec<(&str, &String, usize)> = listings
        .iter()
        .filter(|l| l.kind == "tag")
        .map(|l| (l.path.as_str(), &l.heading, l.members.len()))
        .collect();
    let corrected: Vec<(u64, &Vec<crate::article::Correction>)> = corrected(site)
        .into_iter()
        .map(|i| (r.summary_prints[i], &site.articles[i].corrections))
        .collect();
    for (path, job, fingerprint) in [
        ("corrections/index.html", Job::Corrections, hash_of((base, corrected))),
        (READ_ALSO_JSON, Job::ReadAlsoJson, hash_of((base, read_also_prints))),
        ("archive/index.html", Job::Archive, hash_of((base, months))),
        ("tags/index.html", Job::Tags, hash_of((base, tags))),
        ("404.html", Job::NotFound, base),
        ("search/index.html", Job::Search, base),
    ] {
        plan.push(Planned {
            path: path.into(),
            fingerprint: Some(fingerprint),
            job,
        });
    }
    plan
}

/// A related score as the pages show it (three decimals).
fn rounded_score(score: f32) -> i64 {
    (score as f64 * 1000.0).round() as i64
}

/// Everything an article page shows, hashed: its own source, its
/// neighbours, related articles, backlinks, topics and resolved links.
fn article_print(r: &Renderer, i: usize) -> u64 {
    let site = r.site;
    let article = &site.articles[i];
    let links = &site.links[i];
    let titled = |j: usize| (&site.articles[j].title, &r.urls[j]);
    let targets: Vec<Option<&String>> = article
        .links
        .iter()
        .map(|dest| r.resolver.resolve(&article.content_path, dest).map(|j| &r.urls[j]))
        .collect();
    hash_of((
        r.base_print,
        article.source_hash,
        &r.urls[i],
        r.summary_prints[i],
        site.older(i).map(titled),
        site.newer(i).map(titled),
        links
            .related
            .iter()
            .map(|&(j, s)| (r.summary_prints[j], rounded_score(s)))
            .collect::<Vec<_>>(),
        links.backlinks.iter().map(|&j| titled(j)).collect::<Vec<_>>(),
        links
            .read_also_targets
            .iter()
            .map(|t| t.map(titled))
            .collect::<Vec<_>>(),
        targets,
        site.photos.figures_print(i),
    ))
}

fn render_job(
    r: &Renderer,
    listings: &[Listing],
    members: &[Vec<usize>],
    job: Job,
) -> Result<(OutputFile, Vec<Diagnostic>)> {
    let site = r.site;
    let config = &site.config;
    let quiet = |file: Result<OutputFile>| file.map(|f| (f, Vec::new()));
    match job {
        Job::Article(i) => render_article(r, i),
        Job::Listing(l, page) => quiet(render_listing(r, &listings[l], page)),
        Job::Topic(t, page) => quiet(render_topic(r, members, t, page)),
        Job::TopicsIndex => quiet(render_topics_index(r, members)),
        Job::TopicFeed(t, format) => {
            let topic = &config.topics[t];
            let page_path = format!("topics/{}/", topic.slug);
            quiet(feeds::feed(
                site,
                &FeedSpec {
                    title: &format!("{} — {}", topic.name, config.title),
                    subtitle: &topic.description,
                    feed_path: feeds::feed_path(&page_path, format),
                    page_path,
                    members: &members[t],
                },
                format,
            ))
        }
        Job::ListingFeed(l, format) => {
            let listing = &listings[l];
            quiet(feeds::feed(
                site,
                &FeedSpec {
                    title: &format!("{} — {}", listing.heading, config.title),
                    subtitle: listing.description.as_deref().unwrap_or_default(),
                    feed_path: feeds::feed_path(&listing.path, format),
                    page_path: listing.path.clone(),
                    members: &listing.members,
                },
                format,
            ))
        }
        Job::SiteFeed(format) => quiet(feeds::feed(
            site,
            &FeedSpec {
                title: &config.title,
                subtitle: &config.description,
                feed_path: feeds::feed_path("", format),
                page_path: String::new(),
                members: &listings[0].members,
            },
            format,
        )),
        Job::ReadAlso(page) => quiet(render_read_also(r, page)),
        // Rendered apart, with the entries kept from the last render.
        Job::ReadAlsoJson => Ok((read_also_json(r, &FxHashMap::default()).0, Vec::new())),
        Job::Archive => quiet(render_archive_index(r)),
        Job::Tags => quiet(render_tags_index(r, listings)),
        Job::Corrections => quiet(render_corrections(r)),
        Job::NotFound => quiet(r.render(
            "404.html",
            "404.html",
            "the 404 page".into(),
            serde_json::json!({
                "site": &r.site_context,
                "page": r.page("الصفحة غير موجودة".into(), "404.html", "not_found", None),
            }),
        )),
        Job::Search => quiet(r.render(
            "search.html",
            "search/",
            "the search page".into(),
            serde_json::json!({
                "site": &r.site_context,
                "page": r.page("البحث".into(), "search/", "search", None),
            }),
        )),
    }
}

/// An article's corrections as templates get them, newest first: the
/// article page and `/corrections/` show the same values.
fn corrections_shown(r: &Renderer, article: &Article) -> Vec<serde_json::Value> {
    article
        .corrections
        .iter()
        .rev()
        .map(|c| {
            serde_json::json!({
                "date": c.date.to_rfc3339(),
                "date_shown": r.dates.moment(&c.date, true, r.zone),
                "text": c.text,
            })
        })
        .collect()
}
fn render_article(r: &Renderer, index: usize) -> Result<(OutputFile, Vec<Diagnostic>)> {
    #[derive(Serialize)]
    struct ArticleContext<'a> {
        title: &'a str,
        summary: Option<&'a str>,
        /// The lede, or the opening of the text.
        description: Option<String>,
        /// schema.org NewsArticle, escaped for a `<script>` element.
        json_ld: String,
        url: &'a str,
        date: Option<String>,
        author: Option<&'a str>,
        source: Option<&'a str>,
        original_url: Option<&'a str>,
        category: Option<&'a str>,
        /// The section with its page (the kicker).
        section: Option<&'a LinkContext>,
        /// Each author with their page.
        authors: &'a [LinkContext],
        /// The publication time as shown, with the time of day when known.
        date_shown: Option<String>,
        /// RFC 3339 time of the last update.
        updated: Option<String>,
        /// The update time as shown.
        updated_shown: Option<String>,
        /// Not yet due: a preview (`--future`).
        scheduled: bool,
        /// When it is due, as shown.
        release_shown: Option<String>,
        /// Corrections, newest first, each with `date`, `date_shown`, `text`.
        corrections: Vec<serde_json::Value>,
        tags: Vec<LinkContext>,
        topics: &'a [LinkContext],
        body_html: String,
        related: Vec<&'a Summary<'a>>,
        backlinks: Vec<TitledLink<'a>>,
        prev: Option<TitledLink<'a>>,
        next: Option<TitledLink<'a>>,
        extra: &'a BTreeMap<String, serde_json::Value>,
        /// The lead photo (see `crate::photos::PhotoView`).
        photo: Option<&'a crate::photos::PhotoView>,
    }
    let site = r.site;
    let article: &Article = &site.articles[index];
    let links = &site.links[index];
    let url_of = |i: usize| r.urls[i].clone();
    // Read once (from the file, for an article that came without its
    // text) for both the body and the description.
    let text = text_of(article)?;
    let body = render_body_with(site, &r.resolver, index, &url_of, &text);
    let warnings = broken_link_warnings(article, &text, &body.broken_links);
    let titled = |i: usize| TitledLink {
        title: &site.articles[i].title,
        url: &r.urls[i],
    };
    let description = excerpt::description_with(article, &text);
    let context = ArticleContext {
        title: &article.title,
        summary: article.summary.as_deref(),
        json_ld: meta::news_article_json_ld(site, index, description.as_deref()),
        description,
        url: &r.urls[index],
        date: article.date_string(),
        author: article.author.as_deref(),
        source: article.source.as_deref(),
        original_url: article
            .original_url
            .as_deref()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        category: article.category.as_deref(),
        section: r.summaries[index].section.as_ref(),
        authors: &r.summaries[index].authors,
        date_shown: article.date.map(|d| r.dates.moment(&d, article.timed, r.zone)),
        updated: article.updated.map(|d| d.to_rfc3339()),
        scheduled: r.summaries[index].scheduled,
        release_shown: article.release_time().map(|d| r.dates.moment(&d, true, r.zone)),
        updated_shown: article.updated.map(|d| r.dates.moment(&d, article.timed, r.zone)),
        corrections: corrections_shown(r, article),
        tags: article
            .tags
            .iter()
            .map(|t| LinkContext {
                name: t.clone(),
                url: format!("{}tags/{}/", r.base_path, sanitise(t)),
            })
            .filter(|l| !l.url.ends_with("tags//"))
            .collect(),
        topics: &r.summaries[index].topics,
        body_html: body.html,
        related: links.related.iter().map(|&(i, _)| &r.summaries[i]).collect(),
        backlinks: links.backlinks.iter().map(|&i| titled(i)).collect(),
        prev: site.older(index).map(titled),
        next: site.newer(index).map(titled),
        extra: &article.extra,
        photo: r.summaries[index].photo.as_ref(),
    };
    let path = article.path();
    let file = r.render(
        "article.html",
        path,
        article.file.display().to_string(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page(article.title.clone(), path, "article", None),
            "article": context,
        }),
    )?;
    Ok((file, warnings))
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

/// Every paginated article list: home, years, months, tags.
pub(crate) fn listings(site: &Site, dates: &DateFormat) -> Vec<Listing> {
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let mut listings = vec![Listing {
        kind: "home",
        heading: site.config.title.clone(),
        description: Some(site.config.description.clone()).filter(|d| !d.is_empty()),
        path: String::new(),
        members: all,
        feed: false,
        profile: None,
    }];
    let mut years: BTreeMap<i32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (i, article) in site.articles.iter().enumerate() {
        if let Some(date) = article.date {
            years
                .entry(date.year())
                .or_default()
                .entry(date.month())
                .or_default()
                .push(i);
        }
    }
    for (year, months) in years.iter().rev() {
        let mut members: Vec<usize> = months.values().flatten().copied().collect();
        members.sort_unstable();
        listings.push(Listing {
            kind: "year",
            heading: dates.number(&format!("أرشيف {year}")),
            description: None,
            path: format!("{year:04}/"),
            members,
            feed: false,
            profile: None,
        });
        for (month, members) in months.iter().rev() {
            listings.push(Listing {
                kind: "month",
                heading: dates.month(*year, *month),
                description: None,
                path: format!("{year:04}/{month:02}/"),
                members: members.clone(),
                feed: false,
                profile: None,
            });
        }
    }
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, article) in site.articles.iter().enumerate() {
        for tag in &article.tags {
            let slug = sanitise(tag);
            if slug.is_empty() {
                continue;
            }
            let entry = tags.entry(slug).or_insert_with(|| (tag.clone(), Vec::new()));
            if entry.1.last() != Some(&i) {
                entry.1.push(i);
            }
        }
    }
    for (slug, (name, members)) in tags {
        listings.push(Listing {
            kind: "tag",
            heading: name,
            description: None,
            path: format!("tags/{slug}/"),
            members,
            feed: false,
            profile: None,
        });
    }
    for section in crate::link::sections::sections(&site.config.sections, &site.articles) {
        listings.push(Listing {
            kind: "section",
            heading: section.name,
            description: Some(section.description).filter(|d| !d.is_empty()),
            path: format!("sections/{}/", section.slug),
            members: section.members,
            feed: true,
            profile: None,
        });
    }
    for author in crate::link::authors::authors(&site.config.authors, &site.articles) {
        let def = author.def.unwrap_or_default();
        listings.push(Listing {
            kind: "author",
            description: Some(def.bio.clone()).filter(|d| !d.is_empty()),
            profile: Some(serde_json::json!({
                "name": author.name,
                "photo": def.photo,
                "url": def.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")),
                "links": def.links.iter().filter(|u| u.starts_with("http://") || u.starts_with("https://")).collect::<Vec<_>>(),
            })),
            heading: author.name,
            path: format!("authors/{}/", author.slug),
            members: author.members,
            feed: true,
        });
    }
    listings
}

/// The navigation of `page` of the listing at `path`.
fn paginator(r: &Renderer, path: &str, pages: Pages, page: Page) -> Paginator {
    pages.navigation(page, &|p| format!("{}{}", r.base_path, page_path(path, p)))
}

/// The title of `page` of a list headed `heading`: the heading, and the
/// page's number on numbered pages.
fn page_title(r: &Renderer, heading: &str, page: Page) -> String {
    match page {
        Page::Front => heading.to_string(),
        Page::Numbered(k) => format!("{heading} — {}", r.dates.number(&format!("صفحة {k}"))),
    }
}

fn render_listing(r: &Renderer, listing: &Listing, page: Page) -> Result<OutputFile> {
    let pages = Pages::new(listing.members.len(), r.site.config.per_page);
    let members = &listing.members[pages.range(page)];
    let articles: Vec<&Summary> = members.iter().map(|&i| &r.summaries[i]).collect();
    let path = page_path(&listing.path, page);
    let title = page_title(r, &listing.heading, page);
    let feed_url = listing.feed.then(|| format!("{}{}atom.xml", r.base_path, listing.path));
    r.render(
        "list.html",
        &path,
        format!("the {} listing /{}", listing.kind, listing.path),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page(title, &path, listing.kind, feed_url.clone()),
            "listing": {
                "heading": listing.heading,
                "description": listing.description,
                "feed_url": feed_url,
                "profile": listing.profile,
                "articles": articles,
                "paginator": paginator(r, &listing.path, pages, page),
            },
        }),
    )
}

fn render_archive_index(r: &Renderer) -> Result<OutputFile> {
    let mut years: BTreeMap<i32, BTreeMap<u32, usize>> = BTreeMap::new();
    for article in &r.site.articles {
        if let Some(date) = article.date {
            *years.entry(date.year()).or_default().entry(date.month()).or_default() += 1;
        }
    }
    let years: Vec<serde_json::Value> = years
        .iter()
        .rev()
        .map(|(year, months)| {
            serde_json::json!({
                "year": year,
                "url": format!("{}{:04}/", r.base_path, year),
                "count": months.values().sum::<usize>(),
                "months": months.iter().rev().map(|(month, count)| serde_json::json!({
                    "name": r.dates.month(*year, *month),
                    "url": format!("{}{:04}/{:02}/", r.base_path, year, month),
                    "count": count,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    r.render(
        "archive.html",
        "archive/",
        "the archive index".into(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page("الأرشيف".into(), "archive/", "archive", None),
            "archive": { "years": years },
        }),
    )
}

fn render_tags_index(r: &Renderer, listings: &[Listing]) -> Result<OutputFile> {
    let items: Vec<serde_json::Value> = listings
        .iter()
        .filter(|l| l.kind == "tag")
        .map(|l| {
            serde_json::json!({
                "name": l.heading,
                "url": format!("{}{}", r.base_path, l.path),
                "count": l.members.len(),
            })
        })
        .collect();
    r.render(
        "terms.html",
        "tags/",
        "the tags index".into(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page("الوسوم".into(), "tags/", "tags", None),
            "terms": { "heading": "الوسوم", "items": items },
        }),
    )
}

/// The corrected articles, most recently corrected first (ties in site order).
pub(crate) fn corrected(site: &Site) -> Vec<usize> {
    let mut list: Vec<usize> = (0..site.articles.len())
        .filter(|&i| !site.articles[i].corrections.is_empty())
        .collect();
    list.sort_by_key(|&i| std::cmp::Reverse(site.articles[i].corrections.iter().map(|c| c.date.timestamp()).max()));
    list
}

/// `/corrections/`: every corrected article with its corrections, newest
/// correction first (what the Trust Project asks a news site to publish).
fn render_corrections(r: &Renderer) -> Result<OutputFile> {
    let entries: Vec<serde_json::Value> = corrected(r.site)
        .into_iter()
        .map(|i| {
            let corrections = corrections_shown(r, &r.site.articles[i]);
            serde_json::json!({ "article": &r.summaries[i], "corrections": corrections })
        })
        .collect();
    r.render(
        "corrections.html",
        "corrections/",
        "the corrections page".into(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page("التصحيحات".into(), "corrections/", "corrections", None),
            "corrections": entries,
        }),
    )
}

/// Anchor id of a month in topic listings: `m-2022-12`.
fn month_anchor(date: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    match date {
        Some(d) => format!("m-{:04}-{:02}", d.year(), d.month()),
        None => "undated".to_string(),
    }
}

fn render_topic(r: &Renderer, members: &[Vec<usize>], topic: usize, page: Page) -> Result<OutputFile> {
    let site = r.site;
    let def = &site.config.topics[topic];
    let own = &members[topic];
    let pages = Pages::new(own.len(), site.config.per_page);
    let path = format!("topics/{}/", def.slug);
    let on_page = &own[pages.range(page)];

    // Articles of this page grouped by month, each group an anchor the timeline links to.
    let mut groups: Vec<serde_json::Value> = Vec::new();
    let mut current: Option<(String, String, Vec<&Summary>)> = None;
    for &i in on_page {
        let date = site.articles[i].date;
        let id = month_anchor(date);
        if current.as_ref().is_none_or(|(group_id, _, _)| *group_id != id) {
            if let Some((id, name, articles)) = current.take() {
                groups.push(serde_json::json!({ "id": id, "name": name, "articles": articles }));
            }
            let name = match date {
                Some(d) => r.dates.month(d.year(), d.month()),
                None => "بلا تاريخ".to_string(),
            };
            current = Some((id, name, Vec::new()));
        }
        if let Some((_, _, articles)) = current.as_mut() {
            articles.push(&r.summaries[i]);
        }
    }
    if let Some((id, name, articles)) = current {
        groups.push(serde_json::json!({ "id": id, "name": name, "articles": articles }));
    }

    // Timeline, oldest month first; each month links to the page where its newest article is.
    let mut months: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
    for (position, &i) in own.iter().enumerate() {
        if let Some(d) = site.articles[i].date {
            let entry = months.entry((d.year(), d.month())).or_insert((0, position));
            entry.0 += 1;
        }
    }
    let timeline: Vec<serde_json::Value> = months
        .iter()
        .map(|(&(year, month), &(count, first))| {
            serde_json::json!({
                "name": r.dates.month(year, month),
                "count": count,
                "url": format!("{}{}#m-{:04}-{:02}", r.base_path, page_path(&path, pages.page_of(first)), year, month),
            })
        })
        .collect();

    // Topics that share articles with this one, most shared first.
    let mut shared = vec![0usize; members.len()];
    for &i in own {
        for &other in &site.links[i].topics {
            shared[other] += 1;
        }
    }
    let mut related: Vec<(usize, usize)> = shared
        .iter()
        .enumerate()
        .filter(|&(other, &count)| other != topic && count > 0)
        .map(|(other, &count)| (other, count))
        .collect();
    related.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let related_topics: Vec<serde_json::Value> = related
        .iter()
        .map(|&(other, count)| {
            let other_def = &site.config.topics[other];
            serde_json::json!({
                "name": other_def.name,
                "url": format!("{}topics/{}/", r.base_path, other_def.slug),
                "shared": count,
            })
        })
        .collect();
    let recent: Vec<&Summary> = own
        .iter()
        .filter(|&&i| site.articles[i].summary.is_some())
        .take(RECENT_LEDES)
        .map(|&i| &r.summaries[i])
        .collect();

    let feed_url = format!("{}{}atom.xml", r.base_path, path);
    let this_page = page_path(&path, page);
    let title = page_title(r, &def.name, page);
    r.render(
        "topic.html",
        &this_page,
        format!("the topic page /{path}"),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page(title, &this_page, "topic", Some(feed_url.clone())),
            "topic": {
                "name": def.name,
                "description": def.description,
                "url": format!("{}{}", r.base_path, path),
                "feed_url": feed_url,
                "groups": groups,
                "paginator": paginator(r, &path, pages, page),
                "timeline": timeline,
                "related_topics": related_topics,
                "recent": recent,
            },
        }),
    )
}

/// Ledes shown at the head of a topic page.
const RECENT_LEDES: usize = 3;

fn render_topics_index(r: &Renderer, members: &[Vec<usize>]) -> Result<OutputFile> {
    let site = r.site;
    let topics: Vec<serde_json::Value> = site
        .config
        .topics
        .iter()
        .zip(members)
        .map(|(def, own)| {
            let dates: Vec<_> = own.iter().filter_map(|&i| site.articles[i].date).collect();
            serde_json::json!({
                "name": def.name,
                "url": format!("{}topics/{}/", r.base_path, def.slug),
                "description": def.description,
                "count": own.len(),
                "latest": own.first().map(|&i| &r.summaries[i]),
                "first_date": dates.iter().min().map(|d| d.to_rfc3339()),
                "last_date": dates.iter().max().map(|d| d.to_rfc3339()),
            })
        })
        .collect();
    r.render(
        "topics.html",
        "topics/",
        "the topics index".into(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page("المواضيع".into(), "topics/", "topics", None),
            "topics": topics,
        }),
    )
}

/// One article of the read-also index with its related list.
#[derive(Serialize)]
struct ReadAlsoEntry<'a> {
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    related: Vec<RelatedEntry<'a>>,
}

#[derive(Serialize)]
struct RelatedEntry<'a> {
    url: &'a str,
    title: &'a str,
    score: f64,
}

fn read_also_entry<'a>(r: &'a Renderer, i: usize, with_date: bool) -> ReadAlsoEntry<'a> {
    let article = &r.site.articles[i];
    ReadAlsoEntry {
        url: &r.urls[i],
        title: &article.title,
        date: if with_date { article.date_string() } else { None },
        related: r.site.links[i]
            .related
            .iter()
            .map(|&(j, score)| RelatedEntry {
                url: &r.urls[j],
                title: &r.site.articles[j].title,
                // Rounded so that the file does not change with the last bits of a float.
                score: (score as f64 * 1000.0).round() / 1000.0,
            })
            .collect(),
    }
}

fn render_read_also(r: &Renderer, page: Page) -> Result<OutputFile> {
    let pages = Pages::new(r.site.articles.len(), r.site.config.per_page);
    let articles: Vec<ReadAlsoEntry> = pages.range(page).map(|i| read_also_entry(r, i, true)).collect();
    let path = page_path("read-also/", page);
    let title = page_title(r, "فهرس «اقرأ أيضاً»", page);
    r.render(
        "read_also.html",
        &path,
        "the read-also index".into(),
        serde_json::json!({
            "site": &r.site_context,
            "page": r.page(title, &path, "read_also", None),
            "read_also": {
                "articles": articles,
                "paginator": paginator(r, "read-also/", pages, page),
            },
        }),
    )
}

/// Output path of the read-also index as JSON.
pub const READ_ALSO_JSON: &str = "read-also.json";

/// An entry of `/read-also.json`: its fingerprint and its length in bytes.
pub type ReadAlsoEntryPrint = (u64, u32);

/// What `/read-also.json` starts with; its entries follow, separated by
/// commas, then `]}`.
const READ_ALSO_HEAD: &str = "{\"version\":1,\"articles\":[";

/// What rendering `/read-also.json` gave besides the file.
#[derive(Debug, Clone)]
pub struct ReadAlsoWritten {
    /// Its entries, in order.
    pub entries: Vec<ReadAlsoEntryPrint>,
    /// How many were serialised (the others copied from the last one).
    pub serialised: usize,
}

/// `/read-also.json` as a render wrote it: its bytes and its entries in
/// order. The file holds the whole archive and one edit changes a few
/// dozen of its entries: the next render copies the others instead of
/// serialising them again.
#[derive(Debug, Clone, Default)]
pub struct ReadAlsoText {
    /// The file's bytes.
    pub json: Vec<u8>,
    /// Its entries, in order.
    pub entries: Vec<ReadAlsoEntryPrint>,
    /// Whether a render leaves its own file here for the next (`serve`),
    /// rather than only reading this one (a build from the cache, which
    /// reads the file back from the output folder instead).
    pub keep: bool,
}

impl ReadAlsoText {
    /// The bytes of each entry by fingerprint; none when the bytes are not
    /// laid out as the entries say (the file was not the one they describe).
    /// Bytes, not text: the file is copied as it was written, entry by
    /// entry, and its 27 MB (at 28k articles) need no UTF-8 check.
    fn by_print(&self) -> FxHashMap<u64, &[u8]> {
        let json = &self.json;
        let lengths: usize = self.entries.iter().map(|&(_, len)| len as usize).sum();
        let expected = READ_ALSO_HEAD.len() + lengths + self.entries.len().saturating_sub(1) + 2;
        if json.len() != expected || !json.starts_with(READ_ALSO_HEAD.as_bytes()) || !json.ends_with(b"]}") {
            return FxHashMap::default();
        }
        let mut at = READ_ALSO_HEAD.len();
        let mut by_print = FxHashMap::with_capacity_and_hasher(self.entries.len(), Default::default());
        for &(print, len) in &self.entries {
            let Some(entry) = json.get(at..at + len as usize) else {
                return FxHashMap::default();
            };
            by_print.insert(print, entry);
            at += len as usize + 1;
        }
        by_print
    }
}

/// `/read-also.json`: every article (newest first) with its related list,
/// and its entries. Entries found in `previous` by fingerprint are copied.
fn read_also_json(r: &Renderer, previous: &FxHashMap<u64, &[u8]>) -> (OutputFile, ReadAlsoWritten) {
    // Serialised entry by entry, in parallel, without an intermediate `Value`.
    let entries: Vec<std::borrow::Cow<[u8]>> = (0..r.site.articles.len())
        .into_par_iter()
        .map(|i| match previous.get(&r.read_also_prints[i]) {
            Some(entry) => std::borrow::Cow::Borrowed(*entry),
            None => {
                let json = serde_json::to_string(&read_also_entry(r, i, false)).unwrap_or_default();
                std::borrow::Cow::Owned(html_safe(json).into_bytes())
            }
        })
        .collect();
    let mut json = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 32);
    json.extend_from_slice(READ_ALSO_HEAD.as_bytes());
    for (n, entry) in entries.iter().enumerate() {
        if n > 0 {
            json.push(b',');
        }
        json.extend_from_slice(entry);
    }
    json.extend_from_slice(b"]}");
    let written = ReadAlsoWritten {
        entries: r
            .read_also_prints
            .iter()
            .zip(&entries)
            .map(|(&print, entry)| (print, entry.len() as u32))
            .collect(),
        serialised: entries
            .iter()
            .filter(|e| matches!(e, std::borrow::Cow::Owned(_)))
            .count(),
    };
    let file = OutputFile {
        path: READ_ALSO_JSON.into(),
        bytes: json,
        origin: "the read-also index /read-also.json".into(),
    };
    (file, written)
}

/// JSON text with `<`, `>` and `&` escaped (see [`html_safe_json`]).
fn html_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// JSON text with `<`, `>` and `&` written as `\u003c`-style escapes (they
/// only occur inside strings), so no headline can close a `<script>` the
/// JSON is embedded in.
pub fn html_safe_json(value: &serde_json::Value) -> String {
    html_safe(value.to_string())
}
