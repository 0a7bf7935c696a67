//! Topic pages: a topic's articles grouped by month, with its timeline,
//! the topics it shares articles with, and its latest ledes.

use super::context::Summary;
use super::front::{developments, story, Story};
use super::print::Printed;
use super::{Prepared, Renderer};
use crate::render::paginate::{page_path, Page, Pages, Paginator};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeMap;

/// Ledes shown at the head of a topic page.
const RECENT_LEDES: usize = 3;

/// What every page of a topic shows alike, made once per topic.
pub(super) struct Shared {
    /// The topic's months, oldest first.
    timeline: Vec<TimelineMonth>,
    /// Topics that share articles with this one, most shared first.
    related_topics: Vec<RelatedTopic>,
}

/// A month of a topic's timeline.
#[derive(Serialize)]
struct TimelineMonth {
    name: String,
    count: usize,
    /// The page (and anchor) where the month's newest article is.
    url: String,
}

/// A topic that shares articles with another.
#[derive(Serialize)]
struct RelatedTopic {
    name: String,
    url: String,
    /// How many articles the two share.
    shared: usize,
}

/// The articles of a topic page from one month, under an anchor the
/// timeline links to.
#[derive(Serialize)]
struct MonthGroup<'a> {
    id: String,
    name: String,
    articles: Vec<&'a Printed<Summary<'a>>>,
}

/// What a topic page shows, as `topic`.
#[derive(Serialize)]
pub(super) struct TopicView<'a> {
    name: &'a str,
    description: &'a str,
    url: String,
    feed_url: String,
    groups: Vec<MonthGroup<'a>>,
    paginator: Paginator,
    timeline: &'a [TimelineMonth],
    related_topics: &'a [RelatedTopic],
    recent: Vec<&'a Printed<Summary<'a>>>,
    /// The story from its start: developments and key moments.
    story: Story<'a>,
}

impl Shared {
    /// What the pages of each topic share.
    pub(super) fn all(r: &Renderer) -> Vec<Shared> {
        (0..r.members.len()).map(|t| Shared::of(r, t)).collect()
    }

    fn of(r: &Renderer, topic: usize) -> Shared {
        let site = r.site;
        let own = &r.members[topic];
        let pages = Pages::new(own.len(), site.config.per_page);
        let path = format!("topics/{}/", site.config.topics[topic].slug);
        // Each month links to the page where its newest article is.
        let mut months: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
        for (position, &i) in own.iter().enumerate() {
            if let Some(d) = site.articles[i].date {
                let entry = months.entry((d.year(), d.month())).or_insert((0, position));
                entry.0 += 1;
            }
        }
        let timeline = months
            .iter()
            .map(|(&(year, month), &(count, first))| TimelineMonth {
                name: r.dates.month(year, month),
                count,
                url: format!(
                    "{}{}#m-{:04}-{:02}",
                    r.base_path,
                    page_path(&path, pages.page_of(first)),
                    year,
                    month
                ),
            })
            .collect();
        let mut shared = vec![0usize; r.members.len()];
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
        let related_topics = related
            .iter()
            .map(|&(other, count)| {
                let other_def = &site.config.topics[other];
                RelatedTopic {
                    name: other_def.name.clone(),
                    url: format!("{}topics/{}/", r.base_path, other_def.slug),
                    shared: count,
                }
            })
            .collect();
        Shared {
            timeline,
            related_topics,
        }
    }
}

/// Anchor id of a month in topic listings: `m-2022-12`.
fn month_anchor(date: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    match date {
        Some(d) => format!("m-{:04}-{:02}", d.year(), d.month()),
        None => "undated".to_string(),
    }
}

/// `page` of topic `topic`.
pub(super) fn prepare<'r>(r: &'r Renderer, topic: usize, page: Page) -> Prepared<'r, TopicView<'r>> {
    let site = r.site;
    let def = &site.config.topics[topic];
    let own = &r.members[topic];
    let pages = Pages::new(own.len(), site.config.per_page);
    let path = format!("topics/{}/", def.slug);
    let mut on_page = &own[pages.range(page)];
    if page == Page::Front {
        // The newest developments are shown above, not again below.
        on_page = &on_page[developments(own).min(on_page.len())..];
    }
    let start = (pages.numbered() > 0).then(|| format!("{}{}", r.base_path, page_path(&path, Page::Numbered(1))));
    // Grouped by month, oldest first (a story reads forward), each group
    // an anchor the timeline links to.
    let mut groups: Vec<MonthGroup> = Vec::new();
    for &i in on_page.iter().rev() {
        let date = site.articles[i].date;
        let id = month_anchor(date);
        if groups.last().is_none_or(|group| group.id != id) {
            let name = match date {
                Some(d) => r.dates.month(d.year(), d.month()),
                None => "بلا تاريخ".to_string(),
            };
            groups.push(MonthGroup {
                id,
                name,
                articles: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.articles.push(&r.summaries[i]);
        }
    }
    let shared = &r.topics[topic];
    let feed_url = format!("{}{}atom.xml", r.base_path, path);
    let view = TopicView {
        name: &def.name,
        description: &def.description,
        url: format!("{}{}", r.base_path, path),
        feed_url: feed_url.clone(),
        groups,
        paginator: r.paginator(&path, pages, page),
        timeline: &shared.timeline,
        related_topics: &shared.related_topics,
        recent: own
            .iter()
            .filter(|&&i| site.articles[i].summary.is_some())
            .take(RECENT_LEDES)
            .map(|&i| &r.summaries[i])
            .collect(),
        story: story(r.site, &r.summaries, own, start),
    };
    let this_page = page_path(&path, page);
    Prepared {
        template: "topic.html",
        origin: format!("the topic page /{path}"),
        context: r.context(
            r.page_title(&def.name, page),
            &this_page,
            "topic",
            Some(feed_url),
            Some(("topic", view)),
        ),
        path: this_page,
    }
}
