//! Publishing: what crawlers, feed readers and social cards read. Feeds and
//! sitemaps parsed as XML, robots.txt, article metadata (Open Graph, JSON-LD),
//! alias redirects, and minified output.

mod common;

use common::*;
use std::collections::BTreeSet;

const BASE: &str = "https://example.org/arch/";
const HEADLINE: &str = "لاتشين <b>&</b> مغلق";

/// Percent-encodes a site path the way URLs in feeds and sitemaps must be.
fn encoded(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A small archive published below a path, with Arabic slugs, a headline
/// holding `&` and `<`, an article without a lede and an undated one.
fn news_site() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: \"أخبار & <تحليلات>\"\ndescription: أرشيف للاختبار\nbase_url: https://example.org/arch/\nper_page: 2\ntopics:\n  - slug: lachin\n    name: ممر لاتشين\n    min_mentions: 1\n    match: [لاتشين]\n",
    );
    site.write(
        "content/2022/a.md",
        md(
            "title: \"لاتشين <b>&</b> مغلق\"\ndate: 2022-12-13T10:00:00+03:00\nsummary: \"مقدمة & <تفاصيل> عن لاتشين\"\nslug: ممر-لاتشين\nauthor: \"كاتب & شريك\"\ntags: [أزمة إنسانية]",
            "نص عن لاتشين وعن الممر.",
        ),
    );
    site.write(
        "content/2022/2022-12-07-تجارة-لاتشين.txt",
        "تجارة عبر لاتشين\nمقدمة عن لاتشين.\nفقرة.\n",
    );
    site.write(
        "content/2023/b.md",
        md(
            "title: خبر بلا مقدمة\ndate: 2023-01-02",
            "## عنوان فرعي\n\nالفقرة الأولى من النص عن **لاتشين**.\n\nالفقرة الثانية عن لاتشين.",
        ),
    );
    site.write("content/undated.txt", "خبر بلا تاريخ\nمقدمة.\nفقرة.\n");
    site
}

/// The site paths of the pages a crawler should find: every HTML page but
/// the 404 page, the search page (`noindex`) and the given redirects.
fn crawlable_pages(site: &Site, redirects: &[&str]) -> BTreeSet<String> {
    tree(&site.public())
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| p.trim_end_matches("index.html").to_string())
        .filter(|p| p != "search/" && !redirects.contains(&p.as_str()))
        .collect()
}

fn is_w3c_datetime(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

#[test]
fn atom_feeds_are_valid_with_absolute_urls_summaries_and_escaping() {
    let site = news_site();
    site.build_ok(&[]);
    let newest = "2023-01-02T00:00:00+00:00";
    for (feed, page) in [("atom.xml", ""), ("topics/lachin/atom.xml", "topics/lachin/")] {
        let bytes = std::fs::read(site.public().join(feed)).unwrap();
        let xml = xml_elements(feed, &bytes);
        assert_eq!(xml[0].path, "feed");
        assert_eq!(
            xml[0].attributes.get("xmlns").map(String::as_str),
            Some("http://www.w3.org/2005/Atom")
        );
        for required in ["feed/id", "feed/title", "feed/updated", "feed/author/name"] {
            assert_eq!(xml_at(&xml, required).len(), 1, "{feed}: one {required}");
        }
        assert_eq!(xml_at(&xml, "feed/id")[0].text, format!("{BASE}{page}"));
        let links = xml_at(&xml, "feed/link");
        let self_link = links.iter().find(|l| l.attributes["rel"] == "self").expect("rel=self");
        assert_eq!(self_link.attributes["href"], format!("{BASE}{feed}"));
        let entries = xml_at(&xml, "feed/entry");
        assert_eq!(entries.len(), 3, "{feed}: the dated articles, never the undated one");
        for required in [
            "feed/entry/id",
            "feed/entry/title",
            "feed/entry/updated",
            "feed/entry/published",
            "feed/entry/link",
            "feed/entry/summary",
        ] {
            assert_eq!(
                xml_at(&xml, required).len(),
                entries.len(),
                "{feed}: {required} in every entry"
            );
        }
        for e in xml
            .iter()
            .filter(|e| e.path.ends_with("/updated") || e.path.ends_with("/published"))
        {
            assert!(is_w3c_datetime(&e.text), "{feed}: {} = {}", e.path, e.text);
        }
        // Updated from the articles' dates, never the build time.
        assert_eq!(xml_at(&xml, "feed/updated")[0].text, newest);
        assert_eq!(xml_at(&xml, "feed/entry/updated")[0].text, newest);
        let urls = xml
            .iter()
            .filter(|e| e.path.ends_with("id"))
            .map(|e| e.text.clone())
            .chain(xml.iter().filter_map(|e| e.attributes.get("href").cloned()));
        for url in urls {
            assert!(url.starts_with(BASE) && is_clean_absolute_url(&url), "{feed}: {url}");
        }
        let ids: Vec<&str> = xml_at(&xml, "feed/entry/id").iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            ids,
            [
                format!("{BASE}2023/01/b/"),
                format!("{BASE}{}", encoded("2022/12/ممر-لاتشين/")),
                format!("{BASE}{}", encoded("2022/12/تجارة-لاتشين/")),
            ]
        );
        let titles: Vec<&str> = xml_at(&xml, "feed/entry/title")
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(titles[1], HEADLINE);
        let summaries: Vec<&str> = xml_at(&xml, "feed/entry/summary")
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        // No lede: the opening paragraph of the text, without its markup.
        assert_eq!(summaries[0], "الفقرة الأولى من النص عن لاتشين.");
        assert_eq!(summaries[1], "مقدمة & <تفاصيل> عن لاتشين");
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("<title>لاتشين &lt;b&gt;&amp;&lt;/b&gt; مغلق</title>"),
            "{text}"
        );
    }
}

#[test]
fn sitemap_lists_every_page_with_dates_and_robots_points_to_it() {
    let site = news_site();
    site.build_ok(&[]);
    let bytes = std::fs::read(site.public().join("sitemap.xml")).unwrap();
    let xml = xml_elements("sitemap.xml", &bytes);
    assert_eq!(xml[0].path, "urlset");
    assert_eq!(
        xml[0].attributes.get("xmlns").map(String::as_str),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls = xml_at(&xml, "urlset/url");
    assert_eq!(xml_at(&xml, "urlset/url/loc").len(), urls.len(), "a loc in every url");
    let locs: Vec<String> = xml_at(&xml, "urlset/url/loc").iter().map(|e| e.text.clone()).collect();
    for loc in &locs {
        assert!(loc.starts_with(BASE) && is_clean_absolute_url(loc), "{loc}");
    }
    let listed: BTreeSet<String> = locs.iter().cloned().collect();
    assert_eq!(listed.len(), locs.len(), "no URL twice");
    let expected: BTreeSet<String> = crawlable_pages(&site, &[])
        .iter()
        .filter(|p| *p != "404.html")
        .map(|p| format!("{BASE}{}", encoded(p)))
        .collect();
    assert_eq!(listed, expected, "the sitemap lists exactly the pages written");
    for page in [
        "",
        "page/1/",
        "2022/12/",
        "tags/",
        "tags/أزمة-إنسانية/",
        "topics/",
        "topics/lachin/",
        "archive/",
        "read-also/",
        "articles/undated/",
    ] {
        assert!(listed.contains(&format!("{BASE}{}", encoded(page))), "/{page} missing");
    }
    // lastmod: an article's date; a listing page's newest member; none without a date.
    let lastmod = |page: &str| -> Option<String> {
        let loc = format!("{BASE}{}", encoded(page));
        let at = xml.iter().position(|e| e.path == "urlset/url/loc" && e.text == loc)?;
        xml.get(at + 1)
            .filter(|e| e.path == "urlset/url/lastmod")
            .map(|e| e.text.clone())
    };
    assert_eq!(
        lastmod("2022/12/ممر-لاتشين/").as_deref(),
        Some("2022-12-13T10:00:00+03:00")
    );
    assert_eq!(lastmod("").as_deref(), Some("2023-01-02T00:00:00+00:00"));
    // A numbered page keeps its articles as the archive grows: its own newest date.
    assert_eq!(lastmod("page/1/").as_deref(), Some("2022-12-07T00:00:00+00:00"));
    assert_eq!(lastmod("2022/").as_deref(), Some("2022-12-13T10:00:00+03:00"));
    assert_eq!(lastmod("tags/").as_deref(), Some("2022-12-13T10:00:00+03:00"));
    assert_eq!(lastmod("articles/undated/"), None);
    for e in xml_at(&xml, "urlset/url/lastmod") {
        assert!(is_w3c_datetime(&e.text), "{}", e.text);
    }
    let robots = String::from_utf8(site.snapshot()["robots.txt"].clone()).unwrap();
    assert!(robots.contains("User-agent: *"), "{robots}");
    assert!(
        robots.lines().any(|l| l == format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn a_site_may_write_its_own_robots_txt() {
    let site = news_site();
    site.write(
        "templates/robots.txt",
        "User-agent: GPTBot\nDisallow: /\n\nSitemap: {{ sitemap_url }}\n",
    );
    site.build_ok(&[]);
    assert_eq!(
        site.snapshot()["robots.txt"],
        format!("User-agent: GPTBot\nDisallow: /\n\nSitemap: {BASE}sitemap.xml\n").into_bytes()
    );
}

#[test]
fn sitemap_index_splits_past_the_limit() {
    use arshif::render::sitemap::{entries, sitemaps, SitemapLimits};
    let site = news_site();
    let prepared = arshif::pipeline::prepare(&arshif::pipeline::BuildOptions::new(&site.root)).expect("prepare");
    let entries = entries(&prepared.site);
    let whole = sitemaps(BASE, &entries, SitemapLimits::default());
    assert_eq!(whole.len(), 1, "the fixture fits in one file by default");
    let all_locs: Vec<String> = xml_at(&xml_elements("sitemap.xml", &whole[0].bytes), "urlset/url/loc")
        .iter()
        .map(|e| e.text.clone())
        .collect();
    assert!(all_locs.len() > 10, "{all_locs:?}");

    let limits = SitemapLimits {
        urls: 4,
        ..SitemapLimits::default()
    };
    let files = sitemaps(BASE, &entries, limits);
    let expected_files = all_locs.len().div_ceil(4);
    assert_eq!(files.len(), expected_files + 1, "numbered files and the index");
    let index_file = files.iter().find(|f| f.path == "sitemap.xml").expect("sitemap.xml");
    let index = xml_elements("sitemap.xml", &index_file.bytes);
    assert_eq!(index[0].path, "sitemapindex");
    let named: Vec<String> = xml_at(&index, "sitemapindex/sitemap/loc")
        .iter()
        .map(|e| e.text.clone())
        .collect();
    let mut numbered: Vec<String> = (1..=expected_files).map(|n| format!("{BASE}sitemap-{n}.xml")).collect();
    // The Google News sitemap is named in the index too.
    numbered.push(format!("{BASE}news-sitemap.xml"));
    assert_eq!(named, numbered);
    let mut split_locs = Vec::new();
    for n in 1..=expected_files {
        let path = format!("sitemap-{n}.xml");
        let file = files.iter().find(|f| f.path == path).expect("numbered sitemap");
        let xml = xml_elements(&path, &file.bytes);
        assert_eq!(xml[0].path, "urlset");
        let locs = xml_at(&xml, "urlset/url/loc");
        assert!(!locs.is_empty() && locs.len() <= 4, "{path}: {} URLs", locs.len());
        split_locs.extend(locs.iter().map(|e| e.text.clone()));
        // The index gives each file its newest URL's date.
        let newest = xml_at(&xml, "urlset/url/lastmod")
            .iter()
            .map(|e| chrono::DateTime::parse_from_rfc3339(&e.text).expect("W3C datetime"))
            .max();
        let at = index.iter().position(|e| e.text == numbered[n - 1]).expect("named");
        let given = index.get(at + 1).filter(|e| e.path == "sitemapindex/sitemap/lastmod");
        assert_eq!(given.map(|e| e.text.clone()), newest.map(|d| d.to_rfc3339()), "{path}");
    }
    assert_eq!(split_locs, all_locs, "the split files hold every URL once, in order");
}

/// Undoes the HTML escaping of an attribute value.
fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The unescaped `content` of `<meta {attr}="{name}" content="…">`, if any.
fn meta(html: &str, attr: &str, name: &str) -> Option<String> {
    let prefix = format!("<meta {attr}=\"{name}\" content=\"");
    attribute_values(html, &prefix).first().map(|v| unescape_html(v))
}

/// The page's JSON-LD, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let text = between(html, "<script type=\"application/ld+json\">", "</script>");
    assert!(
        !text.contains('<') && !text.contains('>') && !text.contains('&'),
        "{text}"
    );
    serde_json::from_str(text).unwrap_or_else(|err| panic!("JSON-LD is not JSON: {err}\n{text}"))
}

#[test]
fn article_pages_carry_open_graph_twitter_and_news_article_json_ld() {
    let site = news_site();
    site.build_ok(&[]);
    let path = "2022/12/ممر-لاتشين/";
    let url = format!("{BASE}{}", encoded(path));
    let html = site.page(path);
    let canonical = attribute_values(&html, "<link rel=\"canonical\" href=\"");
    assert_eq!(canonical, vec![url.clone()]);
    let site_title = "أخبار & <تحليلات>";
    let lede = "مقدمة & <تفاصيل> عن لاتشين";
    for (attr, name, expected) in [
        ("property", "og:type", "article"),
        ("property", "og:title", HEADLINE),
        ("property", "og:description", lede),
        ("property", "og:url", url.as_str()),
        ("property", "og:site_name", site_title),
        ("property", "og:locale", "ar_AR"),
        ("property", "article:published_time", "2022-12-13T10:00:00+03:00"),
        ("property", "article:tag", "أزمة إنسانية"),
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", HEADLINE),
        ("name", "twitter:description", lede),
        ("name", "description", lede),
    ] {
        assert_eq!(meta(&html, attr, name).as_deref(), Some(expected), "{name}");
    }
    assert!(
        html.contains("content=\"لاتشين &lt;b&gt;&amp;&lt;/b&gt; مغلق\""),
        "{html}"
    );

    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], HEADLINE);
    assert_eq!(ld["description"], lede);
    assert_eq!(ld["datePublished"], "2022-12-13T10:00:00+03:00");
    assert_eq!(ld["author"]["@type"], "Person");
    assert_eq!(ld["author"]["name"], "كاتب & شريك");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], site_title);
    assert_eq!(ld["publisher"]["url"], BASE);
    assert_eq!(ld["inLanguage"], "ar");
    assert_eq!(ld["mainEntityOfPage"]["@id"], url.as_str());
    assert_eq!(ld["url"], url.as_str());
    assert_eq!(ld["keywords"], serde_json::json!(["أزمة إنسانية"]));
    let raw = between(&html, "<script type=\"application/ld+json\">", "</script>");
    assert!(raw.contains("\\u003cb\\u003e\\u0026\\u003c/b\\u003e"), "{raw}");

    // No byline: the site is the author, as an Organization.
    let ld = json_ld(&site.page("2023/01/b/"));
    assert_eq!(ld["author"]["@type"], "Organization");
    assert_eq!(ld["author"]["name"], site_title);
    assert_eq!(ld["description"], "الفقرة الأولى من النص عن لاتشين.");
    // No date: no published time anywhere.
    let undated = site.page("articles/undated/");
    assert_eq!(meta(&undated, "property", "article:published_time"), None);
    assert!(json_ld(&undated).get("datePublished").is_none());
}

#[test]
fn every_other_page_has_open_graph_basics() {
    let site = news_site();
    site.build_ok(&[]);
    for page in [
        "",
        "page/1/",
        "2022/",
        "tags/",
        "topics/",
        "topics/lachin/",
        "archive/",
        "read-also/",
    ] {
        let html = site.page(page);
        let url = format!("{BASE}{}", encoded(page));
        assert_eq!(
            meta(&html, "property", "og:url").as_deref(),
            Some(url.as_str()),
            "/{page}"
        );
        assert_eq!(
            attribute_values(&html, "<link rel=\"canonical\" href=\""),
            vec![url.clone()],
            "/{page}"
        );
        assert_eq!(
            meta(&html, "property", "og:site_name").as_deref(),
            Some("أخبار & <تحليلات>"),
            "/{page}"
        );
        assert_eq!(
            meta(&html, "property", "og:type").as_deref(),
            Some("website"),
            "/{page}"
        );
        assert!(
            meta(&html, "property", "og:title").is_some_and(|t| !t.is_empty()),
            "/{page}"
        );
        assert!(
            !html.contains("application/ld+json"),
            "/{page}: JSON-LD is for articles"
        );
    }
}

#[test]
fn aliases_write_redirect_pages_at_the_old_addresses() {
    let site = news_site();
    site.write(
        "content/2022/moved.md",
        md(
            "title: \"نقل <خبر> & تحديث\"\ndate: 2022-12-20\naliases:\n  - /old/story/\n  - old-story.html\n  - \"/%D9%82%D8%AF%D9%8A%D9%85/\"\n  - https://example.org/arch/legacy/1234",
            "نص.",
        ),
    );
    site.build_ok(&[]);
    let target = format!("{BASE}2022/12/moved/");
    for page in ["old/story/", "old-story.html", "قديم/", "legacy/1234/"] {
        let html = site.page(page);
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"),
            "{page}: {html}"
        );
        assert!(html.contains("<meta charset=\"utf-8\">"), "{page}");
        assert!(
            html.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">")),
            "{page}: {html}"
        );
        assert_eq!(
            attribute_values(&html, "<link rel=\"canonical\" href=\""),
            vec![target.clone()]
        );
        assert!(
            html.contains(&format!("<a href=\"{target}\">")),
            "{page}: a visible link"
        );
        assert!(
            html.contains("<title>نقل &lt;خبر&gt; &amp; تحديث</title>"),
            "{page}: {html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "{page}");
    }
    // Redirects are not pages to index: the sitemap leaves them out.
    let sitemap = String::from_utf8(site.snapshot()["sitemap.xml"].clone()).unwrap();
    assert!(!sitemap.contains("old"), "{sitemap}");
    assert!(sitemap.contains(&format!("<loc>{target}</loc>")));
}

#[test]
fn an_alias_that_leaves_the_output_folder_is_an_error_naming_file_and_line() {
    for (alias, line) in [
        ("../../outside/", 6),
        ("\"%2e%2e/%2E%2E/outside\"", 6),
        ("\"a%00b\"", 6),
        ("'C:\\Windows\\x'", 6),
        ("file:///etc/passwd", 6),
    ] {
        let site = Site::new();
        let file = site.write(
            "content/2022/a.md",
            md(
                &format!("title: أ\ndate: 2022-12-01\naliases:\n  - /fine/\n  - {alias}"),
                "نص.",
            ),
        );
        let run = site.build_fails_without_output(&[]);
        let expected = format!("{}:{line}: error: alias `", file.display());
        assert!(
            run.stderr.contains(&expected),
            "{alias}: expected `{expected}` in\n{run}"
        );
        assert!(!site.outer.join("outside").exists());
    }
}

#[test]
fn an_alias_that_collides_with_a_page_or_another_alias_names_both_files() {
    let site = Site::new();
    let a = site.write(
        "content/2022/a.md",
        md("title: أ\ndate: 2022-12-01\naliases: [/2022/12/b/]", "نص."),
    );
    let b = site.write("content/2022/b.md", md("title: ب\ndate: 2022-12-02", "نص."));
    let run = site.build_fails_without_output(&[]);
    let line = run
        .stderr_lines("alias `/2022/12/b/`")
        .first()
        .map(|l| l.trim_start().to_string())
        .unwrap_or_else(|| panic!("no alias error:\n{run}"));
    assert!(line.starts_with(&format!("{}:4: error:", a.display())), "{line}");
    assert!(
        line.contains(&b.display().to_string()),
        "the page's file is named: {line}"
    );
    assert!(line.contains("/2022/12/b/index.html"), "{line}");

    let site = Site::new();
    let a = site.write(
        "content/2022/a.md",
        md("title: أ\ndate: 2022-12-01\naliases: [/old/]", "نص."),
    );
    let b = site.write(
        "content/2022/b.md",
        md("title: ب\ndate: 2022-12-02\naliases:\n  - old", "نص."),
    );
    let run = site.build_fails_without_output(&[]);
    let errors = run.stderr_lines("error: alias");
    assert_eq!(errors.len(), 1, "{run}");
    // Newest first: b claims the path, a is the one reported.
    assert!(
        errors[0].trim_start().starts_with(&format!("{}:4:", a.display())),
        "{run}"
    );
    assert!(errors[0].contains(&b.display().to_string()), "{run}");

    // Generated files other than pages are protected too.
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md("title: أ\ndate: 2022-12-01\naliases: [sitemap.xml, robots.txt/]", "نص."),
    );
    let run = site.build_fails_without_output(&[]);
    assert!(
        run.stderr.contains("alias `sitemap.xml` would replace /sitemap.xml"),
        "{run}"
    );
    assert!(
        run.stderr.contains("alias `robots.txt/` needs a folder /robots.txt/"),
        "{run}"
    );
}

#[test]
fn minified_output_is_smaller_keeps_json_ld_and_is_stable() {
    let plain = news_site();
    plain.build_ok(&[]);
    let minified = news_site();
    let config = std::fs::read_to_string(minified.root.join("site.yaml")).unwrap();
    minified.write("site.yaml", format!("minify: true\n{config}"));
    minified.build_ok(&[]);
    let before = plain.snapshot();
    let after = minified.snapshot();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let size = |files: &Snapshot, ext: &str| -> usize {
        files
            .iter()
            .filter(|(p, _)| p.ends_with(ext))
            .map(|(_, b)| b.len())
            .sum()
    };
    assert!(
        size(&after, ".html") * 10 < size(&before, ".html") * 9,
        "HTML not 10% smaller"
    );
    assert!(
        after["theme.css"].len() < before["theme.css"].len(),
        "theme.css not smaller"
    );
    for (path, bytes) in &after {
        if path.ends_with(".html") {
            assert!(bytes.len() < before[path].len(), "{path} not smaller");
        } else if path != "theme.css" {
            assert_eq!(bytes, &before[path], "{path}: only HTML and CSS are minified");
        }
    }
    // Metadata survives: the JSON-LD is data, left as it was.
    let article = String::from_utf8(after["2022/12/ممر-لاتشين/index.html"].clone()).unwrap();
    let ld: serde_json::Value =
        serde_json::from_str(between(&article, "<script type=application/ld+json>", "</script>")).expect("JSON-LD");
    assert_eq!(ld["headline"], HEADLINE);
    // Byte-identical from build to build, whatever the thread count.
    minified.build_with_env(&[], &[("RAYON_NUM_THREADS", "1")]).assert_ok();
    assert_same_files(&after, &minified.snapshot(), "second minified build");
}
