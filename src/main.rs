//! The `gloss` command line: build, check, serve; prints diagnostics and sets the exit code.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Why jemalloc: see Cargo.toml.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// jemalloc's options, read when it starts (`_RJEM_MALLOC_CONF` in the environment still overrides
// them): its memory in transparent huge pages, where Linux gives them on request. A build touches
// a few hundred MB once; in 4 KB pages that was 89,000 page faults and as many TLB misses (1,000
// corpus: user time -5.5%, faults 89,000 -> 5,000, peak memory +5%).
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &u8 = &b"thp:always,metadata_thp:always\0"[0];

use gloss::config::Overrides;
use gloss::error::{Diagnostic, render_all, render_one};
use gloss::{Options, Summary};

#[derive(Parser)]
#[command(
    name = "gloss",
    version,
    about = "A static site generator for annotated, bilingual interviews"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (default: book/)
    Build {
        /// The site's folder (holding book.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: `[build] build-dir` from book.toml, else book/)
        #[arg(long)]
        out: Option<PathBuf>,
        /// The site's public URL, e.g. https://USER.github.io/REPO/ (overrides book.toml)
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Check everything `build` checks, writing nothing
    Check {
        /// The site's folder (holding book.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the site: build it in memory, serve it, rebuild and reload on every save
    Serve {
        /// The site's folder (holding book.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on; anything but loopback shows the preview to your network
        #[arg(long, default_value = "127.0.0.1", value_parser = parse_bind)]
        bind: IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Serve under this URL's path, e.g. https://USER.github.io/REPO/ (overrides book.toml)
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
        } => {
            let opts = Options {
                root,
                overrides: Overrides {
                    out,
                    base_url,
                    drafts,
                },
                write: true,
            };
            run(&opts, "built")
        }
        Command::Check { root, drafts } => {
            let opts = Options {
                root,
                overrides: Overrides {
                    drafts,
                    ..Overrides::default()
                },
                write: false,
            };
            run(&opts, "checked")
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            base_url,
            drafts,
        } => {
            let opts = gloss::serve::ServeOptions {
                build: Options {
                    root,
                    overrides: Overrides {
                        base_url,
                        drafts,
                        out: None,
                    },
                    write: false,
                },
                bind,
                port,
                open,
            };
            match gloss::serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(d) => {
                    eprint!("{}", render_one(&d, 1));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// An IP address, or `localhost`.
fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::from([127, 0, 0, 1]));
    }
    s.parse().map_err(|_| {
        format!("`{s}` is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or one of this computer's addresses)")
    })
}

fn run(opts: &Options, verb: &str) -> ExitCode {
    match gloss::build(opts) {
        Ok(summary) => {
            print_warnings(&summary.warnings);
            println!("{}", summary_line(&summary, verb, opts.write));
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", render_all(&failure.diagnostics));
            ExitCode::FAILURE
        }
    }
}

fn print_warnings(warnings: &[Diagnostic]) {
    for (i, w) in warnings.iter().enumerate() {
        eprintln!("{}", render_one(w, i + 1));
    }
}

fn summary_line(s: &Summary, verb: &str, wrote: bool) -> String {
    let pages: Vec<String> = s.pages.iter().map(|(l, n)| format!("{n} {l}")).collect();
    let warnings = match s.warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".into(),
        n => format!(", {n} warnings"),
    };
    let dest = if wrote {
        format!(" into {}", s.out_dir.display())
    } else {
        String::new()
    };
    format!(
        "gloss: {verb} {} pages ({}), {} files{dest} in {} ms{warnings}",
        s.pages.iter().map(|(_, n)| n).sum::<usize>(),
        pages.join(", "),
        s.files,
        s.elapsed.as_millis()
    )
}
