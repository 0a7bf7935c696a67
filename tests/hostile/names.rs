//! Item 3 (names): file names, symlinks, the output inside content/,
//! unreadable and special files.

use crate::common::*;
use crate::{assert_diagnostic, assert_nothing_outside, build_within, reads_everything, tool};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::time::Duration;

fn dated(title: &str, date: &str) -> String {
    md(&format!("title: {title}\ndate: {date}"), "نص المقال.")
}

#[test]
fn arabic_and_spaced_file_names_become_slugs_and_links_find_them() {
    let site = Site::new();
    site.write(
        "content/2022/2022-12-01-محادثات بوتين وشي.md",
        md("title: محادثات", "نص."),
    );
    site.write("content/أخبار قديمة/2022-11-05-مقال   بمسافات.txt", "عنوان\nمقدمة.\n");
    site.write(
        "content/2022/links.md",
        md(
            "title: روابط\ndate: 2022-12-02",
            "[الأول](2022-12-01-محادثات%20بوتين%20وشي.md) و[الثاني](<../أخبار قديمة/2022-11-05-مقال   بمسافات.txt>)",
        ),
    );
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr, "", "{run}");
    assert!(
        site.has_page("2022/12/محادثات-بوتين-وشي/"),
        "{:#?}",
        tree(&site.public())
    );
    assert!(site.has_page("2022/11/مقال-بمسافات/"), "{:#?}", tree(&site.public()));
    // pulldown-cmark percent-encodes what is not ASCII in a link.
    let encoded = |path: &str| -> String {
        path.bytes()
            .map(|b| {
                if b.is_ascii() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let links = site.page("2022/12/links/");
    for (url, text) in [
        ("/2022/12/محادثات-بوتين-وشي/", "الأول"),
        ("/2022/11/مقال-بمسافات/", "الثاني"),
    ] {
        let link = format!("<a href=\"{}\">{text}</a>", encoded(url));
        assert!(links.contains(&link), "no {link} in\n{links}");
    }
}

#[test]
fn file_names_that_are_not_utf8_are_read_under_a_lossy_name_with_a_warning() {
    let site = Site::new();
    let content = site.root.join("content");
    write_file(
        &content.join(OsStr::from_bytes(b"2022-12-02-caf\xe9.txt")),
        "مقهى\nمقدمة.\n",
    );
    write_file(
        &content.join(OsStr::from_bytes(b"\xff\xfe.md")),
        md("title: عنوان فقط\ndate: 2022-12-03", "نص."),
    );
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 2 articles:"), "{run}");
    assert_diagnostic(
        &run,
        &site.path("content/2022-12-02-caf\u{fffd}.txt"),
        None,
        "warning",
        "file name is not valid UTF-8: read as `2022-12-02-caf\u{fffd}.txt`; rename the file",
    );
    assert_diagnostic(
        &run,
        &site.path("content/\u{fffd}\u{fffd}.md"),
        None,
        "warning",
        "file name is not valid UTF-8: read as `\u{fffd}\u{fffd}.md`; rename the file",
    );
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
    // The slug comes from the lossy name; with no letters left, from the headline.
    assert!(site.page("2022/12/caf/").contains("<h1>مقهى</h1>"));
    assert!(site.page("2022/12/عنوان-فقط/").contains("<h1>عنوان فقط</h1>"));
}

#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let content = site.root.join("content");
    symlink(&content, content.join("2022/loop")).unwrap();
    symlink("self.md", content.join("self.md")).unwrap();
    let run = build_within(&site, &[], Duration::from_secs(60));
    run.assert_ok();
    assert!(run.stdout.starts_with("built 1 articles:"), "{run}");
    assert_diagnostic(
        &run,
        &site.path("content/2022/loop"),
        None,
        "warning",
        "symbolic link loop: skipped",
    );
    assert_diagnostic(
        &run,
        &site.path("content/self.md"),
        None,
        "warning",
        "cannot read: Too many levels of symbolic links",
    );
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
}

#[test]
fn symlinks_out_of_content_are_skipped_with_a_warning() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("private/leak.md", dated("وثيقة سرية", "2022-12-02"));
    site.write("private/2022-12-03-other.txt", "وثيقة سرية أخرى\nمقدمة.\n");
    let content = site.root.join("content");
    symlink("../private/leak.md", content.join("leak.md")).unwrap();
    symlink(site.root.join("private"), content.join("private-dir")).unwrap();
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 1 articles:"), "{run}");
    for link in ["content/leak.md", "content/private-dir"] {
        assert_diagnostic(
            &run,
            &site.path(link),
            None,
            "warning",
            "symbolic link leads out of content/: skipped",
        );
    }
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
    for (path, bytes) in site.snapshot() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("وثيقة سرية"),
            "public/{path} shows a file from outside content/"
        );
    }
}

#[test]
fn output_folder_inside_content_is_refused() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    site.write("static/notes.md", md("title: ليس مقالاً\ndate: 2022-12-05", "نص."));
    for inside in ["content/out", "content/2022/out", "content/2022"] {
        let before = snapshot(&site.root.join("content"));
        let run = site.build(&["--output", &site.path(inside)]);
        run.assert_failed();
        assert!(run.stderr.contains("is inside content/"), "{run}");
        assert_same_files(&before, &snapshot(&site.root.join("content")), inside);
    }
    assert_nothing_outside(&site, &["content", "static"]);
}

#[test]
fn unreadable_file_is_an_error_naming_it() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let locked = site.write("content/2022/locked.md", dated("مقفل", "2022-12-02"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if reads_everything(&site.outer) {
        // Running as root (as CI does): permissions do not stop reading, so
        // the file is built like any other. The read error itself is
        // covered as root by `file_changed_or_deleted_between_discovery_and_reading`
        // (a file replaced by a folder cannot be read either).
        let run = site.build_ok(&[]);
        assert!(run.stdout.starts_with("built 2 articles:"), "{run}");
        return;
    }
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("the archive has 1 error:"), "{run}");
    assert_diagnostic(
        &run,
        &site.path("content/2022/locked.md"),
        None,
        "error",
        "cannot read: Permission denied",
    );
}

#[test]
fn a_pipe_named_like_an_article_is_skipped_not_waited_on() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let pipe = site.root.join("content/2022/pipe.md");
    tool("mkfifo", &[pipe.as_os_str()]);
    let run = build_within(&site, &[], Duration::from_secs(60));
    run.assert_ok();
    assert!(run.stdout.starts_with("built 1 articles:"), "{run}");
    assert_diagnostic(
        &run,
        &site.path("content/2022/pipe.md"),
        None,
        "warning",
        "not a regular file (a pipe, socket or device): skipped",
    );
}

#[test]
fn a_huge_sparse_file_is_refused_without_reading_it() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("أ", "2022-12-01"));
    let huge = std::fs::File::create(site.root.join("content/2022/huge.md")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap();
    drop(huge);
    let run = build_within(&site, &[], Duration::from_secs(60));
    run.assert_failed();
    assert!(!site.public().exists());
    assert_diagnostic(
        &run,
        &site.path("content/2022/huge.md"),
        None,
        "error",
        "cannot read: the file is 300 MB, more than the 256 MB an article may have",
    );
}
