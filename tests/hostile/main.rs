//! Hostile and messy archives (issue 8): every input file is untrusted.
//! One test per case; each asserts the exact outcome (the message and the
//! file it names, the page written, the output left alone). Most run the
//! real binary on fixture sites in temporary folders; the property tests
//! and the races call the library.

#[path = "../common/mod.rs"]
mod common;

mod encodings;
mod guarantees;
mod messy;
mod names;
mod props;
mod raw_html;
mod values;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The one line of standard error that starts with `FILE: warning: ` (or
/// `FILE:LINE: warning: ` when `line` is given) and holds `phrase`.
pub fn assert_diagnostic(run: &Run, file: &str, line: Option<usize>, severity: &str, phrase: &str) {
    let prefix = match line {
        Some(line) => format!("{file}:{line}: {severity}: "),
        None => format!("{file}: {severity}: "),
    };
    let found: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with(&prefix))
        .collect();
    assert_eq!(found.len(), 1, "expected one line starting `{prefix}`:\n{run}");
    assert!(
        found[0].contains(phrase),
        "`{phrase}` missing from `{}`:\n{run}",
        found[0]
    );
}

/// Asserts the build wrote nothing beside the site folder, and inside it
/// nothing but `public/` next to what the fixture made (`sources`).
pub fn assert_nothing_outside(site: &Site, sources: &[&str]) {
    assert_eq!(
        entries(&site.outer),
        ["site"],
        "something was written beside the site folder"
    );
    let mut expected: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
    if site.public().exists() {
        expected.push("public".to_string());
    }
    expected.sort();
    assert_eq!(
        entries(&site.root),
        expected,
        "something was written in the site folder"
    );
}

/// Runs a build that must end within `limit` (a hang is a failure, not a stuck test run).
pub fn build_within(site: &Site, extra: &[&str], limit: Duration) -> Run {
    let mut command = arshif();
    command
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .args(extra)
        .current_dir(&site.outer)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let description = format!("{command:?}");
    let mut child = command.spawn().expect("start arshif");
    let started = Instant::now();
    while child.try_wait().expect("wait for arshif").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{description} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("collect arshif output");
    Run {
        command: description,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Whether this process can read files whatever their permissions (root).
pub fn reads_everything(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".probe");
    std::fs::write(&probe, "x").expect("write probe");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).expect("chmod probe");
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).expect("remove probe");
    readable
}

/// Runs a command (a fixture tool such as `mkfifo`) that must succeed.
pub fn tool(program: &str, args: &[&std::ffi::OsStr]) {
    let status = Command::new(program).args(args).status().expect("run fixture tool");
    assert!(status.success(), "{program} {args:?} failed");
}
