//! Annotations + a parsed body → where each annotation sits: a span of one block's plain text
//! (W3C TextQuoteSelector: exact text, optional prefix and suffix) or a whole turn. A quote that
//! is missing, ambiguous or crosses a paragraph is an error at the annotation's own line.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::error::{Diagnostic, SourceMap};
use crate::markdown::block_text;
use crate::page::{Annotation, Target};
use crate::parse::{BlockKind, Doc};
use crate::text::squash_ws;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// Byte range `start..end` of block `block`'s plain text.
    Span {
        block: usize,
        start: usize,
        end: usize,
    },
    /// Turn index (0-based) as a whole.
    Turn(usize),
}

/// The anchor each annotation of a page got (None where it could not be placed), shared between
/// the cache and the build.
pub type Anchors = std::sync::Arc<Vec<Option<Anchor>>>;

/// Joins blocks' plain text with a separator no text contains, remembering where each starts.
pub struct DocText {
    pub text: String,
    /// (doc offset, block index) for each block that has text.
    starts: Vec<(usize, usize)>,
}

const SEP: char = '\u{0}';

impl DocText {
    pub fn new(doc: &Doc) -> DocText {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (i, b) in doc.blocks.iter().enumerate() {
            if matches!(b.kind, BlockKind::Code) {
                continue;
            }
            starts.push((text.len(), i));
            text.push_str(&block_text(&b.events));
            text.push(SEP);
        }
        DocText { text, starts }
    }

    /// The block holding doc offset `off`, and the offset within that block.
    pub fn locate(&self, off: usize) -> (usize, usize) {
        let i = match self.starts.binary_search_by_key(&off, |s| s.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (start, block) = self.starts[i];
        (block, off - start)
    }
}

/// Anchors every annotation; each failure is one diagnostic.
pub fn anchor_all(
    doc: &Doc,
    text: &DocText,
    annotations: &[Annotation],
    map: &SourceMap,
) -> (Vec<Option<Anchor>>, Vec<Diagnostic>) {
    let found = occurrences(text, annotations);
    let mut out = Vec::with_capacity(annotations.len());
    let mut errors = Vec::new();
    for a in annotations {
        match anchor_one(doc, text, a, &found) {
            Ok(anchor) => out.push(Some(anchor)),
            Err((message, help)) => {
                let (line, col) = a.quote_line;
                errors.push(
                    Diagnostic::error(message)
                        .at(map.line_location(line, col, 5))
                        .help(help),
                );
                out.push(None);
            }
        }
    }
    (out, errors)
}

/// Where each distinct quote occurs in the text (overlapping occurrences included), found in one
/// pass for all of them: a scan per annotation made a page with 10,000 notes quadratic.
fn occurrences(text: &DocText, annotations: &[Annotation]) -> HashMap<String, Vec<usize>> {
    let mut found: HashMap<String, Vec<usize>> = HashMap::new();
    for a in annotations {
        if let Target::Quote { exact, .. } = &a.target {
            found.entry(squash_ws(exact)).or_default();
        }
    }
    let patterns: Vec<&String> = found.keys().collect();
    // One scan per page: an NFA is built in a fraction of a DFA's time and scans nearly as fast.
    let built = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns);
    let Ok(ac) = built else {
        return found; // too many patterns for memory: every quote is then reported missing
    };
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    for m in ac.find_overlapping_iter(text.text.as_str()) {
        hits[m.pattern().as_usize()].push(m.start());
    }
    let keys: Vec<String> = patterns.into_iter().cloned().collect();
    for (k, h) in keys.into_iter().zip(hits) {
        found.insert(k, h);
    }
    found
}

fn anchor_one(
    doc: &Doc,
    text: &DocText,
    a: &Annotation,
    found: &HashMap<String, Vec<usize>>,
) -> Result<Anchor, (String, String)> {
    let (exact, prefix, suffix) = match &a.target {
        Target::Turn(n) => {
            return if *n >= 1 && *n <= doc.turns.len() {
                Ok(Anchor::Turn(n - 1))
            } else {
                Err((
                    format!(
                        "annotation `{}` targets turn {n}, but the page has {} turns",
                        a.id,
                        doc.turns.len()
                    ),
                    "turns are numbered from 1 in the order of their speaker labels".into(),
                ))
            };
        }
        Target::Quote {
            exact,
            prefix,
            suffix,
        } => (squash_ws(exact), prefix, suffix),
    };
    if exact.contains(SEP) {
        // NUL separates the blocks in the joined text: such a quote would match across them.
        return Err((
            format!("annotation `{}`: the quote contains a NUL character", a.id),
            "remove the `\\0` from the quote: a page's text cannot contain it".into(),
        ));
    }
    let hay = &text.text;
    let all: &[usize] = found.get(&exact).map_or(&[], Vec::as_slice);
    let matching: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| {
            prefix
                .as_ref()
                .is_none_or(|p| hay[..i].ends_with(p.as_str()))
                && suffix
                    .as_ref()
                    .is_none_or(|s| hay[i + exact.len()..].starts_with(s.as_str()))
        })
        .collect();
    let lines = |offs: &[usize]| -> String {
        offs.iter()
            .map(|&o| doc.blocks[text.locate(o).0].line.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match matching.as_slice() {
        [one] => {
            let (block, start) = text.locate(*one);
            Ok(Anchor::Span {
                block,
                start,
                end: start + exact.len(),
            })
        }
        [] if !all.is_empty() => Err((
            format!(
                "annotation `{}`: the quote occurs, but never with this prefix/suffix",
                a.id
            ),
            format!(
                "the quote is on line(s) {}; check `prefix`/`suffix` are the exact text right before/after it",
                lines(all)
            ),
        )),
        [] => Err(not_found(doc, text, a, &exact)),
        many => Err((
            format!(
                "annotation `{}`: the quote occurs {} times",
                a.id,
                many.len()
            ),
            format!(
                "it is on lines {}; add `prefix:` (the words just before it) or `suffix:` (just after) so only one place matches",
                lines(many)
            ),
        )),
    }
}

fn not_found(doc: &Doc, text: &DocText, a: &Annotation, exact: &str) -> (String, String) {
    let joined: String = text.text.replace(SEP, "");
    if joined.contains(exact) || text.text.replace(SEP, " ").contains(exact) {
        return (
            format!("annotation `{}`: the quote runs across a paragraph boundary", a.id),
            "an annotation's quote must lie within one paragraph: quote a shorter passage, or annotate the whole turn with `turn: N`".into(),
        );
    }
    // Say how far the quote does match, and what the text reads there: usually a typo or a
    // punctuation difference (full-width vs half-width) a few characters in.
    let chars: Vec<(usize, char)> = exact.char_indices().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = chars.get(mid).map_or(exact.len(), |c| c.0);
        if text.text.contains(&exact[..end]) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let matched_end = chars.get(lo).map_or(exact.len(), |c| c.0);
    let help = if lo >= 2 {
        let found = text.text.find(&exact[..matched_end]).unwrap_or(0);
        let (block, _) = text.locate(found);
        let after: String = text.text[found + matched_end..]
            .chars()
            .take(12)
            .take_while(|&c| c != SEP)
            .collect();
        let wanted: String = exact[matched_end..].chars().take(12).collect();
        format!(
            "the first {lo} characters match on line {}, where the text goes on \"{after}\" but the quote has \"{wanted}\"; copy the passage exactly from the text",
            doc.blocks[block].line
        )
    } else {
        "copy the passage exactly from the page's text (markup such as ** is ignored, punctuation is not)".into()
    };
    (
        format!("annotation `{}`: the quote is not in the text", a.id),
        help,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostics;
    use crate::parse::{Labels, parse};
    use std::path::Path;

    fn ann(q: &str, prefix: Option<&str>) -> Annotation {
        Annotation {
            id: "x".into(),
            target: Target::Quote {
                exact: q.into(),
                prefix: prefix.map(Into::into),
                suffix: None,
            },
            note: "n".into(),
            topics: vec![],
            terms: vec![],
            line: 1,
            quote_line: (1, 0),
        }
    }

    fn run(body: &str, a: Annotation) -> Result<Anchor, (String, String)> {
        let map = SourceMap::new(Path::new("a.md"), body);
        let doc = parse(
            &body.into(),
            0,
            &map,
            &Labels::default(),
            &Diagnostics::new(),
        );
        let text = DocText::new(&doc);
        let found = occurrences(&text, std::slice::from_ref(&a));
        anchor_one(&doc, &text, &a, &found)
    }

    #[test]
    fn finds_a_quote_ignoring_markup() {
        let r = run("one\n\nthe **anchor** tenant\n", ann("anchor tenant", None)).unwrap();
        assert_eq!(
            r,
            Anchor::Span {
                block: 1,
                start: 4,
                end: 17
            }
        );
    }

    #[test]
    fn ambiguous_quote_needs_a_prefix() {
        let body = "a cat\n\nthe cat\n";
        let err = run(body, ann("cat", None)).unwrap_err();
        assert!(err.0.contains("2 times"), "{err:?}");
        assert!(err.1.contains("lines 1, 3"), "{err:?}");
        assert!(run(body, ann("cat", Some("the "))).is_ok());
    }

    #[test]
    fn overlapping_occurrences_count_as_ambiguous() {
        let err = run("aaa\n", ann("aa", None)).unwrap_err();
        assert!(err.0.contains("2 times"), "{err:?}");
    }

    #[test]
    fn a_quote_holding_a_nul_does_not_match_between_paragraphs() {
        // Found by fuzzing (fuzz/fuzz_targets/anchor.rs): the quote "\0" matched the separator
        // between blocks, and its span lay outside the block's text.
        let err = run("\u{5}\n", ann("\0", None)).unwrap_err();
        assert!(err.0.contains("NUL"), "{err:?}");
        let err = run("end one\n\nstart two\n", ann("one\0start", None)).unwrap_err();
        assert!(err.0.contains("NUL"), "{err:?}");
    }

    #[test]
    fn quote_across_paragraphs_is_refused() {
        let err = run("end of one\n\nstart of two\n", ann("one start", None)).unwrap_err();
        assert!(err.0.contains("paragraph boundary"), "{err:?}");
    }

    #[test]
    fn missing_quote_says_where_it_diverges() {
        let err = run("晶體管是基礎技術\n", ann("晶體管是基本", None)).unwrap_err();
        assert!(err.0.contains("not in the text"));
        assert!(err.1.contains("first 5 characters"), "{err:?}");
        assert!(err.1.contains("\"礎技術\""), "{err:?}");
    }
}
