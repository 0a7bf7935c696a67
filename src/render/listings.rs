//! The site's paginated article lists (home, years, months, tags, sections,
//! authors) and the corrected articles: which articles each holds, for the
//! listing pages, their feeds and the sitemap.

use crate::link::Site;
use crate::load::slug::sanitise;
use crate::render::dates::DateFormat;
use chrono::Datelike;
use std::collections::BTreeMap;

/// A paginated list of articles: the home page, a year, a month, a tag, a
/// section, an author.
pub(crate) struct Listing {
    /// What it lists (`home`, `year`, `month`, `tag`, `section`, `author`):
    /// the page kind templates get.
    pub(crate) kind: &'static str,
    /// Its heading.
    pub(crate) heading: String,
    /// Its description, if it has one.
    pub(crate) description: Option<String>,
    /// Site path of page 1, below the base path (`""`, `2022/`, `tags/x/`).
    pub(crate) path: String,
    /// Articles (indices, newest first).
    pub(crate) members: Vec<usize>,
    /// Whether the listing has its own feed (`{path}atom.xml`).
    pub(crate) feed: bool,
    /// What an author page shows of its author (bio, photo, links).
    pub(crate) profile: Option<serde_json::Value>,
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

/// The corrected articles, most recently corrected first (ties in site order).
pub(crate) fn corrected(site: &Site) -> Vec<usize> {
    let mut list: Vec<usize> = (0..site.articles.len())
        .filter(|&i| !site.articles[i].corrections.is_empty())
        .collect();
    list.sort_by_key(|&i| std::cmp::Reverse(site.articles[i].corrections.iter().map(|c| c.date.timestamp()).max()));
    list
}
