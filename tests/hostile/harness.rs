//! The hostile-input harness: a good site built once per fixture and copied for each case, broken
//! by the case, rebuilt through the `gloss` binary; the checks every refused case shares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gloss::error::Diagnostic;

use crate::common::*;

/// A built copy of a fixture: the source and its good output, ready to be broken.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub before: BTreeMap<PathBuf, Vec<u8>>,
}

impl Site {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn book(&self) -> PathBuf {
        self.dir.path().join("book")
    }
}

/// The fixture built once per test process, with the warnings its clean build gives; each case
/// gets a copy of it, output included, which is what a user has after a good build (the output
/// directory carries gloss's marker file).
fn built_template(name: &str) -> &'static (tempfile::TempDir, Vec<Diagnostic>) {
    static INTERVIEWS: OnceLock<(tempfile::TempDir, Vec<Diagnostic>)> = OnceLock::new();
    static SITE: OnceLock<(tempfile::TempDir, Vec<Diagnostic>)> = OnceLock::new();
    let cell = match name {
        "interviews" => &INTERVIEWS,
        "site" => &SITE,
        other => panic!("no built template for fixture {other}"),
    };
    cell.get_or_init(|| {
        // In cargo's scratch folder rather than /tmp: statics are never dropped, so this copy
        // outlives the process, and `cargo clean` removes it.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        if !dir.path().join("templates").exists() {
            copy_dir(&repo().join("templates"), &dir.path().join("templates"));
            copy_dir(&repo().join("static"), &dir.path().join("static"));
        }
        match build(dir.path()) {
            Ok(summary) => (dir, summary.warnings),
            Err(f) => panic!("the {name} fixture must build:\n{}", failure_text(&f)),
        }
    })
}

/// A fresh copy of the built fixture `name`.
pub fn built(name: &str) -> Site {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(built_template(name).0.path(), dir.path());
    let before = snapshot(&dir.path().join("book"));
    assert!(
        before.contains_key(Path::new("index.html")),
        "the good build wrote a home page"
    );
    Site { dir, before }
}

/// What the `gloss` binary did with a broken site.
pub struct Refusal {
    /// Everything printed on stderr: the numbered diagnostics.
    pub stderr: String,
}

impl Refusal {
    /// Asserts the printed errors contain `needle`.
    pub fn says(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "expected `{needle}` in:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts the error points at `file:line` (any column).
    pub fn at_line(&self, file: &str, line: usize) -> &Self {
        self.says(&format!("--> {file}:{line}:"))
    }
}

/// The shared promise of every refused case: `gloss build` exits 1 without panicking, prints
/// numbered errors, and leaves the previous output exactly as it was, with no staging left over.
pub fn refuse(site: &Site, args: &[&str]) -> Refusal {
    let out = gloss(site.path(), args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "gloss panicked (exit {:?}):\n{stderr}",
        out.status.code()
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "gloss must exit 1 on bad input; stderr:\n{stderr}"
    );
    assert!(stderr.contains("error[1]: "), "{stderr}");
    assert!(
        stderr.contains("nothing was written"),
        "the summary line: {stderr}"
    );
    assert!(
        site.before == snapshot(&site.book()),
        "a failed build changed the previous output; stderr:\n{stderr}"
    );
    let leftovers = staging_leftovers(site.path());
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    Refusal { stderr }
}

/// Breaks a copy of the built fixture with `mutate` and runs `gloss build` on it: see [`refuse`].
pub fn broken(name: &str, mutate: impl FnOnce(&Path)) -> Refusal {
    let site = built(name);
    mutate(site.path());
    refuse(&site, &["build"])
}

/// Changes a copy of the built `interviews` fixture and rebuilds in-process: for input that is
/// valid and must build. Returns the site and the warnings the change brought, printed.
pub fn accepted(mutate: impl FnOnce(&Path)) -> (Site, String) {
    let site = built("interviews");
    mutate(site.path());
    match build(site.path()) {
        Ok(s) => {
            let clean = &built_template("interviews").1;
            let new: Vec<Diagnostic> = s
                .warnings
                .into_iter()
                .filter(|w| !clean.contains(w))
                .collect();
            (site, gloss::error::render_all(&new))
        }
        Err(f) => panic!("this input must build:\n{}", failure_text(&f)),
    }
}

/// An interview page in the fixture's format, speakers BT and SA, with `extra` front matter and
/// `body`. Used by the cases to put hostile input where a real author would write it.
pub fn interview(extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: Hostile\nspeakers:\n  - id: BT\n    name: Ben\n    role: host\n  - id: SA\n    name: Sam\n    role: guest\n{extra}---\n{body}"
    )
}
