//! Search pages → the files the browser searches:
//! - `search-index.json`: languages, pages (URL, title, language, translation group, kind,
//!   length), the part of the fold table the site's text needs, and the first term of each shard;
//! - `search-index/terms-N.txt`: every term, sorted, with the pages holding it;
//! - `search-index/page-N.json`: each page's documents (kind, anchor, label, text), fetched only
//!   for the pages whose results are shown, where the browser finds the turns that match.
//!
//! Postings name pages, not documents: that keeps the index a fraction of the text (Chinese
//! bigrams are nearly as many as the characters), and the page's text, which an excerpt needs
//! anyway, says which of its turns match. The format is read by `static/search.js`.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::json;

use super::docs::{Kind, SearchPage};
use super::postings::{Gathered, Indexed, Kept, Posting, with_postings};
use super::tokenize::{FOLD, each_token, fold_into, table_for};
use crate::config::Config;
use crate::page::PageKind;
use crate::text::is_cjk;

/// Postings are written with symbols that never occur in a term (terms are lower-case letters,
/// digits and non-ASCII characters), so entries need no separators.
/// A number is continuation digits (4 bits each) then one terminal digit (5 bits).
pub const TERMINAL: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ#$%&()";
pub const CONTINUE: &[u8; 16] = b"*+,-./:;<=>?@[]^";
/// Starts a bitmap of pages (5 per terminal digit) instead of a list.
pub const BITMAP: char = '!';
/// Starts a group of CJK terms sharing their first character: `|晶` then `体` + postings stands
/// for the bigram `晶体`; postings right after the head are those of the single character.
pub const GROUP: char = '|';
/// A shard is cut after this many bytes, so a large site's reader fetches only the shards that
/// hold the words they type.
pub const SHARD_BYTES: usize = 192 * 1024;

/// Sizes, for the benchmark and the tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub pages: usize,
    pub docs: usize,
    pub terms: usize,
    /// UTF-8 bytes of the text that was tokenised.
    pub text_bytes: usize,
    /// search-index.json and every term shard: what answering a query needs.
    pub index_bytes: usize,
    /// The per-page text files, fetched only for the pages whose results are shown.
    pub store_bytes: usize,
    pub shards: usize,
}

fn number(n: u32, out: &mut String) {
    let mut rest = n >> 5;
    let mut cont = Vec::new();
    while rest > 0 {
        cont.push(CONTINUE[(rest & 15) as usize] as char);
        rest >>= 4;
    }
    out.extend(cont.iter().rev());
    out.push(TERMINAL[(n & 31) as usize] as char);
}

/// Increasing page numbers as a delta list or, when shorter, a bitmap.
pub fn encode_postings(ids: &[u32]) -> String {
    let mut list = String::new();
    let mut prev: Option<u32> = None;
    for &d in ids {
        number(prev.map_or(d, |p| d - p - 1), &mut list);
        prev = Some(d);
    }
    let (first, last) = (ids[0], ids[ids.len() - 1]);
    let cells = ((last - first) as usize + 1).div_ceil(5);
    if cells + 3 >= list.len() {
        return list;
    }
    let mut map = String::from(BITMAP);
    number(first, &mut map);
    let mut bits = vec![0u8; cells];
    for &d in ids {
        let o = (d - first) as usize;
        bits[o / 5] |= 1 << (o % 5);
    }
    map.extend(bits.iter().map(|&c| TERMINAL[c as usize] as char));
    map
}

/// The inverse of [`encode_postings`], as `static/search.js` reads it.
pub fn decode_postings(s: &str) -> Vec<u32> {
    let value = |b: u8| -> (bool, u32) {
        match TERMINAL.iter().position(|&t| t == b) {
            Some(v) => (true, v as u32),
            None => (
                false,
                CONTINUE.iter().position(|&c| c == b).unwrap_or(0) as u32,
            ),
        }
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    let read = |i: &mut usize| {
        let mut n = 0u32;
        loop {
            let (end, v) = value(bytes[*i]);
            *i += 1;
            if end {
                return (n << 5) | v;
            }
            n = (n << 4) | v;
        }
    };
    let mut out = Vec::new();
    if s.starts_with(BITMAP) {
        i = 1;
        let first = read(&mut i);
        for (k, &b) in bytes[i..].iter().enumerate() {
            let v = value(b).1;
            out.extend(
                (0..5)
                    .filter(|bit| v & (1 << bit) != 0)
                    .map(|bit| first + (k * 5 + bit) as u32),
            );
        }
        return out;
    }
    let mut prev: Option<u32> = None;
    while i < bytes.len() {
        let n = read(&mut i);
        let d = prev.map_or(n, |p| p + n + 1);
        out.push(d);
        prev = Some(d);
    }
    out
}

/// JavaScript compares strings by UTF-16 code units; the terms are sorted the same way so the
/// browser can binary-search them. That is UTF-8's byte order except where a supplementary
/// character (a surrogate pair, below U+E000 in UTF-16) meets one of U+E000..=U+FFFF, so the
/// bytes are compared and only that case is turned round.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(p) = x.iter().zip(y).position(|(u, v)| u != v) else {
        return x.len().cmp(&y.len());
    };
    // The differing characters start at the same place, the bytes before being equal.
    let mut s = p;
    while s > 0 && !a.is_char_boundary(s) {
        s -= 1;
    }
    let astral = |lead: u8| lead >= 0xF0;
    let high = |lead: u8| lead == 0xEE || lead == 0xEF;
    match (x[s], y[s]) {
        (u, v) if astral(u) && high(v) => std::cmp::Ordering::Less,
        (u, v) if high(u) && astral(v) => std::cmp::Ordering::Greater,
        _ => x[p].cmp(&y[p]),
    }
}

/// Writes sorted terms and their postings into shards, CJK terms grouped by first character.
fn write_shards(terms: &[(&str, &Posting)]) -> (Vec<String>, Vec<String>) {
    let mut shards: Vec<String> = Vec::new();
    let mut firsts = Vec::new();
    let mut head: Option<char> = None;
    for &(term, postings) in terms {
        if shards.last().is_none_or(|s| s.len() >= SHARD_BYTES) {
            shards.push(String::new());
            firsts.push(term.to_string());
            head = None;
        }
        let s = shards.last_mut().expect("a shard was just pushed");
        let mut chars = term.chars();
        let first = chars.next().expect("terms are not empty");
        if is_cjk(first) {
            if head != Some(first) {
                s.push(GROUP);
                s.push(first);
                head = Some(first);
            }
            s.extend(chars);
        } else {
            head = None;
            s.push_str(term);
        }
        postings.write(s);
    }
    (shards, firsts)
}

/// What one page adds to the index, worked out apart from the others.
#[derive(Default)]
pub struct PageWork {
    /// The page's distinct terms, one after another, in no order; `ends` says where each stops.
    terms: String,
    ends: Vec<u32>,
    length: usize,
    /// The folded characters the fold table sends the browser (its Simplified sides), sorted.
    chars: Vec<char>,
    text_bytes: usize,
    /// How many documents the page has.
    docs: usize,
    /// Shared with the page's file, so a page kept from the previous build is not copied.
    store: bytes::Bytes,
    store_bytes: usize,
}

impl PageWork {
    pub fn docs(&self) -> usize {
        self.docs
    }

    /// The page's documents as the browser reads them (`search-index/page-N.json`).
    pub fn store(&self) -> bytes::Bytes {
        self.store.clone()
    }

    /// The stored text, left empty here: for a page nothing else holds, once it is written.
    pub fn take_store(&mut self) -> bytes::Bytes {
        std::mem::take(&mut self.store)
    }

    /// Forgets the page's terms: for a page nothing else holds, once its postings are gathered.
    pub fn drop_terms(&mut self) {
        self.terms = String::new();
        self.ends = Vec::new();
    }

    pub fn terms(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&e| {
            let t = &self.terms[start..e as usize];
            start = e as usize;
            t
        })
    }
}

/// Tokens, characters and stored text of one page, apart from the others (so they can be
/// worked out in parallel, and kept from one build to the next).
pub fn work(page: &SearchPage) -> PageWork {
    let mut w = PageWork {
        docs: page.docs.len(),
        ..PageWork::default()
    };
    // All the page's documents folded into one string, so a term is kept as a slice of it until
    // the page's terms are known.
    let mut folded = String::new();
    let mut spans = Vec::with_capacity(page.docs.len());
    let targets = &FOLD.targets;
    let mut used = vec![0u64; targets.len().div_ceil(64)];
    for d in &page.docs {
        let start = folded.len();
        fold_into(&d.text, &mut folded, |k| used[k / 64] |= 1 << (k % 64));
        spans.push(start..folded.len());
        w.text_bytes += d.text.len();
    }
    let base = folded.as_ptr() as usize;
    // Terms of up to 7 bytes (every CJK bigram, most words) are packed into a number, hashed and
    // compared as one: cheaper than as strings, for what is most of the site's tokens.
    let mut short: FxHashSet<u64> = FxHashSet::default();
    let mut seen: FxHashSet<Cow<str>> = FxHashSet::default();
    for span in spans {
        each_token(&folded[span], |t| {
            w.length += 1;
            if t.len() <= 7 {
                short.insert(pack(t));
                return;
            }
            if seen.contains(t) {
                return;
            }
            // A slice of `folded` is kept as one; a word its apostrophe or stem changed is copied.
            let at = (t.as_ptr() as usize).wrapping_sub(base);
            seen.insert(match folded.get(at..at + t.len()) {
                Some(s) if s.as_ptr() == t.as_ptr() => Cow::Borrowed(s),
                _ => Cow::Owned(t.to_string()),
            });
        });
    }
    w.terms
        .reserve(seen.iter().map(|t| t.len()).sum::<usize>() + short.len() * 6);
    w.ends.reserve(seen.len() + short.len());
    for t in &seen {
        w.terms.push_str(t);
        w.ends.push(w.terms.len() as u32);
    }
    for &p in &short {
        w.terms.push_str(unpack(&p.to_le_bytes()));
        w.ends.push(w.terms.len() as u32);
    }
    w.chars = (0..targets.len())
        .filter(|k| used[k / 64] & (1 << (k % 64)) != 0)
        .map(|k| targets[k])
        .collect();
    let store: Vec<_> = page
        .docs
        .iter()
        .map(|d| (kind_letter(d.kind), &d.anchor, &d.label, &d.text))
        .collect();
    w.store = serde_json::to_vec(&store).unwrap_or_default().into();
    w.store_bytes = w.store.len();
    w
}

/// A term of at most 7 bytes as one number: its bytes, and its length in the top byte.
fn pack(t: &str) -> u64 {
    debug_assert!(t.len() <= 7, "{t:?} is too long to pack");
    let mut b = [0u8; 8];
    b[..t.len()].copy_from_slice(t.as_bytes());
    b[7] = t.len() as u8;
    u64::from_le_bytes(b)
}

/// The term `pack` made, from its number's bytes.
fn unpack(b: &[u8; 8]) -> &str {
    std::str::from_utf8(&b[..b[7] as usize]).expect("packed from a str")
}

/// The index of `pages`, each with its `work`, in index order (see [`super::docs::collect`]),
/// whose stored text is already out as `files`. `keep`: where `gloss serve` keeps the postings
/// from one build to the next. Every file is handed to `emit` as soon as it is made; what it
/// returns is collected after `files`.
pub fn build<T: Send>(
    pages: Vec<Indexed>,
    mut files: Vec<T>,
    gathered: Option<Gathered>,
    config: &Config,
    keep: Option<&Mutex<Kept>>,
    emit: impl Fn(String, bytes::Bytes) -> T + Sync,
) -> (Vec<T>, Stats) {
    let lang_pos = |l: &str| {
        config
            .languages
            .iter()
            .position(|x| x.key == l)
            .unwrap_or(0)
    };
    let mut group_of: FxHashMap<&str, usize> = FxHashMap::default();
    let mut rows = Vec::new();
    let mut used_chars = BTreeSet::new();
    let mut stats = Stats::default();
    for page in &pages {
        let (p, work) = (&page.0, &page.1);
        let next = group_of.len();
        let group = *group_of.entry(&p.key).or_insert(next);
        let length = work.length;
        stats.text_bytes += work.text_bytes;
        used_chars.extend(work.chars.iter().copied());
        rows.push(json!([
            p.url,
            p.title,
            lang_pos(&p.lang),
            group,
            kind_name(p.kind),
            length
        ]));
        stats.docs += work.docs;
        stats.store_bytes += work.store_bytes;
    }
    stats.pages = rows.len();
    drop(group_of);
    let (shards, firsts) = with_postings(&pages, keep, gathered, |mut terms| {
        stats.terms = terms.len();
        terms.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
        write_shards(&terms)
    });
    stats.shards = shards.len();
    for (k, s) in shards.into_iter().enumerate() {
        stats.index_bytes += s.len();
        files.push(emit(
            format!("search-index/terms-{k}.txt"),
            s.into_bytes().into(),
        ));
    }
    let meta = json!({
        "version": 1,
        "languages": config.languages.iter().map(|l| json!([l.key, l.code, l.name])).collect::<Vec<_>>(),
        "pages": rows,
        "fold": table_for(&used_chars),
        "shards": firsts,
    });
    let meta = serde_json::to_vec(&meta).unwrap_or_default();
    stats.index_bytes += meta.len();
    files.push(emit("search-index.json".into(), meta.into()));
    (files, stats)
}

fn kind_letter(k: Kind) -> &'static str {
    match k {
        Kind::Turn => "t",
        Kind::Note => "n",
        Kind::Section => "s",
        Kind::Page => "p",
        Kind::Term => "g",
    }
}

fn kind_name(k: PageKind) -> &'static str {
    match k {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Page => "page",
        PageKind::Interview => "interview",
        PageKind::Topic => "topic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_terms_pack_into_distinct_numbers_and_back() {
        let terms = [
            "", "a", "ab", "a\u{0}", "算力", "算", "供應", "abcdefg", "𠀀", "a𠀀",
        ];
        let packed: FxHashSet<u64> = terms.iter().map(|t| pack(t)).collect();
        assert_eq!(packed.len(), terms.len(), "no two terms share a number");
        for t in terms {
            assert_eq!(unpack(&pack(t).to_le_bytes()), t);
        }
    }

    #[test]
    fn postings_round_trip_as_lists_and_bitmaps() {
        for ids in [
            vec![0],
            vec![31],
            vec![32, 33],
            vec![3, 900, 70_000, 70_001],
        ] {
            let enc = encode_postings(&ids);
            assert!(!enc.starts_with(BITMAP));
            assert_eq!(decode_postings(&enc), ids, "{enc}");
        }
        let dense: Vec<u32> = (100..400).filter(|d| d % 3 != 0).collect();
        let enc = encode_postings(&dense);
        assert!(
            enc.starts_with(BITMAP),
            "a dense list is stored as a bitmap"
        );
        assert!(enc.len() < dense.len() / 2);
        assert_eq!(decode_postings(&enc), dense);
    }

    #[test]
    fn postings_never_use_a_character_a_term_can_hold() {
        for &b in TERMINAL.iter().chain(CONTINUE.iter()) {
            let c = b as char;
            let text = format!("{c}x{c}晶體{c}");
            assert!(
                crate::search::tokenize(&text)
                    .iter()
                    .all(|t| !t.contains(c)),
                "{c}"
            );
        }
    }

    #[test]
    fn cjk_terms_share_their_first_character() {
        let postings: Vec<(&str, Posting)> = [
            ("ai", &[0][..]),
            ("晶", &[1]),
            ("晶体", &[1, 2]),
            ("晶片", &[2]),
            ("锚定", &[1]),
        ]
        .into_iter()
        .map(|(t, ids)| (t, Posting::with_ids(ids)))
        .collect();
        let terms: Vec<(&str, &Posting)> = postings.iter().map(|(t, p)| (*t, p)).collect();
        let (shards, firsts) = write_shards(&terms);
        assert_eq!(shards, ["aiA|晶B体BA片C|锚定B"]);
        assert_eq!(firsts, ["ai"]);
    }

    #[test]
    fn terms_sort_like_javascript_strings() {
        // U+FF21 sorts before U+20000 by code point, after it by UTF-16 code unit.
        assert_eq!(
            utf16_cmp("\u{FF21}", "\u{20000}"),
            std::cmp::Ordering::Greater
        );
        let chars = [
            "",
            "a",
            "z",
            "é",
            "\u{7FF}",
            "\u{800}",
            "晶",
            "\u{D7FF}",
            "\u{E000}",
            "\u{FF21}",
            "\u{FFFF}",
            "\u{10000}",
            "\u{20000}",
            "\u{10FFFF}",
        ];
        let mut strings = Vec::new();
        for a in chars {
            for b in chars {
                for c in ["", "a", "\u{FFFF}", "\u{10000}"] {
                    strings.push(format!("{a}{b}{c}"));
                }
            }
        }
        for a in &strings {
            for b in &strings {
                assert_eq!(
                    utf16_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
