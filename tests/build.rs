//! Integration tests: the real `arshif` binary on small fixture sites.

mod common;

use common::*;

const HTML_OPEN: &str = "<html lang=\"ar\" dir=\"rtl\">";

/// A dated Markdown article.
fn dated(title: &str, date: &str) -> String {
    md(&format!("title: {title}\ndate: {date}"), "نص المقال.")
}

// 1. ---------------------------------------------------------------------

#[test]
fn every_kind_of_page_is_arabic_and_right_to_left() {
    let site = Site::new();
    site.write("content/2022/2022-12-29-text.txt", "عنوان نصي\nمقدمة.\nفقرة.\n");
    site.write(
        "content/2022/tagged.md",
        md("title: مقال موسوم\ndate: 2022-12-01\ntags: [طاقة]", "نص."),
    );
    site.build_ok(&[]);
    for page in [
        "2022/12/text/",
        "2022/12/tagged/",
        "",
        "2022/",
        "2022/12/",
        "archive/",
        "tags/",
        "tags/طاقة/",
        "404.html",
    ] {
        let html = site.page(page);
        assert!(html.starts_with("<!DOCTYPE html>\n"), "/{page} has no doctype first");
        assert_eq!(count(&html, "<html"), 1, "/{page}: one <html> element");
        assert!(html.contains(HTML_OPEN), "/{page} lacks {HTML_OPEN}:\n{html}");
    }
}

#[test]
fn site_language_and_direction_come_from_site_yaml() {
    let site = Site::new();
    site.write("site.yaml", "language: ku\ndirection: ltr\n");
    site.write("content/2022/a.md", dated("عنوان", "2022-12-01"));
    site.build_ok(&[]);
    for page in ["2022/12/a/", "", "2022/", "404.html"] {
        assert!(site.page(page).contains("<html lang=\"ku\" dir=\"ltr\">"), "/{page}");
    }
}

// 2. ---------------------------------------------------------------------

#[test]
fn article_urls_for_markdown_and_text_dated_and_undated() {
    let site = Site::new();
    site.write("content/2022/fm-date.md", dated("تاريخ في الترويسة", "2022-12-20"));
    site.write(
        "content/2022/2022-11-05-prefix-date.md",
        md("title: تاريخ في اسم الملف", "نص."),
    );
    site.write("content/2022/2022-10-01-text-dated.txt", "نص مؤرخ\nمقدمة.\nفقرة.\n");
    site.write(
        "content/2022/custom.md",
        md("title: اسم مخصص\ndate: 2022-09-09\nslug: مقال مخصص!", "نص."),
    );
    site.write("content/misc/undated-md.md", md("title: ماركداون بلا تاريخ", "نص."));
    site.write("content/misc/undated-text.txt", "نص بلا تاريخ\nمقدمة.\n");
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 6 articles:"), "{run}");

    let expected = [
        "/2022/12/fm-date/",
        "/2022/11/prefix-date/",
        "/2022/10/text-dated/",
        "/2022/09/مقال-مخصص/",
        "/articles/undated-md/",
        "/articles/undated-text/",
    ];
    for url in expected {
        assert!(
            site.has_page(&url[1..]),
            "no page for {url}: {:#?}",
            tree(&site.public())
        );
    }
    assert!(site.page("2022/09/مقال-مخصص/").contains("<h1>اسم مخصص</h1>"));
    assert!(site.page("articles/undated-text/").contains("<h1>نص بلا تاريخ</h1>"));
    // Newest first, the undated ones after every dated one.
    assert_eq!(listed(&site.page("")), expected);

    // One warning per undated file, naming it; none for the dated ones.
    let undated = run.stderr_lines("article has no date");
    assert_eq!(undated.len(), 2, "{run}");
    for file in ["content/misc/undated-md.md", "content/misc/undated-text.txt"] {
        let prefix = format!("{}: warning: article has no date", site.path(file));
        assert!(undated.iter().any(|l| l.starts_with(&prefix)), "no `{prefix}`:\n{run}");
    }
    // Undated articles are in no year archive.
    assert!(!site.page("archive/").contains("/articles/"));
}

#[test]
fn front_matter_date_wins_over_the_file_name_prefix() {
    let site = Site::new();
    site.write("content/2022-11-05-moved.md", dated("عنوان", "2022-12-20"));
    site.build_ok(&[]);
    assert!(site.has_page("2022/12/moved/"));
    assert!(!site.public().join("2022/11").exists());
}

// 3. ---------------------------------------------------------------------

#[test]
fn pagination_counts_pages_from_the_oldest_so_new_articles_leave_old_pages_alone() {
    let site = Site::new();
    site.write("site.yaml", "per_page: 2\n");
    let write_day = |day: u32| {
        site.write(
            &format!("content/2022/2022-12-0{day}-day{day}.txt"),
            format!("مقال اليوم {day}\nمقدمة.\nفقرة.\n"),
        )
    };
    for day in 1..=7 {
        write_day(day);
    }
    site.build_ok(&[]);

    let next = |html: &str| attribute_values(html, "<li class=\"next\"><a href=\"");
    let prev = |html: &str| attribute_values(html, "<li class=\"prev\"><a href=\"");
    for base in ["", "2022/", "2022/12/"] {
        // Seven articles at two a page: pages 1 and 2 hold the four oldest,
        // the front page the three newest.
        let front = site.page(base);
        let page2 = site.page(&format!("{base}page/2/"));
        let page1 = site.page(&format!("{base}page/1/"));
        assert!(
            !site.public().join(format!("{base}page/3")).exists(),
            "/{base}page/3/ exists"
        );
        assert!(
            !site.public().join(format!("{base}page/0")).exists(),
            "/{base}page/0/ exists"
        );

        assert_eq!(
            listed(&front),
            ["/2022/12/day7/", "/2022/12/day6/", "/2022/12/day5/"],
            "/{base}"
        );
        assert_eq!(listed(&page2), ["/2022/12/day4/", "/2022/12/day3/"], "/{base}page/2/");
        assert_eq!(listed(&page1), ["/2022/12/day2/", "/2022/12/day1/"], "/{base}page/1/");

        // "Newer" is rel=prev, "older" rel=next: the reading order is newest first.
        assert!(prev(&front).is_empty(), "the front page of /{base} has a newer page");
        assert_eq!(next(&front), [format!("/{base}page/2/")]);
        assert_eq!(prev(&page2), [format!("/{base}")]);
        assert_eq!(next(&page2), [format!("/{base}page/1/")]);
        assert_eq!(prev(&page1), [format!("/{base}page/2/")]);
        assert!(next(&page1).is_empty(), "page 1 of /{base} has an older page");
        for (html, newer, older) in [(&front, 0, 1), (&page2, 1, 1), (&page1, 1, 0)] {
            assert_eq!(count(html, "rel=\"next\""), older, "/{base}");
            assert_eq!(count(html, "rel=\"prev\""), newer, "/{base}");
        }
        assert!(page2.contains(&format!("<a href=\"/{base}page/2/\" aria-current=\"page\">2</a>")));
        assert!(front.contains(&format!("<a href=\"/{base}\" aria-current=\"page\">الأحدث</a>")));
    }

    // An eighth article: a page 3 appears with the two articles the front
    // page no longer holds; the pages keep their articles.
    write_day(8);
    site.build_ok(&[]);
    for base in ["", "2022/", "2022/12/"] {
        assert_eq!(
            listed(&site.page(base)),
            ["/2022/12/day8/", "/2022/12/day7/"],
            "/{base}"
        );
        let page3 = site.page(&format!("{base}page/3/"));
        assert_eq!(listed(&page3), ["/2022/12/day6/", "/2022/12/day5/"], "/{base}page/3/");
        assert_eq!(prev(&page3), [format!("/{base}")]);
        assert_eq!(next(&page3), [format!("/{base}page/2/")]);
        assert_eq!(
            listed(&site.page(&format!("{base}page/2/"))),
            ["/2022/12/day4/", "/2022/12/day3/"]
        );
    }

    // A ninth joins the front page: no numbered page is written again.
    let numbered = || -> Vec<(Vec<u8>, std::time::SystemTime)> {
        ["", "2022/", "2022/12/"]
            .iter()
            .flat_map(|base| (1..=3).map(move |n| format!("{base}page/{n}/index.html")))
            .map(|page| {
                let file = site.public().join(page);
                (
                    std::fs::read(&file).unwrap(),
                    std::fs::metadata(&file).unwrap().modified().unwrap(),
                )
            })
            .collect()
    };
    let before = numbered();
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_day(9);
    site.build_ok(&[]);
    assert!(
        before == numbered(),
        "a numbered page changed when an article was added"
    );
    for base in ["", "2022/", "2022/12/"] {
        assert_eq!(
            listed(&site.page(base)),
            ["/2022/12/day9/", "/2022/12/day8/", "/2022/12/day7/"],
            "/{base}"
        );
    }
}

#[test]
fn base_url_path_prefixes_every_link() {
    let site = Site::new();
    site.write("site.yaml", "per_page: 1\n");
    site.write("content/2022/a.md", dated("أ", "2022-12-02"));
    site.write("content/2022/b.md", dated("ب", "2022-12-01"));
    site.build_ok(&["--base-url", "https://example.org/archive"]);
    let home = site.page("");
    assert_eq!(listed(&home), ["/archive/2022/12/a/"]);
    assert!(home.contains("<a href=\"/archive/page/1/\" rel=\"next\">"), "{home}");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.org/archive/\">"));
    assert!(site.page("page/1/").contains("<a href=\"/archive/\" rel=\"prev\">"));
}

// 4. ---------------------------------------------------------------------

#[test]
fn year_and_month_archives_list_their_articles() {
    let site = Site::new();
    site.write("content/2022/2022-11-23-nov.txt", "نوفمبر\nمقدمة.\n");
    site.write("content/2022/2022-12-07-dec-early.txt", "ديسمبر مبكر\nمقدمة.\n");
    site.write(
        "content/2022/dec-late.md",
        dated("ديسمبر متأخر", "2022-12-30T16:00:00+03:00"),
    );
    site.write("content/2023/2023-01-13-jan.txt", "يناير\nمقدمة.\n");
    site.write("content/undated.txt", "بلا تاريخ\nمقدمة.\n");
    site.build_ok(&[]);

    assert_eq!(
        listed(&site.page("2022/")),
        ["/2022/12/dec-late/", "/2022/12/dec-early/", "/2022/11/nov/"]
    );
    assert_eq!(
        listed(&site.page("2022/12/")),
        ["/2022/12/dec-late/", "/2022/12/dec-early/"]
    );
    assert_eq!(listed(&site.page("2022/11/")), ["/2022/11/nov/"]);
    assert_eq!(listed(&site.page("2023/")), ["/2023/01/jan/"]);
    assert_eq!(listed(&site.page("2023/01/")), ["/2023/01/jan/"]);
    assert!(site.page("2022/").contains("<h1>أرشيف <bdi>2022</bdi></h1>"));
    assert!(site
        .page("2022/12/")
        .contains("<h1>كانون الأول/ديسمبر <bdi>2022</bdi></h1>"));
    // No listing for a month without articles.
    assert!(!site.public().join("2022/10").exists());
    assert!(!site.public().join("2023/02").exists());

    let archive = main_of(&site.page("archive/")).to_string();
    for line in [
        "<h2><a href=\"/2023/\">2023</a> <span class=\"count\">(مقال واحد)</span></h2>",
        "<li><a href=\"/2023/01/\">كانون الثاني/يناير <bdi>2023</bdi></a> <span class=\"count\">(مقال واحد)</span></li>",
        "<h2><a href=\"/2022/\">2022</a> <span class=\"count\">(3 مقالات)</span></h2>",
        "<li><a href=\"/2022/12/\">كانون الأول/ديسمبر <bdi>2022</bdi></a> <span class=\"count\">(مقالان)</span></li>",
        "<li><a href=\"/2022/11/\">تشرين الثاني/نوفمبر <bdi>2022</bdi></a> <span class=\"count\">(مقال واحد)</span></li>",
    ] {
        assert!(archive.contains(line), "archive/ lacks\n{line}\nin\n{archive}");
    }
    // Newest year and month first, and exactly three month links.
    let months = attribute_values(&archive, "<li><a href=\"");
    assert_eq!(months, ["/2023/01/", "/2022/12/", "/2022/11/"]);
    assert!(archive.find("/2023/").unwrap() < archive.find("/2022/").unwrap());
}

// 5. ---------------------------------------------------------------------

#[test]
fn hostile_title_is_escaped_everywhere() {
    let site = Site::new();
    site.write(
        "content/2022/evil.md",
        md(
            "title: '<script>alert(\"x\")</script> & co'\ndate: 2022-12-29\nsummary: 'a\" onmouseover=\"alert(2)'\nauthor: '<b>كاتب</b>'\nurl: 'javascript:alert(3)'\ntags: ['<i>وسم</i>']",
            "نص.",
        ),
    );
    site.write(
        "content/2022/2022-12-28-older.txt",
        "<script>alert(4)</script> نص\nمقدمة.\n",
    );
    site.build_ok(&[]);
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co";
    let isolated = format!("<bdi>{escaped}</bdi>");
    let isolated = isolated.as_str();

    let article = site.page("2022/12/evil/");
    assert!(
        article.contains(&format!("<title>{escaped} — أرشيف</title>")),
        "{article}"
    );
    // No Arabic letter: isolated whole, so its parts keep their order.
    assert!(article.contains(&format!("<h1>{isolated}</h1>")), "{article}");
    assert!(article.contains("<meta name=\"description\" content=\"a&quot; onmouseover=&quot;alert(2)\">"));
    assert!(article.contains("<meta name=\"author\" content=\"&lt;b&gt;كاتب&lt;/b&gt;\">"));
    assert!(
        !article.contains("class=\"original\""),
        "a javascript: source URL is linked"
    );

    let home = site.page("");
    assert!(
        home.contains(&format!("<a href=\"/2022/12/evil/\">{isolated}</a>")),
        "{home}"
    );
    assert!(site.page("2022/12/").contains(isolated));
    // The neighbour's "next" link carries the title too.
    assert!(site.page("2022/12/older/").contains(isolated));
    assert!(site.page("2022/12/older/").contains("<h1>&lt;<bdi>script</bdi>&gt;"));

    let feed = String::from_utf8(site.snapshot()["atom.xml"].clone()).unwrap();
    assert!(feed.contains(&format!("<title>{escaped}</title>")), "{feed}");
    for (path, bytes) in site.snapshot() {
        if path.ends_with(".xml") {
            assert_well_formed_xml(&path, &bytes);
        }
        // The theme's own scripts (search, the share links' copy button) aside.
        let text = without_json_ld(&String::from_utf8_lossy(&bytes))
            .replace("<script src=\"/search/search.js\" defer></script>", "")
            .replace("<script src=\"/share.js\" defer></script>", "")
            .to_lowercase();
        assert!(!text.contains("<script"), "public/{path} holds a raw <script> tag");
        assert!(!text.contains("<b>"), "public/{path} holds a raw <b> tag");
        assert!(!text.contains("<i>"), "public/{path} holds a raw <i> tag");
        assert!(!text.contains("javascript:"), "public/{path} holds a javascript: URL");
        assert!(
            !text.contains("onmouseover=\""),
            "public/{path} holds an event attribute"
        );
    }
}

// 6. ---------------------------------------------------------------------

fn dates_site(config: &str) -> Site {
    let site = Site::new();
    site.write("site.yaml", config);
    site.write("content/2022/2022-12-29-talks.txt", "محادثات\nمقدمة.\n");
    site.write(
        "content/2023/new-year.md",
        // 01:00 in Moscow: still 31 December in UTC, but 1 January as written.
        dated("رأس السنة", "2023-01-01T01:00:00+03:00"),
    );
    site.build_ok(&[]);
    site
}

#[test]
fn dates_levantine_by_default() {
    let site = dates_site("");
    let talks = site.page("2022/12/talks/");
    assert!(talks.contains("<time datetime=\"2022-12-29T00:00:00+00:00\">29 كانون الأول/ديسمبر 2022</time>"));
    let new_year = site.page("2023/01/new-year/");
    // The article page gives the time of day the source gives, in its own offset.
    assert!(new_year.contains("<time datetime=\"2023-01-01T01:00:00+03:00\">1 كانون الثاني/يناير 2023، 01:00</time>"));
    let home = site.page("");
    assert!(home.contains(">29 كانون الأول/ديسمبر 2022</time>"));
    assert!(home.contains(">1 كانون الثاني/يناير 2023</time>"));
    assert!(site
        .page("2022/12/")
        .contains("<h1>كانون الأول/ديسمبر <bdi>2022</bdi></h1>"));
    assert!(site
        .page("2023/01/")
        .contains("<h1>كانون الثاني/يناير <bdi>2023</bdi></h1>"));
}

#[test]
fn dates_gregorian() {
    let site = dates_site("date_style: gregorian\n");
    assert!(site
        .page("2022/12/talks/")
        .contains("<time datetime=\"2022-12-29T00:00:00+00:00\">29 ديسمبر 2022</time>"));
    assert!(site.page("2023/01/new-year/").contains(">1 يناير 2023، 01:00</time>"));
    assert!(site.page("2022/12/").contains("<h1>ديسمبر <bdi>2022</bdi></h1>"));
    assert!(site
        .page("archive/")
        .contains("<a href=\"/2022/12/\">ديسمبر <bdi>2022</bdi></a>"));
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("كانون"), "public/{path} has a Levantine month name");
    }
}

#[test]
fn dates_with_arabic_indic_digits() {
    let site = dates_site("digits: arabic-indic\n");
    let talks = site.page("2022/12/talks/");
    // The machine-readable attribute keeps Western digits.
    assert!(talks.contains("<time datetime=\"2022-12-29T00:00:00+00:00\">٢٩ كانون الأول/ديسمبر ٢٠٢٢</time>"));
    assert!(site
        .page("2023/01/new-year/")
        .contains(">١ كانون الثاني/يناير ٢٠٢٣، ٠١:٠٠</time>"));
    assert!(site.page("2022/12/").contains("<h1>كانون الأول/ديسمبر ٢٠٢٢</h1>"));
    assert!(site.page("2022/").contains("<h1>أرشيف ٢٠٢٢</h1>"));

    let both = dates_site("date_style: gregorian\ndigits: arabic-indic\n");
    assert!(both.page("2022/12/talks/").contains(">٢٩ ديسمبر ٢٠٢٢</time>"));
}

#[test]
fn counts_use_the_site_digits() {
    let site = Site::new();
    site.write("site.yaml", "digits: arabic-indic\n");
    for day in 1..=3 {
        site.write(&format!("content/2022-12-0{day}-d{day}.txt"), "عنوان\nمقدمة.\n");
    }
    site.build_ok(&[]);
    let archive = site.page("archive/");
    assert!(archive.contains("<span class=\"count\">(٣ مقالات)</span>"), "{archive}");
    // The year too, and the numbers of the text.
    assert!(archive.contains(">٢٠٢٢</a>"), "{archive}");
}

// 7. ---------------------------------------------------------------------

#[test]
fn text_read_also_line_is_an_aside_not_a_paragraph() {
    let site = Site::new();
    site.write(
        "content/2022/2022-12-29-talks.txt",
        "الكرملين: محادثات مغلقة غداً\nمقدمة الخبر.\nفقرة أولى.\nاقرأ أيضاً: التجارة بين روسيا والصين تنمو\nفقرة أخيرة.\n",
    );
    site.build_ok(&[]);
    let html = site.page("2022/12/talks/");
    let body = between(&html, "<div class=\"article-body\">", "</div>");
    assert_eq!(
        body.trim(),
        "<p>فقرة أولى.</p>\n\
         <aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> التجارة بين روسيا والصين تنمو</aside>\n\
         <p>فقرة أخيرة.</p>"
    );
    // The lede is the standfirst, not a body paragraph.
    assert!(html.contains("<p class=\"standfirst\">مقدمة الخبر.</p>"));
    for paragraph in html.split("<p").skip(1) {
        let paragraph = &paragraph[..paragraph.find("</p>").unwrap_or(paragraph.len())];
        assert!(!paragraph.contains("اقرأ أيضاً"), "read-also text in a <p>: {paragraph}");
        assert!(
            !paragraph.contains("التجارة بين روسيا"),
            "read-also text in a <p>: {paragraph}"
        );
    }
}

#[test]
fn markdown_read_also_paragraph_is_an_aside() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md(
            "title: أ\ndate: 2022-12-29",
            "فقرة.\n\nاقرأ أيضاً: عنوان آخر\n\nفقرة ثانية.",
        ),
    );
    site.build_ok(&[]);
    let html = site.page("2022/12/a/");
    let body = between(&html, "<div class=\"article-body\">", "</div>");
    assert_eq!(
        body.trim(),
        "<p>فقرة.</p>\n<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> عنوان آخر</aside>\n<p>فقرة ثانية.</p>"
    );
}

#[test]
fn markdown_link_inside_read_also_paragraph_is_kept() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md(
            "title: أ\ndate: 2022-12-29",
            "فقرة.\n\nاقرأ أيضاً: [عنوان آخر](other.md)",
        ),
    );
    site.write("content/2022/other.md", dated("عنوان آخر", "2022-12-01"));
    site.build_ok(&[]);
    let html = site.page("2022/12/a/");
    let aside = between(&html, "<aside class=\"read-also-ref\">", "</aside>");
    assert!(
        aside.contains("<a href=\"/2022/12/other/\">"),
        "the link was lost: {aside}"
    );
}

// 8. ---------------------------------------------------------------------

#[test]
fn hostile_slugs_stay_inside_public() {
    let site = Site::new();
    site.write(
        "content/2022/evil.md",
        md("title: شرير\ndate: 2022-12-01\nslug: ../../evil", "نص."),
    );
    site.write(
        "content/2022/abs.md",
        md("title: مطلق\ndate: 2022-12-02\nslug: /tmp/abs", "نص."),
    );
    site.write(
        "content/2022/dots.md",
        md("title: dots title\ndate: 2022-12-03\nslug: '..'", "نص."),
    );
    site.write(
        "content/2022/back.md",
        md("title: خلفي\ndate: 2022-12-04\nslug: '..\\..\\win'", "نص."),
    );
    site.write("content/2022/2022-11-04-..evil.txt", "ملف\nمقدمة.\n");
    site.build_ok(&[]);

    for page in [
        "2022/12/evil/",
        "2022/12/tmp-abs/",
        "2022/12/dots-title/",
        "2022/12/win/",
        "2022/11/evil/",
    ] {
        assert!(site.has_page(page), "no /{page}: {:#?}", tree(&site.public()));
    }
    assert_eq!(entries(&site.outer), ["site"], "something was written beside the site");
    assert_eq!(
        entries(&site.root),
        ["content", "public"],
        "something was written in the site folder"
    );
    let content = tree(&site.root.join("content"));
    assert_eq!(content.len(), 5, "content/ changed: {content:?}");
    // Exactly the pages expected: no file escaped into a strange folder.
    for file in tree(&site.public()) {
        assert!(!file.contains(".."), "public/{file}");
        assert!(!file.starts_with("tmp/"), "public/{file}");
    }
}

#[test]
fn output_folder_that_would_swallow_the_sources_is_refused() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let before = snapshot(&site.root);
    for output in [
        site.root.clone(),
        site.root.join("content"),
        site.root.join("content").join(".."),
        site.outer.clone(),
    ] {
        let run = site.build(&["--output", &output.display().to_string()]);
        run.assert_failed();
        assert!(run.stderr.contains("choose another --output"), "{run}");
        assert_same_files(&before, &snapshot(&site.root), "the site folder after a refused build");
        assert_eq!(entries(&site.outer), ["site"]);
    }
}

#[test]
fn output_elsewhere_and_stale_pages_removed() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("content/2022/b.md", dated("ب", "2022-12-02"));
    let out = site.outer.join("out");
    let out_arg = out.display().to_string();
    site.build_ok(&["--output", &out_arg]);
    assert!(out.join("2022/12/a/index.html").is_file());
    assert!(!site.public().exists(), "public/ written although --output was given");
    site.remove("content/2022/a.md");
    site.build_ok(&["--output", &out_arg]);
    assert!(
        !out.join("2022/12/a").exists(),
        "the deleted article's page is still there"
    );
    assert!(out.join("2022/12/b/index.html").is_file());
    assert_eq!(entries(&site.outer), ["out", "site"]);
}

// 9. ---------------------------------------------------------------------

#[test]
fn duplicate_urls_fail_naming_both_files() {
    let site = Site::new();
    site.write("content/2022/a.md", md("title: أ\ndate: 2022-12-01\nslug: same", "نص."));
    site.write("content/2022/2022-12-05-same.txt", "ب\nمقدمة.\n");
    let run = site.build_fails_without_output(&[]);
    let a = site.path("content/2022/a.md");
    let b = site.path("content/2022/2022-12-05-same.txt");
    let lines = run.stderr_lines("same URL /2022/12/same/");
    assert_eq!(lines.len(), 1, "{run}");
    assert!(lines[0].contains(&a) && lines[0].contains(&b), "{run}");
    assert!(lines[0].contains(": error: "), "{run}");
}

#[test]
fn duplicate_undated_urls_fail_naming_both_files() {
    let site = Site::new();
    site.write("content/one/x.txt", "أ\nمقدمة.\n");
    site.write("content/two/x.md", md("title: ب", "نص."));
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("same URL /articles/x/"), "{run}");
    assert!(run.stderr.contains(&site.path("content/one/x.txt")), "{run}");
    assert!(run.stderr.contains(&site.path("content/two/x.md")), "{run}");
}

// 10. --------------------------------------------------------------------

fn broken_front_matter(text: &str) -> (Site, Run) {
    let site = Site::new();
    site.write("content/2022/good.md", dated("سليم", "2022-12-01"));
    site.write("content/2022/x.md", text);
    let run = site.build_fails_without_output(&[]);
    (site, run)
}

fn assert_error_at(site: &Site, run: &Run, file: &str, line: usize, phrase: &str) {
    let prefix = format!("{}:{line}: error: ", site.path(file));
    let found = run.stderr_lines(&prefix);
    assert_eq!(found.len(), 1, "expected one `{prefix}` line:\n{run}");
    assert!(found[0].contains(phrase), "`{phrase}` missing:\n{run}");
}

#[test]
fn unclosed_front_matter_is_reported_at_line_1() {
    let (site, run) = broken_front_matter("---\ntitle: عنوان\ndate: 2022-12-02\n\nنص المقال.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 1, "never closed");
    assert!(run.stderr.contains("the archive has 1 error:"), "{run}");
}

#[test]
fn invalid_yaml_is_reported_at_its_file_line() {
    let (site, run) = broken_front_matter("---\ntitle: عنوان\ndate: 2022-12-02\nauthor: a: b\nsummary: s\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 4, "front matter is not valid YAML");
    let (site, run) = broken_front_matter("---\ntitle: عنوان\ndate: 2022-12-02\n\tauthor: b\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 4, "front matter is not valid YAML");
    // A key of the wrong type names its own line.
    let (site, run) = broken_front_matter("---\ntitle: عنوان\ndate: 2022-12-02\ntags: {a: b}\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 4, "`tags` should be a list of text");
}

#[test]
fn line_numbers_survive_crlf_and_bom() {
    let (site, run) =
        broken_front_matter("\u{feff}---\r\ntitle: عنوان\r\nsummary: s\r\ndate: yesterday\r\n---\r\nنص.\r\n");
    assert_error_at(&site, &run, "content/2022/x.md", 4, "`date: yesterday` is not a date");
}

#[test]
fn yaml_error_message_holds_no_front_matter_relative_position() {
    // serde_yaml says "did not find expected ',' or ']' at line 3 column 7,
    // while parsing a flow sequence at line 2 column 10": positions inside the
    // front matter, one less than the file's lines. arshif prints the file
    // line itself (4 here) and must not leave a contradicting "line 3" behind.
    let (site, run) = broken_front_matter("---\ntitle: عنوان\nsummary: [unclosed\nauthor: a\n---\nنص.\n");
    let line = run.stderr_lines(&site.path("content/2022/x.md"));
    assert_eq!(line.len(), 1, "{run}");
    assert!(line[0].contains("front matter is not valid YAML"), "{run}");
    // Positions left in the message are file lines, like the one printed first.
    assert!(
        !line[0].contains("line 3 column 7") && !line[0].contains("line 2 column"),
        "a front-matter-relative position is left in:\n{}",
        line[0]
    );
}

#[test]
fn missing_title_is_reported() {
    let (site, run) = broken_front_matter("---\ndate: 2022-12-02\nsummary: s\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 2, "no `title:`");
}

#[test]
fn bad_date_is_reported_at_its_line() {
    let (site, run) = broken_front_matter("---\ntitle: عنوان\nsummary: s\ndate: 29/12/2022\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 4, "`date: 29/12/2022` is not a date");
    let (site, run) = broken_front_matter("---\ntitle: عنوان\n# comment\n\ndate: 2022-02-30\n---\nنص.\n");
    assert_error_at(&site, &run, "content/2022/x.md", 5, "`date: 2022-02-30` is not a date");
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = Site::new();
    site.write("content/2022/good.md", dated("سليم", "2022-12-01"));
    site.write("content/2022/a.md", "---\ntitle: عنوان\n\nنص.\n");
    site.write("content/2023/b.md", "---\ndate: 2023-01-02\nsummary: s\n---\nنص.\n");
    site.write("content/2023/c.md", md("title: ج\nsummary: s\ndate: soon", "نص."));
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("the archive has 3 errors:"), "{run}");
    assert_error_at(&site, &run, "content/2022/a.md", 1, "never closed");
    assert_error_at(&site, &run, "content/2023/b.md", 2, "no `title:`");
    assert_error_at(&site, &run, "content/2023/c.md", 4, "is not a date");
    assert!(!run.stderr.contains("good.md"), "{run}");
}

// 11. --------------------------------------------------------------------

#[test]
fn failed_build_leaves_earlier_output_byte_identical() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("content/2022/2022-12-02-b.txt", "ب\nمقدمة.\nاقرأ أيضاً: أ\n");
    site.write("static/humans.txt", "Editors: *\n");
    std::fs::create_dir_all(site.root.join("templates")).unwrap();
    site.build_ok(&[]);
    let before = site.snapshot();
    let root_entries = entries(&site.root);
    assert!(before.contains_key("2022/12/a/index.html") && before.contains_key("humans.txt"));

    let good = std::fs::read(site.root.join("content/2022/a.md")).unwrap();
    let breakages: [(&str, &str, &str); 4] = [
        ("content/2022/a.md", "---\ntitle: أ\n", "never closed"),
        (
            "content/2022/c.md",
            "---\ntitle: ج\ndate: 2022-12-03\nslug: a\n---\n",
            "same URL",
        ),
        ("templates/list.html", "{% if %}", "templates/list.html:1: error"),
        (
            "static/index.html",
            "<p>static</p>",
            "would replace the generated page /index.html",
        ),
    ];
    // With the cache (files compared before any is written) and without it
    // (files streamed into a staging folder as they are rendered).
    for flags in [&[][..], &["--no-cache"][..]] {
        for (file, text, phrase) in breakages {
            site.write(file, text);
            let run = site.build(flags);
            run.assert_failed();
            assert!(run.stderr.contains(phrase), "`{phrase}` {flags:?}:\n{run}");
            let what = format!("public/ after breaking {file} {flags:?}");
            assert_same_files(&before, &site.snapshot(), &what);
            assert_eq!(entries(&site.root), root_entries, "{what}");
            assert_eq!(entries(&site.outer), ["site"], "{what}");
            if file == "content/2022/a.md" {
                site.write(file, &good);
            } else {
                site.remove(file);
            }
        }
    }
    // And the site still builds to the same output.
    site.build_ok(&[]);
    assert_same_files(&before, &site.snapshot(), "public/ after repairing");
}

// 12. --------------------------------------------------------------------

fn busy_site() -> Site {
    let site = Site::new();
    site.write("site.yaml", "title: أرشيف الاختبار\nper_page: 3\n");
    for i in 0..24 {
        let month = 1 + i % 4;
        let day = 1 + i % 27;
        let tag = ["طاقة", "سياسة", "اقتصاد"][i % 3];
        if i % 2 == 0 {
            site.write(
                &format!("content/2022/a{i}.md"),
                md(
                    &format!("title: مقال رقم {i}\ndate: 2022-{month:02}-{day:02}\ntags: [{tag}]"),
                    &format!(
                        "فقرة عن Power of Siberia و{i}%.\n\n[رابط](a{}.md)\n\nاقرأ أيضاً: مقال رقم 3",
                        (i + 2) % 24
                    ),
                ),
            );
        } else {
            site.write(
                &format!("content/2022/2022-{month:02}-{day:02}-t{i}.txt"),
                format!(
                    "خبر نصي {i}\nمقدمة {i}.\nفقرة.\nاقرأ أيضاً: مقال رقم {}\nعنوان فرعي\nفقرة أخيرة.\n",
                    i - 1
                ),
            );
        }
    }
    site.write("content/undated.txt", "بلا تاريخ\nمقدمة.\n");
    site.write("static/css/extra.css", "body{}\n");
    site
}

#[test]
fn builds_are_byte_identical() {
    let site = busy_site();
    site.build_ok(&[]);
    let first = site.snapshot();
    assert!(first.len() > 40, "fixture too small: {}", first.len());
    for (path, bytes) in first.iter().filter(|(p, _)| p.ends_with(".xml")) {
        assert_well_formed_xml(path, bytes);
    }
    site.build_ok(&[]);
    assert_same_files(&first, &site.snapshot(), "second build");
    site.build_with_env(&[], &[("RAYON_NUM_THREADS", "1")]).assert_ok();
    assert_same_files(&first, &site.snapshot(), "build with RAYON_NUM_THREADS=1");
    site.build_with_env(&[], &[("RAYON_NUM_THREADS", "7")]).assert_ok();
    assert_same_files(&first, &site.snapshot(), "build with RAYON_NUM_THREADS=7");
    // Another folder with the same input gives the same output: no path leaks in.
    let other = busy_site();
    other.build_ok(&[]);
    assert_same_files(&first, &other.snapshot(), "build of a copy in another folder");
}

// 13. --------------------------------------------------------------------

#[test]
fn markdown_links_are_rewritten_and_made_safe() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md(
            "title: مقال الروابط\ndate: 2022-12-29",
            "رابط [نفس المجلد](other.md) و[مجلد آخر](../2023/other.md) و[مرساة](other.md#p2) و[نص](2022-12-02-note.txt).\n\n\
             [مفقود](missing.md)\n\n\
             [خطر](javascript:alert(1)) و[خطر ٢](JavaScript:alert(2)) و[خارجي](https://example.org/x)\n\n\
             ![صورة](javascript:alert(4))",
        ),
    );
    site.write("content/2022/other.md", dated("الآخر", "2022-12-01"));
    site.write("content/2023/other.md", dated("الآخر في 2023", "2023-01-05"));
    site.write("content/2022/2022-12-02-note.txt", "ملاحظة\nمقدمة.\n");
    let run = site.build_ok(&[]);

    let html = site.page("2022/12/a/");
    let body = between(&html, "<div class=\"article-body\">", "</div>");
    for link in [
        "<a href=\"/2022/12/other/\">نفس المجلد</a>",
        "<a href=\"/2023/01/other/\">مجلد آخر</a>",
        "<a href=\"/2022/12/other/#p2\">مرساة</a>",
        "<a href=\"/2022/12/note/\">نص</a>",
        "<a href=\"https://example.org/x\">خارجي</a>",
        "<a href=\"#\">خطر</a>",
        "<a href=\"#\">خطر ٢</a>",
    ] {
        assert!(body.contains(link), "missing {link} in\n{body}");
    }
    // Raw HTML (sanitised by default) is tested in tests/hostile/raw_html.rs.

    let warnings = run.stderr_lines("warning:");
    assert_eq!(warnings.len(), 1, "{run}");
    assert_eq!(
        warnings[0],
        format!(
            "{}:8: warning: link to `missing.md` matches no article in content/: name an existing file \
             (relative to this article or to content/) or slug, or remove the link",
            site.path("content/2022/a.md")
        )
    );
    // The Markdown image stays, its javascript: source neutralised.
    assert_eq!(count(body, "<img"), 1, "{body}");
    assert!(body.contains("<img src=\"#\" "), "{body}");
    for (path, bytes) in site.snapshot() {
        let text = without_json_ld(&String::from_utf8_lossy(&bytes)).to_lowercase();
        assert!(!text.contains("javascript:"), "public/{path} holds a javascript: URL");
    }
}

#[test]
fn markdown_image_keeps_its_alt_text() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md(
            "title: صور\ndate: 2022-12-29",
            "![صورة الرئيس](photo.jpg)\n\n![Putin & Xi](p.jpg)",
        ),
    );
    site.build_ok(&[]);
    let html = site.page("2022/12/a/");
    assert!(html.contains("<img src=\"photo.jpg\" alt=\"صورة الرئيس\" />"), "{html}");
    assert!(html.contains("<img src=\"p.jpg\" alt=\"Putin &amp; Xi\" />"), "{html}");
}

#[test]
fn every_internal_link_leads_to_a_written_file() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md("title: أ\ndate: 2022-12-29\ntags: [طاقة]", "[ب](b.md)"),
    );
    site.write("content/2022/b.md", dated("ب", "2022-12-01"));
    site.write("content/undated.txt", "بلا تاريخ\nمقدمة.\n");
    site.build_ok(&[]);
    let mut broken = std::collections::BTreeSet::new();
    for (path, bytes) in site.snapshot() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for prefix in ["href=\"", "src=\""] {
            for url in attribute_values(&html, prefix) {
                let Some(local) = url.strip_prefix('/') else { continue };
                let local = local.split(['#', '?']).next().unwrap_or_default();
                if !site.has_page(local) {
                    broken.insert(format!("/{local} (from {path})"));
                }
            }
        }
    }
    let targets: std::collections::BTreeSet<&str> = broken.iter().map(|b| b.split(' ').next().unwrap()).collect();
    assert!(broken.is_empty(), "links to files the build did not write: {targets:?}");
}

// 14. --------------------------------------------------------------------

#[test]
fn static_files_are_copied_as_they_are() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    site.write("static/img/logo.bin", &binary);
    site.write("static/ads.txt", "example.com, pub-0, DIRECT\n");
    site.write("static/2022/12/a/photo.jpg", b"\xff\xd8\xff");
    let run = site.build_ok(&[]);
    assert!(run.stdout.contains("3 static files copied"), "{run}");
    let out = site.snapshot();
    assert_eq!(out["img/logo.bin"], binary);
    assert_eq!(out["ads.txt"], b"example.com, pub-0, DIRECT\n");
    assert_eq!(out["2022/12/a/photo.jpg"], b"\xff\xd8\xff");
    assert!(out.contains_key("2022/12/a/index.html"));
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("عنوان & <تجربة>", "2022-12-01"));
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"custom\">مخصص: {{ article.title }}</p>{% endblock content %}",
    );
    site.write("templates/theme.css", "/* site css */\n");
    site.build_ok(&[]);
    let article = site.page("2022/12/a/");
    assert!(
        article.contains("<p class=\"custom\">مخصص: عنوان &amp; &lt;تجربة&gt;</p>"),
        "{article}"
    );
    assert!(
        !article.contains("class=\"article-header\""),
        "the default article template was used"
    );
    assert!(article.contains(HTML_OPEN), "base.html should still be the default");
    // Other pages keep the default templates.
    assert!(site.page("").contains("<div class=\"summaries\">"));
    assert_eq!(site.snapshot()["theme.css"], b"/* site css */\n");
}

#[test]
fn template_syntax_error_fails_naming_the_template() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ article.title }{% endblock content %}",
    );
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("templates/article.html:1: error:"), "{run}");
    assert!(run.stderr.contains("Failed to parse 'article.html'"), "{run}");
    assert!(run.stderr.contains("(column 62)"), "{run}");

    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write(
        "templates/list.html",
        "{% extends \"base.html\" %}{% block content %}{{ nosuch.value }}{% endblock content %}",
    );
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("templates/list.html:1: error:"), "{run}");
    assert!(run.stderr.contains("nosuch.value"), "{run}");
}

// 15. --------------------------------------------------------------------

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new();
    site.write("content/2022/public.md", dated("منشور", "2022-12-01"));
    site.write(
        "content/2022/secret.md",
        md("title: مسودة سرية\ndate: 2022-12-02\ndraft: true\ntags: [سري]", "نص."),
    );
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 1 articles:"), "{run}");
    assert!(!site.public().join("2022/12/secret").exists());
    assert!(!site.public().join("tags/سري").exists());
    for (path, bytes) in site.snapshot() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("مسودة سرية"),
            "public/{path} shows the draft"
        );
    }
    assert_eq!(listed(&site.page("")), ["/2022/12/public/"]);

    let run = site.build_ok(&["--drafts"]);
    assert!(run.stdout.starts_with("built 2 articles:"), "{run}");
    assert!(site.page("2022/12/secret/").contains("<h1>مسودة سرية</h1>"));
    assert_eq!(listed(&site.page("")), ["/2022/12/secret/", "/2022/12/public/"]);
    assert!(site.has_page("tags/سري/"));
}

// 16. --------------------------------------------------------------------

// `arshif import`: tests/import.rs.

// 17. --------------------------------------------------------------------

#[test]
fn unknown_site_yaml_key_names_key_and_line() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("site.yaml", "title: أرشيف\n\ncolour: red\nper_page: 5\n");
    let run = site.build_fails_without_output(&[]);
    let prefix = format!("{}:3: error: unknown field `colour`", site.path("site.yaml"));
    assert_eq!(run.stderr_lines(&prefix).len(), 1, "{run}");

    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write(
        "site.yaml",
        "title: x\ntopics:\n  - slug: a\n    name: b\n    colour: c\n",
    );
    let run = site.build_fails_without_output(&[]);
    let prefix = format!("{}:5: error: topics[0]: unknown field `colour`", site.path("site.yaml"));
    assert_eq!(run.stderr_lines(&prefix).len(), 1, "{run}");

    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("site.yaml", "title: x\nper_page: many\n");
    let run = site.build_fails_without_output(&[]);
    assert_eq!(
        run.stderr_lines(&format!("{}:2: error: per_page", site.path("site.yaml")))
            .len(),
        1,
        "{run}"
    );
}

// 18. --------------------------------------------------------------------

#[test]
fn the_sample_archive_builds() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new();
    copy_dir(&repo.join("content"), &site.root.join("content"));
    for file in ["site.yaml"] {
        if repo.join(file).is_file() {
            std::fs::copy(repo.join(file), site.root.join(file)).unwrap();
        }
    }
    if repo.join("static").is_dir() {
        copy_dir(&repo.join("static"), &site.root.join("static"));
    }
    let run = site.build_ok(&[]);
    assert!(!run.stderr.contains("error"), "{run}");
    let seed = std::fs::read_to_string(repo.join("content/2022/2022-12-29-putin-xi-talks.txt")).unwrap();
    let headline = seed.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
    let page = site.page("2022/12/putin-xi-talks/");
    assert!(page.contains(HTML_OPEN));
    assert!(
        page.contains(&format!("<h1>{headline}</h1>")),
        "headline `{headline}` not in the page"
    );
    assert!(
        page.contains("<aside class=\"read-also-ref\">"),
        "the seed's read-also line is not an aside"
    );
    assert!(listed(&site.page("")).contains(&"/2022/12/putin-xi-talks/".to_string()));
    assert!(site.page("2022/12/").contains("/2022/12/putin-xi-talks/"));
}

#[test]
fn output_inside_static_or_templates_is_refused() {
    let site = Site::new();
    site.write("content/2022/a.md", md("title: أ\ndate: 2022-12-01", "نص."));
    site.write("static/logo.svg", "<svg/>");
    for inside in ["static/out", "templates/out"] {
        let output = site.root.join(inside);
        let run = site.build(&["--output", &output.display().to_string()]);
        run.assert_failed();
        assert!(
            run.stderr
                .contains(&format!("is inside {}/", inside.split('/').next().unwrap())),
            "{run}"
        );
        assert!(!output.exists(), "{inside} was written");
    }
}
