//! Text → search tokens, exactly as `static/search.js` cuts a query in the browser: characters
//! folded (full-width → half-width, Traditional → Simplified, lower case), Latin-script words
//! stemmed, runs of Han (and other CJK) characters cut into overlapping bigrams, punctuation of
//! both scripts dropped. A test runs both tokenisers on the same strings and compares.

use std::sync::LazyLock;

use crate::text::is_cjk;

/// Traditional → Simplified pairs, one a line, generated from OpenCC by tools/gen-fold-table.py.
/// The browser receives the pairs its index needs (see [`table_for`]).
pub const FOLD_TABLE: &str = include_str!("fold.txt");

/// Longer words are cut to this many characters: nothing is lost for real words, and a pasted
/// blob without spaces cannot make one huge token.
pub const MAX_WORD: usize = 40;

/// The BMP characters a direct table covers: every Traditional character of the table below the
/// supplementary planes is in it (checked when the table is made), and so is every Simplified one.
const NEAR: std::ops::RangeInclusive<u32> = 0x3400..=0xFAFF;

/// The fold table, made to be looked up once per character of every text of the site.
pub(crate) struct Fold {
    /// For each character of `NEAR`: what it folds to, or 0 when it stays.
    near: Box<[u32]>,
    /// For each character of `NEAR`: its place in `targets` plus one, or 0 when it is none.
    near_target: Box<[u16]>,
    /// Pairs whose Traditional side lies beyond the BMP, sorted.
    far: Vec<(char, char)>,
    /// Every Simplified side of the table, sorted and deduplicated: what [`table_for`] asks for.
    pub targets: Vec<char>,
}

pub(crate) static FOLD: LazyLock<Fold> = LazyLock::new(|| {
    let pairs: Vec<(char, char)> = FOLD_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cs = l.chars();
            Some((cs.next()?, cs.next()?))
        })
        .collect();
    let len = (NEAR.end() - NEAR.start() + 1) as usize;
    let mut near = vec![0u32; len].into_boxed_slice();
    let mut near_target = vec![0u16; len].into_boxed_slice();
    let mut far = Vec::new();
    let mut targets: Vec<char> = pairs.iter().map(|p| p.1).collect();
    targets.sort_unstable();
    targets.dedup();
    for &(t, s) in &pairs {
        match near_index(t) {
            Some(k) => near[k] = s as u32,
            None => far.push((t, s)),
        }
    }
    far.sort_unstable();
    for (k, &s) in targets.iter().enumerate() {
        if let Some(i) = near_index(s) {
            near_target[i] = u16::try_from(k + 1).expect("the fold table has few targets");
        }
    }
    Fold {
        near,
        near_target,
        far,
        targets,
    }
});

fn near_index(c: char) -> Option<usize> {
    let c = c as u32;
    NEAR.contains(&c).then(|| (c - NEAR.start()) as usize)
}

impl Fold {
    /// The Simplified form of `c`, or `c`.
    fn simplify(&self, c: char) -> char {
        match near_index(c) {
            Some(k) => match self.near[k] {
                0 => c,
                s => char::from_u32(s).unwrap_or(c),
            },
            None if (c as u32) < 0x20000 => c,
            None => match self.far.binary_search_by_key(&c, |p| p.0) {
                Ok(k) => self.far[k].1,
                Err(_) => c,
            },
        }
    }

    /// The place of `c` in `targets`, if it is a Simplified side of the table.
    pub fn target(&self, c: char) -> Option<usize> {
        match near_index(c) {
            Some(k) => (self.near_target[k] as usize).checked_sub(1),
            None if (c as u32) < 0x20000 => None,
            None => self.targets.binary_search(&c).ok(),
        }
    }
}

/// Characters `to_lowercase` leaves alone, checked without its table: CJK (no case), general
/// punctuation (curly quotes, dashes) and CJK punctuation (，。「」), the bulk of a Chinese text
/// besides its Han characters. A test checks every one of them.
fn caseless(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F)
}

/// Folds one character onto `out`: full-width ASCII and the ideographic space to their half-width
/// forms, Traditional to Simplified, then lower case.
pub fn fold_char(c: char, out: &mut String) {
    fold_char_with(&FOLD, c, out);
}

#[inline]
fn fold_char_with(fold: &Fold, c: char, out: &mut String) -> char {
    if c.is_ascii() {
        let l = c.to_ascii_lowercase();
        out.push(l);
        return l;
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    let c = fold.simplify(c);
    if caseless(c) {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
    c
}

/// The canonical form two texts are compared in: `晶體管` and `晶体管` fold to the same string,
/// so do `ＡＩ` and `ai`. Punctuation and spacing are kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, |_| {});
    out
}

/// Appends the fold of `s` to `out`, handing `target` the place in `FOLD.targets` of each folded
/// character that is the Simplified side of a pair (the index sends the browser those pairs).
pub(crate) fn fold_into(s: &str, out: &mut String, mut target: impl FnMut(usize)) {
    let fold = &*FOLD;
    out.reserve(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // A run of ASCII is copied and lower-cased at once.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        if ascii > 0 {
            let at = out.len();
            out.push_str(&rest[..ascii]);
            out[at..].make_ascii_lowercase();
            rest = &rest[ascii..];
        }
        let mut cs = rest.chars();
        let Some(c) = cs.next() else { break };
        rest = cs.as_str();
        let f = fold_char_with(fold, c, out);
        // Targets are all CJK, which has no case: `f` is what was pushed.
        if is_cjk(f)
            && let Some(k) = fold.target(f)
        {
            target(k);
        }
    }
}

/// Whether `c` belongs to a Latin-script (or any spaced-script) word.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Harman's "S" stemmer, as Lucene's EnglishMinimalStemmer writes it: plurals and third persons
/// meet their stems (`companies` → `company`, `transistors` → `transistor`) and nothing more,
/// so that what a reader types still matches.
pub fn stem(word: &str) -> String {
    let mut scratch = String::new();
    stem_in(word, &mut scratch).to_string()
}

/// [`stem`] as a slice of `word` when it can be one, else written into `scratch`.
fn stem_in<'a>(word: &'a str, scratch: &'a mut String) -> &'a str {
    let mut rev = word.chars().rev();
    if rev.next() != Some('s') {
        return word;
    }
    let (Some(c2), Some(c3)) = (rev.next(), rev.next()) else {
        return word;
    };
    let c4 = rev.next();
    // The letters looked at are ASCII, so each is one byte.
    match c2 {
        'u' | 's' => word,
        'e' if c3 == 'i' && c4.is_some_and(|c| c != 'a' && c != 'e') => {
            scratch.clear();
            scratch.push_str(&word[..word.len() - 3]);
            scratch.push('y');
            scratch
        }
        'e' if matches!(c3, 'i' | 'a' | 'o' | 'e') => word,
        _ => &word[..word.len() - 1],
    }
}

/// The tokens of `s`, in order, repeats kept.
pub fn tokenize(s: &str) -> Vec<String> {
    tokenize_folded(&fold(s))
}

/// `tokenize` of a text already `fold`ed.
pub fn tokenize_folded(folded: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(folded, |t| out.push(t.to_string()));
    out
}

/// Hands `emit` the tokens of a `fold`ed text, in order, repeats kept. A token is a slice of
/// `folded` (a bigram, a word) except for the few a word's apostrophe or stem changes.
pub fn each_token(folded: &str, mut emit: impl FnMut(&str)) {
    let mut word_buf = String::new();
    let mut stem_buf = String::new();
    let n = folded.len();
    let mut i = 0;
    while i < n {
        let (c, len) = char_at(folded, i);
        if is_cjk(c) {
            // Overlapping bigrams of the run; a character alone is a token of its own.
            let mut prev = i;
            let mut j = i + len;
            while j < n {
                let (d, dl) = char_at(folded, j);
                if !is_cjk(d) {
                    break;
                }
                emit(&folded[prev..j + dl]);
                prev = j;
                j += dl;
            }
            if prev == i {
                emit(&folded[i..j]);
            }
            i = j;
        } else if is_word(c) {
            // The word is `folded[i..end]` until a skipped apostrophe makes it `word_buf`.
            let mut end = i + len;
            let mut copied = false;
            let mut count = 1;
            let mut j = end;
            while j < n {
                let (d, dl) = char_at(folded, j);
                if is_word(d) {
                    if count < MAX_WORD {
                        if copied {
                            word_buf.push(d);
                        } else if j == end {
                            end = j + dl;
                        } else {
                            word_buf.clear();
                            word_buf.push_str(&folded[i..end]);
                            word_buf.push(d);
                            copied = true;
                        }
                        count += 1;
                    }
                } else if !(is_apostrophe(d) && j + dl < n && is_word(char_at(folded, j + dl).0)) {
                    break;
                }
                j += dl;
            }
            let word = if copied {
                &word_buf[..]
            } else {
                &folded[i..end]
            };
            emit(stem_in(word, &mut stem_buf));
            i = j;
        } else {
            i += len;
        }
    }
}

/// The character starting at byte `i` of `s`, and its length. Three-byte characters (all of
/// CJK below the supplementary planes) are decoded here: tokenising a Chinese page is decoding
/// each of its characters.
#[inline]
fn char_at(s: &str, i: usize) -> (char, usize) {
    let b = s.as_bytes();
    match b[i] {
        b0 @ 0..=0x7F => (char::from(b0), 1),
        b0 @ 0xE0..=0xEF => {
            let c = (u32::from(b0 & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            (char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER), 3)
        }
        _ => {
            let c = s[i..].chars().next().expect("`i` starts a character");
            (c, c.len_utf8())
        }
    }
}

/// The pairs of the fold table whose Simplified side occurs in `text`: all a query needs, since
/// a character folding to anything else cannot match the index anyway.
pub fn table_for(used: &std::collections::BTreeSet<char>) -> String {
    FOLD_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.chars().nth(1).is_some_and(|s| used.contains(&s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokenize(s)
    }

    #[test]
    fn char_at_decodes_as_str_does() {
        let s = "a é 晶體 𠀀z ＡＩ’s\u{3000}한국어";
        let mut got = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let (c, len) = char_at(s, i);
            got.push((i, c));
            i += len;
        }
        assert_eq!(got, s.char_indices().collect::<Vec<_>>());
    }

    #[test]
    fn chinese_is_cut_into_overlapping_bigrams() {
        assert_eq!(toks("晶體管"), ["晶体", "体管"]);
        assert_eq!(toks("我"), ["我"], "a lone character is kept whole");
    }

    #[test]
    fn traditional_and_simplified_fold_together() {
        assert_eq!(toks("晶體管"), toks("晶体管"));
        assert_eq!(toks("錨定"), toks("锚定"));
        assert_eq!(fold("為裡著臺"), "为里着台", "Taiwan variants fold too");
        assert_eq!(fold("什麼"), "什么");
    }

    fn pairs() -> Vec<(char, char)> {
        FOLD_TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let mut cs = l.chars();
                (cs.next().unwrap(), cs.next().unwrap())
            })
            .collect()
    }

    /// `fold` as first written: a hash map of the pairs, then `to_lowercase` for everything.
    fn plain_fold(s: &str) -> String {
        let map: std::collections::HashMap<char, char> = pairs().into_iter().collect();
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            let c = match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                0x3000 => ' ',
                _ => c,
            };
            out.extend(map.get(&c).copied().unwrap_or(c).to_lowercase());
        }
        out
    }

    /// `tokenize_folded` as first written, a `String` per token, for comparison.
    fn plain_tokens(folded: &str) -> Vec<String> {
        let is_word = |c: char| c.is_alphanumeric() && !is_cjk(c);
        let chars: Vec<char> = folded.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_cjk(c) {
                let start = i;
                while i < chars.len() && is_cjk(chars[i]) {
                    i += 1;
                }
                if i - start == 1 {
                    out.push(c.to_string());
                }
                for k in start..i.saturating_sub(1) {
                    out.push([chars[k], chars[k + 1]].iter().collect());
                }
            } else if is_word(c) {
                let mut word = String::new();
                let mut len = 0;
                while i < chars.len() {
                    let d = chars[i];
                    if is_word(d) {
                        if len < MAX_WORD {
                            word.push(d);
                            len += 1;
                        }
                    } else if !(is_apostrophe(d) && chars.get(i + 1).is_some_and(|&n| is_word(n))) {
                        break;
                    }
                    i += 1;
                }
                out.push(plain_stem(&word));
            } else {
                i += 1;
            }
        }
        out
    }

    fn plain_stem(word: &str) -> String {
        let c: Vec<char> = word.chars().collect();
        let n = c.len();
        if n < 3 || c[n - 1] != 's' {
            return word.to_string();
        }
        let keep = |k: usize| c[..k].iter().collect::<String>();
        match c[n - 2] {
            'u' | 's' => word.to_string(),
            'e' if n > 3 && c[n - 3] == 'i' && c[n - 4] != 'a' && c[n - 4] != 'e' => {
                keep(n - 3) + "y"
            }
            'e' if matches!(c[n - 3], 'i' | 'a' | 'o' | 'e') => word.to_string(),
            _ => keep(n - 1),
        }
    }

    #[test]
    fn every_character_folds_as_the_plain_table_and_lower_case_say() {
        let all: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        let (fast, plain) = (fold(&all), plain_fold(&all));
        assert!(
            fast == plain,
            "the table lookup or the caseless shortcut changed a fold"
        );
        for t in &FOLD.targets {
            assert!(
                is_cjk(*t),
                "{t}: targets are marked only among CJK characters"
            );
        }
        let mut marked = Vec::new();
        fold_into(&all, &mut String::new(), |k| marked.push(FOLD.targets[k]));
        marked.sort_unstable();
        marked.dedup();
        assert_eq!(marked, FOLD.targets, "every Simplified character is marked");
    }

    #[test]
    fn tokens_are_those_of_the_plain_tokeniser() {
        let long_word = "x".repeat(MAX_WORD + 7);
        let cases = [
            "companies' agencies’ tie ties dies series buses glass goes uses bus as is s",
            "don't OpenAI’s rock'n'roll o'clock '' 'quoted' it’’s a'b'c",
            "晶體管，晶 體 AI的本質 한국어 ひらがなカタカナ 𠀀𠀁 x𠀀y",
            "İstanbul ΣΊΣΥΦΟΣ Ǆemal straße café naïve ﬁne ＡＢＣ１２３　end",
            "١٢٣ ⅫⅣ ²³ ½ a²b Ⅻs",
        ];
        let mut texts: Vec<String> = cases.iter().map(|s| s.to_string()).collect();
        texts.push(format!(
            "{long_word} {long_word}s {long_word}'s don't{long_word}ies"
        ));
        texts.push(format!("{}ies", "y".repeat(MAX_WORD - 3)));
        texts.push(format!("{}'ies", "y".repeat(MAX_WORD - 2)));
        for t in &texts {
            let folded = fold(t);
            assert_eq!(tokenize_folded(&folded), plain_tokens(&folded), "{t}");
        }
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for (t, s) in pairs() {
            assert_eq!(
                fold(&s.to_string()),
                s.to_string(),
                "{t} → {s} is not final"
            );
        }
    }

    #[test]
    fn english_is_case_folded_and_stemmed() {
        assert_eq!(
            toks("Transistors and COMPANIES, the Anchor-Tenant's bus"),
            [
                "transistor",
                "and",
                "company",
                "the",
                "anchor",
                "tenant",
                "bus"
            ]
        );
        assert_eq!(toks("OpenAI’s"), ["openai"]);
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("goes"), "goes");
        assert_eq!(stem("uses"), "use");
        assert_eq!(stem("agrees"), "agrees");
        assert_eq!(stem("it"), "it");
    }

    #[test]
    fn mixed_scripts_split_at_the_script_boundary() {
        assert_eq!(toks("AI的本質"), ["ai", "的本", "本质"]);
        assert_eq!(toks("2025年GPT-5發布"), ["2025", "年", "gpt", "5", "发布"]);
    }

    #[test]
    fn full_width_forms_fold_to_half_width() {
        assert_eq!(toks("ＡＩ　ＧＰＵ１２"), ["ai", "gpu12"]);
        assert_eq!(fold("（ＡＢ）"), "(ab)");
    }

    #[test]
    fn punctuation_of_both_scripts_is_ignored() {
        assert_eq!(
            toks("「晶體管」，（transistor）。"),
            ["晶体", "体管", "transistor"]
        );
        assert_eq!(toks("晶體。管"), ["晶体", "管"], "a full stop ends the run");
        assert!(toks("，。！？、；：「」『』（）…—·《》!?.,;:()[]{}\"'").is_empty());
    }

    #[test]
    fn empty_input_has_no_tokens() {
        assert!(toks("").is_empty());
        assert!(toks("   \n\t").is_empty());
    }

    #[test]
    fn very_long_input_is_tokenised_and_long_words_are_cut() {
        let long = "晶體管 transistor ".repeat(20_000);
        let t = toks(&long);
        assert_eq!(t.len(), 60_000);
        let blob = "a".repeat(100_000);
        assert_eq!(toks(&blob), ["a".repeat(MAX_WORD)]);
    }

    #[test]
    fn the_table_sent_to_browsers_covers_the_characters_used() {
        let used = fold("晶體管").chars().collect();
        let t = table_for(&used);
        assert!(t.contains("體体"));
        assert!(!t.contains("錨"));
    }
}
