//! Item 4: messy text, big and many files, files that change under a build.

use crate::common::*;
use crate::{assert_diagnostic, build_within};
use arshif::load::{self, Format};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn crlf_lone_cr_tabs_and_trailing_whitespace_read_as_plain_lines() {
    let site = Site::new();
    site.write(
        "content/crlf.md",
        "---   \r\ntitle: عنوان بنهايات ويندوز   \r\ndate: 2022-12-01\t\r\n---  \r\n\r\nفقرة أولى.\r\n\r\nفقرة ثانية.\r\n",
    );
    site.write("content/2022-12-02-cr.txt", "عنوان بنهايات ماك\rمقدمة.\rفقرة.\r");
    site.write(
        "content/2022-12-03-tabs.txt",
        "\tعنوان بمسافات   \t\n  مقدمة.\t \n\nفقرة\tمع\tجدولة.   \n",
    );
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr, "", "{run}");
    let crlf = site.page("2022/12/crlf/");
    assert!(crlf.contains("<h1>عنوان بنهايات ويندوز</h1>"), "{crlf}");
    assert!(crlf.contains("<p>فقرة أولى.</p>\n<p>فقرة ثانية.</p>"), "{crlf}");
    assert!(!crlf.contains('\r'));
    let cr = site.page("2022/12/cr/");
    assert!(cr.contains("<h1>عنوان بنهايات ماك</h1>"), "{cr}");
    assert!(cr.contains("<p class=\"standfirst\">مقدمة.</p>"), "{cr}");
    assert!(cr.contains("<p>فقرة.</p>"), "{cr}");
    let tabs = site.page("2022/12/tabs/");
    assert!(tabs.contains("<h1>عنوان بمسافات</h1>"), "{tabs}");
    assert!(tabs.contains("<p class=\"standfirst\">مقدمة.</p>"), "{tabs}");
    assert!(tabs.contains("<p>فقرة مع جدولة.</p>"), "{tabs}");
}

#[test]
fn broken_files_each_give_one_error_naming_the_file_and_line() {
    let site = Site::new();
    site.write("content/good.md", md("title: سليم\ndate: 2022-12-01", "نص."));
    let cases: [(&str, &str, Option<usize>, &str); 11] = [
        (
            "empty.md",
            "",
            None,
            "the file is empty: a Markdown article needs front matter with a `title:`",
        ),
        (
            "empty.txt",
            "",
            None,
            "the file is empty: a text article needs a headline line",
        ),
        (
            "blank.txt",
            "  \n\t\n\r\n",
            None,
            "the file is empty: a text article needs a headline line",
        ),
        (
            "unclosed.md",
            "---\ntitle: عنوان\ndate: 2022-12-02\n\nنص.\n",
            Some(1),
            "front matter opened with `---` is never closed",
        ),
        (
            "list.md",
            "---\n- عنوان\n- 2022-12-02\n---\nنص.\n",
            Some(2),
            "front matter must be keys and values (`title: …`), found a list",
        ),
        (
            "scalar.md",
            "---\nمجرد نص\n---\nنص.\n",
            Some(2),
            "front matter must be keys and values (`title: …`), found the text `مجرد نص`",
        ),
        (
            "word-date.md",
            "---\ntitle: t\ndate: next tuesday\n---\n",
            Some(3),
            "`date: next tuesday` is not a date",
        ),
        (
            "number-date.md",
            "---\ntitle: t\ndate: 20221229\n---\n",
            Some(3),
            "`date: 20221229` is not a date",
        ),
        (
            "list-title.md",
            "---\ntitle: [أ, ب]\n---\n",
            Some(2),
            "`title` should be text, found a list",
        ),
        (
            "control-title.md",
            "---\ntitle: \"\\u0001\\u0007\"\n---\n",
            None,
            "the headline is empty once control characters are removed",
        ),
        (
            "deep.md",
            &format!("---\ntitle: t\nx: {}{}\n---\n", "[".repeat(10_000), "]".repeat(10_000)),
            Some(3),
            "front matter is not valid YAML: recursion limit exceeded",
        ),
    ];
    for (name, text, _, _) in &cases {
        site.write(&format!("content/{name}"), text);
    }
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("the archive has 11 errors:"), "{run}");
    for (name, _, line, phrase) in cases {
        assert_diagnostic(&run, &site.path(&format!("content/{name}")), line, "error", phrase);
    }
    assert!(!run.stderr.contains("good.md"), "{run}");
}

#[test]
fn front_matter_only_a_numeric_title_and_yaml_aliases_build() {
    let site = Site::new();
    site.write("content/only.md", "---\ntitle: 1948\ndate: 2022-12-01\n---\n");
    site.write("content/no-newline.md", "---\ntitle: 3.5\ndate: 2022-12-02\n---");
    // Billion laughs: YAML aliases must not blow up memory or time.
    let mut laughs = String::from("---\ntitle: ضحك\ndate: 2022-12-03\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        laughs.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
    }
    laughs.push_str("---\nنص.\n");
    site.write("content/laughs.md", laughs);
    let run = build_within(&site, &[], Duration::from_secs(60));
    let laughs_file = site.path("content/laughs.md");
    if run.success() {
        assert!(run.stdout.starts_with("built 3 articles:"), "{run}");
    } else {
        // serde_yaml refuses the expansion: an error naming the file, nothing else.
        assert!(run.stderr.contains("the archive has 1 error:"), "{run}");
        assert!(run.stderr.contains(&format!("{laughs_file}:")), "{run}");
        site.remove("content/laughs.md");
        site.build_ok(&[]);
    }
    assert!(site.page("2022/12/only/").contains("<h1><bdi>1948</bdi></h1>"));
    assert!(site
        .page("2022/12/only/")
        .contains("<div class=\"article-body\">\n\n</div>"));
    assert!(site.page("2022/12/no-newline/").contains("<h1><bdi>3.5</bdi></h1>"));
}

#[test]
fn a_20_mb_article_builds() {
    let site = Site::new();
    site.write("content/small.md", md("title: مقال صغير\ndate: 2022-12-01", "نص."));
    let paragraph = "قال الكرملين إن المحادثات بين الرئيسين بوتين وشي جين بينغ ستتناول التجارة والطاقة وخط Power of Siberia منذ 2019.\n\n";
    let mut body = String::with_capacity(21 * 1024 * 1024);
    let mut n = 0;
    while body.len() < 20 * 1024 * 1024 {
        body.push_str(paragraph);
        n += 1;
        if n % 500 == 0 {
            // Read-also paragraphs all through: their line numbers must not cost quadratic time.
            body.push_str("اقرأ أيضاً: مقال صغير\n\n");
        }
    }
    site.write("content/big.md", md("title: مقال ضخم\ndate: 2022-12-02", &body));
    let started = Instant::now();
    let run = build_within(&site, &[], Duration::from_secs(240));
    run.assert_ok();
    assert_eq!(run.stderr, "", "{run}");
    let page = site.page("2022/12/big/");
    assert!(page.len() > 20 * 1024 * 1024, "the page has {} bytes", page.len());
    assert_eq!(count(&page, "<aside class=\"read-also-ref\">"), n / 500);
    eprintln!("20 MB article built in {:.1} s", started.elapsed().as_secs_f64());
}

/// Writes `n` one-line text articles into `content`, 1,000 a folder.
fn tiny_files(content: &Path, n: usize) {
    for i in 0..n {
        let dir = content.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(dir.join(format!("2022-01-01-a{i}.txt")), format!("عنوان {i}\n")).unwrap();
    }
}

/// 100,000 files through discovery and reading (the stages that face the
/// number of files), in the library. The whole build of 100,000 pages
/// takes about 100 s in a debug build (rendering and writing 120,000
/// pages), so `cargo test` builds 3,000 of them end to end below, and
/// `one_hundred_thousand_tiny_files_build_end_to_end` (ignored) does all
/// of them: `cargo test --release --test hostile -- --ignored`.
#[test]
fn one_hundred_thousand_tiny_files_are_all_found_and_read() {
    // In memory where there is a tmpfs: creating 100,000 files on this
    // machine's disk takes some 35 s, on /dev/shm under 2 s.
    let dir = match tempfile::tempdir_in("/dev/shm") {
        Ok(dir) => dir,
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let content = dir.path().join("content");
    tiny_files(&content, 100_000);
    let (files, warnings) = load::discover(&content, &[]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(files.len(), 100_000);
    assert!(files.iter().all(|f| Format::of(&f.path) == Some(Format::Text)));
    let (articles, problems) = load::load_all(&files);
    assert!(problems.is_empty(), "{:?}", &problems[..problems.len().min(3)]);
    assert_eq!(articles.len(), 100_000);
    assert_eq!(articles[0].slug, "a0");
    assert_eq!(articles[99_999].title, "عنوان 99999");
}

#[test]
fn three_thousand_tiny_files_build_end_to_end() {
    let site = Site::new();
    tiny_files(&site.root.join("content"), 3_000);
    let run = build_within(&site, &[], Duration::from_secs(240));
    run.assert_ok();
    assert!(run.stdout.starts_with("built 3000 articles:"), "{run}");
    let pages = tree(&site.public());
    assert_eq!(pages.iter().filter(|p| p.starts_with("2022/01/a")).count(), 3_000);
}

#[test]
#[ignore = "about 100 s in a debug build; run with --release -- --ignored"]
fn one_hundred_thousand_tiny_files_build_end_to_end() {
    let site = Site::new();
    tiny_files(&site.root.join("content"), 100_000);
    let run = build_within(&site, &[], Duration::from_secs(1200));
    run.assert_ok();
    assert!(run.stdout.starts_with("built 100000 articles:"), "{run}");
    let pages = tree(&site.public());
    assert_eq!(pages.iter().filter(|p| p.starts_with("2022/01/a")).count(), 100_000);
}

#[test]
fn file_changed_or_deleted_between_discovery_and_reading() {
    let site = Site::new();
    for name in ["deleted", "folder", "truncated", "rewritten", "kept"] {
        site.write(
            &format!("content/{name}.md"),
            md(&format!("title: {name}\ndate: 2022-12-01"), "نص."),
        );
    }
    let content = site.root.join("content");
    let (files, warnings) = load::discover(&content, &[]);
    assert!(warnings.is_empty());
    assert_eq!(files.len(), 5);
    // What an editor (or a sync tool) does while the build runs.
    site.remove("content/deleted.md");
    site.remove("content/folder.md");
    std::fs::create_dir(content.join("folder.md")).unwrap();
    site.write("content/truncated.md", "---\ntitle: tru");
    site.write("content/rewritten.md", md("title: نسخة جديدة\ndate: 2022-12-05", "نص."));
    let (articles, mut problems) = load::load_all(&files);
    problems.sort();
    let titles: Vec<&str> = articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["kept", "نسخة جديدة"]);
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let at = |name: &str| content.join(name).display().to_string();
    assert_eq!(
        shown,
        [
            format!("{}: error: cannot read: not a regular file", at("folder.md")),
            format!(
                "{}:1: error: front matter opened with `---` is never closed: add a `---` line after it",
                at("truncated.md")
            ),
            format!(
                "{}: warning: the file disappeared while the build was reading content/: skipped",
                at("deleted.md")
            ),
        ]
    );
}

#[test]
fn builds_racing_an_editor_never_panic_and_name_the_file() {
    let site = Site::new();
    for i in 0..40 {
        site.write(
            &format!("content/a{i}.md"),
            md(&format!("title: مقال {i}\ndate: 2022-12-01"), &"فقرة.\n\n".repeat(50)),
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let stop = Arc::clone(&stop);
        let content = site.root.join("content");
        std::thread::spawn(move || {
            let mut round = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // Delete, write half, then the whole file: the states a build may meet.
                let i = round % 40;
                let path = content.join(format!("a{i}.md"));
                let full = md(
                    &format!("title: مقال {i}\ndate: 2022-12-01"),
                    &"فقرة معدلة.\n\n".repeat(50),
                );
                drop(std::fs::remove_file(&path));
                std::thread::sleep(Duration::from_micros(300));
                drop(std::fs::write(&path, &full.as_bytes()[..full.len() / 2]));
                std::thread::sleep(Duration::from_micros(300));
                drop(std::fs::write(&path, &full));
                round += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let mut outcomes = (0, 0);
    for _ in 0..8 {
        let run = site.build(&[]);
        assert!(!run.stderr.contains("panicked"), "{run}");
        if run.success() {
            outcomes.0 += 1;
        } else {
            run.assert_failed();
            outcomes.1 += 1;
            for line in run.stderr.lines().filter(|l| l.contains(": error: ")) {
                assert!(line.trim_start().starts_with(&site.path("content/")), "{run}");
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    editor.join().unwrap();
    eprintln!(
        "racing builds: {} succeeded, {} failed naming a file",
        outcomes.0, outcomes.1
    );
    // Once the editor stops, the output is a complete build of the final files.
    for i in 0..40 {
        site.write(
            &format!("content/a{i}.md"),
            md(&format!("title: مقال {i}\ndate: 2022-12-01"), "نص."),
        );
    }
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 40 articles:"), "{run}");
}
