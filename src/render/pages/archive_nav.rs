//! The way around the date archive: a month page's year (up), and the
//! month or year before and after with articles (`listing.nav` in
//! `list.html`).

use super::context::LinkContext;
use crate::link::Site;
use crate::render::dates::DateFormat;
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeSet;

/// The links of a year or month page.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub(crate) struct ArchiveNav {
    /// The year of a month page; the archive index for a year page.
    up: LinkContext,
    /// The month (or year) before, with articles.
    older: Option<LinkContext>,
    /// The month (or year) after, with articles.
    newer: Option<LinkContext>,
}

/// The months that have dated articles.
pub(crate) fn months(site: &Site) -> BTreeSet<(i32, u32)> {
    site.articles
        .iter()
        .filter_map(|a| a.date.map(|d| (d.year(), d.month())))
        .collect()
}

/// The navigation of the listing at `path` (`2022/` or `2022/12/`, below
/// the base path), none for other listings.
pub(crate) fn archive_nav(
    months: &BTreeSet<(i32, u32)>,
    dates: &DateFormat,
    base_path: &str,
    path: &str,
) -> Option<ArchiveNav> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let year_link = |y: i32| LinkContext {
        name: dates.number(&y.to_string()),
        url: format!("{base_path}{y:04}/"),
    };
    let month_link = |(y, m): (i32, u32)| LinkContext {
        name: dates.month(y, m),
        url: format!("{base_path}{y:04}/{m:02}/"),
    };
    match parts.as_slice() {
        [year] => {
            let year: i32 = year.parse().ok()?;
            let years: BTreeSet<i32> = months.iter().map(|&(y, _)| y).collect();
            Some(ArchiveNav {
                up: LinkContext {
                    name: "الأرشيف".to_string(),
                    url: format!("{base_path}archive/"),
                },
                older: years.range(..year).next_back().map(|&y| year_link(y)),
                newer: years.range(year + 1..).next().map(|&y| year_link(y)),
            })
        }
        [year, month] => {
            let key = (year.parse().ok()?, month.parse().ok()?);
            Some(ArchiveNav {
                up: year_link(key.0),
                older: months.range(..key).next_back().map(|&k| month_link(k)),
                newer: months.range((key.0, key.1 + 1)..).next().map(|&k| month_link(k)),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_links_to_its_year_and_the_months_around_it_with_articles() {
        let months: BTreeSet<(i32, u32)> = [(2021, 11), (2022, 1), (2022, 12), (2023, 1)].into_iter().collect();
        let dates = DateFormat {
            style: crate::config::DateStyle::Levantine,
            digits: crate::config::Digits::Western,
        };
        let nav = archive_nav(&months, &dates, "/", "2022/12/").expect("a month");
        assert_eq!(nav.up.url, "/2022/");
        assert_eq!(nav.older.as_ref().map(|l| l.url.as_str()), Some("/2022/01/"));
        assert_eq!(nav.newer.as_ref().map(|l| l.url.as_str()), Some("/2023/01/"));
        let first = archive_nav(&months, &dates, "/", "2021/11/").expect("a month");
        assert_eq!(first.older, None);
        let year = archive_nav(&months, &dates, "/", "2022/").expect("a year");
        assert_eq!(year.up.url, "/archive/");
        assert_eq!(year.older.map(|l| l.url), Some("/2021/".to_string()));
        assert_eq!(year.newer.map(|l| l.url), Some("/2023/".to_string()));
        assert!(archive_nav(&months, &dates, "/", "tags/x/").is_none());
    }
}
