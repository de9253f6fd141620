//! `brief serve`: the site in memory, rebuilt incrementally on every save,
//! served over HTTP with live reload.
//!
//! Three parts: the [`workspace::Workspace`] (incremental rebuilds), a
//! watcher thread (notify events, debounced into one rebuild per save), and
//! the HTTP server ([`http`]) that serves the last good outputs and tells
//! open tabs, over server-sent events, what changed or what is broken.

pub mod http;
pub mod workspace;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::resolve::Publish;
use crate::{Error, Options};
use http::{Message, Shared};
use workspace::{Update, Workspace};

/// What `brief serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Poll the filesystem instead of waiting for events (network drives,
    /// some containers).
    pub poll: bool,
}

/// Quiet time after the last event before rebuilding: editors write a
/// file in several steps (temp file, rename, swap files).
const DEBOUNCE: Duration = Duration::from_millis(15);
/// A rebuild starts at the latest this long after the first event, even if
/// events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(250);
/// How many ports after the requested one to try when it is taken.
const PORT_TRIES: u16 = 10;

/// Runs the server until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| io_error(&opts.root, e))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: ServeOptions) -> Result<(), Error> {
    let listener = bind(opts.bind, opts.port).await?;
    let addr = listener.local_addr().map_err(|e| io_error(&opts.root, e))?;
    let url = format!("http://{}/", display(addr));
    let mut build = Options::new(&opts.root);
    build.publish = Publish {
        drafts: true,
        future: true,
    };
    build.base_url = Some(url.clone());
    let started = Instant::now();
    let (workspace, mut first) = tokio::task::spawn_blocking(move || Workspace::open(build))
        .await
        .map_err(|e| Error::Usage(format!("initial build panicked: {e}")))??;
    print_update(workspace.root(), &first, started.elapsed(), true);
    let shared = Shared::new(addr, workspace.outputs().clone());
    shared.update_search(&workspace.language(), &mut first);
    if first.failed {
        shared.publish(Message::problems(&first.diagnostics));
    }
    let watcher_shared = shared.clone();
    let poll = opts.poll;
    std::thread::Builder::new()
        .name("brief-watch".into())
        .spawn(move || {
            if let Err(e) = watch(workspace, poll, &watcher_shared) {
                eprintln!("error: watching stopped: {e}");
            }
        })
        .map_err(|e| io_error(&opts.root, e))?;
    println!("serving {url} (drafts and scheduled briefings included); press Ctrl-C to stop");
    // Ctrl-C stops at once: open tabs hold event streams that never end,
    // so a graceful shutdown would wait for them forever. Nothing is lost:
    // serve writes nothing to disk.
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            println!();
            std::process::exit(0);
        }
    });
    axum::serve(listener, http::router(shared))
        .await
        .map_err(|e| io_error(&opts.root, e))
}

/// Binds the requested port, or the next free one with a note.
async fn bind(ip: IpAddr, port: u16) -> Result<tokio::net::TcpListener, Error> {
    let mut last = None;
    for offset in 0..=PORT_TRIES {
        let Some(p) = port.checked_add(offset) else {
            break;
        };
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => {
                if offset > 0 {
                    eprintln!(
                        "note: port {port} is in use; using {p} instead (pass --port to choose)"
                    );
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => last = Some(e),
            Err(e) => {
                return Err(Error::Usage(format!(
                    "cannot listen on {}: {e}",
                    SocketAddr::new(ip, p)
                )));
            }
        }
    }
    Err(Error::Usage(format!(
        "ports {port} to {} are all in use ({}); pass --port with a free one",
        port.saturating_add(PORT_TRIES),
        last.map_or_else(String::new, |e| e.to_string())
    )))
}

fn display(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => v4.to_string(),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        cause: source,
    }
}

/// The folders and files a site's output depends on.
const WATCHED: [&str; 4] = ["content", "static", "themes", "site.toml"];

/// Watches the site and rebuilds on every (debounced) change.
fn watch(mut workspace: Workspace, poll: bool, shared: &Shared) -> notify::Result<()> {
    let root = workspace.root().to_path_buf();
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher: Box<dyn Watcher> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(200))
            .with_compare_contents(true);
        Box::new(notify::PollWatcher::new(tx, config)?)
    } else {
        Box::new(notify::recommended_watcher(tx)?)
    };
    // The root itself, not recursively: catches site.toml (even when an
    // editor replaces it) and content/, static/ or themes/ appearing.
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let watch_dirs = |watcher: &mut Box<dyn Watcher>, watched: &mut BTreeSet<PathBuf>| {
        for dir in ["content", "static", "themes"] {
            let path = root.join(dir);
            if path.is_dir()
                && !watched.contains(&path)
                && watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                watched.insert(path);
            }
        }
    };
    watch_dirs(&mut watcher, &mut watched);
    let mut had_problems = false;
    loop {
        let Ok(first) = rx.recv() else { return Ok(()) };
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        collect(&root, first, &mut paths);
        let started = Instant::now();
        while started.elapsed() < MAX_WAIT {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(event) => collect(&root, event, &mut paths),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        if paths.is_empty() {
            continue;
        }
        watch_dirs(&mut watcher, &mut watched);
        let rebuild_started = Instant::now();
        workspace.set_now(chrono::Utc::now());
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        let mut update = match workspace.update(&paths) {
            Ok(u) => u,
            Err(e) => {
                eprintln!("error: {e}");
                continue;
            }
        };
        if update.unchanged {
            // An editor touched a file, or saved the same bytes.
            continue;
        }
        if !update.failed {
            // Queued before the reload is announced, so a search made after
            // it waits for these pages; the save itself never does.
            shared.update_search(&workspace.language(), &mut update);
        }
        if update.failed {
            had_problems = true;
            print_update(&root, &update, rebuild_started.elapsed(), false);
            shared.publish(Message::problems(&update.diagnostics));
        } else if !update.changed.is_empty() || had_problems {
            had_problems = false;
            shared.update_outputs(workspace.outputs(), &update.changed);
            print_update(&root, &update, rebuild_started.elapsed(), false);
            shared.publish(Message::reload(update.changed));
        }
    }
}

/// Keeps the paths of an event that can affect the site.
fn collect(root: &Path, event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) {
    let Ok(event) = event else { return };
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return;
    }
    for path in event.paths {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let first = rel.iter().next().and_then(|c| c.to_str()).unwrap_or("");
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if WATCHED.contains(&first) && !crate::load::is_ignored_name(name) {
            paths.insert(path);
        }
    }
}

fn print_update(root: &Path, update: &Update, took: Duration, first: bool) {
    let prefix = if root == Path::new(".") {
        Path::new("")
    } else {
        root
    };
    for d in &update.diagnostics {
        eprint!("{}", d.render(prefix, false));
    }
    let errors = update.diagnostics.iter().filter(|d| d.is_error()).count();
    let ms = took.as_millis();
    if update.failed {
        eprintln!(
            "{errors} error{} — still serving the last good version ({ms} ms)",
            if errors == 1 { "" } else { "s" }
        );
    } else if first {
        println!("built {} outputs in {ms} ms", update.rendered.total());
    } else {
        println!(
            "rebuilt in {ms} ms: {} file{} re-parsed, {} output{} rendered, {} changed",
            update.reparsed,
            if update.reparsed == 1 { "" } else { "s" },
            update.rendered.total(),
            if update.rendered.total() == 1 {
                ""
            } else {
                "s"
            },
            update.changed.len()
        );
    }
}
