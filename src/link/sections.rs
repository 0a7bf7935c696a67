//! Sections: the outlet's `category` keys (`internationalNews`) shown as
//! the newsroom names them («دولي»), each with its own listing page.
//! `sections:` in `site.yaml` maps keys to names; an unmapped key still
//! gets a page, named by the key, and a warning.

use crate::article::Article;
use crate::diagnostic::{Diagnostic, Kind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What `site.yaml` says about one category key.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// Display name, e.g. «دولي».
    pub name: String,
    /// A paragraph shown at the head of the section page.
    #[serde(default)]
    pub description: String,
    /// Position in the site menu (lower first; unordered sections follow, by name).
    #[serde(default)]
    pub order: Option<i64>,
    /// URL segment: `/sections/{slug}/` (default: made from the key).
    #[serde(default)]
    pub slug: Option<String>,
}

/// One section of the site, as found in the articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The category key as the articles write it (the first, when several share a slug).
    pub key: String,
    /// URL segment.
    pub slug: String,
    /// Shown name: the mapped name, else the key.
    pub name: String,
    /// The mapped description (may be empty).
    pub description: String,
    /// Whether `sections:` names the key.
    pub mapped: bool,
    /// Menu position.
    pub order: Option<i64>,
    /// Articles (indices into the site's list, newest first).
    pub members: Vec<usize>,
}

/// URL segment for a category key: camel case split at its humps
/// (`internationalNews` → `international-news`), then [`crate::load::slug::sanitise`]d.
pub(crate) fn slug_of_key(key: &str) -> String {
    let mut spaced = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            spaced.push('-');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        spaced.push(c);
    }
    crate::load::slug::sanitise(&spaced)
}

/// The slug `definitions` give a key, else the one made from it.
fn slug_for(key: &str, definitions: &BTreeMap<String, SectionDef>) -> String {
    definitions
        .get(key)
        .and_then(|def| def.slug.as_deref())
        .map(crate::load::slug::sanitise)
        .filter(|slug| !slug.is_empty())
        .unwrap_or_else(|| slug_of_key(key))
}

/// The sections of `articles` (in site order), menu order: mapped sections
/// by `order` then name, then unmapped ones by key. Keys that give the same
/// slug share one section. Articles whose key gives no slug have none.
pub(crate) fn sections(definitions: &BTreeMap<String, SectionDef>, articles: &[Arc<Article>]) -> Vec<Section> {
    let mut by_slug: BTreeMap<String, Section> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        let Some(key) = article.category.as_deref().map(str::trim).filter(|k| !k.is_empty()) else {
            continue;
        };
        let slug = slug_for(key, definitions);
        if slug.is_empty() {
            continue;
        }
        let section = by_slug.entry(slug.clone()).or_insert_with(|| {
            let def = definitions.get(key);
            Section {
                key: key.to_string(),
                slug,
                name: def
                    .map(|d| d.name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| key.to_string()),
                description: def.map(|d| d.description.clone()).unwrap_or_default(),
                mapped: def.is_some(),
                order: def.and_then(|d| d.order),
                members: Vec::new(),
            }
        });
        section.members.push(index);
    }
    let mut list: Vec<Section> = by_slug.into_values().collect();
    list.sort_by(|a, b| {
        let rank = |s: &Section| (!s.mapped, s.order.is_none(), s.order);
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    list
}

/// For each article (same index), the position of its section in `sections`.
pub(crate) fn section_of(sections: &[Section], count: usize) -> Vec<Option<usize>> {
    let mut of = vec![None; count];
    for (s, section) in sections.iter().enumerate() {
        for &i in &section.members {
            of[i] = Some(s);
        }
    }
    of
}

/// A warning for each category key `sections:` does not map, at the first
/// (newest) article using it: its page is named by the raw key.
pub(crate) fn unmapped_warnings(
    definitions: &BTreeMap<String, SectionDef>,
    articles: &[Arc<Article>],
) -> Vec<Diagnostic> {
    let mut first: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        if let Some(key) = article.category.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            if !definitions.contains_key(key) {
                first.entry(key).or_insert((index, 0)).1 += 1;
            }
        }
    }
    first
        .into_iter()
        .map(|(key, (index, count))| {
            Diagnostic::warning(
                &articles[index].file,
                None,
                Kind::UnmappedSection,
                format!(
                    "category `{key}` ({count} article{}) is not in `sections:` of site.yaml: its page /sections/{}/ is named by the key; add `{key}: {{name: …}}` there",
                    if count == 1 { "" } else { "s" },
                    slug_for(key, definitions)
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_keys_become_hyphenated_slugs() {
        assert_eq!(slug_of_key("internationalNews"), "international-news");
        assert_eq!(slug_of_key("sport"), "sport");
        assert_eq!(slug_of_key("اقتصاد"), "اقتصاد");
        assert_eq!(slug_of_key("  "), "");
    }
}
