//! The linked pages → what gathers across them: each topic's passages (sections, turns and
//! annotations tagged with it), each speaker's turns, and each interview's related interviews by
//! shared topics.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Linked, Passage, PassageKind, extend_keyed};
use crate::cache::{self, Cache};
use crate::page::{Page, PageKind};

/// Every section, turn and annotation tagged with each topic, by topic.
pub(super) fn gather_passages(pages: &[Page], linked: &mut Linked) {
    // Each page's passages are found in parallel and grouped by topic (keeping their order), so
    // each topic's list is looked up once per page, not once per passage.
    let found: Vec<Vec<(&str, Passage)>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut found = page_passages(i, p, linked);
            found.sort_by_key(|(t, _)| *t);
            found
        })
        .collect();
    let mut passages: BTreeMap<String, Vec<Passage>> = BTreeMap::new();
    for found in found {
        for run in found.chunk_by(|a, b| a.0 == b.0) {
            extend_keyed(&mut passages, run[0].0, run.iter().map(|(_, q)| q.clone()));
        }
    }
    linked.passages = passages;
}

/// Page `i`'s passages with their topics, in page order: the page itself, its sections, its
/// tagged turns, its placed annotations.
fn page_passages<'p>(i: usize, p: &'p Page, linked: &Linked) -> Vec<(&'p str, Passage)> {
    let mut found = Vec::new();
    let mut push = |t: &'p str, kind| found.push((t, Passage { page: i, kind }));
    if p.kind != PageKind::Topic {
        for t in &p.topics {
            push(t, PassageKind::Page);
        }
    }
    for (s, sec) in p.doc.sections.iter().enumerate() {
        for t in &sec.topics {
            push(t, PassageKind::Section(s));
        }
    }
    if let Some(iv) = &p.interview {
        for (n, ts) in &iv.turn_topics {
            for t in ts {
                if (*n as usize) <= p.doc.turns.len() && *n > 0 {
                    push(t, PassageKind::Turn(*n as usize - 1));
                }
            }
        }
        for (a, ann) in iv.annotations.iter().enumerate() {
            if linked.pages[i].anchors.get(a).is_some_and(Option::is_some) {
                for t in &ann.topics {
                    push(t, PassageKind::Annotation(a));
                }
            }
        }
    }
    found
}

/// A speaker's slug and their turns in one interview: (page, turn).
pub(super) type SpeakerTurns<'p> = (&'p String, Vec<(usize, usize)>);

/// Interview `i`'s turns by speaker slug: (page, turn) in order, slugs in order.
pub(super) fn speakers_turns(i: usize, p: &Page) -> Vec<SpeakerTurns<'_>> {
    let Some(iv) = &p.interview else {
        return Vec::new();
    };
    // A label declared twice speaks as its first declaration.
    let slug_of = |id: &str| iv.speakers.iter().find(|s| s.id == id).map(|s| &s.slug);
    let mut slugs: Vec<&String> = iv.speakers.iter().map(|s| &s.slug).collect();
    slugs.sort();
    slugs.dedup();
    // One pass over the turns, each put with its speaker (a rebuild at 5,000 does every page).
    let mut turns: Vec<Vec<(usize, usize)>> = vec![Vec::new(); slugs.len()];
    for (t, turn) in p.doc.turns.iter().enumerate() {
        if let Some(k) = slug_of(&turn.speaker).and_then(|s| slugs.binary_search(&s).ok()) {
            turns[k].push((i, t));
        }
    }
    slugs
        .into_iter()
        .zip(turns)
        .filter(|(_, turns)| !turns.is_empty())
        .collect()
}

/// Interviews sharing topics, most shared first. With a cache, taken from the previous build
/// while no page's topics, kind, language, date or place in the site changed.
pub(super) fn related(pages: &[Page], linked: &mut Linked, cache: Option<&Cache>) {
    let topic_sets: Vec<BTreeSet<&str>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut s: BTreeSet<&str> = p.topics.iter().map(String::as_str).collect();
            s.extend(
                p.doc
                    .sections
                    .iter()
                    .flat_map(|x| x.topics.iter().map(String::as_str)),
            );
            s.extend(
                linked.pages[i]
                    .turn_topics
                    .iter()
                    .flatten()
                    .map(String::as_str),
            );
            s
        })
        .collect();
    let rank_all = || {
        let lists: Vec<Vec<usize>> = rank_all(pages, &topic_sets);
        Arc::new(lists)
    };
    let lists = match cache {
        Some(c) => {
            let inputs: Vec<_> = pages
                .iter()
                .zip(&topic_sets)
                .map(|(p, ts)| (&p.url, p.kind, &p.lang, p.date, ts))
                .collect();
            c.related.get_or("related", cache::sign(inputs), rank_all)
        }
        None => rank_all(),
    };
    for (pl, list) in linked.pages.iter_mut().zip(lists.iter()) {
        pl.related.clone_from(list);
    }
}

/// Every page's related interviews, ranked in parallel.
fn rank_all(pages: &[Page], topic_sets: &[BTreeSet<&str>]) -> Vec<Vec<usize>> {
    // Index topic → interviews, so the cost grows with shared topics, not with pages squared.
    let mut by_topic: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if p.kind == PageKind::Interview {
            for t in &topic_sets[i] {
                by_topic.entry((t, p.lang.as_str())).or_default().push(i);
            }
        }
    }
    (0..pages.len())
        .into_par_iter()
        .map(|i| ranked(pages, topic_sets, &by_topic, i))
        .collect()
}

/// The interviews most related to interview `i`: most shared topics first, then the newest.
fn ranked(
    pages: &[Page],
    topic_sets: &[BTreeSet<&str>],
    by_topic: &HashMap<(&str, &str), Vec<usize>>,
    i: usize,
) -> Vec<usize> {
    let p = &pages[i];
    if p.kind != PageKind::Interview {
        return Vec::new();
    }
    let mut score: FxHashMap<usize, usize> = FxHashMap::default();
    for t in &topic_sets[i] {
        let others = &by_topic[&(*t, p.lang.as_str())];
        // Very common topics say little about relatedness; cap the work they cause.
        for &j in others.iter().take(200) {
            if j != i {
                *score.entry(j).or_default() += 1;
            }
        }
    }
    let order = |a: &(usize, usize), b: &(usize, usize)| {
        b.1.cmp(&a.1)
            .then(pages[b.0].date.cmp(&pages[a.0].date))
            .then(a.0.cmp(&b.0))
    };
    // Only the first few are shown: selected, not the thousands of candidates sorted.
    let mut ranked: Vec<(usize, usize)> = score.into_iter().collect();
    if ranked.len() > RELATED {
        ranked.select_nth_unstable_by(RELATED, order);
        ranked.truncate(RELATED);
    }
    ranked.sort_by(order);
    ranked.into_iter().map(|(j, _)| j).collect()
}

/// How many related interviews an interview lists.
const RELATED: usize = 5;
