//! Build results → what the server holds and announces: the last good site, the current failure
//! (as an overlay), and the events open pages listen to. Also what the terminal says about each build.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;

use super::inject;
use super::site::Site;
use crate::error::{Diagnostic, render_one};
use crate::{Built, Options};

/// What open pages are told.
#[derive(Debug, Clone)]
pub enum Event {
    /// The site changed: reload.
    Reload,
    /// The last rebuild failed: show this overlay (HTML).
    Failed(Arc<str>),
}

pub struct Shared {
    pub site: RwLock<Arc<Site>>,
    /// The overlay of the current failure; `None` while the last build succeeded.
    pub failure: RwLock<Option<Arc<str>>>,
    /// Counts the builds whose output changed; with `started`, names the build a page has.
    pub generation: AtomicU64,
    pub started: u128,
    pub events: broadcast::Sender<Event>,
    warnings: RwLock<BTreeSet<String>>,
    /// What each build keeps for the next, so a rebuild redoes only what a change touches.
    pub cache: crate::cache::Cache,
}

impl Shared {
    pub fn new(base_path: &str) -> Shared {
        let (events, _) = broadcast::channel(64);
        Shared {
            site: RwLock::new(Arc::new(Site::empty(base_path))),
            failure: RwLock::new(None),
            generation: AtomicU64::new(0),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
            events,
            warnings: RwLock::new(BTreeSet::new()),
            cache: crate::cache::Cache::default(),
        }
    }

    pub fn site(&self) -> Arc<Site> {
        self.site.read().expect("site lock").clone()
    }

    pub fn failure(&self) -> Option<Arc<str>> {
        self.failure.read().expect("failure lock").clone()
    }

    /// Names the build open pages have, so one that reconnects after a missed event reloads.
    pub fn hello(&self) -> String {
        format!(
            "{}-{}",
            self.started,
            self.generation.load(Ordering::SeqCst)
        )
    }

    /// Takes a build's result (`saved`: the files whose change caused it, relative to the root).
    /// A good build replaces the site (and reloads pages when a byte changed, or when it ends a
    /// failure); a failed one keeps the site and shows the overlay.
    pub fn apply(
        &self,
        result: Result<Built, Vec<Diagnostic>>,
        why: Option<&str>,
        saved: &[String],
        started: Instant,
    ) {
        let (built_verb, build_noun) = match why {
            None => ("built".to_string(), "the build".to_string()),
            Some(w) => (format!("{w}; rebuilt"), format!("{w}; the rebuild")),
        };
        match result {
            Ok(built) => {
                self.print_new_warnings(&built.summary.warnings);
                let base_path = built.config.base_path.clone();
                let pages: usize = built.summary.pages.iter().map(|(_, n)| n).sum();
                let previous = self.site();
                let (site, changed) = Site::from_plan(built.plan, &base_path, &previous);
                let files = site.len();
                let was_failing = self.failure.write().expect("failure lock").take().is_some();
                let any = !changed.is_empty();
                if any {
                    *self.site.write().expect("site lock") = Arc::new(site);
                    self.generation.fetch_add(1, Ordering::SeqCst);
                }
                if any || was_failing {
                    let _ = self.events.send(Event::Reload);
                }
                let ms = started.elapsed().as_millis();
                let what = match changed.len() {
                    _ if previous.is_empty() => format!("{pages} pages, {files} files"),
                    0 => "nothing changed".to_string(),
                    1 => format!("{} changed", changed[0]),
                    n => format!("{n} files changed"),
                };
                let redone = match &built.summary.reuse {
                    Some(r) if !previous.is_empty() => format!(" ({r})"),
                    _ => String::new(),
                };
                println!("gloss: {built_verb} in {ms} ms: {what}{redone}");
            }
            Err(diagnostics) => {
                let mut errors: Vec<Diagnostic> = diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .cloned()
                    .collect();
                // The file just saved is most likely the cause: its errors first (a broken page
                // also breaks the links to it, elsewhere).
                errors.sort_by_key(|d| {
                    !d.location.as_ref().is_some_and(|l| {
                        saved
                            .iter()
                            .any(|s| l.file.as_path() == std::path::Path::new(s))
                    })
                });
                for (i, d) in errors.iter().enumerate() {
                    eprintln!("{}", render_one(d, i + 1));
                }
                let keeping = if self.site().is_empty() {
                    "nothing to serve yet"
                } else {
                    "still serving the last good build"
                };
                eprintln!(
                    "gloss: {build_noun} failed with {} error{}; {keeping}. Fix and save to rebuild.",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                );
                let overlay: Arc<str> = inject::overlay(&errors).into();
                *self.failure.write().expect("failure lock") = Some(overlay.clone());
                let _ = self.events.send(Event::Failed(overlay));
            }
        }
    }

    /// Warnings are printed once, not again on every rebuild while they stay the same.
    fn print_new_warnings(&self, warnings: &[Diagnostic]) {
        let rendered: Vec<String> = warnings
            .iter()
            .enumerate()
            .map(|(i, w)| render_one(w, i + 1))
            .collect();
        let keys: BTreeSet<String> = warnings
            .iter()
            .map(|w| format!("{:?}{}", w.location, w.message))
            .collect();
        let mut seen = self.warnings.write().expect("warnings lock");
        if *seen != keys {
            for r in &rendered {
                eprintln!("{r}");
            }
            *seen = keys;
        }
    }
}

/// One build for the server: in memory, nothing written. A crash of the build (a bug in gloss) is
/// reported like an error, so the server and its watcher live on to the next save.
pub fn build(opts: &Options, cache: &crate::cache::Cache) -> Result<Built, Vec<Diagnostic>> {
    let run = std::panic::AssertUnwindSafe(|| crate::build_with(opts, Some(cache)));
    match std::panic::catch_unwind(run) {
        Ok(result) => result.map_err(|f| f.diagnostics),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(vec![
                Diagnostic::error(format!("gloss crashed while building the site: {what}"))
                    .help("this is a bug in gloss: please report it with the file you just saved"),
            ])
        }
    }
}
