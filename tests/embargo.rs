//! Embargoes and scheduled publishing: the build's clock (`--now`) holds
//! back articles dated or `publish_at` after it from every output;
//! `--future` previews them, marked. And the Google News sitemap, whose
//! 48-hour window is measured from the same clock.

mod common;

use common::*;

/// Three published articles about one topic, an embargoed one dated in
/// the "future" of the clocks the tests pass, and one with `publish_at`.
fn scheduled_site() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: وكالة\nper_page: 2\nsections:\n  world:\n    name: دولي\ntopics:\n  - slug: oil\n    name: نفط\n    match: [النفط, أوبك]\n",
    );
    for (day, title) in [
        (1, "أوبك تخفض إنتاج النفط"),
        (2, "أسعار النفط ترتفع"),
        (3, "النفط يتراجع مع أوبك"),
    ] {
        site.write(
            &format!("content/2023/2023-01-0{day}-p{day}.md"),
            md(
                &format!("title: {title}\ndate: 2023-01-0{day}T10:00:00+00:00\ncategory: world\nauthor: مكتب فيينا\ntags: [طاقة]"),
                &format!("{title}. النفط وأوبك في تقرير مفصل عن النفط."),
            ),
        );
    }
    site.write(
        "content/2023/2023-01-10-embargoed.md",
        md(
            "title: قرار أوبك السري بشأن النفط\ndate: 2023-01-10T06:00:00+00:00\ncategory: world\nauthor: مراسل حصري\ntags: [حصري]\nread_also: [أسعار النفط ترتفع]",
            "أوبك تقرر خفض النفط. النفط النفط أوبك.",
        ),
    );
    site.write(
        "content/2023/2023-01-02-later.md",
        md(
            "title: مقال مجدول عن الطقس\ndate: 2023-01-02\npublish_at: 2023-01-09T00:00:00+00:00",
            "طقس بارد.",
        ),
    );
    site
}

const EMBARGOED: &str = "قرار أوبك السري";
const SCHEDULED: &str = "مقال مجدول";

/// Every output file (path and text) that names `needle`.
fn files_naming(site: &Site, output: &std::path::Path, needle: &str) -> Vec<String> {
    let _ = site;
    snapshot(output)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn future_articles_are_held_from_every_output_until_the_clock_reaches_them() {
    let site = scheduled_site();
    let run = site.build_ok(&["--no-cache", "--now", "2023-01-05T00:00:00+00:00"]);
    for needle in [EMBARGOED, SCHEDULED, "embargoed", "later", "مراسل حصري", "حصري"] {
        assert_eq!(
            files_naming(&site, &site.public(), needle),
            Vec::<String>::new(),
            "`{needle}` leaked while held"
        );
    }
    assert!(
        !site.has_page("authors/مراسل-حصري/"),
        "no author page for a held byline"
    );
    assert!(
        run.stdout.contains("held back 2 articles") && run.stdout.contains("2023-01-09T00:00:00+00:00"),
        "the build says how many are held and when the next is due:\n{run}"
    );
    // At the publish_at time the scheduled one appears, the embargoed one not yet.
    site.build_ok(&["--no-cache", "--now", "2023-01-09T00:00:00+00:00"]);
    assert!(site.has_page("2023/01/later/"));
    assert!(!site.has_page("2023/01/embargoed/"));
    // Past its date it is everywhere: page, home, section, topic, author,
    // tag, feeds, sitemap, search, read-also.
    site.build_ok(&["--no-cache", "--now", "2023-01-10T06:00:00+00:00"]);
    let found = files_naming(&site, &site.public(), EMBARGOED);
    for expected in [
        "2023/01/embargoed/index.html",
        "index.html",
        "sections/world/index.html",
        "topics/oil/index.html",
        "atom.xml",
        "topics/oil/atom.xml",
        "read-also.json",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} should name it: {found:?}"
        );
    }
    assert!(
        found.iter().any(|f| f.starts_with("search/")),
        "search files: {found:?}"
    );
    assert!(site.has_page("authors/مراسل-حصري/"));
    assert!(site.has_page("tags/حصري/"));
    let sitemap = std::fs::read(site.public().join("sitemap.xml")).expect("sitemap");
    assert!(xml_texts(&sitemap, "loc")
        .iter()
        .any(|l| l.ends_with("/2023/01/embargoed/")));
}

#[test]
fn future_previews_them_marked() {
    let site = scheduled_site();
    site.build_ok(&["--no-cache", "--now", "2023-01-05T00:00:00+00:00", "--future"]);
    let page = site.page("2023/01/embargoed/");
    assert!(page.contains("<p class=\"scheduled\">"), "{}", main_of(&page));
    let home = site.page("");
    assert!(home.contains(EMBARGOED) && home.contains("class=\"scheduled\""));
    // A published article is not marked.
    assert!(!site.page("2023/01/p1/").contains("class=\"scheduled\""));
}

#[test]
fn the_same_clock_gives_the_same_bytes() {
    let site = scheduled_site();
    let first = site.outer.join("first");
    let second = site.outer.join("second");
    for out in [&first, &second] {
        site.build_ok(&[
            "--no-cache",
            "--now",
            "2023-01-05T00:00:00+00:00",
            "--output",
            &out.display().to_string(),
        ]);
    }
    assert_same_files(&snapshot(&first), &snapshot(&second), "two builds at one clock");
}

#[test]
fn an_incremental_build_past_an_embargo_equals_a_clean_build() {
    let site = scheduled_site();
    site.build_ok(&["--now", "2023-01-05T00:00:00+00:00"]);
    for now in ["2023-01-09T00:00:00+00:00", "2023-01-11T00:00:00+00:00", "2023-01-20"] {
        site.build_ok(&["--now", now]);
        let clean = site.outer.join("clean");
        let _ = std::fs::remove_dir_all(&clean);
        site.build_ok(&["--no-cache", "--now", now, "--output", &clean.display().to_string()]);
        assert_same_files(
            &site.snapshot(),
            &snapshot(&clean),
            &format!("incremental build at {now}"),
        );
    }
    // And back: a clock moved back holds the article again.
    site.build_ok(&["--now", "2023-01-05T00:00:00+00:00"]);
    assert!(!site.has_page("2023/01/embargoed/"));
}

#[test]
fn news_sitemap_lists_the_48_hours_before_the_clock() {
    let site = scheduled_site();
    site.build_ok(&["--no-cache", "--now", "2023-01-03T12:00:00+00:00"]);
    let bytes = std::fs::read(site.public().join("news-sitemap.xml")).expect("news sitemap");
    assert_well_formed_xml("news-sitemap.xml", &bytes);
    let elements = xml_elements("news-sitemap.xml", &bytes);
    let locs: Vec<&str> = xml_at(&elements, "urlset/url/loc")
        .iter()
        .map(|e| e.text.as_str())
        .collect();
    // 2023-01-01T10:00 is 50 hours before: outside; the 2nd and 3rd inside;
    // the scheduled one (dated the 2nd) is held, the embargoed one future.
    assert_eq!(
        locs,
        ["http://127.0.0.1:1111/2023/01/p3/", "http://127.0.0.1:1111/2023/01/p2/"]
    );
    let names: Vec<&str> = xml_at(&elements, "urlset/url/news/publication/name")
        .iter()
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(names, ["وكالة", "وكالة"]);
    assert_eq!(xml_at(&elements, "urlset/url/news/publication/language")[0].text, "ar");
    assert_eq!(
        xml_at(&elements, "urlset/url/news/publication_date")[0].text,
        "2023-01-03T10:00:00+00:00"
    );
    assert_eq!(xml_at(&elements, "urlset/url/news/title")[1].text, "أسعار النفط ترتفع");
    let robots = site.page("robots.txt");
    assert!(
        robots.contains("Sitemap: http://127.0.0.1:1111/news-sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn a_clock_that_is_no_time_is_refused() {
    let site = scheduled_site();
    let run = site.build_fails_without_output(&["--no-cache", "--now", "tomorrow"]);
    assert!(run.stderr.contains("`tomorrow` is not a time"), "{run}");
}

#[test]
fn check_looks_at_held_articles_too() {
    let site = scheduled_site();
    site.write(
        "content/2099/2099-01-01-far.md",
        md(
            "title: مقال بعيد\ndate: 2099-01-01\ncategory: unknownDesk",
            "[رابط](missing.md)",
        ),
    );
    let mut command = arshif();
    command.arg("check").arg("--root").arg(&site.root);
    let run = run(command);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("broken-link") && out.contains("2099-01-01-far.md"),
        "{run}"
    );
    assert!(out.contains("unmapped-section") && out.contains("unknownDesk"), "{run}");
}
