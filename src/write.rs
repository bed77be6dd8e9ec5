//! Rendered outputs, `static/` and content assets → the output directory: staged beside it,
//! duplicates refused, and swapped in only when every file was written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::fs::{self, Protected, Staging};
use crate::load::Source;
use crate::render::Output;

/// Where each output path comes from, to name both sources of a collision.
pub struct Plan {
    files: Vec<Output>,
    copies: Vec<(String, PathBuf)>,
    origin: HashMap<String, String>,
}

impl Plan {
    pub fn new() -> Plan {
        Plan {
            files: Vec::new(),
            copies: Vec::new(),
            origin: HashMap::new(),
        }
    }

    fn claim(&mut self, path: &str, origin: String, diags: &Diagnostics) -> bool {
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
        if self.claim(&out.path, origin.into(), diags) {
            self.files.push(out);
        }
    }

    pub fn copy(
        &mut self,
        path: String,
        from: PathBuf,
        origin: impl Into<String>,
        diags: &Diagnostics,
    ) {
        if self.claim(&path, origin.into(), diags) {
            self.copies.push((path, from));
        }
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.origin.keys().map(String::as_str)
    }

    pub fn file(&self, path: &str) -> Option<&Output> {
        self.files.iter().find(|f| f.path == path)
    }

    pub fn files(&self) -> &[Output] {
        &self.files
    }

    /// The rendered files and the files to copy (output path, source), for `gloss serve`.
    pub fn into_parts(self) -> (Vec<Output>, Vec<(String, PathBuf)>) {
        (self.files, self.copies)
    }

    pub fn len(&self) -> usize {
        self.origin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origin.is_empty()
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

/// Writes the plan into a fresh staging directory and swaps it in for `out`.
pub fn write(plan: &Plan, out: &Path) -> Result<(), Vec<Diagnostic>> {
    let staging = Staging::new(out).map_err(|d| vec![d])?;
    let errors: Vec<Diagnostic> = plan
        .files
        .par_iter()
        .filter_map(|f| fs::write(&staging.dir.join(&f.path), &f.bytes).err())
        .chain(plan.copies.par_iter().filter_map(|(rel, from)| {
            let to = staging.dir.join(rel);
            if let Some(parent) = to.parent()
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                return Some(fs::io_error(parent, "create directory", &e));
            }
            std::fs::copy(from, &to)
                .err()
                .map(|e| fs::io_error(from, "copy", &e))
        }))
        .collect();
    if !errors.is_empty() {
        return Err(errors); // `staging` is dropped here: removed, the old output untouched.
    }
    staging.commit().map_err(|d| vec![d])
}
