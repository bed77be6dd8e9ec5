//! The linked site → the documents search finds, each with the anchor a result links to:
//! interview turns (`#t-N`, with their speaker), annotations (`#a-id`), interview sections,
//! other pages cut at their headings, and glossary entries (`glossary/#term-id`), in every language.

use crate::anchor::Anchor;
use crate::markdown::block_text;
use crate::page::{Page, PageKind};
use crate::present::{Ctx, strip_markdown};
use crate::text::squash_ws;
use rayon::prelude::*;
use std::sync::Arc;

use super::index;
use super::postings::{Gathered, Indexed};

/// What a document is; its letter is what the browser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Turn,
    Note,
    Section,
    Page,
    Term,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Turn,
        Kind::Note,
        Kind::Section,
        Kind::Page,
        Kind::Term,
    ];

    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// One searchable piece of a page.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: Kind,
    /// Fragment identifier on the page, without `#`; empty for the top of the page.
    pub anchor: String,
    /// The speaker of a turn, the turn (`t-N`) an annotation sits in, the heading of a section,
    /// the name of a term.
    pub label: String,
    pub text: String,
}

/// A page of results: a site page, or a language's glossary.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub url: String,
    pub title: String,
    pub lang: String,
    /// Shared by a page's translations, so results can be grouped and offered across languages.
    pub key: String,
    pub kind: PageKind,
    /// Emptied by `collect` once the page is worked: their text is then in the work's store, and
    /// is not kept twice (a tenth of a build's peak memory).
    pub docs: Vec<SearchDoc>,
}

/// Pages are worked this many at a time, so only that many pages' stored text is held before it
/// is handed on.
const BATCH: usize = 256;

/// Every page's documents with their index work, in the index's order: by language (as book.toml
/// lists them), each in site order and then that language's glossary; pages without documents
/// are left out. Each page's stored text is handed to `emit` with the page's number as soon as
/// its batch is worked, and taken from the page when nothing else holds it, so the site's text is
/// not all held at once (it was a sixth of a build's peak memory).
/// With a cache, a page whose signature is unchanged is taken from the previous build; without
/// one (`gloss build`) the postings are gathered batch by batch too, and returned.
pub fn collect<T: Send>(
    ctx: &Ctx,
    emit: impl Fn(u32, bytes::Bytes) -> T + Sync,
) -> (Vec<Indexed>, Vec<T>, Option<Gathered>) {
    let with_work = |mut p: SearchPage| {
        let w = index::work(&p);
        p.docs = Vec::new();
        Arc::new((p, w))
    };
    // Pages by language, so the pages holding a word are close together and their gaps small.
    let lang_pos = |l: &str| {
        let langs = &ctx.config.languages;
        langs.iter().position(|x| x.key == l).unwrap_or(0)
    };
    let (mut pages, mut files) = (Vec::new(), Vec::new());
    let mut gathered = ctx.cache.is_none().then(Gathered::default);
    let mut hand_on = |mut worked: Vec<Indexed>| {
        files.extend(emit_stores(&mut worked, pages.len(), &emit));
        if let Some(g) = &mut gathered {
            g.add(&mut worked, pages.len());
        }
        pages.append(&mut worked);
    };
    for (k, l) in ctx.config.languages.iter().enumerate() {
        let of_lang: Vec<usize> = (0..ctx.pages.len())
            .filter(|&i| lang_pos(&ctx.pages[i].lang) == k)
            .collect();
        for batch in of_lang.chunks(BATCH) {
            let worked: Vec<Indexed> = batch
                .par_iter()
                .map(|&i| match ctx.cache {
                    Some(c) => c.search.get_or(&ctx.pages[i].url, ctx.sigs.pages[i], || {
                        with_work(page(ctx, i))
                    }),
                    None => with_work(page(ctx, i)),
                })
                .filter(|e| e.1.docs() > 0)
                .collect();
            hand_on(worked);
        }
        if !ctx.glossary.terms.is_empty() {
            hand_on(vec![with_work(glossary_page(ctx, &l.key))]);
        }
    }
    (pages, files, gathered)
}

/// Hands each page's stored text on, numbered from `first`: taken from a page nothing else holds
/// (`gloss build`), shared with one the cache keeps (`gloss serve`).
fn emit_stores<T: Send>(
    pages: &mut [Indexed],
    first: usize,
    emit: &(impl Fn(u32, bytes::Bytes) -> T + Sync),
) -> Vec<T> {
    pages
        .par_iter_mut()
        .enumerate()
        .map(|(k, page)| {
            let store = match Arc::get_mut(page) {
                Some((_, work)) => work.take_store(),
                None => page.1.store(),
            };
            emit((first + k) as u32, store)
        })
        .collect()
}

fn page(ctx: &Ctx, i: usize) -> SearchPage {
    let p = &ctx.pages[i];
    SearchPage {
        url: p.url.clone(),
        title: p.title.clone(),
        lang: p.lang.clone(),
        key: p.key.clone(),
        kind: p.kind,
        docs: match p.kind {
            PageKind::Interview => interview_docs(ctx, i),
            _ => page_docs(p),
        },
    }
}

fn doc(kind: Kind, anchor: String, label: String, text: String) -> Option<SearchDoc> {
    let text = squash_ws(&text);
    (!text.is_empty()).then_some(SearchDoc {
        kind,
        anchor,
        label,
        text,
    })
}

fn blocks_text(p: &Page, blocks: impl Iterator<Item = usize>) -> String {
    let mut out = String::new();
    for (k, b) in blocks.enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(&block_text(&p.doc.blocks[b].events));
    }
    out
}

fn interview_docs(ctx: &Ctx, page: usize) -> Vec<SearchDoc> {
    let p = &ctx.pages[page];
    let iv = p
        .interview
        .as_ref()
        .expect("interview pages have an interview");
    let mut docs = Vec::new();
    // The title, summary and the loose paragraphs before the first section: the top of the page.
    let first_section = p
        .doc
        .sections
        .first()
        .map_or(p.doc.blocks.len(), |s| s.heading);
    let intro = blocks_text(
        p,
        (0..first_section).filter(|&b| p.doc.blocks[b].turn.is_none()),
    );
    let summary = p.summary.as_deref().map(strip_markdown).unwrap_or_default();
    docs.extend(doc(
        Kind::Page,
        String::new(),
        p.title.clone(),
        format!("{} {summary} {intro}", p.title),
    ));
    for (s, sec) in p.doc.sections.iter().enumerate() {
        let loose = blocks_text(
            p,
            (0..p.doc.blocks.len()).filter(|&b| {
                b != sec.heading
                    && p.doc.blocks[b].section == Some(s)
                    && p.doc.blocks[b].turn.is_none()
            }),
        );
        docs.extend(doc(
            Kind::Section,
            sec.id.clone(),
            sec.title.clone(),
            format!("{} {loose}", sec.title),
        ));
    }
    for t in &p.doc.turns {
        let speaker = iv
            .speakers
            .iter()
            .find(|s| s.id == t.speaker)
            .and_then(|s| s.names.get(&p.lang, &ctx.config.default_language))
            .unwrap_or(&t.speaker);
        docs.extend(doc(
            Kind::Turn,
            t.anchor(),
            speaker.to_string(),
            blocks_text(p, t.first..=t.last),
        ));
    }
    let anchors = &ctx.linked.pages[page].anchors;
    for (a, ann) in iv.annotations.iter().enumerate() {
        // An annotation that found no place is not drawn, so there is nothing to link to. Its
        // label is the turn it sits in, so the browser can rank the turn before its note.
        let turn = match anchors.get(a).cloned().flatten() {
            None => continue,
            Some(Anchor::Turn(t)) => Some(t),
            Some(Anchor::Span { block, .. }) => p.doc.blocks[block].turn,
        };
        docs.extend(doc(
            Kind::Note,
            format!("a-{}", ann.id),
            turn.map(|t| p.doc.turns[t].anchor()).unwrap_or_default(),
            strip_markdown(&ann.note),
        ));
    }
    docs
}

/// Any other page: its title, summary and body, cut at each heading down to level 3.
fn page_docs(p: &Page) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    let summary = p.summary.as_deref().map(strip_markdown).unwrap_or_default();
    let mut anchor = String::new();
    let mut label = p.title.clone();
    let mut text = format!("{} {summary}", p.title);
    for (b, block) in p.doc.blocks.iter().enumerate() {
        if let Some(h) = p.doc.headings.iter().find(|h| h.block == b && h.level <= 3) {
            docs.extend(doc(Kind::Section, anchor, label, text));
            anchor = h.id.clone();
            label = h.text.clone();
            text = String::new();
        }
        text.push(' ');
        text.push_str(&block_text(&block.events));
    }
    docs.extend(doc(Kind::Section, anchor, label, text));
    if let Some(first) = docs.first_mut()
        && first.anchor.is_empty()
    {
        first.kind = Kind::Page;
    }
    docs
}

fn glossary_page(ctx: &Ctx, lang: &str) -> SearchPage {
    let default = &ctx.config.default_language;
    let docs = ctx
        .glossary
        .terms
        .iter()
        .filter_map(|t| {
            let name = t.names.get(lang, default).unwrap_or(&t.id).to_string();
            let mut forms = t.forms();
            forms.retain(|f| *f != name);
            let definition = t.definition.get(lang, default).unwrap_or("");
            doc(
                Kind::Term,
                format!("term-{}", t.id),
                name.clone(),
                format!("{name} {} {definition}", forms.join(" ")),
            )
        })
        .collect();
    SearchPage {
        url: ctx.config.url_path(lang, "glossary/"),
        title: ctx
            .config
            .language(lang)
            .and_then(|l| l.ui.get("glossary").cloned())
            .unwrap_or_else(|| "Glossary".into()),
        lang: lang.to_string(),
        key: "glossary".into(),
        kind: PageKind::Page,
        docs,
    }
}
