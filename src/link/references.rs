//! Resolved references: every "اقرأ أيضاً" an editor wrote (a `.txt` line,
//! a Markdown paragraph, a `read_also:` entry) is matched to an article of
//! the archive: by its explicit link, by slug, by normalised headline, and
//! failing those by the closest headline above a similarity threshold.

use crate::analyse::normalise::normalise;
use crate::diagnostic::{Diagnostic, Kind};
use crate::link::paths::LinkResolver;
use crate::link::Site;
use rustc_hash::{FxHashMap, FxHashSet};

/// Word overlap (Dice coefficient) a headline needs to count as the one
/// an editor meant when it is not written exactly.
pub(crate) const HEADLINE_SIMILARITY: f32 = 0.7;

/// Headlines of the archive, indexed for exact and approximate look-up.
pub(crate) struct HeadlineIndex<'a> {
    exact: FxHashMap<&'a str, usize>,
    /// Distinct words of each headline.
    lengths: Vec<usize>,
    by_word: FxHashMap<&'a str, Vec<usize>>,
}

impl<'a> HeadlineIndex<'a> {
    /// Indexes headlines already [`normalise`]d (borrowed, not copied: it
    /// is built on every build over the whole archive); the first article
    /// (newest) wins a tie.
    pub(crate) fn new(normalised: impl Iterator<Item = &'a str>) -> Self {
        let mut index = HeadlineIndex {
            exact: FxHashMap::default(),
            lengths: Vec::new(),
            by_word: FxHashMap::default(),
        };
        let mut words: Vec<&str> = Vec::new();
        for (i, normal) in normalised.enumerate() {
            words.clear();
            words.extend(normal.split(' ').filter(|w| !w.is_empty()));
            words.sort_unstable();
            words.dedup();
            for &word in &words {
                index.by_word.entry(word).or_default().push(i);
            }
            index.exact.entry(normal).or_insert(i);
            index.lengths.push(words.len());
        }
        index
    }

    /// The article whose headline is `text`, exactly (after normalisation)
    /// or else the most similar one at or above [`HEADLINE_SIMILARITY`].
    pub(crate) fn find(&self, text: &str) -> Option<usize> {
        let normal = normalise(text);
        if let Some(&i) = self.exact.get(normal.as_str()) {
            return Some(i);
        }
        let words: FxHashSet<&str> = normal.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return None;
        }
        let mut shared: FxHashMap<usize, usize> = FxHashMap::default();
        for word in &words {
            for &i in self.by_word.get(*word).map(Vec::as_slice).unwrap_or_default() {
                *shared.entry(i).or_default() += 1;
            }
        }
        shared
            .into_iter()
            .map(|(i, common)| (i, 2.0 * common as f32 / (words.len() + self.lengths[i]) as f32))
            .filter(|&(_, score)| score >= HEADLINE_SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    }
}

/// Resolves every reference of the site, pins front-matter ones at the
/// head of the related lists, and records backlinks. Unresolved references
/// are warnings naming the file and line.
pub(crate) fn resolve(site: &mut Site) -> Vec<Diagnostic> {
    let normalised: Vec<std::borrow::Cow<str>> = site.articles.iter().map(|a| a.normalised_title()).collect();
    let headlines = HeadlineIndex::new(normalised.iter().map(|h| &**h));
    let paths = LinkResolver::new(&site.articles);
    let mut warnings = Vec::new();
    let mut backlinks: Vec<(usize, usize)> = Vec::new();
    for (index, article) in site.articles.iter().enumerate() {
        let mut targets = Vec::with_capacity(article.read_also.len());
        for reference in &article.read_also {
            let target = reference
                .link
                .as_deref()
                .and_then(|link| paths.resolve(&article.content_path, link))
                .or_else(|| paths.resolve(&article.content_path, &reference.text))
                .or_else(|| headlines.find(&reference.text))
                .filter(|&t| t != index);
            match target {
                Some(t) => backlinks.push((t, index)),
                None => warnings.push(Diagnostic::warning(
                    &article.file,
                    Some(reference.line),
                    Kind::UnresolvedReadAlso,
                    format!(
                        "«اقرأ أيضاً: {}» matches no article's headline or slug; it is shown as plain text: write the headline or slug of an article in content/, or link its file",
                        reference.text
                    ),
                )),
            }
            targets.push(target);
        }
        site.links[index].read_also_targets = targets;
    }
    backlinks.sort_unstable();
    backlinks.dedup();
    for (target, source) in backlinks {
        site.links[target].backlinks.push(source);
    }
    warnings
}

/// Puts the articles an editor pinned with `read_also:` at the head of each
/// related list (score 1), keeping the list's other entries after them.
pub(crate) fn pin(site: &mut Site, k: usize) {
    for (article, links) in site.articles.iter().zip(site.links.iter_mut()) {
        let pinned: Vec<usize> = article
            .read_also
            .iter()
            .zip(&links.read_also_targets)
            .filter(|(r, _)| r.origin == crate::article::RefOrigin::FrontMatter)
            .filter_map(|(_, t)| *t)
            .collect();
        if pinned.is_empty() {
            continue;
        }
        let mut list: Vec<(usize, f32)> = Vec::with_capacity(k.max(pinned.len()));
        for &p in &pinned {
            if !list.iter().any(|&(i, _)| i == p) {
                list.push((p, 1.0));
            }
        }
        for &(i, score) in &links.related {
            if list.len() >= k.max(pinned.len()) {
                break;
            }
            if !list.iter().any(|&(j, _)| j == i) {
                list.push((i, score));
            }
        }
        links.related = list;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_then_close_headlines() {
        let normalised: Vec<String> = [
            "التجارة بين روسيا والصين تنمو بنسبة 32% في 11 شهراً",
            "محتجون يغلقون ممر لاتشين",
            "أسعار النفط ترتفع",
        ]
        .into_iter()
        .map(normalise)
        .collect();
        let index = HeadlineIndex::new(normalised.iter().map(String::as_str));
        assert_eq!(
            index.find("التجارة بين روسيا والصين تنمو بنسبة 32% في 11 شهراً"),
            Some(0)
        );
        // Other hamza, alef and tanween spellings are the same headline.
        assert_eq!(
            index.find("التجاره بين روسيا والصين تنمو بنسبه ٣٢٪ في ١١ شهرا"),
            Some(0)
        );
        // A word changed is still close enough…
        assert_eq!(
            index.find("التجارة بين روسيا والصين ترتفع بنسبة 32% في 11 شهراً"),
            Some(0)
        );
        // …a different story is not.
        assert_eq!(index.find("روسيا والصين"), None);
        assert_eq!(index.find(""), None);
    }
}
