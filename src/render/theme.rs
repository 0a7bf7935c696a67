//! The theme: the default Tera templates embedded in the binary, a site's
//! own `templates/NAME` overriding the default of the same name (HTML and
//! XML templates, `robots.txt`, `theme.css`), and the
//! filters templates can use (`date_ar`, `bdi`, `num`).

use crate::error::{Error, Result};
use crate::render::dates::DateFormat;
use crate::render::html::{escape, isolate};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tera::{Tera, Value};

/// Name of the templates folder inside the site root.
pub const TEMPLATES_DIR: &str = "templates";

/// The default theme, embedded so that a folder with only `content/` builds.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("topics.html", include_str!("../../templates/topics.html")),
    ("topic.html", include_str!("../../templates/topic.html")),
    ("read_also.html", include_str!("../../templates/read_also.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// The default stylesheet, written to `/theme.css`.
pub const DEFAULT_CSS: &str = include_str!("../../templates/theme.css");

/// Compiled templates and the stylesheet.
pub struct Theme {
    /// The Tera instance with every template and filter.
    pub tera: Tera,
    /// The stylesheet (the site's `templates/theme.css` or the default).
    pub css: String,
}

impl Theme {
    /// Loads the default theme with the site's overrides from `root/templates/`.
    pub fn load(root: &Path, dates: DateFormat) -> Result<Theme> {
        let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut css = DEFAULT_CSS.to_string();
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
                let text = std::fs::read_to_string(entry.path()).map_err(|err| Error::io(entry.path(), err))?;
                if name == "theme.css" {
                    css = text;
                } else if name.ends_with(".html") || name.ends_with(".xml") || name == "robots.txt" {
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
        Ok(Theme { tera, css })
    }

    /// Renders a template with a serialisable context.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String> {
        let context = tera::Context::from_serialize(context).map_err(|err| template_error(&err))?;
        self.tera.render(name, &context).map_err(|err| template_error(&err))
    }
}

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

fn register_filters(tera: &mut Tera, dates: DateFormat) {
    tera.register_filter("date_ar", move |value: &Value, _: &HashMap<String, Value>| {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("date_ar expects a date string"))?;
        let date = chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|_| tera::Error::msg(format!("date_ar: `{text}` is not an RFC 3339 date")))?;
        Ok(Value::String(dates.day(&date)))
    });
    tera.register_filter("bdi", |value: &Value, _: &HashMap<String, Value>| {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        Ok(Value::String(isolate(&text)))
    });
    tera.register_filter("num", move |value: &Value, _: &HashMap<String, Value>| {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(Value::String(dates.number(&text)))
    });
}
