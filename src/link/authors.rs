//! Authors: each name in a byline gets a page; `authors:` in `site.yaml`
//! may add a bio, a photo, an address and profile links.

use crate::article::Article;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What `site.yaml` says about one author, keyed by the name as bylines write it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct AuthorDef {
    /// URL segment: `/authors/{slug}/` (default: made from the name).
    #[serde(default)]
    pub slug: Option<String>,
    /// A paragraph about the author, shown on their page.
    #[serde(default)]
    pub bio: String,
    /// Address of a photo (absolute, or a site path).
    #[serde(default)]
    pub photo: Option<String>,
    /// The author's own page, used as their `url` in JSON-LD.
    #[serde(default)]
    pub url: Option<String>,
    /// Profile pages elsewhere (`sameAs` in JSON-LD).
    #[serde(default)]
    pub links: Vec<String>,
}

/// One author of the site, as found in the bylines.
#[derive(Debug, Clone)]
pub(crate) struct Author {
    /// The name as the first byline naming them writes it.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// What `authors:` says, if it names them.
    pub def: Option<AuthorDef>,
    /// Articles (indices into the site's list, newest first).
    pub members: Vec<usize>,
}

/// The names in a byline: `A و B` (the conjunction standing apart, as
/// bylines write it) and `A and B` are two authors; any other text is one.
/// The conjunction attached to a word (`وليد`) is part of the name.
pub(crate) fn split_byline(byline: &str) -> Vec<String> {
    byline
        .split(" و ")
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// A byline of several names as pages show it: `A و B`, `A، B و C`.
pub(crate) fn join_byline(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} و {}", init.join("، "), last),
    }
}

/// The slug of `name`: the one `authors:` gives, else made from the name.
pub(crate) fn slug_for(name: &str, definitions: &BTreeMap<String, AuthorDef>) -> String {
    definitions
        .get(name)
        .and_then(|def| def.slug.as_deref())
        .map(crate::load::slug::sanitise)
        .filter(|slug| !slug.is_empty())
        .unwrap_or_else(|| crate::load::slug::sanitise(name))
}

/// The authors of `articles` (in site order), by slug; names that give the
/// same slug share a page. Names without a slug get no page.
pub(crate) fn authors(definitions: &BTreeMap<String, AuthorDef>, articles: &[Arc<Article>]) -> Vec<Author> {
    let mut by_slug: BTreeMap<String, Author> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for name in &article.authors {
            let slug = slug_for(name, definitions);
            if slug.is_empty() {
                continue;
            }
            let author = by_slug.entry(slug.clone()).or_insert_with(|| Author {
                name: name.clone(),
                slug,
                def: definitions.get(name).cloned(),
                members: Vec::new(),
            });
            if author.members.last() != Some(&index) {
                author.members.push(index);
            }
        }
    }
    by_slug.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_split_at_a_standalone_conjunction_only() {
        assert_eq!(split_byline("سارة خليل و وليد حداد"), ["سارة خليل", "وليد حداد"]);
        assert_eq!(split_byline("وليد حداد"), ["وليد حداد"]);
        assert_eq!(split_byline("Jane Doe and John Roe"), ["Jane Doe", "John Roe"]);
        assert_eq!(join_byline(&["أ".into(), "ب".into(), "ج".into()]), "أ، ب و ج");
    }
}
