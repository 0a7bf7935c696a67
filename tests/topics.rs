//! Topics on real pages: the sample archive's two running stories, topic
//! pages and their cross-links, timelines, feeds, and the front matter
//! keys that add and remove topics.

mod common;

use common::*;

const SEED: &str = "/2022/12/putin-xi-talks/";

#[test]
fn the_seed_lands_on_both_topic_pages() {
    let site = sample_site();
    site.build_ok(&[]);
    for topic in ["russia-china", "karabakh"] {
        let listed = topic_listed(&site.page(&format!("topics/{topic}/")));
        assert!(listed.contains(&SEED.to_string()), "seed not on {topic}: {listed:?}");
    }
    let seed = site.page("2022/12/putin-xi-talks/");
    let topics = between(&seed, "<nav class=\"article-topics\"", "</nav>");
    assert!(topics.contains("href=\"/topics/russia-china/\""), "{topics}");
    assert!(topics.contains("href=\"/topics/karabakh/\""), "{topics}");
}

#[test]
fn single_country_stories_stay_off_russia_china() {
    let site = sample_site();
    site.build_ok(&[]);
    let listed = topic_listed(&site.page("topics/russia-china/"));
    // The central bank article mentions only Russia, the quarantine one only China.
    assert!(!listed.iter().any(|u| u.contains("central-bank")), "{listed:?}");
    assert!(!listed.iter().any(|u| u.contains("quarantine")), "{listed:?}");
    // …while every Russia–China story of the sample is there.
    for slug in [
        "russia-china-trade-32-percent",
        "putin-xi-video-call",
        "kovykta-power-of-siberia",
    ] {
        assert!(listed.iter().any(|u| u.contains(slug)), "{slug} missing: {listed:?}");
    }
    let karabakh = topic_listed(&site.page("topics/karabakh/"));
    for slug in [
        "lachin-corridor-blocked",
        "security-council-lachin-corridor",
        "stepanakert-shortages",
    ] {
        assert!(
            karabakh.iter().any(|u| u.contains(slug)),
            "{slug} missing: {karabakh:?}"
        );
    }
    assert!(!karabakh.iter().any(|u| u.contains("trade")), "{karabakh:?}");
}

#[test]
fn topic_pages_link_each_other_through_shared_articles() {
    let site = sample_site();
    site.build_ok(&[]);
    let karabakh = site.page("topics/karabakh/");
    let related = between(&karabakh, "<section class=\"related-topics\"", "</section>");
    assert!(related.contains("href=\"/topics/russia-china/\""), "{related}");
    let russia_china = site.page("topics/russia-china/");
    let related = between(&russia_china, "<section class=\"related-topics\"", "</section>");
    assert!(related.contains("href=\"/topics/karabakh/\""), "{related}");
    // The topics index names both with their counts.
    let index = site.page("topics/");
    assert!(index.contains("href=\"/topics/karabakh/\"") && index.contains("href=\"/topics/russia-china/\""));
    let karabakh_count = topic_listed(&karabakh).len();
    assert!(
        index.contains(&format!("<dd>{karabakh_count}</dd>")),
        "count {karabakh_count} not shown"
    );
}

#[test]
fn topic_feed_is_atom_with_the_topics_articles() {
    let site = sample_site();
    site.build_ok(&["--base-url", "https://news.example.org/arch/"]);
    let feed = std::fs::read(site.public().join("topics/karabakh/atom.xml")).unwrap();
    assert_well_formed_xml("topics/karabakh/atom.xml", &feed);
    let text = String::from_utf8(feed.clone()).unwrap();
    assert!(text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    let page = site.page("topics/karabakh/");
    let listed = topic_listed(&page);
    let ids = xml_texts(&feed, "id");
    // The first id is the feed's own (its page); then one per entry, newest
    // first: the page's articles (its developments newest first, the rest
    // of the story oldest first).
    assert_eq!(ids[0], "https://news.example.org/arch/topics/karabakh/");
    let mut expected: Vec<String> = listed.iter().map(|u| format!("https://news.example.org{u}")).collect();
    let mut entries = ids[1..].to_vec();
    expected.sort();
    entries.sort();
    assert_eq!(entries, expected);
    let updated = xml_texts(&feed, "updated");
    assert_eq!(
        updated[0], updated[1],
        "feed updated = newest entry, not the build time"
    );
    let titles = xml_texts(&feed, "title");
    assert!(titles.iter().any(|t| t.contains("ممر لاتشين")), "{titles:?}");
}

#[test]
fn feed_escapes_headlines() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "topics:\n  - slug: t\n    name: \"روسيا & الصين <تجربة>\"\n    match: [لاتشين]\n",
    );
    site.write(
        "content/2022/a.md",
        md(
            "title: \"لاتشين <b>&</b> \\\"قره باغ\\\"\"\ndate: 2022-12-13",
            "نص عن لاتشين.",
        ),
    );
    site.build_ok(&[]);
    for feed in ["atom.xml", "topics/t/atom.xml"] {
        let bytes = std::fs::read(site.public().join(feed)).unwrap();
        assert_well_formed_xml(feed, &bytes);
        let titles = xml_texts(&bytes, "title");
        assert!(
            titles.contains(&"لاتشين <b>&</b> \"قره باغ\"".to_string()),
            "{feed}: {titles:?}"
        );
    }
    let text = std::fs::read_to_string(site.public().join("topics/t/atom.xml")).unwrap();
    assert!(text.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{text}");
}

#[test]
fn timeline_months_link_to_anchors_on_the_right_page() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "per_page: 2\ntopics:\n  - slug: k\n    name: كاراباخ\n    match: [كاراباخ]\n",
    );
    for (day, n) in [
        ("2022-11-05", 1),
        ("2022-12-01", 2),
        ("2022-12-10", 3),
        ("2022-12-20", 4),
        ("2023-01-02", 5),
    ] {
        site.write(
            &format!("content/{day}-k{n}.txt"),
            format!("كاراباخ {n}\nمقدمة عن كاراباخ.\nنص.\n"),
        );
    }
    site.build_ok(&[]);
    let page = site.page("topics/k/");
    let timeline = between(&page, "<details class=\"months\"", "</details>");
    let links = attribute_values(timeline, "<a href=\"");
    // Oldest month first; five articles at two a page are the front page's
    // three (January's and two of December's) and page 1's two oldest:
    // December's newest article, where its anchor is, is on the front page.
    assert_eq!(
        links,
        vec![
            "/topics/k/page/1/#m-2022-11",
            "/topics/k/#m-2022-12",
            "/topics/k/#m-2023-01"
        ]
    );
    for link in links {
        let (path, anchor) = link.split_once('#').unwrap();
        let target = site.page(path.trim_start_matches('/'));
        assert!(target.contains(&format!("id=\"{anchor}\"")), "{anchor} not on {path}");
    }
    assert!(timeline.contains(">3<"), "December's count 3: {timeline}");
}

#[test]
fn front_matter_adds_and_removes_topics() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "topics:\n  - slug: k\n    name: كاراباخ\n    match: [كاراباخ]\n  - slug: e\n    name: اقتصاد\n",
    );
    site.write(
        "content/2022/a.md",
        md(
            "title: كاراباخ اليوم\ndate: 2022-12-01\ntopics_exclude: [k]",
            "كاراباخ.",
        ),
    );
    site.write(
        "content/2022/b.md",
        md("title: أسعار النفط\ndate: 2022-12-02\ntopics: [e, nope]", "نص."),
    );
    let run = site.build_ok(&[]);
    assert!(topic_listed(&site.page("topics/k/")).is_empty());
    assert_eq!(topic_listed(&site.page("topics/e/")), vec!["/2022/12/b/"]);
    let warnings = run.stderr_lines(&site.path("content/2022/b.md"));
    assert_eq!(warnings.len(), 1, "{run}");
    assert!(
        warnings[0].contains("`nope`") && warnings[0].contains("warning"),
        "{run}"
    );
}

#[test]
fn tags_get_term_pages() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md("title: أ\ndate: 2022-12-01\ntags: [طاقة, غاز]", "نص."),
    );
    site.write(
        "content/2022/b.md",
        md("title: ب\ndate: 2022-12-02\ntags: [طاقة]", "نص."),
    );
    site.build_ok(&[]);
    assert_eq!(listed(&site.page("tags/طاقة/")), vec!["/2022/12/b/", "/2022/12/a/"]);
    assert_eq!(listed(&site.page("tags/غاز/")), vec!["/2022/12/a/"]);
    let index = site.page("tags/");
    assert!(
        index.contains("href=\"/tags/طاقة/\"") && index.contains("مقالان"),
        "{index}"
    );
}

/// A site with one topic (oil, matched by «النفط»), five articles about the
/// oil market, and one football report whose headline names oil in passing.
fn oil_site(football_front: &str) -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "topics:\n  - slug: oil\n    name: النفط\n    min_mentions: 3\n    match: [النفط]\n",
    );
    let market = [
        "ارتفعت أسعار النفط الخام مع خفض أوبك الإنتاج وتراجع المخزونات الأميركية",
        "قال وزراء أوبك إن النفط سيبقى فوق ثمانين دولاراً للبرميل مع خفض الإنتاج",
        "تراجعت مخزونات النفط الخام في الولايات المتحدة فارتفعت أسعار البرميل",
        "تتوقع أوبك طلباً أقوى على النفط الخام والبرميل يقترب من تسعين دولاراً",
        "صادرات النفط الخام تتراجع بعد خفض أوبك الإنتاج وأسعار البرميل ترتفع",
    ];
    for (n, text) in market.iter().enumerate() {
        site.write(
            &format!("content/2023/oil-{n}.md"),
            md(
                &format!("title: \"أسعار النفط اليوم {n}\"\ndate: 2023-01-0{}\nslug: oil-{n}", n + 1),
                &format!("{text}.\n\n{text} في الأسواق.\n\nوقال محللون إن النفط والبرميل وأوبك والمخزونات والإنتاج عوامل الأسعار."),
            ),
        );
    }
    site.write(
        "content/2023/football.md",
        md(
            &format!("title: \"النفط لا يشتري الأهداف\"\ndate: 2023-01-09\nslug: football{football_front}"),
            "فاز المنتخب بهدفين نظيفين في المباراة النهائية للبطولة.\n\nوسجل المهاجم الهدف الأول في الشوط الثاني بعد تمريرة من لاعب الوسط، وأضاف المدافع الثاني برأسية.\n\nوقال المدرب إن اللاعبين قدموا مباراة كبيرة أمام جمهور الملعب.",
        ),
    );
    site
}

#[test]
fn a_rule_match_far_from_the_topic_is_held_back_and_check_says_why() {
    let site = oil_site("");
    site.build_ok(&[]);
    let listed = topic_listed(&site.page("topics/oil/"));
    for n in 0..5 {
        assert!(
            listed.iter().any(|u| u.contains(&format!("oil-{n}"))),
            "oil-{n}: {listed:?}"
        );
    }
    assert!(
        !listed.iter().any(|u| u.contains("football")),
        "football published: {listed:?}"
    );
    let mut check = arshif();
    check.arg("check").arg("--root").arg(site.path(""));
    let checked = run(check);
    let all = format!("{}{}", checked.stdout, checked.stderr);
    let line = all
        .lines()
        .find(|l| l.contains("topic-borderline"))
        .unwrap_or_else(|| panic!("check does not list the borderline match:\n{checked}"));
    assert!(
        line.contains("football.md") && line.contains("`oil`") && line.contains("similarity"),
        "{line}"
    );
    // explain shows the rule matched: the profile, not the rule, held it back.
    let mut explain = arshif();
    explain.args(["topics", "explain", "oil", "--root"]).arg(site.path(""));
    let explained = run(explain);
    explained.assert_ok();
    assert!(
        explained
            .stdout
            .lines()
            .any(|l| l.starts_with("/2023/01/football/\tassigned") && l.contains("[held back")),
        "{explained}"
    );
}

#[test]
fn front_matter_publishes_a_borderline_match() {
    let site = oil_site("\ntopics: [oil]");
    site.build_ok(&[]);
    let listed = topic_listed(&site.page("topics/oil/"));
    assert!(listed.iter().any(|u| u.contains("football")), "{listed:?}");
}

#[test]
fn suggest_finds_two_planted_stories_and_its_draft_rules_work() {
    let site = Site::new();
    let quake = [
        "زلزال يضرب أنطاكيا ويوقع ضحايا",
        "فرق الإنقاذ تبحث عن ناجين من زلزال أنطاكيا",
        "زلزال أنطاكيا: ارتفاع عدد الضحايا",
        "أنطاكيا بعد الزلزال: خيام ومساعدات",
    ];
    let strike = [
        "إضراب عمال السكك الحديدية يشل النقل",
        "الحكومة تفاوض نقابة السكك لإنهاء الإضراب",
        "الإضراب في السكك الحديدية يدخل أسبوعه الثاني",
        "انتهاء إضراب السكك الحديدية باتفاق",
    ];
    let noise = [
        "افتتاح معرض الكتاب في العاصمة",
        "ارتفاع أسعار الذهب في الأسواق",
        "فوز الفريق المحلي بالكأس",
        "مهرجان للسينما يكرم مخرجة شابة",
        "البنك المركزي يبقي الفائدة دون تغيير",
        "طقس بارد وأمطار غزيرة",
        "إطلاق قمر صناعي للاتصالات",
        "تراجع البطالة إلى أدنى مستوى",
    ];
    for (n, title) in quake.iter().enumerate() {
        site.write(
            &format!("content/2023/quake-{n}.md"),
            md(
                &format!("title: \"{title}\"\ndate: 2023-02-{:02}\nslug: quake-{n}", 6 + 2 * n),
                "تقرير ميداني عن الزلزال والضحايا في أنطاكيا.",
            ),
        );
    }
    for (n, title) in strike.iter().enumerate() {
        site.write(
            &format!("content/2023/strike-{n}.md"),
            md(
                &format!("title: \"{title}\"\ndate: 2023-05-{:02}\nslug: strike-{n}", 3 + 3 * n),
                "نقابة عمال السكك الحديدية تواصل الإضراب.",
            ),
        );
    }
    for (n, title) in noise.iter().enumerate() {
        site.write(
            &format!("content/2023/noise-{n}.md"),
            md(
                &format!("title: \"{title}\"\ndate: 2023-{:02}-15\nslug: noise-{n}", 1 + n),
                "نص قصير عن خبر اليوم.",
            ),
        );
    }
    let mut command = arshif();
    command.args(["topics", "suggest", "--root"]).arg(site.path(""));
    let suggested = run(command);
    suggested.assert_ok();
    let out = &suggested.stdout;
    let stories: Vec<&str> = out.split("# story ").skip(1).collect();
    assert_eq!(stories.len(), 2, "two planted stories, no more:\n{out}");
    let quake_story = stories
        .iter()
        .find(|s| s.contains("quake-"))
        .expect("the earthquake story");
    let strike_story = stories
        .iter()
        .find(|s| s.contains("strike-"))
        .expect("the strike story");
    assert!(
        !quake_story.contains("strike-") && !quake_story.contains("noise-"),
        "{quake_story}"
    );
    assert!(
        !strike_story.contains("quake-") && !strike_story.contains("noise-"),
        "{strike_story}"
    );
    assert!(
        quake_story.contains("أنطاكيا") || quake_story.contains("زلزال"),
        "{quake_story}"
    );
    assert!(
        strike_story.contains("السكك") || strike_story.contains("إضراب"),
        "{strike_story}"
    );
    // The draft rules, pasted into site.yaml, gather each story's articles.
    let rules: String = stories
        .iter()
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with('#') && !l.contains(": «"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        })
        .collect();
    site.write("site.yaml", format!("topics:\n{rules}"));
    site.build_ok(&[]);
    for n in [1, 2] {
        let listed = topic_listed(&site.page(&format!("topics/story-{n}/")));
        let planted = if listed.iter().any(|u| u.contains("quake")) {
            "quake"
        } else {
            "strike"
        };
        assert_eq!(
            listed.iter().filter(|u| u.contains(planted)).count(),
            4,
            "story-{n}: {listed:?}\n{rules}"
        );
        assert!(
            listed.iter().all(|u| u.contains(planted)),
            "story-{n}: {listed:?}\n{rules}"
        );
    }
}

#[test]
fn holding_back_follows_edits_in_incremental_builds_as_in_clean_ones() {
    let site = oil_site("");
    site.build_ok(&[]);
    assert!(!topic_listed(&site.page("topics/oil/"))
        .iter()
        .any(|u| u.contains("football")));
    // The football report becomes an oil market report: no longer far.
    site.write(
        "content/2023/football.md",
        md(
            "title: \"النفط لا يشتري الأهداف\"\ndate: 2023-01-09\nslug: football",
            "ارتفعت أسعار النفط الخام مع خفض أوبك الإنتاج.\n\nوتراجعت مخزونات النفط والبرميل يرتفع.",
        ),
    );
    site.build_ok(&[]);
    assert!(topic_listed(&site.page("topics/oil/"))
        .iter()
        .any(|u| u.contains("football")));
    assert_like_clean_build(&site, "after the edit that brings it close");
    // And back: held again, incrementally as in a clean build.
    let back = oil_site("");
    site.write(
        "content/2023/football.md",
        std::fs::read(back.path("content/2023/football.md")).unwrap(),
    );
    site.build_ok(&[]);
    assert!(!topic_listed(&site.page("topics/oil/"))
        .iter()
        .any(|u| u.contains("football")));
    assert_like_clean_build(&site, "after the edit back");
}

#[test]
fn seeds_define_the_profile_when_no_match_is_confident() {
    // Headline mentions only: every match scores 3, none is confident, so
    // without seeds there is no profile and nothing is held back.
    let site = oil_site("");
    let rule = "topics:\n  - slug: oil\n    name: النفط\n    min_mentions: 3\n    match:\n      any: [النفط]\n      in: [headline]\n";
    site.write("site.yaml", rule);
    site.build_ok(&[]);
    assert!(topic_listed(&site.page("topics/oil/"))
        .iter()
        .any(|u| u.contains("football")));
    site.write(
        "site.yaml",
        format!("{rule}    seeds: [oil-0, oil-1, /2023/01/oil-2/]\n"),
    );
    site.build_ok(&[]);
    let listed = topic_listed(&site.page("topics/oil/"));
    assert!(!listed.iter().any(|u| u.contains("football")), "{listed:?}");
    for seed in ["oil-0", "oil-1", "oil-2"] {
        assert!(listed.iter().any(|u| u.contains(seed)), "seed {seed}: {listed:?}");
    }
}
