//! How a list shown newest first (the home page, a year, a tag, a topic,
//! the read-also index) is cut into pages.
//!
//! Pages are numbered from the oldest article, not from the newest: page 1
//! holds the oldest `per_page` items, page 2 the next, and so on, and the
//! front page (the listing's own address) holds everything newer than the
//! last full numbered page (`per_page` to `2 × per_page − 1` items). An
//! article added at the top of the archive therefore changes the front page
//! and at most the two or three numbered pages nearest it; every other page
//! keeps its address, its articles and its bytes. Numbering from the newest,
//! as most generators do, shifts every page of every listing on each new
//! article: thousands of files rewritten and uploaded for one story, and
//! page addresses that never show the same articles twice.

use serde::Serialize;
use std::ops::Range;

/// The pages of a list of `items` entries at `per_page` a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pages {
    items: usize,
    per_page: usize,
}

/// One page: the front page, or a numbered page counted from the oldest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Page {
    /// The listing's own address: the newest entries.
    Front,
    /// `page/N/`, N ≥ 1, page 1 holding the oldest entries.
    Numbered(usize),
}

impl Pages {
    /// The pages of `items` entries (`per_page` is at least 1).
    pub(crate) fn new(items: usize, per_page: usize) -> Pages {
        Pages {
            items,
            per_page: per_page.max(1),
        }
    }

    /// How many numbered pages there are (the front page holds the rest).
    pub(crate) fn numbered(&self) -> usize {
        // The newest full page is the front page's (with the incomplete
        // page after it, if any): the front page always shows at least
        // `per_page` entries when there are that many.
        (self.items / self.per_page).saturating_sub(1)
    }

    /// Every page, the front page first, then the numbered pages newest first.
    pub(crate) fn all(&self) -> impl Iterator<Item = Page> {
        std::iter::once(Page::Front).chain((1..=self.numbered()).rev().map(Page::Numbered))
    }

    /// The entries of `page`, as positions in the newest-first list.
    pub(crate) fn range(&self, page: Page) -> Range<usize> {
        let n = self.items;
        let numbered = self.numbered();
        match page {
            Page::Front => 0..n - numbered * self.per_page,
            Page::Numbered(k) if (1..=numbered).contains(&k) => n - k * self.per_page..n - (k - 1) * self.per_page,
            Page::Numbered(_) => n..n,
        }
    }

    /// The page holding the entry at `position` of the newest-first list.
    pub(crate) fn page_of(&self, position: usize) -> Page {
        let front = self.range(Page::Front).end;
        if position < front {
            Page::Front
        } else {
            let from_oldest = self.items.saturating_sub(position + 1);
            Page::Numbered(from_oldest / self.per_page + 1)
        }
    }

    /// The navigation of `current`: newer and older neighbours, and the
    /// pages a reader can jump to (the front page, page 1, and the pages
    /// within two of the current one), newest first, with gaps marked.
    /// It names only pages near `current`, so that a new page at the top
    /// leaves the navigation of the older pages as it was.
    pub(crate) fn navigation(&self, current: Page, url: &dyn Fn(Page) -> String) -> Paginator {
        let numbered = self.numbered();
        let newer = match current {
            Page::Front => None,
            Page::Numbered(k) if k < numbered => Some(Page::Numbered(k + 1)),
            Page::Numbered(_) => Some(Page::Front),
        };
        let older = match current {
            Page::Front if numbered > 0 => Some(Page::Numbered(numbered)),
            Page::Numbered(k) if k > 1 => Some(Page::Numbered(k - 1)),
            _ => None,
        };
        let around = match current {
            Page::Front => numbered + 1,
            Page::Numbered(k) => k,
        };
        let mut shown: Vec<Page> = vec![Page::Front];
        for k in (1..=numbered).rev() {
            if k == 1 || k.abs_diff(around) <= 2 {
                shown.push(Page::Numbered(k));
            }
        }
        let mut pages = Vec::new();
        let mut previous: Option<Page> = None;
        for page in shown {
            let adjacent = match (previous, page) {
                (None, _) => true,
                (Some(Page::Front), Page::Numbered(k)) => k == numbered,
                (Some(Page::Numbered(j)), Page::Numbered(k)) => j == k + 1,
                _ => false,
            };
            if !adjacent {
                pages.push(PageLink {
                    label: String::new(),
                    url: String::new(),
                    current: false,
                    gap: true,
                });
            }
            pages.push(PageLink {
                label: match page {
                    Page::Front => "الأحدث".to_string(),
                    Page::Numbered(k) => k.to_string(),
                },
                url: url(page),
                current: page == current,
                gap: false,
            });
            previous = Some(page);
        }
        Paginator {
            front: current == Page::Front,
            number: match current {
                Page::Front => None,
                Page::Numbered(k) => Some(k),
            },
            newer_url: newer.map(url),
            older_url: older.map(url),
            pages: if numbered == 0 { Vec::new() } else { pages },
        }
    }
}

/// What a template needs to draw a page's navigation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct Paginator {
    /// True on the front page.
    pub front: bool,
    /// The page's number (none on the front page).
    pub number: Option<usize>,
    /// The page of newer entries (`rel="prev"`).
    pub newer_url: Option<String>,
    /// The page of older entries (`rel="next"`).
    pub older_url: Option<String>,
    /// The pages to link to, newest first; empty when there is one page.
    pub pages: Vec<PageLink>,
}

/// One link of a page navigation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct PageLink {
    /// The page number, or "الأحدث" for the front page.
    pub label: String,
    /// Its address.
    pub url: String,
    /// True for the page showing it.
    pub current: bool,
    /// A gap between pages ("…"), with no link.
    pub gap: bool,
}

/// Site path (below the base path) of `page` of a listing at `path`.
pub(crate) fn page_path(path: &str, page: Page) -> String {
    match page {
        Page::Front => path.to_string(),
        Page::Numbered(k) => format!("{path}page/{k}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(items: usize, per_page: usize) -> Vec<(Page, Range<usize>)> {
        let pages = Pages::new(items, per_page);
        pages.all().map(|p| (p, pages.range(p))).collect()
    }

    #[test]
    fn pages_cover_every_entry_once_newest_first() {
        for per_page in 1..6 {
            for items in 0..40 {
                let pages = Pages::new(items, per_page);
                let mut next = 0;
                for (page, range) in ranges(items, per_page) {
                    assert_eq!(range.start, next, "{items} items, {per_page} a page, {page:?}");
                    next = range.end;
                    for position in range.clone() {
                        assert_eq!(pages.page_of(position), page);
                    }
                    match page {
                        Page::Numbered(_) => assert_eq!(range.len(), per_page),
                        Page::Front => assert!(
                            range.len() >= per_page.min(items) && range.len() < 2 * per_page,
                            "front of {items} at {per_page}: {range:?}"
                        ),
                    }
                }
                assert_eq!(next, items);
            }
        }
    }

    #[test]
    fn numbered_pages_keep_their_entries_when_newer_ones_arrive() {
        // Entries named by age: 0 is the oldest. A numbered page must show
        // the same entries whatever is added at the top.
        let per_page = 3;
        let mut seen: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for items in 0..30 {
            let pages = Pages::new(items, per_page);
            for page in pages.all() {
                if let Page::Numbered(k) = page {
                    let ages: Vec<usize> = pages.range(page).map(|p| items - 1 - p).collect();
                    let first = seen.entry(k).or_insert_with(|| ages.clone());
                    assert_eq!(*first, ages, "page {k} at {items} items");
                }
            }
        }
        assert!(seen.len() >= 8);
    }

    #[test]
    fn navigation_links_newer_and_older_and_names_only_nearby_pages() {
        let pages = Pages::new(25, 2); // front 3 entries, pages 1..=11
        assert_eq!(pages.numbered(), 11);
        let url = |p: Page| page_path("x/", p);
        let front = pages.navigation(Page::Front, &url);
        assert_eq!(front.newer_url, None);
        assert_eq!(front.older_url.as_deref(), Some("x/page/11/"));
        let labels = |p: &Paginator| p.pages.iter().map(|l| l.label.clone()).collect::<Vec<_>>();
        assert_eq!(labels(&front), ["الأحدث", "11", "10", "", "1"]);
        let eleven = pages.navigation(Page::Numbered(11), &url);
        assert_eq!(eleven.newer_url.as_deref(), Some("x/"));
        assert_eq!(eleven.older_url.as_deref(), Some("x/page/10/"));
        let five = pages.navigation(Page::Numbered(5), &url);
        assert_eq!(labels(&five), ["الأحدث", "", "7", "6", "5", "4", "3", "", "1"]);
        assert!(five.pages.iter().any(|l| l.current && l.label == "5"));
        let one = pages.navigation(Page::Numbered(1), &url);
        assert_eq!(one.older_url, None);
        assert_eq!(one.newer_url.as_deref(), Some("x/page/2/"));
        // Page 5's navigation does not depend on how many pages are newer.
        let more = Pages::new(41, 2);
        assert_eq!(more.navigation(Page::Numbered(5), &url), five);
        // One page: no navigation.
        assert!(Pages::new(3, 2).navigation(Page::Front, &url).pages.is_empty());
    }
}
