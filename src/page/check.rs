//! Front matter read from every page → checked pages (bodies not yet parsed): translations
//! inherit what they leave out, drafts and untitled pages are left out, each output path is
//! claimed once, and interviews' speakers, turns and annotations are checked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::*;

/// Checks front matter and builds pages (bodies not yet parsed). Translations inherit `date`,
/// `source`, `speakers`, `topics` and `turns` from the default-language page. With a cache, a
/// page is checked again only when its file, its original's or the config changed.
pub fn check(
    mut fronts: Vec<Arc<Front>>,
    config: &Config,
    diags: &Diagnostics,
    cache: Option<&Cache>,
) -> Vec<Page> {
    fronts.sort_by(|a, b| {
        (&a.source.dir, &a.source.stem, &a.source.lang).cmp(&(
            &b.source.dir,
            &b.source.stem,
            &b.source.lang,
        ))
    });
    let default = &config.default_language;
    let originals: HashMap<(&str, &str), &Front> = fronts
        .iter()
        .filter(|f| &f.source.lang == default)
        .map(|f| ((f.source.dir.as_str(), f.source.stem.as_str()), &**f))
        .collect();
    let config_sig = cache.map(|_| cache::sign(format!("{config:?}")));
    let checked: Vec<Checked> = fronts
        .par_iter()
        .map(|front| {
            let original = (&front.source.lang != default)
                .then(|| originals.get(&(front.source.dir.as_str(), front.source.stem.as_str())))
                .flatten()
                .copied();
            let make = || check_one(front, original, config);
            match (cache, config_sig) {
                (Some(c), Some(config_sig)) => {
                    let sig =
                        cache::sign((config_sig, front.text_hash, original.map(|o| o.text_hash)));
                    c.pages
                        .get_or(&front.source.shown.to_string_lossy(), sig, make)
                }
                _ => make(),
            }
        })
        .collect();
    // In file order, so that of two pages written to one place the first keeps it.
    let mut outputs: HashMap<String, PathBuf> = HashMap::new();
    let mut pages = Vec::with_capacity(checked.len());
    for c in checked {
        diags.extend(c.claim);
        let Some(page) = c.page else { continue };
        if let Some(other) = outputs.insert(page.out_path.clone(), page.shown.clone()) {
            let out_path = &page.out_path;
            diags.push(
                Diagnostic::error(format!("two pages would be written to {out_path}"))
                    .in_file(&page.shown)
                    .related(format!("also written by {}", other.display()), crate::error::Location {
                        file: other.clone(),
                        ..Default::default()
                    })
                    .help("rename one of the files, or give one a different `slug:` in its front matter"),
            );
            continue;
        }
        diags.extend(c.checks);
        pages.push(page);
    }
    pages
}

/// One page checked: the page (none for a draft or a page without a title), the diagnostics of
/// finding where it goes, and those of its other checks (reported only if it keeps its place).
#[derive(Clone)]
pub struct Checked {
    page: Option<Page>,
    claim: Vec<Diagnostic>,
    checks: Vec<Diagnostic>,
}

fn check_one(front: &Front, original: Option<&Front>, config: &Config) -> Checked {
    let (claim_diags, check_diags) = (Diagnostics::new(), Diagnostics::new());
    let inherited;
    let raw = match original {
        Some(o) => {
            let mut r = front.raw.clone();
            inherit(&mut r, &o.raw);
            inherited = r;
            &inherited
        }
        None => &front.raw,
    };
    let page = claim(front, raw, config, &claim_diags)
        .map(|claim| build_page(front, raw, claim, &check_diags));
    Checked {
        page,
        claim: claim_diags.into_sorted(),
        checks: check_diags.into_sorted(),
    }
}

/// What a page is and where it goes, found before its other checks.
struct Claim {
    title: String,
    date: Option<jiff::civil::Date>,
    kind: PageKind,
    key: String,
    url: String,
    out_path: String,
}

/// Drafts (unless built with them) and pages without a title are left out.
fn claim(
    front: &Front,
    raw: &RawFrontMatter,
    config: &Config,
    diags: &Diagnostics,
) -> Option<Claim> {
    let source = &front.source;
    if raw.draft == Some(true) && !config.drafts {
        return None;
    }
    let map = || SourceMap::new(&source.shown, &front.text);
    let Some(title) = raw.title.clone().filter(|t| !t.trim().is_empty()) else {
        diags.push(
            Diagnostic::error("this page has no title")
                .at(map().line_location(1, 0, 3))
                .help("add `title: \"…\"` to the front matter"),
        );
        return None;
    };
    let date = match raw.date.as_deref() {
        None => None,
        Some(d) => match parse_date(d) {
            Some(date) => Some(date),
            None => {
                // A translation inheriting the date does not repeat its error: the page that
                // writes it reports it, at the value.
                if front.raw.date.is_some() {
                    let map = map();
                    let at = match frontmatter::find_key(&front.text[..front.body_offset], "date") {
                        Some(off) => {
                            let line = &front.text[off..];
                            let line = &line[..line.find('\n').unwrap_or(line.len())];
                            match line.find(d) {
                                Some(i) => map.locate(off + i, d.len()),
                                None => map.locate(off, "date".len()),
                            }
                        }
                        None => map.line_location(1, 0, 3),
                    };
                    diags.push(
                        Diagnostic::error(format!("`{d}` is not a date"))
                            .at(at)
                            .help("write dates as YYYY-MM-DD, e.g. `date: 2025-10-08`"),
                    );
                }
                None
            }
        },
    };
    let kind = if source.kind == SourceKind::Section {
        if source.dir.is_empty() {
            PageKind::Home
        } else {
            PageKind::Section
        }
    } else if raw.speakers.is_some() {
        PageKind::Interview
    } else if source.dir == "topics" {
        PageKind::Topic
    } else {
        PageKind::Page
    };
    let (key, path) = url_path(source, raw.slug.as_deref());
    let url = config.url_path(&source.lang, &path);
    let prefix = config
        .language(&source.lang)
        .map(|l| l.prefix.clone())
        .unwrap_or_default();
    let out_path = [prefix.as_str(), path.as_str(), "index.html"]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches('/'))
        .collect::<Vec<_>>()
        .join("/");
    Some(Claim {
        title,
        date,
        kind,
        key,
        url,
        out_path,
    })
}

fn build_page(front: &Front, raw: &RawFrontMatter, claim: Claim, diags: &Diagnostics) -> Page {
    let Front {
        source,
        text,
        body_offset,
        text_hash,
        front_hash,
        ..
    } = front;
    let body_offset = *body_offset;
    let interview = (claim.kind == PageKind::Interview).then(|| {
        // Everything checked here is in the front matter: index its lines, not the whole file's.
        let map = SourceMap::new(&source.shown, &text[..body_offset]);
        Arc::new(check_interview(
            raw,
            source,
            &text[..body_offset],
            &map,
            diags,
        ))
    });
    let extra = serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null);
    Page {
        key: claim.key,
        lang: source.lang.clone(),
        kind: claim.kind,
        shown: source.shown.clone(),
        dir: source.dir.clone(),
        title: claim.title,
        date: claim.date,
        summary: raw.summary.clone(),
        notice: raw.notice.clone(),
        weight: raw.weight.unwrap_or(0),
        template: raw.template.clone(),
        topics: raw.topics.clone().unwrap_or_default(),
        extra,
        url: claim.url,
        out_path: claim.out_path,
        interview,
        doc: Default::default(),
        text: text.clone(),
        body_offset,
        text_hash: *text_hash,
        front_hash: *front_hash,
    }
}

fn inherit(raw: &mut RawFrontMatter, orig: &RawFrontMatter) {
    if raw.date.is_none() {
        raw.date = orig.date.clone();
    }
    if raw.source.is_none() {
        raw.source = orig.source.clone();
    }
    if raw.speakers.is_none() {
        raw.speakers = orig.speakers.clone();
    }
    if raw.topics.is_none() {
        raw.topics = orig.topics.clone();
    }
    if raw.turns.is_none() {
        raw.turns = orig.turns.clone();
    }
    if raw.weight.is_none() {
        raw.weight = orig.weight;
    }
    if raw.draft.is_none() {
        raw.draft = orig.draft;
    }
}
