//! Item 6 guarantees: nothing is written outside the output folder,
//! whatever the input, and a failed build leaves the previous output
//! byte-identical.

use crate::common::*;
use crate::{assert_nothing_outside, build_within};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::time::Duration;

/// A site holding one of each hostile input that still builds.
fn hostile_site() -> Site {
    let site = Site::new();
    site.write("content/2022/good.md", md("title: سليم\ndate: 2022-12-01", "نص."));
    site.write(
        "content/2022/slug.md",
        md(
            "title: مسار\ndate: 2022-12-02\nslug: ../../../outside\naliases: [/abs/z]\nurl: '../../etc'",
            "نص.",
        ),
    );
    site.write(
        "content/2022/html.md",
        md(
            "title: '<script>x</script>'\ndate: 2022-12-03",
            "<script>alert(1)</script><img src=x onerror=alert(2)>",
        ),
    );
    site.write(
        "content/2022/bidi.md",
        "---\ntitle: \"\\u202Eمعكوس\\u2066\"\ndate: 2022-12-04\n---\nنص.\n",
    );
    let (legacy, _, _) = encoding_rs::WINDOWS_1256.encode("خبر قديم\nمقدمة.\n");
    site.write("content/2022/2022-12-05-legacy.txt", &legacy);
    write_file(
        &site
            .root
            .join("content")
            .join(OsStr::from_bytes(b"2022-12-06-\xff name.txt")),
        "اسم غريب\nمقدمة.\n",
    );
    site.write("private/secret.md", md("title: سر\ndate: 2022-12-07", "سر."));
    symlink("../private/secret.md", site.root.join("content/secret.md")).unwrap();
    site.write("static/notes.md", md("title: ملاحظة\ndate: 2022-12-08", "نص."));
    site
}

#[test]
fn nothing_is_written_outside_the_output_folder_whatever_the_input() {
    let site = hostile_site();
    let sources = snapshot(&site.root);
    let run = build_within(&site, &[], Duration::from_secs(120));
    run.assert_ok();
    assert!(run.stdout.starts_with("built 6 articles:"), "{run}");
    assert_nothing_outside(&site, &["content", "private", "static"]);
    let mut after = snapshot(&site.root);
    // The output, the build cache and the output's lock file are what a build writes.
    after.retain(|path, _| {
        !path.starts_with("public/") && !path.starts_with(".arshif-cache/") && path != ".public.arshif-lock"
    });
    assert_same_files(&sources, &after, "the site folder, output aside");
    for file in tree(&site.public()) {
        assert!(!file.split('/').any(|s| s == ".." || s == "."), "public/{file}");
    }

    // An output inside content/ is refused, and nothing is added there.
    let before = entries(&site.root.join("content"));
    let out = site.root.join("content/out");
    let run = site.build(&["--output", &out.display().to_string()]);
    run.assert_failed();
    assert!(run.stderr.contains("is inside content/"), "{run}");
    assert_nothing_outside(&site, &["content", "private", "static"]);
    assert_eq!(
        entries(&site.root.join("content")),
        before,
        "content/ after the refusal"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = hostile_site();
    site.build_ok(&[]);
    let before = site.snapshot();
    assert!(before.contains_key("2022/12/good/index.html"));
    let huge = |site: &Site| {
        let file = std::fs::File::create(site.root.join("content/2022/huge.md")).unwrap();
        file.set_len(300 * 1024 * 1024).unwrap();
    };
    type Breakage = (&'static str, Box<dyn Fn(&Site)>, &'static str);
    let breakages: Vec<Breakage> = vec![
        (
            "content/2022/binary.md",
            Box::new(|s: &Site| drop(s.write("content/2022/binary.md", b"\x89PNG\r\n\x1a\n\x00\x00"))),
            "NUL bytes",
        ),
        (
            "content/2022/latin1.txt",
            Box::new(|s: &Site| drop(s.write("content/2022/latin1.txt", b"caf\xe9\n"))),
            "not text in an encoding arshif reads",
        ),
        (
            "content/2022/nul.md",
            Box::new(|s: &Site| drop(s.write("content/2022/nul.md", "---\ntitle: x\n---\nنص\0\n"))),
            "NUL character (line 4)",
        ),
        (
            "content/2022/control.md",
            Box::new(|s: &Site| drop(s.write("content/2022/control.md", "---\ntitle: \"\\u0000\"\n---\n"))),
            "the headline is empty",
        ),
        (
            "content/2022/same.md",
            Box::new(|s: &Site| {
                drop(s.write(
                    "content/2022/same.md",
                    md("title: نسخة\ndate: 2022-12-01\nslug: ../good", "نص."),
                ))
            }),
            "same URL /2022/12/good/",
        ),
        ("content/2022/huge.md", Box::new(huge), "more than the 256 MB"),
    ];
    for (file, break_it, phrase) in breakages {
        break_it(&site);
        let run = build_within(&site, &[], Duration::from_secs(120));
        run.assert_failed();
        assert!(run.stderr.contains(phrase), "`{phrase}`:\n{run}");
        assert!(
            run.stderr.contains(&site.path(file)),
            "the error does not name {file}:\n{run}"
        );
        assert_same_files(&before, &site.snapshot(), &format!("public/ after adding {file}"));
        assert_nothing_outside(&site, &["content", "private", "static"]);
        site.remove(file);
    }
    site.build_ok(&[]);
    assert_same_files(&before, &site.snapshot(), "public/ after removing the breakages");
}
