//! Any body and annotation quotes → quote anchoring, then the annotated paragraphs rendered with
//! their marks: never a panic; an anchored span is the quote, inside one block's text.
#![no_main]

use std::collections::HashMap;
use std::path::Path;

use arbitrary::Arbitrary;
use gloss::anchor::{Anchor, DocText, anchor_all};
use gloss::error::{Diagnostics, SourceMap, render_all};
use gloss::markdown::{Decorations, MarkSpan, Renderer, block_text};
use gloss::page::{Annotation, Target};
use gloss::parse::{Labels, parse};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Quote {
    exact: String,
    prefix: Option<String>,
    suffix: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    body: String,
    quotes: Vec<Quote>,
}

fuzz_target!(|input: Input| {
    let map = SourceMap::new(Path::new("fuzz.md"), &input.body);
    let doc = parse(
        &input.body,
        0,
        &map,
        &Labels::default(),
        &Diagnostics::new(),
    );
    let text = DocText::new(&doc);
    // As page.rs admits them: a quote with some non-space text.
    let annotations: Vec<Annotation> = input
        .quotes
        .into_iter()
        .filter(|q| !q.exact.trim().is_empty())
        .enumerate()
        .map(|(i, q)| Annotation {
            id: format!("q{i}"),
            target: Target::Quote {
                exact: q.exact,
                prefix: q.prefix.filter(|p| !p.is_empty()),
                suffix: q.suffix.filter(|s| !s.is_empty()),
            },
            note: "n".into(),
            topics: vec![],
            terms: vec![],
            line: 1,
            quote_line: (1, 0),
        })
        .collect();
    let (anchors, errors) = anchor_all(&doc, &text, &annotations, &map);
    let _ = render_all(&errors);
    let mut decorations: HashMap<usize, Decorations> = HashMap::new();
    for (i, anchor) in anchors.iter().enumerate() {
        let Some(Anchor::Span { block, start, end }) = anchor else {
            continue;
        };
        let plain = block_text(&doc.blocks[*block].events);
        let span = plain
            .get(*start..*end)
            .expect("the span is inside its block's text");
        let Target::Quote { exact, .. } = &annotations[i].target else {
            unreachable!()
        };
        assert_eq!(span, gloss::text::squash_ws(exact));
        decorations.entry(*block).or_default().marks.push(MarkSpan {
            start: *start,
            end: *end,
            anchor: format!("a-q{i}"),
            number: i + 1,
        });
    }
    let footnotes = HashMap::new();
    let r = Renderer {
        resolve: &|_| None,
        footnotes: &footnotes,
        unknown_language: &|_, _| {},
    };
    let blocks: Vec<_> = doc
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b, decorations.get(&i), String::new()))
        .collect();
    let _ = r.render(&blocks);
});
