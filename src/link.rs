//! Parsed, aligned pages → the site's cross-references: annotations anchored, topics checked and
//! gathered, glossary terms found, Markdown links resolved and checked, backlinks, related
//! interviews and every speaker's turns. Everything the render stage needs to draw links.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::anchor::{self, Anchor, Anchors, DocText};
use crate::cache::{self, Cache};
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::frontmatter;
use crate::glossary::Glossary;
use crate::markdown::{MarkSpan, PageDecorations};
use crate::page::{Page, PageKind};

mod gather;
mod resolve;
mod terms;
use gather::{SpeakerTurns, gather_passages, related, speakers_turns};
use resolve::resolve_links;
pub use resolve::{PageResolved, page_ids};
use terms::{check_note_terms, find_terms, terms_found};

/// Where one annotation is drawn on a page.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Index into the page's own annotations, or into another language's page (`from`).
    pub annotation: usize,
    /// Some(page index) when the note comes from a translation (it has no version in this language).
    pub from: Option<usize>,
    pub number: usize,
    /// The block the note follows.
    pub block: usize,
    pub turn: Option<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    /// Shared: a rebuild takes a page's links from the previous build without copying them.
    pub decorations: Arc<PageDecorations>,
    /// Notes in page order.
    pub notes: Arc<Vec<Placed>>,
    /// The anchor each of this page's own annotations got (None when it could not be placed).
    pub anchors: Anchors,
    /// The glossary terms linked on this page: (term index, anchor), ordered by anchor.
    pub terms_found: Arc<[(usize, Arc<str>)]>,
    /// A signature of `terms_found` when a cache keeps it and it is not empty, else 0.
    pub terms_sig: u64,
    /// Resolved Markdown link destinations: as written → URL to use.
    pub resolved: Arc<HashMap<String, String>>,
    /// A signature of `resolved` when a cache keeps it (`gloss serve`), else 0.
    pub resolved_sig: u64,
    pub backlinks: Vec<usize>,
    pub related: Vec<usize>,
    /// Topics of each turn (explicit tags and tags of its annotations).
    pub turn_topics: Arc<Vec<Vec<String>>>,
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub page: usize,
    pub anchor: Arc<str>,
}

#[derive(Debug, Clone, Hash)]
pub enum PassageKind {
    Section(usize),
    Turn(usize),
    Annotation(usize),
    Page,
}

#[derive(Debug, Clone)]
pub struct Passage {
    pub page: usize,
    pub kind: PassageKind,
}

#[derive(Debug, Default)]
pub struct Linked {
    pub groups: BTreeMap<String, Vec<usize>>,
    /// Each page's translation group (the page included), found without looking up its key:
    /// listings ask for thousands of pages' translations.
    group_of: Vec<Arc<[usize]>>,
    pub pages: Vec<PageLinks>,
    /// Topic slug → the topic page in each language.
    pub topics: BTreeMap<String, BTreeMap<String, usize>>,
    /// Topic slug → passages, per page language.
    pub passages: BTreeMap<String, Vec<Passage>>,
    /// Term index → where it is linked: gathered when first asked for (only the glossary page
    /// shows them, and a rebuild in `gloss serve` seldom renders it again).
    occurrences: OnceLock<Vec<Vec<Occurrence>>>,
    /// How many terms the glossary has.
    terms: usize,
    /// Speaker slug → (page, turn) of every turn, across the site.
    pub speaker_turns: BTreeMap<String, Vec<(usize, usize)>>,
}

impl Linked {
    /// The version of `page`'s translation group in `lang`, if there is one.
    pub fn translation(&self, pages: &[Page], page: usize, lang: &str) -> Option<usize> {
        self.group(page)
            .iter()
            .copied()
            .find(|&i| pages[i].lang == lang)
    }

    /// Where glossary term `term` (its index) is linked, ordered by (page, anchor).
    pub fn occurrences(&self, term: usize) -> &[Occurrence] {
        let all = self.occurrences.get_or_init(|| {
            let mut all = vec![Vec::new(); self.terms];
            // Pages are appended in order, and each page's terms are ordered by anchor.
            for (i, pl) in self.pages.iter().enumerate() {
                for (ti, anchor) in pl.terms_found.iter() {
                    all[*ti].push(Occurrence {
                        page: i,
                        anchor: anchor.clone(),
                    });
                }
            }
            all
        });
        all.get(term).map_or(&[], Vec::as_slice)
    }

    /// The pages of `page`'s translation group, `page` included (empty before linking).
    pub fn group(&self, page: usize) -> &[usize] {
        self.group_of.get(page).map_or(&[], |g| g)
    }
}

/// With a cache (`gloss serve`), each page's anchors, notes and glossary terms are taken from
/// the previous build when its translation group's texts, the glossary and config are unchanged
/// (`glossary_sig` signs the glossary file).
#[allow(clippy::too_many_arguments)]
pub fn link(
    pages: &[Page],
    groups: BTreeMap<String, Vec<usize>>,
    glossary: &Glossary,
    config: &Config,
    assets: &HashSet<String>,
    failed: &HashSet<String>,
    diags: &Diagnostics,
    cache: Option<&Cache>,
    glossary_sig: u64,
) -> Linked {
    let topics = topic_pages(pages);
    let mut group_of: Vec<Arc<[usize]>> = vec![Arc::from([]); pages.len()];
    for g in groups.values() {
        let shared: Arc<[usize]> = g.as_slice().into();
        for &i in g {
            group_of[i] = shared.clone();
        }
    }
    let grouped = Linked {
        group_of,
        ..Linked::default()
    };
    check_topics(pages, &grouped, &topics, diags);
    let anchor_page = |p: &Page| match &p.interview {
        Some(iv) if !iv.annotations.is_empty() => {
            let text = DocText::new(&p.doc);
            let (anchors, errors) = anchor::anchor_all(&p.doc, &text, &iv.annotations, &p.map());
            (Arc::new(anchors), errors)
        }
        _ => (Arc::default(), Vec::new()),
    };
    let anchors: Vec<Anchors> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let (anchors, errors) = match cache {
                Some(c) => c.anchors.get_or(
                    &p.shown.to_string_lossy(),
                    group_sig(pages, &grouped, i),
                    || anchor_page(p),
                ),
                None => anchor_page(p),
            };
            diags.extend(errors);
            anchors
        })
        .collect();
    let matcher = glossary.matcher();
    // By id: looking each occurrence's term up in the list made this terms × occurrences.
    let term_index: HashMap<&str, usize> = glossary
        .terms
        .iter()
        .enumerate()
        .rev() // the first of a repeated id wins, as it does everywhere else
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    check_note_terms(pages, glossary, &term_index, diags);
    let mut linked = Linked {
        groups,
        group_of: grouped.group_of,
        topics,
        terms: glossary.terms.len(),
        ..Linked::default()
    };
    let base = cache.map(|_| cache::sign((format!("{config:?}"), glossary_sig)));
    let mut page_links: Vec<PageLinks> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let make = || {
                let mut pl = PageLinks {
                    anchors: anchors[i].clone(),
                    ..PageLinks::default()
                };
                let foreign = foreign_notes(pages, &linked, &anchors, i);
                place_notes(p, &foreign, &mut pl);
                find_terms(p, matcher, glossary, config, &mut pl);
                Arc::make_mut(&mut pl.decorations).shrink_to_fit();
                pl.terms_found = terms_found(&pl, &term_index);
                if cache.is_some() && !pl.terms_found.is_empty() {
                    pl.terms_sig = cache::sign(&pl.terms_found);
                }
                pl
            };
            match (cache, base) {
                (Some(c), Some(base)) => {
                    // Notes cross over from translations, which the group signature covers.
                    let sig = cache::sign((base, group_sig(pages, &linked, i)));
                    c.page_links.get_or(&p.shown.to_string_lossy(), sig, make)
                }
                _ => make(),
            }
        })
        .collect();
    resolve_links(
        pages,
        &linked,
        config,
        assets,
        failed,
        &mut page_links,
        diags,
        cache,
        base.unwrap_or(0),
    );
    linked.pages = page_links;
    gather_passages(pages, &mut linked);
    related(pages, &mut linked, cache);
    // Each interview's turns are grouped by speaker in parallel; each speaker's list is then
    // looked up once per interview they speak in, not once per turn.
    let spoken: Vec<Vec<SpeakerTurns>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| speakers_turns(i, p))
        .collect();
    for (slug, turns) in spoken.into_iter().flatten() {
        extend_keyed(&mut linked.speaker_turns, slug, turns.into_iter());
    }
    linked
}

/// Appends to the list under `key`, allocating the key only the first time it is seen.
pub(super) fn extend_keyed<T>(
    map: &mut BTreeMap<String, Vec<T>>,
    key: &str,
    vs: impl Iterator<Item = T>,
) {
    match map.get_mut(key) {
        Some(list) => list.extend(vs),
        None => {
            map.insert(key.to_string(), vs.collect());
        }
    }
}

/// A page's texts and its translations': a translation is parsed with the speakers it may
/// inherit, and shows the notes only its translations have.
fn group_sig(pages: &[Page], linked: &Linked, i: usize) -> u64 {
    let p = &pages[i];
    let group: Vec<(&str, u64)> = linked
        .group(i)
        .iter()
        .map(|&j| (pages[j].url.as_str(), pages[j].text_hash))
        .collect();
    cache::sign((&p.url, p.text_hash, group))
}

fn topic_pages(pages: &[Page]) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut topics: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if p.kind == PageKind::Topic {
            let slug = p.key.trim_start_matches("topics/").to_string();
            topics.entry(slug).or_default().insert(p.lang.clone(), i);
        }
    }
    topics
}

/// Whether `key` in page `i`'s front matter came from another page of its translation group (a
/// translation leaves it out and inherits it): its mistakes are reported where it is written.
fn inherited(pages: &[Page], grouped: &Linked, i: usize, key: &str) -> bool {
    let declares = |j: usize| frontmatter::find_key(pages[j].front(), key).is_some();
    !declares(i) && grouped.group(i).iter().any(|&j| j != i && declares(j))
}

fn check_topics(
    pages: &[Page],
    grouped: &Linked,
    topics: &BTreeMap<String, BTreeMap<String, usize>>,
    diags: &Diagnostics,
) {
    let known: Vec<&str> = topics.keys().map(String::as_str).collect();
    // Hashed, not searched in the map: every page's notes name topics (~100,000 at 5,000).
    let is_topic: rustc_hash::FxHashSet<&str> = known.iter().copied().collect();
    let check = |p: &Page, name: &str, loc: &dyn Fn() -> Location| {
        if !is_topic.contains(name) {
            let suggestion = crate::error::nearest(name, known.iter().copied(), 0.8)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            let list = if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            };
            diags.push(
                Diagnostic::error(format!("unknown topic `{name}` in {}", p.shown.display()))
                    .at(loc())
                    .help(format!(
                        "{suggestion}known topics: {list}. A topic is a page at content/topics/<slug>.md"
                    )),
            );
        }
    };
    let unknown = |ts: &[String]| ts.iter().any(|t| !is_topic.contains(t.as_str()));
    pages.par_iter().enumerate().for_each(|(i, p)| {
        if unknown(&p.topics) && !inherited(pages, grouped, i, "topics") {
            for t in &p.topics {
                check(p, t, &|| p.key_item_location("topics", t));
            }
        }
        for s in &p.doc.sections {
            for t in &s.topics {
                // Point at the topic's name inside `{#id topics=a,b}`.
                let loc = || {
                    let line = p.map().line_location(s.line, 0, 0).text.unwrap_or_default();
                    let col = line
                        .find("topics=")
                        .and_then(|i| line[i..].find(t.as_str()).map(|j| i + j))
                        .unwrap_or(0);
                    p.map().line_location(s.line, col, t.len())
                };
                check(p, t, &loc);
            }
        }
        if let Some(iv) = &p.interview {
            let own_turns = || !inherited(pages, grouped, i, "turns");
            for (n, ts) in &iv.turn_topics {
                if unknown(ts) && own_turns() {
                    for t in ts {
                        check(p, t, &|| p.key_item_location("turns", t));
                    }
                }
                if *n as usize > p.doc.turns.len() || *n == 0 {
                    diags.push(
                        Diagnostic::error(format!(
                            "`turns:` tags turn {n}, but the page has {} turns",
                            p.doc.turns.len()
                        ))
                        .at(p.key_location("turns"))
                        .help("turns are numbered from 1 in the order of their speaker labels"),
                    );
                }
            }
            for a in &iv.annotations {
                for t in &a.topics {
                    check(p, t, &|| p.item_value_location(a.line, "topics", t));
                }
            }
        }
    });
}

/// A note of a translation with no version on this page: (its page, annotation index, turn here, id).
type Foreign = (usize, usize, usize, String);

/// Notes of the page's translations that have no version on this page.
fn foreign_notes(
    pages: &[Page],
    linked: &Linked,
    anchors: &[Anchors],
    here: usize,
) -> Vec<Foreign> {
    let page = &pages[here];
    let Some(iv) = &page.interview else {
        return Vec::new();
    };
    let own: HashSet<&str> = iv.annotations.iter().map(|a| a.id.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for &there in linked.group(here) {
        let Some(other) = pages[there].interview.as_ref().filter(|_| there != here) else {
            continue;
        };
        for (a, ann) in other.annotations.iter().enumerate() {
            if own.contains(ann.id.as_str()) || !seen.insert(ann.id.as_str()) {
                continue;
            }
            let turn = match anchors[there].get(a) {
                Some(Some(Anchor::Span { block, .. })) => pages[there].doc.blocks[*block].turn,
                Some(Some(Anchor::Turn(t))) => Some(*t),
                _ => None,
            };
            if let Some(t) = turn.filter(|t| *t < page.doc.turns.len()) {
                out.push((there, a, t, ann.id.clone()));
            }
        }
    }
    out
}

/// Places every note of a page, numbered in reading order: its own annotations as marks on their
/// passages (or references at the end of a turn's first paragraph), and notes that exist only in a
/// translation on the same turn, in their own language.
fn place_notes(p: &Page, foreign: &[Foreign], pl: &mut PageLinks) {
    let Some(iv) = &p.interview else {
        return;
    };
    /// A note to place, sorted into reading order by (block, position, foreign last).
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct Item<'a> {
        block: usize,
        pos: usize,
        foreign: bool,
        annotation: usize,
        from: Option<usize>,
        id: &'a str,
    }
    let mut items: Vec<Item> = Vec::new();
    for (a, anchor) in pl.anchors.iter().enumerate() {
        let id = iv.annotations[a].id.as_str();
        let (block, pos) = match anchor {
            Some(Anchor::Span { block, start, .. }) => (*block, *start),
            Some(Anchor::Turn(t)) => (p.doc.turns[*t].first, usize::MAX),
            None => continue,
        };
        items.push(Item {
            block,
            pos,
            foreign: false,
            annotation: a,
            from: None,
            id,
        });
    }
    for (from, a, t, id) in foreign {
        items.push(Item {
            block: p.doc.turns[*t].first,
            pos: usize::MAX,
            foreign: true,
            annotation: *a,
            from: Some(*from),
            id,
        });
    }
    items.sort();
    let mut notes = Vec::with_capacity(items.len());
    for (
        i,
        Item {
            block,
            annotation: a,
            from,
            id,
            ..
        },
    ) in items.into_iter().enumerate()
    {
        let number = i + 1;
        let anchor = format!("a-{id}");
        let deco = Arc::make_mut(&mut pl.decorations).entry(block);
        match (from, pl.anchors.get(a)) {
            (None, Some(Some(Anchor::Span { start, end, .. }))) => {
                deco.marks.push(MarkSpan {
                    start: *start,
                    end: *end,
                    anchor,
                    number,
                });
            }
            // A whole turn, or a note from a translation: referenced at the end of the paragraph.
            _ => deco.tail_refs.push((anchor, number)),
        }
        notes.push(Placed {
            annotation: a,
            from,
            number,
            block,
            turn: p.doc.blocks[block].turn,
        });
    }
    let turn_topics = p
        .doc
        .turns
        .iter()
        .map(|t| {
            let mut ts: BTreeSet<String> = iv
                .turn_topics
                .get(&(t.n as u32))
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            for n in notes
                .iter()
                .filter(|n| n.from.is_none() && n.turn == Some(t.n - 1))
            {
                ts.extend(iv.annotations[n.annotation].topics.iter().cloned());
            }
            ts.into_iter().collect()
        })
        .collect();
    pl.notes = Arc::new(notes);
    pl.turn_topics = Arc::new(turn_topics);
}
