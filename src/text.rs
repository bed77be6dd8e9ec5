//! Small text helpers shared by the stages: slugs that keep Chinese, HTML escaping, whitespace.

/// A URL- and id-safe slug that keeps letters of every script: `基礎設施 Deals!` → `基礎設施-deals`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '_' || c == '.' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// A file or folder name made safe for a URL path segment: spaces and characters that mean
/// something in URLs or on Windows become `-`; letters of every script are kept; case is kept.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let bad =
            c.is_whitespace() || c.is_control() || "/\\:?#[]@!$&'()*+,;=%\"<>|^`{}".contains(c);
        if bad {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        }
    }
    out
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s);
    out
}

pub fn push_escaped(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(out, s).expect("writing to a String cannot fail");
}

/// The scheme of `url` as a browser reads it (the WHATWG URL parser's first steps: ASCII tabs and
/// newlines removed anywhere, leading controls and spaces trimmed, case ignored), or `None` for a
/// relative URL. `java\tscript:` and ` JavaScript:` are both `javascript`.
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let t = cleaned.trim_start_matches(|c: char| c <= ' ');
    let (scheme, _) = t.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}

/// The scheme of `url` if a link may not use it: script and data URLs run or embed code.
pub fn refused_scheme(url: &str) -> Option<String> {
    url_scheme(url).filter(|s| matches!(s.as_str(), "javascript" | "vbscript" | "data" | "file"))
}

/// Escapes text content (not attribute values): only `&`, `<` and `>` need it there.
pub fn push_escaped_text(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html_body_text(out, s).expect("writing to a String cannot fail");
}

/// Collapses runs of whitespace (as `char::is_whitespace` has it) to one space and trims: the form
/// quotes are compared in.
pub fn squash_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // A byte at a time, never decoding: this runs over every page's text for the search index,
    // most of it CJK, three bytes a character.
    let bytes = s.as_bytes();
    let (mut word, mut i) = (0, 0);
    while i < bytes.len() {
        // Bytes that cannot start whitespace are skipped by a table lookup: most bytes, and all
        // of a CJK character's but some punctuation's first.
        if !MAY_START_WS[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let ws = ws_len(bytes, i);
        if ws == 0 {
            i += 1;
            continue;
        }
        if word < i {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[word..i]);
        }
        i += ws;
        word = i;
    }
    if word < bytes.len() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[word..]);
    }
    out
}

/// The bytes a whitespace character can start with (see [`ws_len`]).
static MAY_START_WS: [bool; 256] = {
    let mut t = [false; 256];
    let starts = [
        b'\t', b'\n', 0x0B, 0x0C, b'\r', b' ', 0xC2, 0xE1, 0xE2, 0xE3,
    ];
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] = true;
        k += 1;
    }
    t
};

/// The length in bytes of the whitespace character (`char::is_whitespace`) at byte `i` of the
/// UTF-8 text `b`, or 0: U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
/// U+2029, U+202F, U+205F and U+3000, told by their bytes.
#[inline]
fn ws_len(b: &[u8], i: usize) -> usize {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => 1,
        0xC2 if matches!(next(1), 0x85 | 0xA0) => 2,
        0xE1 if (next(1), next(2)) == (0x9A, 0x80) => 3,
        0xE2 => match (next(1), next(2)) {
            (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F) => 3,
            _ => 0,
        },
        0xE3 if (next(1), next(2)) == (0x80, 0x80) => 3,
        _ => 0,
    }
}

/// Line endings normalised to `\n` (CRLF and lone CR), so offsets and lines agree everywhere.
pub fn normalize_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Whether `c` is a Han ideograph or other CJK character written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7A3
        | 0x20000..=0x3FFFD)
}

/// Cuts `s` to about `max` characters at a character boundary, adding `…` when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    // Squashes only as far as the excerpt reaches: callers pass whole turns, and speaker and
    // topic pages take an excerpt of thousands of them.
    let mut out = String::with_capacity(max.min(s.len()) * 3);
    let (mut count, mut space, mut more) = (0, false, false);
    for c in s.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // `c`, and the space before it, would follow: is there room?
        if count >= max {
            more = true;
            break;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
            if count >= max {
                more = true;
                break;
            }
        }
        out.push(c);
        count += 1;
    }
    if !more {
        return out;
    }
    // Prefer ending at a word boundary for Latin text.
    if let Some(i) = out.rfind(' ')
        && i > out.len() * 3 / 4
    {
        out.truncate(i);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_of_any_script_become_one_space() {
        assert_eq!(squash_ws("  a\n\n b\u{3000}\t c  "), "a b c");
        assert_eq!(squash_ws("算力\u{3000}\u{3000}供應"), "算力 供應");
        assert_eq!(squash_ws(" \n "), "");
    }

    #[test]
    fn squash_ws_splits_where_split_whitespace_does() {
        let reference = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        // Every whitespace character, and non-whitespace sharing their lead bytes (©, ᚠ, ‘, 、, あ).
        let spaces = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        let others = [
            '©',
            'ᚠ',
            '\u{2018}',
            '、',
            'あ',
            '算',
            'é',
            'a',
            '\u{1F600}',
        ];
        for w in spaces {
            for o in others {
                for s in [
                    format!("{o}{w}{o}"),
                    format!("{w}{o}{w}{w}{o}{o}{w}"),
                    format!("{o}{o}{w}"),
                    format!("{w}"),
                ] {
                    assert_eq!(squash_ws(&s), reference(&s), "{s:?}");
                }
            }
        }
        // Every character whose first byte a whitespace character's can be.
        for c in (0x80..=0x3FFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}b{c}");
            assert_eq!(squash_ws(&s), reference(&s), "{s:?}");
        }
    }

    #[test]
    fn escaping_covers_what_attributes_and_text_need() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom's & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        let mut text = String::new();
        push_escaped_text(&mut text, r#"1 < 2 & "3" > 'x'"#);
        assert_eq!(text, r#"1 &lt; 2 &amp; "3" &gt; 'x'"#);
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(slugify("基礎設施交易"), "基礎設施交易");
        assert_eq!(slugify("Apps in ChatGPT!"), "apps-in-chatgpt");
        assert_eq!(
            slugify("ChatGPT中的應用 (part 2)"),
            "chatgpt中的應用-part-2"
        );
        assert_eq!(slugify("  "), "");
    }

    #[test]
    fn path_segments_lose_spaces_and_colons() {
        assert_eq!(path_segment("Episode 12: The End"), "Episode-12-The-End");
        assert_eq!(path_segment("訪談 一"), "訪談-一");
    }

    #[test]
    fn script_schemes_are_seen_through_disguises() {
        for url in [
            "javascript:x",
            "JaVaScRiPt:x",
            "java\tscript:x",
            " \u{1}javascript:x",
            "java\nscript:x",
        ] {
            assert_eq!(
                refused_scheme(url).as_deref(),
                Some("javascript"),
                "{url:?}"
            );
        }
        assert_eq!(refused_scheme("data:text/html,x").as_deref(), Some("data"));
        assert_eq!(refused_scheme("https://x.org/a:b"), None);
        assert_eq!(url_scheme("page.md#a:b"), None);
        assert_eq!(url_scheme("../a.md"), None);
    }

    #[test]
    fn newlines_are_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc".into()), "a\nb\nc");
    }

    #[test]
    fn excerpts_cut_on_char_boundaries() {
        assert_eq!(excerpt("晶體管晶體管", 3), "晶體管…");
    }

    #[test]
    fn excerpts_squash_whitespace_up_to_the_cut() {
        // Whitespace runs count as one space, also right at the cut; short text comes back whole.
        assert_eq!(excerpt("  a \n\n b  ", 10), "a b");
        assert_eq!(excerpt("abcd   e", 5), "abcd…");
        assert_eq!(excerpt("abc   d", 3), "abc…");
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(
            excerpt("one two   three four five six seven", 20),
            "one two three four…"
        );
    }
}
