//! The built site → signatures of what each output is made from: the global one (config,
//! templates, glossary, navigation), each page's, and each listing's (topic, speaker and section
//! pages, the glossary, feeds). Equal signatures mean equal outputs, so `gloss serve` reuses them.

use rayon::prelude::*;

use super::sign;
use crate::anchor::Anchor;
use crate::link::PassageKind;
use crate::page::PageKind;
use crate::present::Ctx;
use crate::render::Job;

/// The signatures a build's outputs are looked up by (empty without a cache).
#[derive(Debug, Default)]
pub struct Signatures {
    /// Config, templates, glossary and the navigation every page shows.
    pub global: u64,
    /// Per page: what its own outputs are made from (see `page_signatures`).
    pub pages: Vec<u64>,
    /// Per page: what a listing, a backlink or a related box shows of it.
    pub listed: Vec<u64>,
    /// What topic and speaker pages show of each page (`shown_signatures`).
    pub shown: Vec<u64>,
}

/// What every cached page depends on: config, templates, glossary, and the topics and counts
/// every page's navigation shows. Any change there re-renders every page.
pub fn global_signature(ctx: &Ctx, templates: u64, glossary: u64) -> u64 {
    let topics: Vec<(String, Vec<(String, u64)>)> = ctx
        .linked
        .topics
        .iter()
        .map(|(slug, per_lang)| {
            let pages = per_lang
                .iter()
                .map(|(l, &i)| (l.clone(), ctx.pages[i].text_hash))
                .collect();
            (slug.clone(), pages)
        })
        .collect();
    // Counting goes through every passage of the site, once per language: side by side.
    let counts: Vec<String> = ctx
        .config
        .languages
        .par_iter()
        .map(|l| serde_json::to_string(&*ctx.topic_counts(&l.key)).unwrap_or_default())
        .collect();
    sign((
        format!("{:?}", ctx.config),
        templates,
        glossary,
        topics,
        counts,
    ))
}

/// Each page's signature: what its own pages (the page, its parallel page, its search documents
/// and annotation export) are made from: its text, what it shows of its translations, where its
/// links led, and the pages it lists as backlinks and related.
pub fn page_signatures(ctx: &Ctx, global: u64) -> Signatures {
    // Signed once per page when its links were resolved (link/resolve.rs), not once per page
    // listing it: a hub page is listed by thousands of backlinks.
    let resolved = |j: usize| ctx.linked.pages[j].resolved_sig;
    let entry = |j: usize| {
        (
            ctx.pages[j].url.as_str(),
            ctx.pages[j].text_hash,
            resolved(j),
        )
    };
    // What a backlink or a related page shows of another page: its summary, not its text.
    let listed: Vec<u64> = (0..ctx.pages.len())
        .into_par_iter()
        .map(|j| {
            let q = &ctx.pages[j];
            let date = q.date.map(|d| d.to_string());
            sign((&q.url, &q.title, &q.summary, date, q.kind, resolved(j)))
        })
        .collect();
    let listed_sig = |j: usize| listed[j];
    // What a page shows of a translation: its front matter (title, the notes only it has, the
    // speakers and topics it passes on) and the turn each of its notes is anchored in, where the
    // page places them too. Not its turns' text: only the parallel page shows that, and its
    // signature is made of both pages' own.
    let crossing = |j: usize| {
        let q = &ctx.pages[j];
        let note_turns: Vec<Option<usize>> = ctx.linked.pages[j]
            .anchors
            .iter()
            .map(|a| match a {
                Some(Anchor::Span { block, .. }) => q.doc.blocks[*block].turn,
                Some(Anchor::Turn(t)) => Some(*t),
                None => None,
            })
            .collect();
        (q.url.as_str(), q.front_hash, note_turns, resolved(j))
    };
    let pages = (0..ctx.pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &ctx.pages[i];
            let pl = &ctx.linked.pages[i];
            let group: Vec<_> = ctx
                .linked
                .group(i)
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| crossing(j))
                .collect();
            let backlinks: Vec<_> = pl.backlinks.iter().map(|&j| listed_sig(j)).collect();
            let related: Vec<_> = pl.related.iter().map(|&j| listed_sig(j)).collect();
            sign((global, entry(i), &p.out_path, group, backlinks, related))
        })
        .collect();
    Signatures {
        global,
        pages,
        listed,
        shown: Vec::new(),
    }
}

/// What topic and speaker pages show of each page: its entry (`listed`), its speakers' roles (its
/// translation group's front matter), and the views of its passages and turns, in every language
/// that lists them. An edit that changes none of them (most do not: a passage shows the start of
/// a turn) leaves the listings it appears on as they were; signing them with the page's whole
/// signature re-rendered, at 5,000 interviews, topic pages of thousands of passages each time.
/// Kept by page signature, with the warnings making the views gave, replayed.
pub fn shown_signatures(ctx: &Ctx) -> Vec<u64> {
    let Some(cache) = ctx.cache else {
        return Vec::new();
    };
    let key = |i: usize| (ctx.pages[i].url.as_str(), ctx.sigs.pages[i]);
    let mut shown: Vec<Option<u64>> = (0..ctx.pages.len())
        .into_par_iter()
        .map(|i| {
            let (url, sig) = key(i);
            cache.shown.replay(ctx.diags, url, sig)
        })
        .collect();
    // Only the pages whose signature changed (one or two in a rebuild) have their passages and
    // turns looked for.
    let mut missed: Vec<Option<(Vec<&PassageKind>, Vec<usize>)>> = shown
        .iter()
        .map(|s| s.is_none().then(Default::default))
        .collect();
    for list in ctx.linked.passages.values() {
        for q in list {
            if let Some((kinds, _)) = &mut missed[q.page] {
                kinds.push(&q.kind);
            }
        }
    }
    for list in ctx.linked.speaker_turns.values() {
        for &(page, t) in list {
            if let Some((_, turns)) = &mut missed[page] {
                turns.push(t);
            }
        }
    }
    let made: Vec<(usize, u64)> = missed
        .into_par_iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|m| (i, m)))
        .map(|(i, (kinds, turns))| {
            let make = || {
                let views: Vec<_> = ctx
                    .config
                    .languages
                    .iter()
                    .filter(|l| ctx.listed_in(i, &l.key))
                    .flat_map(|l| {
                        kinds
                            .iter()
                            .map(|kind| ctx.cached_passage_view(i, kind, &l.key))
                    })
                    .collect();
                let turns: Vec<_> = turns
                    .iter()
                    .map(|&t| ctx.cached_speaker_turn(i, t))
                    .collect();
                sign((ctx.sigs.listed[i], group_front(ctx, i), views, turns))
            };
            let (url, sig) = key(i);
            let made: Result<u64, std::convert::Infallible> =
                cache.shown.make_kept(ctx.diags, url, sig, || Ok(make()));
            let Ok(v) = made;
            (i, v)
        })
        .collect();
    for (i, v) in made {
        shown[i] = Some(v);
    }
    shown.into_iter().map(Option::unwrap_or_default).collect()
}

/// A topic page's signature: its own page's and what it shows of the pages whose passages it
/// lists in its language (a page's passages are shown in `lang` when it has a version in `lang`).
pub fn topic_signature(ctx: &Ctx, page: usize, slug: &str) -> u64 {
    let lang = &ctx.pages[page].lang;
    let gathered: Vec<(u64, &PassageKind)> = ctx
        .linked
        .passages
        .get(slug)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter(|q| ctx.listed_in(q.page, lang))
        .map(|q| (ctx.sigs.shown[q.page], &q.kind))
        .collect();
    sign((ctx.sigs.pages[page], gathered))
}

/// A speaker page's signature: those of the pages whose turns it lists, and which turns. Every
/// page's signature holds the global one (config, templates, the navigation's topic counts).
pub fn speaker_signature(ctx: &Ctx, lang: &str, slug: &str) -> u64 {
    let turns = ctx
        .linked
        .speaker_turns
        .get(slug)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    // A page's turns are next to each other: whether it is listed is asked once per page.
    let listed: Vec<(u64, &[(usize, usize)])> = turns
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| ctx.listed_in(run[0].0, lang))
        .map(|run| (ctx.sigs.shown[run[0].0], run))
        .collect();
    // The speaker is named as declared where they first speak, in whatever language: that page's
    // front matter (its group's, which it may inherit) and the label of the turn.
    let declared = turns.first().map(|&(page, t)| {
        (
            group_front(ctx, page),
            ctx.pages[page].doc.turns[t].speaker.as_str(),
        )
    });
    sign((ctx.sigs.global, lang, slug, declared, listed))
}

/// A listing's signature, for the outputs made from many pages that `page_signatures` does not
/// cover: home and section pages, the list of speakers, the glossary, the search and 404 pages.
/// Each is signed by what it shows of the pages it lists, found without making its view.
pub fn listing_signature(ctx: &Ctx, job: &Job) -> Option<u64> {
    let sigs = &ctx.sigs;
    match job {
        Job::Page(i) if matches!(ctx.pages[*i].kind, PageKind::Home | PageKind::Section) => {
            let listed: Vec<(u64, i64)> = ctx
                .section_members(*i)
                .into_iter()
                .map(|j| (sigs.listed[j], ctx.pages[j].weight))
                .collect();
            Some(sign(("section", sigs.pages[*i], listed)))
        }
        Job::Speakers(lang) => {
            // Per speaker: who they are (declared where they first speak), the pages they speak
            // in with those pages' front matter (their role there), and their number of turns.
            let speakers: Vec<_> = ctx
                .linked
                .speaker_turns
                .iter()
                .map(|(slug, turns)| {
                    let declared = ctx.speaker(slug);
                    // A page's turns are next to each other: each page is looked at once.
                    let pages: Vec<(&str, u64, usize)> = turns
                        .chunk_by(|a, b| a.0 == b.0)
                        .filter(|run| ctx.listed_in(run[0].0, lang))
                        .map(|run| {
                            let p = run[0].0;
                            (ctx.pages[p].url.as_str(), group_front(ctx, p), run.len())
                        })
                        .collect();
                    (slug, declared, pages)
                })
                .collect();
            Some(sign(("speakers", sigs.global, lang, speakers)))
        }
        Job::Glossary(lang) => {
            // Each page's occurrences are signed with its links (link.rs): the pages showing
            // terms, with what the glossary shows of them and which terms where; and the notes
            // about terms, with their numbers.
            let occurrences: Vec<(u64, u64, u64)> = (0..ctx.pages.len())
                .filter(|&i| ctx.pages[i].lang == *lang)
                .map(|i| {
                    (
                        sigs.listed[i],
                        ctx.linked.pages[i].terms_sig,
                        note_terms(ctx, i),
                    )
                })
                .filter(|&(_, terms, notes)| terms != 0 || notes != 0)
                .collect();
            Some(sign(("glossary", sigs.global, lang, occurrences)))
        }
        Job::Search(lang) => Some(sign(("search", sigs.global, lang))),
        Job::NotFound => Some(sign(("404", sigs.global))),
        _ => None,
    }
}

/// What the glossary page shows of a page's notes: the glossary ids of each, its number and
/// anchor; 0 when none names a term.
fn note_terms(ctx: &Ctx, i: usize) -> u64 {
    let about: Vec<(usize, &str, &[String])> = ctx.linked.pages[i]
        .notes
        .iter()
        .filter_map(|n| {
            let iv = ctx.pages[n.from.unwrap_or(i)].interview.as_ref()?;
            let ann = &iv.annotations[n.annotation];
            (!ann.terms.is_empty()).then_some((n.number, ann.id.as_str(), ann.terms.as_slice()))
        })
        .collect();
    if about.is_empty() { 0 } else { sign(about) }
}

/// An Atom feed's signature: its language's interviews as listings show them (title, summary,
/// date, URL) and the site's newest date, which dates undated entries.
pub fn feed_signature(ctx: &Ctx, lang: &str) -> u64 {
    let entries: Vec<u64> = (0..ctx.pages.len())
        .filter(|&i| ctx.pages[i].lang == lang && ctx.pages[i].kind == PageKind::Interview)
        .map(|i| ctx.sigs.listed[i])
        .collect();
    let newest = ctx.pages.iter().filter_map(|p| p.date).max();
    sign(("feed", ctx.sigs.global, lang, newest, entries))
}

/// The sitemap's signature: every rendered page's URL and date, and the versions it names
/// (its translations, and theirs that have a parallel page).
pub fn sitemap_signature(ctx: &Ctx, jobs: &[Job]) -> u64 {
    let page = |i: usize| {
        let versions: Vec<(u64, bool)> = ctx
            .linked
            .group(i)
            .iter()
            .map(|&j| (ctx.sigs.listed[j], ctx.parallel_partner(j).is_some()))
            .collect();
        (ctx.sigs.listed[i], versions)
    };
    let entries: Vec<_> = jobs
        .par_iter()
        .map(|job| match job {
            Job::Page(i) => (0, page(*i), None),
            Job::Parallel(i, _) => (1, page(*i), None),
            Job::Speaker(lang, slug) => (2, (0, Vec::new()), Some(format!("{lang}/{slug}"))),
            other => (3, (0, Vec::new()), Some(format!("{other:?}"))),
        })
        .collect();
    sign(("sitemap", ctx.sigs.global, entries))
}

/// The front matter of a page's translation group: a translation inherits what it leaves out.
fn group_front(ctx: &Ctx, page: usize) -> u64 {
    let fronts: Vec<u64> = ctx
        .linked
        .group(page)
        .iter()
        .map(|&j| ctx.pages[j].front_hash)
        .collect();
    sign(fronts)
}
