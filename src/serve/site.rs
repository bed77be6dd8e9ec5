//! A finished build's [`Plan`] → the site as served: every output file's bytes in memory, keyed by
//! its path, and request paths → what GitHub Pages would answer (file, redirect, 404, refused).
//! Nothing is looked up on disk at request time, so no request can reach a file outside the build.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use axum::body::Bytes;
use percent_encoding::percent_decode_str;

use crate::write::Plan;

/// A copied file (static/, content assets) as it was read, to skip re-reading it when unchanged.
#[derive(Clone)]
struct Stamp {
    from: PathBuf,
    modified: Option<SystemTime>,
    len: u64,
}

#[derive(Default)]
pub struct Site {
    /// The base URL's path, `/` or `/repo/`: the site lives under it, as on GitHub Pages.
    pub base_path: String,
    files: HashMap<String, Bytes>,
    stamps: HashMap<String, Stamp>,
}

/// Equal bytes, checked by address first: a shared allocation needs no comparison.
fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    File {
        path: String,
        bytes: Bytes,
    },
    /// A folder asked for without its trailing slash: GitHub Pages redirects (301) to it.
    Redirect(String),
    /// Nothing there: the site's 404 page, when it has one.
    NotFound(Option<Bytes>),
    /// `..`, a backslash, an encoded slash or a NUL: never a file, whatever follows.
    Refused,
}

impl Site {
    /// The site of a finished build. Files the previous site had with the same bytes keep them, and
    /// the paths whose bytes changed (or appeared or went) are returned, sorted.
    pub fn from_plan(plan: Plan, base_path: &str, previous: &Site) -> (Site, Vec<String>) {
        let (outputs, copies) = plan.into_parts();
        let mut files = HashMap::with_capacity(outputs.len() + copies.len());
        let mut stamps = HashMap::with_capacity(copies.len());
        for o in outputs {
            files.insert(o.path, o.bytes);
        }
        for (path, from) in copies {
            // `static/` and content assets are read now, once: a request never touches the disk.
            // Symlinks were refused or resolved inside the site by the build (load.rs, write.rs).
            let meta = match std::fs::metadata(&from) {
                Ok(m) if m.is_file() => m,
                _ => continue, // gone since the build looked: the next rebuild notices
            };
            let stamp = Stamp {
                from: from.clone(),
                modified: meta.modified().ok(),
                len: meta.len(),
            };
            let unchanged = previous.stamps.get(&path).is_some_and(|s| {
                s.from == stamp.from
                    && s.len == stamp.len
                    && s.modified.is_some()
                    && s.modified == stamp.modified
            });
            let bytes = match (unchanged, previous.files.get(&path)) {
                (true, Some(b)) => b.clone(),
                _ => match std::fs::read(&from) {
                    Ok(b) => Bytes::from(b),
                    Err(_) => continue,
                },
            };
            files.insert(path.clone(), bytes);
            stamps.insert(path, stamp);
        }
        // One pass: an output taken from the cache shares its allocation with the previous
        // site's, so most are known equal without comparing their bytes; an equal one keeps the
        // previous allocation, so memory stays flat across rebuilds.
        let mut changed: Vec<String> = Vec::new();
        for (p, b) in files.iter_mut() {
            match previous.files.get(p) {
                Some(old) if same_bytes(old, b) => *b = old.clone(),
                _ => changed.push(p.clone()),
            }
        }
        changed.extend(
            previous
                .files
                .keys()
                .filter(|p| !files.contains_key(*p))
                .cloned(),
        );
        changed.sort();
        let site = Site {
            base_path: base_path.to_string(),
            files,
            stamps,
        };
        (site, changed)
    }

    /// A site with no files yet (before the first good build).
    pub fn empty(base_path: &str) -> Site {
        Site {
            base_path: base_path.to_string(),
            ..Site::default()
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Resolves a request path (as sent, percent-encoded) the way GitHub Pages does.
    pub fn find(&self, raw: &str) -> Found {
        let path = raw.split(['?', '#']).next().unwrap_or("");
        if self.base_path != "/" && path == self.base_path.trim_end_matches('/') {
            return Found::Redirect(self.base_path.clone()); // `/repo` → `/repo/`
        }
        let Some(rel) = relative(raw, &self.base_path) else {
            return if is_refused(raw) {
                Found::Refused
            } else {
                self.not_found()
            };
        };
        let rel = match rel {
            Ok(r) => r,
            Err(()) => return Found::Refused,
        };
        let file = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.clone()
        };
        if let Some(bytes) = self.files.get(&file) {
            return Found::File {
                path: file,
                bytes: bytes.clone(),
            };
        }
        if !rel.is_empty() && !rel.ends_with('/') {
            if self.files.contains_key(&format!("{rel}/index.html")) {
                return Found::Redirect(format!("{}/", raw.split('?').next().unwrap_or(raw)));
            }
            let html = format!("{rel}.html");
            if let Some(bytes) = self.files.get(&html) {
                return Found::File {
                    path: html,
                    bytes: bytes.clone(),
                };
            }
        }
        self.not_found()
    }

    fn not_found(&self) -> Found {
        Found::NotFound(self.files.get("404.html").cloned())
    }
}

/// Path segments that never name a file of the site, decoded or not.
fn is_refused(raw: &str) -> bool {
    decode(raw).is_none_or(|p| bad_segments(&p))
}

fn decode(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn bad_segments(path: &str) -> bool {
    path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|s| s == ".." || s == "." || s.contains(':'))
}

/// The path under the base path, decoded: `Ok("en/a/")`; `Err` when refused; `None` when the
/// path is outside the base path. An encoded `/` (`%2f`) is refused rather than taken as a separator.
fn relative(raw: &str, base: &str) -> Option<Result<String, ()>> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Some(Err(()));
    }
    let decoded = decode(path)?;
    if bad_segments(&decoded) {
        return Some(Err(()));
    }
    let rest = decoded.strip_prefix(base)?;
    if rest.split('/').rev().skip(1).any(str::is_empty) || rest.starts_with('/') {
        return Some(Err(())); // `//`: an absolute path smuggled after the base
    }
    Some(Ok(rest.to_string()))
}

/// The `Content-Type` GitHub Pages sends for a path, with `charset=utf-8` on text.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript"
                | "application/json"
                | "application/ld+json"
                | "application/xml"
                | "application/atom+xml"
                | "application/manifest+json"
                | "image/svg+xml"
        )
        || path.ends_with(".jsonld");
    match (essence, textual) {
        // `.jsonld` is not in mime_guess's table.
        ("application/octet-stream", true) => "application/ld+json; charset=utf-8".into(),
        (e, true) => format!("{e}; charset=utf-8"),
        (e, false) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostics;
    use crate::render::Output;

    fn site(base: &str, paths: &[&str]) -> Site {
        let mut plan = Plan::new();
        let diags = Diagnostics::new();
        for p in paths {
            plan.add(
                Output {
                    path: p.to_string(),
                    bytes: p.as_bytes().to_vec().into(),
                },
                *p,
                &diags,
            );
        }
        Site::from_plan(plan, base, &Site::default()).0
    }

    fn body(f: Found) -> String {
        match f {
            Found::File { bytes, .. } => String::from_utf8(bytes.to_vec()).unwrap(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn folders_serve_their_index_and_redirect_without_slash() {
        let s = site(
            "/repo/",
            &["index.html", "en/a/index.html", "about.html", "404.html"],
        );
        assert_eq!(body(s.find("/repo/")), "index.html");
        assert_eq!(body(s.find("/repo/en/a/")), "en/a/index.html");
        assert_eq!(body(s.find("/repo/en/a/?q=1")), "en/a/index.html");
        assert_eq!(s.find("/repo/en/a"), Found::Redirect("/repo/en/a/".into()));
        assert_eq!(s.find("/repo"), Found::Redirect("/repo/".into()));
        assert_eq!(body(s.find("/repo/about")), "about.html");
    }

    #[test]
    fn missing_paths_and_paths_outside_the_base_get_the_404_page() {
        let s = site("/repo/", &["index.html", "en/index.html", "404.html"]);
        let nf = Found::NotFound(Some(Bytes::from_static(b"404.html")));
        assert_eq!(s.find("/"), nf);
        assert_eq!(s.find("/index.html"), nf);
        assert_eq!(s.find("/repo/nope/"), nf);
        // A folder with no index.html is not listed.
        let s = site("/", &["en/a/x.css"]);
        assert_eq!(s.find("/en/a/"), Found::NotFound(None));
    }

    #[test]
    fn non_ascii_paths_are_decoded() {
        let s = site("/", &["topics/基礎設施/index.html"]);
        assert_eq!(
            body(s.find("/topics/%E5%9F%BA%E7%A4%8E%E8%A8%AD%E6%96%BD/")),
            "topics/基礎設施/index.html"
        );
    }

    #[test]
    fn traversal_attempts_are_refused() {
        let s = site("/repo/", &["index.html", "404.html"]);
        for p in [
            "/repo/../etc/passwd",
            "/../etc/passwd",
            "/repo/%2e%2e/%2e%2e/etc/passwd",
            "/repo/..%2fetc%2fpasswd",
            "/repo/%2e%2e%5c%2e%2e%5cetc",
            "/repo/..\\..\\etc",
            "/repo//etc/passwd",
            "/repo/C:/Windows/win.ini",
            "/repo/a%00.html",
            "/repo/./index.html",
        ] {
            assert_eq!(s.find(p), Found::Refused, "{p}");
        }
    }

    #[test]
    fn text_gets_a_charset_and_binaries_do_not() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("gloss.css"), "text/css; charset=utf-8");
        assert!(content_type("gloss.js").ends_with("javascript; charset=utf-8"));
        assert_eq!(
            content_type("a/annotations.jsonld"),
            "application/ld+json; charset=utf-8"
        );
        assert!(content_type("sitemap.xml").ends_with("xml; charset=utf-8"));
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.svg"), "image/svg+xml; charset=utf-8");
    }

    #[test]
    fn only_files_whose_bytes_changed_are_reported() {
        let a = site("/", &["index.html", "a.css"]);
        let mut plan = Plan::new();
        let diags = Diagnostics::new();
        for (p, b) in [("index.html", "index.html"), ("b.css", "new")] {
            plan.add(
                Output {
                    path: p.into(),
                    bytes: b.into(),
                },
                p,
                &diags,
            );
        }
        let (_, changed) = Site::from_plan(plan, "/", &a);
        assert_eq!(changed, vec!["a.css".to_string(), "b.css".to_string()]);
    }
}
