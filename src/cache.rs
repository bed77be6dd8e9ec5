//! What `gloss serve` keeps from one build to the next. In: a stage's key (a file, an output path)
//! and a signature of everything its result is made from; out: the previous build's result when
//! the signature is unchanged, so a rebuild redoes only what a change touches.
//!
//! Signatures are hashes of content (file texts, the directory of pages, templates, config),
//! never of timestamps alone, except to skip re-reading a file whose size and modification time
//! are unchanged. A build that fails keeps the previous entries; only a good one replaces them.

use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use std::path::{Path, PathBuf};

use tera::Tera;

use crate::anchor::Anchors;
use crate::error::{Diagnostic, Diagnostics};
use crate::glossary::Glossary;
use crate::link::{PageLinks, PageResolved};
use crate::page::{Checked, Front};
use crate::parse::Doc;
use crate::render::Output;
use crate::search::docs::SearchPage;
use crate::search::index::PageWork;
use crate::view::{PassageView, SpeakerTurn};

mod signatures;
pub use signatures::{
    Signatures, feed_signature, global_signature, listing_signature, page_signatures,
    shown_signatures, sitemap_signature, speaker_signature, topic_signature,
};

/// Results of one kind, by key, with the signature each was made from.
///
/// One map for all builds: an entry a build uses is marked with the build's number, and when
/// the build finishes the entries it did not use go. A reused entry is neither moved nor keyed
/// again (a rebuild at 5,000 interviews asks ~130,000 of them), and readers share the lock.
pub struct Stash<V> {
    map: RwLock<foldhash::HashMap<String, Entry<V>>>,
    /// Entries this build replaced, put back if it never finishes (a failed build).
    replaced: Mutex<Vec<(String, Entry<V>)>>,
    build: AtomicU32,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

struct Entry<V> {
    sig: u64,
    /// The number of the last build that used it.
    used: AtomicU32,
    v: V,
}

impl<V> Default for Stash<V> {
    fn default() -> Self {
        Stash {
            map: RwLock::default(),
            replaced: Mutex::default(),
            build: AtomicU32::new(0),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone> Stash<V> {
    /// The result for `key` made from `sig`: the previous build's, or `make`'s.
    pub fn get_or(&self, key: &str, sig: u64, make: impl FnOnce() -> V) -> V {
        let made: Result<V, std::convert::Infallible> = self.try_get_or(key, sig, || Ok(make()));
        match made {
            Ok(v) => v,
        }
    }

    /// Like `get_or`, for a `make` that may fail; a failure is not kept.
    pub fn try_get_or<E>(
        &self,
        key: &str,
        sig: u64,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        self.fetch(key, sig, make).map(|(v, _)| v)
    }

    /// Like `try_get_or`, also saying whether the result was the previous build's.
    pub fn fetch<E>(
        &self,
        key: &str,
        sig: u64,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<(V, bool), E> {
        if let Some(v) = self.take(key, sig) {
            return Ok((v, true));
        }
        let v = make()?;
        self.put(key, sig, v.clone());
        Ok((v, false))
    }

    /// The previous build's result for `key` if it was made from `sig`; when it was not, the
    /// caller makes it and hands it to `put`.
    pub fn take(&self, key: &str, sig: u64) -> Option<V> {
        self.take_if(key, sig, |_| true)
    }

    /// Like `take`, for a result that also depends on things its signature cannot name in
    /// advance: it is taken only when `fresh` says they are unchanged.
    pub fn take_if(&self, key: &str, sig: u64, fresh: impl FnOnce(&V) -> bool) -> Option<V> {
        let kept = {
            let map = self.map.read().expect("cache lock");
            map.get(key)
                .filter(|e| e.sig == sig && fresh(&e.v))
                .map(|e| {
                    e.used
                        .store(self.build.load(Ordering::Relaxed), Ordering::Relaxed);
                    e.v.clone()
                })
        };
        let counter = if kept.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        kept
    }

    /// Keeps `v`, made from `sig`, for the next build.
    pub fn put(&self, key: &str, sig: u64, v: V) {
        let build = self.build.load(Ordering::Relaxed);
        let entry = Entry {
            sig,
            used: AtomicU32::new(build),
            v,
        };
        let old = self
            .map
            .write()
            .expect("cache lock")
            .insert(key.to_string(), entry);
        // What an earlier build left is kept aside until this one finishes.
        if let Some(old) = old.filter(|o| o.used.load(Ordering::Relaxed) != build) {
            self.replaced
                .lock()
                .expect("cache lock")
                .push((key.to_string(), old));
        }
    }

    fn begin(&self) {
        // A build that failed never finished: what it replaced goes back (the oldest last, so
        // it wins), and the rest stays until a build finishes without using it.
        let unfinished = std::mem::take(&mut *self.replaced.lock().expect("cache lock"));
        let mut map = self.map.write().expect("cache lock");
        for (key, entry) in unfinished.into_iter().rev() {
            map.insert(key, entry);
        }
        self.build.fetch_add(1, Ordering::Relaxed);
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Keeps what this build used; entries of deleted files and pages go.
    fn finish(&self) {
        self.replaced.lock().expect("cache lock").clear();
        let build = self.build.load(Ordering::Relaxed);
        self.map
            .write()
            .expect("cache lock")
            .retain(|_, e| e.used.load(Ordering::Relaxed) == build);
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// Everything a build can take from the one before.
#[derive(Default)]
pub struct Cache {
    /// By content path; signed by size and modification time.
    pub fronts: Stash<Arc<Front>>,
    /// Checked pages (bodies not yet parsed), by content path; signed by the file's text, its
    /// original's (a translation inherits from it) and the config.
    pub pages: Stash<Checked>,
    /// Parsed bodies with the warnings parsing gave, by content path.
    pub docs: Stash<(Arc<Doc>, Vec<Diagnostic>)>,
    /// Where each annotation's quote was found (and the errors), by content path.
    pub anchors: Stash<(Anchors, Vec<Diagnostic>)>,
    /// Notes placed and glossary terms found, by content path.
    pub page_links: Stash<PageLinks>,
    /// Each page's links resolved, by content path.
    pub resolved: Stash<Arc<PageResolved>>,
    /// Rendered pages with the warnings rendering gave, by output path.
    pub renders: Stash<(Output, Vec<Diagnostic>)>,
    /// Rendered topic and speaker pages, signed by every page they gather from.
    pub listings: Stash<(Output, Vec<Diagnostic>)>,
    /// Pages that gather from every page (home, sections, the speakers list, the glossary) and
    /// the search and 404 pages, signed by what they show of the pages they list
    /// (`listing_signature`).
    pub views: Stash<(Output, Vec<Diagnostic>)>,
    /// Annotation exports, by page URL.
    pub exports: Stash<Option<(String, bytes::Bytes)>>,
    /// Topic pages' passages with the warnings their notes gave, by page, passage and language.
    pub passages: Stash<(Arc<PassageView>, Vec<Diagnostic>)>,
    /// Turns as speaker pages list them, by page URL and turn.
    pub speaker_turns: Stash<Arc<SpeakerTurn>>,
    /// What topic and speaker pages show of each page (`shown_signatures`), by page URL.
    pub shown: Stash<(u64, Vec<Diagnostic>)>,
    /// Search documents of a page, tokenised, by page URL.
    pub search: Stash<Arc<(SearchPage, PageWork)>>,
    /// The sitemap and the feeds, signed by what they list of every page.
    pub publish: Stash<(bytes::Bytes, Vec<Diagnostic>)>,
    /// The search index's postings with the pages they were made from (search/postings.rs).
    pub postings: Mutex<crate::search::postings::Kept>,
    /// Every page's related interviews, under one key: signed by every page's topics.
    pub related: Stash<Arc<Vec<Vec<usize>>>>,
    /// The glossary with the warnings reading it gave, signed by its file's bytes.
    pub glossary: Stash<(Arc<Glossary>, Vec<Diagnostic>)>,
    /// The compiled templates (none when they failed), signed by the templates folder.
    pub templates: Stash<(Option<Arc<Tera>>, Vec<Diagnostic>)>,
}

/// How much of a build came from the cache, stage by stage.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reuse {
    pub stages: Vec<(&'static str, usize, usize)>,
}

impl Reuse {
    /// Pages rendered anew in this build.
    pub fn rendered(&self) -> usize {
        self.redone("render")
    }

    /// How many results of `stage` (as the serve log names it) were made anew in this build.
    pub fn redone(&self, stage: &str) -> usize {
        self.stages
            .iter()
            .find(|(s, _, _)| *s == stage)
            .map_or(0, |s| s.2)
    }
}

impl std::fmt::Display for Reuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(s, hit, miss)| format!("{s} {miss}/{}", hit + miss))
            .collect();
        write!(f, "redone: {}", parts.join(", "))
    }
}

impl<V: Clone> Stash<(V, Vec<Diagnostic>)> {
    /// The result for `key` made from `sig`, with the diagnostics making it pushed to
    /// `diags`: captured when made, replayed when reused, so a rebuild reports what a full build
    /// does. `make` must not hand work to other threads (see `Diagnostics::capturing`).
    pub fn replaying<E>(
        &self,
        diags: &Diagnostics,
        key: &str,
        sig: u64,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        match self.replay(diags, key, sig) {
            Some(v) => Ok(v),
            None => self.make_kept(diags, key, sig, make),
        }
    }

    /// The previous build's result for `key` if it was made from `sig`, its diagnostics pushed
    /// to `diags` again; when there is none, the caller makes it with `make_kept`.
    pub fn replay(&self, diags: &Diagnostics, key: &str, sig: u64) -> Option<V> {
        let (v, warnings) = self.take(key, sig)?;
        diags.extend(warnings);
        Some(v)
    }

    /// Makes the result for `key` from `sig`, capturing the diagnostics making it pushed, and
    /// keeps both for the next build.
    pub fn make_kept<E>(
        &self,
        diags: &Diagnostics,
        key: &str,
        sig: u64,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let (v, warnings) = diags.capturing(make);
        let v = v?;
        self.put(key, sig, (v.clone(), warnings));
        Ok(v)
    }

    /// Like `replaying`, for a `make` that cannot fail.
    pub fn replayed(
        &self,
        diags: &Diagnostics,
        key: &str,
        sig: u64,
        make: impl FnOnce() -> V,
    ) -> V {
        let made: Result<V, std::convert::Infallible> =
            self.replaying(diags, key, sig, || Ok(make()));
        let Ok(v) = made;
        v
    }
}

/// What a build does with every stash, whatever it holds.
trait Cycle {
    fn begin(&self);
    fn finish(&self);
    fn counts(&self) -> (usize, usize);
}

impl<V: Clone> Cycle for Stash<V> {
    fn begin(&self) {
        Stash::begin(self)
    }
    fn finish(&self) {
        Stash::finish(self)
    }
    fn counts(&self) -> (usize, usize) {
        Stash::counts(self)
    }
}

impl Cache {
    /// Every stash, named as the serve log names its stage.
    fn stashes(&self) -> [(&'static str, &dyn Cycle); 18] {
        [
            ("glossary", &self.glossary),
            ("templates", &self.templates),
            ("read", &self.fronts),
            ("check", &self.pages),
            ("parse", &self.docs),
            ("anchor", &self.anchors),
            ("link", &self.page_links),
            ("links resolved", &self.resolved),
            ("related", &self.related),
            ("render", &self.renders),
            ("listings", &self.listings),
            ("views", &self.views),
            ("publish", &self.publish),
            ("export", &self.exports),
            ("passages", &self.passages),
            ("speaker turns", &self.speaker_turns),
            ("shown", &self.shown),
            ("search", &self.search),
        ]
    }

    pub fn begin(&self) {
        for (_, s) in self.stashes() {
            s.begin();
        }
    }

    pub fn finish(&self) -> Reuse {
        let stashes = self.stashes();
        let stages = stashes
            .iter()
            .map(|(name, s)| {
                let (hit, miss) = s.counts();
                (*name, hit, miss)
            })
            .collect();
        for (_, s) in stashes {
            s.finish();
        }
        Reuse { stages }
    }
}

/// A hash of every file under `dir` (templates), by path and content.
pub fn tree_signature(dir: &Path) -> u64 {
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    sign(files)
}

/// A hash of anything hashable, for signatures.
pub fn sign(parts: impl Hash) -> u64 {
    foldhash::quality::FixedState::with_seed(0).hash_one(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_signature_remakes_and_an_unchanged_one_reuses() {
        let s: Stash<String> = Stash::default();
        s.begin();
        assert_eq!(s.get_or("a", 1, || "first".into()), "first");
        s.finish();
        s.begin();
        assert_eq!(s.get_or("a", 1, || "second".into()), "first");
        assert_eq!(s.get_or("b", 1, || "b".into()), "b");
        assert_eq!(s.counts(), (1, 1));
        s.finish();
        s.begin();
        assert_eq!(s.get_or("a", 2, || "third".into()), "third");
    }

    #[test]
    fn entries_unused_by_a_build_are_dropped() {
        let s: Stash<u8> = Stash::default();
        s.begin();
        s.get_or("gone", 1, || 1);
        s.finish();
        s.begin();
        s.finish();
        s.begin();
        assert_eq!(s.get_or("gone", 1, || 2), 2);
    }

    #[test]
    fn a_failed_build_keeps_the_previous_entries() {
        let s: Stash<u8> = Stash::default();
        s.begin();
        s.get_or("a", 1, || 1);
        s.finish();
        s.begin(); // a build that fails: never finished
        s.begin();
        assert_eq!(s.get_or("a", 1, || 2), 1);
    }

    #[test]
    fn a_failed_build_puts_back_what_it_replaced() {
        let s: Stash<u8> = Stash::default();
        s.begin();
        s.get_or("a", 1, || 1);
        s.finish();
        s.begin(); // fails after remaking "a" from a new signature
        assert_eq!(s.get_or("a", 2, || 2), 2);
        s.begin();
        assert_eq!(s.get_or("a", 1, || 3), 1);
        assert_eq!(s.counts(), (1, 0));
    }

    #[test]
    fn a_key_asked_twice_in_one_build_is_made_once() {
        let s: Stash<u8> = Stash::default();
        s.begin();
        assert_eq!(s.get_or("a", 1, || 1), 1);
        assert_eq!(s.get_or("a", 1, || 2), 1);
        s.finish();
        s.begin();
        assert_eq!(s.get_or("a", 1, || 3), 1);
    }
}
