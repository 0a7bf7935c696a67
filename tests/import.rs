//! `arshif import`, run as a user runs it: the real binary on an export,
//! then a real build of the site it wrote, and assertions on the built pages.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// Runs `arshif import EXPORT --root SITE …`.
fn import(site: &Site, export: &Path, extra: &[&str]) -> Run {
    let mut command = arshif();
    command
        .arg("import")
        .arg(export)
        .arg("--root")
        .arg(&site.root)
        .args(extra);
    command.current_dir(&site.outer);
    run(command)
}

/// The number the summary gives for a reason (`  label: n`), 0 when absent.
fn counted(run: &Run, label: &str) -> usize {
    let prefix = format!("  {label}: ");
    run.stdout
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|n| n.parse().expect("a count"))
        .unwrap_or(0)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn front_matter(path: &Path) -> serde_yaml::Value {
    let text = read(path);
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(yaml, _)| yaml)
        .unwrap_or_else(|| panic!("no front matter in {}", path.display()));
    serde_yaml::from_str(yaml).expect("front matter is YAML")
}

fn mtimes(dir: &Path) -> Vec<(String, SystemTime)> {
    tree(dir)
        .into_iter()
        .map(|rel| {
            let time = std::fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .expect("mtime");
            (rel, time)
        })
        .collect()
}

/// Every built HTML page's text, by path.
fn html_pages(site: &Site) -> Vec<(String, String)> {
    site.snapshot()
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8 page")))
        .collect()
}

// --- WordPress ---------------------------------------------------------------

#[test]
fn a_wordpress_export_becomes_a_site_whose_old_addresses_still_work() {
    let site = Site::new();
    let run = import(
        &site,
        &fixture("wordpress/export.xml"),
        &["--media", fixture("wordpress/uploads").to_str().expect("path")],
    );
    run.assert_ok();
    // The summary counts every reason.
    for (label, n) in [
        ("written", 5),
        ("drafts", 2),
        ("skipped as private", 1),
        ("skipped as trashed", 1),
        ("skipped as page", 1),
        ("skipped as menu item", 1),
        ("attachments (photos)", 3),
        ("comments skipped", 2),
        ("photos copied", 2),
        ("remote photos", 1),
        ("removed shortcodes", 3),
        ("old addresses kept as aliases", 3),
        ("?p= addresses in redirect rules", 3),
    ] {
        assert_eq!(counted(&run, label), n, "{label}\n{run}");
    }
    // Problems name their post.
    assert_eq!(run.stderr_lines("post 105: private post").len(), 1, "{run}");
    assert_eq!(run.stderr_lines("post 106: status `trash`").len(), 1, "{run}");
    assert_eq!(
        run.stderr_lines("post 101: removed unknown shortcodes: vc_column, vc_row")
            .len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.stderr_lines("post 107: removed unknown shortcodes: audio").len(),
        1,
        "{run}"
    );

    // Percent-encoded Arabic post_name → the slug and file name.
    let content = site.root.join("content");
    assert_eq!(
        tree(&content),
        [
            "2016/pending-review.md",
            "2016/الطقس.md",
            "2016/سوق-الذهب.md",
            "2016/قمة-الرياض.md",
            "2016/مسودة-تقرير-لم-يكتمل.md",
        ]
    );
    // Front matter: GMT dates, modified → updated, excerpt, display names,
    // categories and tags, and the featured image with its alt and caption.
    let summit = front_matter(&content.join("2016/قمة-الرياض.md"));
    for (key, value) in [
        ("title", "قمة الرياض تبحث الأمن الإقليمي"),
        ("date", "2016-07-14T16:43:00Z"),
        ("updated", "2016-07-15T09:00:00Z"),
        ("summary", "قمة إقليمية في الرياض تبحث الأمن والتعاون."),
        ("author", "سارة الأحمد"),
        ("category", "سياسة"),
        ("image", "/uploads/2016/07/summit.jpg"),
        ("image_alt", "القادة في القاعة"),
        ("image_caption", "القادة قبيل الجلسة الافتتاحية"),
    ] {
        assert_eq!(summit[key].as_str(), Some(value), "{key}: {summit:?}");
    }
    assert_eq!(
        summit["tags"],
        serde_yaml::from_str::<serde_yaml::Value>("[الرياض, قمم]").unwrap()
    );
    let weather = front_matter(&content.join("2016/الطقس.md"));
    assert_eq!(weather["author"].as_str(), Some("عمر & فريق التحرير"));
    assert_eq!(weather["category"].as_str(), Some("طقس"), "{weather:?}");
    assert_eq!(weather["image"].as_str(), Some("/uploads/2016/07/weather-map.jpg"));
    assert!(weather.get("updated").is_none(), "modified = published is no update");
    let draft = front_matter(&content.join("2016/مسودة-تقرير-لم-يكتمل.md"));
    assert_eq!(draft["draft"].as_bool(), Some(true));
    assert_eq!(
        front_matter(&content.join("2016/pending-review.md"))["draft"].as_bool(),
        Some(true)
    );
    // Photos copied from --media keep WordPress's layout.
    assert_eq!(
        tree(&site.root.join("static/uploads")),
        ["2016/07/summit.jpg", "2016/07/weather-map.jpg"]
    );

    site.build_ok(&[]);
    let summit_page = site.page("2016/07/قمة-الرياض/");
    assert!(
        summit_page.contains("<h1>قمة الرياض تبحث الأمن الإقليمي</h1>"),
        "{summit_page}"
    );
    // The featured image, under the headline, with its alt text and
    // caption; the photo copied with --media is published.
    let lead = between(&summit_page, "<figure class=\"lead-photo\">", "</figure>");
    assert!(lead.contains("<source type=\"image/webp\""), "{summit_page}");
    assert!(
        lead.contains("alt=\"القادة في القاعة\" width=\"320\" height=\"213\" fetchpriority=\"high\">"),
        "{summit_page}"
    );
    assert!(lead.contains("<figcaption>"), "{lead}");
    assert!(lead.contains("القادة قبيل الجلسة الافتتاحية"), "{lead}");
    assert!(site.public().join("uploads/2016/07/summit.jpg").is_file());
    // [caption] → a figure with its caption; HTML paragraphs and line breaks kept.
    let main = main_of(&summit_page);
    assert!(main.contains("<figure>"), "{main}");
    assert!(
        main.contains("<img src=\"/uploads/2016/07/summit.jpg\" alt=\"القادة في القاعة\">"),
        "{main}"
    );
    assert!(
        main.contains("<figcaption>القادة قبيل الجلسة الافتتاحية</figcaption>"),
        "{main}"
    );
    assert!(main.contains("<strong>الأمن</strong>"), "{main}");
    assert!(main.contains("يومين<br>") || main.contains("يومين<br />"), "{main}");
    assert!(main.contains("<li>الأمن البحري</li>"), "{main}");
    // [embed] → a link; the script is gone.
    assert!(
        main.contains("href=\"https://www.youtube.com/watch?v=summit2016\""),
        "{main}"
    );
    assert!(!summit_page.contains("trackVisit"), "{summit_page}");
    // [gallery] → its images (one copied, one remote), tables and quotes.
    let weather_page = main_of(&site.page("2016/07/الطقس/")).to_string();
    assert!(
        weather_page.contains("<img src=\"/uploads/2016/07/weather-map.jpg\""),
        "{weather_page}"
    );
    assert!(
        weather_page.contains("<img src=\"https://alkhabar.example/wp-content/uploads/2016/07/beach.jpg\""),
        "{weather_page}"
    );
    assert!(weather_page.contains("<table>"), "{weather_page}");
    assert!(weather_page.contains("<blockquote>"), "{weather_page}");
    assert!(weather_page.contains("<h2>توقعات الأسبوع</h2>"), "{weather_page}");
    assert!(main_of(&site.page("2016/07/سوق-الذهب/")).contains("href=\"https://www.youtube.com/watch?v=gold2016\""));
    assert!(site.has_page("uploads/2016/07/summit.jpg"));

    // No shortcode text is left anywhere, and no draft, private, trashed post or page is published.
    for (path, html) in html_pages(&site) {
        for code in [
            "[caption",
            "[/caption",
            "[embed",
            "[youtube",
            "[gallery",
            "[vc_",
            "[/vc_",
            "[audio",
        ] {
            assert!(!html.contains(code), "{path} holds `{code}`");
        }
        for hidden in [
            "مسودة: تقرير لم يكتمل",
            "نص المسودة السرية",
            "خبر بانتظار المراجعة",
            "مذكرة داخلية خاصة",
            "خبر محذوف",
            "من نحن",
            "تعليق لا يُنشر",
        ] {
            assert!(!html.contains(hidden), "{path} shows `{hidden}`");
        }
    }

    // Old permalinks are redirect pages to the new addresses.
    for (old, new) in [
        ("archives/101/", "/2016/07/قمة-الرياض/"),
        ("archives/107/", "/2016/07/سوق-الذهب/"),
        ("2016/08/الطقس/", "/2016/07/الطقس/"),
    ] {
        let html = site.page(old);
        // The build writes full, percent-encoded addresses below base_url.
        let new = format!(
            "http://127.0.0.1:1111{}",
            percent_encoding::utf8_percent_encode(new, percent_encoding::CONTROLS)
        );
        assert_eq!(
            attribute_values(&html, "<link rel=\"canonical\" href=\""),
            std::slice::from_ref(&new),
            "{old}: {html}"
        );
        assert!(html.contains(&format!("url={new}\"")), "{old}: {html}");
    }
    // ?p= addresses: rules for the host, drafts left out.
    let netlify = read(&site.public().join("_redirects"));
    assert_eq!(
        netlify.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(),
        [
            "/ p=101 /2016/07/%D9%82%D9%85%D8%A9-%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6/ 301",
            "/ p=102 /2016/07/%D8%A7%D9%84%D8%B7%D9%82%D8%B3/ 301",
            "/ p=107 /2016/07/%D8%B3%D9%88%D9%82-%D8%A7%D9%84%D8%B0%D9%87%D8%A8/ 301",
        ]
    );
    let nginx = read(&site.root.join("redirects/nginx-wordpress-ids.conf"));
    assert!(nginx.contains("map $arg_p $arshif_wordpress_redirect {"), "{nginx}");
    assert_eq!(nginx.matches(" \"/2016/07/").count(), 3, "{nginx}");
    assert!(
        !nginx.contains("103") && !nginx.contains("104"),
        "a draft in the rules: {nginx}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&site.root.join("redirects/wordpress-ids.json"))).expect("JSON");
    assert_eq!(json["redirects"]["102"], "/2016/07/الطقس/");
}

#[test]
fn a_gzipped_wordpress_export_re_imported_rewrites_nothing_and_keeps_hand_edits() {
    let site = Site::new();
    let export = site.outer.join("export.xml.gz");
    let xml = std::fs::read(fixture("wordpress/export.xml")).expect("fixture");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &xml).expect("gzip");
    write_file(&export, gz.finish().expect("gzip"));

    // Without --media photos stay remote, and the summary says how many.
    let first = import(&site, &export, &[]);
    first.assert_ok();
    assert_eq!(counted(&first, "written"), 5, "{first}");
    assert_eq!(counted(&first, "remote photos"), 3, "{first}");
    assert_eq!(counted(&first, "photos copied"), 0, "{first}");
    let summit = site.root.join("content/2016/قمة-الرياض.md");
    assert_eq!(
        front_matter(&summit)["image"].as_str(),
        Some("https://alkhabar.example/wp-content/uploads/2016/07/summit.jpg")
    );
    let content = site.root.join("content");
    let before = mtimes(&content);
    let redirects_before = mtimes(&site.root.join("static"));
    std::thread::sleep(std::time::Duration::from_millis(20));

    let again = import(&site, &export, &[]);
    again.assert_ok();
    assert_eq!(counted(&again, "unchanged"), 5, "{again}");
    assert_eq!(counted(&again, "written"), 0, "{again}");
    assert_eq!(mtimes(&content), before, "a re-import rewrote unchanged files");
    assert_eq!(
        mtimes(&site.root.join("static")),
        redirects_before,
        "_redirects rewritten"
    );

    // A hand edit survives --update, and is replaced only with --force.
    let edited = read(&summit).replace("قمة إقليمية في الرياض", "قمة عربية في الرياض");
    std::fs::write(&summit, &edited).expect("edit");
    let update = import(&site, &export, &["--update"]);
    update.assert_ok();
    assert_eq!(counted(&update, "edited by hand, kept (use --force)"), 1, "{update}");
    assert_eq!(
        update
            .stderr_lines("post 101: ")
            .iter()
            .filter(|l| l.contains("edited by hand"))
            .count(),
        1,
        "{update}"
    );
    assert_eq!(read(&summit), edited);
    let forced = import(&site, &export, &["--force"]);
    forced.assert_ok();
    assert_eq!(counted(&forced, "overwritten (--force)"), 1, "{forced}");
    assert!(read(&summit).contains("قمة إقليمية في الرياض"));

    // A template sees the featured image as `article.photo`.
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{% if article.photo %}<p id=\"photo\" data-src=\"{{ article.photo.src | safe }}\" \
         data-alt=\"{{ article.photo.alt | safe }}\">{{ article.photo.caption | safe }}</p>{% endif %}{% endblock content %}",
    );
    site.build_ok(&[]);
    assert!(
        site.page("2016/07/قمة-الرياض/").contains(
            "<p id=\"photo\" data-src=\"https://alkhabar.example/wp-content/uploads/2016/07/summit.jpg\" \
             data-alt=\"القادة في القاعة\">القادة قبيل الجلسة الافتتاحية</p>"
        ),
        "{}",
        site.page("2016/07/قمة-الرياض/")
    );
}

#[test]
fn a_wordpress_dry_run_counts_everything_and_writes_nothing() {
    let site = Site::new();
    let run = import(
        &site,
        &fixture("wordpress/export.xml"),
        &[
            "--dry-run",
            "--media",
            fixture("wordpress/uploads").to_str().expect("path"),
        ],
    );
    run.assert_ok();
    assert!(run.stdout.contains("would import 5 articles"), "{run}");
    assert_eq!(counted(&run, "photos copied"), 2, "{run}");
    assert_eq!(counted(&run, "?p= addresses in redirect rules"), 3, "{run}");
    assert_eq!(entries(&site.root), ["content"], "a dry run wrote beside content/");
    assert!(tree(&site.root.join("content")).is_empty(), "a dry run wrote articles");

    // A `_redirects` of the site's own is kept, and the summary says so.
    site.write("static/_redirects", "/old /new 301\n");
    let run = import(&site, &fixture("wordpress/export.xml"), &[]);
    run.assert_ok();
    assert_eq!(read(&site.root.join("static/_redirects")), "/old /new 301\n");
    assert_eq!(
        run.stderr_lines("_redirects exists and was not written by import")
            .len(),
        1,
        "{run}"
    );
    assert!(site.root.join("redirects/nginx-wordpress-ids.conf").is_file());
}

// --- JSON lines ----------------------------------------------------------------

#[test]
fn json_lines_dates_in_every_form_exports_write() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    let lines = [
        (r#""2016-07-14T19:43:00+03:00""#, "rfc3339", "2016/07/rfc3339/"),
        (r#""2016-07-15 08:30:00""#, "space", "2016/07/space/"),
        (r#""2017-01-22T194300""#, "compact", "2017/01/compact/"),
        (r#""14/07/2016""#, "dmy", "2016/07/dmy/"),
        (r#""03/04/2016""#, "ambiguous", "2016/04/ambiguous/"),
        (r#""Fri, 02 Sep 2016 10:00:00 +0300""#, "rfc2822", "2016/09/rfc2822/"),
        ("1475000000", "unix", "2016/09/unix/"),
        (r#""منذ ساعة""#, "unreadable", "articles/unreadable/"),
        (r#""-0044-03-15""#, "caesar", "articles/caesar/"),
        ("-99999999999", "ancient", "articles/ancient/"),
    ];
    let text: Vec<String> = lines
        .iter()
        .map(|(date, id, _)| format!(r#"{{"id":"{id}","title":"خبر {id}","date":{date},"body":"نص."}}"#))
        .collect();
    write_file(&export, text.join("\n"));
    let run = import(&site, &export, &[]);
    run.assert_ok();
    assert_eq!(counted(&run, "written"), lines.len(), "{run}");
    assert_eq!(counted(&run, "undated"), 3, "{run}");
    // An unreadable date or one outside the years 1–9999 is a warning naming its line.
    let export_name = export.display().to_string();
    assert_eq!(
        run.stderr_lines(&format!("{export_name}:8: date `منذ ساعة` is in no form"))
            .len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.stderr_lines(&format!("{export_name}:9: date `-0044-03-15` is outside"))
            .len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.stderr_lines(&format!("{export_name}:10: date `-99999999999` is outside"))
            .len(),
        1,
        "{run}"
    );
    assert!(!site.root.join("content/-044").exists());
    assert_eq!(
        front_matter(&site.root.join("content/2017/compact.md"))["date"].as_str(),
        Some("2017-01-22T19:43:00Z")
    );
    site.build_ok(&[]);
    for (_, id, page) in lines {
        assert!(site.page(page).contains(&format!("<title>خبر {id} — ")), "{page}");
    }

    // --date-order mdy reads the ambiguous one month first.
    let site = Site::new();
    write_file(
        &export,
        r#"{"id":"ambiguous","title":"خبر","date":"03/04/2016","body":"نص."}"#,
    );
    import(&site, &export, &["--date-order", "mdy"]).assert_ok();
    assert_eq!(
        front_matter(&site.root.join("content/2016/ambiguous.md"))["date"].as_str(),
        Some("2016-03-04")
    );
}

#[test]
fn json_lines_html_bodies_become_markdown_and_fields_can_be_mapped() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    let lines = [
        serde_json::json!({
            "headline": "خبر بصيغة HTML",
            "published": "2022-12-29",
            "text": "<p>فقرة <b>أولى</b> مع <a href=\"https://example.com/x\">رابط</a>.</p><h2>عنوان فرعي</h2><ul><li>بند</li></ul><script>alert(1)</script><p>1. ليس قائمة</p>",
            "kicker": "سياسة",
            "summary": "<p>مقدمة <b>الخبر</b></p>",
            "keywords": "روسيا، الصين",
        }),
        serde_json::json!({"headline": "نص عادي", "published": "2022-12-30", "text": "سطر أول.\n<<ليس وسماً>> و a < b."}),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    write_file(&export, text.join("\n"));
    let run = import(
        &site,
        &export,
        &[
            "--map",
            "title=headline",
            "--map",
            "date=published",
            "--map",
            "body=text",
            "--map",
            "category=kicker",
            "--map",
            "tags=keywords",
        ],
    );
    run.assert_ok();
    assert_eq!(counted(&run, "written"), 2, "{run}");
    let file = site.root.join("content/2022/خبر-بصيغة-html.md");
    let front = front_matter(&file);
    assert_eq!(front["category"].as_str(), Some("سياسة"));
    assert_eq!(
        front["summary"].as_str(),
        Some("مقدمة الخبر"),
        "an HTML summary becomes text"
    );
    assert_eq!(
        front["tags"],
        serde_yaml::from_str::<serde_yaml::Value>("[روسيا, الصين]").unwrap()
    );
    site.build_ok(&[]);
    let page = main_of(&site.page("2022/12/خبر-بصيغة-html/")).to_string();
    assert!(page.contains("<strong>أولى</strong>"), "{page}");
    assert!(page.contains("<a href=\"https://example.com/x\">رابط</a>"), "{page}");
    assert!(page.contains("<h2>عنوان فرعي</h2>"), "{page}");
    assert!(page.contains("<li>بند</li>"), "{page}");
    assert!(!page.contains("alert") && !page.contains("&lt;p&gt;"), "{page}");
    assert!(!page.contains("<ol>"), "{page}");
    // A plain-text body that merely holds `<` stays text.
    let plain = main_of(&site.page("2022/12/نص-عادي/")).to_string();
    assert!(plain.contains("&lt;&lt;ليس وسماً&gt;&gt;"), "{plain}");

    // A --map to a field import does not know is refused.
    let bad = import(&site, &export, &["--map", "headline=title"]);
    bad.assert_failed();
    assert!(bad.stderr.contains("--map headline=title"), "{bad}");
}

#[test]
fn json_lines_re_import_leaves_unchanged_files_alone() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    let line = |body: &str| format!(r#"{{"id":"a","title":"عنوان","date":"2022-12-29","body":"{body}"}}"#);
    write_file(
        &export,
        [
            line("نص."),
            r#"{"id":"b","title":"ثان","date":"2022-12-30","body":"نص."}"#.into(),
        ]
        .join("\n"),
    );
    import(&site, &export, &[]).assert_ok();
    let content = site.root.join("content");
    let before = mtimes(&content);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = import(&site, &export, &[]);
    again.assert_ok();
    assert_eq!(counted(&again, "unchanged"), 2, "{again}");
    assert_eq!(mtimes(&content), before, "unchanged articles were rewritten");

    // A changed line is kept until --update, and then only that file is written.
    write_file(
        &export,
        [
            line("نص جديد."),
            r#"{"id":"b","title":"ثان","date":"2022-12-30","body":"نص."}"#.into(),
        ]
        .join("\n"),
    );
    let changed = import(&site, &export, &[]);
    changed.assert_ok();
    assert_eq!(
        counted(&changed, "changed in the export, kept (use --update)"),
        1,
        "{changed}"
    );
    assert_eq!(
        changed.stderr_lines(&format!("{}:1: ", export.display())).len(),
        1,
        "{changed}"
    );
    assert!(read(&content.join("2022/a.md")).contains("\nنص.\n"));
    let dry = import(&site, &export, &["--update", "--dry-run"]);
    dry.assert_ok();
    assert!(dry.stdout.contains("would import 1 articles"), "{dry}");
    assert!(read(&content.join("2022/a.md")).contains("\nنص.\n"), "--dry-run wrote");
    let updated = import(&site, &export, &["--update"]);
    updated.assert_ok();
    assert_eq!(counted(&updated, "updated"), 1, "{updated}");
    assert!(read(&content.join("2022/a.md")).contains("نص جديد."));
    let b_time = mtimes(&content).into_iter().find(|(p, _)| p == "2022/b.md");
    assert_eq!(
        b_time,
        before.into_iter().find(|(p, _)| p == "2022/b.md"),
        "b.md rewritten"
    );
}

#[test]
fn json_lines_problems_are_named_by_line_and_the_rest_is_imported() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(r#"{"id":"list-body","title":"أ","date":"2022-12-01","body":{"p":"x"}}"#.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(
        r#"{"id":"bad-tags","title":"ب","date":"2022-12-02","body":"نص.","tags":{"a":1}}"#.as_bytes(),
    );
    bytes.push(b'\n');
    bytes.extend_from_slice(b"{\"id\":\"latin1\",\"title\":\"caf\xe9\",\"body\":\"x\"}\n");
    bytes.extend_from_slice(r#"{"id":"after","title":"ج","date":"2022-12-03","body":"نص."}"#.as_bytes());
    write_file(&export, bytes);
    let run = import(&site, &export, &[]);
    run.assert_ok();
    let name = export.display().to_string();
    assert_eq!(
        run.stderr_lines(&format!("{name}:1: `body` is an object")).len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.stderr_lines(&format!("{name}:2: `tags` is an object")).len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.stderr_lines(&format!("{name}:3: not valid UTF-8")).len(),
        1,
        "{run}"
    );
    assert_eq!(counted(&run, "written"), 3, "{run}");
    assert_eq!(counted(&run, "skipped as unreadable"), 1, "{run}");
    assert_eq!(
        tree(&site.root.join("content")),
        ["2022/after.md", "2022/bad-tags.md", "2022/list-body.md"]
    );

    // A file that cannot be written is named, the others are written, and the exit is non-zero.
    let blocked = Site::new();
    blocked.write("content/2022", "a file where the year's folder would go");
    write_file(
        &export,
        [
            r#"{"id":"blocked","title":"أ","date":"2022-12-01","body":"نص."}"#,
            r#"{"id":"fine","title":"ب","date":"2023-01-01","body":"نص."}"#,
        ]
        .join("\n"),
    );
    let failed = import(&blocked, &export, &[]);
    failed.assert_failed();
    assert_eq!(
        failed.stderr_lines(&format!("{name}:1: cannot write ")).len(),
        1,
        "{failed}"
    );
    assert_eq!(counted(&failed, "could not be written"), 1, "{failed}");
    assert!(blocked.root.join("content/2023/fine.md").is_file());

    // --into a regular file: a clear error and a non-zero exit, nothing written.
    let file = site.outer.join("notes.txt");
    write_file(&file, "x");
    let refused = import(&site, &export, &["--into", file.to_str().expect("path")]);
    refused.assert_failed();
    assert!(refused.stderr.contains("is not a folder"), "{refused}");
    assert_eq!(read(&file), "x");
}

#[test]
fn import_writes_articles_reports_bad_lines_and_never_overwrites() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    write_file(
        &export,
        [
            r#"{"id":"a-1","title":"عنوان أول","date":"2022-12-29","body":"فقرة أولى.\nفقرة ثانية.","category":"سياسة","tags":["روسيا"],"outlet":"رويترز"}"#,
            r#"{not json"#,
            r#"{"id":"no-title","date":"2022-12-30","body":"x"}"#,
            "",
            r##"{"title":"Second Title","date":"2023-01-02T10:00:00+03:00","body":"# ليس عنواناً\n1. ليس قائمة\n<b>ليس وسماً</b>","category":"اقتصاد"}"##,
            r#"{"id":"a-1","title":"مكرر","date":"2022-05-01","body":"x"}"#,
            r#"{"id":"existing","title":"قديم","date":"2022-01-01","body":"جديد"}"#,
        ]
        .join("\n"),
    );
    let existing = site.write("content/2022/existing.md", "hand-written\n");
    let export_name = export.display().to_string();

    let first = import(&site, &export, &["--without", "category"]);
    first.assert_ok();
    assert!(first.stdout.contains("imported 2 articles"), "{first}");
    assert_eq!(
        first.stderr_lines(&format!("{export_name}:2: not valid JSON")).len(),
        1,
        "{first}"
    );
    assert_eq!(
        first.stderr_lines(&format!("{export_name}:3: no title")).len(),
        1,
        "{first}"
    );
    assert_eq!(
        first
            .stderr_lines(&format!("{export_name}:6: same file as line 1"))
            .len(),
        1,
        "{first}"
    );
    assert_eq!(first.stderr_lines(&format!("{export_name}:7: ")).len(), 1, "{first}");
    assert!(
        first.stderr_lines(&format!("{export_name}:4:")).is_empty(),
        "blank line reported"
    );
    assert_eq!(
        std::fs::read(&existing).unwrap(),
        b"hand-written\n",
        "overwritten without --force"
    );

    let content = site.root.join("content");
    assert_eq!(
        tree(&content),
        ["2022/a-1.md", "2022/existing.md", "2023/second-title.md"]
    );
    let a1 = read(&content.join("2022/a-1.md"));
    let (text, hash) = a1.split_once("import_hash: ").expect("hash line");
    assert_eq!(
        text,
        "---\ntitle: عنوان أول\ndate: 2022-12-29\nsource: رويترز\ntags:\n- روسيا\n"
    );
    assert_eq!(
        hash.len(),
        "0123456789abcdef\n---\n\nفقرة أولى.\n\nفقرة ثانية.\n".len(),
        "{a1}"
    );
    let second = read(&content.join("2023/second-title.md"));
    assert!(!second.contains("category"), "{second}");
    assert!(second.contains("\\# ليس عنواناً"), "{second}");
    assert!(second.contains("1\\. ليس قائمة"), "{second}");

    // The imported site builds.
    site.remove("content/2022/existing.md");
    site.build_ok(&[]);
    let page = site.page("2022/12/a-1/");
    assert!(page.contains("<h1>عنوان أول</h1>"));
    assert!(page.contains("<p>فقرة أولى.</p>\n<p>فقرة ثانية.</p>"), "{page}");
    let page = site.page("2023/01/second-title/");
    assert!(page.contains("<p># ليس عنواناً</p>"), "{page}");
    assert!(page.contains("<p><bdi>1</bdi>. ليس قائمة</p>"), "{page}");
    assert!(
        page.contains("<p>&lt;<bdi>b</bdi>&gt;ليس وسماً&lt;/<bdi>b</bdi>&gt;</p>"),
        "{page}"
    );
    assert!(
        !page.contains("class=\"kicker\""),
        "category shown although left out: {page}"
    );

    // --force overwrites, and without --without the category is kept.
    site.write("content/2022/existing.md", "hand-written\n");
    let forced = import(&site, &export, &["--force"]);
    forced.assert_ok();
    let second = read(&content.join("2023/second-title.md"));
    assert!(second.contains("category: اقتصاد\n"), "{second}");
    assert!(read(&content.join("2022/existing.md")).starts_with("---\ntitle: قديم\ndate: 2022-01-01\nimport_hash: "));
}

#[test]
fn import_refuses_to_leave_out_the_title() {
    let site = Site::new();
    let export = site.outer.join("export.jsonl");
    write_file(&export, r#"{"title":"t","date":"2022-12-29","body":"x"}"#);
    let run = import(&site, &export, &["--without", "title"]);
    run.assert_failed();
    assert!(run.stderr.contains("--without title"), "{run}");
    assert!(tree(&site.root.join("content")).is_empty());
}
