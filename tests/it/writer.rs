//! Issue 17: run brief the way writers run it.
//!
//! The real binary, started the way the README says: from inside the site
//! folder with no `--root` (or with a relative one from the folder above),
//! default flags, and saves made the ways editors make them (written in
//! place, or written to a temporary file renamed over the original). A
//! test watches `brief serve` as a browser tab does: the event stream at
//! `/__brief/events` over a plain HTTP/1.1 connection, and pages fetched
//! after each event.
//!
//! Every wait has a deadline ([`WAIT`]), so a server that never rebuilds
//! fails the test with its output instead of hanging it, and every server
//! is killed when its test ends, passed or failed ([`Server`]'s `Drop`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::support::{self, TempSite, briefing};

/// How long anything may take: a start, a rebuild, a response.
const WAIT: Duration = Duration::from_secs(20);

/// The briefing the tests edit, and the page it renders to.
const FIRST: &str = "content/briefings/2025-06-01-first.md";
const FIRST_OUTPUT: &str = "briefings/first/index.html";
const FIRST_URL: &str = "/briefings/first/";

/// The briefing's text; `extra` goes on line 3, after the title.
fn first_text(opening: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{extra}\n")
    };
    format!(
        "+++\ntitle = \"First briefing\"\n{extra}date = 2025-06-01\ntags = [\"minerals\"]\n+++\n\n{opening}\n\nA second paragraph.\n"
    )
}

/// A small site: two briefings and an about page, with the built-in theme.
fn fixture() -> TempSite {
    support::site(&[
        (
            "site.toml",
            "title = \"Writer Test\"\nbase_url = \"https://example.org/\"\n",
        ),
        (FIRST, &first_text("The original opening sentence.", "")),
        (
            "content/briefings/2025-06-02-second.md",
            &briefing(
                "Second briefing",
                "2025-06-02",
                "tags = [\"minerals\"]",
                "The second briefing.\n",
            ),
        ),
        (
            "content/pages/about.md",
            &support::md("title = \"About\"", "What this is.\n"),
        ),
    ])
}

/// What an editor does on save.
#[derive(Clone, Copy, Debug)]
enum Save {
    /// Truncates the file and writes it (`sed -i` aside, most small tools).
    InPlace,
    /// Writes a temporary file beside it and renames it over the original
    /// (vim's default, many IDEs, `sed -i`).
    Rename,
}

fn save(path: &Path, text: &str, how: Save) {
    match how {
        Save::InPlace => std::fs::write(path, text).unwrap(),
        Save::Rename => {
            let name = path.file_name().unwrap().to_string_lossy();
            let temp = path.with_file_name(format!(".{name}.tmp"));
            std::fs::write(&temp, text).unwrap();
            std::fs::rename(&temp, path).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// The server process, and a tab's view of it.
// ---------------------------------------------------------------------------

/// A running `brief serve`, killed when dropped.
struct Server {
    child: Child,
    /// Its stdout and stderr as they come, interleaved by line.
    log: Arc<Mutex<String>>,
    /// `127.0.0.1:PORT`, from the `serving http://…/` line.
    authority: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `brief serve <args>` in `cwd` (through `wrap`, a command and its
/// arguments that run the binary, if given) and waits for its URL.
fn start(cwd: &Path, args: &[&str], wrap: &[&str]) -> Server {
    let bin = env!("CARGO_BIN_EXE_brief");
    let mut command = match wrap.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let mut child = command
        .arg("serve")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn brief serve");
    let log = Arc::new(Mutex::new(String::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
    }
    let mut server = Server {
        child,
        log,
        authority: String::new(),
    };
    let line = server.wait_for_log("serving http://");
    let url = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("no URL in `{line}`"));
    server.authority = url
        .strip_prefix("http://")
        .and_then(|u| u.strip_suffix('/'))
        .unwrap_or_else(|| panic!("`{url}` is not http://HOST:PORT/"))
        .to_string();
    server
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until a line of the output contains `needle`; returns it.
    #[track_caller]
    fn wait_for_log(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(line) = self.log().lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the readers take the last lines.
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "brief serve exited ({status}) before printing `{needle}`:\n{}",
                    self.log()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "brief serve printed no `{needle}` within {WAIT:?}:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.authority)
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.authority));
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
    }

    /// GETs `path` as a browser would (Accept: text/html).
    #[track_caller]
    fn get(&self, path: &str) -> Response {
        let mut stream = self.connect();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html,*/*;q=0.8\r\nConnection: close\r\n\r\n",
            self.authority
        )
        .unwrap();
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log()));
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("GET {path}: no header end in {raw:?}"));
        let status = head[9..12].parse().unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body.as_bytes())
        } else {
            body.to_string()
        };
        Response { status, body }
    }

    /// GETs `path` and expects a 200 page containing `text`.
    #[track_caller]
    fn page_has(&self, path: &str, text: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}:\n{}\n{}", r.body, self.log());
        assert!(
            r.body.contains(text),
            "GET {path} has no `{text}`:\n{}\n--- brief serve output ---\n{}",
            r.body,
            self.log()
        );
        r.body
    }

    /// Opens the event stream, as the reload script does, and waits for
    /// its `hello`: from then on no event is missed.
    #[track_caller]
    fn tab(&self) -> Tab {
        let mut stream = self.connect();
        write!(
            stream,
            "GET /__brief/events HTTP/1.1\r\nHost: {0}\r\nAccept: text/event-stream\r\nOrigin: http://{0}\r\n\r\n",
            self.authority
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = stream.try_clone().unwrap();
        // No read timeout on the stream: a quiet server is fine; the
        // stream ends when the server is killed.
        reader.set_read_timeout(None).unwrap();
        std::thread::spawn(move || read_events(reader, &tx));
        let mut tab = Tab {
            events: rx,
            hello: None,
            _stream: stream,
        };
        let hello = tab.next(self, "hello", |_| true);
        tab.hello = Some(hello);
        tab
    }
}

struct Response {
    status: u16,
    body: String,
}

/// A chunked body, decoded.
fn dechunk(mut raw: &[u8]) -> String {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a server-sent event stream (chunked, as HTTP/1.1 streams it) and
/// sends each event as (name, data).
fn read_events(stream: TcpStream, tx: &mpsc::Sender<(String, String)>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // The response head.
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line.starts_with("HTTP/1.1 ") && !line.starts_with("HTTP/1.1 200") {
            let _ = tx.send(("error".into(), line.clone()));
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut text = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
            return;
        };
        if size == 0 {
            return;
        }
        let mut chunk = vec![0; size + 2];
        if reader.read_exact(&mut chunk).is_err() {
            return;
        }
        text.push_str(&String::from_utf8_lossy(&chunk[..size]));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for l in block.lines() {
                if let Some(v) = l.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = l.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
            // Keep-alive comments have neither.
            if !data.is_empty() && tx.send((name, data)).is_err() {
                return;
            }
        }
    }
}

/// An open event stream.
struct Tab {
    events: mpsc::Receiver<(String, String)>,
    /// The `hello` event's data.
    hello: Option<String>,
    _stream: TcpStream,
}

impl Tab {
    /// Waits for the next `name` event whose data passes `pred`, skipping
    /// others; returns its data.
    #[track_caller]
    fn next(&mut self, server: &Server, name: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok((n, data)) if n == name && pred(&data) => return data,
                Ok((n, data)) if n == "error" => {
                    panic!("the event stream was refused: {data}\n{}", server.log())
                }
                Ok(other) => seen.push(other),
                Err(_) => panic!(
                    "no matching `{name}` event within {WAIT:?}; events seen: {seen:#?}\n--- brief serve output ---\n{}",
                    server.log()
                ),
            }
        }
    }

    /// Waits for a `reload` event that names `output`.
    #[track_caller]
    fn reload_of(&mut self, server: &Server, output: &str) -> String {
        let quoted = format!("\"{output}\"");
        self.next(server, "reload", |d| d.contains(&quoted))
    }
}

// ---------------------------------------------------------------------------
// The README's commands, as written.
// ---------------------------------------------------------------------------

/// A writer's session with `brief serve` started in `cwd` with `args`:
/// an in-place save, a save through a rename, a broken front matter and
/// its fix, each seen by the tab and in the page. `shown` is how the
/// server prints the site's paths (`""` from inside the site).
fn writer_session(site: &TempSite, cwd: &Path, args: &[&str], shown: &str) {
    let mut server = start(cwd, args, &[]);
    let mut tab = server.tab();
    server.page_has(FIRST_URL, "The original opening sentence.");
    let file = site.path(FIRST);

    save(&file, &first_text("Saved in place.", ""), Save::InPlace);
    tab.reload_of(&server, FIRST_OUTPUT);
    server.page_has(FIRST_URL, "Saved in place.");

    save(
        &file,
        &first_text("Saved through a rename.", ""),
        Save::Rename,
    );
    tab.reload_of(&server, FIRST_OUTPUT);
    server.page_has(FIRST_URL, "Saved through a rename.");

    // An unknown key on line 3, column 1.
    save(
        &file,
        &first_text("Saved broken.", "colour = \"red\""),
        Save::Rename,
    );
    let location = format!("{FIRST}:3:1");
    let problems = tab.next(&server, "problems", |d| d.contains(&location));
    assert!(problems.contains("unknown key `colour`"), "{problems}");
    // The terminal names the file as the writer would open it from `cwd`.
    server.wait_for_log(&format!(
        "{shown}{location}: error: unknown key `colour` in front matter"
    ));
    // The last good version stays served.
    server.page_has(FIRST_URL, "Saved through a rename.");

    save(&file, &first_text("Saved fixed.", ""), Save::InPlace);
    tab.reload_of(&server, FIRST_OUTPUT);
    server.page_has(FIRST_URL, "Saved fixed.");
}

/// `cd site && brief serve`: the default root `.` is relative, and notify
/// reports absolute paths, so no save was ever seen.
#[test]
fn serve_from_inside_the_site_rebuilds_on_every_kind_of_save() {
    let site = fixture();
    writer_session(&site, site.root(), &[], "");
}

/// `brief serve --root site` from the folder above: relative too.
#[test]
fn serve_with_a_relative_root_rebuilds_on_every_kind_of_save() {
    let site = fixture();
    writer_session(&site, site.outer(), &["--root", "site"], "site/");
}

/// Runs the binary in `cwd` with `args` (no `--root`).
fn brief_in(cwd: &Path, args: &[&str]) -> support::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run brief");
    support::Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn build_and_check_from_inside_the_site_need_no_flags() {
    let site = fixture();
    let run = brief_in(site.root(), &["check"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = brief_in(site.root(), &["build"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("into ./public"), "{}", run.stdout);
    assert!(site.path("public/index.html").is_file());
    let page = std::fs::read_to_string(site.path("public/briefings/first/index.html")).unwrap();
    assert!(page.contains("The original opening sentence."));
    assert!(
        !site.outer().join("public").exists(),
        "built next to the site"
    );

    std::fs::write(site.path(FIRST), first_text("Broken.", "colour = \"red\"")).unwrap();
    let expected = format!("{FIRST}:3:1: error: unknown key `colour` in front matter\n");
    for command in ["check", "build"] {
        let run = brief_in(site.root(), &[command]);
        assert_eq!(run.code, Some(1), "{command}: {run:#?}");
        assert!(
            run.stderr.starts_with(&expected),
            "brief {command} prints paths as seen from the site folder:\n{}",
            run.stderr
        );
    }
    let page = std::fs::read_to_string(site.path("public/briefings/first/index.html")).unwrap();
    assert!(
        page.contains("The original opening sentence."),
        "a failed build changed public/"
    );
}

// ---------------------------------------------------------------------------
// Faults: a site that starts broken, folders that go away or turn unreadable.
// ---------------------------------------------------------------------------

/// Started on a broken site, serve answered every URL with a plain-text
/// 404 and no reload script: no overlay, and after the fix the tab stayed
/// on "not found".
#[test]
fn serve_started_on_a_broken_site_shows_the_problems_and_reloads_on_the_fix() {
    let site = fixture();
    std::fs::write(
        site.path(FIRST),
        first_text("Broken from the start.", "colour = \"red\""),
    )
    .unwrap();
    let mut server = start(site.root(), &["--port", "0"], &[]);
    // No "still serving the last good version": there is none.
    server.wait_for_log("1 error — nothing built yet");
    let location = format!("{FIRST}:3:1");
    for path in ["/", FIRST_URL, "/briefings/first"] {
        let r = server.get(path);
        assert_eq!(r.status, 503, "GET {path}:\n{}", r.body);
        assert!(
            r.body
                .contains("<script src=\"/__brief/reload.js\" defer></script>"),
            "GET {path} has no reload script:\n{}",
            r.body
        );
        assert!(
            r.body
                .contains(&format!("{location}: error: unknown key `colour`")),
            "GET {path} does not show the problem:\n{}",
            r.body
        );
    }
    let mut tab = server.tab();
    let hello = tab.hello.take().unwrap();
    assert!(
        hello.contains(&location),
        "the script's overlay is fed by `hello`: {hello}"
    );

    save(
        &site.path(FIRST),
        &first_text("Fixed at last.", ""),
        Save::InPlace,
    );
    // Nothing was served before: every tab reloads, whatever its URL.
    let reload = tab.next(&server, "reload", |_| true);
    assert!(reload.contains("\"changed\":[\"*\"]"), "{reload}");
    server.page_has("/", "Writer Test");
    server.page_has(FIRST_URL, "Fixed at last.");
}

/// A file manager's delete moves `rel` away (to the trash); an undo moves
/// it back. The watcher must follow the folder out and in again, and hear
/// a save inside it afterwards.
fn folder_moved_away_and_back(rel: &str) {
    let site = fixture();
    let root = site.root().to_str().unwrap();
    let server = start(site.outer(), &["--root", root, "--port", "0"], &[]);
    let mut tab = server.tab();
    server.page_has(FIRST_URL, "The original opening sentence.");
    let folder = site.path(rel);
    let trash = site.outer().join("trash");
    std::fs::create_dir(&trash).unwrap();
    let away = trash.join(folder.file_name().unwrap());
    std::fs::rename(&folder, &away).unwrap();
    tab.reload_of(&server, FIRST_OUTPUT);
    assert_eq!(server.get(FIRST_URL).status, 404, "{}", server.log());

    std::fs::rename(&away, &folder).unwrap();
    tab.reload_of(&server, FIRST_OUTPUT);
    server.page_has(FIRST_URL, "The original opening sentence.");
    save(
        &site.path(FIRST),
        &first_text("Saved after the undo.", ""),
        Save::Rename,
    );
    tab.reload_of(&server, FIRST_OUTPUT);
    server.page_has(FIRST_URL, "Saved after the undo.");
}

#[test]
fn serve_follows_the_briefings_folder_moved_away_and_back() {
    folder_moved_away_and_back("content/briefings");
}

/// inotify watches a folder, not its path: content/'s watch went to the
/// trash with it, and once it was back no save was heard again.
#[test]
fn serve_follows_the_content_folder_moved_away_and_back() {
    folder_moved_away_and_back("content");
}

/// A note saved directly under content/ is not a document: `brief build`
/// warns, and serve said nothing at all (the save changed no page, so no
/// line was printed). Run from inside the site with default flags.
#[test]
fn serve_warns_about_a_stray_markdown_file_and_says_when_it_is_gone() {
    let site = fixture();
    let mut server = start(site.root(), &["--port", "0"], &[]);
    let note = site.path("content/todo.md");
    save(&note, "A note to self, not a page.\n", Save::InPlace);
    let line = server.wait_for_log("content/todo.md: warning:");
    assert_eq!(
        line,
        "content/todo.md: warning: markdown file outside content/briefings/ and content/pages/; ignored"
    );
    let before = server.log().lines().count();
    std::fs::remove_file(&note).unwrap();
    let deadline = Instant::now() + WAIT;
    while server.log().lines().count() == before {
        assert!(
            Instant::now() < deadline,
            "nothing printed after the delete:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let after: Vec<String> = server
        .log()
        .lines()
        .skip(before)
        .map(String::from)
        .collect();
    assert!(
        after.iter().all(|l| !l.contains("warning"))
            && after.iter().any(|l| l.starts_with("rebuilt in")),
        "{after:#?}"
    );
}

/// Whether the tests run as root, for whom no folder is unreadable.
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Hands every file under `dir` to `nobody`, so brief run as that user
/// can read and write them.
fn give_to_nobody(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        std::os::unix::fs::chown(entry.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    }
}

const NOBODY: u32 = 65534;

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Chmods a folder back when dropped, so a failed test leaves a temporary
/// folder that can be deleted.
struct Restore(PathBuf);

impl Drop for Restore {
    fn drop(&mut self) {
        set_mode(&self.0, 0o755);
    }
}

/// An unreadable folder is an error (`brief build` exits 1 on it): serve
/// reports it and keeps the last good version; made readable again, the
/// site is served as it was.
///
/// Needs src/load.rs to report an unreadable folder as an error; before
/// that it was a warning, the briefings under it silently left out.
#[test]
fn serve_reports_an_unreadable_folder_and_recovers_when_it_is_readable_again() {
    let site = fixture();
    // Root reads every folder: run brief as `nobody` instead.
    let wrap: &[&str] = if running_as_root() {
        give_to_nobody(site.outer());
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        &[]
    };
    let mut server = start(site.root(), &["--port", "0"], wrap);
    let mut tab = server.tab();
    let pages = ["/", FIRST_URL, "/briefings/second/", "/atom.xml"];
    let before: Vec<String> = pages.iter().map(|p| server.get(p).body).collect();
    server.page_has(FIRST_URL, "The original opening sentence.");

    let folder = site.path("content/briefings");
    let _restore = Restore(folder.clone());
    set_mode(&folder, 0o000);
    let problems = tab.next(&server, "problems", |d| d.contains("content/briefings"));
    assert!(problems.contains("cannot read"), "{problems}");
    // The terminal says so too (read by another thread: wait for it).
    server.wait_for_log("content/briefings: error: cannot read");
    server.page_has(FIRST_URL, "The original opening sentence.");

    set_mode(&folder, 0o755);
    tab.next(&server, "reload", |_| true);
    let after: Vec<String> = pages.iter().map(|p| server.get(p).body).collect();
    for ((page, before), after) in pages.iter().zip(&before).zip(&after) {
        assert!(
            before == after,
            "{page} differs from what was served before the folder turned unreadable"
        );
    }
}
