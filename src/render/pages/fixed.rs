//! Pages that show nothing of their own but `site` and `page`: the 404
//! page and the search page (which fetches the search index itself).

use super::{Prepared, Renderer};

/// `/404.html`.
pub(super) fn not_found<'r>(r: &'r Renderer) -> Prepared<'r, ()> {
    fixed(
        r,
        "404.html",
        "404.html",
        "the 404 page",
        "الصفحة غير موجودة",
        "not_found",
    )
}

/// `/search/`.
pub(super) fn search<'r>(r: &'r Renderer) -> Prepared<'r, ()> {
    fixed(r, "search.html", "search/", "the search page", "البحث", "search")
}

fn fixed<'r>(
    r: &'r Renderer,
    template: &'static str,
    path: &str,
    origin: &str,
    title: &str,
    kind: &'static str,
) -> Prepared<'r, ()> {
    Prepared {
        template,
        path: path.to_string(),
        origin: origin.to_string(),
        context: r.context(title.to_string(), path, kind, None, None),
    }
}
