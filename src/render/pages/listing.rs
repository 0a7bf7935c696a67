//! Listing pages: the home page, years, months, tags, sections and authors,
//! each a paginated list of article summaries.

use super::archive_nav::{archive_nav, ArchiveNav};
use super::context::Summary;
use super::front::{front_page, FrontPage};
use super::print::Printed;
use super::{Prepared, Renderer};
use crate::render::listings::Listing;
use crate::render::paginate::{page_path, Page, Pages, Paginator};
use serde::Serialize;

/// What a listing page shows, as `listing`.
#[derive(Serialize)]
pub(super) struct ListingView<'a> {
    heading: &'a str,
    description: Option<&'a str>,
    feed_url: Option<String>,
    /// What an author page shows of its author (bio, photo, links).
    profile: Option<&'a serde_json::Value>,
    /// The front page's blocks, on the home page's first page only.
    front: Option<FrontPage<'a>>,
    /// A year or month page's way up and to its neighbours.
    nav: Option<ArchiveNav>,
    articles: Vec<&'a Printed<Summary<'a>>>,
    paginator: Paginator,
}

/// `page` of `listing`.
pub(super) fn prepare<'r>(r: &'r Renderer, listing: &'r Listing, page: Page) -> Prepared<'r, ListingView<'r>> {
    let pages = Pages::new(listing.members.len(), r.site.config.per_page);
    let path = page_path(&listing.path, page);
    let feed_url = listing.feed.then(|| format!("{}{}atom.xml", r.base_path, listing.path));
    let view = ListingView {
        heading: &listing.heading,
        description: listing.description.as_deref(),
        feed_url: feed_url.clone(),
        profile: listing.profile.as_ref(),
        front: (listing.kind == "home" && page == Page::Front)
            .then(|| front_page(r.site, &r.summaries, r.base_path, &r.members)),
        nav: matches!(listing.kind, "year" | "month")
            .then(|| archive_nav(&r.months, &r.dates, r.base_path, &listing.path))
            .flatten(),
        articles: listing.members[pages.range(page)]
            .iter()
            .map(|&i| &r.summaries[i])
            .collect(),
        paginator: r.paginator(&listing.path, pages, page),
    };
    Prepared {
        template: "list.html",
        origin: format!("the {} listing /{}", listing.kind, listing.path),
        context: r.context(
            r.page_title(&listing.heading, page),
            &path,
            listing.kind,
            feed_url,
            Some(("listing", view)),
        ),
        path,
    }
}
