//! Item 3 (values): a hostile headline, and slugs, aliases and URLs that
//! try to leave their folder.

use crate::common::*;
use crate::{assert_diagnostic, assert_nothing_outside};

const RLO: char = '\u{202E}';
const PDF: char = '\u{202C}';
const RLI: char = '\u{2067}';
const PDI: char = '\u{2069}';
const LRM: char = '\u{200E}';
const RLM: char = '\u{200F}';

#[test]
fn hostile_headline_is_escaped_and_its_bidi_controls_balanced() {
    let site = Site::new();
    // An override never closed, a stray PDI, an isolate left open, marks,
    // markup characters and both quotes. YAML double quotes spell the controls.
    site.write(
        "content/2022/evil.md",
        "---\ntitle: \"\\u202E<b>x</b> & \\\"q\\\" 'a' \\u2069\\u200F\\u200Eنص \\u2067مفتوح\"\ndate: 2022-12-29\n---\n\nنص.\n",
    );
    site.write(
        "content/2022/2022-12-28-text.txt",
        format!("{RLO}عنوان نصي{PDI}\nمقدمة {RLI}مفتوحة\nفقرة.\n"),
    );
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr, "", "{run}");

    // Balanced: the stray PDI dropped, the open isolate and override closed at the end.
    let clean = format!("{RLO}<b>x</b> & \"q\" 'a' {RLM}{LRM}نص {RLI}مفتوح{PDI}{PDF}");
    let escaped = clean
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let page = site.page("2022/12/evil/");
    assert!(
        page.contains(&format!("<title>{escaped} — أرشيف</title>")),
        "{}",
        between(&page, "<title>", "</title>")
    );
    let h1 = between(&page, "<h1>", "</h1>");
    assert!(h1.starts_with(&format!("{RLO}&lt;<bdi>b</bdi>&gt;")), "{h1}");
    assert!(h1.ends_with(&format!("{RLI}مفتوح{PDI}{PDF}")), "{h1}");
    assert!(!h1.replace("<bdi>", "").replace("</bdi>", "").contains('<'), "{h1}");

    // In a list, whatever follows the headline is outside its embedding.
    let home = site.page("");
    let link = between(&home, "<a href=\"/2022/12/evil/\">", "</a>");
    assert!(link.ends_with(&format!("{PDI}{PDF}")), "{link}");
    assert_eq!(link.matches(PDI).count(), 1, "{link}");

    let text = site.page("2022/12/text/");
    assert!(text.contains(&format!("<h1>{RLO}عنوان نصي{PDF}</h1>")), "{text}");
    assert!(
        text.contains(&format!("<p class=\"standfirst\">مقدمة {RLI}مفتوحة{PDI}</p>")),
        "{text}"
    );

    for (path, bytes) in site.snapshot() {
        if path.ends_with(".xml") {
            assert_well_formed_xml(&path, &bytes);
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<b>x"), "public/{path} holds the raw <b>");
        // Every page keeps its controls balanced.
        let opened = text.matches(RLO).count() + text.matches('\u{202B}').count();
        assert_eq!(
            opened,
            text.matches(PDF).count(),
            "public/{path}: unbalanced embeddings"
        );
        let isolates = text.matches(RLI).count() + text.matches('\u{2066}').count() + text.matches('\u{2068}').count();
        assert_eq!(
            isolates,
            text.matches(PDI).count(),
            "public/{path}: unbalanced isolates"
        );
    }
}

#[test]
fn slugs_aliases_and_urls_that_try_to_leave_are_neutralised_with_warnings() {
    let site = Site::new();
    let cases = [
        ("dots", "../../etc/passwd", "etc-passwd"),
        ("absolute", "/tmp/abs", "tmp-abs"),
        ("encoded", "'%2e%2e%2f%2e%2e%2fx'", "2e-2e-2f-2e-2e-2fx"),
        ("nul", "\"a\\0b\"", "a-b"),
        ("backslash", "'..\\..\\win'", "win"),
    ];
    for (i, (name, slug, _)) in cases.iter().enumerate() {
        site.write(
            &format!("content/2022/{name}.md"),
            md(&format!("title: {name}\ndate: 2022-12-0{}\nslug: {slug}", i + 1), "نص."),
        );
    }
    site.write(
        "content/2022/aliases.md",
        md(
            "title: أسماء بديلة\ndate: 2022-12-10\nurl: https://example.org/original\naliases:\n  - /etc/passwd\n  - /old/2019/kept/",
            "نص.",
        ),
    );
    let bad_urls = [
        ("js", "javascript:alert(1)"),
        ("relative", "../../etc/passwd"),
        ("encoded", "'%2e%2e/x'"),
        ("nul", "\"https://a\\0b\""),
        ("file", "file:///etc/passwd"),
    ];
    for (i, (name, url)) in bad_urls.iter().enumerate() {
        site.write(
            &format!("content/2022/url-{name}.md"),
            md(
                &format!("title: url {name}\ndate: 2022-12-1{}\nurl: {url}", i + 1),
                "نص.",
            ),
        );
    }
    let run = site.build_ok(&[]);

    for (name, slug, result) in cases {
        assert!(
            site.has_page(&format!("2022/12/{result}/")),
            "slug {slug} → no /2022/12/{result}/: {:#?}",
            tree(&site.public())
        );
        assert_diagnostic(
            &run,
            &site.path(&format!("content/2022/{name}.md")),
            Some(4),
            "warning",
            &format!("is a URL segment, not a path: the URL uses `{result}`"),
        );
    }
    // `/etc/passwd` is a fine path *inside* the site: kept, like /old/2019/kept/.
    assert!(!run.stderr.contains("alias `"), "{run}");
    assert!(site.page("old/2019/kept/").contains("http-equiv=\"refresh\""));
    assert!(site
        .page("2022/12/aliases/")
        .contains("<span class=\"original\"><a href=\"https://example.org/original\" rel=\"noopener\">"));
    for (name, _) in bad_urls {
        let file = site.path(&format!("content/2022/url-{name}.md"));
        assert_diagnostic(&run, &file, Some(4), "warning", "is not linked: ");
        let page = site.page(&format!("2022/12/url-{name}/"));
        assert!(
            !page.contains("class=\"original\""),
            "url-{name} linked its url:\n{page}"
        );
    }

    // Nothing escaped: only the expected pages, all below public/.
    assert_nothing_outside(&site, &["content"]);
    for file in tree(&site.public()) {
        assert!(!file.contains(".."), "public/{file}");
        // The alias `/etc/passwd` is a path of this site: its redirect page is
        // public/etc/passwd/index.html, and nothing else may start so.
        if file.starts_with("etc/") {
            assert_eq!(file, "etc/passwd/index.html");
            assert!(site.page(&file).contains("http-equiv=\"refresh\""), "public/{file}");
        }
        assert!(!file.starts_with("tmp/"), "public/{file}");
    }
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(!text.contains("javascript:"), "public/{path}");
        assert!(!text.contains("file:///"), "public/{path}");
    }
}

#[test]
fn aliases_that_try_to_leave_are_errors_naming_file_and_line() {
    let site = Site::new();
    site.write("content/2022/good.md", md("title: جيد\ndate: 2022-12-01", "نص."));
    site.build_ok(&[]);
    let before = site.snapshot();
    site.write(
        "content/2022/aliases.md",
        md(
            "title: أسماء بديلة\ndate: 2022-12-10\naliases:\n  - ../../outside\n  - '%2e%2e/x'\n  - \"a\\0b\"\n  - https://evil.example/x",
            "نص.",
        ),
    );
    let run = site.build(&[]);
    run.assert_failed();
    let file = site.path("content/2022/aliases.md");
    for (line, alias, why) in [
        (5, "../../outside", "leaves the site's folder"),
        (6, "%2e%2e/x", "leaves the site's folder"),
        // Written with a YAML escape, it is found at its key's line.
        (4, "a\\u{0}b", "control character"),
        (8, "https://evil.example/x", "address outside this site"),
    ] {
        let found = run.stderr_lines(&format!("{file}:{line}: error: alias `{alias}`"));
        assert_eq!(found.len(), 1, "alias {alias}:\n{run}");
        assert!(found[0].contains(why), "alias {alias}:\n{run}");
    }
    assert_same_files(&before, &site.snapshot(), "a failed build");
    assert_nothing_outside(&site, &["content"]);
}

#[test]
fn dates_outside_the_years_1_to_9999_are_errors_naming_file_and_line() {
    for date in ["-0044-03-15", "0000-06-01", "+12022-01-01T00:00:00Z"] {
        let site = Site::new();
        site.write("content/2022/ok.md", md("title: خبر\ndate: 2022-12-01", "نص."));
        let file = site.write(
            "content/2022/caesar.md",
            md(&format!("title: قيصر\ndate: \"{date}\""), "نص."),
        );
        let run = site.build_fails_without_output(&[]);
        assert_diagnostic(&run, &file.display().to_string(), Some(3), "error", "years 1 to 9999");
        assert!(!run.stderr.contains("template"), "{run}");
    }
}

#[test]
fn site_yaml_values_lose_their_control_characters_on_every_page() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: \"أرشيف\\x1b[31m\\x07\"\ndescription: \"وصف\\u202Eمقلوب\"\ntopics:\n  - slug: oil\n    name: \"نفط\\x00\"\n    match: [النفط]\n",
    );
    site.write(
        "content/2022/2022-12-01-oil.txt",
        "النفط يرتفع\nالنفط.\nالنفط والأسعار.\n",
    );
    site.build_ok(&[]);
    for (path, bytes) in site.snapshot() {
        if path.ends_with(".woff2") {
            // The theme's font: binary, not text.
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && c != '\t' && c != '\r' && c.is_control()),
            "{path} holds a control character"
        );
        assert!(
            !text.contains("\u{202E}مقلوب\"") && !text.contains("\u{202E}مقلوب<"),
            "{path}: an override left open"
        );
    }
}

#[test]
fn a_topic_with_an_empty_slug_is_an_error_naming_the_line() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "topics:\n  - slug: oil\n    name: نفط\n  - slug: \"\"\n    name: فارغ\n",
    );
    site.write("content/2022/2022-12-01-oil.txt", "النفط يرتفع\nالنفط.\nالنفط.\n");
    let run = site.build_fails_without_output(&[]);
    assert_diagnostic(&run, &site.path("site.yaml"), Some(4), "error", "empty slug");
}

#[test]
fn template_errors_name_the_file_and_line_and_deep_macros_render() {
    let site = Site::new();
    site.write("content/2022/2022-12-01-a.txt", "خبر\nمقدمة.\nنص.\n");
    let template = site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ article.title }}</p>\n<p>{{ article.title | nosuchfilter }}</p>\n{% endblock content %}\n",
    );
    let run = site.build_fails_without_output(&[]);
    assert_diagnostic(&run, &template.display().to_string(), Some(4), "error", "nosuchfilter");

    // Recursion 2,000 macros deep: the default 2 MB stack overflowed at
    // about 1,000 in a release build (fewer in a debug one, which this
    // test runs) and aborted the process.
    let mut macros = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/macros.html")).unwrap();
    macros.push_str("{% macro down(n) %}{% if n > 0 %}{{ self::down(n=n-1) }}{% else %}<b id=\"bottom\">القاع</b>{% endif %}{% endmacro down %}\n");
    site.write("templates/macros.html", macros);
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block content %}{{ m::down(n=2000) }}{% endblock content %}\n",
    );
    let run = site.build_ok(&[]);
    assert!(site.page("2022/12/a/").contains("<b id=\"bottom\">القاع</b>"), "{run}");
}
