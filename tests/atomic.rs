//! The build's promises about the output and the cache, tried as a user's
//! machine breaks them: builds killed at many moments, cache files with a
//! flipped byte, output files deleted or edited by hand, source files
//! edited without a visible change of time or size, folders that are not
//! arshif's given as `--output`, and builds sharing one cache.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Words the fixture articles are made of.
const WORDS: [&str; 24] = [
    "النفط",
    "الأسعار",
    "أوبك",
    "الإنتاج",
    "المنتخب",
    "المباراة",
    "الهدف",
    "المدرب",
    "الهاتف",
    "الشركة",
    "التطبيقات",
    "الكاميرا",
    "الانتخابات",
    "البرلمان",
    "الحكومة",
    "الوزير",
    "المطر",
    "العاصفة",
    "الطقس",
    "الحرارة",
    "البنك",
    "الفائدة",
    "التضخم",
    "العملة",
];

/// A deterministic article text: headline, lede, two paragraphs.
fn article(n: usize, version: usize) -> String {
    let word = |k: usize| WORDS[(n * 7 + k * 5 + version * 3) % WORDS.len()];
    let headline = format!("{} و{} في {} رقم {n}", word(0), word(1), word(2));
    let lede = format!("{} {} {}.", word(3), word(4), word(5));
    let body = format!(
        "{} {} {} {}.\n{} {} {}، {} {}.\n",
        word(6),
        word(7),
        word(8),
        word(9),
        word(10),
        word(11),
        word(0),
        word(2),
        word(4)
    );
    format!("{headline}\n{lede}\n{body}")
}

fn article_path(n: usize) -> String {
    format!("content/2022/2022-{:02}-{:02}-story-{n}.txt", n % 12 + 1, n % 28 + 1)
}

/// A site of `count` articles, with a topic and tags so that an edit
/// reaches listing, topic and feed pages.
fn archive(count: usize) -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "base_url: https://news.example.org/\nper_page: 10\ntopics:\n  - slug: oil\n    name: نفط\n    match: [النفط, أوبك]\n",
    );
    site.write("static/robots-extra.txt", "static file\n");
    for n in 0..count {
        site.write(&article_path(n), article(n, 0));
    }
    site
}

/// The second version of the archive: edits, additions and deletions.
fn change(site: &Site, count: usize) {
    for n in (0..count).step_by(9) {
        site.write(&article_path(n), article(n, 1));
    }
    for n in count..count + 6 {
        site.write(&article_path(n), article(n, 0));
    }
    for n in (5..count).step_by(31) {
        site.remove(&article_path(n));
    }
    site.write("static/robots-extra.txt", "static file, edited\n");
}

/// A clean, cache-less build of the site's current content into `folder`.
fn clean_build(site: &Site, folder: &str) -> Snapshot {
    let out = site.outer.join(folder);
    let _ = std::fs::remove_dir_all(&out);
    site.build_ok(&["--no-cache", "--output", &out.display().to_string()]);
    let files = snapshot(&out);
    std::fs::remove_dir_all(&out).expect("remove the clean build");
    files
}

/// `cp -a`: a copy that keeps modification times, as the output record
/// needs to recognise the files.
fn copy_keeping_times(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status().expect("run cp");
    assert!(status.success(), "cp -a {} {}", from.display(), to.display());
}

/// Files a killed build may leave beside or inside the output that the
/// next build must have cleaned up.
fn leftovers(site: &Site) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(&site.root)
        .expect("read the site folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("arshif-staging") || name.contains("arshif-previous"))
        .collect();
    found.extend(tree(&site.public()).into_iter().filter(|f| f.contains(".arshif-tmp")));
    found
}

/// Starts a build and kills it (SIGKILL) after `after`; true when the
/// kill landed before the build finished.
fn build_killed_after(site: &Site, extra: &[&str], after: Duration) -> bool {
    let mut child = arshif()
        .arg("build")
        .arg("-q")
        .arg("--root")
        .arg(&site.root)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start arshif build");
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

/// Kills a build of the changed archive at `KILLS` moments spread over its
/// run; after each, the output is the previous one (or, for a cached
/// build killed inside its short commit step, a mix that the next build
/// must repair) and the next build equals a clean build.
fn killed_builds_never_leave_a_wrong_site(extra: &[&str], swap_is_atomic: bool) {
    const KILLS: usize = 20;
    const COUNT: usize = 160;
    let site = archive(COUNT);
    site.build_ok(extra);
    let before = site.snapshot();
    let saved = site.outer.join("saved");
    std::fs::create_dir(&saved).unwrap();
    copy_keeping_times(&site.public(), &saved.join("public"));
    let cache = site.root.join(".arshif-cache");
    if cache.exists() {
        copy_keeping_times(&cache, &saved.join("cache"));
    }
    change(&site, COUNT);
    let after = clean_build(&site, "clean");
    // How long the build to kill takes, from the saved state: the median
    // of three. The kills spread a little past it, so that some land in
    // the last steps (and a few after the end) on a machine whose speed
    // varies.
    let mut runs = Vec::new();
    for _ in 0..3 {
        copy_keeping_times(&saved.join("public"), &site.public());
        if saved.join("cache").exists() {
            copy_keeping_times(&saved.join("cache"), &cache);
        }
        let started = Instant::now();
        site.build_ok(extra);
        runs.push(started.elapsed());
        assert_same_files(&site.snapshot(), &after, "the uninterrupted build");
    }
    runs.sort();
    let full = runs[1];

    let (mut killed, mut old, mut new, mut mixed) = (0, 0, 0, 0);
    for kill in 0..KILLS {
        copy_keeping_times(&saved.join("public"), &site.public());
        if saved.join("cache").exists() {
            copy_keeping_times(&saved.join("cache"), &cache);
        }
        let at = full.mul_f64(1.2 * (kill as f64 + 0.5) / KILLS as f64);
        killed += usize::from(build_killed_after(&site, extra, at));
        let found = site.snapshot();
        if found == before {
            old += 1;
        } else if found == after {
            new += 1;
        } else {
            mixed += 1;
            assert!(
                !swap_is_atomic,
                "kill {kill} at {at:?}: the output is neither the previous site nor the new one"
            );
        }
        site.build_ok(extra);
        assert_same_files(
            &site.snapshot(),
            &after,
            &format!("the build after kill {kill} at {at:?}"),
        );
        assert_eq!(leftovers(&site), Vec::<String>::new(), "kill {kill}: leftovers");
    }
    assert!(
        killed >= KILLS / 4,
        "only {killed} of {KILLS} kills landed before the build finished (full build {full:?})"
    );
    eprintln!("{KILLS} kills over {full:?}: {killed} mid-build; output old {old}, new {new}, mixed {mixed}");
}

#[test]
fn killed_cached_builds_leave_the_old_site_or_one_the_next_build_repairs() {
    killed_builds_never_leave_a_wrong_site(&[], false);
}

#[test]
fn killed_builds_without_a_cache_leave_the_old_site_or_the_new_one() {
    killed_builds_never_leave_a_wrong_site(&["--no-cache"], true);
}

#[test]
fn output_files_deleted_or_edited_by_hand_are_written_again() {
    let site = archive(30);
    site.build_ok(&[]);
    let built = site.snapshot();
    let public = site.public();
    std::fs::remove_file(public.join("index.html")).unwrap();
    std::fs::remove_file(public.join("robots-extra.txt")).unwrap();
    std::fs::write(public.join("atom.xml"), "edited by hand").unwrap();
    // Same size, other time: an editor that rewrote the file.
    let page = tree(&public)
        .into_iter()
        .find(|f| f.starts_with("2022/") && f.ends_with(".html"))
        .unwrap();
    let bytes = std::fs::read(public.join(&page)).unwrap();
    let mut same_size = bytes.clone();
    same_size[bytes.len() - 2] = b' ';
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(public.join(&page), &same_size).unwrap();
    // At the top of the output, left by hand or by a killed build: not in
    // a clean build. (Deeper folders are not listed, see `survey`.)
    std::fs::write(public.join("stray.html"), "stray").unwrap();
    std::fs::write(public.join(".arshif-tmp-12"), "half").unwrap();
    let run = site.build_ok(&[]);
    assert_same_files(&site.snapshot(), &built, &format!("after the hand edits\n{run}"));
}

#[test]
fn a_source_edit_that_keeps_size_and_modification_time_is_seen() {
    let site = archive(12);
    site.build_ok(&[]);
    // Past the two seconds a build does not trust file times for.
    std::thread::sleep(Duration::from_millis(2100));
    site.build_ok(&[]);
    let file = site.root.join(article_path(3));
    let time = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen("رقم 3", "رقم 8", 1);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&file, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(time)
        .unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), time);
    site.build_ok(&[]);
    assert_same_files(
        &site.snapshot(),
        &clean_build(&site, "clean"),
        "after a racily clean edit",
    );
}

#[test]
fn every_cache_file_with_a_flipped_byte_gives_a_warning_and_the_right_site() {
    use proptest::prelude::*;
    let site = archive(20);
    site.build_ok(&[]);
    let saved = site.outer.join("saved");
    std::fs::create_dir(&saved).unwrap();
    let cache = site.root.join(".arshif-cache");
    copy_keeping_times(&cache, &saved.join("cache"));
    copy_keeping_times(&site.public(), &saved.join("public"));
    change(&site, 20);
    let expected = clean_build(&site, "clean");
    let mut cache_files: Vec<PathBuf> = std::fs::read_dir(saved.join("cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "part" || x == "bin"))
        .collect();
    cache_files.sort();
    assert!(cache_files.len() > 3, "{cache_files:?}");
    let sizes: Vec<usize> = cache_files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len() as usize)
        .collect();
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(which in 0..cache_files.len(), position in any::<prop::sample::Index>(), bit in 0..8u8)| {
        copy_keeping_times(&saved.join("cache"), &cache);
        copy_keeping_times(&saved.join("public"), &site.public());
        let name = cache_files[which].file_name().unwrap();
        let at = position.index(sizes[which]);
        let file = cache.join(name);
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[at] ^= 1 << bit;
        std::fs::write(&file, &bytes).unwrap();
        let run = site.build(&[]);
        prop_assert!(run.success(), "{}", run);
        prop_assert!(run.stderr.contains("the cache was not used"), "no warning for byte {} of {:?}:\n{}", at, name, run);
        prop_assert!(site.snapshot() == expected, "byte {} of {:?} changed the site", at, name);
    });
    // The cache written anew after a damaged one is whole again.
    let run = site.build_ok(&[]);
    assert!(!run.stderr.contains("the cache was not used"), "{run}");
}

#[test]
fn a_build_whose_cache_cannot_be_saved_fails_with_the_output_untouched() {
    let site = archive(15);
    site.build_ok(&[]);
    let before = site.snapshot();
    change(&site, 15);
    // As root (CI) a read-only folder is still writable: a folder where
    // the state file's temporary must go makes the save fail instead.
    std::fs::create_dir(site.root.join(".arshif-cache/state.bin.tmp")).unwrap();
    let run = site.build(&[]);
    run.assert_failed();
    assert_same_files(&before, &site.snapshot(), "after a failed save");
    assert_eq!(leftovers(&site), Vec::<String>::new());
    std::fs::remove_dir(site.root.join(".arshif-cache/state.bin.tmp")).unwrap();
    site.build_ok(&[]);
    assert_same_files(
        &site.snapshot(),
        &clean_build(&site, "clean"),
        "after the save could go ahead",
    );

    // A cache "folder" that is a file: refused before anything is written.
    std::fs::remove_dir_all(site.root.join(".arshif-cache")).unwrap();
    site.write(".arshif-cache", "not a folder");
    let before = site.snapshot();
    site.write(&article_path(1), article(1, 2));
    let run = site.build(&[]);
    run.assert_failed();
    assert!(run.stderr.contains("is not a folder"), "{run}");
    assert_same_files(&before, &site.snapshot(), "with a cache that is a file");
}

#[test]
fn a_folder_arshif_did_not_write_is_never_emptied() {
    let site = archive(5);
    // Someone's documents.
    let documents = site.outer.join("documents");
    write_file(&documents.join("letter.txt"), "رسالة");
    let run = site.build(&["--output", &documents.display().to_string()]);
    run.assert_failed();
    assert!(run.stderr.contains("--force"), "{run}");
    assert_eq!(tree(&documents), vec!["letter.txt"]);
    // A folder of the site's sources, at any depth.
    for inside in ["content/2022", "content", "static", "templates/partials"] {
        std::fs::create_dir_all(site.root.join(inside)).unwrap();
        let before = snapshot(&site.root.join("content"));
        let run = site.build(&["--output", &site.path(inside)]);
        run.assert_failed();
        assert_eq!(snapshot(&site.root.join("content")), before, "{inside}: {run}");
    }
    // The cache may not be published with the site.
    let run = site.build(&["--cache", &site.path("public/.cache")]);
    run.assert_failed();
    assert!(run.stderr.contains("inside the output folder"), "{run}");
    assert!(!site.public().exists());
    // --force: the folder's files are replaced, and it is arshif's from then on.
    site.build_ok(&["--force", "--output", &documents.display().to_string()]);
    assert!(!documents.join("letter.txt").exists());
    assert!(documents.join(".arshif-output").is_file());
    site.build_ok(&["--output", &documents.display().to_string()]);
    // An empty folder is fine.
    let empty = site.outer.join("empty");
    std::fs::create_dir(&empty).unwrap();
    site.build_ok(&["--output", &empty.display().to_string()]);
}

#[test]
fn builds_sharing_a_cache_take_turns() {
    let site = archive(60);
    let outputs: Vec<String> = (0..2)
        .map(|n| site.outer.join(format!("out{n}")).display().to_string())
        .collect();
    for round in 0..3 {
        site.write(&article_path(round), article(round, round + 1));
        let children: Vec<std::process::Child> = outputs
            .iter()
            .map(|out| {
                arshif()
                    .args(["build", "-q", "--root"])
                    .arg(&site.root)
                    .args(["--output", out])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start a build")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("wait");
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let expected = clean_build(&site, "clean");
        for out in &outputs {
            assert_same_files(&snapshot(Path::new(out)), &expected, &format!("round {round}, {out}"));
        }
    }
}

#[test]
fn what_a_killed_build_left_beside_the_output_is_cleaned_up() {
    let site = archive(5);
    site.build_ok(&["--no-cache"]);
    let built = site.snapshot();
    // A staging folder of a killed build (tens of MB on a real archive).
    write_file(&site.root.join(".public.arshif-staging/2022/index.html"), "half");
    site.build_ok(&["--no-cache"]);
    assert_eq!(leftovers(&site), Vec::<String>::new());
    assert_same_files(&site.snapshot(), &built, "after the leftover staging folder");
    // A swap cut between its two renames: the old output beside, none in place.
    std::fs::rename(site.public(), site.root.join(".public.arshif-previous")).unwrap();
    site.build_ok(&[]);
    assert_eq!(leftovers(&site), Vec::<String>::new());
    assert_same_files(&site.snapshot(), &built, "after a swap cut short");
}
