//! The `brief` binary: parse the command line, run a command, print
//! diagnostics, exit with 0 (success), 1 (content errors) or 2 (usage or I/O).

use std::ffi::{c_int, c_long};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

mod cli;

use brief::resolve::Publish;
use brief::{Options, Report};
use cli::{Cli, Command};

// Parsing, highlighting and templating allocate many short strings on every
// thread. Interleaved runs on the 10,000-briefing benchmark: mimalloc median
// 3.70 s, glibc malloc 4.14 s (bench/README.md), for ~20 MiB more peak memory.
// The `override` feature routes C's malloc to it too: oniguruma, syntect's
// regex engine, allocates a match region per search (glibc's malloc and free
// were 3.5% of a build; callgrind on the 1,000-briefing site, one thread:
// 6.21 -> 5.98 billion instructions).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's `mi_option_purge_delay` (v3's `mimalloc.h`; the Rust bindings
// name no constant for it).
const MI_OPTION_PURGE_DELAY: c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(target_os = "linux")]
    fn prctl(option: c_int, ...) -> c_int;
}

/// By default mimalloc hands freed memory back to the kernel 10 ms after it
/// is freed, and a build frees and reallocates in waves (per briefing, then
/// per stage), so the kernel zeroes the same pages again and again. brief
/// keeps what it freed instead: its peak is its footprint either way (a
/// build is short; `serve` holds the whole site). 10,000-briefing benchmark:
/// 5,000 page faults become 900, about 0.2 s of a 4.5 s build.
///
/// mimalloc also asks for transparent huge pages, and the kernel then backs
/// every touched 2 MiB of an arena in full. Without them, 10 interleaved
/// runs each on the 10,000-briefing site (tmpfs output): peak 224 -> 197
/// MiB, median wall 3.37 -> 3.30 s: 46,700 small page faults instead of
/// 590, which zeroing less memory pays for. mimalloc's own `allow_thp`
/// option is read at start-up, before `main`, so the process-wide switch it
/// would set (`PR_SET_THP_DISABLE`, which overrides mimalloc's madvise) is
/// set here instead.
fn tune_allocator() {
    // SAFETY: sets one documented integer option; no other thread runs yet.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    {
        const PR_SET_THP_DISABLE: c_int = 41;
        // The kernel reads four `unsigned long`s and rejects the call unless
        // the last three are 0; a variadic call must pass them at that width.
        let (on, zero): (std::ffi::c_ulong, std::ffi::c_ulong) = (1, 0);
        // SAFETY: a plain prctl with integer arguments; it only sets a flag
        // on this process's memory map and fails harmlessly on old kernels.
        unsafe { prctl(PR_SET_THP_DISABLE, on, zero, zero, zero) };
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build(args) => {
            // An interrupted build removes its staging folder before exiting.
            brief::write::clean_up_on_signals()
                .map_err(|e| anyhow::anyhow!("cannot handle signals: {e}"))?;
            let mut opts = Options::new(&args.root);
            opts.publish = Publish {
                drafts: args.drafts,
                future: args.future,
            };
            opts.base_url = args.base_url;
            opts.search = !args.no_search;
            let output = args.output.unwrap_or_else(|| args.root.join("public"));
            let report = brief::build(&opts, &output)?;
            print_diagnostics(&args.root, &report);
            if report.errors() > 0 {
                eprintln!(
                    "build failed: {}; {} left as it was",
                    counts(&report),
                    output.display()
                );
                return Ok(ExitCode::from(1));
            }
            println!(
                "built {} and {} ({} files) into {} in {} ms{}",
                plural(report.briefings, "briefing"),
                plural(report.pages, "page"),
                report.outputs,
                output.display(),
                report.millis,
                if report.warnings() > 0 {
                    format!(" with {}", counts(&report))
                } else {
                    String::new()
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            let report = brief::check(&Options::new(&args.root))?;
            print_diagnostics(&args.root, &report);
            let failed = report.errors() > 0 || (args.strict && report.warnings() > 0);
            if failed {
                eprintln!("check failed: {}", counts(&report));
                return Ok(ExitCode::from(1));
            }
            println!(
                "checked {} and {}: {}",
                plural(report.briefings, "briefing"),
                plural(report.pages, "page"),
                counts(&report)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => {
            brief::serve::run(brief::serve::ServeOptions {
                root: args.root,
                bind: args.bind,
                port: args.port,
                poll: args.poll,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New(args) => {
            let date = match &args.date {
                Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|e| {
                    anyhow::anyhow!("invalid --date `{d}`: {e}; write it as YYYY-MM-DD")
                })?,
                None => chrono::Local::now().date_naive(),
            };
            let path = brief::scaffold::new_briefing(&args.root, &args.title, &args.tags, date)?;
            println!("created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(args) => {
            let created = brief::init::init(&args.dir, brief::init::sample_date())?;
            print!("{created}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_diagnostics(root: &Path, report: &Report) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let prefix = if root == Path::new(".") {
        Path::new("")
    } else {
        root
    };
    for d in &report.diagnostics {
        eprint!("{}", d.render(prefix, color));
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn counts(report: &Report) -> String {
    format!(
        "{}, {}",
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning")
    )
}
