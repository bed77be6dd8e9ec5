//! Sources → [`Page`]s: each file read, split and its front matter parsed (in parallel), then
//! checked: required keys, dates, URLs, duplicate outputs, and translations inheriting what they
//! do not restate from the default-language page.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{self, Cache};
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, SourceMap};
use crate::frontmatter::{self, LangText, RawAnnotation, RawFrontMatter, RawSource};
use crate::load::{Source, SourceKind};
use crate::parse::Doc;
use crate::text::path_segment;
use crate::{fs, text};

mod check;
pub use check::{Checked, check};

/// Content files larger than this are refused (checked where every text file is read).
pub const MAX_FILE: u64 = fs::MAX_TEXT;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Section,
    Page,
    Interview,
    Topic,
}

#[derive(Debug, Clone, Hash)]
pub struct Speaker {
    pub id: String,
    pub names: LangText,
    pub role: String,
    pub link: Option<String>,
    /// Site-wide identity of the speaker (their page's URL segment).
    pub slug: String,
}

#[derive(Debug, Clone)]
pub enum Target {
    Quote {
        exact: String,
        prefix: Option<String>,
        suffix: Option<String>,
    },
    Turn(usize),
}

#[derive(Debug, Clone)]
pub struct Annotation {
    pub id: String,
    pub target: Target,
    pub note: String,
    pub topics: Vec<String>,
    pub terms: Vec<String>,
    /// Line of the annotation's item in the front matter, and of its `quote:` when written.
    pub line: usize,
    pub quote_line: (usize, usize),
}

#[derive(Debug, Clone, Default)]
pub struct Interview {
    pub source: Option<RawSource>,
    pub speakers: Vec<Speaker>,
    pub turn_topics: BTreeMap<u32, Vec<String>>,
    pub annotations: Vec<Annotation>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The same for every translation of a page: `interviews/altman-2025`, `interviews/_index`.
    pub key: String,
    pub lang: String,
    pub kind: PageKind,
    pub shown: PathBuf,
    pub dir: String,
    /// The whole file, line endings normalised; the body starts at `body_offset`.
    pub text: Arc<str>,
    pub body_offset: usize,
    /// A hash of `text` when building for `gloss serve`, else 0 (see cache.rs).
    pub text_hash: u64,
    /// A hash of the front matter alone, likewise.
    pub front_hash: u64,
    pub title: String,
    pub date: Option<jiff::civil::Date>,
    pub summary: Option<String>,
    pub notice: Option<String>,
    pub weight: i64,
    pub template: Option<String>,
    pub topics: Vec<String>,
    pub extra: serde_json::Value,
    /// Site-absolute URL path, base path included (`/repo/en/interviews/a/`).
    pub url: String,
    /// Output file relative to the output directory (`en/interviews/a/index.html`).
    pub out_path: String,
    /// Shared with the cache (`gloss serve`), which keeps checked pages.
    pub interview: Option<Arc<Interview>>,
    pub doc: std::sync::Arc<Doc>,
}

impl Page {
    pub fn map(&self) -> SourceMap<'_> {
        SourceMap::new(&self.shown, &self.text)
    }

    pub fn front(&self) -> &str {
        &self.text[..self.body_offset]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A whole line of the file, from its first non-space character: for diagnostics about a list
    /// item of the front matter (an annotation, a speaker).
    pub fn line_item(&self, line: usize) -> crate::error::Location {
        item_location(&self.map(), line)
    }

    /// Where `name` is written in the value of the top-level front-matter `key` (`topics: [a,
    /// b]`, or the lines indented under it), else the key.
    pub fn key_item_location(&self, key: &str, name: &str) -> crate::error::Location {
        match frontmatter::find_key(self.front(), key) {
            Some(start) => self
                .name_in_value(start + key.len(), 0, name)
                .unwrap_or_else(|| self.key_location(key)),
            None => self.key_location(key),
        }
    }

    /// Where `name` is written in the value of `field` of the front-matter list item at
    /// `item_line` (an annotation's `topics: [a, b]`), else that field, else the item.
    pub fn item_value_location(
        &self,
        item_line: usize,
        field: &str,
        name: &str,
    ) -> crate::error::Location {
        let front = self.front();
        let lines: Vec<&str> = front.lines().collect();
        let Some((line, col)) = frontmatter::field_line(&lines, item_line, field) else {
            return self.line_item(item_line);
        };
        let line_start: usize = front
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        self.name_in_value(line_start + col + field.len(), col, name)
            .unwrap_or_else(|| self.map().line_location(line, col, field.len()))
    }

    /// Where `name` is written, as a whole word, in a YAML value that starts at byte `off` of the
    /// front matter: on that line, or on the lines below it that are indented deeper than the
    /// key at column `indent` (or as deep, for list items, which YAML allows there).
    fn name_in_value(
        &self,
        mut off: usize,
        indent: usize,
        name: &str,
    ) -> Option<crate::error::Location> {
        let front = self.front();
        let is_name_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        for (k, line) in front[off..].split_inclusive('\n').enumerate() {
            let body = line.trim_start_matches([' ', '\t']);
            let depth = line.len() - body.len();
            let goes_on = depth > indent || (depth == indent && body.starts_with('-'));
            if k > 0 && !body.trim().is_empty() && !goes_on {
                break;
            }
            let found = line.match_indices(name).find(|&(i, _)| {
                !line[..i].ends_with(is_name_char)
                    && !line[i + name.len()..].starts_with(is_name_char)
            });
            if let Some((i, _)) = found {
                return Some(self.map().locate(off + i, name.len()));
            }
            off += line.len();
        }
        None
    }

    /// Location of a top-level front-matter key, or of line 1.
    pub fn key_location(&self, key: &str) -> crate::error::Location {
        let map = self.map();
        match frontmatter::find_key(self.front(), key) {
            Some(off) => map.locate(off, key.len()),
            None => map.line_location(1, 0, 3),
        }
    }
}

/// A file read and split, its front matter parsed but not yet checked.
#[derive(Clone)]
pub struct Front {
    pub source: Source,
    pub text: Arc<str>,
    pub body_offset: usize,
    pub raw: RawFrontMatter,
    /// A hash of `text` when building for `gloss serve` (pages are signed by it), else 0.
    pub text_hash: u64,
    /// A hash of the front matter alone, likewise.
    pub front_hash: u64,
}

/// Reads every page source and parses its front matter, in parallel; a file that fails is reported
/// and left out, the others go on.
/// With a cache, a file whose size and modification time are unchanged is not read again.
pub fn read_all(sources: &[Source], diags: &Diagnostics, cache: Option<&Cache>) -> Vec<Arc<Front>> {
    let read = |s: &Source| -> Result<Arc<Front>, Diagnostic> {
        let Some(cache) = cache else {
            return read_one(s).map(Arc::new);
        };
        // A file that cannot be stat'ed is read (and its error reported) every time.
        let Some(stamp) = std::fs::metadata(&s.path)
            .ok()
            .and_then(|m| Some((m.len(), m.modified().ok()?)))
        else {
            return read_one(s).map(Arc::new);
        };
        let sig = cache::sign(stamp);
        let key = s.path.to_string_lossy();
        cache.fronts.try_get_or(&key, sig, || {
            let mut f = read_one(s)?;
            f.text_hash = cache::sign(&f.text);
            f.front_hash = cache::sign(&f.text[..f.body_offset]);
            Ok(Arc::new(f))
        })
    };
    sources
        .par_iter()
        .filter(|s| matches!(s.kind, SourceKind::Page | SourceKind::Section))
        .filter_map(|s| match read(s) {
            Ok(f) => Some(f),
            Err(d) => {
                diags.push(d);
                None
            }
        })
        .collect()
}

pub fn read_one(source: &Source) -> Result<Front, Diagnostic> {
    let text = text::normalize_newlines(fs::read_text(&source.path, &source.shown)?);
    let map = SourceMap::new(&source.shown, &text);
    let split = frontmatter::split(&text, &map)?;
    let raw = frontmatter::parse(&split, &map)?;
    let body_offset = split.body_offset;
    Ok(Front {
        source: source.clone(),
        text: text.into(),
        body_offset,
        raw,
        text_hash: 0,
        front_hash: 0,
    })
}

pub fn item_location(map: &SourceMap, line: usize) -> crate::error::Location {
    let whole = map.line_location(line, 0, 0);
    let text = whole.text.clone().unwrap_or_default();
    let indent = text.len() - text.trim_start().len();
    map.line_location(line, indent, text.trim().len())
}

pub fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let day = s.get(..10).unwrap_or(s);
    day.parse::<jiff::civil::Date>().ok()
}

/// `interviews/Episode 1: Intro.md` → key `interviews/Episode 1: Intro`, path `interviews/Episode-1-Intro/`.
fn url_path(source: &Source, slug: Option<&str>) -> (String, String) {
    let key = if source.dir.is_empty() {
        source.stem.clone()
    } else {
        format!("{}/{}", source.dir, source.stem)
    };
    let mut segs: Vec<String> = source
        .dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(path_segment)
        .collect();
    if source.kind != SourceKind::Section {
        segs.push(match slug {
            Some(s) if !path_segment(s).is_empty() => path_segment(s),
            _ => path_segment(&source.stem),
        });
    }
    let mut path = segs.join("/");
    if !path.is_empty() {
        path.push('/');
    }
    (key, path)
}

fn check_interview(
    raw: &RawFrontMatter,
    source: &Source,
    front: &str,
    map: &SourceMap,
    diags: &Diagnostics,
) -> Interview {
    let lang = &source.lang;
    let front_lines: Vec<&str> = front.lines().collect();
    // Links from front matter go into `href`s: a script URL there would run on a click. Checked
    // in the file that writes them (a translation inheriting them does not repeat the error).
    let script_url = |url: Option<&str>, item_line: usize, field: &str, what: String| {
        let scheme = crate::text::refused_scheme(url?)?;
        let at = frontmatter::field_line(&front_lines, item_line, field)
            .map(|(l, c)| map.line_location(l, c, field.len()))
            .unwrap_or_else(|| item_location(map, item_line));
        Some(
            Diagnostic::error(format!("{what} is a `{scheme}:` URL"))
                .at(at)
                .help("links may go to web pages (https://…); scripts and data URLs are refused"),
        )
    };
    if let Some(source_line) = front_lines.iter().position(|l| l.starts_with("source:"))
        && let Some(d) = script_url(
            raw.source.as_ref().and_then(|s| s.url.as_deref()),
            source_line + 1,
            "url",
            "the source's `url`".into(),
        )
    {
        diags.push(d);
    }
    let mut speakers = Vec::new();
    let speaker_lines = frontmatter::list_item_lines(front, "speakers");
    // A translation inheriting its speakers does not repeat their errors: they are reported
    // where they are written.
    let own_speakers = frontmatter::find_key(front, "speakers").is_some();
    for (i, s) in raw.speakers.iter().flatten().enumerate() {
        let line = speaker_lines.get(i).copied().unwrap_or(1);
        let id = s.id.trim().to_string();
        if id.is_empty() || speakers.iter().any(|x: &Speaker| x.id == id) {
            if !own_speakers {
                continue;
            }
            diags.push(
                Diagnostic::error(format!("speaker id `{id}` is empty or declared twice"))
                    .at(item_location(map, line))
                    .help("give every speaker a short, unique `id` (the label used in the text, e.g. `SA`)"),
            );
            continue;
        }
        let role = s.role.clone().unwrap_or_else(|| "other".into());
        if own_speakers && !matches!(role.as_str(), "host" | "guest" | "other") {
            diags.push(
                Diagnostic::warning(format!(
                    "speaker `{id}` has the role `{role}`; gloss knows host, guest and other"
                ))
                .at(item_location(map, line))
                .help("templates receive the role as written"),
            );
        }
        if own_speakers
            && let Some(d) = script_url(
                s.link.as_deref(),
                line,
                "link",
                format!("speaker `{id}`'s `link`"),
            )
        {
            diags.push(d);
        }
        let names = s.name.clone().unwrap_or_else(|| LangText::One(id.clone()));
        let slug_src = s
            .slug
            .clone()
            .or_else(|| names.get("en", lang).map(str::to_string))
            .unwrap_or_else(|| id.clone());
        speakers.push(Speaker {
            slug: crate::text::slugify(&slug_src),
            id,
            names,
            role,
            link: s.link.clone(),
        });
    }
    let item_lines = frontmatter::list_item_lines(front, "annotations");
    let mut annotations = Vec::new();
    let mut seen = HashMap::new();
    for (i, a) in raw.annotations.iter().flatten().enumerate() {
        let line = item_lines.get(i).copied().unwrap_or(1);
        if let Some(a) = check_annotation(a, line, &front_lines, map, diags) {
            if let Some(prev) = seen.insert(a.id.clone(), line) {
                diags.push(
                    Diagnostic::error(format!(
                        "annotation id `{}` is used twice (first on line {prev})",
                        a.id
                    ))
                    .at(item_location(map, line))
                    .help("every annotation of a page needs its own `id`"),
                );
                continue;
            }
            annotations.push(a);
        }
    }
    Interview {
        source: raw.source.clone(),
        speakers,
        turn_topics: raw.turns.clone().unwrap_or_default(),
        annotations,
    }
}

fn check_annotation(
    a: &RawAnnotation,
    line: usize,
    front_lines: &[&str],
    map: &SourceMap,
    diags: &Diagnostics,
) -> Option<Annotation> {
    let at = item_location(map, line);
    let Some(id) =
        a.id.clone()
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
    else {
        diags.push(
            Diagnostic::error("annotation without an `id`")
                .at(at)
                .help("add `id: some-name`: it pairs the annotation with its translation and is its anchor (#a-some-name)"),
        );
        return None;
    };
    if !id
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        diags.push(
            Diagnostic::error(format!(
                "annotation id `{id}` may only hold letters, digits, `-` and `_`"
            ))
            .at(at)
            .help("it becomes part of a URL fragment (#a-…)"),
        );
        return None;
    }
    let note = a.note.clone().unwrap_or_default();
    if note.trim().is_empty() {
        diags.push(
            Diagnostic::error(format!("annotation `{id}` has no `note`"))
                .at(at)
                .help("add `note: …` (Markdown) saying what the passage needs explained"),
        );
        return None;
    }
    let target = match (&a.quote, a.turn) {
        (Some(q), None) if !q.trim().is_empty() => Target::Quote {
            exact: q.clone(),
            prefix: a.prefix.clone().filter(|p| !p.is_empty()),
            suffix: a.suffix.clone().filter(|s| !s.is_empty()),
        },
        (None, Some(n)) if n > 0 => Target::Turn(n as usize),
        (Some(_), Some(_)) => {
            diags.push(
                Diagnostic::error(format!("annotation `{id}` has both `quote` and `turn`"))
                    .at(at)
                    .help(
                        "an annotation targets either a quoted passage or a whole turn: keep one",
                    ),
            );
            return None;
        }
        _ => {
            diags.push(
                Diagnostic::error(format!(
                    "annotation `{id}` says nothing about where it belongs"
                ))
                .at(at)
                .help("add `quote: \"exact words from the text\"` or `turn: N`"),
            );
            return None;
        }
    };
    let quote_line = frontmatter::field_line(front_lines, line, "quote")
        .or_else(|| frontmatter::field_line(front_lines, line, "turn"))
        .unwrap_or((line, 0));
    Some(Annotation {
        id,
        target,
        note,
        topics: a.topics.clone(),
        terms: a.terms.clone(),
        line,
        quote_line,
    })
}
