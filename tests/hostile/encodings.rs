//! Item 1: encodings.

use crate::common::*;
use crate::{assert_diagnostic, assert_nothing_outside};

const TITLE: &str = "محادثات «بوتين» وشي، اليوم";

fn article(slug: &str) -> String {
    md(
        &format!("title: {TITLE}\ndate: 2022-12-29\nslug: {slug}"),
        "قال الكرملين إن المحادثات — المغلقة — ستُعقد غداً.",
    )
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn utf8_with_and_without_bom_and_utf16_with_bom_build_without_warnings() {
    let site = Site::new();
    site.write("content/plain.md", article("plain"));
    site.write(
        "content/bom.md",
        format!("\u{feff}{}", article("bom").replace('\n', "\r\n")),
    );
    site.write("content/le.md", utf16(&article("le"), true));
    site.write("content/be.md", utf16(&article("be").replace('\n', "\r\n"), false));
    site.write(
        "content/2022-12-28-text-le.txt",
        utf16("نص بترميز UTF-16\nمقدمة.\nفقرة.\n", true),
    );
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 5 articles:"), "{run}");
    assert_eq!(run.stderr, "", "no warning expected:\n{run}");
    for slug in ["plain", "bom", "le", "be"] {
        let page = site.page(&format!("2022/12/{slug}/"));
        assert!(
            page.contains("<h1>محادثات «بوتين» وشي، اليوم</h1>"),
            "/2022/12/{slug}/ lost its headline:\n{page}"
        );
        assert!(page.contains("<p>قال الكرملين إن المحادثات — المغلقة — ستُعقد غداً.</p>"));
    }
    assert!(site
        .page("2022/12/text-le/")
        .contains("<h1>نص بترميز <bdi>UTF-16</bdi></h1>"));
}

#[test]
fn windows_1256_is_decoded_with_a_warning_naming_the_file() {
    let site = Site::new();
    let text = article("legacy");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must not be UTF-8");
    site.write("content/legacy.md", &bytes);
    let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("خبر قديم\nمقدمة الخبر.\nفقرة أولى.\n");
    site.write("content/2022-12-01-old.txt", &bytes);
    let run = site.build_ok(&[]);
    assert!(run.stdout.starts_with("built 2 articles:"), "{run}");
    for file in ["content/legacy.md", "content/2022-12-01-old.txt"] {
        assert_diagnostic(
            &run,
            &site.path(file),
            None,
            "warning",
            "decoded as Windows-1256; save it as UTF-8",
        );
    }
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
    assert!(site
        .page("2022/12/legacy/")
        .contains("<h1>محادثات «بوتين» وشي، اليوم</h1>"));
    assert!(site.page("2022/12/old/").contains("<h1>خبر قديم</h1>"));
    assert!(site.page("2022/12/old/").contains("<p>فقرة أولى.</p>"));
}

#[test]
fn bytes_in_no_known_encoding_are_errors_naming_each_file_and_the_rest_is_reported() {
    let site = Site::new();
    site.write("content/good.md", article("good"));
    // A PNG renamed .md: NUL bytes.
    site.write("content/image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    // Latin-1 French: not UTF-8, and not Arabic when read as Windows-1256.
    site.write("content/latin1.txt", b"Caf\xe9 cr\xe8me\nLa cr\xe8me br\xfbl\xe9e.\n");
    // UTF-8 cut off in the middle of its last letter.
    let mut cut = article("cut").into_bytes();
    cut.extend_from_slice("ختام".as_bytes());
    cut.pop();
    let cut_offset = cut.len() - 1;
    site.write("content/cut.md", &cut);
    // UTF-16 without a byte order mark.
    site.write("content/nobom.md", &utf16(&article("nobom"), true)[2..]);
    // And an ordinary mistake elsewhere: still reported in the same run.
    site.write("content/unclosed.md", "---\ntitle: عنوان\n\nنص.\n");
    let run = site.build_fails_without_output(&[]);
    assert!(run.stderr.contains("the archive has 5 errors:"), "{run}");
    assert_diagnostic(
        &run,
        &site.path("content/image.md"),
        None,
        "error",
        "the file holds NUL bytes (the first at offset 8): it is binary, or UTF-16 without a byte order mark; save it as UTF-8",
    );
    assert_diagnostic(
        &run,
        &site.path("content/latin1.txt"),
        None,
        "error",
        "the file is not text in an encoding arshif reads: not UTF-8 (invalid byte at offset 3), not UTF-16 (no byte order mark), not Windows-1256 Arabic; save it as UTF-8",
    );
    assert_diagnostic(
        &run,
        &site.path("content/cut.md"),
        None,
        "error",
        &format!("the file is not valid UTF-8 (invalid byte at offset {cut_offset}); save it as UTF-8"),
    );
    assert_diagnostic(&run, &site.path("content/nobom.md"), None, "error", "NUL bytes");
    assert_diagnostic(
        &run,
        &site.path("content/unclosed.md"),
        Some(1),
        "error",
        "never closed",
    );
    assert!(!run.stderr.contains("good.md"), "{run}");
    assert_nothing_outside(&site, &["content"]);
}
