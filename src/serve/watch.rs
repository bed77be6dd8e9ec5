//! File-system events under `content/`, `templates/`, `static/` and `book.toml` → rebuilds.
//! Events are debounced (notify-debouncer-full), editor leftovers and reads are ignored, a burst of
//! saves gives one rebuild, and folders that vanish or reappear are watched again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use super::state::{Shared, build};
use crate::Options;
use crate::config;
use crate::error::Diagnostics;

/// How long the files must stay quiet before a rebuild: long enough to gather an editor's
/// write-rename-chmod burst, short enough not to be felt.
const QUIET: Duration = Duration::from_millis(30);

/// What is watched: the folders and the config file a build reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub root: PathBuf,
    pub book_toml: PathBuf,
    pub dirs: Vec<PathBuf>,
    /// Never a reason to rebuild (the user's `gloss build` output may sit inside the root).
    pub out_dir: Option<PathBuf>,
}

impl Watched {
    /// From the config as it is now on disk (book.toml may have moved the folders).
    pub fn of(opts: &Options) -> Watched {
        let root = crate::fs::absolute(&opts.root);
        match config::load(&root, &opts.overrides, &Diagnostics::new()) {
            Ok(c) => Watched {
                book_toml: root.join("book.toml"),
                dirs: vec![c.content_dir, c.templates_dir, c.static_dir],
                out_dir: Some(c.out_dir),
                root,
            },
            Err(_) => Watched {
                book_toml: root.join("book.toml"),
                dirs: ["content", "templates", "static"]
                    .iter()
                    .map(|d| root.join(d))
                    .collect(),
                out_dir: None,
                root,
            },
        }
    }

    /// Whether a change at `path` can change the site.
    pub fn matters(&self, path: &Path) -> bool {
        if path == self.book_toml {
            return true;
        }
        if self.out_dir.as_deref().is_some_and(|o| path.starts_with(o)) {
            return false;
        }
        self.dirs.iter().any(|d| {
            path.strip_prefix(d).is_ok_and(|rel| {
                !rel.components()
                    .any(|c| crate::load::is_ignored(&c.as_os_str().to_string_lossy()))
            })
        })
    }

    /// Whether the change touches what is watched itself (a folder created, moved, deleted).
    fn reshapes(&self, path: &Path) -> bool {
        path == self.book_toml || self.dirs.iter().any(|d| d == path || d.starts_with(path))
    }
}

/// Watches and rebuilds on its own thread until the process ends. Returns once the folders are
/// watched, so that a save right after the server says it is ready is not missed.
pub fn spawn(shared: Arc<Shared>, opts: Options) -> std::io::Result<()> {
    let (ready_tx, ready) = mpsc::channel();
    std::thread::Builder::new()
        .name("gloss-watch".into())
        .spawn(move || {
            if let Err(e) = run(&shared, &opts, ready_tx) {
                eprintln!(
                    "gloss: could not watch the site's files ({e}); changes will not be rebuilt"
                );
            }
        })?;
    let _ = ready.recv_timeout(Duration::from_secs(30));
    Ok(())
}

fn run(
    shared: &Shared,
    opts: &Options,
    ready: mpsc::Sender<()>,
) -> Result<(), notify_debouncer_full::notify::Error> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(QUIET, Some(QUIET / 3), tx)?;
    let mut watched = Watched::of(opts);
    let mut current: Vec<PathBuf> = Vec::new();
    let rewatch = |debouncer: &mut notify_debouncer_full::Debouncer<_, _>,
                   watched: &Watched,
                   current: &mut Vec<PathBuf>| {
        for d in current.drain(..) {
            let _ = debouncer.unwatch(&d);
        }
        // Folders first, so the debouncer's rename tracking sees them as recursive.
        for d in &watched.dirs {
            if d.is_dir() && debouncer.watch(d, RecursiveMode::Recursive).is_ok() {
                current.push(d.clone());
            }
        }
        // The root itself, not recursively: book.toml, and the folders being created or moved.
        let _ = debouncer.watch(&watched.root, RecursiveMode::NonRecursive);
    };
    rewatch(&mut debouncer, &watched, &mut current);
    let _ = ready.send(());

    while let Ok(first) = rx.recv() {
        let started = Instant::now();
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let mut paths: Vec<PathBuf> = Vec::new();
        for result in batch {
            match result {
                Ok(events) => {
                    for e in events {
                        // Reads (the build's own included) change nothing.
                        if matches!(e.event.kind, EventKind::Access(_)) {
                            continue;
                        }
                        paths.extend(e.event.paths.iter().cloned());
                    }
                }
                Err(errors) => {
                    for e in errors {
                        eprintln!("gloss: file watching: {e}");
                    }
                }
            }
        }
        let relevant: Vec<&PathBuf> = paths.iter().filter(|p| watched.matters(p)).collect();
        if relevant.is_empty() {
            continue;
        }
        let why = describe(&relevant, &watched.root);
        let saved: Vec<String> = relevant
            .iter()
            .map(|p| crate::fs::rel_string(p, &watched.root))
            .collect();
        if relevant.iter().any(|p| watched.reshapes(p)) {
            let now = Watched::of(opts);
            watched = now;
            rewatch(&mut debouncer, &watched, &mut current);
        }
        shared.apply(build(opts, &shared.cache), Some(&why), &saved, started);
    }
    Ok(())
}

/// `content/a.md changed` or `3 files changed`, for the terminal.
fn describe(paths: &[&PathBuf], root: &Path) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .map(|p| crate::fs::rel_string(p, root))
        .collect();
    shown.sort();
    shown.dedup();
    match shown.as_slice() {
        [one] => format!("{one} changed"),
        many => format!("{} files changed", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched() -> Watched {
        Watched {
            root: "/site".into(),
            book_toml: "/site/book.toml".into(),
            dirs: vec![
                "/site/content".into(),
                "/site/templates".into(),
                "/site/static".into(),
            ],
            out_dir: Some("/site/book".into()),
        }
    }

    #[test]
    fn editor_leftovers_and_the_output_do_not_trigger_rebuilds() {
        let w = watched();
        for p in [
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/4913",
            "/site/content/#a.md#",
            "/site/content/.git/index",
            "/site/book/index.html",
            "/site/target/debug/gloss",
            "/site/README.md",
        ] {
            assert!(!w.matters(Path::new(p)), "{p}");
        }
        for p in [
            "/site/content/a.md",
            "/site/content/sub",
            "/site/templates/base.html",
            "/site/static/gloss.css",
            "/site/book.toml",
            "/site/content",
        ] {
            assert!(w.matters(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn moving_a_watched_folder_reshapes_the_watch() {
        let w = watched();
        assert!(w.reshapes(Path::new("/site/content")));
        assert!(w.reshapes(Path::new("/site/book.toml")));
        assert!(!w.reshapes(Path::new("/site/content/a.md")));
    }
}
