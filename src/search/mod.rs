//! The linked site → its search index: every page's documents (turns, annotations, sections,
//! glossary entries, in every language) tokenised the way `static/search.js` tokenises a query,
//! written as `search-index.json` plus term shards and per-page text under `search-index/`.

pub mod docs;
pub mod index;
pub mod postings;
pub mod tokenize;

pub use index::Stats;
pub use tokenize::{fold, tokenize};

use crate::present::Ctx;
use crate::render::Output;

/// The search files of the site, and their sizes.
pub fn outputs(ctx: &Ctx) -> (Vec<Output>, Stats) {
    let pages = docs::collect(ctx);
    let built = index::build(pages, ctx.config, ctx.cache.map(|c| &c.postings));
    let files = built
        .files
        .into_iter()
        .map(|(path, bytes)| Output { path, bytes })
        .collect();
    (files, built.stats)
}
