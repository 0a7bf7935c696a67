//! The user's guide keeps up with the code: every `site.yaml` key is in
//! `docs/configuration.md`, every variable a template gets and every filter
//! the theme registers is in `docs/templates.md`, the examples the guide
//! shows (site.yaml, front matter, templates, CI workflows) parse, its
//! links lead somewhere, and it names no issues or commits. The keys and
//! variables are found from the code and from real renders, never from a
//! list kept here.

mod common;

use arshif::config::{Rule, SiteConfig, TopicDef};
use arshif::link::authors::AuthorDef;
use arshif::link::sections::SectionDef;
use arshif::link::topics::rules::{GroupOptions, Within};
use arshif::render::theme::DEFAULT_TEMPLATES;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A heading of a Markdown document and the text below it, up to the next
/// heading of the same or a higher level (its subsections included).
struct Section<'a> {
    heading: &'a str,
    anchor: String,
    body: String,
}

/// Every section of a document; `#` lines inside code fences are not headings.
fn sections(doc: &str) -> Vec<Section<'_>> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut headings = Vec::new();
    let mut fenced = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced {
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            headings.push((i, level, line[level..].trim()));
        }
    }
    headings
        .iter()
        .enumerate()
        .map(|(n, &(at, level, heading))| {
            let end = headings[n + 1..]
                .iter()
                .find(|&&(_, other, _)| other <= level)
                .map_or(lines.len(), |&(i, _, _)| i);
            Section {
                heading,
                anchor: anchor(heading),
                body: lines[at + 1..end].join("\n"),
            }
        })
        .collect()
}

/// The anchor GitHub gives a heading: lower case, spaces as `-`, other
/// punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The first section whose heading holds `needle`.
fn section<'a, 'd>(sections: &'a [Section<'d>], needle: &str) -> Option<&'a Section<'d>> {
    sections.iter().find(|s| s.heading.contains(needle))
}

fn mentions(text: &str, name: &str) -> bool {
    text.contains(&format!("`{name}`"))
}

/// A `site.yaml` that sets every key, nested ones included. Struct literals
/// without `..`: a field added to the configuration does not compile here
/// until it is given a value, and then it must be documented.
fn every_key() -> SiteConfig {
    let options = GroupOptions {
        places: Some(vec![arshif::analyse::keywords::Place::Headline]),
        not: vec!["مونديال روسيا".into()],
        within: Some(Within::Sentence),
        each: Some(2),
    };
    let rule = Rule::All {
        all: vec![
            Rule::Any {
                any: vec![Rule::Phrase("روسيا".into())],
                options: options.clone(),
            },
            Rule::List(vec![Rule::Phrase("الصين".into())]),
        ],
        options,
    };
    let topic = TopicDef {
        slug: "russia-china".into(),
        name: "روسيا والصين".into(),
        description: "وصف".into(),
        rule: Some(rule),
        min_mentions: 3,
        seeds: vec!["2022/some-article.md".into()],
    };
    let section = SectionDef {
        name: "دولي".into(),
        description: "وصف".into(),
        order: Some(1),
        slug: Some("world".into()),
    };
    let author = AuthorDef {
        slug: Some("sara".into()),
        bio: "سيرة".into(),
        photo: Some("https://example.org/sara.jpg".into()),
        url: Some("https://example.org/sara/".into()),
        links: vec!["https://example.org/@sara".into()],
    };
    let defaults = SiteConfig::default();
    SiteConfig {
        title: defaults.title,
        description: "وصف".into(),
        base_url: defaults.base_url,
        language: defaults.language,
        direction: defaults.direction,
        per_page: defaults.per_page,
        date_style: defaults.date_style,
        digits: defaults.digits,
        related_count: defaults.related_count,
        topics: vec![topic],
        minify: true,
        unsafe_html: false,
        // `<…>` keys stand for names the site chooses, not for settings.
        sections: BTreeMap::from([("<key>".to_string(), section)]),
        feeds: defaults.feeds,
        timezone: Some("Asia/Beirut".into()),
        authors: BTreeMap::from([("<name>".to_string(), author)]),
        image_widths: defaults.image_widths,
        image_quality: defaults.image_quality,
        image_max_pixels: defaults.image_max_pixels,
    }
}

/// Every key below `value`, found by walking the serialised configuration;
/// `<…>` keys (names the site chooses) are walked through, not listed.
fn nested_keys(value: &Value, keys: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if !key.starts_with('<') {
                    keys.insert(key.clone());
                }
                nested_keys(value, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| nested_keys(item, keys)),
        _ => {}
    }
}

#[test]
fn every_site_yaml_key_is_documented_in_configuration_md() {
    let config = every_key();
    // The keys are what site.yaml really accepts (it refuses unknown keys).
    let yaml = serde_yaml::to_string(&config).expect("serialise the configuration");
    SiteConfig::parse(&yaml, Path::new("site.yaml")).unwrap_or_else(|err| panic!("{err}\n{yaml}"));

    let text = doc("configuration.md");
    let sections = sections(&text);
    let value = serde_json::to_value(&config).expect("configuration as JSON");
    let Value::Object(top) = value else {
        panic!("the configuration is not a mapping")
    };
    let mut missing = Vec::new();
    for (key, value) in &top {
        if !text.contains(&format!("[`{key}`](#{key})")) {
            missing.push(format!("`{key}`: not in the table of keys, as [`{key}`](#{key})"));
        }
        let Some(own) = section(&sections, &format!("`{key}`")) else {
            missing.push(format!("`{key}`: no heading naming it"));
            continue;
        };
        let mut keys = BTreeSet::new();
        nested_keys(value, &mut keys);
        for nested in keys {
            if !mentions(&own.body, &nested) {
                missing.push(format!("`{key}`: `{nested}` is not in its section"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/configuration.md misses site.yaml keys (give each top-level key a heading `key`, and \
         name each key nested in it as `key` in that section):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_yaml_examples_of_configuration_md_are_valid_site_yaml() {
    let text = doc("configuration.md");
    let blocks = code_blocks(&text, "yaml");
    assert!(
        blocks.len() >= 5,
        "configuration.md shows few examples: {}",
        blocks.len()
    );
    for block in blocks {
        if let Err(err) = SiteConfig::parse(&block, Path::new("site.yaml")) {
            panic!("an example of configuration.md is not a valid site.yaml: {err}\n{block}");
        }
    }
}

#[test]
fn the_front_matter_examples_of_articles_md_parse() {
    let text = doc("articles.md");
    let blocks = code_blocks(&text, "markdown");
    assert!(!blocks.is_empty(), "articles.md shows no Markdown article");
    for block in blocks {
        if let Err(err) = arshif::load::markdown::parse(&block) {
            panic!("an example of articles.md does not parse: {err:?}\n{block}");
        }
    }
}

#[test]
fn the_ci_workflows_of_deploying_md_are_valid_yaml() {
    let text = doc("deploying.md");
    let blocks = code_blocks(&text, "yaml");
    let parsed: Vec<serde_yaml::Value> = blocks
        .iter()
        .map(|block| serde_yaml::from_str(block).unwrap_or_else(|err| panic!("{err}\n{block}")))
        .collect();
    // A GitHub Actions workflow (`jobs.*.steps`) and a GitLab CI job (`script`).
    let github = parsed.iter().any(|v| {
        v.get("jobs")
            .and_then(|jobs| jobs.as_mapping())
            .is_some_and(|jobs| jobs.values().any(|job| job.get("steps").is_some()))
    });
    let gitlab = parsed.iter().any(|v| {
        v.as_mapping()
            .is_some_and(|m| m.values().any(|job| job.get("script").is_some()))
    });
    assert!(github, "deploying.md shows no GitHub Actions workflow");
    assert!(gitlab, "deploying.md shows no GitLab CI job");
}

/// The text of each fenced block of `language`.
fn code_blocks(doc: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        match current.as_mut() {
            None if trimmed.strip_prefix("```").is_some_and(|l| l.trim() == language) => {
                current = Some(String::new());
            }
            Some(block) if trimmed.starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_filter_is_documented_in_templates_md() {
    let text = doc("templates.md");
    let sections = sections(&text);
    let filters = section(&sections, "Filters").expect("templates.md has a `Filters` section");
    let dates = arshif::render::dates::DateFormat {
        style: arshif::config::DateStyle::Levantine,
        digits: arshif::config::Digits::Western,
    };
    let missing: Vec<&str> = arshif::render::theme::filters(dates)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !mentions(&filters.body, name))
        .collect();
    assert!(missing.is_empty(), "templates.md, Filters: not documented: {missing:?}");
}

/// Marks around the context an overriding template prints.
const OPEN: &str = "<!--context ";
const CLOSE: &str = "<!--/context-->";

/// Keys whose entries are the site's own (other front matter keys), not arshif's.
const OPEN_MAPS: &[&str] = &["article.extra"];

/// The templates the others extend, import or include: never rendered on
/// their own, they see the variables of the page that uses them.
fn partials() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (_, text) in DEFAULT_TEMPLATES {
        for tag in ["extends", "import", "include"] {
            for rest in text.split(&format!("{{% {tag} \"")).skip(1) {
                if let Some(name) = rest.split('"').next() {
                    found.insert(name.to_string());
                }
            }
        }
    }
    found
}

/// Every key path below `value`: `a.b` for a key of an object, `a[].b` for
/// a key of the objects in the list `a`.
fn key_paths(value: &Value, prefix: &str, paths: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                paths.insert(path.clone());
                if !OPEN_MAPS.contains(&path.as_str()) {
                    key_paths(value, &path, paths);
                }
            }
        }
        Value::Array(items) => {
            let path = format!("{prefix}[]");
            items.iter().for_each(|item| key_paths(item, &path, paths));
        }
        _ => {}
    }
}

/// The sample archive, with every template replaced by one that prints its
/// context, built so that every kind of value is there at least once: an
/// article in both topics with corrections, an update, a link to another
/// and an embargo (built with `--future`), and two articles a page so
/// that lists have several pages.
fn contexts_by_template() -> BTreeMap<String, BTreeSet<String>> {
    let site = common::sample_site();
    // Two articles a page, so that every list has several pages.
    let config = std::fs::read_to_string(site.root.join("site.yaml")).expect("site.yaml");
    let mut config: serde_yaml::Value = serde_yaml::from_str(&config).expect("sample site.yaml");
    config["per_page"] = 2.into();
    // Minified pages lose the HTML comments that mark the context.
    config["minify"] = false.into();
    let config = serde_yaml::to_string(&config).expect("site.yaml text");
    site.write("site.yaml", config);
    site.write(
        "content/2023/2023-01-20-everything.md",
        common::md(
            "title: روسيا والصين وكاراباخ\ndate: 2023-01-20T10:00:00+03:00\nupdated: 2023-01-21\n\
             publish_at: 2030-01-01\nsummary: مقدمة.\nauthor: [سارة خليل, وليد حداد]\nsource: وكالات\n\
             url: https://example.org/a\ncategory: economy\ntags: [اقتصاد]\n\
             topics: [russia-china, karabakh]\nextra_key: قيمة\ncorrections:\n  - date: 2023-01-21\n    \
             text: تصحيح.\n",
            "فقرة عن [التجارة](../2022/2022-12-07-russia-china-trade.md).\n",
        ),
    );
    for (name, _) in DEFAULT_TEMPLATES {
        let body = format!("{OPEN}{name}-->{{{{ __tera_context | safe }}}}{CLOSE}\n");
        site.write(&format!("templates/{name}"), body);
    }
    site.build_ok(&["--future", "--now", "2023-02-01T00:00:00Z"]);
    let mut by_template: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, bytes) in site.snapshot() {
        let Ok(text) = String::from_utf8(bytes) else { continue };
        let Some(start) = text.find(OPEN) else { continue };
        let rest = &text[start + OPEN.len()..];
        let (name, rest) = rest.split_once("-->").expect("template name");
        let json = &rest[..rest.find(CLOSE).unwrap_or_else(|| panic!("{file}: context not closed"))];
        let context: Value = serde_json::from_str(json).unwrap_or_else(|err| panic!("{file}: {err}"));
        key_paths(&context, "", by_template.entry(name.to_string()).or_default());
    }
    by_template
}

#[test]
fn every_template_variable_is_documented_in_templates_md() {
    let text = doc("templates.md");
    let sections = sections(&text);
    let every_page = section(&sections, "Every page").expect("templates.md has an `Every page` section");
    let by_template = contexts_by_template();
    let partials = partials();
    let mut missing = Vec::new();
    for (name, _) in DEFAULT_TEMPLATES {
        let Some(own) = section(&sections, &format!("`{name}`")) else {
            missing.push(format!("{name}: no section (a heading naming `{name}`)"));
            continue;
        };
        if partials.contains(*name) {
            continue;
        }
        let Some(paths) = by_template.get(*name) else {
            missing.push(format!(
                "{name}: no page of the test site was rendered with it (extend the site in tests/docs.rs)"
            ));
            continue;
        };
        let shared = ["site", "page"];
        for path in paths {
            let top = path.split(['.', '[']).next().unwrap_or_default();
            let mut places = vec![&own.body];
            if shared.contains(&top) {
                places.push(&every_page.body);
            }
            let documented = places
                .iter()
                .any(|body| mentions(body, path) || in_shape(body, path, &sections));
            if !documented {
                missing.push(format!("{name}: `{path}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/templates.md misses template variables (name each as `path` in its template's section; \
         `site.*` and `page.*` may be in `Every page`; a line naming `path` with a link to a shape \
         section, `(#summary-fields)`, covers `path.x` and `path[].x` when the shape names `x`):\n  {}",
        missing.join("\n  ")
    );
}

/// Whether a line of `body` names a prefix of `path` and links to a shape
/// section (`(#anchor)`) that names the rest of it.
fn in_shape(body: &str, path: &str, sections: &[Section]) -> bool {
    body.lines().any(|line| {
        let Some(target) = line.split("](#").nth(1).and_then(|rest| rest.split(')').next()) else {
            return false;
        };
        let Some(shape) = sections.iter().find(|s| s.anchor == target) else {
            return false;
        };
        line.split('`').skip(1).step_by(2).any(|prefix| {
            let Some(rest) = path.strip_prefix(prefix) else {
                return false;
            };
            let rest = rest.strip_prefix("[]").unwrap_or(rest);
            rest.strip_prefix('.').is_some_and(|rest| mentions(&shape.body, rest))
        })
    })
}

#[test]
fn links_between_the_guide_pages_lead_somewhere() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![repo.join("README.md"), repo.join("CONTRIBUTING.md")];
    let mut docs: Vec<_> = std::fs::read_dir(repo.join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("guide page");
        for link in prose(&text)
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().expect("page folder").join(file)
            };
            let name = format!("{}: ({link})", page.strip_prefix(repo).unwrap_or(page).display());
            if !target.exists() {
                broken.push(format!("{name}: no such file"));
            } else if !fragment.is_empty() && target.extension().is_some_and(|e| e == "md") {
                let linked = std::fs::read_to_string(&target).expect("linked page");
                if !sections(&linked).iter().any(|s| s.anchor == fragment) {
                    broken.push(format!("{name}: no heading with that anchor"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links in the guide:\n  {}",
        broken.join("\n  ")
    );
}

/// The text of a Markdown page without its code blocks and code spans
/// (where a link is an example, not a link).
fn prose(doc: &str) -> String {
    let mut fenced = false;
    let mut text = String::new();
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            text.extend(line.split('`').step_by(2));
            text.push('\n');
        }
    }
    text
}

#[test]
fn the_template_examples_of_templates_md_parse() {
    let text = doc("templates.md");
    let blocks = code_blocks(&text, "jinja");
    assert!(blocks.len() >= 5, "templates.md shows few examples: {}", blocks.len());
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(DEFAULT_TEMPLATES.iter().copied())
        .expect("the default theme parses");
    for (n, block) in blocks.iter().enumerate() {
        // Examples use the theme's macros as its templates do, through `m`.
        let template = format!("{{% import \"macros.html\" as m %}}\n{block}");
        if let Err(err) = tera.add_raw_template(&format!("example-{n}.html"), &template) {
            let mut message = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("an example of templates.md is not a valid template: {message}\n{block}");
        }
    }
}

#[test]
fn the_guide_names_no_issues_or_commits() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![repo.join("README.md")];
    pages.extend(
        std::fs::read_dir(repo.join("docs"))
            .expect("docs/")
            .map(|entry| entry.expect("docs/ entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "md")),
    );
    let mut found = Vec::new();
    for page in &pages {
        // Outside code: a key in an example (`import_hash: 8a45…`) is no commit.
        let text = prose(&std::fs::read_to_string(page).expect("guide page"));
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in words.iter().enumerate() {
            let number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
            let issue = (word.eq_ignore_ascii_case("issue") || word.eq_ignore_ascii_case("issues"))
                && words
                    .get(i + 1)
                    .is_some_and(|next| number(next.trim_start_matches('#')));
            let reference = word.strip_prefix('#').is_some_and(number);
            // A commit: 7 to 40 hexadecimal digits, with letters and digits both.
            let commit = (7..=40).contains(&word.len())
                && word.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_digit())
                && word.chars().any(|c| c.is_ascii_alphabetic());
            if issue || reference || commit {
                found.push(format!("{}: {word}", page.strip_prefix(repo).unwrap_or(page).display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "user docs name issues or commits (those belong in the history):\n  {}",
        found.join("\n  ")
    );
}
