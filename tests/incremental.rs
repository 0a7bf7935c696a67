//! Incremental builds with the cache: after adding, editing or deleting an
//! article, the output equals a clean build of the same content byte for
//! byte, unchanged files keep their modification time, and deleted
//! articles' pages are gone.

mod common;

use common::*;
use std::time::SystemTime;

fn archive() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "per_page: 3\ntopics:\n  - slug: oil\n    name: نفط\n    match: [النفط, أوبك]\n",
    );
    let stories = [
        "أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج",
        "أوبك تبحث خفض إنتاج النفط مع تراجع الطلب",
        "المنتخب يفوز في المباراة بهدفين",
        "المدرب يعلن تشكيلة المنتخب للمباراة الودية",
        "الشركة تطلق هاتفا ذكيا جديدا بكاميرا متطورة",
        "مبيعات الهواتف الذكية تنخفض والشركات تراهن على التطبيقات",
    ];
    for (n, text) in stories.iter().enumerate() {
        site.write(
            &format!("content/2022/2022-11-{:02}-s{n}.txt", n + 1),
            format!("{text}\n{text}.\n{text}، في تقرير مفصل.\n"),
        );
    }
    site.write(
        "content/2022/2022-10-01-old.md",
        md(
            "title: خبر قديم عن الطقس\ndate: 2022-10-01\ntags: [طقس]",
            "أمطار غزيرة.",
        ),
    );
    site
}

#[test]
fn edits_additions_and_deletions_match_a_clean_build() {
    let site = archive();
    let first = site.build_ok(&[]);
    assert!(first.stdout.starts_with("built 7 articles"), "{first}");
    assert!(site.root.join(".arshif-cache/state.bin").is_file(), "no cache written");

    // Nothing changed: nothing is written.
    let before = modification_times(&site.public());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = site.build_ok(&["-v"]);
    assert!(run.stdout.contains(": 0 files written"), "{run}");
    assert_eq!(before, modification_times(&site.public()), "files were touched");
    // Nor recomputed: the related state came back whole from the cache
    // (its entries share their weights with the cached articles again).
    assert!(run.stderr.contains("related lists computed 0;"), "{run}");

    // Edit one article: a clean build agrees, and an unrelated page keeps its time.
    site.write(
        "content/2022/2022-11-03-s2.txt",
        "المنتخب يفوز في المباراة بثلاثة أهداف\nالمنتخب يفوز.\nتفاصيل المباراة.\n",
    );
    let run = site.build_ok(&["-v"]);
    assert!(run.stderr.contains("articles parsed 1, from cache 6"), "{run}");
    // Entries of /read-also.json that did not change were copied from the
    // file the last build wrote, not serialised again.
    let serialised = read_also_serialised(&run).expect("read-also.json rendered again");
    assert!((1..7).contains(&serialised), "{run}");
    assert_like_clean_build(&site, "after an edit");
    let after = modification_times(&site.public());
    assert_eq!(
        before["2022/10/old/index.html"], after["2022/10/old/index.html"],
        "an unaffected page was rewritten"
    );
    assert_ne!(
        before["2022/11/s2/index.html"], after["2022/11/s2/index.html"],
        "the edited page was not written"
    );

    // Add one.
    site.write(
        "content/2022/2022-11-20-new.txt",
        "أوبك تقرر زيادة إنتاج النفط\nأوبك تقرر.\nالنفط والأسعار.\n",
    );
    site.build_ok(&[]);
    assert!(site.has_page("2022/11/new/"));
    assert_like_clean_build(&site, "after an addition");

    // Delete one: its page and its tag page are gone.
    site.remove("content/2022/2022-10-01-old.md");
    site.build_ok(&[]);
    assert!(
        !site.has_page("2022/10/old/"),
        "the deleted article's page is still there"
    );
    assert!(!site.has_page("tags/طقس/"), "its tag page is still there");
    assert!(
        !site.public().join("2022/10").exists(),
        "its month folder is still there"
    );
    assert_like_clean_build(&site, "after a deletion");

    // A template change renders every page again.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>مفقود</p>{% endblock content %}",
    );
    site.build_ok(&[]);
    assert!(site.page("404.html").contains("<p>مفقود</p>"));
    assert_like_clean_build(&site, "after a template change");
}

/// The number of `/read-also.json` entries a `-v` build reports serialising.
fn read_also_serialised(run: &Run) -> Option<usize> {
    let (_, after) = run.stderr.split_once("read-also entries serialised ")?;
    after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[test]
fn read_also_json_is_reused_only_as_the_last_build_wrote_it() {
    let site = archive();
    site.build_ok(&[]);
    // Someone changed a headline in the file in the output folder, keeping
    // its length: it is not the file the cache describes, so every entry
    // is serialised again.
    let path = site.public().join("read-also.json");
    let json = std::fs::read_to_string(&path).expect("read-also.json");
    assert!(json.contains("المنتخب"), "{json}");
    std::fs::write(&path, json.replace("المنتخب", "المنتحب")).expect("write");
    site.write(
        "content/2022/2022-11-03-s2.txt",
        "المنتخب يفوز في المباراة بثلاثة أهداف\nالمنتخب يفوز.\nتفاصيل المباراة.\n",
    );
    let run = site.build_ok(&["-v"]);
    assert_eq!(read_also_serialised(&run), Some(7), "{run}");
    assert_like_clean_build(&site, "after read-also.json was changed by hand");
}

#[test]
fn files_with_a_new_time_and_the_same_bytes_come_from_the_cache() {
    // What a fresh checkout in CI looks like to the cache: every file has a
    // new modification time, the bytes are those it cached. They are read
    // (to compare their bytes) but not decoded, parsed or analysed again.
    let site = archive();
    site.build_ok(&[]);
    let later = SystemTime::now() + std::time::Duration::from_secs(3600);
    let mut touched = 0;
    for file in tree(&site.root.join("content")) {
        let path = site.root.join("content").join(file);
        let handle = std::fs::File::options().write(true).open(&path).expect("open");
        handle.set_modified(later).expect("set the modification time");
        touched += 1;
    }
    assert_eq!(touched, 7);
    let run = site.build_ok(&["-v"]);
    assert!(run.stderr.contains("articles parsed 0, from cache 7"), "{run}");
    assert!(run.stdout.contains(": 0 files written"), "{run}");
    // One of them did change, with the same new time: it is parsed.
    site.write(
        "content/2022/2022-11-03-s2.txt",
        "المنتخب يفوز في المباراة بثلاثة أهداف\nالمنتخب يفوز.\nتفاصيل المباراة.\n",
    );
    let path = site.root.join("content/2022/2022-11-03-s2.txt");
    let handle = std::fs::File::options().write(true).open(&path).expect("open");
    handle.set_modified(later).expect("set the modification time");
    let run = site.build_ok(&["-v"]);
    assert!(run.stderr.contains("articles parsed 1, from cache 6"), "{run}");
    assert_like_clean_build(&site, "after new times and one edit");
}

#[test]
fn a_failed_incremental_build_leaves_output_and_cache_usable() {
    let site = archive();
    site.build_ok(&[]);
    let before = site.snapshot();
    site.write("content/2022/broken.md", "---\ntitle: [unclosed\n---\n");
    site.build(&[]).assert_failed();
    assert_same_files(&before, &site.snapshot(), "a failed incremental build");
    site.remove("content/2022/broken.md");
    site.write(
        "content/2022/2022-11-02-s1.txt",
        "أوبك تبحث زيادة الإنتاج\nأوبك.\nالنفط.\n",
    );
    site.build_ok(&[]);
    assert_like_clean_build(&site, "after a failure and a fix");
}

#[test]
fn rebuilds_with_the_state_in_memory_match_a_clean_build() {
    // What `serve` does: one state kept across rebuilds, with the search
    // index and read-also entries it keeps only in memory.
    use arshif::pipeline::{build_with, BuildOptions, BuildState, Session};
    let site = archive();
    let mut options = BuildOptions::new(&site.root);
    options.cache = None;
    let mut state = BuildState {
        session: Some(Session::default()),
        ..BuildState::default()
    };
    build_with(&options, &mut state).expect("first build");
    assert!(state.saved.search.is_some(), "the search index was not kept");
    assert!(
        state.session.as_ref().is_some_and(|s| !s.read_also.entries.is_empty()),
        "the read-also entries were not kept"
    );
    let steps: [(&str, Option<&str>); 4] = [
        (
            "content/2022/2022-11-03-s2.txt",
            Some("أوبك والنفط في المباراة\nالمنتخب وأوبك.\nالنفط والأسعار والمباراة.\n"),
        ),
        (
            "content/2022/2022-11-20-new.txt",
            Some("أوبك تقرر زيادة إنتاج النفط\nأوبك تقرر.\nالنفط والأسعار.\n"),
        ),
        (
            "content/2022/2022-11-20-new.txt",
            Some("الهواتف الذكية الجديدة\nالشركة تطلق هاتفا.\nالتطبيقات والهواتف.\n"),
        ),
        ("content/2022/2022-11-01-s0.txt", None),
    ];
    for (file, text) in steps {
        match text {
            Some(text) => {
                site.write(file, text);
            }
            None => site.remove(file),
        }
        build_with(&options, &mut state).unwrap_or_else(|err| panic!("rebuild after {file}: {err}"));
        assert_like_clean_build(&site, &format!("in memory, after changing {file}"));
    }
}

#[test]
fn a_build_that_reads_texts_back_at_render_gives_the_same_site() {
    // Large archives drop each text once analysed and read it again for its
    // page, feed entry and search entry (`texts_in_memory_up_to`).
    use arshif::pipeline::{build_with, BuildOptions, BuildState};
    let site = archive();
    let kept = site.root.join("kept");
    site.build_ok(&["--no-cache", "--output", &kept.display().to_string()]);
    let mut options = BuildOptions::new(&site.root);
    options.cache = None;
    options.output = site.root.join("reread");
    options.texts_in_memory_up_to = 0;
    build_with(&options, &mut BuildState::default()).expect("build");
    assert_same_files(
        &snapshot(&kept),
        &snapshot(&options.output),
        "texts read back at render",
    );
    // The article without a lede takes its description from the text it read back.
    let page = std::fs::read_to_string(options.output.join("2022/10/old/index.html")).expect("page");
    assert!(
        page.contains("<meta name=\"description\" content=\"أمطار غزيرة.\">"),
        "{page}"
    );
}

/// The home page's front (lead, latest, blocks), a topic's story (key
/// moments) and a month's neighbours show what no listing fingerprint
/// held: front matter keys (`featured`, `key_moment`, `image`) and other
/// months. Each edit below changes only those, and must still reach the
/// pages of an incremental build.
#[test]
fn front_page_topic_story_and_month_links_follow_their_inputs() {
    let site = archive();
    let story = |front: &str| {
        md(
            &format!("title: أوبك تجتمع لبحث أسعار النفط\ndate: 2022-11-05T09:00:00Z\n{front}"),
            "أوبك تجتمع اليوم لبحث أسعار النفط.\n\nتفاصيل الاجتماع.",
        )
    };
    site.write("content/2022/2022-11-05-opec.md", story(""));
    site.build_ok(&[]);
    let lead = |page: &str| between(page, "<section class=\"lead-story\"", "</section>").to_string();
    assert!(!lead(&site.page("")).contains("/2022/11/opec/"), "not featured yet");

    // Featured: it becomes the lead story, though its summary did not change.
    site.write("content/2022/2022-11-05-opec.md", story("featured: true\n"));
    site.build_ok(&[]);
    assert!(
        lead(&site.page("")).contains("/2022/11/opec/"),
        "the featured story is not the lead"
    );
    assert_like_clean_build(&site, "after marking a story featured");

    // A photo: the lead shows it.
    site.write(
        "content/2022/2022-11-05-opec.md",
        story("featured: true\nimage: https://example.org/opec.jpg\n"),
    );
    site.build_ok(&[]);
    assert!(
        lead(&site.page("")).contains("src=\"https://example.org/opec.jpg\""),
        "{}",
        lead(&site.page(""))
    );
    assert_like_clean_build(&site, "after adding a photo");

    // A key moment: the topic page marks it.
    site.write(
        "content/2022/2022-11-05-opec.md",
        story("featured: true\nimage: https://example.org/opec.jpg\nkey_moment: اجتماع حاسم\n"),
    );
    site.build_ok(&[]);
    let topic = site.page("topics/oil/");
    assert!(
        between(&topic, "<section class=\"key-moments\"", "</section>").contains("اجتماع حاسم"),
        "{topic}"
    );
    assert_like_clean_build(&site, "after marking a key moment");

    // A new month: the month before links to it, though its articles did not change.
    site.write(
        "content/2022/2022-12-01-later.txt",
        "خبر من الشهر التالي\nنص.\nنص آخر.\n",
    );
    site.build_ok(&[]);
    assert!(
        site.page("2022/11/").contains("href=\"/2022/12/\""),
        "November does not link to December"
    );
    assert_like_clean_build(&site, "after a new month");
}
