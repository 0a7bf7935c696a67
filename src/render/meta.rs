//! News metadata for search engines and social cards: the Open Graph
//! locale and an article's schema.org `NewsArticle` JSON-LD, built here as
//! data (never assembled as text in a template) and escaped for `<script>`.

use crate::link::Site;
use crate::render::feeds::absolute_url;
use crate::render::html::html_safe_json;
use serde_json::{json, Map, Value};

/// The Open Graph locale (`ar_AR`) for a site language (`ar`, `en-GB`).
pub(crate) fn og_locale(language: &str) -> String {
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
pub(crate) fn news_article_json_ld(site: &Site, index: usize, description: Option<&str>) -> String {
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
    // Each name of the byline a Person with their page (`url`: the one
    // `authors:` gives, else their author page) and profiles (`sameAs`).
    let people: Vec<Value> = article
        .authors
        .iter()
        .map(|name| {
            let mut person = Map::new();
            person.insert("@type".into(), json!("Person"));
            person.insert("name".into(), json!(name));
            let def = config.authors.get(name);
            let slug = crate::link::authors::slug_for(name, &config.authors);
            let own = def
                .and_then(|d| d.url.clone())
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
            match own {
                Some(url) => {
                    person.insert("url".into(), json!(url));
                }
                None if !slug.is_empty() => {
                    person.insert(
                        "url".into(),
                        json!(absolute_url(&config.base_url, &format!("authors/{slug}/"))),
                    );
                }
                None => {}
            }
            let profiles: Vec<&String> = def
                .map(|d| {
                    d.links
                        .iter()
                        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                        .collect()
                })
                .unwrap_or_default();
            if !profiles.is_empty() {
                person.insert("sameAs".into(), json!(profiles));
            }
            Value::Object(person)
        })
        .collect();
    let author = match (people.len(), &source) {
        (1, _) => people[0].clone(),
        (0, Some(source)) => source.clone(),
        (0, None) => publisher.clone(),
        _ => Value::Array(people.clone()),
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
    if let Some(updated) = article.updated {
        data.insert("dateModified".into(), json!(updated.to_rfc3339()));
    }
    data.insert("author".into(), author);
    data.insert("publisher".into(), publisher);
    if let (false, Some(source)) = (people.is_empty(), source) {
        data.insert("sourceOrganization".into(), source);
    }
    data.insert("inLanguage".into(), json!(config.language));
    data.insert("mainEntityOfPage".into(), json!({ "@type": "WebPage", "@id": url }));
    data.insert("url".into(), json!(url));
    if let Some(key) = non_empty(&article.category) {
        // The section's name as the site shows it, not the CMS key.
        let name = config
            .sections
            .get(&key)
            .map(|d| d.name.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(key);
        data.insert("articleSection".into(), json!(name));
    }
    if !article.corrections.is_empty() {
        let corrections: Vec<Value> = article
            .corrections
            .iter()
            .map(|c| json!({ "@type": "CorrectionComment", "text": c.text, "datePublished": c.date.to_rfc3339() }))
            .collect();
        data.insert("correction".into(), Value::Array(corrections));
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
    if let Some(photo) = site.photos.view(config, index) {
        // Google's NewsArticle: several crops (16:9, 4:3, 1:1), each an ImageObject.
        let images: Vec<Value> = if photo.crops.is_empty() {
            let url = if photo.src.starts_with("http://") || photo.src.starts_with("https://") {
                photo.src.clone()
            } else {
                absolute_url(
                    &config.base_url,
                    photo.src.strip_prefix(config.base_path()).unwrap_or(&photo.src),
                )
            };
            vec![json!({ "@type": "ImageObject", "url": url })]
        } else {
            photo
                .crops
                .iter()
                .map(|c| json!({ "@type": "ImageObject", "url": c.url, "width": c.width, "height": c.height }))
                .collect()
        };
        let mut images: Vec<Value> = images;
        if let Some(Value::Object(first)) = images.first_mut() {
            if let Some(caption) = photo.caption.as_ref().or(Some(&photo.alt)).filter(|c| !c.is_empty()) {
                first.insert("caption".into(), json!(caption));
            }
            if let Some(credit) = &photo.credit {
                first.insert("creditText".into(), json!(credit));
            }
        }
        data.insert("image".into(), Value::Array(images));
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
