//! Views rendered once per build and shared by every page that shows them. In: a page (and
//! annotation) index; out: its turns' views, a note's or a summary's HTML, rendered on first use.
//! A turn appears on its interview page and on two parallel pages, a note in its turn, beside it
//! and on topic pages, a summary in every listing and "related" box: rendering each once matters.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::markdown;
use crate::present::Ctx;
use crate::view::Prepared;

/// Summaries share the note cache under this slot.
const SUMMARY: usize = usize::MAX;

/// A page's turn views and how many readers are still to take them.
type SharedTurns = (Arc<Vec<Prepared>>, usize);

#[derive(Default)]
pub struct Memo {
    fragments: Mutex<HashMap<(usize, usize), Option<String>>>,
    /// A page's turns with the number of readers still to come; dropped after the last one.
    turns: Mutex<HashMap<usize, SharedTurns>>,
    /// Code blocks already highlighted.
    pub code: crate::highlight::Seen,
    /// Each language's topics with their counts (see `Ctx::topic_counts`).
    pub topic_counts: Mutex<HashMap<String, Arc<Vec<crate::view::TopicCount>>>>,
}

impl Ctx<'_> {
    /// Every turn of an interview, in order. Kept only until its last reader (its interview page
    /// and the parallel pages showing it) took it, so memory stays bounded by what is in flight.
    pub fn turn_views(&self, page: usize) -> Arc<Vec<Prepared>> {
        {
            let mut turns = self.memo.turns.lock().expect("memo lock");
            if let Some((views, left)) = turns.get_mut(&page) {
                let views = views.clone();
                *left -= 1;
                if *left == 0 {
                    turns.remove(&page);
                }
                return views;
            }
        }
        let p = &self.pages[page];
        let footnotes = markdown::number_footnotes(p.doc.blocks.iter());
        let views = Arc::new(
            (0..p.doc.turns.len())
                .map(|t| Prepared::new(&self.turn_view(page, t, &footnotes)))
                .collect::<Vec<_>>(),
        );
        let readers = self.turn_readers(page);
        if readers > 1 {
            self.memo
                .turns
                .lock()
                .expect("memo lock")
                .entry(page)
                .or_insert_with(|| (views.clone(), readers - 1));
        }
        views
    }

    /// Jobs that show `page`'s turns: its interview page, its parallel page, and the parallel
    /// pages of the translations it is the partner of.
    fn turn_readers(&self, page: usize) -> usize {
        let partners = self
            .linked
            .group(page)
            .iter()
            .filter(|&&j| j != page && self.parallel_partner(j) == Some(page))
            .count();
        1 + usize::from(self.parallel_partner(page).is_some()) + partners
    }

    /// The HTML of annotation `a`'s note on page `page`.
    pub fn note_fragment(&self, page: usize, a: usize) -> String {
        self.memo_fragment(page, a, || {
            let ann = &self.pages[page]
                .interview
                .as_ref()
                .expect("notes belong to interviews")
                .annotations[a];
            Some(self.fragment(page, &ann.note))
        })
        .unwrap_or_default()
    }

    /// The HTML of a page's front-matter summary, if it has one.
    pub fn summary_html(&self, page: usize) -> Option<String> {
        self.memo_fragment(page, SUMMARY, || {
            self.pages[page]
                .summary
                .as_deref()
                .map(|s| self.fragment(page, s))
        })
    }

    fn memo_fragment(
        &self,
        page: usize,
        slot: usize,
        render: impl FnOnce() -> Option<String>,
    ) -> Option<String> {
        if let Some(hit) = self
            .memo
            .fragments
            .lock()
            .expect("memo lock")
            .get(&(page, slot))
        {
            return hit.clone();
        }
        // Rendered outside the lock; a rare race renders twice, and `fragment` reports a
        // problem in the Markdown each time, which the sorted diagnostics list shows once.
        let html = render();
        self.memo
            .fragments
            .lock()
            .expect("memo lock")
            .entry((page, slot))
            .or_insert_with(|| html.clone());
        html
    }
}
