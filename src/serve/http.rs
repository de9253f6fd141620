//! The HTTP side of `serve`: the in-memory site, the live-reload script
//! and its event stream.
//!
//! Only paths of the in-memory site are ever served: there is no file
//! system behind the handler, and paths with `..`, backslashes or NUL
//! (encoded or not) are refused before lookup. The event stream answers
//! only pages of this server (Origin must match), and every request must
//! name this server in `Host`, so a web page elsewhere cannot read the
//! preview through DNS rebinding.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::diag::Diagnostic;

/// The outputs being served, by path relative to the site root.
pub type Outputs = BTreeMap<String, Arc<Vec<u8>>>;

const EVENTS_PATH: &str = "/__brief/events";
const SCRIPT_PATH: &str = "/__brief/reload.js";
const RELOAD_JS: &str = include_str!("reload.js");

/// A message to open tabs.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Message {
    /// A rebuild finished; these outputs changed.
    Reload { build: u64, changed: Vec<String> },
    /// The site has errors; the last good version stays served.
    Problems { build: u64, problems: Vec<Problem> },
}

/// One error as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub location: String,
    pub message: String,
    /// The diagnostic as printed in the terminal: location, frame, help.
    pub text: String,
}

impl Message {
    pub fn reload(changed: Vec<String>) -> Message {
        Message::Reload { build: 0, changed }
    }

    pub fn problems(diags: &[Diagnostic]) -> Message {
        let problems = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| Problem {
                location: d.location(),
                message: d.message.clone(),
                text: d.render(std::path::Path::new(""), false),
            })
            .collect();
        Message::Problems { build: 0, problems }
    }

    fn with_build(mut self, n: u64) -> Message {
        match &mut self {
            Message::Reload { build, .. } | Message::Problems { build, .. } => *build = n,
        }
        self
    }
}

struct Status {
    build: u64,
    problems: Option<Vec<Problem>>,
}

/// The site being served.
struct Served {
    outputs: Outputs,
}

/// State shared by the watcher thread and the request handlers.
#[derive(Clone)]
pub struct Shared {
    served: Arc<RwLock<Served>>,
    /// The search index, updated on its own thread from each rebuild's
    /// changed pages, so indexing never delays a reload.
    search: Arc<crate::search::Live>,
    status: Arc<RwLock<Status>>,
    events: broadcast::Sender<Message>,
    /// `Host` values this server answers to.
    hosts: Arc<Vec<String>>,
}

impl Shared {
    pub fn new(addr: SocketAddr, outputs: Outputs) -> Shared {
        let port = addr.port();
        let mut hosts = vec![format!("{addr}"), format!("localhost:{port}")];
        if addr.ip().is_loopback() {
            hosts.push(format!("127.0.0.1:{port}"));
            hosts.push(format!("[::1]:{port}"));
        }
        if addr.ip().is_unspecified() {
            // Bound to every interface on purpose (`--bind 0.0.0.0`): any host name.
            hosts.clear();
        }
        let (events, _) = broadcast::channel(64);
        Shared {
            served: Arc::new(RwLock::new(Served { outputs })),
            search: Arc::new(crate::search::Live::start(EVENTS_PATH)),
            status: Arc::new(RwLock::new(Status {
                build: 1,
                problems: None,
            })),
            events,
            hosts: Arc::new(hosts),
        }
    }

    /// Serves a new version of the site: `changed` are the paths where
    /// `outputs` differs from what is served (added, changed or removed).
    /// Copying only those keeps a rebuild's cost independent of site size.
    pub fn update_outputs(&self, outputs: &Outputs, changed: &[String]) {
        let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
        for path in changed {
            match outputs.get(path) {
                Some(bytes) => served.outputs.insert(path.clone(), bytes.clone()),
                None => served.outputs.remove(path),
            };
        }
    }

    /// Queues a rebuild's changed pages for the search index; returns at
    /// once.
    pub fn update_search(&self, language: &str, update: &mut super::workspace::Update) {
        self.search.update(
            language,
            std::mem::take(&mut update.search),
            update.search_urls.take(),
        );
    }

    /// What a request for `path` gets: the output, a redirect to add the
    /// missing slash, or the 404 page.
    fn lookup(&self, path: &str) -> Lookup {
        let served = self.served.read().unwrap_or_else(|e| e.into_inner());
        let outputs = &served.outputs;
        if let Some(bytes) = outputs.get(path) {
            Lookup::Found(bytes.clone())
        } else if outputs.contains_key(&format!("{path}/index.html")) {
            Lookup::AddSlash
        } else {
            Lookup::NotFound(outputs.get("404.html").cloned())
        }
    }

    /// Records the new state and tells every open tab.
    pub fn publish(&self, message: Message) {
        let message = {
            let mut status = self.status.write().unwrap_or_else(|e| e.into_inner());
            status.build += 1;
            status.problems = match &message {
                Message::Problems { problems, .. } => Some(problems.clone()),
                Message::Reload { .. } => None,
            };
            message.with_build(status.build)
        };
        // No receivers (no open tab) is fine.
        let _ = self.events.send(message);
    }

    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        if self.hosts.is_empty() {
            return true;
        }
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| {
                self.hosts
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(h))
            })
    }
}

/// The routes: the reload script and events, then the site for every other path.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(get(page))
        .with_state(shared)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn script(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if !shared.host_allowed(&headers) {
        return plain(StatusCode::FORBIDDEN, "unknown host\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        RELOAD_JS,
    )
        .into_response()
}

async fn events(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if !shared.host_allowed(&headers) {
        return plain(StatusCode::FORBIDDEN, "unknown host\n");
    }
    // Browsers send Origin on EventSource requests: only our own pages may listen.
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if origin.to_str().ok() != Some(&format!("http://{host}")) {
            return plain(
                StatusCode::FORBIDDEN,
                "cross-origin requests are not allowed\n",
            );
        }
    }
    let hello = {
        let status = shared.status.read().unwrap_or_else(|e| e.into_inner());
        serde_json::json!({ "build": status.build, "problems": status.problems })
    };
    let receiver = shared.events.subscribe();
    let first = stream::once(async move {
        Ok::<Event, Infallible>(Event::default().event("hello").data(hello.to_string()))
    });
    let rest = stream::unfold(receiver, |mut rx| async move {
        let message = match rx.recv().await {
            Ok(message) => message,
            // A slow tab missed messages: make it resynchronise by reloading.
            Err(broadcast::error::RecvError::Lagged(_)) => Message::Reload {
                build: 0,
                changed: vec!["*".into()],
            },
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(to_event(&message)), rx))
    });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(futures_util::StreamExt::chain(first, rest));
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn to_event(message: &Message) -> Event {
    let name = match message {
        Message::Reload { .. } => "reload",
        Message::Problems { .. } => "problems",
    };
    Event::default()
        .event(name)
        .data(serde_json::to_string(message).unwrap_or_default())
}

/// A request path as an output path, or `None` if it tries to leave the site.
pub fn output_path(uri_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

async fn page(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    if !shared.host_allowed(&headers) {
        return plain(StatusCode::FORBIDDEN, "unknown host\n");
    }
    let Some(path) = output_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    if crate::search::is_index_path(&path) {
        let search = shared.search.clone();
        let query = uri.query().map(str::to_string);
        let (found, path) = tokio::task::spawn_blocking(move || {
            let found = search.file(&path, query.as_deref());
            (found, path)
        })
        .await
        .unwrap_or_else(|_| (crate::search::LiveFile::NotFound, String::new()));
        return match found {
            crate::search::LiveFile::Found(bytes) => file_response(StatusCode::OK, &path, &bytes),
            // Another version of the index: the client reloads its manifest.
            crate::search::LiveFile::Stale => {
                plain(StatusCode::CONFLICT, "the search index changed\n")
            }
            crate::search::LiveFile::NotFound => plain(StatusCode::NOT_FOUND, "not found\n"),
        };
    }
    match shared.lookup(&path) {
        Lookup::Found(bytes) => file_response(StatusCode::OK, &path, &bytes),
        // `/briefings/x` -> `/briefings/x/`, as static hosts do.
        Lookup::AddSlash => {
            let location = format!("{}/", uri.path());
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Lookup::NotFound(Some(bytes)) => file_response(StatusCode::NOT_FOUND, "404.html", &bytes),
        Lookup::NotFound(None) => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

enum Lookup {
    Found(Arc<Vec<u8>>),
    AddSlash,
    NotFound(Option<Arc<Vec<u8>>>),
}

fn file_response(status: StatusCode, path: &str, bytes: &Arc<Vec<u8>>) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        Body::from(with_reload_script(bytes))
    } else {
        Body::from(bytes.as_ref().clone())
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The page with the live-reload script before `</body>`: added when
/// served, never stored, so the in-memory site equals a build.
pub fn with_reload_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>\n");
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if path.ends_with("atom.xml") {
                "application/atom+xml"
            } else {
                "application/xml"
            }
        }
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_outputs_and_never_escape() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            output_path("/briefings/x/").as_deref(),
            Some("briefings/x/index.html")
        );
        assert_eq!(output_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(output_path("/a%20b/").as_deref(), Some("a b/index.html"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/%2E%2E/%2e%2e/x",
            "/a%5c..%5cx",
            "/a%00b",
            "/..%2fx",
        ] {
            assert_eq!(output_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = with_reload_script(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script src=\"/__brief/reload.js\" defer></script>\n</body></html>"
        );
    }
}
