//! The read-also index pages: every article (newest first) with its related
//! list, paginated. (`/read-also.json`, the same index as data, is written
//! beside the search index, by `render::read_also_json`.)

use super::{Prepared, Renderer};
use crate::render::paginate::{page_path, Page, Pages, Paginator};
use crate::render::read_also_json::ReadAlsoEntry;
use serde::Serialize;

/// Site path of the index's first page.
pub(super) const PATH: &str = "read-also/";

/// What a read-also page shows, as `read_also`.
#[derive(Serialize)]
pub(super) struct ReadAlsoView<'a> {
    articles: Vec<ReadAlsoEntry<'a>>,
    paginator: Paginator,
}

/// `page` of the read-also index.
pub(super) fn prepare<'r>(r: &'r Renderer, page: Page) -> Prepared<'r, ReadAlsoView<'r>> {
    let pages = Pages::new(r.site.articles.len(), r.site.config.per_page);
    let view = ReadAlsoView {
        articles: pages
            .range(page)
            .map(|i| ReadAlsoEntry::of(r.site, &r.urls, &r.link_prints, i, true))
            .collect(),
        paginator: r.paginator(PATH, pages, page),
    };
    let path = page_path(PATH, page);
    Prepared {
        template: "read_also.html",
        origin: "the read-also index".into(),
        context: r.context(
            r.page_title("فهرس «اقرأ أيضاً»", page),
            &path,
            "read_also",
            None,
            Some(("read_also", view)),
        ),
        path,
    }
}
