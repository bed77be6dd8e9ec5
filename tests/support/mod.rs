//! Shared by the integration tests of serving and publishing: a fixture site copied with the
//! repository's own templates and static files into a temporary folder, and the `gloss` binary.

#![allow(dead_code)] // each test file uses its own part of this

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gloss() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
}

/// A temp folder holding `site/`: `tests/fixtures/<name>/` plus the repository's `templates/` and
/// `static/` (what the fixture does not carry itself), so the tests see the real templates.
pub fn fixture_site(name: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures").join(name), &site);
    for dir in ["templates", "static"] {
        if !site.join(dir).exists() {
            copy_dir(&repo().join(dir), &site.join(dir));
        }
    }
    (tmp, site)
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("under fixture");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}

/// Runs `gloss build` and panics with its output when it fails.
pub fn build(root: &Path, out: &Path, base_url: &str) {
    let output = gloss()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(["--base-url", base_url])
        .output()
        .expect("run gloss build");
    assert!(
        output.status.success(),
        "gloss build failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
