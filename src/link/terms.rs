//! A page's blocks and the glossary → the terms it links: the first occurrence of each term in
//! each section, as spans of the blocks' text, and the list of them the glossary links back to.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::glossary::{Glossary, Matcher};
use crate::markdown::{TermSpan, block_text, unlinkable_ranges};
use crate::page::Page;
use crate::parse::BlockKind;

use super::PageLinks;

/// The glossary terms a page links, by term index, ordered by anchor.
pub(super) fn terms_found(
    pl: &PageLinks,
    term_index: &HashMap<&str, usize>,
) -> Arc<[(usize, Arc<str>)]> {
    let mut found: Vec<(usize, &Arc<str>)> = pl
        .decorations
        .values()
        .flat_map(|deco| &deco.terms)
        .filter_map(|t| {
            let term = t.href.rsplit_once('#')?.1.strip_prefix("term-")?;
            Some((*term_index.get(term)?, &t.id))
        })
        .collect();
    found.sort_unstable_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
    found
        .into_iter()
        .map(|(t, id)| (t, Arc::clone(id)))
        .collect()
}

/// Every glossary id an annotation names in its `terms` must be an entry of the glossary: the
/// glossary page lists the notes about each term, and a misspelt id would leave a note off it
/// without a word. When the glossary file itself has an error, the entry may be missing because
/// of it, and that error is the one to fix.
pub(super) fn check_note_terms(
    pages: &[Page],
    glossary: &Glossary,
    term_index: &HashMap<&str, usize>,
    diags: &Diagnostics,
) {
    if glossary.failed {
        return;
    }
    for p in pages {
        let Some(iv) = &p.interview else { continue };
        let unknown = || {
            iv.annotations.iter().flat_map(|a| {
                a.terms
                    .iter()
                    .filter(|t| !term_index.contains_key(t.as_str()))
                    .map(move |t| (a, t))
            })
        };
        let report = |a: &crate::page::Annotation, t: &str, what: &str, help: String| {
            diags.push(
                Diagnostic::error(format!(
                    "annotation `{}` names the glossary term `{t}`, {what}",
                    a.id
                ))
                .at(p.item_value_location(a.line, "terms", t))
                .help(help),
            );
        };
        let Some(file) = &glossary.file else {
            // No glossary at all: once per page, not once per id.
            if let Some((a, t)) = unknown().next() {
                let help = format!(
                    "{} glossary id(s) in this page's `terms`: add content/glossary.yaml with \
                     entries of these ids (docs/content.md, \"Glossary\"), or take them out",
                    unknown().count()
                );
                report(a, t, "but this site has no glossary", help);
            }
            continue;
        };
        for (a, t) in unknown() {
            let suggestion = crate::error::nearest(t, term_index.keys().copied(), 0.8)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            let help = format!(
                "{suggestion}`terms` takes the `id`s of entries in {}; add the entry there, or \
                 take the id out of `terms`",
                file.display()
            );
            report(a, t, "which the glossary does not have", help);
        }
    }
}

/// Links the first occurrence of each glossary term in each section of the page.
pub(super) fn find_terms(
    p: &Page,
    matcher: &Matcher,
    glossary: &Glossary,
    config: &Config,
    pl: &mut PageLinks,
) {
    if glossary.terms.is_empty() {
        return;
    }
    let glossary_url = config.url_path(&p.lang, "glossary/");
    let mut section_key = 0usize;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut hrefs: HashMap<usize, Arc<str>> = HashMap::new();
    for (b, block) in p.doc.blocks.iter().enumerate() {
        match block.kind {
            BlockKind::Heading => {
                if p.doc.headings.iter().any(|h| h.block == b && h.level <= 2) {
                    section_key += 1;
                }
                continue;
            }
            BlockKind::Code => continue,
            _ => {}
        }
        let text = block_text(&block.events);
        let blocked = unlinkable_ranges(&block.events);
        let marks: Vec<(usize, usize)> = pl
            .decorations
            .get(b)
            .map(|d| d.marks.iter().map(|m| (m.start, m.end)).collect())
            .unwrap_or_default();
        for f in matcher.find(&text) {
            if blocked.iter().any(|&(s, e)| f.start < e && f.end > s) {
                continue;
            }
            // A term link may sit inside or around a mark, not across its edge.
            if marks
                .iter()
                .any(|&(s, e)| (f.start < s && f.end > s) || (f.start < e && f.end > e))
            {
                continue;
            }
            if !seen.insert((section_key, f.term)) {
                continue;
            }
            let term = &glossary.terms[f.term];
            let href = hrefs
                .entry(f.term)
                .or_insert_with(|| format!("{glossary_url}#term-{}", term.id).into());
            Arc::make_mut(&mut pl.decorations)
                .entry(b)
                .terms
                .push(TermSpan {
                    start: f.start,
                    end: f.end,
                    href: Arc::clone(href),
                    id: format!("g-{}-{section_key}", term.id).into(),
                });
        }
    }
}
