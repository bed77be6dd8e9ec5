//! Test harness: fixture sites copied into temp dirs, built through the library or the CLI.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gloss::config::Overrides;
use gloss::error::BuildFailure;
use gloss::{Options, Summary};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A fresh copy of `tests/fixtures/<name>` in a temp dir. Fixtures without their own templates
/// get the repository's templates and static files, so they test what the real site renders.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    if !dir.path().join("templates").exists() {
        copy_dir(&repo().join("templates"), &dir.path().join("templates"));
        copy_dir(&repo().join("static"), &dir.path().join("static"));
    }
    dir
}

pub fn build(root: &Path) -> Result<Summary, BuildFailure> {
    build_with(root, Overrides::default())
}

pub fn build_with(root: &Path, overrides: Overrides) -> Result<Summary, BuildFailure> {
    gloss::build(&Options {
        root: root.to_path_buf(),
        overrides,
        write: true,
    })
}

pub fn base_url(url: &str) -> Overrides {
    Overrides {
        base_url: Some(url.to_string()),
        ..Overrides::default()
    }
}

/// The build's error messages, each with its location line and help, as printed.
pub fn failure_text(f: &BuildFailure) -> String {
    gloss::error::render_all(&f.diagnostics)
}

pub fn expect_failure(root: &Path) -> String {
    match build(root) {
        Ok(_) => panic!("the build should have failed"),
        Err(f) => failure_text(&f),
    }
}

pub fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Replaces the first `from` in a file of the site with `to` (which must be there).
pub fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let text = read(root, file);
    assert!(text.contains(from), "{file} has no `{from}`");
    write(root, file, &text.replacen(from, to, 1));
}

/// Builds fixture `name` once, breaks it with `mutate`, rebuilds: returns the printed errors,
/// after asserting the failed build left the first build's output byte for byte and no staging
/// directory behind.
pub fn break_fixture(name: &str, mutate: impl FnOnce(&Path)) -> String {
    let site = fixture(name);
    build(site.path()).unwrap();
    let before = snapshot(&site.path().join("book"));
    mutate(site.path());
    let text = expect_failure(site.path());
    assert_eq!(
        before,
        snapshot(&site.path().join("book")),
        "a failed build changed the output"
    );
    let leftovers = staging_leftovers(site.path());
    assert!(
        leftovers.is_empty(),
        "staging directories left behind: {leftovers:?}"
    );
    text
}

/// Every file under `dir` with its bytes, to prove a failed build left the output alone.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Staging directories (`.book.gloss-new-…`) left in `dir`: a failed build must leave none.
pub fn staging_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gloss-"))
        .collect()
}

pub fn gloss(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

/// Every `href`/`src` value in an HTML string (good enough for generated, well-formed output).
pub fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(j) = rest.find('"') {
                out.push(rest[..j].replace("&amp;", "&"));
                rest = &rest[j..];
            }
        }
    }
    out
}

/// Every `id` attribute value in an HTML string.
pub fn ids(html: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(j) = rest.find('"') {
            out.insert(rest[..j].to_string());
            rest = &rest[j..];
        }
    }
    out
}

/// Percent-decodes a URL fragment (browsers decode it before matching ids).
pub fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Checks that `href` (site-absolute, under `base`) names an existing file in `book`, and that its
/// fragment is an id of that page.
pub fn assert_link_lands(book: &Path, base: &str, href: &str) {
    let (path, frag) = href.split_once('#').unwrap_or((href, ""));
    let rel = path
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{href} is outside {base}"));
    let file = if rel.is_empty() || rel.ends_with('/') {
        book.join(rel).join("index.html")
    } else {
        book.join(rel)
    };
    let html = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("{href}: no file {}", file.display()));
    if !frag.is_empty() {
        assert!(
            ids(&html).contains(&decode(frag)),
            "{href}: no id `{}` in {}",
            decode(frag),
            file.display()
        );
    }
}

/// tests/browser/, where the Node checks and their npm packages live.
pub fn browser_dir() -> PathBuf {
    repo().join("tests/browser")
}

/// Fails with how to install it when an npm package of tests/browser is missing.
pub fn need_node_modules(package: &str) {
    assert!(
        browser_dir().join("node_modules").join(package).exists(),
        "{package} is not installed: run `npm ci --ignore-scripts --prefix tests/browser` (.ci/run does)"
    );
}

/// Debian's Chromium (or `$CHROMIUM`); fails with how to install it when it is missing.
pub fn chromium() -> String {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: run `apt-get install -y chromium fonts-noto-cjk` (.ci/run does) or set CHROMIUM"
    );
    chromium
}

/// Runs `node SCRIPT ARGS…` with Chromium's path in its environment: whether it passed, and
/// what it printed (stdout, then stderr).
pub fn run_node(script: &Path, args: &[&str], chromium: &str) -> (bool, String) {
    let run = Command::new("node")
        .arg(script)
        .args(args)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap_or_else(|e| {
            panic!("`node` could not be started ({e}): install Node.js 18 or newer")
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (run.status.success(), report)
}
