//! Shared helpers for the integration tests: fixture sites in temporary
//! folders, running the real `arshif` binary, and reading its output.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixture site: `outer/site` inside a fresh temporary folder, so that a
/// test can check that nothing was written beside the site.
pub struct Site {
    _dir: tempfile::TempDir,
    /// The temporary folder holding the site folder (and nothing else).
    pub outer: PathBuf,
    /// The site folder passed as `--root`.
    pub root: PathBuf,
}

impl Site {
    /// An empty site with a `content/` folder.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().expect("create temporary folder");
        let outer = dir.path().canonicalize().expect("canonical temporary folder");
        let root = outer.join("site");
        std::fs::create_dir_all(root.join("content")).expect("create content/");
        Site { _dir: dir, outer, root }
    }

    /// Writes `text` to `rel` below the site folder, creating folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(rel);
        write_file(&path, text);
        path
    }

    /// Removes a file below the site folder.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).expect("remove fixture file");
    }

    /// A path below the site folder, as the binary prints it (`--root` is absolute).
    pub fn path(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    /// The default output folder, `site/public`.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Runs `arshif build --root SITE` with extra arguments.
    pub fn build(&self, extra: &[&str]) -> Run {
        self.build_with_env(extra, &[])
    }

    /// Runs a build with extra environment variables.
    pub fn build_with_env(&self, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = arshif();
        command.arg("build").arg("--root").arg(&self.root).args(extra);
        command.current_dir(&self.outer);
        for (key, value) in env {
            command.env(key, value);
        }
        run(command)
    }

    /// Runs a build that must succeed, and returns what it printed.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let run = self.build(extra);
        run.assert_ok();
        run
    }

    /// Runs a build that must fail, and checks that it wrote no `public/`.
    pub fn build_fails_without_output(&self, extra: &[&str]) -> Run {
        assert!(!self.public().exists(), "precondition: public/ must not exist yet");
        let run = self.build(extra);
        run.assert_failed();
        assert!(
            !self.public().exists(),
            "a failed build created public/: {:?}",
            tree(&self.public())
        );
        assert_eq!(
            entries(&self.outer),
            vec!["site"],
            "a failed build left something beside the site folder"
        );
        assert!(
            !entries(&self.root)
                .iter()
                .any(|e| e.contains("arshif-staging") || e.contains("arshif-previous")),
            "a failed build left a staging folder: {:?}",
            entries(&self.root)
        );
        run
    }

    /// The text of an output file below `public/`; a path ending in `/`
    /// (or empty) means its `index.html`.
    pub fn page(&self, rel: &str) -> String {
        let path = self.public().join(page_file(rel));
        match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) => panic!(
                "cannot read public/{}: {err}\nfiles in public/: {:#?}",
                page_file(rel),
                tree(&self.public())
            ),
        }
    }

    /// Whether an output page exists (same path rules as [`Site::page`]).
    pub fn has_page(&self, rel: &str) -> bool {
        self.public().join(page_file(rel)).is_file()
    }

    /// Every file below `public/` with its bytes.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.public())
    }
}

fn page_file(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// Writes a file, creating its folder.
pub fn write_file(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture folder");
    }
    std::fs::write(path, text).expect("write fixture file");
}

/// A Markdown article: front matter lines, then the body.
pub fn md(front: &str, body: &str) -> String {
    format!("---\n{}\n---\n\n{}\n", front.trim_end(), body)
}

/// The `arshif` binary built for these tests.
pub fn arshif() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arshif"))
}

/// What a finished command did.
#[derive(Debug)]
pub struct Run {
    /// The command line, for messages.
    pub command: String,
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// True when the exit code is 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Panics (showing the output) unless the command exited with 0.
    pub fn assert_ok(&self) {
        assert!(self.success(), "expected success:\n{self}");
    }

    /// Panics unless the command exited with a non-zero code (not a crash).
    pub fn assert_failed(&self) {
        assert!(
            matches!(self.code, Some(code) if code != 0),
            "expected a non-zero exit:\n{self}"
        );
        assert!(!self.stderr.contains("panicked"), "the binary panicked:\n{self}");
    }

    /// Lines of standard error that contain `needle`.
    pub fn stderr_lines(&self, needle: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(needle)).collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "$ {}\nexit: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// Runs a command to the end and collects its output.
pub fn run(mut command: Command) -> Run {
    let description = format!("{command:?}");
    let output = command.output().expect("run arshif");
    Run {
        command: description,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every file below a folder, by `/`-separated relative path, with its bytes.
pub type Snapshot = BTreeMap<String, Vec<u8>>;

/// Reads every file below `dir` (empty when `dir` does not exist).
pub fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    if dir.is_dir() {
        collect(dir, dir, &mut files);
    }
    files
}

fn collect(base: &Path, dir: &Path, files: &mut Snapshot) {
    let mut children: Vec<_> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("folder entry").path())
        .collect();
    children.sort();
    for path in children {
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .expect("below base")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(&path).expect("read file"));
        }
    }
}

/// The relative paths of the files below `dir`, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    snapshot(dir).into_keys().collect()
}

/// The names in a folder, sorted, leaving out arshif's own bookkeeping:
/// the build cache (`.arshif-cache`) and the output's lock file
/// (`.NAME.arshif-lock`), which are meant to stay.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("folder entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".arshif-cache" && !(name.starts_with('.') && name.ends_with(".arshif-lock")))
        .collect();
    names.sort();
    names
}

/// Asserts two snapshots are equal, naming the first files that differ.
pub fn assert_same_files(left: &Snapshot, right: &Snapshot, what: &str) {
    let left_names: Vec<&String> = left.keys().collect();
    let right_names: Vec<&String> = right.keys().collect();
    assert_eq!(left_names, right_names, "{what}: the file lists differ");
    let differing: Vec<&String> = left.iter().filter(|(k, v)| right[*k] != **v).map(|(k, _)| k).collect();
    assert!(differing.is_empty(), "{what}: these files differ: {differing:?}");
}

/// Modification time of every file below `dir`, by path.
pub fn modification_times(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    tree(dir)
        .into_iter()
        .map(|file| {
            let time = std::fs::metadata(dir.join(&file))
                .and_then(|m| m.modified())
                .expect("mtime");
            (file, time)
        })
        .collect()
}

/// Asserts `site`'s output equals a clean, cache-less build of the same content.
pub fn assert_like_clean_build(site: &Site, what: &str) {
    let clean = site.outer.join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    site.build_ok(&["--no-cache", "--output", &clean.display().to_string()]);
    assert_same_files(&site.snapshot(), &snapshot(&clean), what);
    std::fs::remove_dir_all(&clean).expect("remove the clean build");
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy target");
    for entry in std::fs::read_dir(from).expect("read folder to copy") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The article URLs a listing page shows, in order (the summary headlines).
pub fn listed(html: &str) -> Vec<String> {
    attribute_values(html, "<h2 class=\"summary-title\"><a href=\"")
}

/// Every value that follows `prefix` up to the next `"`.
pub fn attribute_values(html: &str, prefix: &str) -> Vec<String> {
    html.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &html[i + prefix.len()..];
            rest[..rest.find('"').expect("closing quote")].to_string()
        })
        .collect()
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"))
        + start.len();
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}`"))
        + from;
    &html[from..to]
}

/// The `<main>` element's content of a page.
pub fn main_of(html: &str) -> &str {
    between(html, "<main id=\"main-content\">", "</main>")
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Panics unless `bytes` is well-formed XML (every element closed and matched).
pub fn assert_well_formed_xml(name: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|err| panic!("{name} is not UTF-8: {err}"));
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(err) => panic!(
                "{name} is not well-formed XML at byte {}: {err}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{name}: unclosed elements");
}

/// A fixture site holding a copy of the repository's sample archive
/// (`content/`, `site.yaml`, `static/`).
pub fn sample_site() -> Site {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new();
    copy_dir(&repo.join("content"), &site.root.join("content"));
    std::fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).expect("copy site.yaml");
    copy_dir(&repo.join("static"), &site.root.join("static"));
    site
}

/// The article URLs a topic page lists in its paginated list, in order.
pub fn topic_listed(html: &str) -> Vec<String> {
    // The newest developments (on the first page), then the story's list.
    let mut listed = Vec::new();
    if html.contains("<section class=\"developments\"") {
        let developments = between(html, "<section class=\"developments\"", "</section>");
        listed.extend(attribute_values(developments, "class=\"teaser-title\"><a href=\""));
    }
    let section = between(html, "<section class=\"topic-articles\"", "</section>");
    listed.extend(attribute_values(section, "<h4 class=\"summary-title\"><a href=\""));
    listed
}

/// The text content of every `<tag>` element of an XML document, in order.
pub fn xml_texts(bytes: &[u8], tag: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut texts = Vec::new();
    let mut inside = false;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == tag.as_bytes() => {
                inside = true;
                texts.push(String::new());
            }
            quick_xml::events::Event::End(e) if e.name().as_ref() == tag.as_bytes() => inside = false,
            quick_xml::events::Event::Text(t) if inside => {
                let text = t.unescape().expect("valid escapes");
                if let Some(last) = texts.last_mut() {
                    last.push_str(&text);
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    texts
}

/// One element of an XML document.
#[derive(Debug, Clone)]
pub struct XmlElement {
    /// Local names from the root down, `/`-separated (`feed/entry/title`).
    pub path: String,
    /// Attributes by local name, unescaped.
    pub attributes: BTreeMap<String, String>,
    /// The element's own text (and CDATA), unescaped.
    pub text: String,
}

/// Parses an XML document into its elements in document order; panics
/// (naming the file) unless it is well-formed with one root element.
pub fn xml_elements(name: &str, bytes: &[u8]) -> Vec<XmlElement> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut elements: Vec<XmlElement> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut roots = 0;
    let mut buffer = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .unwrap_or_else(|err| panic!("{name} is not well-formed XML: {err}"));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = String::from_utf8(e.local_name().as_ref().to_vec()).expect("UTF-8 name");
                let path = match open.last() {
                    Some(&parent) => format!("{}/{}", elements[parent].path, local),
                    None => {
                        roots += 1;
                        local
                    }
                };
                let attributes = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap_or_else(|err| panic!("{name}: bad attribute: {err}"));
                        let key = String::from_utf8(a.key.local_name().as_ref().to_vec()).expect("UTF-8 key");
                        let value = a
                            .unescape_value()
                            .unwrap_or_else(|err| panic!("{name}: bad escape: {err}"))
                            .into_owned();
                        (key, value)
                    })
                    .collect();
                elements.push(XmlElement {
                    path,
                    attributes,
                    text: String::new(),
                });
                if matches!(event, Event::Start(_)) {
                    open.push(elements.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let text = t.unescape().unwrap_or_else(|err| panic!("{name}: bad escape: {err}"));
                if let Some(&current) = open.last() {
                    elements[current].text.push_str(&text);
                } else {
                    assert!(text.trim().is_empty(), "{name}: text outside the root element");
                }
            }
            Event::CData(t) => {
                if let Some(&current) = open.last() {
                    elements[current].text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    assert!(open.is_empty(), "{name}: unclosed elements");
    assert_eq!(roots, 1, "{name}: one root element");
    elements
}

/// The elements at `path`.
pub fn xml_at<'a>(elements: &'a [XmlElement], path: &str) -> Vec<&'a XmlElement> {
    elements.iter().filter(|e| e.path == path).collect()
}

/// True for an absolute http(s) URL that is plain ASCII with no spaces,
/// quotes or angle brackets: what feeds and sitemaps must hold.
pub fn is_clean_absolute_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\'))
}

/// The page without its JSON-LD `<script type="application/ld+json">`
/// elements, after checking that none holds a `<` that could close it
/// early, and without the search page's own `<script src="…search/search.js"
/// defer></script>`: the only scripts the theme writes.
pub fn without_json_ld(html: &str) -> String {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let mut rest = html;
    let mut out = String::with_capacity(html.len());
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let inside = &rest[start + OPEN.len()..];
        let end = inside.find("</script>").expect("JSON-LD closed");
        assert!(
            !inside[..end].contains('<'),
            "JSON-LD holds a raw `<`: {}",
            &inside[..end]
        );
        rest = &inside[end + "</script>".len()..];
    }
    out.push_str(rest);
    without_search_script(&out)
}

/// Removes the theme's `<script src="BASE/search/search.js" defer></script>`.
fn without_search_script(html: &str) -> String {
    const OPEN: &str = "<script src=\"";
    const FILE: &str = "search/search.js";
    const TAIL: &str = "search/search.js\" defer></script>";
    let mut rest = html;
    let mut out = String::with_capacity(html.len());
    while let Some(start) = rest.find(OPEN) {
        let inside = &rest[start + OPEN.len()..];
        let src_end = inside.find('"').unwrap_or(inside.len());
        let tail_at = src_end.saturating_sub(FILE.len());
        let own = inside.get(tail_at..).is_some_and(|t| t.starts_with(TAIL))
            && inside.get(..tail_at).is_some_and(|src| !src.contains(['<', '>', ' ']));
        if own {
            out.push_str(&rest[..start]);
            rest = &inside[tail_at + TAIL.len()..];
        } else {
            out.push_str(&rest[..start + OPEN.len()]);
            rest = inside;
        }
    }
    out.push_str(rest);
    out
}

/// A running `arshif serve`, killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// The loopback port it serves on.
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `arshif serve --port 0` on `site` and waits for the address it prints.
pub fn serve(site: &Site) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arshif"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start arshif serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("serve prints its address");
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server { child, port }
}
