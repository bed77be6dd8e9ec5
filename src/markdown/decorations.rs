//! What is drawn on a page's text, block by block: annotation marks, glossary term links and note
//! references, as ranges of each block's plain text (see the module above).

use std::sync::Arc;

/// A highlighted annotation passage.
#[derive(Debug, Clone)]
pub struct MarkSpan {
    pub start: usize,
    pub end: usize,
    /// The note's anchor (`a-chips`).
    pub anchor: String,
    /// The side note's number on the page.
    pub number: usize,
}

/// A glossary term linked where it occurs.
#[derive(Debug, Clone)]
pub struct TermSpan {
    pub start: usize,
    pub end: usize,
    /// The term's glossary entry, shared by all of a page's links to it.
    pub href: Arc<str>,
    /// This occurrence's own anchor, so the glossary can link back to it.
    pub id: Arc<str>,
}

#[derive(Debug, Clone, Default)]
pub struct Decorations {
    pub marks: Vec<MarkSpan>,
    pub terms: Vec<TermSpan>,
    /// References to notes on the block as a whole (an annotation of a whole turn), drawn at
    /// the end of the paragraph: (note anchor, number).
    pub tail_refs: Vec<(String, usize)>,
}

impl Decorations {
    /// Whether anything is drawn on text `start..end` of the block: a mark or (unless `no_terms`)
    /// a term over any of it, or a note's reference at its end.
    pub(super) fn touches(&self, start: usize, end: usize, no_terms: bool) -> bool {
        let over = |s: usize, e: usize| s < end && e > start;
        self.marks
            .iter()
            .any(|m| over(m.start, m.end) || m.end == end)
            || (!no_terms && self.terms.iter().any(|t| over(t.start, t.end)))
    }
}

/// A page's decorations, by block. Most blocks have none; a sorted list of those that do takes a
/// fraction of a hash map's memory, and lookups happen once per block rendered.
#[derive(Debug, Clone, Default)]
pub struct PageDecorations(Vec<(usize, Decorations)>);

impl PageDecorations {
    pub fn get(&self, block: usize) -> Option<&Decorations> {
        let i = self.0.binary_search_by_key(&block, |(b, _)| *b).ok()?;
        Some(&self.0[i].1)
    }

    /// The block's decorations, added empty if it has none yet.
    pub fn entry(&mut self, block: usize) -> &mut Decorations {
        let i = match self.0.binary_search_by_key(&block, |(b, _)| *b) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (block, Decorations::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    pub fn values(&self) -> impl Iterator<Item = &Decorations> {
        self.0.iter().map(|(_, d)| d)
    }

    /// Gives back what growing the lists left unused, once a page's links are found.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
        for (_, d) in &mut self.0 {
            d.marks.shrink_to_fit();
            d.terms.shrink_to_fit();
            d.tail_refs.shrink_to_fit();
        }
    }
}
