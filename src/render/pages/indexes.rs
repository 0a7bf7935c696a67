//! The index pages: `/archive/` (years and months), `/tags/` and
//! `/topics/`.

use super::context::Summary;
use super::print::Printed;
use super::{Prepared, Renderer};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the archive index shows, as `archive`.
#[derive(Serialize)]
pub(super) struct ArchiveView {
    /// Newest first.
    years: Vec<ArchiveYear>,
}

/// A year of the archive index.
#[derive(Serialize)]
struct ArchiveYear {
    year: i32,
    url: String,
    count: usize,
    /// Newest first.
    months: Vec<ArchiveMonth>,
}

/// A month of the archive index.
#[derive(Serialize)]
struct ArchiveMonth {
    name: String,
    url: String,
    count: usize,
}

/// What the tags index shows, as `terms`.
#[derive(Serialize)]
pub(super) struct TermsView<'a> {
    heading: &'a str,
    items: Vec<Term<'a>>,
}

/// A tag with its page and how many articles it has.
#[derive(Serialize)]
struct Term<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

/// A topic as the topics index shows it: an item of `topics`.
#[derive(Serialize)]
pub(super) struct TopicEntry<'a> {
    name: &'a str,
    url: String,
    description: &'a str,
    count: usize,
    /// Its newest article.
    latest: Option<&'a Printed<Summary<'a>>>,
    /// RFC 3339 dates of its oldest and newest articles.
    first_date: Option<String>,
    last_date: Option<String>,
}

/// `/archive/`: each year and month with its article count.
pub(super) fn archive<'r>(r: &'r Renderer) -> Prepared<'r, ArchiveView> {
    let mut years: BTreeMap<i32, BTreeMap<u32, usize>> = BTreeMap::new();
    for article in &r.site.articles {
        if let Some(date) = article.date {
            *years.entry(date.year()).or_default().entry(date.month()).or_default() += 1;
        }
    }
    let years = years
        .iter()
        .rev()
        .map(|(&year, months)| ArchiveYear {
            year,
            url: format!("{}{:04}/", r.base_path, year),
            count: months.values().sum(),
            months: months
                .iter()
                .rev()
                .map(|(&month, &count)| ArchiveMonth {
                    name: r.dates.month(year, month),
                    url: format!("{}{:04}/{:02}/", r.base_path, year, month),
                    count,
                })
                .collect(),
        })
        .collect();
    Prepared {
        template: "archive.html",
        path: "archive/".into(),
        origin: "the archive index".into(),
        context: r.context(
            "الأرشيف".into(),
            "archive/",
            "archive",
            None,
            Some(("archive", ArchiveView { years })),
        ),
    }
}

/// `/tags/`: every tag with its article count.
pub(super) fn tags<'r>(r: &'r Renderer) -> Prepared<'r, TermsView<'r>> {
    let items = r
        .listings
        .iter()
        .filter(|l| l.kind == "tag")
        .map(|l| Term {
            name: &l.heading,
            url: format!("{}{}", r.base_path, l.path),
            count: l.members.len(),
        })
        .collect();
    let view = TermsView {
        heading: "الوسوم",
        items,
    };
    Prepared {
        template: "terms.html",
        path: "tags/".into(),
        origin: "the tags index".into(),
        context: r.context("الوسوم".into(), "tags/", "tags", None, Some(("terms", view))),
    }
}

/// `/topics/`: every topic with its count, dates and newest article.
pub(super) fn topics<'r>(r: &'r Renderer) -> Prepared<'r, Vec<TopicEntry<'r>>> {
    let site = r.site;
    let topics = site
        .config
        .topics
        .iter()
        .zip(&r.members)
        .map(|(def, own)| {
            let dates: Vec<_> = own.iter().filter_map(|&i| site.articles[i].date).collect();
            TopicEntry {
                name: &def.name,
                url: format!("{}topics/{}/", r.base_path, def.slug),
                description: &def.description,
                count: own.len(),
                latest: own.first().map(|&i| &r.summaries[i]),
                first_date: dates.iter().min().map(|d| d.to_rfc3339()),
                last_date: dates.iter().max().map(|d| d.to_rfc3339()),
            }
        })
        .collect();
    Prepared {
        template: "topics.html",
        path: "topics/".into(),
        origin: "the topics index".into(),
        context: r.context("المواضيع".into(), "topics/", "topics", None, Some(("topics", topics))),
    }
}
