//! The theme: the default Tera templates embedded in the binary, a site's
//! own `templates/NAME` overriding the default of the same name (HTML and
//! XML templates, `robots.txt`, `theme.css`), and the
//! filters templates can use (`date_ar`, `bdi`, `num`).

use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::render::dates::DateFormat;
use crate::render::html::{escape, isolate};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tera::{Tera, Value};

/// Name of the templates folder inside the site root.
pub(crate) const TEMPLATES_DIR: &str = "templates";

/// The default theme, embedded so that a folder with only `content/` builds.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("corrections.html", include_str!("../../templates/corrections.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("topics.html", include_str!("../../templates/topics.html")),
    ("topic.html", include_str!("../../templates/topic.html")),
    ("read_also.html", include_str!("../../templates/read_also.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// The default stylesheet, written to `/theme.css`.
pub(crate) const DEFAULT_CSS: &str = include_str!("../../templates/theme.css");

/// Files the default theme writes beside its stylesheet: the webfont
/// (Noto Naskh Arabic from the `@fontsource/noto-naskh-arabic` npm
/// package, subset to Arabic and basic Latin with fonttools, under the SIL
/// Open Font License in `fonts/OFL.txt`), the favicon and the share
/// links' copy button.
pub const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    (
        "fonts/noto-naskh-arabic-400.woff2",
        include_bytes!("../../templates/fonts/noto-naskh-arabic-400.woff2"),
    ),
    (
        "fonts/noto-naskh-arabic-700.woff2",
        include_bytes!("../../templates/fonts/noto-naskh-arabic-700.woff2"),
    ),
    (
        "fonts/noto-naskh-arabic-latin-400.woff2",
        include_bytes!("../../templates/fonts/noto-naskh-arabic-latin-400.woff2"),
    ),
    (
        "fonts/noto-naskh-arabic-latin-700.woff2",
        include_bytes!("../../templates/fonts/noto-naskh-arabic-latin-700.woff2"),
    ),
    ("fonts/OFL.txt", include_bytes!("../../templates/fonts/OFL.txt")),
    ("favicon.svg", include_bytes!("../../templates/favicon.svg")),
    ("share.js", include_bytes!("../../templates/share.js")),
];

/// Compiled templates and the stylesheet.
pub struct Theme {
    /// The Tera instance with every template and filter.
    pub tera: Tera,
    /// The stylesheet (the site's `templates/theme.css` or the default).
    pub css: String,
    /// Hash of every template and the stylesheet: a page rendered with
    /// another theme must be rendered again.
    pub fingerprint: u64,
    /// The theme's files written as they are (path in the output, bytes):
    /// [`DEFAULT_ASSETS`] or the site's `templates/` file of the same name,
    /// less the favicon when the site's `static/` has one.
    pub assets: Vec<(&'static str, std::borrow::Cow<'static, [u8]>)>,
}

impl Theme {
    /// Loads the default theme with the site's overrides from `root/templates/`.
    pub(crate) fn load(root: &Path, dates: DateFormat) -> Result<Theme> {
        let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut css = DEFAULT_CSS.to_string();
        let mut assets: Vec<(&'static str, std::borrow::Cow<'static, [u8]>)> = DEFAULT_ASSETS
            .iter()
            .map(|&(path, bytes)| (path, std::borrow::Cow::Borrowed(bytes)))
            .collect();
        let dir = root.join(TEMPLATES_DIR);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|err| {
                    let path = err.path().unwrap_or(&dir).to_path_buf();
                    Error::io(
                        path,
                        err.into_io_error().unwrap_or_else(|| std::io::Error::other("loop")),
                    )
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let name = relative.to_string_lossy().replace('\\', "/");
                let template = name.ends_with(".html") || name.ends_with(".xml") || name == "robots.txt";
                if let Some(asset) = assets.iter_mut().find(|(path, _)| *path == name) {
                    let bytes = std::fs::read(entry.path()).map_err(|err| Error::io(entry.path(), err))?;
                    asset.1 = std::borrow::Cow::Owned(bytes);
                    continue;
                }
                if !template && name != "theme.css" {
                    continue;
                }
                let text = std::fs::read_to_string(entry.path()).map_err(|err| Error::io(entry.path(), err))?;
                if name == "theme.css" {
                    css = text;
                } else {
                    sources.insert(name, text);
                }
            }
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|err| template_error(&err))?;
        tera.set_escape_fn(escape);
        tera.autoescape_on(vec![".html", ".xml"]);
        register_filters(&mut tera, dates);
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(&(&sources, &css), &mut hasher);
        let fingerprint = std::hash::Hasher::finish(&hasher);
        let own_favicon = root.join("static/favicon.svg").is_file();
        assets.retain(|(path, _)| !(own_favicon && *path == "favicon.svg"));
        Ok(Theme {
            tera,
            css,
            fingerprint,
            assets,
        })
    }

    /// Renders a template with a context (a JSON object). The value is
    /// handed to Tera as it is: `from_serialize` would copy it whole, and
    /// that copy was a tenth of a large archive's render (every key and
    /// string allocated again).
    ///
    /// The page comes back as the bytes that go to disk: `Tera::render`
    /// would check the whole page is UTF-8 again to make it a `String`
    /// (2% of a full build), and start from a buffer a sixth of a page's size.
    pub(crate) fn render(&self, name: &str, context: serde_json::Value) -> Result<Vec<u8>> {
        let context = tera::Context::from_value(context).map_err(|err| template_error(&err))?;
        let mut page = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(name, &context, &mut page)
            .map_err(|err| template_error(&err))?;
        Ok(page)
    }
}

/// Bytes reserved for a rendered page: an article or listing page of the
/// 28k archive is 10-15 KB, so most pages never grow their buffer.
const PAGE_CAPACITY: usize = 16 * 1024;

/// Turns a Tera error and its causes into one message naming the template.
fn template_error(err: &tera::Error) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let name = match &err.kind {
        tera::ErrorKind::TemplateNotFound(name) => name.clone(),
        _ => message
            .split('\'')
            .nth(1)
            .filter(|n| n.ends_with(".html") || n.ends_with(".xml"))
            .unwrap_or("(theme)")
            .to_string(),
    };
    Error::Template { name, message }
}

/// A template error as a problem in a file, for `check` and editors: the
/// site's `templates/NAME` when it has that file (else the default theme's
/// NAME), the line Tera names or the first line holding the name it quotes,
/// and Tera's message folded onto one line.
pub(crate) fn template_diagnostic(root: &Path, name: &str, message: &str) -> Diagnostic {
    let site_file = root.join(TEMPLATES_DIR).join(name);
    let own = site_file.is_file();
    let (mut text, position) = fold_tera_message(message);
    let line = position.map(|(line, _)| line).or_else(|| {
        let source = std::fs::read_to_string(&site_file).ok().filter(|_| own)?;
        // Render errors name what failed in quotes (`article.x`, 'filter'),
        // without a line: the first line holding one of them.
        let quoted = |mark: char| message.split(mark).skip(1).step_by(2);
        let names: Vec<&str> = quoted('`')
            .chain(quoted('\''))
            .filter(|q| !q.is_empty() && *q != name)
            .collect();
        names
            .iter()
            .find_map(|quoted| source.lines().position(|l| l.contains(quoted)))
            .map(|i| i + 1)
    });
    if let Some((_, column)) = position {
        text.push_str(&format!(" (column {column})"));
    }
    if own {
        text.push_str("; fix the template, or compare it with the default theme (`arshif init DIR --with-templates`)");
        Diagnostic::error(&site_file, line, Kind::Template, text)
    } else {
        text.push_str(
            "; the default theme failed: check the data it was given, or override the template in templates/",
        );
        Diagnostic::error(Path::new(name), line, Kind::Template, text)
    }
}

/// Tera's multi-line parse messages (` --> 3:18`, a code excerpt, `= expected …`)
/// become one line; returns it with the (line, column) when there was one.
fn fold_tera_message(message: &str) -> (String, Option<(usize, usize)>) {
    let Some(arrow) = message.find(" --> ") else {
        return (message.split_whitespace().collect::<Vec<_>>().join(" "), None);
    };
    let head = message[..arrow].trim_end().trim_end_matches(':').trim_end();
    let rest = &message[arrow + 5..];
    let position_text = rest.split_whitespace().next().unwrap_or_default();
    let position = position_text
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)));
    let explanation: Vec<&str> = rest
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::trim)
        .collect();
    let mut text = head.to_string();
    if !explanation.is_empty() {
        text.push_str(": ");
        text.push_str(&explanation.join("; "));
    }
    (text, position)
}

/// What the `bdi` filter writes: a value with no right-to-left letter
/// that holds Latin letters or digits (a source named "Sky News Arabia
/// (skynewsarabia.com)") is isolated whole, so that its parts keep their
/// order; any other is [`isolate`]d run by run.
fn isolate_value(text: &str) -> String {
    let rtl = |c: char| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}');
    if !text.chars().any(rtl) && text.chars().any(|c| c.is_alphanumeric()) {
        format!("<bdi>{}</bdi>", escape(text.trim()))
    } else {
        isolate(text)
    }
}

/// Every byte of `text` but ASCII letters, digits and `-._~` as `%XX`:
/// a value inside a query string (the share links).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A filter as the theme registers it.
pub type Filter = Box<dyn Fn(&Value, &HashMap<String, Value>) -> tera::Result<Value> + Send + Sync>;

/// Every filter the theme registers, by name: the one list [`Theme::load`]
/// registers and the documentation test checks `docs/templates.md` against.
pub fn filters(dates: DateFormat) -> Vec<(&'static str, Filter)> {
    vec![
        (
            "date_ar",
            Box::new(move |value: &Value, _: &HashMap<String, Value>| {
                let text = value
                    .as_str()
                    .ok_or_else(|| tera::Error::msg("date_ar expects a date string"))?;
                let date = chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|_| tera::Error::msg(format!("date_ar: `{text}` is not an RFC 3339 date")))?;
                Ok(Value::String(dates.day(&date)))
            }),
        ),
        (
            "month_ar",
            Box::new(move |value: &Value, _: &HashMap<String, Value>| {
                let text = value
                    .as_str()
                    .ok_or_else(|| tera::Error::msg("month_ar expects a date string"))?;
                let date = chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|_| tera::Error::msg(format!("month_ar: `{text}` is not an RFC 3339 date")))?;
                Ok(Value::String(
                    dates.month(chrono::Datelike::year(&date), chrono::Datelike::month(&date)),
                ))
            }),
        ),
        (
            "urlencode_strict",
            Box::new(|value: &Value, _: &HashMap<String, Value>| {
                let text = value
                    .as_str()
                    .ok_or_else(|| tera::Error::msg("urlencode_strict expects a string"))?;
                Ok(Value::String(percent_encode(text)))
            }),
        ),
        (
            "bdi",
            Box::new(|value: &Value, _: &HashMap<String, Value>| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                Ok(Value::String(isolate_value(&text)))
            }),
        ),
        (
            "num",
            Box::new(move |value: &Value, _: &HashMap<String, Value>| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Ok(Value::String(dates.number(&text)))
            }),
        ),
    ]
}

fn register_filters(tera: &mut Tera, dates: DateFormat) {
    for (name, filter) in filters(dates) {
        tera.register_filter(name, filter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved_bytes() {
        assert_eq!(
            percent_encode("https://a.b/x y?q=1&r"),
            "https%3A%2F%2Fa.b%2Fx%20y%3Fq%3D1%26r"
        );
        assert_eq!(percent_encode("سلام"), "%D8%B3%D9%84%D8%A7%D9%85");
    }

    #[test]
    fn a_latin_value_is_isolated_whole() {
        assert_eq!(
            isolate_value("Sky News Arabia (skynewsarabia.com)"),
            "<bdi>Sky News Arabia (skynewsarabia.com)</bdi>"
        );
        assert_eq!(isolate_value("سكاي نيوز Sky"), "سكاي نيوز <bdi>Sky</bdi>");
        assert_eq!(isolate_value("—"), "—");
    }

    #[test]
    fn tera_parse_messages_fold_onto_one_line() {
        let message = "Failed to parse 'article.html':  --> 3:18\n  |\n3 | <p>{{ page.title }</p>\n  |                  ^---\n  |\n  = expected `or`, a filter, or a variable end (`}}`)";
        let (text, position) = fold_tera_message(message);
        assert_eq!(position, Some((3, 18)));
        assert_eq!(
            text,
            "Failed to parse 'article.html': expected `or`, a filter, or a variable end (`}}`)"
        );
        let (text, position) = fold_tera_message("Failed to render 'a.html': Variable `x` not found");
        assert_eq!(
            (text.as_str(), position),
            ("Failed to render 'a.html': Variable `x` not found", None)
        );
    }

    #[test]
    fn errors_in_a_site_template_point_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(TEMPLATES_DIR)).unwrap();
        std::fs::write(dir.path().join("templates/a.html"), "<p>\n{{ missing.value }}\n</p>\n").unwrap();
        let problem = template_diagnostic(
            dir.path(),
            "a.html",
            "Failed to render 'a.html': Variable `missing.value` not found in context while rendering 'a.html'",
        );
        assert_eq!(problem.file, dir.path().join("templates/a.html"));
        assert_eq!(problem.line, Some(2));
        assert_eq!(problem.kind, Kind::Template);
        let default = template_diagnostic(dir.path(), "base.html", "Failed to render 'base.html'");
        assert_eq!(default.file, Path::new("base.html"));
        assert_eq!(default.line, None);
    }
}
