//! Rules for WordPress's `?p=123` addresses, which no static page can
//! answer: a query string is not part of a file's path, so only the host
//! can route them. Written for hosts that read such rules.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The first line of every file written here: a later import replaces a
/// file that starts with it and leaves any other alone.
pub(crate) const HEADER: &str = "# written by arshif import from a WordPress export: ?p=ID addresses";

/// One `?p=ID` address and the article address it now lives at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct QueryRedirect {
    /// The WordPress post id.
    pub id: u64,
    /// The new address, e.g. `/2016/07/slug/`.
    pub to: String,
}

/// Non-ASCII, spaces and quotes percent-encoded: hosts' rule files are ASCII.
const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'\'').add(b'%');

fn encoded(path: &str) -> String {
    // A path that is already percent-encoded stays as it is.
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    percent_encoding::utf8_percent_encode(&decoded, ENCODED).to_string()
}

/// The files written, relative to the site folder.
pub(crate) fn files(root: &Path) -> [(PathBuf, &'static str); 3] {
    [
        (root.join("static").join("_redirects"), "netlify"),
        (root.join("redirects").join("nginx-wordpress-ids.conf"), "nginx"),
        (root.join("redirects").join("wordpress-ids.json"), "json"),
    ]
}

/// The text of one of [`files`], ids in ascending order.
pub(crate) fn render(kind: &str, redirects: &[QueryRedirect]) -> String {
    let mut sorted = redirects.to_vec();
    sorted.sort();
    sorted.dedup_by_key(|r| r.id);
    let mut text = String::new();
    match kind {
        // Netlify's `_redirects` matches query parameters by value
        // (`/ p=123 /new/ 301`); it is read from the published folder,
        // which is why it goes into static/.
        "netlify" => {
            let _ = writeln!(text, "{HEADER}");
            for r in &sorted {
                let _ = writeln!(text, "/ p={} {} 301", r.id, encoded(&r.to));
            }
        }
        // An nginx `map` from the `p` query argument to the new address, to
        // `include` in the `http` block; see docs/import.md.
        "nginx" => {
            let _ = writeln!(text, "{HEADER}");
            let _ = writeln!(text, "map $arg_p $arshif_wordpress_redirect {{");
            let _ = writeln!(text, "    default \"\";");
            for r in &sorted {
                let _ = writeln!(text, "    {} \"{}\";", r.id, encoded(&r.to));
            }
            let _ = writeln!(text, "}}");
        }
        // For a Cloudflare Pages Function or any other code: JSON has no
        // comments, so the header is a key.
        _ => {
            let map: serde_json::Map<String, serde_json::Value> = sorted
                .iter()
                .map(|r| (r.id.to_string(), serde_json::Value::String(r.to.clone())))
                .collect();
            let mut object = serde_json::Map::new();
            object.insert("_comment".into(), HEADER.trim_start_matches("# ").into());
            object.insert("redirects".into(), map.into());
            text = serde_json::to_string_pretty(&serde_json::Value::Object(object)).unwrap_or_default();
            text.push('\n');
        }
    }
    text
}

/// Whether a file there may be replaced: absent, or written by import.
pub(crate) fn replaceable(existing: &str) -> bool {
    existing.starts_with(HEADER) || existing.contains(&format!("\"_comment\": \"{}", HEADER.trim_start_matches("# ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_sorted_and_name_every_id() {
        let redirects = [
            QueryRedirect {
                id: 12,
                to: "/2016/07/ب/".into(),
            },
            QueryRedirect {
                id: 3,
                to: "/2016/07/أ/".into(),
            },
        ];
        let netlify = render("netlify", &redirects);
        assert_eq!(
            netlify.lines().skip(1).collect::<Vec<_>>(),
            ["/ p=3 /2016/07/%D8%A3/ 301", "/ p=12 /2016/07/%D8%A8/ 301"]
        );
        let nginx = render("nginx", &redirects);
        assert!(
            nginx.contains("    3 \"/2016/07/%D8%A3/\";\n    12 \"/2016/07/%D8%A8/\";\n}"),
            "{nginx}"
        );
        let json: serde_json::Value = serde_json::from_str(&render("json", &redirects)).expect("json");
        assert_eq!(json["redirects"]["12"], "/2016/07/ب/");
        assert!(replaceable(&netlify) && replaceable(&render("json", &redirects)) && !replaceable("/a /b 301\n"));
    }
}
