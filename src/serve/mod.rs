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

use crate::diag::Diagnostic;
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
    // notify reports absolute paths, and a relative root (the default `.`
    // among them) is never a prefix of one: every save would be dropped as
    // outside the site. The root as given is kept for printing, so
    // diagnostics read `content/briefings/x.md:3:1` from inside the site.
    let root = std::path::absolute(&opts.root).map_err(|e| io_error(&opts.root, e))?;
    let listener = bind(opts.bind, opts.port).await?;
    let addr = listener.local_addr().map_err(|e| io_error(&root, e))?;
    let url = format!("http://{}/", display(addr));
    let mut build = Options::new(&root);
    build.publish = Publish {
        drafts: true,
        future: true,
    };
    build.base_url = Some(url.clone());
    let started = Instant::now();
    let (workspace, mut first) = tokio::task::spawn_blocking(move || Workspace::open(build))
        .await
        .map_err(|e| Error::Usage(format!("initial build panicked: {e}")))??;
    print_update(&opts.root, &first, started.elapsed(), true);
    let shared = Shared::new(addr, (!first.failed).then(|| workspace.outputs().clone()));
    shared.update_search(&workspace.language(), &mut first);
    if first.failed {
        shared.publish(Message::problems(&first.diagnostics));
    }
    // Watching starts before the URL is printed: a save made as soon as
    // the server answers is seen.
    let watcher = SiteWatcher::start(&root, opts.poll).map_err(|e| {
        Error::Usage(format!(
            "cannot watch {} for changes: {e}; pass --poll to poll for them instead",
            opts.root.display()
        ))
    })?;
    let watcher_shared = shared.clone();
    let shown_root = opts.root.clone();
    let shown = first.diagnostics.clone();
    std::thread::Builder::new()
        .name("brief-watch".into())
        .spawn(move || {
            if let Err(e) = watch(workspace, watcher, &shown_root, &watcher_shared, shown) {
                eprintln!("error: watching stopped: {e}");
            }
        })
        .map_err(|e| io_error(&root, e))?;
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
        .map_err(|e| io_error(&root, e))
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

/// The file-system watcher on a site (an absolute root: notify reports
/// absolute paths).
struct SiteWatcher {
    root: PathBuf,
    watcher: Box<dyn Watcher + Send>,
    /// The folders watched recursively.
    watched: BTreeSet<PathBuf>,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
}

impl SiteWatcher {
    fn start(root: &Path, poll: bool) -> notify::Result<SiteWatcher> {
        let (tx, events) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher: Box<dyn Watcher + Send> = if poll {
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(200))
                .with_compare_contents(true);
            Box::new(notify::PollWatcher::new(tx, config)?)
        } else {
            Box::new(notify::recommended_watcher(tx)?)
        };
        // The root itself, not recursively: catches site.toml (even when an
        // editor replaces it) and content/, static/ or themes/ appearing.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            watcher,
            watched: BTreeSet::new(),
            events,
        };
        w.watch_dirs();
        Ok(w)
    }

    /// Watches content/, static/ and themes/, those not watched yet.
    fn watch_dirs(&mut self) {
        for dir in TOP_DIRS {
            let path = self.root.join(dir);
            if path.is_dir()
                && !self.watched.contains(&path)
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(path);
            }
        }
    }

    /// Stops watching a top folder, so that [`Self::watch_dirs`] watches
    /// whatever folder is at its path now.
    fn forget(&mut self, path: &Path) {
        if self.watched.remove(path) {
            // Fails when notify already dropped the watch (the folder was
            // deleted): nothing to undo then.
            let _ = self.watcher.unwatch(path);
        }
    }
}

/// The folders watched recursively, each on its own.
const TOP_DIRS: [&str; 3] = ["content", "static", "themes"];

/// Rebuilds on every (debounced) change; `shown_root` is the root as the
/// user gave it, for printing; `shown`, the diagnostics last printed.
fn watch(
    mut workspace: Workspace,
    mut w: SiteWatcher,
    shown_root: &Path,
    shared: &Shared,
    mut shown: Vec<Diagnostic>,
) -> notify::Result<()> {
    let root = w.root.clone();
    let mut had_problems = false;
    loop {
        let Ok(first) = w.events.recv() else {
            return Ok(());
        };
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        collect(&root, first, &mut paths);
        let started = Instant::now();
        while started.elapsed() < MAX_WAIT {
            match w.events.recv_timeout(DEBOUNCE) {
                Ok(event) => collect(&root, event, &mut paths),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        if paths.is_empty() {
            continue;
        }
        // inotify watches a folder, not its path: when a top folder itself
        // was moved, deleted or replaced, its watch went with the old one
        // (to the trash, say) and would never hear the folder now there.
        for dir in TOP_DIRS {
            let path = root.join(dir);
            if paths.contains(&path) {
                w.forget(&path);
            }
        }
        w.watch_dirs();
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
            print_update(shown_root, &update, rebuild_started.elapsed(), false);
            shown = update.diagnostics.clone();
            shared.publish(Message::problems(&update.diagnostics));
        } else if !update.changed.is_empty() || had_problems {
            had_problems = false;
            let first_version = shared.update_outputs(workspace.outputs(), &update.changed);
            print_update(shown_root, &update, rebuild_started.elapsed(), false);
            shown = update.diagnostics.clone();
            // Before the first good build every URL got the placeholder
            // page, whatever output it names: every tab reloads.
            let changed = if first_version {
                vec!["*".to_string()]
            } else {
                update.changed
            };
            shared.publish(Message::reload(changed));
        } else if update.diagnostics != shown {
            // Only the warnings changed (a stray file saved or deleted,
            // say): no page to reload, but the terminal says so.
            print_update(shown_root, &update, rebuild_started.elapsed(), false);
            shown = update.diagnostics;
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
        if crate::load::input_of(rel).is_some() {
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
        // A failed first build has no last good version to fall back on.
        let serving = if first {
            "nothing built yet: every page shows the errors until they are fixed"
        } else {
            "still serving the last good version"
        };
        eprintln!(
            "{errors} error{} — {serving} ({ms} ms)",
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
