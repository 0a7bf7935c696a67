//! What the home page shows above its chronological list, as a newspaper's
//! front page does: a lead story (the newest one marked `featured: true`
//! among the latest, else the newest) with its photo, lede and read-also
//! links; the latest stories; a block per section and per active topic.
//! Also the [`Teaser`] both the front page and topic pages show: an
//! article's summary with its photo and key-moment mark.

use super::context::Summary;
use super::print::Printed;
use crate::link::Site;
use serde::Serialize;

/// Stories in the "latest" column beside the lead.
const LATEST: usize = 6;
/// Newest stories shown in each section's and topic's block.
const PER_BLOCK: usize = 4;
/// Topic blocks at most: the topics with the newest articles.
const TOPIC_BLOCKS: usize = 4;

/// An article as the front page and topic pages show it: its summary
/// (every field of [`Summary`] at the top level), its photo from the
/// front matter (`image`, `image_alt`) and its key-moment mark.
#[derive(Serialize)]
pub(crate) struct Teaser<'a> {
    #[serde(flatten)]
    summary: &'a Summary<'a>,
    /// The front matter's `key_moment`: its text when it is one, «محطة»
    /// (a milestone) for `true`; none otherwise.
    key_moment: Option<String>,
}

/// A teaser of article `i`.
pub(crate) fn teaser<'a>(site: &'a Site, summaries: &'a [Printed<Summary<'a>>], i: usize) -> Teaser<'a> {
    Teaser {
        summary: &summaries[i],
        key_moment: key_moment(&site.articles[i].extra),
    }
}

/// The key-moment mark of an article's front matter (`key_moment: true`
/// or `key_moment: "the label"`).
pub(crate) fn key_moment(extra: &std::collections::BTreeMap<String, serde_json::Value>) -> Option<String> {
    match extra.get("key_moment")? {
        serde_json::Value::Bool(true) => Some("محطة".to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// Whether the front matter says `featured: true`.
fn featured(site: &Site, i: usize) -> bool {
    site.articles[i].extra.get("featured") == Some(&serde_json::Value::Bool(true))
}

/// The lead story with what is shown around it.
#[derive(Serialize)]
pub(crate) struct Lead<'a> {
    /// The story.
    article: Teaser<'a>,
    /// Its read-also list.
    related: Vec<&'a Printed<Summary<'a>>>,
}

/// A block of a section or a topic: its name and page, its newest stories.
#[derive(Serialize)]
pub(crate) struct Block<'a> {
    name: String,
    url: String,
    articles: Vec<Teaser<'a>>,
}

/// What the home page's front shows (`front` in `list.html`, on the home
/// page's first page only).
#[derive(Serialize)]
pub(crate) struct FrontPage<'a> {
    lead: Option<Lead<'a>>,
    latest: Vec<Teaser<'a>>,
    sections: Vec<Block<'a>>,
    topics: Vec<Block<'a>>,
}

/// The front page of `site` (articles are indexed newest first), whose
/// topics have the members `topics` (newest first). A story is shown
/// once: the lead and the latest are left out of the blocks below them.
pub(crate) fn front_page<'a>(
    site: &'a Site,
    summaries: &'a [Printed<Summary<'a>>],
    base_path: &str,
    topics: &[Vec<usize>],
) -> FrontPage<'a> {
    let n = site.articles.len();
    let window = site.config.per_page.max(1).min(n);
    let lead = (0..window).find(|&i| featured(site, i)).or((n > 0).then_some(0));
    let mut shown = vec![false; n];
    if let Some(i) = lead {
        shown[i] = true;
    }
    let latest: Vec<usize> = (0..n).filter(|&i| Some(i) != lead).take(LATEST).collect();
    for &i in &latest {
        shown[i] = true;
    }
    let block = |name: &str, url: String, members: &[usize]| Block {
        name: name.to_string(),
        url,
        articles: members
            .iter()
            .filter(|&&i| !shown[i])
            .take(PER_BLOCK)
            .map(|&i| teaser(site, summaries, i))
            .collect(),
    };
    let section_blocks: Vec<Block> = crate::link::sections::sections(&site.config.sections, &site.articles)
        .iter()
        .map(|s| block(&s.name, format!("{base_path}sections/{}/", s.slug), &s.members))
        .filter(|b| !b.articles.is_empty())
        .collect();
    // Active topics: those whose newest article is newest (members are
    // newest first, and a lower index is a newer article).
    let mut active: Vec<usize> = (0..topics.len()).filter(|&t| !topics[t].is_empty()).collect();
    active.sort_by_key(|&t| (topics[t][0], t));
    let topic_blocks: Vec<Block> = active
        .into_iter()
        .map(|t| {
            let def = &site.config.topics[t];
            block(&def.name, format!("{base_path}topics/{}/", def.slug), &topics[t])
        })
        .filter(|b| !b.articles.is_empty())
        .take(TOPIC_BLOCKS)
        .collect();
    FrontPage {
        lead: lead.map(|i| Lead {
            article: teaser(site, summaries, i),
            related: site.links[i].related.iter().map(|&(j, _)| &summaries[j]).collect(),
        }),
        latest: latest.into_iter().map(|i| teaser(site, summaries, i)).collect(),
        sections: section_blocks,
        topics: topic_blocks,
    }
}

/// Newest developments at the head of a topic page.
const DEVELOPMENTS: usize = 3;

/// What a topic page shows of its story besides its paginated list
/// (`topic.story` in `topic.html`): the newest developments, and the key
/// moments of the whole story, oldest first.
#[derive(Serialize)]
pub(crate) struct Story<'a> {
    /// The newest articles, with ledes (shown on the front page only; the
    /// list below leaves them out).
    developments: Vec<Teaser<'a>>,
    /// Articles marked `key_moment`, oldest first.
    key_moments: Vec<Teaser<'a>>,
    /// Address of the story's first page (page 1 holds the oldest
    /// articles), none when the topic fits on one page.
    start_url: Option<String>,
}

/// How many of a topic's newest articles its front page shows as developments.
pub(crate) fn developments(members: &[usize]) -> usize {
    // A topic of a few articles is told by its list alone.
    if members.len() > DEVELOPMENTS {
        DEVELOPMENTS
    } else {
        0
    }
}

/// The story of a topic whose members are `members` (newest first);
/// `start_url` is its page 1, when it has numbered pages.
pub(crate) fn story<'a>(
    site: &'a Site,
    summaries: &'a [Printed<Summary<'a>>],
    members: &[usize],
    start_url: Option<String>,
) -> Story<'a> {
    Story {
        developments: members[..developments(members)]
            .iter()
            .map(|&i| teaser(site, summaries, i))
            .collect(),
        key_moments: members
            .iter()
            .rev()
            .filter(|&&i| key_moment(&site.articles[i].extra).is_some())
            .map(|&i| teaser(site, summaries, i))
            .collect(),
        start_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_moment_takes_true_or_a_label() {
        let mut extra = std::collections::BTreeMap::new();
        assert_eq!(key_moment(&extra), None);
        extra.insert("key_moment".to_string(), json!(true));
        assert_eq!(key_moment(&extra).as_deref(), Some("محطة"));
        extra.insert("key_moment".to_string(), json!(" بدء الحصار "));
        assert_eq!(key_moment(&extra).as_deref(), Some("بدء الحصار"));
        extra.insert("key_moment".to_string(), json!(false));
        assert_eq!(key_moment(&extra), None);
        extra.insert("key_moment".to_string(), json!(""));
        assert_eq!(key_moment(&extra), None);
    }

    #[test]
    fn small_topics_have_no_developments() {
        assert_eq!(developments(&[0, 1, 2]), 0);
        assert_eq!(developments(&[0, 1, 2, 3]), 3);
    }
}
