//! "اقرأ أيضاً": related articles, resolved references, backlinks and the
//! read-also index, on fixture archives whose right answers are known.

mod common;

use common::*;

/// Three stories, four articles each, with vocabularies that do not overlap.
const STORIES: [(&str, [&str; 4]); 3] = [
    (
        "oil",
        [
            "أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج والبرميل يتجاوز تسعين دولارا",
            "أوبك تبحث خفض إنتاج النفط مع تراجع الطلب وأسعار البرميل تهبط",
            "وزراء الطاقة في أوبك يتفقون على حصص الإنتاج وأسعار النفط تستقر",
            "مخزونات النفط الخام تتراجع وأسعار البرميل تصعد في الأسواق",
        ],
    ),
    (
        "football",
        [
            "المنتخب يفوز في المباراة بهدفين والمدرب يشيد بأداء اللاعبين",
            "الدوري يشتعل بعد خسارة المتصدر المباراة أمام المنافس بهدف",
            "اللاعب يسجل هدف الفوز في الدقيقة الأخيرة من المباراة",
            "المدرب يعلن تشكيلة المنتخب للمباراة الودية واللاعبين الجدد",
        ],
    ),
    (
        "phones",
        [
            "الشركة تطلق هاتفا ذكيا جديدا بكاميرا متطورة وبطارية أكبر",
            "الشركة تطرح تحديثا لنظام تشغيل الهاتف يضيف تطبيقات وميزات للكاميرا",
            "مبيعات الهواتف الذكية تنخفض والشركات تراهن على تطبيقات جديدة",
            "بطارية الهاتف الذكي الجديد تدوم يومين وشاشته أكبر",
        ],
    ),
];

fn three_stories() -> Site {
    let site = Site::new();
    site.write("site.yaml", "related_count: 3\n");
    for (s, (story, texts)) in STORIES.iter().enumerate() {
        for (n, text) in texts.iter().enumerate() {
            let day = 1 + s * 4 + n;
            site.write(
                &format!("content/2022/2022-11-{day:02}-{story}-{n}.txt"),
                format!("{text}\n{text}.\n{text}، في تقرير مفصل.\n"),
            );
        }
    }
    site
}

fn related_of(site: &Site, url: &str) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.public().join("read-also.json")).unwrap()).unwrap();
    let article = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["url"] == url)
        .unwrap_or_else(|| panic!("{url} not in read-also.json"));
    article["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn each_article_gets_its_own_storys_articles() {
    let site = three_stories();
    site.build_ok(&[]);
    for (story, texts) in STORIES {
        for n in 0..texts.len() {
            let url = format!("/2022/11/{story}-{n}/");
            let related = related_of(&site, &url);
            assert_eq!(related.len(), 3, "{url}: {related:?}");
            assert!(
                related.iter().all(|r| r.contains(story) && *r != url),
                "{url} got {related:?}"
            );
        }
    }
    // The article page shows the same list in its read-also aside.
    let page = site.page("2022/11/oil-0/");
    let aside = between(&page, "<aside class=\"read-also\"", "</aside>");
    assert_eq!(attribute_values(aside, "<a href=\"").len(), 3, "{aside}");
    assert!(attribute_values(aside, "<a href=\"").iter().all(|u| u.contains("oil")));
}

#[test]
fn near_duplicates_never_appear() {
    let site = three_stories();
    // The same story republished: other hamza spellings in the headline, same text.
    let (_, texts) = STORIES[0];
    site.write(
        "content/2022/2022-11-20-oil-copy.txt",
        format!(
            "{}\n{}.\n{}، في تقرير مفصل.\n",
            texts[0].replace('أ', "ا"),
            texts[0],
            texts[0]
        ),
    );
    site.build_ok(&[]);
    let original = related_of(&site, "/2022/11/oil-0/");
    assert!(!original.contains(&"/2022/11/oil-copy/".to_string()), "{original:?}");
    let copy = related_of(&site, "/2022/11/oil-copy/");
    assert!(!copy.contains(&"/2022/11/oil-0/".to_string()), "{copy:?}");
    assert!(copy.iter().all(|u| u.contains("oil")), "{copy:?}");
}

#[test]
fn drafts_never_appear_in_others_lists() {
    let site = three_stories();
    site.write(
        "content/2022/draft.md",
        md(
            "title: مسودة عن أسعار النفط وأوبك\ndate: 2022-11-30\ndraft: true",
            "أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج والبرميل يتجاوز تسعين دولارا.",
        ),
    );
    site.build_ok(&["--drafts"]);
    assert!(site.has_page("2022/11/draft/"));
    for n in 0..4 {
        let related = related_of(&site, &format!("/2022/11/oil-{n}/"));
        assert!(!related.iter().any(|u| u.contains("draft")), "{related:?}");
    }
}

#[test]
fn the_seeds_reference_resolves_with_a_backlink() {
    let site = sample_site();
    let run = site.build_ok(&[]);
    assert!(
        !run.stderr.contains("unresolved") && !run.stderr.contains("matches no article"),
        "{run}"
    );
    let seed = site.page("2022/12/putin-xi-talks/");
    let aside = between(&seed, "<aside class=\"read-also-ref\">", "</aside>");
    assert!(
        aside.contains(
            "<a href=\"/2022/12/russia-china-trade-32-percent/\">التجارة بين روسيا والصين تنمو بنسبة <bdi>32%</bdi>"
        ),
        "{aside}"
    );
    let target = site.page("2022/12/russia-china-trade-32-percent/");
    let backlinks = between(&target, "<section class=\"backlinks\"", "</section>");
    assert!(backlinks.contains("href=\"/2022/12/putin-xi-talks/\""), "{backlinks}");
}

#[test]
fn references_resolve_by_close_headline_and_unresolved_ones_warn() {
    let site = three_stories();
    site.write(
        "content/2022/2022-12-01-ref.txt",
        "مقال يحيل\nمقدمة.\nفقرة.\nإقرأ ايضا: أسعار النفط ترتفع بعد قرار أوبك خفض الانتاج والبرميل يتجاوز 90 دولارا\nاقرأ أيضاً: عنوان لا وجود له في الأرشيف\n",
    );
    let run = site.build_ok(&[]);
    let page = site.page("2022/12/ref/");
    let asides: Vec<&str> = page.split("<aside class=\"read-also-ref\">").skip(1).collect();
    assert_eq!(asides.len(), 2);
    assert!(
        asides[0].starts_with("<span>اقرأ أيضاً:</span> <a href=\"/2022/11/oil-0/\">"),
        "{}",
        asides[0]
    );
    assert!(
        !asides[1].split("</aside>").next().unwrap().contains("<a "),
        "{}",
        asides[1]
    );
    let warnings = run.stderr_lines(&format!("{}:5:", site.path("content/2022/2022-12-01-ref.txt")));
    assert_eq!(warnings.len(), 1, "{run}");
    assert!(warnings[0].contains("عنوان لا وجود له"), "{run}");
}

#[test]
fn front_matter_read_also_pins_articles_first() {
    let site = three_stories();
    site.write(
        "content/2022/pinned.md",
        md(
            "title: مباراة حاسمة\ndate: 2022-12-05\nread_also: [phones-2, \"بطارية الهاتف الذكي الجديد تدوم يومين وشاشته أكبر\"]",
            "المنتخب يفوز في المباراة بهدفين والمدرب يشيد بأداء اللاعبين.",
        ),
    );
    site.build_ok(&[]);
    let related = related_of(&site, "/2022/12/pinned/");
    assert_eq!(related[0], "/2022/11/phones-2/");
    assert_eq!(related[1], "/2022/11/phones-3/");
    assert_eq!(related.len(), 3, "{related:?}");
    assert!(related[2].contains("football"), "{related:?}");
}

#[test]
fn read_also_index_page_and_json_agree() {
    let site = three_stories();
    site.write("site.yaml", "related_count: 3\nper_page: 5\n");
    site.build_ok(&[]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.public().join("read-also.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    let urls: Vec<&str> = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls.len(), 12);
    for article in json["articles"].as_array().unwrap() {
        for r in article["related"].as_array().unwrap() {
            assert!(r["url"].as_str().unwrap().starts_with("/2022/"), "site-relative: {r}");
            assert!(r["title"].is_string() && r["score"].is_number(), "{r}");
        }
    }
    // The paginated page lists the same articles in the same order: twelve
    // at five a page are the front page's seven and page 1's five oldest.
    let mut paged = Vec::new();
    for page in ["read-also/", "read-also/page/1/"] {
        paged.extend(attribute_values(
            &site.page(page),
            "<article class=\"read-also-entry\">\n<h2><a href=\"",
        ));
    }
    assert_eq!(paged, urls);
    assert!(!site.has_page("read-also/page/2/"));
}

/// A seeded archive large enough for the latent space (several hundred articles).
fn large_archive(site: &Site, n: usize) {
    let vocabularies = [
        ["نفط", "برميل", "أوبك", "إنتاج", "أسعار", "طاقة", "غاز", "مصفاة"],
        ["مباراة", "هدف", "لاعب", "مدرب", "دوري", "منتخب", "بطولة", "ملعب"],
        ["هاتف", "تطبيق", "شركة", "شاشة", "بطارية", "كاميرا", "برمجيات", "رقاقة"],
        ["انتخابات", "برلمان", "حكومة", "وزير", "حزب", "معارضة", "دستور", "تصويت"],
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..n {
        let words = &vocabularies[i % 4];
        let mut text = String::new();
        for _ in 0..40 {
            text.push_str(words[(next() % 8) as usize]);
            text.push(' ');
            text.push_str(&format!("كلمة{} ", next() % 300));
        }
        let day = 1 + (i % 28);
        site.write(
            &format!("content/2021/2021-02-{day:02}-a{i}.txt"),
            format!("{} {} {}\n{}.\n{}\n", words[i % 8], words[(i + 3) % 8], i, text, text),
        );
    }
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let site = Site::new();
    large_archive(&site, 520);
    site.build_with_env(&[], &[("RAYON_NUM_THREADS", "1")]).assert_ok();
    let single = site.snapshot();
    site.build_with_env(&[], &[("RAYON_NUM_THREADS", "3")]).assert_ok();
    assert_same_files(&single, &site.snapshot(), "1 thread vs 3 threads");
    site.build_ok(&[]);
    assert_same_files(&single, &site.snapshot(), "1 thread vs default");
    // And the latent space was in play: lists stay within their vocabulary.
    let related = related_of(&site, "/2021/02/a0/");
    assert_eq!(related.len(), 5);
}
