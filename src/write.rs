//! Rendered outputs, `static/` and content assets → the output directory: each output written
//! into a staging directory beside it as soon as it is made, duplicates refused, and the staging
//! directory swapped in only when the whole build succeeded (or the bytes kept, for `gloss serve`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::fs::{self, Protected, Staging};
use crate::load::Source;
use crate::render::Output;

/// What becomes of an output's bytes once its path is claimed: written into a staging directory
/// at once (`gloss build`, so the rendered site is never all in memory), kept in memory
/// (`gloss serve` answers requests from them), or neither (`gloss check`). Shared by the parallel
/// stages: each writes its outputs as it makes them.
pub struct Sink {
    staging: Option<Staging>,
    keep: bool,
}

impl Sink {
    /// Keeps every output's bytes in the plan, writes nothing.
    pub fn memory() -> Sink {
        Sink {
            staging: None,
            keep: true,
        }
    }

    /// Drops every output's bytes once its path is known: everything is checked, nothing written.
    pub fn nowhere() -> Sink {
        Sink {
            staging: None,
            keep: false,
        }
    }

    /// Writes every output into a fresh staging directory beside `out`, swapped in for it by
    /// [`Plan::commit`]; dropped uncommitted (any error), it is removed and `out` left as it was.
    pub fn staging(out: &Path) -> Result<Sink, Diagnostic> {
        Ok(Sink {
            staging: Some(Staging::new(out)?),
            keep: false,
        })
    }

    /// Also keeps the bytes of what it writes (a build that is both written and served).
    pub fn keeping(mut self) -> Sink {
        self.keep = true;
        self
    }

    /// Takes one output: its bytes are written (an error, with the file's path, goes to `diags`),
    /// kept, or dropped here.
    pub fn put(&self, out: Output, diags: &Diagnostics) -> Made {
        if let Some(s) = &self.staging
            && let Err(d) = s.put(&out.path, &out.bytes)
        {
            diags.push(d);
        }
        Made {
            bytes: self.keep.then_some(out.bytes),
            path: out.path,
        }
    }
}

/// An output the sink has taken: its path, and its bytes when the sink keeps them.
pub struct Made {
    pub path: String,
    bytes: Option<bytes::Bytes>,
}

/// Every output path of a build with where it comes from, to refuse (and name both sources of) a
/// collision; the files to copy; and the bytes, when the sink keeps them.
pub struct Plan {
    sink: Sink,
    files: Vec<Output>,
    made: Vec<String>,
    copies: Vec<(String, PathBuf)>,
    origin: foldhash::HashMap<String, String>,
}

impl Plan {
    /// A plan kept in memory, written nowhere.
    pub fn new() -> Plan {
        Plan::with(Sink::memory())
    }

    pub fn with(sink: Sink) -> Plan {
        Plan {
            sink,
            files: Vec::new(),
            made: Vec::new(),
            copies: Vec::new(),
            origin: foldhash::HashMap::default(),
        }
    }

    /// Where parallel stages put their outputs before [`Plan::claim`]ing them in order.
    pub fn sink(&self) -> &Sink {
        &self.sink
    }

    fn claim_path(&mut self, path: &str, origin: String, diags: &Diagnostics) -> bool {
        if let Some(other) = self.origin.get(path) {
            diags.push(
                Diagnostic::error(format!(
                    "two sources would write {path}: {other} and {origin}"
                ))
                .help("rename one of them; gloss never lets one output silently replace another"),
            );
            return false;
        }
        self.origin.insert(path.to_string(), origin);
        true
    }

    pub fn add(&mut self, out: Output, origin: impl Into<String>, diags: &Diagnostics) {
        if self.claim_path(&out.path, origin.into(), diags) {
            let made = self.sink.put(out, diags);
            self.keep(made);
        }
    }

    /// Claims an output a parallel stage already gave the sink. A path claimed twice is an error,
    /// so the build fails and whatever the second one wrote into staging goes with it.
    pub fn claim(&mut self, made: Made, origin: impl Into<String>, diags: &Diagnostics) {
        if self.claim_path(&made.path, origin.into(), diags) {
            self.keep(made);
        }
    }

    fn keep(&mut self, made: Made) {
        if let Some(bytes) = made.bytes {
            self.files.push(Output {
                path: made.path.clone(),
                bytes,
            });
        }
        self.made.push(made.path);
    }

    pub fn copy(
        &mut self,
        path: String,
        from: PathBuf,
        origin: impl Into<String>,
        diags: &Diagnostics,
    ) {
        if self.claim_path(&path, origin.into(), diags) {
            self.copies.push((path, from));
        }
    }

    /// Makes room for `n` more outputs: a build at 5,000 interviews claims ~35,000, one at a time.
    pub fn reserve(&mut self, n: usize) {
        self.origin.reserve(n);
        self.made.reserve(n);
        if self.sink.keep {
            self.files.reserve(n);
        }
    }

    /// Whether an output already claimed `path`.
    pub fn has(&self, path: &str) -> bool {
        self.origin.contains_key(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.origin.keys().map(String::as_str)
    }

    /// The paths of the generated outputs (not the copied files), in the order they were added.
    pub fn made(&self) -> &[String] {
        &self.made
    }

    /// A kept output by its path.
    pub fn file(&self, path: &str) -> Option<&Output> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The kept outputs (none unless the sink keeps bytes).
    pub fn files(&self) -> &[Output] {
        &self.files
    }

    /// The kept files and the files to copy (output path, source), for `gloss serve`.
    pub fn into_parts(self) -> (Vec<Output>, Vec<(String, PathBuf)>) {
        (self.files, self.copies)
    }

    pub fn len(&self) -> usize {
        self.origin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origin.is_empty()
    }

    /// Copies `static/` and the assets into staging and swaps it in for the output directory.
    /// Does nothing for a plan that writes nowhere. On an error the staging directory is removed.
    pub fn commit(&mut self) -> Result<(), Vec<Diagnostic>> {
        let Some(staging) = self.sink.staging.take() else {
            return Ok(());
        };
        let errors: Vec<Diagnostic> = self
            .copies
            .par_iter()
            .filter_map(|(rel, from)| staging.copy(rel, from).err())
            .collect();
        if !errors.is_empty() {
            return Err(errors); // `staging` is dropped here: removed, the old output untouched.
        }
        staging.commit().map_err(|d| vec![d])
    }
}

impl Default for Plan {
    fn default() -> Self {
        Plan::new()
    }
}

/// Adds every file of `static/` (hidden and editor files skipped).
pub fn add_static(plan: &mut Plan, config: &Config, diags: &Diagnostics) {
    if !config.static_dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(&config.static_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "could not read the static folder: {e}"
                )));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = fs::rel_string(entry.path(), &config.static_dir);
        if rel.ends_with('~') || rel.ends_with(".swp") {
            continue;
        }
        let origin = fs::rel_string(entry.path(), &config.root);
        plan.copy(rel, entry.path().to_path_buf(), origin, diags);
    }
}

/// Content files that are not pages (images beside an interview) are copied to the same place.
pub fn add_assets(plan: &mut Plan, assets: &[Source], diags: &Diagnostics) {
    for a in assets {
        plan.copy(
            a.rel(),
            a.path.clone(),
            a.shown.display().to_string(),
            diags,
        );
    }
}

pub fn protected(config: &Config) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("content", config.content_dir.clone()),
        ("templates", config.templates_dir.clone()),
        ("static", config.static_dir.clone()),
    ]
}

/// Refuses an output directory gloss must not write to (checked before any work is done).
pub fn check_out_dir(config: &Config) -> Result<(), Diagnostic> {
    let dirs = protected(config);
    fs::check_output_dir(
        &config.out_dir,
        &Protected {
            root: &config.root,
            dirs: dirs.iter().map(|(n, p)| (*n, p.clone())).collect(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: &str, text: &str) -> Output {
        Output {
            path: path.into(),
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn a_staging_sink_writes_at_once_and_a_failed_build_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        let diags = Diagnostics::new();
        let mut first = Plan::with(Sink::staging(&book).unwrap());
        first.add(out("index.html", "old"), "first", &diags);
        first.commit().unwrap();

        let mut plan = Plan::with(Sink::staging(&book).unwrap());
        let staged = plan.sink().staging.as_ref().unwrap().dir.clone();
        plan.add(out("index.html", "new"), "a page", &diags);
        // Written when added, its bytes not kept: the plan holds its path only.
        assert_eq!(std::fs::read(staged.join("index.html")).unwrap(), b"new");
        assert!(plan.files().is_empty());
        assert_eq!(plan.made(), ["index.html"]);
        drop(plan); // the build failed
        assert!(!staged.exists(), "staging left behind");
        assert_eq!(std::fs::read(book.join("index.html")).unwrap(), b"old");
    }

    #[test]
    fn a_path_claimed_twice_is_an_error_naming_both() {
        let diags = Diagnostics::new();
        let mut plan = Plan::new();
        plan.add(out("a.html", "1"), "the first", &diags);
        let made = plan.sink().put(out("a.html", "2"), &diags);
        plan.claim(made, "the second", &diags);
        let errors = diags.into_sorted();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "two sources would write a.html: the first and the second"
        );
        assert_eq!(plan.file("a.html").unwrap().bytes, &b"1"[..]);
    }
}
