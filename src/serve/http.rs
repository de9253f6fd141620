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
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
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
    /// False until a build succeeds: serve started on a site with errors
    /// has nothing to serve, and answers with the problems instead.
    built: bool,
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
    /// Host names this server answers to, at `port`; empty for any.
    hosts: Arc<Vec<String>>,
    port: u16,
}

impl Shared {
    /// `outputs` is `None` when the first build failed.
    pub fn new(addr: SocketAddr, outputs: Option<Outputs>) -> Shared {
        let ip = match addr {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        };
        let mut hosts = vec![ip, "localhost".to_string()];
        if addr.ip().is_loopback() {
            hosts.push("127.0.0.1".to_string());
            hosts.push("[::1]".to_string());
        }
        if addr.ip().is_unspecified() {
            // Bound to every interface on purpose (`--bind 0.0.0.0`): any host name.
            hosts.clear();
        }
        let (events, _) = broadcast::channel(64);
        Shared {
            served: Arc::new(RwLock::new(Served {
                built: outputs.is_some(),
                outputs: outputs.unwrap_or_default(),
            })),
            search: Arc::new(crate::search::Live::start(EVENTS_PATH)),
            status: Arc::new(RwLock::new(Status {
                build: 1,
                problems: None,
            })),
            events,
            hosts: Arc::new(hosts),
            port: addr.port(),
        }
    }

    /// Serves a new version of the site: `changed` are the paths where
    /// `outputs` differs from what is served (added, changed or removed).
    /// Copying only those keeps a rebuild's cost independent of site size.
    /// Returns true if this is the first good version served.
    pub fn update_outputs(&self, outputs: &Outputs, changed: &[String]) -> bool {
        let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
        let first = !served.built;
        served.built = true;
        for path in changed {
            match outputs.get(path) {
                Some(bytes) => served.outputs.insert(path.clone(), bytes.clone()),
                None => served.outputs.remove(path),
            };
        }
        first
    }

    fn built(&self) -> bool {
        self.served.read().unwrap_or_else(|e| e.into_inner()).built
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
            .is_some_and(|h| host_allowed(&self.hosts, self.port, h))
    }
}

/// Whether a `Host` value names this server: one of `names`, at `port`.
/// Browsers leave the port out when it is the scheme's default (RFC 9110,
/// 7.2), so at port 80 a bare name is this server too.
fn host_allowed(names: &[String], port: u16, host: &str) -> bool {
    let Some((name, given)) = split_host(host) else {
        return false;
    };
    given.unwrap_or(DEFAULT_PORT) == port && names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// http's default port, the one a URL and a `Host` header may leave out.
const DEFAULT_PORT: u16 = 80;

/// `name[:port]` or `[v6]:port` as (name, port): `None` if malformed.
/// An empty port (`name:`) is no port, as RFC 3986 (3.2.3) has it.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let at = if host.starts_with('[') {
        host.find(']')? + 1
    } else {
        host.find(':').unwrap_or(host.len())
    };
    let (name, rest) = host.split_at(at);
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => None,
        Some("") => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        _ => return None,
    };
    (!name.is_empty()).then_some((name, port))
}

/// Whether an `Origin` names the same server as the `Host` the request was
/// sent to; ports compared with the default filled in, as browsers send
/// `Origin: http://name` for a page at `http://name:80/`.
fn same_origin(origin: &str, host: &str) -> bool {
    let (Some(origin), Some(host)) = (
        origin.strip_prefix("http://").and_then(split_host),
        split_host(host),
    ) else {
        return false;
    };
    origin.0.eq_ignore_ascii_case(host.0)
        && origin.1.unwrap_or(DEFAULT_PORT) == host.1.unwrap_or(DEFAULT_PORT)
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
        if !origin.to_str().is_ok_and(|o| same_origin(o, host)) {
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
    if !shared.built() {
        return no_build_yet(&shared, &path, &headers);
    }
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
            let location = slash_location(&path, uri.query());
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

/// Where a request for the folder `path` (an output path) is sent: the same
/// path with a slash, always an absolute path on this server. It is built
/// from the normalized path, not the request's: `//briefings` would become
/// `//briefings/`, which a browser reads as a URL on the host `briefings`.
fn slash_location(path: &str, query: Option<&str>) -> String {
    let mut location = format!("/{}/", utf8_percent_encode(path, PATH_SEGMENTS));
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    location
}

/// What a decoded output path must have encoded to be a URL path again
/// (RFC 3986's path characters; `/` separates segments and stays).
const PATH_SEGMENTS: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The answer to every request before the first good build. A page gets a
/// small page listing the problems, with the reload script, so the tab
/// shows the error overlay and reloads by itself once the site builds.
/// 503, not 200: this is not the page the URL names, and tools that fetch
/// it (curl -f, link checkers, tests) should see a failure; browsers show
/// a 503's page and run its script all the same.
fn no_build_yet(shared: &Shared, path: &str, headers: &HeaderMap) -> Response {
    if !wants_html(path, headers) {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the site has errors and has not built yet; see the terminal\n",
        );
    }
    let problems = shared
        .status
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .problems
        .clone()
        .unwrap_or_default();
    let mut html = String::from(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>brief: the site has errors</title>\n</head>\n",
        "<body id=\"brief-no-build\">\n<h1>The site has errors and has not built yet</h1>\n",
        "<p>Fix them and save: this page reloads by itself.</p>\n",
    ));
    for p in &problems {
        html.push_str("<pre>");
        html.push_str(&escape_html(&p.text));
        html.push_str("</pre>\n");
    }
    html.push_str("</body>\n</html>\n");
    let mut response = Response::new(Body::from(with_reload_script(html.as_bytes())));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether a request is for a page: a browser asking for HTML, or a path
/// that would be one (a folder, `.html`, or no extension at all).
fn wants_html(path: &str, headers: &HeaderMap) -> bool {
    let accepts_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let name = path.rsplit('/').next().unwrap_or(path);
    accepts_html || path.ends_with(".html") || path.ends_with(".htm") || !name.contains('.')
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
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
    fn a_host_is_a_name_of_this_server_at_its_port() {
        let names: Vec<String> = ["127.0.0.1", "localhost", "[::1]"].map(String::from).into();
        assert!(host_allowed(&names, 1111, "127.0.0.1:1111"));
        assert!(host_allowed(&names, 1111, "LOCALHOST:1111"));
        assert!(host_allowed(&names, 1111, "[::1]:1111"));
        // Browsers leave the default port out of Host: at 80 a bare name is
        // this server, at any other port it is not.
        assert!(host_allowed(&names, 80, "127.0.0.1"));
        assert!(host_allowed(&names, 80, "localhost"));
        assert!(host_allowed(&names, 80, "[::1]"));
        assert!(host_allowed(&names, 80, "localhost:80"));
        assert!(host_allowed(&names, 80, "localhost:"));
        for bad in [
            "127.0.0.1",
            "127.0.0.1:1112",
            "127.0.0.1:80",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1:1111:1111",
            "127.0.0.1:+1111",
            "127.0.0.1:99999",
            "[::1]1111",
            "::1:1111",
            ":1111",
            "",
        ] {
            assert!(!host_allowed(&names, 1111, bad), "{bad:?} was allowed");
        }
        for bad in ["evil.example", "127.0.0.1:8080", "[::1]:8080", "127.0.0.2"] {
            assert!(!host_allowed(&names, 80, bad), "{bad:?} was allowed at 80");
        }
    }

    #[test]
    fn an_origin_is_the_hosts_with_the_default_port_filled_in() {
        assert!(same_origin("http://127.0.0.1:1111", "127.0.0.1:1111"));
        assert!(same_origin("http://127.0.0.1", "127.0.0.1:80"));
        assert!(same_origin("http://localhost:80", "localhost"));
        assert!(!same_origin("http://127.0.0.1", "127.0.0.1:1111"));
        assert!(!same_origin("https://127.0.0.1:1111", "127.0.0.1:1111"));
        assert!(!same_origin("http://evil.example:1111", "127.0.0.1:1111"));
        assert!(!same_origin("null", "127.0.0.1:1111"));
    }

    #[test]
    fn a_slash_redirect_stays_on_this_server() {
        assert_eq!(slash_location("briefings", None), "/briefings/");
        assert_eq!(slash_location("briefings", Some("a=1")), "/briefings/?a=1");
        assert_eq!(slash_location("a b/c%d", None), "/a%20b/c%25d/");
        assert_eq!(slash_location("é", None), "/%C3%A9/");
        assert_eq!(slash_location("x?y#z", None), "/x%3Fy%23z/");
    }

    #[test]
    fn pages_are_folders_html_files_and_names_without_an_extension() {
        let none = HeaderMap::new();
        for page in ["index.html", "briefings/index.html", "briefings/x", "a.htm"] {
            assert!(wants_html(page, &none), "{page}");
        }
        for file in ["style.css", "atom.xml", "pagefind/x.pf_meta", "robots.txt"] {
            assert!(!wants_html(file, &none), "{file}");
        }
        let mut browser = HeaderMap::new();
        browser.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        assert!(wants_html("favicon.ico.missing", &browser));
    }

    /// A test site: three pages, one with a space in its folder name.
    fn outputs() -> Outputs {
        [
            ("index.html", "<html><body>home</body></html>"),
            ("briefings/index.html", "<html><body>list</body></html>"),
            ("a b/index.html", "<html><body>spaced</body></html>"),
            ("style.css", "p {}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Arc::new(v.as_bytes().to_vec())))
        .collect()
    }

    /// Sends each raw HTTP/1.1 request to the router, on a loopback port
    /// of its own, and returns each whole response. `addr` is the address
    /// the server believes it has (the port `Host` must name).
    fn exchange(shared: Shared, requests: &[String]) -> Vec<String> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let at = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router(shared)).await });
            let mut responses = Vec::new();
            for request in requests {
                let mut stream = tokio::net::TcpStream::connect(at).await.unwrap();
                stream.write_all(request.as_bytes()).await.unwrap();
                let mut response = String::new();
                tokio::time::timeout(
                    std::time::Duration::from_secs(20),
                    stream.read_to_string(&mut response),
                )
                .await
                .expect("the server answers within 20 s")
                .unwrap();
                responses.push(response);
            }
            responses
        })
    }

    fn get(target: &str, host: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    }

    fn shared_at(addr: &str, outputs: Option<Outputs>) -> Shared {
        Shared::new(addr.parse().unwrap(), outputs)
    }

    #[test]
    fn at_port_80_a_host_without_port_is_served() {
        // Binding port 80 needs root; the router only compares Host with
        // the port it is told it has.
        let shared = shared_at("127.0.0.1:80", Some(outputs()));
        let responses = exchange(
            shared,
            &[
                get("/", "127.0.0.1"),
                get("/", "localhost"),
                get("/", "127.0.0.1:80"),
                get("/", "127.0.0.1:8080"),
                get("/", "evil.example"),
            ],
        );
        let status: Vec<&str> = responses.iter().map(|r| &r[9..12]).collect();
        assert_eq!(
            status,
            ["200", "200", "200", "403", "403"],
            "{responses:#?}"
        );
        assert!(responses[0].contains("home"));
    }

    #[test]
    fn no_redirect_leaves_this_server() {
        let shared = shared_at("127.0.0.1:1111", Some(outputs()));
        let targets = [
            "/briefings",
            "//briefings",
            "///briefings",
            "/%2F%2Fbriefings",
            "/%2f/briefings",
            "//briefings?page=2",
            "/./briefings",
            "/a%20b",
            "//a%20b",
        ];
        let requests: Vec<String> = targets.iter().map(|t| get(t, "127.0.0.1:1111")).collect();
        let responses = exchange(shared, &requests);
        let mut locations = Vec::new();
        for (target, response) in targets.iter().zip(&responses) {
            assert!(response.starts_with("HTTP/1.1 301"), "{target}: {response}");
            let location = response
                .lines()
                .find_map(|l| l.strip_prefix("location: "))
                .unwrap_or_else(|| panic!("{target}: no Location in {response}"));
            assert!(
                location.starts_with('/') && !location.starts_with("//") && !location.contains(':'),
                "{target} redirects off this server, to {location}"
            );
            locations.push(location.to_string());
        }
        assert_eq!(
            locations,
            [
                "/briefings/",
                "/briefings/",
                "/briefings/",
                "/briefings/",
                "/briefings/",
                "/briefings/?page=2",
                "/briefings/",
                "/a%20b/",
                "/a%20b/",
            ]
        );
    }

    #[test]
    fn before_the_first_good_build_pages_show_the_problems_with_the_script() {
        let shared = shared_at("127.0.0.1:1111", None);
        shared.publish(Message::Problems {
            build: 0,
            problems: vec![Problem {
                location: "content/briefings/x.md:3:1".into(),
                message: "unknown key `titel` in front matter".into(),
                text: "content/briefings/x.md:3:1: error: unknown key `titel` <here>\n".into(),
            }],
        });
        let responses = exchange(
            shared.clone(),
            &[
                get("/", "127.0.0.1:1111"),
                get("/briefings/x/", "127.0.0.1:1111"),
                get("/briefings/x", "127.0.0.1:1111"),
                get("/style.css", "127.0.0.1:1111"),
            ],
        );
        for page in &responses[..3] {
            assert!(page.starts_with("HTTP/1.1 503"), "{page}");
            assert!(page.contains("text/html"), "{page}");
            assert!(page.contains("<script src=\"/__brief/reload.js\" defer></script>"));
            assert!(
                page.contains(
                    "content/briefings/x.md:3:1: error: unknown key `titel` &lt;here&gt;"
                ),
                "{page}"
            );
        }
        assert!(responses[3].starts_with("HTTP/1.1 503"), "{}", responses[3]);
        assert!(!responses[3].contains("<script"), "{}", responses[3]);
        // The first good version: served, and every tab told to reload.
        assert!(shared.update_outputs(&outputs(), &["index.html".into()]));
        assert!(!shared.update_outputs(&outputs(), &[]));
        let responses = exchange(shared, &[get("/", "127.0.0.1:1111")]);
        assert!(responses[0].starts_with("HTTP/1.1 200"), "{}", responses[0]);
        assert!(responses[0].contains("home"));
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
