//! Page fingerprints follow what each page's template gets.

use super::*;
use crate::pipeline::{prepare, BuildOptions};
use std::collections::BTreeMap;

/// The sample archive of the repository, every article in.
fn sample() -> crate::pipeline::Prepared {
    let mut options = BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
    options.cache = None;
    options.future = true;
    prepare(&options).expect("the sample archive loads")
}

/// Every page's fingerprint, none rendered.
fn prints(site: &Site, theme: &Theme) -> BTreeMap<String, u64> {
    let r = Renderer::new(site, theme);
    plan(&r)
        .into_iter()
        .map(|planned| {
            let (print, file) = run(&r, planned.job, &|_| true).expect("printed");
            assert!(file.is_none(), "{} rendered", planned.path);
            (planned.path, print)
        })
        .collect()
}

/// Article `i` of the site, to change as an edit of its file does (its
/// hash changes too).
fn article(site: &mut Site, i: usize) -> &mut crate::article::Article {
    let article = std::sync::Arc::make_mut(&mut site.articles[i]);
    article.source_hash = article.source_hash.wrapping_add(1);
    article
}

/// The pages whose fingerprint differs.
fn changed(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    before
        .iter()
        .filter(|&(path, print)| after.get(path) != Some(print))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn a_value_only_the_article_page_shows_changes_only_its_print() {
    let mut sample = sample();
    let before = prints(&sample.site, &sample.theme);
    let article = article(&mut sample.site, 1);
    let page = file_of(article.path());
    article.extra.insert("photo_credit".into(), serde_json::json!("وكالة"));
    assert_eq!(changed(&before, &prints(&sample.site, &sample.theme)), [page]);
}

#[test]
fn a_value_of_the_rest_of_the_site_changes_the_pages_that_show_it() {
    let mut sample = sample();
    let before = prints(&sample.site, &sample.theme);
    let site = &mut sample.site;
    // A backlink: what another article's page shows of this one, not in
    // this article's file.
    let (from, to) = (0..site.links.len())
        .find_map(|i| site.links[i].backlinks.first().map(|&j| (j, i)))
        .expect("an article with a backlink");
    site.links[to].backlinks.clear();
    assert_eq!(
        changed(&before, &prints(site, &sample.theme)),
        [file_of(site.articles[to].path())],
        "backlink from {from}"
    );
}

#[test]
fn a_headline_changes_every_page_that_shows_it() {
    let mut sample = sample();
    let before = prints(&sample.site, &sample.theme);
    let site = &mut sample.site;
    let i = 2;
    article(site, i).title.push_str(" (محدّث)");
    let after = prints(site, &sample.theme);
    let changed = changed(&before, &after);
    let mut expected = vec![
        file_of(site.articles[i].path()),
        "index.html".to_string(),
        "read-also/index.html".to_string(),
    ];
    // Its neighbours link to it by headline.
    expected.extend(site.older(i).map(|j| file_of(site.articles[j].path())));
    expected.extend(site.newer(i).map(|j| file_of(site.articles[j].path())));
    for path in &expected {
        assert!(changed.contains(path), "{path} not in {changed:?}");
    }
    assert!(changed.len() < before.len() / 2, "{changed:?}");
}

#[test]
fn a_correction_changes_its_article_and_the_corrections_page() {
    let mut sample = sample();
    let before = prints(&sample.site, &sample.theme);
    let site = &mut sample.site;
    let i = crate::render::listings::corrected(site)[0];
    let page = file_of(site.articles[i].path());
    article(site, i).corrections[0].text.push_str(" وصُحّح مرة أخرى.");
    assert_eq!(
        changed(&before, &prints(site, &sample.theme)),
        [page, "corrections/index.html".to_string()]
    );
}

#[test]
fn an_edit_of_the_text_alone_changes_only_its_article_page() {
    let mut sample = sample();
    let before = prints(&sample.site, &sample.theme);
    let article = article(&mut sample.site, 3);
    let page = file_of(article.path());
    assert_eq!(changed(&before, &prints(&sample.site, &sample.theme)), [page]);
}
