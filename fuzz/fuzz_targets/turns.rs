//! Any body and speaker labels → the turn parser, then the Markdown renderer: never a panic;
//! turns cover existing blocks in order; every diagnostic renders.
#![no_main]

use std::path::Path;

use arbitrary::Arbitrary;
use gloss::error::{Diagnostics, SourceMap, render_all};
use gloss::markdown::{Renderer, number_footnotes};
use gloss::parse::{Labels, parse};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// (label, speaker id): ids and names as a page declares them.
    labels: Vec<(String, String)>,
    body: String,
}

fuzz_target!(|input: Input| {
    let map = SourceMap::new(Path::new("fuzz.md"), &input.body);
    let labels = Labels {
        by_label: input.labels.into_iter().collect(),
    };
    let diags = Diagnostics::new();
    let doc = parse(&input.body, 0, &map, &labels, &diags);
    let mut last = None;
    for t in &doc.turns {
        assert!(t.first <= t.last && t.last < doc.blocks.len());
        assert!(last.is_none_or(|l| l < t.first), "turns in order");
        last = Some(t.last);
    }
    let footnotes = number_footnotes(doc.blocks.iter());
    let r = Renderer {
        resolve: &|_| None,
        footnotes: &footnotes,
        unknown_language: &|_, _| {},
    };
    let blocks: Vec<_> = doc
        .blocks
        .iter()
        .map(|b| (b, None, String::new()))
        .collect();
    let _ = r.render(&blocks);
    let _ = render_all(&diags.into_sorted());
});
