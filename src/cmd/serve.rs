//! `arshif serve`: build, serve the site on loopback, rebuild on every
//! change and reload the open pages.
//!
//! The HTTP side is axum on tokio; file changes come from notify with a
//! debouncer. Rebuilds are incremental (the build state stays in memory),
//! so an edit to one article re-reads that file and re-renders only the
//! pages it changes. A broken edit leaves the last good site served and
//! shows the error in the terminal and over the page.
//!
//! The preview is written to a folder of its own inside the cache folder
//! ([`PREVIEW_DIR`]), never to the deployable output: its pages carry the
//! loopback address, and `arshif build` run during or after `serve` must
//! give the production site.

use super::Verbosity;
use crate::link::related::RelatedState;
use crate::pipeline::{self, BuildOptions, BuildState, Session, CACHE_DIR, STATIC_DIR};
use crate::render::theme::TEMPLATES_DIR;
use anyhow::Context;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify::{RecursiveMode, Watcher};
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Preview the site while editing: build, serve on 127.0.0.1, rebuild and
/// reload open pages on every change to content/, templates/, static/ or
/// site.yaml.
///
/// Example: arshif serve --root my-archive --port 8080
#[derive(clap::Args)]
pub(super) struct Args {
    /// The site folder. The preview is written to ROOT/.arshif-cache/serve/,
    /// never to the output folder of `arshif build`.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on. Anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Include articles marked `draft: true` (مسودة) in the preview.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles not yet due (embargoed or scheduled), marked as such.
    #[arg(long)]
    pub future: bool,
}

/// Where the preview is written, inside the site's cache folder.
pub(super) const PREVIEW_DIR: &str = "serve";

/// Path of the live-reload event stream (server-sent events).
const EVENTS_PATH: &str = "/__arshif/events";

/// What the handlers share.
struct Shared {
    /// The output folder, canonical.
    output: PathBuf,
    /// The last build's error, shown over every page until a build succeeds.
    error: Mutex<Option<String>>,
    /// Reload and error notifications for open pages.
    events: broadcast::Sender<Notice>,
}

/// What open pages are told.
#[derive(Clone, Debug)]
enum Notice {
    Reload,
    Failed(String),
}

/// Runs the server until interrupted.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let listener = std::net::TcpListener::bind(SocketAddr::new(args.bind, args.port)).with_context(|| {
        format!(
            "cannot listen on {}:{}: is another server using the port? try --port",
            args.bind, args.port
        )
    })?;
    let address = listener.local_addr()?;
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site (and its drafts) reachable from other machines",
            args.bind
        );
    }
    let mut options = BuildOptions::new(&args.root);
    options.output = args.root.join(CACHE_DIR).join(PREVIEW_DIR);
    options.cache = None;
    options.drafts = args.drafts;
    options.future = args.future;
    let host = if args.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        address.ip().to_string()
    };
    options.base_url = Some(format!("http://{host}:{}/", address.port()));
    let mut state = BuildState {
        session: Some(Session::default()),
        ..BuildState::default()
    };
    let started = Instant::now();
    let report = pipeline::build_with(&options, &mut state)
        .with_context(|| format!("build of {} failed", options.root.display()))?;
    if !verbosity.quiet {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        eprintln!(
            "built {} articles in {:.2} s",
            report.articles,
            started.elapsed().as_secs_f64()
        );
    }
    let output = options
        .output
        .canonicalize()
        .with_context(|| format!("cannot open {}", options.output.display()))?;
    let (events, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        output,
        error: Mutex::new(None),
        events,
    });
    // Files changed while the first build ran were seen by no watcher:
    // the first rebuild walks the content folder again.
    if let Some(session) = &mut state.session {
        session.sources = None;
    }
    let _watcher = watch(options.clone(), state, Arc::clone(&shared), verbosity)?;
    println!(
        "serving {} at http://{}/ (Ctrl-C to stop)",
        options.root.display(),
        address
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = Router::new()
            .route(EVENTS_PATH, get(event_stream))
            .fallback(get(page))
            .with_state(shared);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Watches the sources and rebuilds on changes; returns the watcher, which
/// stops when dropped. Events are debounced: a rebuild starts once no
/// change has come for [`QUIET_PERIOD`], so a save that writes several
/// files (or an editor's temporary file dance) gives one rebuild.
fn watch(
    options: BuildOptions,
    mut state: BuildState,
    shared: Arc<Shared>,
    verbosity: Verbosity,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let root = options.root.clone();
    let canonical = |p: PathBuf| p.canonicalize().unwrap_or(p);
    let ignored: Vec<PathBuf> = [options.output.clone(), root.join(CACHE_DIR)]
        .into_iter()
        .map(canonical)
        .collect();
    let sources: Vec<PathBuf> = [pipeline::CONTENT_DIR_NAME, TEMPLATES_DIR, STATIC_DIR]
        .iter()
        .map(|dir| canonical(root.join(dir)))
        .collect();
    let config_file = canonical(root.join(crate::config::CONFIG_FILE));
    // Only changes to the sources count: reading them (access events), the
    // output (even inside content/), the cache, the lock and editors'
    // hidden swap files do not.
    let relevant = move |event: &notify::Event| {
        if event.kind.is_access() || event.kind.is_other() {
            return false;
        }
        event.paths.iter().any(|path| {
            let path = path.canonicalize().unwrap_or_else(|_| path.clone());
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let source = path == config_file || sources.iter().any(|s| path.starts_with(s));
            source && !hidden && !ignored.iter().any(|i| path.starts_with(i))
        })
    };
    let (sender, receiver) = std::sync::mpsc::channel::<Wake>();
    let changes = sender.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| match result {
        Ok(event) if event.need_rescan() => {
            let _ = changes.send(Wake::Changed(None));
        }
        Ok(event) => {
            if relevant(&event) {
                let _ = changes.send(Wake::Changed(Some(event.paths)));
            }
        }
        // The watcher may have missed something: the next build walks.
        Err(_) => {
            let _ = changes.send(Wake::Changed(None));
        }
    })
    .context("cannot watch the site's files")?;
    for dir in [pipeline::CONTENT_DIR_NAME, TEMPLATES_DIR, STATIC_DIR] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    std::thread::spawn(move || {
        let mut options = options;
        // An edit goes on screen first; a related model it made stale is
        // trained again in the background, and its lists come in with a
        // second reload.
        options.stale_related_ok = true;
        let mut training = false;
        while let Ok(wake) = receiver.recv() {
            // The paths changed since the last build (None: unknown, walk).
            let mut changed: Option<Vec<PathBuf>> = Some(Vec::new());
            let mut take = |wake: Wake, state: &mut BuildState, training: &mut bool| match wake {
                Wake::Changed(Some(paths)) => {
                    if let Some(all) = &mut changed {
                        all.extend(paths);
                    }
                }
                Wake::Changed(None) => changed = None,
                Wake::Retrained(trained) => {
                    state.saved.related = Some(*trained);
                    *training = false;
                }
            };
            take(wake, &mut state, &mut training);
            while let Ok(wake) = receiver.recv_timeout(QUIET_PERIOD) {
                take(wake, &mut state, &mut training);
            }
            if let Some(session) = &mut state.session {
                session.changed = changed;
            }
            rebuild(&options, &mut state, &shared, verbosity);
            let stale = state.saved.related.as_ref().filter(|r| r.is_stale());
            if let (Some(related), false) = (stale, training) {
                training = true;
                if verbosity.verbose > 0 {
                    eprintln!("training the related-articles model again in the background…");
                }
                let snapshot = related.clone();
                let done = sender.clone();
                std::thread::spawn(move || {
                    // On a pool of its own, one thread: in the shared pool its
                    // long tasks would queue ahead of the next edit's rebuild.
                    let trained = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                        Ok(pool) => pool.install(|| snapshot.retrained()),
                        Err(_) => snapshot.retrained(),
                    };
                    let _ = done.send(Wake::Retrained(Box::new(trained)));
                });
            }
        }
    });
    Ok(watcher)
}

/// How long the sources must stay unchanged before a rebuild starts.
const QUIET_PERIOD: Duration = Duration::from_millis(60);

/// What wakes the rebuilding thread.
enum Wake {
    /// Sources changed: these paths, or `None` when the watcher cannot say.
    Changed(Option<Vec<PathBuf>>),
    /// The related model, trained again in the background.
    Retrained(Box<RelatedState>),
}

/// Rebuilds after a change and tells the open pages.
fn rebuild(options: &BuildOptions, state: &mut BuildState, shared: &Shared, verbosity: Verbosity) {
    let started = Instant::now();
    match pipeline::build_with(options, state) {
        Ok(report) => {
            if let Ok(mut error) = shared.error.lock() {
                *error = None;
            }
            if !verbosity.quiet {
                for warning in &report.warnings {
                    eprintln!("{warning}");
                }
                eprintln!(
                    "rebuilt in {:.0} ms: {} articles read, {} related lists recomputed, {} pages rendered",
                    started.elapsed().as_secs_f64() * 1000.0,
                    report.reuse.parsed,
                    report.reuse.related_recomputed,
                    report.reuse.rendered
                );
                if verbosity.verbose > 0 {
                    let stages: Vec<String> = report
                        .timings
                        .0
                        .iter()
                        .map(|(stage, time)| format!("{stage} {:.0}", time.as_secs_f64() * 1000.0))
                        .collect();
                    eprintln!("  stages (ms): {}", stages.join(", "));
                }
            }
            let _ = shared.events.send(Notice::Reload);
        }
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("error: {message}\n(the last good site is still served)");
            if let Ok(mut error) = shared.error.lock() {
                *error = Some(message.clone());
            }
            let _ = shared.events.send(Notice::Failed(message));
        }
    }
}

/// The live-reload stream.
async fn event_stream(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let stream = futures_util::stream::unfold(shared.events.subscribe(), |mut notices| async move {
        loop {
            let event = match notices.recv().await {
                Ok(Notice::Reload) => Event::default().event("reload").data("reload"),
                Ok(Notice::Failed(message)) => Event::default().event("failed").data(message.replace('\n', " ")),
                // A page that fell behind only needs the latest news.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            return Some((Ok::<_, std::convert::Infallible>(event), notices));
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The script injected into served HTML pages (never into files on disk).
const RELOAD_SCRIPT: &str = r#"<script>(function(){var s=new EventSource("/__arshif/events");
s.addEventListener("reload",function(){location.reload();});
s.addEventListener("failed",function(e){var d=document.getElementById("arshif-error");
if(!d){d=document.createElement("pre");d.id="arshif-error";document.body.appendChild(d);}
d.setAttribute("style","position:fixed;inset:auto 0 0 0;max-block-size:50vh;overflow:auto;margin:0;padding:1rem;background:#7a1f1f;color:#fff;direction:ltr;text-align:start;white-space:pre-wrap;z-index:99999");
d.textContent="arshif: the last edit does not build (the page shows the last good site)\n\n"+e.data;});})();</script>"#;

/// Serves a file of the output folder; HTML pages get the reload script
/// (and the last error, if the last build failed).
async fn page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let Some(relative) = safe_relative_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let mut path = shared.output.join(&relative);
    if path.is_dir() {
        if !uri.path().ends_with('/') {
            let location = format!("{}/", uri.path());
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
        }
        path = path.join("index.html");
    }
    // Symbolic links that lead out of the output folder are not followed.
    let inside = path.canonicalize().ok().filter(|p| p.starts_with(&shared.output));
    match inside {
        Some(file) if file.is_file() => serve_file(&shared, &file, StatusCode::OK).await,
        _ => {
            let not_found = shared.output.join("404.html");
            if not_found.is_file() {
                serve_file(&shared, &not_found, StatusCode::NOT_FOUND).await
            } else {
                (StatusCode::NOT_FOUND, "not found").into_response()
            }
        }
    }
}

async fn serve_file(shared: &Shared, file: &Path, status: StatusCode) -> Response {
    let Ok(bytes) = tokio::fs::read(file).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file").into_response();
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/xml" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let body = if is_html {
        let mut html = String::from_utf8_lossy(&bytes).into_owned();
        let mut injected = String::from(RELOAD_SCRIPT);
        if let Some(error) = shared.error.lock().ok().and_then(|e| e.clone()) {
            injected.push_str(&error_overlay(&error));
        }
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, &injected),
            None => html.push_str(&injected),
        }
        Body::from(html)
    } else {
        Body::from(bytes)
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn error_overlay(error: &str) -> String {
    format!(
        "<pre id=\"arshif-error\" style=\"position:fixed;inset:auto 0 0 0;max-block-size:50vh;overflow:auto;margin:0;padding:1rem;background:#7a1f1f;color:#fff;direction:ltr;text-align:start;white-space:pre-wrap;z-index:99999\">arshif: the last edit does not build (the page shows the last good site)\n\n{}</pre>",
        crate::render::html::escape(error)
    )
}

/// The request path as a relative path inside the output folder, or `None`
/// when it tries to leave it (`..`, also percent-encoded; NUL; backslash).
pub(super) fn safe_relative_path(request: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            segment => {
                let part = Path::new(segment);
                if !part.components().all(|c| matches!(c, Component::Normal(_))) {
                    return None;
                }
                path.push(segment);
            }
        }
    }
    Some(path)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or text that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let malformed = text.match_indices('%').any(|(at, _)| {
        !text
            .as_bytes()
            .get(at + 1..at + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    String::from_utf8(crate::link::paths::percent_decode_bytes(text)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_stay_inside() {
        assert_eq!(safe_relative_path("/2022/12/x/"), Some(PathBuf::from("2022/12/x")));
        assert_eq!(
            safe_relative_path("/tags/%D8%B7%D8%A7%D9%82%D8%A9/"),
            Some(PathBuf::from("tags/طاقة"))
        );
        assert_eq!(safe_relative_path("/../etc/passwd"), None);
        assert_eq!(safe_relative_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(safe_relative_path("/a/%2E%2E/%2e%2e/x"), None);
        assert_eq!(safe_relative_path("/a%00b"), None);
        assert_eq!(safe_relative_path("/a%5c..%5cb"), None);
        assert_eq!(safe_relative_path("/%zz"), None);
    }
}
