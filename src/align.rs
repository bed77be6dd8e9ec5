//! Pages grouped by translation → checked alignment: an interview and each of its translations
//! have the same speakers turn by turn (a mismatch names both files, both lines and the first
//! turn where they part), and annotations present in one language only are reported.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics};
use crate::page::{Page, PageKind};

/// Translation groups: page key → indices of its pages, default language first.
pub fn groups(pages: &[Page], default_lang: &str) -> BTreeMap<String, Vec<usize>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        groups.entry(p.key.clone()).or_default().push(i);
    }
    for members in groups.values_mut() {
        members.sort_by_key(|&i| (pages[i].lang != default_lang, pages[i].lang.clone()));
    }
    groups
}

pub fn align(pages: &[Page], groups: &BTreeMap<String, Vec<usize>>, diags: &Diagnostics) {
    // Groups in parallel: a rebuild in `gloss serve` checks them all again (5,000 at 5,000
    // interviews), and diagnostics are sorted when reported.
    groups.par_iter().for_each(|(_, members)| {
        let Some((&first, rest)) = members.split_first() else {
            return;
        };
        let a = &pages[first];
        for &other in rest {
            let b = &pages[other];
            if a.kind != PageKind::Interview && b.kind != PageKind::Interview {
                continue;
            }
            if a.doc.turns.is_empty() && b.doc.turns.is_empty() {
                continue;
            }
            check_turns(a, b, diags);
            check_annotations(a, b, diags);
        }
    });
}

fn check_turns(a: &Page, b: &Page, diags: &Diagnostics) {
    let (ta, tb) = (&a.doc.turns, &b.doc.turns);
    // An unknown speaker label is already an error of its own; do not report it twice.
    if ta
        .iter()
        .chain(tb.iter())
        .any(|t| t.speaker.starts_with('?'))
    {
        return;
    }
    let parted = ta
        .iter()
        .zip(tb.iter())
        .position(|(x, y)| x.speaker != y.speaker);
    let (n, why) = match parted {
        Some(i) => (
            i,
            format!(
                "turn {} is {} in one and {} in the other",
                i + 1,
                ta[i].speaker,
                tb[i].speaker
            ),
        ),
        None if ta.len() != tb.len() => {
            let n = ta.len().min(tb.len());
            (
                n,
                format!("one has {} turns, the other {}", ta.len(), tb.len()),
            )
        }
        None => return,
    };
    let loc = |p: &Page, i: usize| {
        let line = p
            .doc
            .turns
            .get(i)
            .map(|t| t.line)
            .or_else(|| p.doc.turns.last().map(|t| t.line))
            .unwrap_or(1);
        p.map().line_location(line, 0, 3)
    };
    diags.push(
        Diagnostic::error(format!(
            "{} and its translation {} are not aligned: {why}",
            a.shown.display(),
            b.shown.display()
        ))
        .at(loc(a, n))
        .related(format!("the translation ({}) at turn {}", b.lang, n + 1), loc(b, n))
        .help("a translation needs the same speakers in the same order, turn by turn: a missing or merged turn, or a label on the wrong paragraph, shifts every turn after it"),
    );
}

fn check_annotations(a: &Page, b: &Page, diags: &Diagnostics) {
    let (Some(ia), Some(ib)) = (&a.interview, &b.interview) else {
        return;
    };
    let ids_a: HashSet<&str> = ia.annotations.iter().map(|x| x.id.as_str()).collect();
    let ids_b: HashSet<&str> = ib.annotations.iter().map(|x| x.id.as_str()).collect();
    for (page, ann, other_ids, other) in [(a, ia, &ids_b, b), (b, ib, &ids_a, a)] {
        for x in &ann.annotations {
            if !other_ids.contains(x.id.as_str()) {
                diags.push(
                    Diagnostic::warning(format!(
                        "annotation `{}` has no translation in {}",
                        x.id,
                        other.shown.display()
                    ))
                    .at(page.line_item(x.line))
                    .help(format!(
                        "add an annotation with `id: {}` to {}; until then that page shows this note in {}",
                        x.id,
                        other.shown.display(),
                        page.lang
                    )),
                );
            }
        }
    }
}
