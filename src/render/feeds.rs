//! Feeds (the site's, and each topic's, section's and author's), in
//! Atom 1.0 and RSS 2.0, and absolute URLs.

use crate::link::Site;
use crate::render::excerpt::description;
use crate::render::OutputFile;

/// Entries in a feed: the newest articles.
pub(crate) const FEED_ENTRIES: usize = 20;

/// Escapes text for XML, dropping characters XML 1.0 cannot hold.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `base_url` joined with a site path, non-ASCII and reserved bytes
/// percent-encoded so that every feed reader and crawler accepts it (the
/// base keeps its ASCII as written, its non-ASCII bytes are encoded too).
pub(crate) fn absolute_url(base_url: &str, path: &str) -> String {
    let mut url = String::with_capacity(base_url.len() + path.len() * 3);
    for byte in base_url.bytes() {
        if byte.is_ascii() {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'.' | b'~') {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// What a feed is about.
pub(crate) struct FeedSpec<'a> {
    /// Feed title.
    pub title: &'a str,
    /// Feed subtitle (may be empty).
    pub subtitle: &'a str,
    /// Path of the feed file below the base path, e.g. `topics/x/atom.xml`.
    pub feed_path: String,
    /// Path of the HTML page the feed follows, e.g. `topics/x/`.
    pub page_path: String,
    /// Articles (indices, newest first); undated ones are left out.
    pub members: &'a [usize],
}

/// The formats a feed is written in (`feeds:` in `site.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    /// Atom 1.0, `atom.xml`.
    Atom,
    /// RSS 2.0, `rss.xml`.
    Rss,
}

impl FeedFormat {
    /// The feed's file name.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Rss => "rss.xml",
        }
    }
}

/// The feed file of `format` in the folder of `page_path` (`topics/x/` → `topics/x/rss.xml`).
pub(crate) fn feed_path(page_path: &str, format: FeedFormat) -> String {
    format!("{page_path}{}", format.file_name())
}

/// The newest dated articles of `members`, at most [`FEED_ENTRIES`].
fn feed_entries(site: &Site, members: &[usize]) -> Vec<usize> {
    members
        .iter()
        .copied()
        .filter(|&i| site.articles[i].date.is_some())
        .take(FEED_ENTRIES)
        .collect()
}

/// Writes the feed of `spec` in `format`.
pub(crate) fn feed(site: &Site, spec: &FeedSpec, format: FeedFormat) -> crate::error::Result<OutputFile> {
    match format {
        FeedFormat::Atom => atom(site, spec),
        FeedFormat::Rss => rss(site, spec),
    }
}

/// An article's photo for a feed entry: its absolute address (the 16:9
/// crop; a remote photo's own) and the attributes that describe it (type,
/// and in RSS's `media:content` the size).
fn feed_photo(site: &Site, index: usize) -> Option<(String, String)> {
    let view = site.photos.view(&site.config, index)?;
    match view.social {
        Some(crop) => Some((
            crop.url,
            format!(
                " type=\"{}\" width=\"{}\" height=\"{}\"",
                crop.mime, crop.width, crop.height
            ),
        )),
        None => {
            let url = if view.src.starts_with("http://") || view.src.starts_with("https://") {
                view.src
            } else {
                absolute_url(
                    &site.config.base_url,
                    view.src.strip_prefix(site.config.base_path()).unwrap_or(&view.src),
                )
            };
            Some((url, String::new()))
        }
    }
}

/// Writes an RSS 2.0 feed of the newest dated articles of `spec.members`
/// (at `spec.page_path` + `rss.xml`). Dates are RFC 822 (as RSS wants)
/// in each article's own offset; bylines go in `dc:creator`, RSS's own
/// `author` wanting an e-mail address.
pub(crate) fn rss(site: &Site, spec: &FeedSpec) -> crate::error::Result<OutputFile> {
    let config = &site.config;
    let base = &config.base_url;
    let entries = feed_entries(site, spec.members);
    let path = feed_path(&spec.page_path, FeedFormat::Rss);
    let page_url = absolute_url(base, &spec.page_path);
    // Like Atom's <updated>: the newest entry's time, never the build's.
    let newest = entries
        .iter()
        .filter_map(|&i| site.articles[i].updated.max(site.articles[i].date))
        .max();
    let mut xml = String::with_capacity(2048 + entries.len() * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    // Media RSS's namespace only where an entry has a photo: feeds without
    // photos stay as they were.
    let media = if entries.iter().any(|&i| feed_photo(site, i).is_some()) {
        " xmlns:media=\"http://search.yahoo.com/mrss/\""
    } else {
        ""
    };
    xml.push_str(&format!(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"{media}>\n<channel>\n"
    ));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(spec.title)));
    xml.push_str(&format!("  <link>{}</link>\n", xml_escape(&page_url)));
    let channel_description = if spec.subtitle.is_empty() {
        spec.title
    } else {
        spec.subtitle
    };
    xml.push_str(&format!(
        "  <description>{}</description>\n",
        xml_escape(channel_description)
    ));
    xml.push_str(&format!("  <language>{}</language>\n", xml_escape(&config.language)));
    if let Some(newest) = newest {
        xml.push_str(&format!("  <lastBuildDate>{}</lastBuildDate>\n", newest.to_rfc2822()));
    }
    xml.push_str(&format!(
        "  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"{}\"/>\n",
        xml_escape(&absolute_url(base, &path))
    ));
    xml.push_str("  <generator>arshif</generator>\n");
    for &i in &entries {
        let article = &site.articles[i];
        let url = xml_escape(&absolute_url(base, article.path()));
        xml.push_str("  <item>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&article.title)));
        xml.push_str(&format!("    <link>{url}</link>\n"));
        xml.push_str(&format!("    <guid isPermaLink=\"true\">{url}</guid>\n"));
        if let Some(date) = article.date {
            xml.push_str(&format!("    <pubDate>{}</pubDate>\n", date.to_rfc2822()));
        }
        for author in article.authors.iter().filter(|a| !a.trim().is_empty()) {
            xml.push_str(&format!("    <dc:creator>{}</dc:creator>\n", xml_escape(author)));
        }
        for &topic in &site.links[i].topics {
            xml.push_str(&format!(
                "    <category>{}</category>\n",
                xml_escape(&site.config.topics[topic].name)
            ));
        }
        if let Some(summary) = description(article)? {
            xml.push_str(&format!("    <description>{}</description>\n", xml_escape(&summary)));
        }
        if let Some(photo) = feed_photo(site, i) {
            xml.push_str(&format!(
                "    <media:content medium=\"image\" url=\"{}\"{}/>\n",
                xml_escape(&photo.0),
                photo.1
            ));
        }
        xml.push_str("  </item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    Ok(OutputFile {
        origin: format!("the feed /{path}"),
        path,
        bytes: xml.into_bytes(),
    })
}

/// Writes an Atom feed of the newest dated articles of `spec.members`.
pub(crate) fn atom(site: &Site, spec: &FeedSpec) -> crate::error::Result<OutputFile> {
    let base = &site.config.base_url;
    let entries = feed_entries(site, spec.members);
    // The feed changes when its newest entry does, never with the build time.
    let updated = entries
        .iter()
        .filter_map(|&i| site.articles[i].updated.max(site.articles[i].date))
        .max()
        .map(|d| d.to_rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_string());
    let page_url = absolute_url(base, &spec.page_path);
    let mut xml = String::with_capacity(2048 + entries.len() * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&site.config.language)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(spec.title)));
    if !spec.subtitle.is_empty() {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(spec.subtitle)));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&absolute_url(base, &spec.feed_path))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&page_url)
    ));
    xml.push_str(&format!("  <id>{}</id>\n", xml_escape(&page_url)));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&site.config.title)
    ));
    xml.push_str("  <generator>arshif</generator>\n");
    for &i in &entries {
        let article = &site.articles[i];
        let url = xml_escape(&absolute_url(base, article.path()));
        let date = article.date_string().unwrap_or_default();
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&article.title)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"
        ));
        xml.push_str(&format!("    <id>{url}</id>\n"));
        xml.push_str(&format!("    <published>{date}</published>\n"));
        let updated = article
            .updated
            .max(article.date)
            .map(|d| d.to_rfc3339())
            .unwrap_or_default();
        xml.push_str(&format!("    <updated>{updated}</updated>\n"));
        for author in article.authors.iter().filter(|a| !a.trim().is_empty()) {
            xml.push_str(&format!("    <author><name>{}</name></author>\n", xml_escape(author)));
        }
        for &topic in &site.links[i].topics {
            let topic = &site.config.topics[topic];
            xml.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                xml_escape(&topic.slug),
                xml_escape(&topic.name)
            ));
        }
        // The lede, or the opening of the text when there is none.
        if let Some(summary) = description(article)? {
            xml.push_str(&format!("    <summary>{}</summary>\n", xml_escape(&summary)));
        }
        if let Some((url, attributes)) = feed_photo(site, i) {
            xml.push_str(&format!(
                "    <link rel=\"enclosure\" href=\"{}\"{attributes}/>\n",
                xml_escape(&url)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(OutputFile {
        path: spec.feed_path.clone(),
        bytes: xml.into_bytes(),
        origin: format!("the feed /{}", spec.feed_path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_percent_encoded() {
        assert_eq!(
            absolute_url("https://x.org/", "2022/12/a-b/"),
            "https://x.org/2022/12/a-b/"
        );
        assert_eq!(
            absolute_url("https://x.org/", "articles/صين/"),
            "https://x.org/articles/%D8%B5%D9%8A%D9%86/"
        );
        assert_eq!(
            absolute_url("https://x.org/أ/", "a b?"),
            "https://x.org/%D8%A3/a%20b%3F"
        );
    }

    #[test]
    fn xml_escaping_drops_control_characters() {
        assert_eq!(xml_escape("a & <b> \"c\" \u{1}d"), "a &amp; &lt;b&gt; &quot;c&quot; d");
    }
}
