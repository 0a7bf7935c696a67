//! News metadata for search engines and social cards: the Open Graph
//! locale and an article's schema.org `NewsArticle` JSON-LD, built here as
//! data (never assembled as text in a template) and escaped for `<script>`.

use crate::link::Site;
use crate::render::feeds::absolute_url;
use crate::render::pages::html_safe_json;
use serde_json::{json, Map, Value};

/// The Open Graph locale (`ar_AR`) for a site language (`ar`, `en-GB`).
pub fn og_locale(language: &str) -> String {
    let mut parts = language.split(['-', '_']).filter(|p| !p.is_empty());
    let lang = parts.next().unwrap_or("ar").to_ascii_lowercase();
    match parts.next() {
        Some(region) => format!("{lang}_{}", region.to_ascii_uppercase()),
        // Open Graph wants a territory; Arabic without one is written ar_AR.
        None if lang == "ar" => "ar_AR".to_string(),
        None => lang,
    }
}

/// The schema.org `NewsArticle` of article `index` as JSON text safe to put
/// between `<script type="application/ld+json">` and `</script>`: headline,
/// description, dates, author (the byline as a Person, else the source,
/// else the site, as an Organization), publisher (the site), language,
/// the page it is the main entity of, and its section, tags and original.
pub fn news_article_json_ld(site: &Site, index: usize, description: Option<&str>) -> String {
    let config = &site.config;
    let article = &site.articles[index];
    let url = absolute_url(&config.base_url, article.path());
    let non_empty = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let publisher = json!({
        "@type": "Organization",
        "name": config.title,
        "url": config.base_url,
    });
    let source = non_empty(&article.source).map(|name| json!({ "@type": "Organization", "name": name }));
    let author = match (non_empty(&article.author), &source) {
        (Some(name), _) => json!({ "@type": "Person", "name": name }),
        (None, Some(source)) => source.clone(),
        (None, None) => publisher.clone(),
    };
    let mut data = Map::new();
    data.insert("@context".into(), json!("https://schema.org"));
    data.insert("@type".into(), json!("NewsArticle"));
    data.insert("headline".into(), json!(article.title));
    if let Some(description) = description {
        data.insert("description".into(), json!(description));
    }
    if let Some(date) = article.date_string() {
        data.insert("datePublished".into(), json!(date));
    }
    data.insert("author".into(), author);
    data.insert("publisher".into(), publisher);
    if let (Some(_), Some(source)) = (non_empty(&article.author), source) {
        data.insert("sourceOrganization".into(), source);
    }
    data.insert("inLanguage".into(), json!(config.language));
    data.insert("mainEntityOfPage".into(), json!({ "@type": "WebPage", "@id": url }));
    data.insert("url".into(), json!(url));
    if let Some(section) = non_empty(&article.category) {
        data.insert("articleSection".into(), json!(section));
    }
    let tags: Vec<&str> = article
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        data.insert("keywords".into(), json!(tags));
    }
    if let Some(original) = article
        .original_url
        .as_deref()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
    {
        data.insert("isBasedOn".into(), json!(original));
    }
    html_safe_json(&Value::Object(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(og_locale("ar"), "ar_AR");
        assert_eq!(og_locale("ar-EG"), "ar_EG");
        assert_eq!(og_locale("en_gb"), "en_GB");
        assert_eq!(og_locale("ku"), "ku");
    }
}
