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

/// The search files of the site, each handed to `emit` as soon as it is made, and their sizes.
pub fn outputs<T: Send>(ctx: &Ctx, emit: impl Fn(Output) -> T + Sync) -> (Vec<T>, Stats) {
    let (pages, files, gathered) = docs::collect(ctx, |n, bytes| {
        emit(Output {
            path: format!("search-index/page-{n}.json"),
            bytes,
        })
    });
    index::build(
        pages,
        files,
        gathered,
        ctx.config,
        ctx.cache.map(|c| &c.postings),
        |path, bytes| emit(Output { path, bytes }),
    )
}
