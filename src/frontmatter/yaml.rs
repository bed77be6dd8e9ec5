//! YAML text → the diagnostics serde_yaml cannot give: errors pointed at the line that caused them
//! (the unclosed quote or bracket, the repeated key), and hazards refused before or after parsing:
//! nesting deep enough to make the parser quadratic, and tags gloss does not interpret.

use crate::error::{Diagnostic, SourceMap};

/// Flow collections (`[`, `{`) nested deeper than this are refused before parsing: libyaml's
/// scanner does work proportional to the nesting for every token, so 100,000 `[` take minutes,
/// and serde_yaml would refuse anything past 128 levels afterwards anyway.
pub const MAX_FLOW_DEPTH: usize = 100;

pub fn yaml_error(e: &serde_yaml::Error, front: &str, map: &SourceMap) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; we show the location ourselves.
    let msg = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let (mut help, msg) = yaml_help(&msg, front);
    // Point at the unknown key itself, not at the start of the map holding it.
    let mut key_line = None;
    if let Some((key, nearest)) = crate::error::unknown_field(&msg) {
        help = nearest;
        let from = e.location().map_or(1, |l| l.line());
        key_line = front.lines().enumerate().skip(from - 1).find_map(|(i, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            t.strip_prefix(key.as_str())
                .is_some_and(|r| r.trim_start().starts_with(':'))
                .then(|| (i + 1, l.len() - t.len(), key.len()))
        });
    }
    if let Some(key) = duplicated(&msg) {
        let from = e.location().map_or(1, |l| l.line());
        if let Some((line, col)) = second_occurrence(front, &key, from) {
            key_line = Some((line, col, key.len()));
        }
    }
    if msg.contains("end of stream")
        && let Some((line, col, q)) = scan(front).unclosed_quote
    {
        return Diagnostic::error(format!(
            "front matter: the `{q}` opened here is never closed"
        ))
        .at(map.line_location(line, col, 1))
        .help(format!(
            "end the value with `{q}` on this line; inside it, write {}",
            if q == '"' {
                "`\\\"` for a double quote"
            } else {
                "`''` for a single quote"
            }
        ));
    }
    let d = Diagnostic::error(format!("front matter: {msg}")).help(help);
    if let Some((line, col, len)) = key_line {
        return d.at(map.line_location(line, col, len));
    }
    match e.location() {
        Some(loc) => {
            let line = loc.line();
            let col_byte = loc.column().saturating_sub(1);
            let d = d.at(map.line_location(line, col_byte, 1));
            match unclosed_opener(front, &msg, line) {
                Some((l, c, ch)) => {
                    let close = if ch == '[' { ']' } else { '}' };
                    d.related(format!("the `{ch}` opened here is never closed"), map.line_location(l, c, 1))
                        .help(format!("close the `{ch}` on line {l} with `{close}` (or write the list one item per line)"))
                }
                None => d,
            }
        }
        None => d.at(map.line_location(1, 0, 3)),
    }
}

/// For "expected ',' or ']'" errors, which libyaml reports where it gave up (often the next key),
/// the line where the unclosed `[` or `{` was opened: (line, byte column, bracket).
fn unclosed_opener(front: &str, msg: &str, err_line: usize) -> Option<(usize, usize, char)> {
    let (open, close) = if msg.contains("or ']'") {
        ('[', ']')
    } else if msg.contains("or '}'") {
        ('{', '}')
    } else {
        return None;
    };
    let lines: Vec<&str> = front.lines().collect();
    let mut depth = 0i32;
    for l in (0..err_line.min(lines.len())).rev() {
        for (c, ch) in lines[l]
            .char_indices()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if ch == close {
                depth += 1;
            } else if ch == open {
                if depth == 0 {
                    return Some((l + 1, c, open));
                }
                depth -= 1;
            }
        }
    }
    None
}

fn yaml_help(msg: &str, front: &str) -> (String, String) {
    let tab_indent = front
        .lines()
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'));
    if msg.contains("tab") || (tab_indent && msg.contains("found character")) {
        return (
            "YAML indentation must use spaces, not tabs: replace the tab characters at the start of the line with spaces".into(),
            msg.into(),
        );
    }
    if msg.contains("duplicate") {
        return (
            "each key may appear once: remove or rename one of them".into(),
            msg.into(),
        );
    }
    if msg.contains("recursion limit") {
        return (
            "the front matter nests too deeply: flatten the structure".into(),
            msg.into(),
        );
    }
    if msg.contains("repetition limit") {
        return (
            "the front matter's anchors and aliases expand too far (a \"billion laughs\"): write the values out instead of aliasing them".into(),
            msg.into(),
        );
    }
    if msg.contains("enum") || msg.contains("tag") {
        return (
            "gloss does not interpret YAML tags (`!name`): remove the tag and write the plain value".into(),
            msg.replace("invalid type: enum", "unexpected YAML tag"),
        );
    }
    if msg.contains("did not find expected")
        || msg.contains("while scanning a quoted")
        || msg.contains("unexpected end")
    {
        return (
            "check this line for an unclosed quote, bracket or brace; values containing `: ` or starting with `[`, `{`, `*` or `&` need quotes".into(),
            msg.into(),
        );
    }
    if msg.contains("invalid type") {
        return (
            "this key has the wrong kind of value (a list where text belongs, or text where a list belongs): see docs/content.md".into(),
            msg.into(),
        );
    }
    if msg.contains("unknown field") {
        return (
            "see docs/content.md for the keys this table accepts".into(),
            msg.into(),
        );
    }
    (
        "see docs/content.md for the front matter format".into(),
        msg.into(),
    )
}

/// `duplicate field `k`` (serde) or `duplicate key `k`` (gloss's own visitor) → `k`.
fn duplicated(msg: &str) -> Option<String> {
    let at = msg
        .find("duplicate field `")
        .map(|i| i + 17)
        .or_else(|| msg.find("duplicate key `").map(|i| i + 15))?;
    let key = msg[at..].split('`').next()?;
    Some(key.to_string())
}

/// The second `key:` at the same indentation as the first, from line `from` (1-based) on: where
/// a repeated key is, rather than where the mapping holding it starts.
fn second_occurrence(front: &str, key: &str, from: usize) -> Option<(usize, usize)> {
    let mut first_col = None;
    for (i, line) in front.lines().enumerate().skip(from.saturating_sub(1)) {
        let t = line.trim_start_matches([' ', '-']);
        let col = line.len() - t.len();
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            match first_col {
                None => first_col = Some(col),
                Some(c) if c == col => return Some((i + 1, col)),
                Some(_) => {}
            }
        }
    }
    None
}

/// What a light scan of YAML text finds without parsing it.
#[derive(Debug, Default, PartialEq)]
pub struct Scan {
    /// (line, byte column) where flow nesting first passes [`MAX_FLOW_DEPTH`].
    pub too_deep: Option<(usize, usize)>,
    /// (line, byte column, quote) of a quoted scalar still open at the end of the text.
    pub unclosed_quote: Option<(usize, usize, char)>,
}

/// Scans YAML text for flow nesting and quoted scalars. A quote starts a scalar only where a value
/// can start (after `: `, `- `, `[`, `{`, `,` or at the start of a line), so `it's` is not one.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut depth = 0usize;
    let mut quote: Option<(usize, usize, char)> = None;
    let mut line = 1usize;
    let mut line_start = 0usize;
    let mut prev = '\n'; // the last character outside quotes that was not a space
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line += 1;
            line_start = i + 1;
            if quote.is_none() {
                prev = '\n';
            }
            continue;
        }
        if let Some((_, _, q)) = quote {
            match (q, c) {
                ('"', '\\') => {
                    chars.next();
                }
                ('\'', '\'') if chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                    chars.next();
                }
                (q, c) if q == c => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            ' ' | '\t' => continue,
            '#' if prev == '\n' || text[..i].ends_with([' ', '\t']) => {
                // A comment: skip to the end of the line.
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '"' | '\'' if matches!(prev, '\n' | ':' | '-' | '[' | '{' | ',' | '?') => {
                quote = Some((line, i - line_start, c));
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH && out.too_deep.is_none() {
                    out.too_deep = Some((line, i - line_start));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    out.unclosed_quote = quote;
    out
}

/// Refuses YAML nested too deeply to parse in reasonable time (before it is parsed).
pub fn check_nesting(text: &str, map: &SourceMap) -> Result<(), Diagnostic> {
    match scan(text).too_deep {
        None => Ok(()),
        Some((line, col)) => Err(Diagnostic::error(format!(
            "YAML nested more than {MAX_FLOW_DEPTH} levels deep"
        ))
        .at(map.line_location(line, col, 1))
        .help("the front matter nests too deeply: flatten the structure")),
    }
}

/// Refuses YAML tags (`!name`): gloss gives them no meaning, and silently dropping one would change
/// what the author wrote. serde_yaml ignores a tag on a value read as text, so the text is read
/// once more as untyped values, where tags are kept, when it holds a `!` at all.
pub fn check_tags(text: &str, map: &SourceMap) -> Result<(), Diagnostic> {
    if !text.contains('!') {
        return Ok(());
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(()); // the typed parse succeeded; nothing more to learn here
    };
    let Some(tag) = first_tag(&value) else {
        return Ok(());
    };
    let at = text
        .find(&format!("{tag} "))
        .or_else(|| text.find(&tag))
        .unwrap_or(0);
    Err(Diagnostic::error(format!("YAML tag `{tag}` in the front matter"))
        .at(map.locate(at, tag.len()))
        .help("gloss does not interpret YAML tags (`!name`): remove the tag and write the plain value"))
}

fn first_tag(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::Tagged(t) => Some(t.tag.to_string()),
        serde_yaml::Value::Sequence(s) => s.iter().find_map(first_tag),
        serde_yaml::Value::Mapping(m) => m
            .iter()
            .find_map(|(k, v)| first_tag(k).or_else(|| first_tag(v))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_the_unclosed_quote_not_an_apostrophe() {
        let s = scan("a: it's fine\nb: \"open\nc: 'x''y'\n");
        assert_eq!(s.unclosed_quote, Some((2, 3, '"')));
        assert_eq!(scan("a: 'it''s'\nb: \"x\\\"y\"\n").unclosed_quote, None);
    }

    #[test]
    fn scan_measures_flow_depth_outside_quotes_and_comments() {
        let deep = format!("a: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(scan(&deep).too_deep, Some((1, 3 + MAX_FLOW_DEPTH)));
        let quoted = format!("a: \"{}\" # {}", "[".repeat(500), "{".repeat(500));
        assert_eq!(scan(&quoted).too_deep, None);
    }

    #[test]
    fn the_repeated_key_is_found_at_its_own_indentation() {
        let front = "---\n- id: a\n  note: |\n    id: not a key\n  id: b\n";
        assert_eq!(second_occurrence(front, "id", 2), Some((5, 2)));
    }
}
