//! `arshif serve` driven for real: a server on a free loopback port, pages
//! fetched over HTTP, an article changed and the reload event observed, a
//! broken edit reported while the old page is still served, and requests
//! that try to leave the output folder refused.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 GET: (status, headers, body).
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// Listens to the live-reload stream; sends each event name it sees.
fn listen(port: u16) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(stream, "GET /__arshif/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(event) = line.strip_prefix("event: ") {
                if sender.send(event.trim().to_string()).is_err() {
                    break;
                }
            }
        }
    });
    // Let the subscription reach the server before anything changes.
    std::thread::sleep(Duration::from_millis(300));
    receiver
}

fn wait_for(events: &mpsc::Receiver<String>, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok(event) if event == name => return,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("no `{name}` event from the server");
}

const ARTICLE: &str = "content/2022/2022-12-29-story.txt";

fn site() -> Site {
    let site = Site::new();
    site.write(ARTICLE, "العنوان الأول\nالمقدمة.\nفقرة.\n");
    site.write(
        "content/2022/2022-12-28-other.md",
        md("title: خبر آخر\ndate: 2022-12-28", "نص."),
    );
    site.write("content/2022/2022-12-27-ممر-لاتشين.txt", "ممر لاتشين\nمقدمة.\nنص.\n");
    site
}

#[test]
fn serves_pages_with_the_reload_script_but_never_writes_it() {
    let site = site();
    let server = serve(&site);
    let (status, head, body) = get(server.port, "/2022/12/story/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("<h1>العنوان الأول</h1>"), "{body}");
    assert!(body.contains("/__arshif/events"), "no reload script");
    let on_disk = std::fs::read_to_string(site.root.join(".arshif-cache/serve/2022/12/story/index.html")).unwrap();
    assert!(
        !on_disk.contains("__arshif"),
        "the script was written to the preview's files"
    );
    assert!(!site.public().exists(), "serve wrote the deployable output");
    // Arabic URLs, percent-encoded as browsers send them.
    let (status, _, body) = get(
        server.port,
        "/2022/12/%D9%85%D9%85%D8%B1-%D9%84%D8%A7%D8%AA%D8%B4%D9%8A%D9%86/",
    );
    assert_eq!(status, 200);
    assert!(body.contains("ممر لاتشين"));
    let (status, head, _) = get(server.port, "/theme.css");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"), "{head}");
    let (status, head, _) = get(server.port, "/atom.xml");
    assert_eq!(status, 200);
    assert!(head.contains("xml"), "{head}");
    let (status, _, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("الصفحة غير موجودة"), "the site's 404 page: {body}");
    let (status, head, _) = get(server.port, "/2022/12/story");
    assert_eq!(status, 301);
    assert!(head.contains("location: /2022/12/story/"), "{head}");
}

#[test]
fn an_edit_reloads_open_pages_with_the_new_content() {
    let site = site();
    let server = serve(&site);
    let events = listen(server.port);
    site.write(ARTICLE, "العنوان الجديد\nالمقدمة.\nفقرة.\n");
    wait_for(&events, "reload");
    let (_, _, body) = get(server.port, "/2022/12/story/");
    assert!(body.contains("<h1>العنوان الجديد</h1>"), "{body}");
    // A new article appears too.
    site.write("content/2022/2022-12-30-new.txt", "خبر جديد\nمقدمة.\nنص.\n");
    wait_for(&events, "reload");
    assert_eq!(get(server.port, "/2022/12/new/").0, 200);
}

#[test]
fn a_broken_edit_is_reported_and_the_last_good_site_stays() {
    let site = site();
    let server = serve(&site);
    let events = listen(server.port);
    site.write("content/2022/2022-12-28-other.md", "---\ntitle: [unclosed\n---\nنص.\n");
    wait_for(&events, "failed");
    let (status, _, body) = get(server.port, "/2022/12/other/");
    assert_eq!(status, 200, "the old page is still served");
    assert!(body.contains("<h1>خبر آخر</h1>"), "{body}");
    assert!(body.contains("<pre id=\"arshif-error\""), "no error overlay");
    assert!(body.contains("2022-12-28-other.md"), "the overlay names the file");
    site.write(
        "content/2022/2022-12-28-other.md",
        md("title: خبر مصحح\ndate: 2022-12-28", "نص."),
    );
    wait_for(&events, "reload");
    let (_, _, body) = get(server.port, "/2022/12/other/");
    assert!(
        body.contains("<h1>خبر مصحح</h1>") && !body.contains("<pre id=\"arshif-error\""),
        "{body}"
    );
}

#[test]
fn requests_never_leave_the_output_folder() {
    let site = site();
    site.write("secret.txt", "سر");
    let server = serve(&site);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/2022/%2E%2E/%2e%2e/secret.txt",
        "/a%00b",
        "/..%5csecret.txt",
    ] {
        let (status, _, body) = get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("سر"), "{path} leaked");
    }
    // A symbolic link in the output that leads out is not followed.
    std::os::unix::fs::symlink(
        site.root.join("secret.txt"),
        site.root.join(".arshif-cache/serve/leak.txt"),
    )
    .unwrap();
    let (status, _, body) = get(server.port, "/leak.txt");
    assert_eq!(status, 404);
    assert!(!body.contains("سر"));
}

/// Every file of `public/` that names a loopback address.
fn loopback_files(site: &Site) -> Vec<String> {
    site.snapshot()
        .into_iter()
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.contains("127.0.0.1") || text.contains("localhost")
        })
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn a_build_during_or_after_serve_is_the_production_site() {
    let site = site();
    site.write("site.yaml", "base_url: https://news.example.org/\n");
    let server = serve(&site);
    let events = listen(server.port);
    assert!(!site.public().exists(), "serve wrote the deployable output");
    // Beside serve, before and after one of its rebuilds.
    site.build_ok(&[]);
    assert_eq!(loopback_files(&site), Vec::<String>::new());
    site.write(ARTICLE, "العنوان المعدل\nالمقدمة.\nفقرة.\n");
    wait_for(&events, "reload");
    let (_, _, body) = get(server.port, "/2022/12/story/");
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/", server.port)),
        "the preview links to itself"
    );
    site.build_ok(&[]);
    assert_eq!(loopback_files(&site), Vec::<String>::new());
    assert!(site.page("2022/12/story/").contains("العنوان المعدل"));
    // After serve.
    drop(server);
    let run = site.build_ok(&[]);
    assert_eq!(loopback_files(&site), Vec::<String>::new(), "{run}");
    assert!(site.page("").contains("https://news.example.org/"));
    let clean = site.outer.join("clean");
    site.build_ok(&["--no-cache", "--output", &clean.display().to_string()]);
    assert_same_files(&site.snapshot(), &snapshot(&clean), "the build after serve");
}
