//! A real browser against `arshif serve`: Debian's Chromium, driven by
//! playwright-core (installed by `.ci/run`), sees the served article laid
//! out right to left and reloading by itself after an edit.

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

#[test]
fn chromium_sees_rtl_and_reloads_after_an_edit() {
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
        return;
    }
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
