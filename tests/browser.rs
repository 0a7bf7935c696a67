//! A real browser: Debian's Chromium, driven by playwright-core (installed
//! by `.ci/run`), sees the article `arshif serve` serves laid out right to
//! left and reloading by itself after an edit, and the default theme's
//! pages at a phone's and a desktop's width as a reader should.

mod common;

use common::*;
use std::path::PathBuf;
use std::process::Command;

/// Where `.ci/run` installs playwright-core (overridable with ARSHIF_PLAYWRIGHT_DIR).
fn playwright_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ARSHIF_PLAYWRIGHT_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache"));
    cache.join("arshif-ci/playwright/node_modules/playwright-core")
}

/// playwright-core's folder, or none (the test is skipped) when Chromium,
/// Node or playwright-core is missing outside CI.
fn browser_tools() -> Option<PathBuf> {
    let playwright = playwright_dir();
    let missing: Vec<&str> = [
        ("/usr/bin/chromium", std::path::Path::new("/usr/bin/chromium").exists()),
        ("node", Command::new("node").arg("--version").output().is_ok()),
        ("playwright-core", playwright.join("package.json").exists()),
    ]
    .into_iter()
    .filter(|(_, present)| !present)
    .map(|(name, _)| name)
    .collect();
    if !missing.is_empty() {
        // .ci/run installs all three; a developer machine may lack them.
        if std::env::var("CI").is_ok() {
            panic!("CI must have {missing:?}: .ci/run installs them");
        }
        eprintln!("skipped: {missing:?} not installed (bash .ci/run installs them)");
        return None;
    }
    Some(playwright)
}

#[test]
fn chromium_sees_rtl_and_reloads_after_an_edit() {
    let Some(playwright) = browser_tools() else {
        return;
    };
    let site = Site::new();
    let article = site.write(
        "content/2022/2022-12-29-story.txt",
        "العنوان الأول\nالمقدمة.\nفقرة فيها Power of Siberia.\n",
    );
    let server = serve(&site);
    let base = format!("http://127.0.0.1:{}/", server.port);
    let output = Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/reload.mjs"))
        .arg(&playwright)
        .arg(format!("{base}2022/12/story/"))
        .arg(&article)
        .output()
        .expect("run node");
    drop(server);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "browser test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("direction=rtl lang=ar h1=rtl"), "{stdout}");
    assert!(stdout.contains("after edit: عنوان بعد التعديل"), "{stdout}");
}

/// An article with what the theme must lay out right: inline code, a
/// signed number, a Latin source name with its address, a bare
/// «اقرأ أيضاً:» followed by headlines, a photo, and a key moment.
const THEME_FIXTURE: &str = "---
title: اختبار العرض في المتصفح مع Power of Siberia
date: 2023-01-19T10:00:00+02:00
author: أبوظبي - سكاي نيوز عربية
source: Sky News Arabia (skynewsarabia.com)
url: https://www.skynewsarabia.com/world/1
category: economy
featured: true
key_moment: محطة الاختبار
image: /photo.svg
image_alt: صورة اختبار
topics: [russia-china]
---

ارتفع المؤشر +3.4% أمس في موسكو وبكين.

ضع الملفات في المجلد `content/` ثم شغّل الأمر.

اقرأ أيضاً:

التبادل التجاري بين موسكو وبكين يبلغ مستوى قياسياً

بوتين وشي يتعهدان بتعزيز الشراكة

فقرة أخيرة من النص تنتهي بنقطة.
";

#[test]
fn the_theme_reads_right_in_chromium_at_phone_and_desktop_widths() {
    let Some(playwright) = browser_tools() else {
        return;
    };
    let axe = playwright.join("../axe-core/axe.min.js");
    if !axe.exists() {
        if std::env::var("CI").is_ok() {
            panic!("CI must have axe-core beside playwright-core: .ci/run installs it");
        }
        eprintln!("skipped: axe-core not installed (bash .ci/run installs it)");
        return;
    }
    // The sample archive, with the fixture article.
    let site = Site::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &site.root.join("content"));
    std::fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).expect("copy site.yaml");
    site.write("content/2023/2023-01-19-theme-fixture.md", THEME_FIXTURE);
    site.write(
        "static/photo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 9\"><rect width=\"16\" height=\"9\" fill=\"#8a9\"/></svg>",
    );
    site.build_ok(&["--now", "2023-02-01T00:00:00Z", "--no-cache"]);
    let checks = serde_json::json!([
        {"path": "", "headline": ".lead .teaser-title"},
        {
            "path": "2023/01/theme-fixture/",
            "headline": ".article h1",
            "ordered": [".article-body code", ".article-body p:first-child bdi", ".article-header .source", "h1 bdi"]
        },
        {"path": "topics/russia-china/", "headline": ".developments .teaser-title, .topic-articles .summary-title"},
        {"path": "topics/"},
        {"path": "archive/"},
        {"path": "2022/12/"},
        {"path": "search/?q=%D8%A7%D9%84%D8%B5%D9%8A%D9%86"},
        {"path": "no-such-page/"}
    ]);
    let output = Command::new("node")
        .arg(repo.join("tests/browser/theme.mjs"))
        .arg(&playwright)
        .arg(&axe)
        .arg(site.public())
        .arg(checks.to_string())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the theme failed in Chromium:\n{stdout}\n{stderr}"
    );
    assert_eq!(stdout.matches(": checked").count(), 32, "{stdout}");
}
