//! Text → search tokens, exactly as `static/search.js` cuts a query in the browser: characters
//! folded (full-width → half-width, Traditional → Simplified, lower case), Latin-script words
//! stemmed, runs of Han (and other CJK) characters cut into overlapping bigrams, punctuation of
//! both scripts dropped. A test runs both tokenisers on the same strings and compares.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::is_cjk;

/// Traditional → Simplified pairs, one a line, generated from OpenCC by tools/gen-fold-table.py.
/// The browser receives the pairs its index needs (see [`table_for`]).
pub const FOLD_TABLE: &str = include_str!("fold.txt");

/// Longer words are cut to this many characters: nothing is lost for real words, and a pasted
/// blob without spaces cannot make one huge token.
pub const MAX_WORD: usize = 40;

static FOLD: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    FOLD_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cs = l.chars();
            Some((cs.next()?, cs.next()?))
        })
        .collect()
});

/// Folds one character onto `out`: full-width ASCII and the ideographic space to their half-width
/// forms, Traditional to Simplified, then lower case.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    let c = FOLD.get(&c).copied().unwrap_or(c);
    out.extend(c.to_lowercase());
}

/// The canonical form two texts are compared in: `晶體管` and `晶体管` fold to the same string,
/// so do `ＡＩ` and `ai`. Punctuation and spacing are kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Whether `c` belongs to a Latin-script (or any spaced-script) word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Harman's "S" stemmer, as Lucene's EnglishMinimalStemmer writes it: plurals and third persons
/// meet their stems (`companies` → `company`, `transistors` → `transistor`) and nothing more,
/// so that what a reader types still matches.
pub fn stem(word: &str) -> String {
    if !word.ends_with('s') {
        return word.to_string();
    }
    let c: Vec<char> = word.chars().collect();
    let n = c.len();
    if n < 3 || c[n - 1] != 's' {
        return word.to_string();
    }
    let keep = |k: usize| c[..k].iter().collect::<String>();
    match c[n - 2] {
        'u' | 's' => word.to_string(),
        'e' if n > 3 && c[n - 3] == 'i' && c[n - 4] != 'a' && c[n - 4] != 'e' => keep(n - 3) + "y",
        'e' if matches!(c[n - 3], 'i' | 'a' | 'o' | 'e') => word.to_string(),
        _ => keep(n - 1),
    }
}

/// The tokens of `s`, in order, repeats kept.
pub fn tokenize(s: &str) -> Vec<String> {
    tokenize_folded(&fold(s))
}

/// `tokenize` of a text already `fold`ed (the index folds each text once for its tokens and its
/// characters).
pub fn tokenize_folded(folded: &str) -> Vec<String> {
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
            out.push(stem(&word));
        } else {
            i += 1;
        }
    }
    out
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

    #[test]
    fn folding_twice_changes_nothing() {
        for (t, s) in FOLD.iter() {
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
