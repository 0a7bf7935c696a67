//! Item 5: property tests. Random bytes, random front matter and random
//! Markdown go to the decoder, the article parsers, the body renderer and
//! the whole pipeline; a panic fails the test (proptest reports the
//! smallest input it found). Case counts are bounded so that `cargo test`
//! stays fast; `PROPTEST_CASES` does not raise them.

use arshif::config::SiteConfig;
use arshif::link::paths::LinkResolver;
use arshif::load::{self, decode, SourceFile};
use arshif::pipeline::{self, BuildOptions};
use arshif::render::markdown::render_body;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::{Component, Path, PathBuf};

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Pieces that make parsers take their rarer paths: front matter lines,
/// Markdown syntax, raw HTML (whole and split), links of every kind,
/// read-also openers, bidi and other control characters, odd line ends.
const PIECES: &[&str] = &[
    "---",
    "...",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  \n",
    "title: ",
    "date: ",
    "slug: ",
    "url: ",
    "aliases: ",
    "tags: ",
    "read_also: ",
    "draft: ",
    "summary: ",
    "2022-12-29",
    "2022-02-30",
    "T14:00:00+03:00",
    "1948",
    "-1",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "'",
    "\"",
    "\\",
    "#",
    "# ",
    "## ",
    "> ",
    "1. ",
    "* ",
    "    ",
    "```",
    "~~~",
    "|a|b|\n|-|:-:|\n",
    "[^1]",
    "[^1]: ",
    "**",
    "_",
    "~~",
    "`",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "<b>",
    "</b>",
    "<a href=\"",
    "javascript:alert(1)",
    "\">",
    "</a>",
    "<script>",
    "</script>",
    "<img src=x onerror=",
    "<div>",
    "[x](javascript:alert(1)//nothere.md)",
    "[y](JAVASCRIPT:b.txt#c)",
    "</div>",
    "<!--",
    "-->",
    "<![CDATA[",
    "<svg><script>",
    "<style>",
    "<iframe>",
    "[نص](",
    "other.md",
    "../",
    "%2e%2e",
    "%",
    "%ff",
    "#x",
    ")",
    "![صورة](",
    "<https://example.org>",
    "<javascript:x>",
    "اقرأ أيضاً: ",
    "اقرأ أيضا:",
    "عنوان",
    "روسيا والصين",
    "Power of Siberia",
    "٢٠٢٢",
    "ـــ",
    "ً",
    "\u{202E}",
    "\u{202C}",
    "\u{2067}",
    "\u{2069}",
    "\u{200F}",
    "\u{feff}",
    "\u{0}",
    "\u{1}",
    "\u{b}",
    "\u{85}",
    "\u{2028}",
    "\u{fffd}",
    "🙂",
    "e\u{301}",
];

fn pieces(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

fn file(name: &str) -> SourceFile {
    SourceFile {
        content_path: format!("2022/{name}"),
        path: PathBuf::from(format!("content/2022/{name}")),
    }
}

fn is_safe_site_path(path: &str) -> bool {
    !path.contains('\0') && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decode_never_panics(
        prefix in prop::sample::select(vec![&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xFF\xFE\x00\x00"]),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut input = prefix.to_vec();
        input.extend(bytes);
        if let Ok(decoded) = decode::decode(input) {
            prop_assert!(!decoded.text.contains('\r'));
            prop_assert!(!decoded.text.contains('\0'));
        }
    }

    #[test]
    fn arabic_text_in_every_accepted_encoding_decodes_to_itself(
        text in "[\u{0621}-\u{063A}\u{0640}-\u{064A} \n.]{1,200}".prop_filter("a letter", |t| t.chars().any(|c| c != 'ـ' && c > '\u{0620}')),
    ) {
        let utf8 = decode::decode(text.clone().into_bytes()).expect("UTF-8");
        prop_assert_eq!(&utf8.text, &text);
        prop_assert!(utf8.note.is_none());
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        prop_assert_eq!(&decode::decode(le).expect("UTF-16").text, &text);
        let (legacy, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&text);
        prop_assert!(!unmappable);
        let decoded = decode::decode(legacy.into_owned()).expect("Windows-1256");
        prop_assert_eq!(&decoded.text, &text);
        prop_assert_eq!(decoded.note.as_deref(), Some(decode::WINDOWS_1256_NOTE));
    }

    #[test]
    fn articles_never_panic_and_their_urls_stay_inside(
        text in prop_oneof![pieces(60), any::<String>()],
        front in pieces(25),
        markdown in any::<bool>(),
    ) {
        let (name, input) = if markdown {
            ("x.md", format!("---\n{front}\n---\n{text}"))
        } else {
            ("2022-12-01-x.txt", text.clone())
        };
        if let Ok((article, _)) = load::parse_article(&file(name), &input) {
            prop_assert!(!article.slug.is_empty());
            prop_assert!(is_safe_site_path(article.path()), "{}", article.path());
            for alias in &article.aliases {
                prop_assert!(is_safe_site_path(alias), "{}", alias);
            }
            if let Some(url) = &article.original_url {
                prop_assert!(url.starts_with("http://") || url.starts_with("https://"), "{}", url);
            }
        }
        let _ = load::markdown::parse(&input);
        let _ = load::markdown::scan_body(&input, 1);
        let _ = load::text::parse(&input);
    }

    #[test]
    fn bodies_render_without_panics_and_without_scripts(
        body in pieces(80),
        unsafe_html in any::<bool>(),
    ) {
        let (article, _) = load::parse_article(&file("a.md"), &format!("---\ntitle: أ\ndate: 2022-12-02\n---\n{body}"))
            .expect("a fixed front matter always parses");
        let (other, _) = load::parse_article(&file("other.md"), "---\ntitle: عنوان\ndate: 2022-12-01\n---\nنص.\n")
            .expect("fixed article");
        let config = SiteConfig { unsafe_html, ..SiteConfig::default() };
        let site = arshif::link::assemble(config, vec![std::sync::Arc::new(article), std::sync::Arc::new(other)], false, arshif::link::Schedule::at(chrono::Utc::now().fixed_offset(), true)).expect("two URLs");
        let resolver = LinkResolver::new(&site.articles);
        let url_of = |i: usize| format!("/{}", site.articles[i].path());
        let rendered = render_body(&site, &resolver, 0, &url_of).unwrap();
        let again = render_body(&site, &resolver, 0, &url_of).unwrap();
        prop_assert_eq!(&rendered.html, &again.html, "rendering is deterministic");
        if !unsafe_html {
            for (tag, attributes) in tags(&rendered.html) {
                prop_assert!(
                    !matches!(tag.as_str(), "script" | "style" | "iframe" | "object" | "embed" | "svg" | "math" | "form" | "frame" | "base" | "meta" | "link"),
                    "<{}> in {}", tag, rendered.html
                );
                for (name, value) in attributes {
                    prop_assert!(!name.starts_with("on") && name != "style" || (name == "style" && matches!(tag.as_str(), "th" | "td")),
                        "{} on <{}> in {}", name, tag, rendered.html);
                    if matches!(name.as_str(), "href" | "src") {
                        let scheme: String = value
                            .chars()
                            .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                            .collect::<String>()
                            .to_ascii_lowercase();
                        prop_assert!(!value.contains("&#"), "entity in {}={} in {}", name, value, rendered.html);
                        for bad in ["javascript:", "vbscript:", "data:"] {
                            prop_assert!(!scheme.starts_with(bad), "{}={} in {}", name, value, rendered.html);
                        }
                    }
                }
            }
        }
    }
}

/// The start tags of serialised HTML (text escaped, attribute values
/// quoted, as pulldown-cmark and ammonia write them), with their attributes.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_end = html[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| i + n);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_end = html[i..]
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
                .map_or(bytes.len(), |n| i + n);
            let attr = html[i..attr_end].to_ascii_lowercase();
            i = attr_end;
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                if let Some(&quote) = bytes.get(i).filter(|&&q| q == b'"' || q == b'\'') {
                    let end = html[i + 1..].find(quote as char).map_or(bytes.len(), |n| i + 1 + n);
                    value = html[i + 1..end.min(bytes.len())].to_string();
                    i = end + 1;
                } else {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(bytes.len(), |n| i + n);
                    value = html[i..end].to_string();
                    i = end;
                }
            }
            attributes.push((attr, value));
        }
        if !closing && !name.is_empty() {
            found.push((name, attributes));
        }
    }
    found
}

#[test]
fn the_tag_scanner_sees_through_attribute_values() {
    let found =
        tags("<p>a &lt;b&gt;<a href=\"x<img onerror=y>\" rel=\"noopener\">c</a><!-- <script> --><img src='z'></p>");
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["p", "a", "img"]);
    assert_eq!(
        found[1].1,
        [
            ("href".to_string(), "x<img onerror=y>".to_string()),
            ("rel".to_string(), "noopener".to_string())
        ]
    );
    assert_eq!(found[2].1, [("src".to_string(), "z".to_string())]);
}

/// Random files (bytes or pieces) in a whole build: `pipeline::build` may
/// fail, never panic, and never writes outside its output folder.
#[derive(Debug, Clone)]
enum Input {
    Bytes(Vec<u8>),
    Text(String),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200).prop_map(Input::Bytes),
        (pieces(20), pieces(40)).prop_map(|(front, body)| Input::Text(format!("---\ntitle: t{front}\n---\n{body}"))),
        pieces(40).prop_map(Input::Text),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn whole_builds_never_panic_nor_write_outside(
        files in prop::collection::vec((input(), prop::sample::select(vec!["md", "txt", "markdown"])), 1..5),
        unsafe_html in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).expect("content/");
        if unsafe_html {
            std::fs::write(root.join("site.yaml"), "unsafe_html: true\n").expect("site.yaml");
        }
        for (i, (input, extension)) in files.iter().enumerate() {
            let bytes = match input {
                Input::Bytes(bytes) => bytes.clone(),
                Input::Text(text) => text.clone().into_bytes(),
            };
            std::fs::write(root.join(format!("content/2022-12-0{}-f{i}.{extension}", i + 1)), bytes).expect("article");
        }
        let result = pipeline::build(&BuildOptions::new(&root));
        let outside: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        prop_assert_eq!(outside, vec!["site".to_string()]);
        // The cache and the output's lock file are arshif's own bookkeeping.
        let mut inside: Vec<String> = std::fs::read_dir(&root)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name != ".arshif-cache" && name != ".public.arshif-lock")
            .collect();
        inside.sort();
        match result {
            Ok(report) => {
                prop_assert!(report.articles <= files.len());
                let expected: Vec<&str> = if unsafe_html { vec!["content", "public", "site.yaml"] } else { vec!["content", "public"] };
                prop_assert_eq!(inside, expected);
            }
            Err(err) => {
                let expected: Vec<&str> = if unsafe_html { vec!["content", "site.yaml"] } else { vec!["content"] };
                prop_assert_eq!(inside, expected);
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }
}
