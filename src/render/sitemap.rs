//! `sitemap.xml` for crawlers: every article and listing page with the date
//! it last changed, split into numbered files under a sitemap index when
//! the protocol's limits (50,000 URLs, 50 MiB a file) are passed; and
//! `robots.txt` pointing to it.

use crate::error::Result;
use crate::link::Site;
use crate::render::dates::DateFormat;
use crate::render::feeds::{absolute_url, xml_escape};
use crate::render::listings::listings;
use crate::render::paginate::{page_path, Pages};
use crate::render::theme::Theme;
use crate::render::OutputFile;
use chrono::{DateTime, FixedOffset};

/// How much one sitemap file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapLimits {
    /// URLs per file (the protocol allows 50,000).
    pub urls: usize,
    /// Bytes per file, uncompressed (the protocol allows 50 MiB).
    pub bytes: usize,
}

impl Default for SitemapLimits {
    /// The sitemap protocol's own limits.
    fn default() -> Self {
        SitemapLimits {
            urls: 50_000,
            bytes: 50 * 1024 * 1024,
        }
    }
}

/// One page a crawler should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Site path below the base path (`""`, `2022/12/slug/`, `tags/x/page/2/`).
    pub path: String,
    /// When the page last changed: the article's date, or a listing's newest
    /// member's; `None` when it has no dated article.
    pub lastmod: Option<DateTime<FixedOffset>>,
}

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Every page of the site worth crawling, in a fixed order: the listings
/// (home, years and months, tags, topics, the archive, topics and tags
/// indices, read-also pages) with all their pages, then the articles newest
/// first. The 404 page and alias redirects are left out.
///
/// A listing page's date is its newest article's (its numbered pages keep
/// their articles as the archive grows); topic and read-also pages get
/// their list's newest date, since every page shows the whole topic's
/// timeline or lists that new articles can change.
pub fn entries(site: &Site) -> Vec<Entry> {
    let config = &site.config;
    let per_page = config.per_page;
    let newest = |members: &[usize]| members.iter().filter_map(|&i| site.articles[i].date).max();
    let dates = DateFormat {
        style: config.date_style,
        digits: config.digits,
    };
    let mut entries = Vec::new();
    let paginated = |entries: &mut Vec<Entry>, path: &str, count: usize, lastmod| {
        for page in Pages::new(count, per_page).all() {
            entries.push(Entry {
                path: page_path(path, page),
                lastmod,
            });
        }
    };
    let all_listings = listings(site, &dates);
    let mut newest_tagged = None;
    for listing in &all_listings {
        if listing.kind == "tag" {
            newest_tagged = newest_tagged.max(newest(&listing.members));
        }
        // A listing page changes only with its own articles (see `paginate`).
        let pages = Pages::new(listing.members.len(), per_page);
        for page in pages.all() {
            entries.push(Entry {
                path: page_path(&listing.path, page),
                lastmod: newest(&listing.members[pages.range(page)]),
            });
        }
    }
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let newest_of_all = newest(&all);
    entries.push(Entry {
        path: "archive/".into(),
        lastmod: newest_of_all,
    });
    entries.push(Entry {
        path: "tags/".into(),
        lastmod: newest_tagged,
    });
    let members = site.topic_members();
    let mut newest_in_topics = None;
    for (topic, own) in config.topics.iter().zip(&members) {
        let lastmod = newest(own);
        newest_in_topics = newest_in_topics.max(lastmod);
        paginated(&mut entries, &format!("topics/{}/", topic.slug), own.len(), lastmod);
    }
    entries.push(Entry {
        path: "topics/".into(),
        lastmod: newest_in_topics,
    });
    paginated(&mut entries, "read-also/", site.articles.len(), newest_of_all);
    let corrected = crate::render::listings::corrected(site);
    entries.push(Entry {
        path: "corrections/".into(),
        lastmod: corrected
            .iter()
            .filter_map(|&i| site.articles[i].corrections.iter().map(|c| c.date).max())
            .max(),
    });
    entries.extend(site.articles.iter().map(|article| Entry {
        path: article.path().to_string(),
        lastmod: article.updated.max(article.date),
    }));
    entries
}

/// The sitemap files for `entries`: a single `sitemap.xml` when they fit
/// in one file, else `sitemap-1.xml`, `sitemap-2.xml`, … and a sitemap
/// index at `sitemap.xml` naming them. URLs are absolute and
/// percent-encoded; dates are W3C datetimes.
pub fn sitemaps(base_url: &str, entries: &[Entry], limits: SitemapLimits) -> Vec<OutputFile> {
    let header = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{NAMESPACE}\">\n");
    let footer = "</urlset>\n";
    // Each file: its URL elements and its newest date.
    let mut chunks: Vec<(String, usize, Option<DateTime<FixedOffset>>)> = Vec::new();
    for entry in entries {
        let mut url = String::with_capacity(160);
        url.push_str("  <url>\n    <loc>");
        url.push_str(&xml_escape(&absolute_url(base_url, &entry.path)));
        url.push_str("</loc>\n");
        if let Some(date) = entry.lastmod {
            url.push_str(&format!("    <lastmod>{}</lastmod>\n", date.to_rfc3339()));
        }
        url.push_str("  </url>\n");
        let fits = chunks.last().is_some_and(|(body, count, _)| {
            *count < limits.urls.max(1) && header.len() + body.len() + url.len() + footer.len() <= limits.bytes
        });
        if !fits {
            chunks.push((String::new(), 0, None));
        }
        if let Some((body, count, newest)) = chunks.last_mut() {
            body.push_str(&url);
            *count += 1;
            *newest = (*newest).max(entry.lastmod);
        }
    }
    let file = |path: String, body: &str| OutputFile {
        origin: format!("the sitemap /{path}"),
        bytes: format!("{header}{body}{footer}").into_bytes(),
        path,
    };
    if chunks.len() <= 1 {
        let body = chunks.first().map(|(body, _, _)| body.as_str()).unwrap_or_default();
        return vec![file("sitemap.xml".into(), body)];
    }
    let mut index = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{NAMESPACE}\">\n");
    let mut files = Vec::with_capacity(chunks.len() + 1);
    for (n, (body, _, newest)) in chunks.iter().enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        index.push_str("  <sitemap>\n    <loc>");
        index.push_str(&xml_escape(&absolute_url(base_url, &path)));
        index.push_str("</loc>\n");
        if let Some(date) = newest {
            index.push_str(&format!("    <lastmod>{}</lastmod>\n", date.to_rfc3339()));
        }
        index.push_str("  </sitemap>\n");
        files.push(file(path, body));
    }
    index.push_str("  <sitemap>\n    <loc>");
    index.push_str(&xml_escape(&absolute_url(base_url, NEWS_SITEMAP)));
    index.push_str("</loc>\n  </sitemap>\n");
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: index.into_bytes(),
        origin: "the sitemap index /sitemap.xml".into(),
    });
    files
}

/// Path of the Google News sitemap.
pub(crate) const NEWS_SITEMAP: &str = "news-sitemap.xml";

/// How far back the news sitemap reaches from the build's clock: Google
/// News reads articles of the last two days from it.
pub(crate) const NEWS_WINDOW_HOURS: i64 = 48;

/// `/news-sitemap.xml` in Google's news sitemap format: the articles
/// published in the [`NEWS_WINDOW_HOURS`] before the build's clock, newest
/// first, each with the publication's name and language, its date and its
/// headline. Empty (a valid `urlset`) when nothing is that recent.
pub(crate) fn news_sitemap(site: &Site) -> OutputFile {
    let config = &site.config;
    let now = site.schedule.now;
    let since = now - chrono::Duration::hours(NEWS_WINDOW_HOURS);
    let language = config
        .language
        .split(['-', '_'])
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or("ar")
        .to_ascii_lowercase();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{NAMESPACE}\" xmlns:news=\"{NEWS_NAMESPACE}\">\n"
    );
    // Articles are newest first: stop at the first one older than the window.
    for article in &site.articles {
        let Some(date) = article.date else { break };
        if date < since {
            break;
        }
        if date > now {
            continue; // a preview's future article (--future) is not news yet
        }
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&xml_escape(&absolute_url(&config.base_url, article.path())));
        xml.push_str("</loc>\n    <news:news>\n      <news:publication>\n");
        xml.push_str(&format!(
            "        <news:name>{}</news:name>\n",
            xml_escape(&config.title)
        ));
        xml.push_str(&format!(
            "        <news:language>{}</news:language>\n",
            xml_escape(&language)
        ));
        xml.push_str("      </news:publication>\n");
        xml.push_str(&format!(
            "      <news:publication_date>{}</news:publication_date>\n",
            date.to_rfc3339()
        ));
        xml.push_str(&format!(
            "      <news:title>{}</news:title>\n",
            xml_escape(&article.title)
        ));
        xml.push_str("    </news:news>\n  </url>\n");
    }
    xml.push_str("</urlset>\n");
    OutputFile {
        path: NEWS_SITEMAP.into(),
        bytes: xml.into_bytes(),
        origin: "the news sitemap /news-sitemap.xml".into(),
    }
}

const NEWS_NAMESPACE: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// `robots.txt` from the theme's `robots.txt` template (a site may replace
/// it with its own `templates/robots.txt`), which gets `site` and
/// `sitemap_url`.
pub(crate) fn robots(site: &Site, theme: &Theme) -> Result<OutputFile> {
    let bytes = theme.render(
        "robots.txt",
        serde_json::json!({
            "site": { "title": &site.config.title, "base_url": &site.config.base_url },
            "sitemap_url": absolute_url(&site.config.base_url, "sitemap.xml"),
            "news_sitemap_url": absolute_url(&site.config.base_url, NEWS_SITEMAP),
        }),
    )?;
    Ok(OutputFile {
        path: "robots.txt".into(),
        bytes,
        origin: "the theme's robots.txt".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, day: Option<u32>) -> Entry {
        Entry {
            path: path.into(),
            lastmod: day
                .map(|d| DateTime::parse_from_rfc3339(&format!("2022-12-{d:02}T00:00:00+00:00")).expect("test date")),
        }
    }

    fn text(file: &OutputFile) -> &str {
        std::str::from_utf8(&file.bytes).expect("UTF-8")
    }

    #[test]
    fn one_file_when_it_fits() {
        let entries = [entry("", Some(3)), entry("2022/12/ا/", Some(3)), entry("tags/", None)];
        let files = sitemaps("https://x.org/a/", &entries, SitemapLimits::default());
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "sitemap.xml");
        let xml = text(&files[0]);
        assert!(xml.contains("<loc>https://x.org/a/2022/12/%D8%A7/</loc>"), "{xml}");
        assert!(xml.contains("<lastmod>2022-12-03T00:00:00+00:00</lastmod>"), "{xml}");
        assert_eq!(xml.matches("<lastmod>").count(), 2, "no lastmod without a date: {xml}");
    }

    #[test]
    fn index_and_numbered_files_past_the_url_limit() {
        let entries: Vec<Entry> = (1..=5).map(|d| entry(&format!("p{d}/"), Some(d))).collect();
        let limits = SitemapLimits {
            urls: 2,
            bytes: 1 << 20,
        };
        let files = sitemaps("https://x.org/", &entries, limits);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
        );
        assert_eq!(text(&files[2]).matches("<url>").count(), 1);
        let index = text(&files[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://x.org/sitemap-2.xml</loc>\n    <lastmod>2022-12-04T00:00:00+00:00</lastmod>")
        );
    }

    #[test]
    fn byte_limit_splits_too() {
        let entries: Vec<Entry> = (1..=4).map(|d| entry(&format!("p{d}/"), None)).collect();
        let one = sitemaps("https://x.org/", &entries[..1], SitemapLimits::default());
        let limits = SitemapLimits {
            urls: 100,
            bytes: one[0].bytes.len() + 40,
        };
        let files = sitemaps("https://x.org/", &entries, limits);
        assert_eq!(files.len(), 5, "four files of one URL and the index");
        assert!(files[..4].iter().all(|f| f.bytes.len() <= limits.bytes));
    }
}
