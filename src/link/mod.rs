//! Linking: the loaded articles become a [`Site`]: drafts dropped, sorted
//! newest first, URLs checked unique, and the links between articles
//! (neighbours, topics, related, references) computed.

use crate::article::Article;
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Kind};
use std::sync::Arc;

/// The whole archive after linking: what rendering needs, as plain data.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: SiteConfig,
    /// Articles newest first; undated ones last; ties by URL. Shared with
    /// the build cache, hence the `Arc`.
    pub articles: Vec<Arc<Article>>,
    /// Per article (same index): what links it to the rest.
    pub links: Vec<ArticleLinks>,
    /// The build's clock and what it held back.
    pub schedule: Schedule,
    /// Each article's lead photo (filled by the photos stage, after linking).
    pub photos: crate::photos::Photos,
}

/// The build's clock: articles released after it are held back from
/// every output (unless `future`). An input like the content, so that a
/// build is reproducible (`--now`) and tests exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The time the build publishes at.
    pub now: chrono::DateTime<chrono::FixedOffset>,
    /// Include articles released after `now` (previews), marked as scheduled.
    pub future: bool,
    /// How many articles were held back.
    pub held: usize,
    /// When the earliest held article is due.
    pub next_due: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Schedule {
    /// A clock at `now`, holding future articles back unless `future`.
    pub fn at(now: chrono::DateTime<chrono::FixedOffset>, future: bool) -> Schedule {
        Schedule {
            now,
            future,
            held: 0,
            next_due: None,
        }
    }

    /// Whether an article is not yet due at this clock.
    pub(crate) fn is_scheduled(&self, article: &Article) -> bool {
        article.release_time().is_some_and(|at| at > self.now)
    }
}

/// What one article links to, by index into `Site::articles`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleLinks {
    /// Topic indices into `SiteConfig::topics`.
    pub topics: Vec<usize>,
    /// Related articles with their scores, best first.
    pub related: Vec<(usize, f32)>,
    /// For each entry of `Article::read_also`, the article it resolves to.
    pub read_also_targets: Vec<Option<usize>>,
    /// Articles whose references resolve to this one.
    pub backlinks: Vec<usize>,
}

/// Drops drafts (unless `drafts`) and articles not yet due at the
/// schedule's clock (unless it includes the future, counting them in
/// `schedule`), sorts, and checks that no two articles share a URL.
/// Errors name both files.
pub fn assemble(
    config: SiteConfig,
    articles: Vec<Arc<Article>>,
    drafts: bool,
    mut schedule: Schedule,
) -> Result<Site, Vec<Diagnostic>> {
    let mut articles: Vec<Arc<Article>> = articles.into_iter().filter(|a| drafts || !a.draft).collect();
    if !schedule.future {
        let (held, due): (Vec<_>, Vec<_>) = articles.into_iter().partition(|a| schedule.is_scheduled(a));
        schedule.held = held.len();
        schedule.next_due = held.iter().filter_map(|a| a.release_time()).min();
        articles = due;
    }
    articles.sort_by(|a, b| {
        let key = |a: &Article| (a.date.is_none(), std::cmp::Reverse(a.date.map(|d| d.timestamp())));
        key(a).cmp(&key(b)).then_with(|| a.path().cmp(b.path()))
    });
    let mut seen: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut problems = Vec::new();
    for (index, article) in articles.iter().enumerate() {
        if let Some(&first) = seen.get(article.path()) {
            problems.push(Diagnostic::error(
                &article.file,
                None,
                Kind::DuplicateUrl,
                format!(
                    "same URL /{} as {}: give one of them another `slug:`",
                    article.path(),
                    articles[first].file.display()
                ),
            ));
        } else {
            seen.insert(article.path(), index);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let links = articles
        .iter()
        .map(|a| ArticleLinks {
            read_also_targets: vec![None; a.read_also.len()],
            ..Default::default()
        })
        .collect();
    Ok(Site {
        config,
        articles,
        links,
        schedule,
        photos: Default::default(),
    })
}

/// Assigns topics to every article (rules and front matter). Returns the
/// warnings (unknown topic slugs).
pub(crate) fn link_topics(site: &mut Site, matcher: &topics::TopicMatcher) -> Vec<Diagnostic> {
    let (assigned, warnings) = topics::assign(matcher, &site.config.topics, &site.articles);
    for (links, topics) in site.links.iter_mut().zip(assigned) {
        links.topics = topics;
    }
    warnings
}

/// The related stage's view of every article, in site order.
pub(crate) fn related_profiles(site: &Site) -> Vec<related::Profile> {
    site.articles
        .iter()
        .zip(&site.links)
        .map(|(article, links)| related::Profile::of(article, &links.topics))
        .collect()
}

/// Resolves editors' read-also references, pins `read_also:` entries at the
/// head of the related lists, and records backlinks. Returns warnings for
/// references that match no article.
pub(crate) fn link_references(site: &mut Site) -> Vec<Diagnostic> {
    let warnings = references::resolve(site);
    let k = site.config.related_count;
    references::pin(site, k);
    warnings
}

impl Site {
    /// The articles of each topic (indices, newest first).
    pub(crate) fn topic_members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.config.topics.len()];
        for (index, links) in self.links.iter().enumerate() {
            for &topic in &links.topics {
                members[topic].push(index);
            }
        }
        members
    }

    /// The older neighbour in the sorted list (shown as "السابق").
    pub(crate) fn older(&self, index: usize) -> Option<usize> {
        (index + 1 < self.articles.len()).then_some(index + 1)
    }

    /// The newer neighbour in the sorted list (shown as "التالي").
    pub(crate) fn newer(&self, index: usize) -> Option<usize> {
        index.checked_sub(1)
    }
}

pub mod authors;
pub mod paths;
pub(crate) mod references;
pub(crate) mod related;
pub mod sections;
pub mod topics;
