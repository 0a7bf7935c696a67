//! Running stories an archive holds that `site.yaml` has no topic for:
//! headline terms that are rare in the archive as a whole but come back
//! again and again within a few weeks («سكريبال», «هلسنكي»), grouped when
//! they head the same articles, each with sample headlines and a draft
//! rule to paste into `site.yaml`.

use crate::analyse::keywords::light_form;
use crate::analyse::tokens::{Analyser, Term};
use rustc_hash::{FxHashMap, FxHashSet};

/// How stories are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SuggestOptions {
    /// Length of the window in which a story's headlines must fall, in days.
    pub days: i64,
    /// Headlines a story needs within the window.
    pub min_articles: usize,
    /// Stories proposed at most.
    pub max_stories: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            days: 30,
            min_articles: 3,
            max_stories: 10,
        }
    }
}

/// Share of the archive a term may head and still be a story's, not a
/// subject of every day («روسيا», «ترامب»); never below [`MIN_CAP`] articles.
const MAX_SHARE: f64 = 0.01;
/// See [`MAX_SHARE`].
const MIN_CAP: usize = 40;
/// Share of a term's headlines its densest window must hold: a story's
/// word comes in a burst («خاشقجي»), a weekday («الأربعاء») all year round.
const CONCENTRATION: f64 = 0.5;
/// Two terms are one story when this share of the smaller one's articles is shared.
const MERGE_SHARE: f64 = 0.5;
/// Words of a draft rule at most.
const RULE_WORDS: usize = 3;

/// One proposed story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Story {
    /// Its words, strongest first (the spelling headlines use most).
    pub words: Vec<String>,
    /// The articles (indices into the input) whose headline has the first
    /// word within the story's window, newest first.
    pub articles: Vec<usize>,
    /// First and last day of the window.
    pub span: (i64, i64),
}

/// A story being formed: its terms, its articles, its window.
type Forming = (Vec<Term>, FxHashSet<usize>, (i64, i64));

/// One term's articles (indices into the input), by day.
struct Candidate {
    term: Term,
    /// (day, article) sorted.
    dated: Vec<(i64, usize)>,
    /// The densest window: (first day, articles in it).
    window: (i64, Vec<usize>),
}

/// The densest window of `days` days over `dated` (sorted): its first day
/// and its articles. Ties go to the earliest window, so output is stable.
fn densest(dated: &[(i64, usize)], days: i64) -> (i64, Vec<usize>) {
    let (mut best_start, mut best_len, mut lo) = (0usize, 0usize, 0usize);
    for hi in 0..dated.len() {
        while dated[hi].0 - dated[lo].0 >= days {
            lo += 1;
        }
        if hi + 1 - lo > best_len {
            best_len = hi + 1 - lo;
            best_start = lo;
        }
    }
    let window = &dated[best_start..best_start + best_len];
    (window.first().map_or(0, |w| w.0), window.iter().map(|w| w.1).collect())
}

/// Proposes the running stories of an archive given each article's
/// headline and day number (undated articles are skipped).
pub(crate) fn suggest(headlines: &[(&str, Option<i64>)], options: SuggestOptions) -> Vec<Story> {
    let mut analyser = Analyser::new();
    let mut by_term: FxHashMap<Term, Vec<(i64, usize)>> = FxHashMap::default();
    // Surface forms (light forms: clitics removed) of each term, counted.
    let mut forms: FxHashMap<Term, FxHashMap<String, usize>> = FxHashMap::default();
    for (index, &(headline, day)) in headlines.iter().enumerate() {
        let Some(day) = day else { continue };
        let field = analyser.field(headline, true);
        let mut seen: FxHashSet<Term> = FxHashSet::default();
        for (&term, &(start, end)) in field.terms.iter().zip(&field.words) {
            let word = light_form(&field.text[start..end]);
            // Digits and one-letter words make no story.
            if word.chars().count() < 3 || word.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            *forms.entry(term).or_default().entry(word.to_string()).or_insert(0) += 1;
            if seen.insert(term) {
                by_term.entry(term).or_default().push((day, index));
            }
        }
    }
    let cap = ((headlines.len() as f64 * MAX_SHARE) as usize).max(MIN_CAP);
    let mut candidates: Vec<Candidate> = by_term
        .into_iter()
        .filter(|(_, dated)| dated.len() >= options.min_articles && dated.len() <= cap)
        .map(|(term, mut dated)| {
            dated.sort_unstable();
            let window = densest(&dated, options.days);
            Candidate { term, dated, window }
        })
        .filter(|c| {
            c.window.1.len() >= options.min_articles && c.window.1.len() as f64 >= CONCENTRATION * c.dated.len() as f64
        })
        .collect();
    // Strongest first: most headlines in the window, then the more
    // concentrated (fewer outside it), then by term for a stable order.
    candidates.sort_by(|a, b| {
        b.window
            .1
            .len()
            .cmp(&a.window.1.len())
            .then(a.dated.len().cmp(&b.dated.len()))
            .then(a.term.cmp(&b.term))
    });
    let spelling = |term: Term| -> String {
        let mut best: Vec<(&String, &usize)> = forms.get(&term).map(|f| f.iter().collect()).unwrap_or_default();
        best.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        best.first().map(|(w, _)| (*w).clone()).unwrap_or_default()
    };
    let mut stories: Vec<Forming> = Vec::new();
    for candidate in &candidates {
        let articles: FxHashSet<usize> = candidate.window.1.iter().copied().collect();
        let joined = stories.iter().position(|(_, members, _)| {
            let shared = members.intersection(&articles).count();
            shared as f64 >= MERGE_SHARE * members.len().min(articles.len()) as f64
        });
        match joined {
            Some(i) => {
                // The story keeps its first term's articles: a joining term
                // names it too, but may head other stories as well.
                let (terms, _, _) = &mut stories[i];
                if terms.len() < RULE_WORDS {
                    terms.push(candidate.term);
                }
            }
            None if stories.len() < options.max_stories => {
                let first = candidate.window.0;
                stories.push((vec![candidate.term], articles, (first, first + options.days - 1)));
            }
            None => {}
        }
    }
    stories
        .into_iter()
        .map(|(terms, members, span)| {
            let mut articles: Vec<usize> = members.into_iter().collect();
            articles.sort_by(|&a, &b| headlines[b].1.cmp(&headlines[a].1).then(a.cmp(&b)));
            let mut words: Vec<String> = Vec::new();
            for term in terms {
                let word = spelling(term);
                if !word.is_empty() && !words.contains(&word) {
                    words.push(word);
                }
            }
            Story { words, articles, span }
        })
        .collect()
}

/// A draft `site.yaml` topic for a story: its words, together in one
/// sentence of the headline or lede when there are several.
pub(crate) fn draft_rule(story: &Story, slug: &str) -> String {
    let name = story.words.join(" ");
    let mut out = format!("  - slug: {slug}\n    name: {name}\n    min_mentions: 3\n    match:\n");
    if story.words.len() == 1 {
        out.push_str(&format!("      any: [{}]\n", story.words[0]));
    } else {
        out.push_str("      any:\n");
        out.push_str(&format!("        - [{}]\n", story.words[0]));
        out.push_str("        - all:\n");
        for word in &story.words[1..] {
            out.push_str(&format!("            - [{word}]\n"));
        }
        out.push_str("          in: [headline, lede]\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_densest_window_is_found_and_ties_go_to_the_earliest() {
        let dated = vec![(0, 0), (1, 1), (40, 2), (41, 3), (42, 4), (100, 5)];
        assert_eq!(densest(&dated, 30), (40, vec![2, 3, 4]));
        assert_eq!(densest(&[(0, 0), (50, 1)], 30), (0, vec![0]));
    }
}
