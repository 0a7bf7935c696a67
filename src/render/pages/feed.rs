//! The feeds of the listings that have one (sections, authors), of each
//! topic and of the site. A feed is XML written by `render::feeds`, not a
//! template: its fingerprint is that of the feed's heading and of the
//! summaries of its newest articles (what its entries show).

use super::{Outcome, Renderer, Unchanged};
use crate::error::Result;
use crate::render::feeds::{self, FeedFormat, FeedSpec};
use crate::render::listings::Listing;

/// A feed's fingerprint, and the feed written when `unchanged` does not
/// accept it.
fn run(r: &Renderer, spec: &FeedSpec, format: FeedFormat, unchanged: Unchanged) -> Result<Outcome> {
    // The entries a feed shows: its newest dated articles.
    let newest: Vec<u64> = spec
        .members
        .iter()
        .filter(|&&i| r.site.articles[i].date.is_some())
        .take(feeds::FEED_ENTRIES)
        .map(|&i| r.summaries[i].print())
        .collect();
    let print = crate::hash_of((r.base_print, spec.title, spec.subtitle, &spec.page_path, format, newest));
    if unchanged(print) {
        return Ok((print, None));
    }
    Ok((print, Some((feeds::feed(r.site, spec, format)?, Vec::new()))))
}

/// The feed of a section's or an author's listing.
pub(super) fn listing(r: &Renderer, listing: &Listing, format: FeedFormat, unchanged: Unchanged) -> Result<Outcome> {
    let spec = FeedSpec {
        title: &format!("{} — {}", listing.heading, r.site.config.title),
        subtitle: listing.description.as_deref().unwrap_or_default(),
        feed_path: feeds::feed_path(&listing.path, format),
        page_path: listing.path.clone(),
        members: &listing.members,
    };
    run(r, &spec, format, unchanged)
}

/// The feed of a topic.
pub(super) fn topic(r: &Renderer, t: usize, format: FeedFormat, unchanged: Unchanged) -> Result<Outcome> {
    let config = &r.site.config;
    let topic = &config.topics[t];
    let page_path = format!("topics/{}/", topic.slug);
    let spec = FeedSpec {
        title: &format!("{} — {}", topic.name, config.title),
        subtitle: &topic.description,
        feed_path: feeds::feed_path(&page_path, format),
        page_path,
        members: &r.members[t],
    };
    run(r, &spec, format, unchanged)
}

/// The site's feed: its newest articles.
pub(super) fn site(r: &Renderer, format: FeedFormat, unchanged: Unchanged) -> Result<Outcome> {
    let config = &r.site.config;
    let spec = FeedSpec {
        title: &config.title,
        subtitle: &config.description,
        feed_path: feeds::feed_path("", format),
        page_path: String::new(),
        // The home listing: every article, newest first.
        members: &r.listings[0].members,
    };
    run(r, &spec, format, unchanged)
}
