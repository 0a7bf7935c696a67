//! Search: the index files under `search/` (written, deterministic, and
//! finding an article through a variant spelling), the browser's query
//! normalisation against the build's (shared fixtures, run under Node),
//! and the search page itself in headless Chromium.

mod common;

use arshif::analyse::search_terms::query_terms;
use common::*;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/search.js");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/search-terms.json");

fn json(site: &Site, path: &str) -> serde_json::Value {
    serde_json::from_str(&site.page(path)).unwrap_or_else(|err| panic!("{path} is not JSON: {err}"))
}

/// Looks a query up the way the search page does: the chunk of each term
/// (the last whose first term is at or before it), the exact term's
/// postings, the articles holding every term. Returns their paths.
fn lookup(site: &Site, query: &str) -> Vec<String> {
    let meta = json(site, "search/meta.json");
    let chunks: Vec<&str> = meta["chunks"]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|c| c.as_str().expect("chunk start"))
        .collect();
    let names = chunk_names(&meta);
    let per_chunk = meta["docs_per_chunk"].as_u64().expect("docs_per_chunk") as usize;
    let mut found: Option<BTreeSet<u64>> = None;
    for term in query_terms(query) {
        let chunk = chunks.iter().rposition(|first| *first <= term.as_str()).unwrap_or(0);
        let index = json(site, &format!("search/index/{}.json", names[chunk]));
        let mut ids = BTreeSet::new();
        if let Some(postings) = index.get(&term) {
            let numbers: Vec<u64> = postings
                .as_array()
                .expect("postings")
                .iter()
                .map(|n| n.as_u64().expect("number"))
                .collect();
            let mut id = 0;
            for pair in numbers.chunks(2) {
                id += pair[0];
                assert!(pair[1] > 0, "{term}: a posting without weight");
                ids.insert(id);
            }
        }
        found = Some(match found {
            None => ids,
            Some(before) => before.intersection(&ids).copied().collect(),
        });
    }
    found
        .unwrap_or_default()
        .into_iter()
        .map(|id| {
            let id = id as usize;
            let docs = json(site, &format!("search/docs/{:04}.json", id / per_chunk));
            docs[id % per_chunk][0].as_str().expect("path").to_string()
        })
        .collect()
}

/// The file names of the index chunks, from `meta.json`.
fn chunk_names(meta: &serde_json::Value) -> Vec<String> {
    meta["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|c| c.as_str().expect("chunk file name").to_string())
        .collect()
}

#[test]
fn index_files_are_written_and_a_variant_spelling_finds_the_article() {
    let site = sample_site();
    site.build_ok(&[]);
    let files = tree(&site.public());
    for expected in ["search/index.html", "search/search.js", "search/meta.json"] {
        assert!(files.iter().any(|f| f == expected), "no {expected} in {files:#?}");
    }
    let meta = json(&site, "search/meta.json");
    assert_eq!(meta["articles"], 12);
    let chunks = meta["chunks"].as_array().expect("chunks");
    let names = chunk_names(&meta);
    let index_files: BTreeSet<&String> = files.iter().filter(|f| f.starts_with("search/index/")).collect();
    let named: BTreeSet<String> = names.iter().map(|n| format!("search/index/{n}.json")).collect();
    assert_eq!(
        index_files,
        named.iter().collect::<BTreeSet<_>>(),
        "index files and meta.json disagree"
    );
    assert_eq!(names.len(), chunks.len());
    assert!(
        index_files.len() > 1,
        "the sample's index fits one chunk: the test would not see chunking"
    );
    let firsts: Vec<&str> = chunks.iter().map(|c| c.as_str().expect("string")).collect();
    assert!(
        firsts.windows(2).all(|w| w[0] < w[1]),
        "chunk starts not sorted: {firsts:?}"
    );
    // Each chunk holds its range of terms only, sorted.
    for (n, first) in firsts.iter().enumerate() {
        let text = site.page(&format!("search/index/{}.json", names[n]));
        let chunk: serde_json::Value = serde_json::from_str(&text).expect("chunk JSON");
        let terms: Vec<&String> = chunk.as_object().expect("object").keys().collect();
        assert_eq!(terms.first().map(|t| t.as_str()), Some(*first));
        if let Some(next) = firsts.get(n + 1) {
            assert!(terms.iter().all(|t| t.as_str() < *next));
        }
    }
    // Articles are numbered oldest first: the last one is the newest.
    let docs = json(&site, "search/docs/0001.json");
    let newest = &docs[1];
    assert_eq!(newest[0], "2023/01/yuan-in-russian-economy/", "{newest}");
    assert!(
        newest[2].as_str().is_some_and(|d| d.starts_with("2023-01-18")),
        "{newest}"
    );
    assert_eq!(newest[3], "18 كانون الثاني/يناير 2023", "{newest}");

    // «أسعار» is written with hamza in the articles; the query has none.
    let prices = lookup(&site, "اسعار");
    for path in [
        "2023/01/russia-china-trade-record-2022/",
        "2022/12/russia-central-bank-holds-rate/",
    ] {
        assert!(prices.contains(&path.to_string()), "اسعار: {prices:?}");
    }
    assert_eq!(lookup(&site, "اسعار"), lookup(&site, "أسعار"));
    // A clitic: «والصين» finds what «الصين» finds; stop words are no terms.
    let china = lookup(&site, "الصين");
    assert!(china.len() >= 5, "{china:?}");
    assert_eq!(lookup(&site, "والصين"), china);
    assert_eq!(lookup(&site, "في الصين"), china);
    // Two words: the articles holding both.
    let both = lookup(&site, "اسعار الطاقه");
    assert!(
        both.contains(&"2023/01/russia-china-trade-record-2022/".to_string()),
        "{both:?}"
    );
    assert!(both.len() < prices.len(), "{both:?}");
    assert!(lookup(&site, "كلمةغيرموجودة").is_empty());
}

#[test]
fn the_search_files_are_identical_from_build_to_build() {
    let site = sample_site();
    site.build_ok(&["--no-cache"]);
    let first = site.snapshot();
    // Another folder, a cached rebuild after a change and back: the same bytes.
    let other = sample_site();
    other.build_ok(&[]);
    assert_same_files(&first, &other.snapshot(), "a build in another folder");
    let article = "content/2022/2022-12-07-russia-china-trade.md";
    let text = std::fs::read_to_string(site.root.join(article)).expect("article");
    site.write(article, text.replace("أسعار", "أثمان"));
    site.build_ok(&[]);
    let changed = site.snapshot();
    assert_ne!(
        first
            .iter()
            .filter(|(k, _)| k.starts_with("search/index/"))
            .collect::<Vec<_>>(),
        changed
            .iter()
            .filter(|(k, _)| k.starts_with("search/index/"))
            .collect::<Vec<_>>(),
        "the index did not follow the change"
    );
    site.write(article, text);
    site.build_ok(&[]);
    assert_same_files(&first, &site.snapshot(), "a cached rebuild");
}

#[test]
fn only_the_search_files_an_edit_touches_are_serialised_again() {
    use arshif::render::search::render_search;
    let site = sample_site();
    let options = arshif::pipeline::BuildOptions::new(&site.root);
    let prepared = arshif::pipeline::prepare(&options).expect("prepare");
    let config = &prepared.site.config;
    let dates = arshif::render::dates::DateFormat {
        style: config.date_style,
        digits: config.digits,
    };
    let mut kept = None;
    let (files, pages) = render_search(&prepared.site, dates, &mut kept, &|_, _| false).unwrap();
    assert_eq!(files.len(), pages.len());
    assert!(files.iter().map(|f| &f.path).eq(pages.iter().map(|(p, _)| p)));
    // What the manifest of that build records: nothing is serialised again
    // but the two small files that are always written.
    let recorded: BTreeSet<(String, Option<u64>)> = pages.iter().cloned().collect();
    let unchanged = |path: &str, print: u64| recorded.contains(&(path.to_string(), Some(print)));
    let (again, listed) = render_search(&prepared.site, dates, &mut kept, &unchanged).unwrap();
    let again: Vec<&str> = again.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(again, ["search/meta.json", "search/search.js"]);
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), recorded);

    // One word added to the oldest article: its docs chunk and the index
    // chunks holding its terms, not the others.
    let oldest = "content/2022/2022-11-23-csto-yerevan-summit.txt";
    let path = site.root.join(oldest);
    assert!(path.is_file(), "the fixture moved: {oldest}");
    let text = std::fs::read_to_string(&path).expect("article");
    site.write(oldest, format!("{text}\nكلمةمضافةللاختبار\n"));
    let edited = arshif::pipeline::prepare(&options).expect("prepare");
    // The index kept from the last render is patched: it must give what a fresh one gives.
    let (patched, _) = render_search(&edited.site, dates, &mut kept, &|_, _| false).unwrap();
    let (fresh, _) = render_search(&edited.site, dates, &mut None, &|_, _| false).unwrap();
    assert!(patched == fresh, "the patched index differs from a fresh one");
    let (changed, pages_after) = render_search(&edited.site, dates, &mut kept, &unchanged).unwrap();
    let changed: Vec<&str> = changed.iter().map(|f| f.path.as_str()).collect();
    let index_changed = changed.iter().filter(|p| p.starts_with("search/index/")).count();
    let index_total = pages.iter().filter(|(p, _)| p.starts_with("search/index/")).count();
    assert!(changed.contains(&"search/docs/0000.json"), "{changed:?}");
    assert!(!changed.contains(&"search/docs/0001.json"), "{changed:?}");
    assert!(
        (1..=2).contains(&index_changed) && index_changed < index_total,
        "{index_changed} of {index_total} index chunks rewritten: {changed:?}"
    );
    // Every search file not serialised again is one the last build wrote, as it was.
    for page in pages_after {
        assert!(
            changed.contains(&page.0.as_str()) || recorded.contains(&page),
            "{page:?} was neither rewritten nor kept"
        );
    }
}

#[test]
fn an_empty_archive_has_a_search_index_too() {
    let site = Site::new();
    site.build_ok(&[]);
    let meta = json(&site, "search/meta.json");
    assert_eq!(meta["articles"], 0);
    assert_eq!(meta["chunks"], serde_json::json!([""]));
    let names = chunk_names(&meta);
    assert_eq!(site.page(&format!("search/index/{}.json", names[0])), "{}");
}

#[test]
fn the_search_page_is_linked_from_every_page_and_below_the_base_path() {
    let site = sample_site();
    site.build_ok(&["--base-url", "https://example.org/arch/"]);
    for page in ["", "archive/", "search/"] {
        let html = site.page(page);
        assert!(
            html.contains("<a href=\"/arch/search/\""),
            "/{page} does not link to the search page"
        );
    }
    let html = site.page("search/");
    assert!(
        html.contains("<script src=\"/arch/search/search.js\" defer></script>"),
        "{html}"
    );
    assert!(html.contains("data-base=\"/arch/\""), "{html}");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "{html}");
    assert!(html.contains("aria-current=\"page\">البحث</a>"), "{html}");
    let sitemap = site.page("sitemap.xml");
    assert!(!sitemap.contains("/search/"), "the search page is in the sitemap");
}

/// Says on the terminal that a test did not run (straight to standard
/// error: the test harness hides what `eprintln!` prints from passing tests).
fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

// ---- the browser's normalisation ------------------------------------------

#[derive(serde::Deserialize)]
struct Fixture {
    query: String,
    terms: Vec<String>,
}

fn fixtures() -> Vec<Fixture> {
    let text = std::fs::read_to_string(FIXTURES).expect("read fixtures");
    serde_json::from_str(&text).expect("fixtures JSON")
}

#[test]
fn the_build_computes_the_fixture_terms() {
    for fixture in fixtures() {
        assert_eq!(query_terms(&fixture.query), fixture.terms, "query {:?}", fixture.query);
    }
}

/// Runs `script` under Node with `input` on standard input; `None` (with a
/// message) when Node is not installed.
fn node(script: &str, input: &str) -> Option<String> {
    let mut child = match Command::new("node")
        .arg("-e")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            skipped("node not installed");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to node");
    let output = child.wait_with_output().expect("run node");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("UTF-8"))
}

#[test]
fn the_browser_computes_the_fixture_terms() {
    let stop_words: Vec<&str> = arshif::analyse::tokens::stop_word_list().collect();
    let input =
        serde_json::json!({ "stop": stop_words, "queries": fixtures().iter().map(|f| &f.query).collect::<Vec<_>>() });
    let script = format!(
        "const s = require({:?}); let t = ''; process.stdin.on('data', d => t += d).on('end', () => {{ \
         const i = JSON.parse(t); const stop = new Set(i.stop); \
         console.log(JSON.stringify(i.queries.map(q => s.terms(q, stop)))); }});",
        SCRIPT
    );
    let Some(out) = node(&script, &input.to_string()) else {
        return;
    };
    let got: Vec<Vec<String>> = serde_json::from_str(&out).expect("node output");
    for (fixture, terms) in fixtures().iter().zip(got) {
        assert_eq!(terms, fixture.terms, "query {:?} in the browser", fixture.query);
    }
}

#[test]
fn the_browser_folds_every_character_as_the_build_does() {
    // Each character between two letters, for the Arabic blocks, Latin,
    // punctuation and invisible controls, and a few beyond.
    let mut samples: Vec<String> = Vec::new();
    let ranges = [
        (0x20, 0x24F),
        (0x370, 0x3FF),
        (0x600, 0x6FF),
        (0x750, 0x77F),
        (0x8A0, 0x8FF),
        (0x2000, 0x206F),
        (0xFB50, 0xFBFF),
        (0xFE70, 0xFEFF),
        (0x1D400, 0x1D420),
        (0x1F600, 0x1F610),
    ];
    for (from, to) in ranges {
        for code in from..=to {
            if let Some(c) = char::from_u32(code) {
                samples.push(format!("ب{c}ب"));
                samples.push(format!("{c}"));
            }
        }
    }
    let expected: Vec<String> = samples
        .iter()
        .map(|s| arshif::analyse::normalise::normalise(s))
        .collect();
    let script = format!(
        "const s = require({:?}); let t = ''; process.stdin.on('data', d => t += d).on('end', () => {{ \
         console.log(JSON.stringify(JSON.parse(t).map(s.normalise))); }});",
        SCRIPT
    );
    let Some(out) = node(&script, &serde_json::to_string(&samples).expect("JSON")) else {
        return;
    };
    let got: Vec<String> = serde_json::from_str(&out).expect("node output");
    let differing: Vec<String> = samples
        .iter()
        .zip(expected.iter().zip(&got))
        .filter(|(_, (e, g))| e != g)
        .map(|(s, (e, g))| {
            format!(
                "{:?} ({:04X?}): build {e:?}, browser {g:?}",
                s,
                s.chars().map(|c| c as u32).collect::<Vec<_>>()
            )
        })
        .collect();
    assert!(
        differing.is_empty(),
        "{} differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

// ---- the page in a browser --------------------------------------------------

const CHROMIUM: &str = "/usr/bin/chromium";

/// A static file server for `root` on 127.0.0.1, serving it below `prefix`
/// (as a host would serve a site published at `/arch/`); records the paths
/// asked for. Stops when dropped.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf, prefix: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stopping) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(300);
            while !stopping.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &root, prefix, &log),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requested(&self) -> Vec<String> {
        self.requests.lock().expect("log").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn percent_decode(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Answers one HTTP/1.1 GET (and closes the connection).
fn serve(stream: TcpStream, root: &Path, prefix: &str, log: &Mutex<Vec<String>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The headers, up to the blank line.
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    log.lock().expect("log").push(path.to_string());
    let file = path.strip_prefix(prefix).and_then(|rel| {
        let rel = String::from_utf8(percent_decode(rel)).ok()?;
        if rel.split('/').any(|part| part == "..") {
            return None;
        }
        let rel = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel
        };
        let full = root.join(rel);
        full.is_file().then_some(full)
    });
    let mut stream = &stream;
    let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, body)) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("json") => "application/json",
                Some("css") => "text/css; charset=utf-8",
                Some("svg") => "image/svg+xml",
                _ => "application/octet-stream",
            };
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(&body);
            response
        }
        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&response);
    let _ = stream.flush();
    // Drain what the client may still send, so closing does not reset.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = stream.read(&mut [0u8; 1024]);
}

/// Chromium's DOM of `url` after its scripts ran (virtual time), or `None`
/// (with the message) when Chromium is not installed.
fn chromium_dom(url: &str) -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        skipped("chromium not installed");
        return None;
    }
    let profile = tempfile::tempdir().expect("profile folder");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = stdout.read_to_string(&mut dom);
        dom
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(reader.join().expect("read chromium output"))
}

fn encode_query(query: &str) -> String {
    query
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `href`s of the result list in a dumped DOM, after checking that
/// every word of the query was found (no fallback to some of them).
fn result_links(dom: &str) -> Vec<String> {
    assert!(
        !dom.contains("لا مقال يجمع كل الكلمات"),
        "some words found nothing:\n{dom}"
    );
    let Some(start) = dom.find("<ol id=\"search-results\"") else {
        panic!("no result list in:\n{dom}")
    };
    let list = &dom[start..];
    let list = &list[..list.find("</ol>").unwrap_or(list.len())];
    attribute_values(list, "<a href=\"")
}

#[test]
fn the_search_page_finds_a_variant_spelling_in_a_browser() {
    let site = sample_site();
    let server = Server::start(site.public(), "/arch/");
    let base = format!("http://127.0.0.1:{}/arch/", server.port);
    site.build_ok(&["--base-url", &base]);
    // The articles write «أسعار الطاقة»; the query has no hamza and ه for ة.
    let Some(dom) = chromium_dom(&format!("{base}search/?q={}", encode_query("اسعار الطاقه"))) else {
        return;
    };
    let links = result_links(&dom);
    assert!(
        links.contains(&"/arch/2023/01/russia-china-trade-record-2022/".to_string()),
        "the article is not among the results {links:?}:\n{dom}"
    );
    assert!(dom.contains("id=\"search-status\""), "{dom}");
    assert!(
        dom.contains("التبادل التجاري بين موسكو وبكين"),
        "no headline shown:\n{dom}"
    );
    let requested = server.requested();
    assert!(
        requested.contains(&"/arch/search/meta.json".to_string()),
        "{requested:?}"
    );
    // Each of the two terms reads its chunk and at most two more (words extending it).
    let read = |folder: &str| requested.iter().filter(|p| p.starts_with(folder)).count();
    let chunks_read = read("/arch/search/index/");
    assert!(
        (1..=6).contains(&chunks_read),
        "read {chunks_read} index chunks: {requested:?}"
    );
    assert!(read("/arch/search/docs/") >= 1, "{requested:?}");

    // A clitic and diacritics: «والصِّين» finds what «الصين» is in.
    let Some(dom) = chromium_dom(&format!("{base}search/?q={}", encode_query("والصِّين"))) else {
        return;
    };
    let links = result_links(&dom);
    assert!(
        links.contains(&"/arch/2022/12/russia-china-trade-32-percent/".to_string()),
        "{links:?}:\n{dom}"
    );

    // Another hamza and ة in the query: the script folds them as the build did.
    let Some(dom) = chromium_dom(&format!("{base}search/?q={}", encode_query("إسعار الطاقة"))) else {
        return;
    };
    let links = result_links(&dom);
    assert!(
        links.contains(&"/arch/2023/01/russia-china-trade-record-2022/".to_string()),
        "{links:?}:\n{dom}"
    );
}

/// Times the search step alone on a site folder named by
/// `ARSHIF_SEARCH_BENCH_ROOT` (e.g. the 28k corpus imported into /tmp/s28k),
/// and prints the size of what it writes:
/// `ARSHIF_SEARCH_BENCH_ROOT=/tmp/s28k cargo test --release --test search -- --ignored --nocapture`
#[test]
#[ignore]
fn search_step_timing() {
    let Ok(root) = std::env::var("ARSHIF_SEARCH_BENCH_ROOT") else {
        println!("skipped: set ARSHIF_SEARCH_BENCH_ROOT to a site folder");
        return;
    };
    let prepared = arshif::pipeline::prepare(&arshif::pipeline::BuildOptions::new(root)).expect("prepare");
    let config = &prepared.site.config;
    let dates = arshif::render::dates::DateFormat {
        style: config.date_style,
        digits: config.digits,
    };
    for run in 1..=2 {
        let started = Instant::now();
        let files = arshif::render::search::search_files(&prepared.site, dates).unwrap();
        let elapsed = started.elapsed();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        let count = |dir: &str| files.iter().filter(|f| f.path.starts_with(dir)).count();
        println!(
            "run {run}: {} articles, search step {elapsed:.2?}: {} files ({} index chunks, {} article chunks), {bytes} bytes",
            prepared.site.articles.len(),
            files.len(),
            count("search/index/"),
            count("search/docs/"),
        );
    }
}
