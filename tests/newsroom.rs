//! A newsroom's site: sections from `category`, author pages, updates and
//! corrections, on fixture sites built by the real binary.

mod common;

use common::*;

/// A small newsroom: two sections (one mapped, one not), two authors with a
/// shared byline, an updated and corrected article.
fn newsroom() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "per_page: 2\ntimezone: Asia/Beirut\nsections:\n  internationalNews:\n    name: دولي\n    description: أخبار العالم.\n    order: 1\n  economy:\n    name: اقتصاد\n    order: 2\nauthors:\n  سارة خليل:\n    slug: sara\n    bio: مراسلة الشؤون الدولية.\n    photo: https://img.example.org/sara.jpg\n    url: https://sara.example.org/\n    links: [https://x.example.org/sara]\n",
    );
    site.write(
        "content/2022/2022-12-01-a.md",
        md(
            "title: قمة في بكين\ndate: 2022-12-01T09:30:00+00:00\ncategory: internationalNews\nauthor: سارة خليل و وليد حداد",
            "التقى الزعيمان في بكين.",
        ),
    );
    site.write(
        "content/2022/2022-12-02-b.md",
        md(
            "title: اجتماع في موسكو\ndate: 2022-12-02\ncategory: internationalNews\nauthor: [سارة خليل]",
            "اجتمع الوزراء في موسكو.",
        ),
    );
    site.write(
        "content/2022/2022-12-03-c.md",
        md(
            "title: تقرير عن الأسواق\ndate: 2022-12-03\ncategory: internationalNews\nauthor: وليد حداد",
            "ارتفعت الأسواق.",
        ),
    );
    site.write(
        "content/2022/2022-12-04-d.md",
        md(
            "title: خبر رياضي\ndate: 2022-12-29T11:01:00+00:00\ncategory: sportNews\nupdated: 2022-12-30T08:15:00+00:00\ncorrections:\n  - date: 2022-12-30T08:15:00+00:00\n    text: ذُكر خطأً أن المباراة في باريس.\n  - date: 2022-12-29T20:00:00+00:00\n    text: صُحّح اسم اللاعب.",
            "فاز الفريق.",
        ),
    );
    site
}

#[test]
fn sections_have_arabic_names_pages_feeds_a_menu_and_linked_kickers() {
    let site = newsroom();
    site.build_ok(&["--no-cache"]);
    // The mapped section, named in Arabic (3 articles at 2 a page: the
    // front page holds them all until a numbered page fills).
    let front = site.page("sections/international-news/");
    assert!(
        front.contains("<h1>دولي</h1>") || front.contains(">دولي<"),
        "{}",
        main_of(&front)
    );
    assert!(front.contains("أخبار العالم."));
    assert_eq!(listed(main_of(&front)).len(), 3, "{}", main_of(&front));
    assert!(
        front.contains("href=\"/sections/international-news/atom.xml\""),
        "feed announced"
    );
    let feed = std::fs::read(site.public().join("sections/international-news/atom.xml")).expect("section feed");
    assert_well_formed_xml("section feed", &feed);
    assert_eq!(xml_texts(&feed, "title").len(), 4, "feed title and three entries");
    // The unmapped section still gets its page, named by its key.
    let sport = site.page("sections/sport-news/");
    assert!(main_of(&sport).contains("sportNews"), "{}", main_of(&sport));
    // The menu lists the mapped sections in order, then the unmapped one.
    let home = site.page("");
    let nav = between(&home, "<nav class=\"site-nav\"", "</nav>");
    let at = |needle: &str| nav.find(needle).unwrap_or_else(|| panic!("{needle} not in {nav}"));
    assert!(at(">دولي<") < at("sportNews"), "{nav}");
    assert!(
        !nav.contains("اقتصاد"),
        "a section without articles is not in the menu: {nav}"
    );
    // The kicker names the section and links to its page, never the raw key.
    let article = site.page("2022/12/a/");
    let kicker = between(&article, "<p class=\"kicker\">", "</p>");
    assert!(kicker.contains("href=\"/sections/international-news/\""), "{kicker}");
    assert!(
        kicker.contains("دولي") && !kicker.contains("internationalNews"),
        "{kicker}"
    );
    assert!(article.contains("<meta property=\"article:section\" content=\"دولي\">"));
    assert!(article.contains("\"articleSection\":\"دولي\""));
}

#[test]
fn section_pages_keep_their_numbers_as_the_section_grows() {
    let site = newsroom();
    site.write(
        "site.yaml",
        "per_page: 1\nsections:\n  internationalNews:\n    name: دولي\n",
    );
    site.build_ok(&["--no-cache"]);
    let page1 = site.page("sections/international-news/page/1/");
    assert_eq!(listed(main_of(&page1)), ["/2022/12/a/"], "page 1 holds the oldest");
    site.write(
        "content/2022/2022-12-05-e.md",
        md(
            "title: خبر دولي جديد\ndate: 2022-12-05\ncategory: internationalNews",
            "نص.",
        ),
    );
    site.build_ok(&["--no-cache"]);
    // Its articles stay (its navigation gains the new page's number).
    assert_eq!(
        listed(main_of(&site.page("sections/international-news/page/1/"))),
        listed(main_of(&page1)),
        "page 1 keeps its article"
    );
    assert_eq!(
        listed(main_of(&site.page("sections/international-news/"))).len(),
        1,
        "front page"
    );
}

#[test]
fn check_warns_about_an_unmapped_category_only() {
    let site = newsroom();
    let mut command = arshif();
    command.arg("check").arg("--root").arg(&site.root);
    let run = run(command);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .filter(|l| l.contains("unmapped-section"))
        .collect();
    assert_eq!(lines.len(), 1, "{run}");
    assert!(lines[0].contains("sportNews"), "{run}");
}

#[test]
fn authors_have_pages_feeds_bios_and_json_ld() {
    let site = newsroom();
    site.build_ok(&["--no-cache"]);
    // "A و B" is two authors; a list is one each.
    let sara = site.page("authors/sara/");
    assert_eq!(
        listed(main_of(&sara)),
        ["/2022/12/b/", "/2022/12/a/"],
        "{}",
        main_of(&sara)
    );
    assert!(sara.contains("مراسلة الشؤون الدولية."), "the bio");
    assert!(sara.contains("src=\"https://img.example.org/sara.jpg\""), "the photo");
    assert!(sara.contains("href=\"https://x.example.org/sara\""), "a profile link");
    let walid_slug = "وليد-حداد";
    let walid = site.page(&format!("authors/{walid_slug}/"));
    assert_eq!(listed(main_of(&walid)).len(), 2, "{}", main_of(&walid));
    let feed = std::fs::read(site.public().join("authors/sara/atom.xml")).expect("author feed");
    assert_well_formed_xml("author feed", &feed);
    let names = xml_texts(&feed, "name");
    assert!(names.iter().filter(|n| *n == "سارة خليل").count() >= 2, "{names:?}");
    // The byline links each name; the JSON-LD has both, with url and sameAs.
    let article = site.page("2022/12/a/");
    let byline = between(&article, "<span class=\"author\">", "</span>");
    assert!(
        byline.contains("href=\"/authors/sara/\"") && byline.contains(" و "),
        "{byline}"
    );
    let ld = between(&article, "<script type=\"application/ld+json\">", "</script>");
    let ld: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD");
    let authors = ld["author"].as_array().expect("two authors");
    assert_eq!(authors.len(), 2, "{ld}");
    assert_eq!(authors[0]["url"], "https://sara.example.org/");
    assert_eq!(authors[0]["sameAs"][0], "https://x.example.org/sara");
    assert!(
        authors[1]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/authors/%D9%88%D9%84%D9%8A%D8%AF-%D8%AD%D8%AF%D8%A7%D8%AF/")),
        "{ld}"
    );
}

#[test]
fn updates_and_corrections_show_everywhere_in_the_time_zone() {
    let site = newsroom();
    site.build_ok(&["--no-cache"]);
    let article = site.page("2022/12/d/");
    // Beirut is UTC+2 in winter: 11:01 UTC is 13:01 there, 08:15 is 10:15.
    assert!(
        article.contains("29 كانون الأول/ديسمبر 2022، 13:01"),
        "{}",
        main_of(&article)
    );
    let updated = between(&article, "<p class=\"updated\">", "</p>");
    assert!(
        updated.contains("آخر تحديث") && updated.contains("30 كانون الأول/ديسمبر 2022، 10:15"),
        "{updated}"
    );
    assert!(article.contains("<meta property=\"article:modified_time\" content=\"2022-12-30T08:15:00+00:00\">"));
    let ld = between(&article, "<script type=\"application/ld+json\">", "</script>");
    let ld: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD");
    assert_eq!(ld["dateModified"], "2022-12-30T08:15:00+00:00");
    assert_eq!(ld["correction"].as_array().map(Vec::len), Some(2), "{ld}");
    // The notice, newest correction first.
    let notice = between(&article, "<aside class=\"corrections\"", "</aside>");
    assert!(notice.find("باريس") < notice.find("اسم اللاعب"), "{notice}");
    // A date without a time shows no time.
    assert!(!site.page("2022/12/b/").contains("2022، 00:00"));
    // Atom <updated> and the sitemap's <lastmod> follow the update.
    let feed = std::fs::read(site.public().join("atom.xml")).expect("site feed");
    assert!(xml_texts(&feed, "updated").contains(&"2022-12-30T08:15:00+00:00".to_string()));
    let sitemap = std::fs::read(site.public().join("sitemap.xml")).expect("sitemap");
    assert!(xml_texts(&sitemap, "lastmod").contains(&"2022-12-30T08:15:00+00:00".to_string()));
    // /corrections/ lists the corrected article.
    let corrections = site.page("corrections/");
    assert!(
        corrections.contains("href=\"/2022/12/d/\""),
        "{}",
        main_of(&corrections)
    );
    assert!(corrections.contains("صُحّح اسم اللاعب."));
}

#[test]
fn a_bad_time_zone_is_a_config_error_naming_its_line() {
    let site = newsroom();
    site.write("site.yaml", "title: t\ntimezone: Mars/Olympus\n");
    let run = site.build_fails_without_output(&["--no-cache"]);
    assert!(
        run.stderr.contains("Mars/Olympus") && run.stderr.contains(":2"),
        "{run}"
    );
}

#[test]
fn incremental_builds_follow_sections_authors_and_updates() {
    let site = newsroom();
    site.build_ok(&[]);
    let clean_equal = |what: &str| {
        let clean = site.outer.join("clean");
        let _ = std::fs::remove_dir_all(&clean);
        site.build_ok(&["--no-cache", "--output", &clean.display().to_string()]);
        assert_same_files(&site.snapshot(), &snapshot(&clean), what);
    };
    // A section renamed in site.yaml: kickers, menus and its page change.
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).expect("site.yaml");
    site.write("site.yaml", yaml.replace("name: دولي", "name: عالمي"));
    site.build_ok(&[]);
    assert!(site.page("2022/12/b/").contains(">عالمي<"));
    clean_equal("after renaming a section");
    // An article moves section, gains an author, an update and a correction.
    site.write(
        "content/2022/2022-12-03-c.md",
        md(
            "title: تقرير عن الأسواق\ndate: 2022-12-03\ncategory: economy\nauthor: [وليد حداد, سارة خليل]\nupdated: 2022-12-04T10:00:00+02:00\ncorrections:\n  - date: 2022-12-04T10:00:00+02:00\n    text: صُحّح الرقم.",
            "ارتفعت الأسواق.",
        ),
    );
    site.build_ok(&[]);
    assert_eq!(listed(main_of(&site.page("authors/sara/"))).len(), 3);
    assert!(site.page("corrections/").contains("صُحّح الرقم."));
    clean_equal("after an article changed section, authors and corrections");
    // A new bio: the author page changes.
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).expect("site.yaml");
    site.write("site.yaml", yaml.replace("مراسلة الشؤون الدولية.", "مراسلة سابقة."));
    site.build_ok(&[]);
    assert!(site.page("authors/sara/").contains("مراسلة سابقة."));
    clean_equal("after a bio changed");
}

#[test]
fn rss_feeds_beside_atom_for_site_topics_sections_and_authors() {
    let site = newsroom();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).expect("site.yaml");
    site.write(
        "site.yaml",
        format!("{yaml}topics:\n  - slug: beijing\n    name: بكين\n    match: [بكين]\n    min_mentions: 1\n"),
    );
    site.build_ok(&["--no-cache"]);
    for (feed, page, items) in [
        ("rss.xml", "", 4),
        ("topics/beijing/rss.xml", "topics/beijing/", 1),
        ("sections/international-news/rss.xml", "sections/international-news/", 3),
        ("authors/sara/rss.xml", "authors/sara/", 2),
    ] {
        let bytes = std::fs::read(site.public().join(feed)).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let xml = xml_elements(feed, &bytes);
        assert_eq!(xml[0].path, "rss", "{feed}");
        assert_eq!(xml[0].attributes.get("version").map(String::as_str), Some("2.0"));
        for required in ["rss/channel/title", "rss/channel/description"] {
            assert_eq!(xml_at(&xml, required).len(), 1, "{feed}: one {required}");
        }
        // RSS's own <link> (text), and atom:link rel=self (the same local name).
        let links: Vec<&XmlElement> = xml_at(&xml, "rss/channel/link");
        let (own, atom): (Vec<&XmlElement>, Vec<&XmlElement>) =
            links.into_iter().partition(|l| l.attributes.is_empty());
        assert_eq!(own.len(), 1, "{feed}");
        assert_eq!(own[0].text, format!("http://127.0.0.1:1111/{page}"));
        assert_eq!(atom[0].attributes["href"], format!("http://127.0.0.1:1111/{feed}"));
        let entries = xml_at(&xml, "rss/channel/item");
        assert_eq!(entries.len(), items, "{feed}");
        for required in ["title", "link", "guid", "pubDate"] {
            assert_eq!(
                xml_at(&xml, &format!("rss/channel/item/{required}")).len(),
                items,
                "{feed}: {required}"
            );
        }
        for date in xml_at(&xml, "rss/channel/item/pubDate") {
            assert!(
                chrono::DateTime::parse_from_rfc2822(&date.text).is_ok(),
                "{feed}: {}",
                date.text
            );
        }
        // The page announces both feeds.
        let html = site.page(page);
        let head = between(&html, "<head>", "</head>");
        assert!(head.contains(&format!("href=\"/{page}rss.xml\"")), "{page}: {head}");
        assert!(head.contains("type=\"application/atom+xml\""), "{page}: {head}");
    }
    let creators = xml_at(
        &xml_elements("rss", &std::fs::read(site.public().join("rss.xml")).expect("rss")),
        "rss/channel/item/creator",
    )
    .iter()
    .map(|e| e.text.clone())
    .collect::<Vec<_>>();
    assert!(creators.contains(&"سارة خليل".to_string()), "{creators:?}");

    // `feeds: [atom]`: no RSS written or announced.
    site.write("site.yaml", format!("{yaml}feeds: [atom]\n"));
    site.build_ok(&["--no-cache"]);
    assert!(!site.public().join("rss.xml").exists());
    assert!(!site.public().join("sections/international-news/rss.xml").exists());
    assert!(!site.page("").contains("rss.xml"));
    assert!(site.public().join("sections/international-news/atom.xml").exists());
}

#[test]
fn an_article_without_summary_shows_its_opening_cut_at_a_sentence_end() {
    let site = newsroom();
    let long = "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة. ".repeat(8);
    site.write(
        "content/2022/2022-12-05-long.md",
        md(
            "title: مفاوضات طويلة\ndate: 2022-12-05\ncategory: internationalNews",
            &format!("{long}\n\nفقرة ثانية لا تظهر في الملخص."),
        ),
    );
    site.build_ok(&[]);
    let sentence = "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة.";
    let home = site.page("");
    let lede = between(
        // In the chronological list (the front's "latest" column shows no ledes).
        between(
            between(&home, "<div class=\"summaries\">", "</main>"),
            "href=\"/2022/12/long/\"",
            "</article>",
        ),
        "<p class=\"lede\">",
        "</p>",
    );
    assert!(lede.ends_with(sentence), "ends at a sentence: {lede}");
    assert!(
        lede.chars().count() <= 300 && lede.matches(sentence).count() >= 2,
        "{lede}"
    );
    let page = site.page("2022/12/long/");
    let og = between(&page, "<meta property=\"og:description\" content=\"", "\"");
    assert_eq!(og, lede.trim(), "og:description is the same lede");
    let ld = between(&page, "<script type=\"application/ld+json\">", "</script>");
    let ld: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD");
    assert_eq!(ld["description"].as_str(), Some(og));
    let feed = std::fs::read(site.public().join("sections/international-news/atom.xml")).expect("feed");
    assert!(
        xml_texts(&feed, "summary").iter().any(|s| s == og),
        "the feed's summary"
    );
    assert!(!home.contains("فقرة ثانية"));
    // Editing the opening changes listings and feeds in an incremental build.
    site.write(
        "content/2022/2022-12-05-long.md",
        md(
            "title: مفاوضات طويلة\ndate: 2022-12-05\ncategory: internationalNews",
            "افتتاحية جديدة قصيرة.",
        ),
    );
    site.build_ok(&[]);
    assert!(site.page("").contains("<p class=\"lede\">افتتاحية جديدة قصيرة.</p>"));
    let feed = std::fs::read(site.public().join("atom.xml")).expect("feed");
    assert!(xml_texts(&feed, "summary").contains(&"افتتاحية جديدة قصيرة.".to_string()));
    let clean = site.outer.join("clean");
    site.build_ok(&["--no-cache", "--output", &clean.display().to_string()]);
    assert_same_files(&site.snapshot(), &snapshot(&clean), "after editing an opening");
}
