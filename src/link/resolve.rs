//! Markdown links of every page (bodies, notes, summaries) → their output URLs, checked: broken
//! links and refused schemes reported at their file position, backlinks recorded.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::{Linked, PageLinks, group_sig};
use crate::cache::{self, Cache};
use crate::config::{Config, Level};
use crate::error::{Diagnostic, Diagnostics};
use crate::page::Page;

/// Resolves every Markdown link of every page (bodies, and notes/summaries via `extra_links`),
/// reports broken ones and records backlinks. With a cache (`gloss serve`), a page's links are
/// resolved again only when its text, the site's pages or files, or a page whose anchors one of
/// its links needed changed.
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_links(
    pages: &[Page],
    linked: &Linked,
    config: &Config,
    assets: &HashSet<String>,
    failed: &HashSet<String>,
    page_links: &mut [PageLinks],
    diags: &Diagnostics,
    cache: Option<&Cache>,
    base: u64,
) {
    // Borrowed keys and a fast hash: these are made again on every rebuild of `gloss serve`.
    let by_file: foldhash::HashMap<(&str, &str), usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.key.as_str(), p.lang.as_str()), i))
        .collect();
    let urls: foldhash::HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    // A page's ids are needed only when a link points at a fragment of it: made on first use.
    let ids: Vec<OnceLock<HashSet<String>>> = pages.iter().map(|_| OnceLock::new()).collect();
    let site = Site {
        pages,
        linked,
        config,
        by_file: &by_file,
        urls: &urls,
        ids: &ids,
        assets,
        failed,
    };
    // Where links can lead: every page (its file, language and URL, and so its index) and file.
    // A page's own results hold indices into this list, so they are kept only while it is the same.
    let directory = cache.map(|_| {
        let mut files: Vec<&String> = assets.iter().collect();
        files.sort_unstable();
        let entries: Vec<(&str, &str, &str)> = pages
            .iter()
            .map(|p| (p.key.as_str(), p.lang.as_str(), p.url.as_str()))
            .collect();
        // Files that failed are not signed: a build with any is a failed build, and a failed build
        // leaves nothing in the cache.
        cache::sign((base, entries, files))
    });
    // Pages resolve their links independently (in parallel); backlinks are gathered after.
    let found: Vec<Arc<PageResolved>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let (Some(c), Some(directory)) = (cache, directory) else {
                let mut r = resolve_page(&site, i);
                diags.extend(std::mem::take(&mut r.diags));
                return Arc::new(r);
            };
            let key = p.shown.to_string_lossy();
            // A translation is parsed with the speakers it inherits: its group's texts count.
            let sig = cache::sign((directory, group_sig(pages, linked, i)));
            // The pages whose anchors its links were checked against, as they are now.
            let consulted = |pages_checked: &[usize]| {
                let now: Vec<u64> = pages_checked
                    .iter()
                    .map(|&t| group_sig(pages, linked, t))
                    .collect();
                cache::sign(now)
            };
            let fresh = |r: &Arc<PageResolved>| r.consulted_sig == consulted(&r.consulted);
            let r = match c.resolved.take_if(&key, sig, fresh) {
                Some(r) => r,
                None => {
                    let mut r = resolve_page(&site, i);
                    r.consulted_sig = consulted(&r.consulted);
                    let mut sorted: Vec<(&String, &String)> = r.resolved.iter().collect();
                    sorted.sort_unstable();
                    r.resolved_sig = cache::sign(sorted);
                    let r = Arc::new(r);
                    c.resolved.put(&key, sig, r.clone());
                    r
                }
            };
            diags.extend(r.diags.iter().cloned());
            r
        })
        .collect();
    // Pages are gone through in order, so each list comes out sorted; a page linking another
    // twice is listed once.
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (i, r) in found.iter().enumerate() {
        page_links[i].resolved = r.resolved.clone();
        page_links[i].resolved_sig = r.resolved_sig;
        for &t in &r.targets {
            if back[t].last() != Some(&i) {
                back[t].push(i);
            }
        }
    }
    for (i, b) in back.into_iter().enumerate() {
        page_links[i].backlinks = b;
    }
}

/// One page's links resolved: what each destination became, the pages they lead to, the pages
/// whose anchors were checked (and, when cached, a signature of their texts) and what was wrong.
#[derive(Debug, Default)]
pub struct PageResolved {
    resolved: Arc<HashMap<String, String>>,
    /// A signature of `resolved` (only when a cache keeps it).
    resolved_sig: u64,
    targets: Vec<usize>,
    consulted: Vec<usize>,
    consulted_sig: u64,
    diags: Vec<Diagnostic>,
}

/// What a link may lead to.
struct Site<'a> {
    pages: &'a [Page],
    linked: &'a Linked,
    config: &'a Config,
    by_file: &'a foldhash::HashMap<(&'a str, &'a str), usize>,
    urls: &'a foldhash::HashMap<&'a str, usize>,
    ids: &'a [OnceLock<HashSet<String>>],
    assets: &'a HashSet<String>,
    /// Page files under `content/` that failed with an error of their own.
    failed: &'a HashSet<String>,
}

fn resolve_page(site: &Site, i: usize) -> PageResolved {
    let p = &site.pages[i];
    let mut out = PageResolved::default();
    let mut dests: Vec<(String, usize, usize)> = p
        .doc
        .links
        .iter()
        .map(|l| (l.dest.clone(), l.offset, l.len))
        .collect();
    dests.extend(note_links(p).into_iter().map(|(d, o)| {
        let len = d.len();
        (d, o, len)
    }));
    let mut consulted = BTreeSet::new();
    let mut resolved: HashMap<String, String> = HashMap::new();
    for (dest, offset, len) in dests {
        // Located only when broken: a SourceMap indexes the whole file.
        let loc = || p.map().locate(offset, len.max(1));
        match resolve(&dest, i, site, &mut consulted) {
            Ok(Some((url, target))) => {
                if let Some(t) = target
                    && t != i
                {
                    out.targets.push(t);
                }
                resolved.insert(dest, url);
            }
            Ok(None) => {}
            Err((msg, help, hard)) => {
                let d = if hard || site.config.broken_links == Level::Error {
                    Diagnostic::error(msg)
                } else {
                    Diagnostic::warning(msg)
                };
                out.diags.push(d.at(loc()).help(help));
                resolved.insert(dest, "#".into());
            }
        }
    }
    out.resolved = Arc::new(resolved);
    out.consulted = consulted.into_iter().collect();
    out
}

/// Links written in front-matter Markdown (summary, notice, annotation notes), at the place in the
/// front matter where their destination is written.
fn note_links(p: &Page) -> Vec<(String, usize)> {
    let front = p.front();
    let mut out = Vec::new();
    let mut scan = |md: &str, from: usize| {
        for ev in pulldown_cmark::Parser::new_ext(md, crate::parse::options()) {
            if let pulldown_cmark::Event::Start(
                pulldown_cmark::Tag::Link { dest_url, .. }
                | pulldown_cmark::Tag::Image { dest_url, .. },
            ) = ev
            {
                let at = front[from.min(front.len())..]
                    .find(dest_url.as_ref())
                    .map_or(from, |i| from + i);
                out.push((dest_url.to_string(), at));
            }
        }
    };
    let key_offset = |key: &str| crate::frontmatter::find_key(front, key).unwrap_or(0);
    if let Some(s) = &p.summary {
        scan(s, key_offset("summary"));
    }
    if let Some(s) = &p.notice {
        scan(s, key_offset("notice"));
    }
    if let Some(iv) = &p.interview {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(front.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for a in &iv.annotations {
            scan(&a.note, line_starts.get(a.line - 1).copied().unwrap_or(0));
        }
    }
    out
}

/// Every anchor a page defines in its content.
pub fn page_ids(p: &Page) -> HashSet<String> {
    let mut ids: HashSet<String> = p.doc.headings.iter().map(|h| h.id.clone()).collect();
    ids.extend(p.doc.turns.iter().map(|t| t.anchor()));
    if let Some(iv) = &p.interview {
        ids.extend(iv.annotations.iter().map(|a| format!("a-{}", a.id)));
        ids.extend(iv.annotations.iter().map(|a| format!("ref-a-{}", a.id)));
    }
    for b in &p.doc.blocks {
        for e in b.events.iter() {
            if let pulldown_cmark::Event::FootnoteReference(l) = e {
                ids.insert(format!("fn-{l}"));
                ids.insert(format!("fnref-{l}"));
            }
        }
    }
    ids.extend(["top", "main", "content"].map(String::from));
    ids
}

type Resolved = Result<Option<(String, Option<usize>)>, (String, String, bool)>;

/// `consulted`: the pages whose anchors a fragment was checked against.
fn resolve(dest: &str, from: usize, site: &Site, consulted: &mut BTreeSet<usize>) -> Resolved {
    let Site {
        pages,
        linked,
        config,
        by_file,
        urls,
        ids,
        assets,
        failed,
    } = *site;
    let p = &pages[from];
    let d = dest.trim();
    if let Some(scheme) = crate::text::refused_scheme(d) {
        return Err((
            format!("link to a `{scheme}:` URL"),
            "links may go to web pages (https://…), other pages of the site, or anchors; scripts and data URLs are refused".into(),
            true,
        ));
    }
    if crate::text::url_scheme(d).is_some() {
        return Ok(None);
    }
    if d.starts_with("//") {
        return Ok(None);
    }
    let (path, frag) = match d.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (d, None),
    };
    let mut check_frag = |target: usize| -> Result<(), (String, String, bool)> {
        if let Some(f) = frag {
            consulted.insert(target);
            let f = percent_decode(f);
            if !f.is_empty()
                && !ids[target]
                    .get_or_init(|| page_ids(&pages[target]))
                    .contains(&f)
            {
                return Err((
                    format!("link `{dest}`: {} has no anchor `#{f}`", pages[target].shown.display()),
                    "check the heading id (headings get ids from their text, or `{#id}`), turn (`#t-N`) or annotation (`#a-ID`)".into(),
                    false,
                ));
            }
        }
        Ok(())
    };
    if path.is_empty() {
        check_frag(from)?;
        return Ok(None);
    }
    if let Some(site_path) = path.strip_prefix('/') {
        let url = format!("{}{}", config.base_path, site_path);
        if let Some(&t) = urls
            .get(url.as_str())
            .or_else(|| urls.get(format!("{url}/").as_str()))
        {
            check_frag(t)?;
            return Ok(Some((with_frag(&pages[t].url, frag), Some(t))));
        }
        if assets.contains(site_path) {
            return Ok(Some((with_frag(&url, frag), None)));
        }
        return Err((
            format!("link `{dest}` leads to no page or file of the site"),
            "site-absolute links (`/…`) are relative to the site root; link to the Markdown file instead (`other.md`), which gloss checks and rewrites".into(),
            false,
        ));
    }
    // Relative: to a content file, resolved from the page's own folder.
    let mut parts: Vec<&str> = if p.dir.is_empty() {
        Vec::new()
    } else {
        p.dir.split('/').collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err((
                        format!("link `{dest}` leads outside the content folder"),
                        "relative links are resolved from the page's folder in content/".into(),
                        false,
                    ));
                }
            }
            s => parts.push(s),
        }
    }
    let rel = percent_decode(&parts.join("/"));
    if let Some(base) = rel.strip_suffix(".md") {
        let (stem_path, lang) = match base.rsplit_once('.') {
            Some((s, l)) if config.language(l).is_some() => (s.to_string(), l.to_string()),
            _ => (base.to_string(), config.default_language.clone()),
        };
        let key = stem_path
            .strip_suffix("/_index")
            .map(|s| format!("{s}/_index"))
            .unwrap_or(stem_path.clone());
        let key = if key == "_index" {
            "_index".to_string()
        } else {
            key
        };
        let Some(&file_page) = by_file.get(&(key.as_str(), lang.as_str())) else {
            // The page's own error is reported; "there is no page" would send its author looking
            // for a file that is there. The build fails, so the link is never written.
            if failed.contains(&rel) {
                return Ok(None);
            }
            return Err((
                format!("link `{dest}`: there is no page content/{rel}"),
                "check the file name; links to pages are written relative to this file's folder"
                    .into(),
                false,
            ));
        };
        // The same language as the linking page, when that translation exists.
        let target = linked
            .translation(pages, file_page, &p.lang)
            .unwrap_or(file_page);
        check_frag(target)?;
        return Ok(Some((with_frag(&pages[target].url, frag), Some(target))));
    }
    if assets.contains(&rel) {
        let url = format!("{}{}", config.base_path, rel);
        return Ok(Some((with_frag(&url, frag), None)));
    }
    Err((
        format!("link `{dest}`: there is no file content/{rel}"),
        "link to Markdown files (`other.md`, `../topics/apps.md#intro`) or to files next to the page".into(),
        false,
    ))
}

fn with_frag(url: &str, frag: Option<&str>) -> String {
    match frag {
        Some(f) if !f.is_empty() => format!("{url}#{f}"),
        _ => url.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}
