//! The command line, with clap derive: one args struct per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// brief: a static-site generator for briefing publications.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new publication in DIR: settings, a sample briefing, its
    /// source, the explainer and an about page, ready to check and build.
    Init(InitArgs),
    /// Build the site into the output directory (public/ by default).
    Build(BuildArgs),
    /// Report every problem in the site without writing anything.
    Check(CheckArgs),
    /// Preview the site: build it in memory, serve it, rebuild on every save
    /// and reload open browser tabs.
    Serve(ServeArgs),
    /// Scaffold a new briefing in content/briefings/.
    New(NewArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: <root>/public]
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Include briefings dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Use this base URL instead of site.toml's `base_url`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Skip the full-text search index (faster builds of large sites; the
    /// search page then finds nothing).
    #[arg(long)]
    pub no_search: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on; anything but a loopback address exposes
    /// the preview to your network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port; if it is taken, the next free one is used.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Poll for changes instead of waiting for file-system events (network
    /// drives, some containers and VMs).
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The briefing's title.
    pub title: String,
    /// Comma-separated tags, e.g. `--tags rare-earths,london-talks`.
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The date, `YYYY-MM-DD` [default: today]
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new site's folder; created if missing, refused unless empty.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}
