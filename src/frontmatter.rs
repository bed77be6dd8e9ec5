//! A source file's text → its raw front matter (YAML between `---`, or TOML between `+++`) and body,
//! with every error at the file's own line and column.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use crate::error::{Diagnostic, SourceMap};

mod yaml;
pub use yaml::{check_nesting, check_tags, yaml_error};

/// Front matter larger than this is refused before parsing: no page needs it, and a hostile one
/// (10 MB of nested lists) must not cost the build its time and memory.
pub const MAX_FRONT_MATTER: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A text split at its front matter.
#[derive(Debug)]
pub struct Split<'a> {
    pub format: Format,
    /// The front matter source from the start of the file, opening delimiter included, so a
    /// parser's line numbers are the file's.
    pub front: &'a str,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// A name in one language or in several: `name: Sam Altman` or `name: { zh: …, en: … }`.
#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[serde(untagged)]
pub enum LangText {
    One(String),
    Many(BTreeMap<String, String>),
}

impl LangText {
    pub fn get(&self, lang: &str, fallback: &str) -> Option<&str> {
        match self {
            LangText::One(s) => Some(s),
            LangText::Many(m) => m
                .get(lang)
                .or_else(|| m.get(fallback))
                .or_else(|| m.values().next())
                .map(String::as_str),
        }
    }

    pub fn all(&self) -> Vec<&str> {
        match self {
            LangText::One(s) => vec![s.as_str()],
            LangText::Many(m) => m.values().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub url: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
}

/// A speaker as declared: a full entry, or just a name (`speakers: [Ana, Bo]`, as archives from
/// other generators write it).
#[derive(Debug, Clone, Default)]
pub struct RawSpeaker {
    pub id: String,
    pub name: Option<LangText>,
    pub role: Option<String>,
    pub link: Option<String>,
    pub slug: Option<String>,
}

const SPEAKER_FIELDS: &[&str] = &["id", "name", "role", "link", "slug"];

impl<'de> Deserialize<'de> for RawSpeaker {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSpeaker;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a speaker: a name, or `{ id, name, role, link }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSpeaker, E> {
                Ok(RawSpeaker {
                    id: v.to_string(),
                    name: Some(LangText::One(v.to_string())),
                    ..RawSpeaker::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawSpeaker, A::Error> {
                let mut s = RawSpeaker::default();
                let mut id = None;
                let mut seen: Vec<&'static str> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    // A repeated field must not silently replace the first (serde's derive refuses
                    // it too; this visitor is hand-written).
                    if let Some(&field) = SPEAKER_FIELDS.iter().find(|f| **f == key) {
                        if seen.contains(&field) {
                            return Err(de::Error::duplicate_field(field));
                        }
                        seen.push(field);
                    }
                    match key.as_str() {
                        "id" => id = Some(map.next_value::<String>()?),
                        "name" => s.name = map.next_value()?,
                        "role" => s.role = map.next_value()?,
                        "link" => s.link = map.next_value()?,
                        "slug" => s.slug = map.next_value()?,
                        other => return Err(de::Error::unknown_field(other, SPEAKER_FIELDS)),
                    }
                }
                s.id = match (id, &s.name) {
                    (Some(id), _) => id,
                    (None, Some(LangText::One(n))) => n.clone(),
                    _ => return Err(de::Error::missing_field("id")),
                };
                Ok(s)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnnotation {
    pub id: Option<String>,
    pub quote: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub turn: Option<u32>,
    pub note: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub terms: Vec<String>,
}

/// Front matter as written. Keys gloss does not know are kept in `extra`.
#[derive(Debug, Clone, Default)]
pub struct RawFrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub summary: Option<String>,
    pub notice: Option<String>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub topics: Option<Vec<String>>,
    pub source: Option<RawSource>,
    pub speakers: Option<Vec<RawSpeaker>>,
    pub turns: Option<BTreeMap<u32, Vec<String>>>,
    pub annotations: Option<Vec<RawAnnotation>>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "summary",
    "notice",
    "draft",
    "slug",
    "weight",
    "template",
    "topics",
    "source",
    "speakers",
    "turns",
    "annotations",
];

// A hand-written visitor instead of `#[serde(flatten)]`: flatten buffers the input and loses the
// positions serde_yaml puts in its errors, and the positions are the point.
impl<'de> Deserialize<'de> for RawFrontMatter {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFrontMatter;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of keys to values (`title: …`)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawFrontMatter, E> {
                Ok(RawFrontMatter::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFrontMatter, A::Error> {
                let mut fm = RawFrontMatter::default();
                let mut seen = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                    }
                    match key.as_str() {
                        "title" => fm.title = map.next_value()?,
                        "date" => fm.date = map.next_value()?,
                        "summary" => fm.summary = map.next_value()?,
                        "notice" => fm.notice = map.next_value()?,
                        "draft" => fm.draft = map.next_value()?,
                        "slug" => fm.slug = map.next_value()?,
                        "weight" => fm.weight = map.next_value()?,
                        "template" => fm.template = map.next_value()?,
                        "topics" => fm.topics = map.next_value()?,
                        "source" => fm.source = map.next_value()?,
                        "speakers" => fm.speakers = map.next_value()?,
                        "turns" => fm.turns = map.next_value()?,
                        "annotations" => fm.annotations = map.next_value()?,
                        _ => {
                            let v: serde_yaml::Value = map.next_value()?;
                            fm.extra.insert(key, v);
                        }
                    }
                }
                Ok(fm)
            }
        }
        d.deserialize_any(V)
    }
}

/// Splits `text` (line endings already normalised to `\n`) at its front matter.
pub fn split<'a>(text: &'a str, map: &SourceMap) -> Result<Split<'a>, Diagnostic> {
    let (format, delim) = if text.starts_with("---") {
        (Format::Yaml, "---")
    } else if text.starts_with("+++") {
        (Format::Toml, "+++")
    } else {
        let help = if text.trim().is_empty() {
            "the file is empty: give it front matter with at least a title:\n\n---\ntitle: \"…\"\n---"
        } else {
            "start the file with front matter giving at least a title:\n\n---\ntitle: \"…\"\n---"
        };
        return Err(Diagnostic::error("this page has no front matter")
            .at(map.line_location(1, 0, 3))
            .help(help));
    };
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != delim {
        return Err(Diagnostic::error(format!(
            "the front matter's opening `{delim}` must be alone on the first line"
        ))
        .at(map.line_location(1, 3, first_end.saturating_sub(3)))
        .help(format!(
            "put the first key on the next line, after `{delim}`"
        )));
    }
    let mut pos = first_end + 1;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == delim || (format == Format::Yaml && line == "...") {
            let body_offset = (end + 1).min(text.len());
            // Checked once the end is found (the file is at most 16 MB), so the size is the
            // real one, not the limit.
            if pos > MAX_FRONT_MATTER {
                return Err(too_big(map, pos));
            }
            return Ok(Split {
                format,
                front: &text[..pos],
                body: &text[body_offset..],
                body_offset,
            });
        }
        pos = end + 1;
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(map.line_location(1, 0, 3))
        .help(format!(
            "add a line with only `{delim}` after the last front-matter key, before the page's text"
        )))
}

fn too_big(map: &SourceMap, len: usize) -> Diagnostic {
    Diagnostic::error(format!(
        "the front matter is {:.1} MB; gloss accepts at most {} KB",
        len as f64 / 1_048_576.0,
        MAX_FRONT_MATTER / 1024
    ))
    .at(map.line_location(1, 0, 3))
    .help(
        "move long data out of the front matter, or check the closing `---` is where it should be",
    )
}

/// Parses the split front matter into its raw form.
pub fn parse(split: &Split, map: &SourceMap) -> Result<RawFrontMatter, Diagnostic> {
    match split.format {
        Format::Yaml => parse_yaml(split.front, map),
        Format::Toml => parse_toml(split.front, map),
    }
}

fn parse_yaml(front: &str, map: &SourceMap) -> Result<RawFrontMatter, Diagnostic> {
    yaml::check_nesting(front, map)?;
    let fm =
        serde_yaml::from_str::<RawFrontMatter>(front).map_err(|e| yaml_error(&e, front, map))?;
    yaml::check_tags(front, map)?;
    Ok(fm)
}

/// Byte offset of a top-level `key:` in front matter text.
pub fn find_key(front: &str, key: &str) -> Option<usize> {
    let mut off = 0;
    for line in front.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with(':')
        {
            return Some(off);
        }
        off += line.len();
    }
    None
}

fn parse_toml(front: &str, map: &SourceMap) -> Result<RawFrontMatter, Diagnostic> {
    // Blank the delimiter line rather than slicing it off, so TOML's spans stay file offsets.
    let src = format!("   {}", &front[3..]);
    let table: toml::Table = toml::from_str(&src).map_err(|e| {
        let d = Diagnostic::error(format!("front matter (TOML): {}", e.message().trim()))
            .help("see docs/content.md for the front matter format");
        match e.span() {
            Some(s) => d.at(map.locate(s.start, s.end.saturating_sub(s.start))),
            None => d.at(map.line_location(1, 0, 3)),
        }
    })?;
    let value = toml_to_yaml(toml::Value::Table(table));
    serde_yaml::from_value::<RawFrontMatter>(value).map_err(|e| {
        Diagnostic::error(format!("front matter (TOML): {e}"))
            .at(map.line_location(1, 0, 3))
            .help("see docs/content.md for the front matter format")
    })
}

fn toml_to_yaml(v: toml::Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match v {
        toml::Value::String(s) => Y::String(s),
        toml::Value::Integer(i) => Y::Number(i.into()),
        toml::Value::Float(f) => Y::Number(f.into()),
        toml::Value::Boolean(b) => Y::Bool(b),
        toml::Value::Datetime(d) => Y::String(d.to_string()),
        toml::Value::Array(a) => Y::Sequence(a.into_iter().map(toml_to_yaml).collect()),
        toml::Value::Table(t) => Y::Mapping(
            t.into_iter()
                .map(|(k, v)| (Y::String(k), toml_to_yaml(v)))
                .collect(),
        ),
    }
}

/// Line numbers (1-based, in the file) of the items of the top-level list `key`, for messages
/// about one item: the annotation whose quote is missing, the speaker without an id.
/// Block-style YAML only; flow-style lists fall back to the key's own line.
pub fn list_item_lines(front: &str, key: &str) -> Vec<usize> {
    let mut lines = front.lines().enumerate();
    let mut items = Vec::new();
    let Some((key_line, _)) = lines.by_ref().find(|(_, l)| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    }) else {
        return items;
    };
    let mut indent = None;
    for (i, line) in lines {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this = line.len() - trimmed.len();
        if this == 0 && !trimmed.starts_with('-') {
            break; // next top-level key
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            match indent {
                None => {
                    indent = Some(this);
                    items.push(i + 1);
                }
                Some(ind) if ind == this => items.push(i + 1),
                _ => {}
            }
        }
    }
    if items.is_empty() {
        items.push(key_line + 1);
    }
    items
}

/// The line of `field:` inside list item `item` (1-based line of its `- `), if written on its own line.
/// `lines` is the front matter split once by the caller: a page may have thousands of items.
pub fn field_line(lines: &[&str], item_line: usize, field: &str) -> Option<(usize, usize)> {
    let first = lines.get(item_line.checked_sub(1)?)?;
    let item_indent = first.len() - first.trim_start_matches(' ').len();
    for (i, line) in lines.iter().enumerate().skip(item_line - 1) {
        let trimmed = line.trim_start_matches(' ');
        let ind = line.len() - trimmed.len();
        if i > item_line - 1 && (ind <= item_indent) && !trimmed.is_empty() {
            break;
        }
        let t = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if let Some(rest) = t.strip_prefix(field)
            && rest.starts_with(':')
        {
            let col = line.len() - t.len();
            return Some((i + 1, col));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(text: &str) -> Result<RawFrontMatter, Diagnostic> {
        let map = SourceMap::new(Path::new("p.md"), text);
        let s = split(text, &map)?;
        parse(&s, &map)
    }

    #[test]
    fn unknown_keys_are_kept_as_extra() {
        let fm = run("---\ntitle: T\ntranscript_by: Ana\nmedia: {url: x}\n---\nbody").unwrap();
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert!(fm.extra.contains_key("transcript_by"));
        assert!(fm.extra.contains_key("media"));
    }

    #[test]
    fn yaml_errors_are_at_file_lines() {
        let err = run("---\ntitle: T\ntopics: [a, b\n---\n").unwrap_err();
        let loc = err.location.unwrap();
        assert!(loc.line >= 3, "line {}", loc.line);
    }

    #[test]
    fn unclosed_brackets_point_back_to_where_they_opened() {
        let err = run("---\ntitle: T\ntopics: [a, b\nauthor: x\n---\n").unwrap_err();
        let (label, opened) = &err.related[0];
        assert!(label.contains("`[` opened here"), "{label}");
        assert_eq!((opened.line, opened.col), (3, 9));
    }

    #[test]
    fn tabs_get_a_tab_specific_help() {
        let err = run("---\ntitle: T\nsource:\n\turl: x\n---\n").unwrap_err();
        assert!(err.help.unwrap().contains("tabs"));
        assert_eq!(err.location.unwrap().line, 4);
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = run("---\ntitle: A\ntitle: B\n---\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn billion_laughs_is_refused_quickly() {
        let mut y = String::from(
            "---\ntitle: x\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        y.push_str("---\n");
        let err = run(&y).unwrap_err();
        assert!(
            err.help.unwrap().contains("billion laughs") || err.message.contains("limit"),
            "{}",
            err.message
        );
    }

    #[test]
    fn speakers_may_be_plain_names() {
        let fm = run("---\ntitle: T\nspeakers: [Ana, Bo]\n---\n").unwrap();
        let sp = fm.speakers.unwrap();
        assert_eq!(sp[1].id, "Bo");
        let err = run("---\ntitle: T\nspeakers:\n  - id: A\n    rol: host\n---\n").unwrap_err();
        assert!(
            err.message.contains("unknown field `rol`"),
            "{}",
            err.message
        );
        assert!(err.help.unwrap().contains("did you mean `role`"));
        assert_eq!(err.location.unwrap().line, 5);
    }

    #[test]
    fn a_speaker_field_given_twice_is_refused() {
        let err = run("---\ntitle: T\nspeakers:\n  - id: A\n    name: Ann\n    name: Bo\n---\n")
            .unwrap_err();
        assert!(
            err.message.contains("duplicate field `name`"),
            "{}",
            err.message
        );
        assert_eq!(err.location.unwrap().line, 6);
    }

    #[test]
    fn oversized_front_matter_reports_its_real_size() {
        let text = format!("---\npad: \"{}\"\n---\n", "a".repeat(3 << 20));
        let err = run(&text).unwrap_err();
        assert!(err.message.contains("is 3.0 MB"), "{}", err.message);
    }

    #[test]
    fn tags_on_known_keys_are_refused() {
        let err = run("---\ntitle: T\nsummary: !shell rm -rf /\n---\n").unwrap_err();
        assert!(err.message.contains("`!shell`"), "{}", err.message);
        assert_eq!(err.location.unwrap().line, 3);
    }

    #[test]
    fn toml_front_matter_works() {
        let fm = run("+++\ntitle = \"T\"\ndate = 2025-10-08\n+++\nbody").unwrap();
        assert_eq!(fm.date.as_deref(), Some("2025-10-08"));
    }

    #[test]
    fn unclosed_front_matter_is_reported_at_line_one() {
        let err = run("---\ntitle: T\nno end").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.location.unwrap().line, 1);
    }

    #[test]
    fn unknown_tags_are_refused() {
        let err = run("---\ntitle: T\nmedia: !video x\n---\n").unwrap_err();
        assert!(err.help.unwrap().contains("tags"));
    }

    #[test]
    fn list_item_lines_finds_each_item() {
        let front = "---\ntitle: T\nannotations:\n  - id: a\n    quote: x\n  - id: b\n    note: |\n      - not an item\nother: 1\n";
        assert_eq!(list_item_lines(front, "annotations"), vec![4, 6]);
        let lines: Vec<&str> = front.lines().collect();
        assert_eq!(field_line(&lines, 4, "quote"), Some((5, 4)));
        assert_eq!(field_line(&lines, 6, "id"), Some((6, 4)));
    }
}
