//! The index's pages in order, each with its terms → every term's postings (the increasing
//! numbers of the pages holding it). `gloss serve` keeps them from one build to the next and
//! updates them for the pages whose terms changed, instead of gathering every page's terms again,
//! and keeps each term's postings encoded for the index files until they change.

use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHashSet};

use super::docs::SearchPage;
use super::index::{PageWork, encode_postings};

/// A page of the index with the work done on it.
pub type Indexed = Arc<(SearchPage, PageWork)>;

/// Postings kept for the next build, with the pages they were made from.
#[derive(Default)]
pub struct Kept {
    pages: Vec<Indexed>,
    postings: FxHashMap<Box<str>, Posting>,
}

/// A term's postings, and with `gloss serve` the text the index files give them, made once until
/// they change (re-encoding every term was a quarter of a rebuild's index at 5,000 interviews).
#[derive(Default)]
pub struct Posting {
    ids: Vec<u32>,
    encoded: Option<Box<str>>,
}

impl Posting {
    fn new(first: u32) -> Self {
        Posting {
            ids: vec![first],
            encoded: None,
        }
    }

    #[cfg(test)]
    pub(super) fn with_ids(ids: &[u32]) -> Self {
        Posting {
            ids: ids.to_vec(),
            encoded: None,
        }
    }

    /// The increasing numbers of the pages holding the term.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// Appends the postings as the index files give them (`index::encode_postings`).
    pub fn write(&self, out: &mut String) {
        match &self.encoded {
            Some(e) => out.push_str(e),
            None => out.push_str(&encode_postings(&self.ids)),
        }
    }
}

/// Postings gathered as the pages are numbered (`gloss build`), each page's terms dropped once
/// gathered: held to the end of the index, every page's terms were an eighth of a build's peak
/// memory.
#[derive(Default)]
pub struct Gathered(FxHashMap<Box<str>, Posting>);

impl Gathered {
    /// Adds `pages`, numbered from `first`, and empties the terms of those nothing else holds.
    pub fn add(&mut self, pages: &mut [Indexed], first: usize) {
        for (k, page) in pages.iter_mut().enumerate() {
            let n = (first + k) as u32;
            for t in page.1.terms() {
                match self.0.get_mut(t) {
                    Some(p) => p.ids.push(n),
                    None => {
                        self.0.insert(Box::from(t), Posting::new(n));
                    }
                }
            }
            if let Some((_, work)) = Arc::get_mut(page) {
                work.drop_terms();
            }
        }
    }
}

/// Past this share of pages changed, gathering every page's terms again is as quick.
const UPDATE_AT_MOST: usize = 8; // one page in eight

/// Calls `f` with every term and its postings for `pages` (in index order, terms in no order):
/// from the previous build's when `keep` holds them, and left there for the next.
pub fn with_postings<R>(
    pages: &[Indexed],
    keep: Option<&Mutex<Kept>>,
    gathered: Option<Gathered>,
    f: impl FnOnce(Vec<(&str, &Posting)>) -> R,
) -> R {
    let Some(keep) = keep else {
        return match gathered {
            Some(g) => f(listed(&g.0)),
            // Nothing is kept: the terms stay slices of the pages' own.
            None => f(listed(&gather(pages))),
        };
    };
    let kept = std::mem::take(&mut *keep.lock().expect("postings lock"));
    let changed: Vec<usize> = if kept.pages.len() == pages.len() {
        (0..pages.len())
            .filter(|&n| !Arc::ptr_eq(&kept.pages[n], &pages[n]))
            .collect()
    } else {
        (0..pages.len()).collect()
    };
    let mut postings = if changed.len() * UPDATE_AT_MOST <= pages.len() {
        let mut postings = kept.postings;
        for n in changed {
            update(&mut postings, n as u32, &kept.pages[n].1, &pages[n].1);
        }
        postings
    } else {
        owned(gather(pages))
    };
    for p in postings.values_mut().filter(|p| p.encoded.is_none()) {
        p.encoded = Some(encode_postings(&p.ids).into());
    }
    let made = f(listed(&postings));
    // Kept whether the build succeeds or not: they are the postings of `pages`, whatever it became.
    *keep.lock().expect("postings lock") = Kept {
        pages: pages.to_vec(),
        postings,
    };
    made
}

/// Each term with its postings, borrowed from `postings` whoever owns the terms.
fn listed<K: std::borrow::Borrow<str>>(postings: &FxHashMap<K, Posting>) -> Vec<(&str, &Posting)> {
    postings.iter().map(|(t, p)| (t.borrow(), p)).collect()
}

/// Every page's terms gathered afresh.
fn gather(pages: &[Indexed]) -> FxHashMap<&str, Posting> {
    let mut postings: FxHashMap<&str, Posting> = FxHashMap::default();
    for (n, page) in pages.iter().enumerate() {
        for t in page.1.terms() {
            postings.entry(t).or_default().ids.push(n as u32);
        }
    }
    postings
}

/// Postings that can outlive the pages' work.
fn owned(postings: FxHashMap<&str, Posting>) -> FxHashMap<Box<str>, Posting> {
    postings
        .into_iter()
        .map(|(t, ids)| (Box::from(t), ids))
        .collect()
}

/// Page `n`'s terms were `old`'s and are now `new`'s: `n` leaves the postings of the terms it
/// lost and joins those of the terms it gained, in order.
fn update(postings: &mut FxHashMap<Box<str>, Posting>, n: u32, old: &PageWork, new: &PageWork) {
    let before: FxHashSet<&str> = old.terms().collect();
    let after: FxHashSet<&str> = new.terms().collect();
    for t in before.difference(&after) {
        if let Some(p) = postings.get_mut(*t) {
            if let Ok(at) = p.ids.binary_search(&n) {
                p.ids.remove(at);
                p.encoded = None;
            }
            if p.ids.is_empty() {
                postings.remove(*t);
            }
        }
    }
    for t in after.difference(&before) {
        let p = postings.entry(Box::from(*t)).or_default();
        if let Err(at) = p.ids.binary_search(&n) {
            p.ids.insert(at, n);
            p.encoded = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageKind;
    use crate::search::docs::{Kind, SearchDoc};
    use crate::search::index::work;

    fn page(url: &str, text: &str) -> Indexed {
        let page = SearchPage {
            url: url.into(),
            title: url.into(),
            lang: "en".into(),
            key: url.into(),
            kind: PageKind::Page,
            docs: vec![SearchDoc {
                kind: Kind::Page,
                anchor: String::new(),
                label: String::new(),
                text: text.into(),
            }],
        };
        let w = work(&page);
        Arc::new((page, w))
    }

    fn sorted(p: Vec<(&str, &Posting)>) -> Vec<(String, Vec<u32>)> {
        let mut v: Vec<_> = p
            .iter()
            .map(|(t, p)| (t.to_string(), p.ids().to_vec()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn postings_updated_for_a_changed_page_equal_postings_gathered_afresh() {
        let keep = Mutex::new(Kept::default());
        let mut pages: Vec<Indexed> = (0..16)
            .map(|n| page(&format!("/p{n}/"), &format!("chips apps page{n} 晶片")))
            .collect();
        with_postings(&pages, Some(&keep), None, |_| ());
        // One page loses `chips` and `晶片`, gains `sora`; another gains a word only it has.
        pages[3] = page("/p3/", "apps page3 sora");
        pages[9] = page("/p9/", "chips apps page9 晶片 copyright");
        let updated = with_postings(&pages, Some(&keep), None, sorted);
        let fresh = with_postings(&pages, None, None, sorted);
        assert_eq!(updated, fresh);
        assert!(updated.contains(&("sora".to_string(), vec![3])));
        let chips = updated.iter().find(|(t, _)| t == "晶片").unwrap();
        assert!(!chips.1.contains(&3) && chips.1.contains(&9));
    }

    #[test]
    fn postings_gathered_batch_by_batch_equal_postings_gathered_at_once() {
        let pages: Vec<Indexed> = (0..10)
            .map(|n| {
                page(
                    &format!("/p{n}/"),
                    &format!("chips apps page{} 晶片", n % 3),
                )
            })
            .collect();
        let at_once = with_postings(&pages, None, None, sorted);
        let mut batched = pages
            .iter()
            .map(|p| Arc::new((p.0.clone(), work(&p.0))))
            .collect::<Vec<Indexed>>();
        let mut gathered = Gathered::default();
        for (k, batch) in batched.chunks_mut(4).enumerate() {
            gathered.add(batch, k * 4);
        }
        assert!(
            batched.iter().all(|p| p.1.terms().next().is_none()),
            "terms are dropped once gathered"
        );
        assert_eq!(
            with_postings(&batched, None, Some(gathered), sorted),
            at_once
        );
        assert!(at_once.contains(&("page1".to_string(), vec![1, 4, 7])));
    }
}
