//! `book.toml` → [`Config`]: parsed raw with unknown keys refused (with "did you mean"), then
//! checked: languages, base URL, directories, UI strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};
use url::Url;

use crate::error::{Diagnostic, Diagnostics, SourceMap};
use crate::fs;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    book: Option<RawBook>,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    language: BTreeMap<String, RawLanguage>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    default_language: Option<String>,
    cname: Option<String>,
    authors: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBuild {
    content_dir: Option<PathBuf>,
    build_dir: Option<PathBuf>,
    static_dir: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
    broken_links: Option<Level>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLanguage {
    name: Option<String>,
    code: Option<String>,
    title: Option<String>,
    description: Option<String>,
    prefix: Option<String>,
    #[serde(default)]
    ui: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warn,
}

#[derive(Debug, Clone)]
pub struct Language {
    /// The key in book.toml and in file names (`altman-2025.en.md`).
    pub key: String,
    /// BCP 47 code for `<html lang>` and `hreflang` (`zh-Hant`).
    pub code: String,
    /// The language's own name, for the switcher ("中文", "English").
    pub name: String,
    pub title: String,
    pub description: String,
    /// URL path prefix without slashes; empty for the root.
    pub prefix: String,
    pub ui: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub base_url: Url,
    /// The base URL's path, always starting and ending with `/` (`/` or `/repo/`).
    pub base_path: String,
    pub default_language: String,
    /// The default language first, then the others in alphabetical order of their keys.
    pub languages: Vec<Language>,
    pub content_dir: PathBuf,
    pub out_dir: PathBuf,
    pub static_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub broken_links: Level,
    pub cname: Option<String>,
    pub authors: Vec<String>,
    pub drafts: bool,
}

/// What the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl Config {
    pub fn language(&self, key: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.key == key)
    }

    pub fn default_lang(&self) -> &Language {
        &self.languages[0]
    }

    /// The site-absolute path for `path` (relative, `/`-separated, no leading slash) in `lang`.
    pub fn url_path(&self, lang: &str, path: &str) -> String {
        let prefix = self.language(lang).map(|l| l.prefix.as_str()).unwrap_or("");
        let path = path.trim_start_matches('/');
        // Sized once: this runs for every link on every page, and growing a clone of the base
        // path reallocated it once or twice each time.
        let mut out = String::with_capacity(self.base_path.len() + prefix.len() + 1 + path.len());
        out.push_str(&self.base_path);
        if !prefix.is_empty() {
            out.push_str(prefix);
            out.push('/');
        }
        out.push_str(path);
        out
    }

    /// The absolute URL (scheme and host included) for a site-absolute path.
    pub fn absolute_url(&self, site_path: &str) -> String {
        let mut u = self.base_url.clone();
        u.set_path(site_path);
        u.to_string()
    }
}

/// UI strings every language gets, with their English defaults. Templates may use more keys;
/// these are the ones gloss's own templates print.
pub const DEFAULT_UI: &[(&str, &str)] = &[
    ("home", "Home"),
    ("interviews", "Interviews"),
    ("speakers", "Speakers"),
    ("speaker", "Speaker"),
    ("topics", "Topics"),
    ("glossary", "Glossary"),
    ("search", "Search"),
    ("contents", "Contents"),
    ("summary", "Summary"),
    ("source", "Source"),
    ("notes", "Notes"),
    ("note", "Note"),
    ("read_in", "Read in"),
    ("language", "Language"),
    ("parallel", "Side by side"),
    ("parallel_title", "Parallel reading"),
    ("map", "Where each topic is discussed"),
    ("map_other", "Other turns"),
    ("linked_from", "Linked from"),
    ("related", "Related interviews"),
    ("passages", "passages"),
    ("turns", "turns"),
    ("occurrences", "Occurrences"),
    ("host", "Host"),
    ("guest", "Guest"),
    ("other", "Other"),
    ("term", "Term"),
    ("person", "Person"),
    ("organisation", "Organisation"),
    ("product", "Product"),
    ("not_found", "Page not found"),
    ("not_found_text", "There is no page at this address."),
    ("skip", "Skip to content"),
    ("feed", "Feed"),
    ("in_other_language", "In the other language"),
    ("search_placeholder", "Search the interviews"),
    ("search_results", "results"),
    ("search_none", "No results"),
    ("turn", "Turn"),
    ("note_in", "Note in"),
    ("back_to_text", "Back to the text"),
    ("published", "Published"),
];

pub fn load(root: &Path, overrides: &Overrides, diags: &Diagnostics) -> Result<Config, Diagnostic> {
    let root = fs::absolute(root);
    let path = root.join("book.toml");
    if !path.exists() {
        return Err(Diagnostic::error(format!("no book.toml in {}", root.display()))
            .in_file(&path)
            .help("run gloss in the site's folder or pass `--root DIR`; a minimal book.toml is:\n\n[book]\ntitle = \"My interviews\"\n\n[language.en]\nname = \"English\""));
    }
    let shown = PathBuf::from("book.toml");
    let text = fs::read_text(&path, &shown)?;
    let map = SourceMap::new(&shown, &text);
    let raw = read_raw(&text, &map, diags)?;
    check(raw, root, &map, overrides, diags)
}

/// book.toml deserialized. serde stops at the first wrong key or value; when there is one, each
/// key is deserialized alone as well, so that every mistake is reported (the first is returned,
/// the others pushed to `diags`). A TOML syntax error ends it there: nothing after it can be read.
fn read_raw(text: &str, map: &SourceMap, diags: &Diagnostics) -> Result<RawConfig, Diagnostic> {
    let doc = DeTable::parse(text).map_err(|e| toml_error(map, &e))?;
    let first = match RawConfig::deserialize(toml::de::Deserializer::from(doc.clone())) {
        Ok(raw) => return Ok(raw),
        Err(e) => toml_error(map, &e),
    };
    let mut alone = Vec::new();
    one_key_each(doc.get_ref(), &mut Vec::new(), &mut alone);
    let mut found: Vec<Diagnostic> = Vec::new();
    for table in alone {
        let one = toml::de::Deserializer::from(Spanned::new(doc.span(), table));
        if let Err(e) = RawConfig::deserialize(one) {
            let d = toml_error(map, &e);
            // A wrong table is one mistake, however many keys it holds.
            if !found
                .iter()
                .any(|f| f.message == d.message && f.location == d.location)
            {
                found.push(d);
            }
        }
    }
    let mut found = found.into_iter();
    match found.next() {
        Some(one) => {
            diags.extend(found);
            Err(one)
        }
        None => Err(first),
    }
}

/// The tables above a value: each one's key and span.
type Above<'i> = Vec<(Spanned<DeString<'i>>, std::ops::Range<usize>)>;

/// For every value of `table` that is not a table, a document holding only it (and the tables
/// above it, spans kept, so that errors point into book.toml).
fn one_key_each<'i>(table: &DeTable<'i>, above: &mut Above<'i>, out: &mut Vec<DeTable<'i>>) {
    for (key, value) in table.iter() {
        match value.get_ref() {
            DeValue::Table(inner) if !inner.is_empty() => {
                above.push((key.clone(), value.span()));
                one_key_each(inner, above, out);
                above.pop();
            }
            _ => {
                let mut doc = DeTable::new();
                doc.insert(key.clone(), value.clone());
                for (k, span) in above.iter().rev() {
                    let mut up = DeTable::new();
                    up.insert(k.clone(), Spanned::new(span.clone(), DeValue::Table(doc)));
                    doc = up;
                }
                out.push(doc);
            }
        }
    }
}

fn toml_error(map: &SourceMap, e: &toml::de::Error) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let mut d = match crate::error::unknown_field(&msg) {
        Some((key, help)) => {
            Diagnostic::error(format!("unknown key `{key}` in book.toml")).help(help)
        }
        None => Diagnostic::error(format!("book.toml is not valid: {msg}"))
            .help("see docs/config.md for every key book.toml accepts"),
    };
    if let Some(span) = e.span() {
        d = d.at(map.locate(span.start, span.end.saturating_sub(span.start)));
    } else {
        d = d.in_file(map.path);
    }
    d
}

fn check(
    raw: RawConfig,
    root: PathBuf,
    map: &SourceMap,
    overrides: &Overrides,
    diags: &Diagnostics,
) -> Result<Config, Diagnostic> {
    let at_key = |key: &str| {
        let off = map.text.find(key).unwrap_or(0);
        map.locate(off, key.len())
    };
    let Some(book) = raw.book else {
        let what = if map.text.trim().is_empty() {
            "book.toml is empty"
        } else {
            "book.toml has no [book] table"
        };
        return Err(Diagnostic::error(what)
            .in_file(map.path)
            .help("add at least:\n\n[book]\ntitle = \"My interviews\"\n\n[language.en]\nname = \"English\""));
    };
    let title = book.title.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        Diagnostic::error("book.toml: [book] has no `title`")
            .at(at_key("[book]"))
            .help("add `title = \"…\"` under [book]")
    })?;
    if raw.language.is_empty() {
        return Err(Diagnostic::error("book.toml declares no language")
            .in_file(map.path)
            .help("add a table per language, e.g.\n\n[language.en]\nname = \"English\""));
    }
    let default_language = match book.default_language {
        Some(l) if raw.language.contains_key(&l) => l,
        Some(l) => {
            let known: Vec<_> = raw.language.keys().cloned().collect();
            return Err(Diagnostic::error(format!(
                "book.toml: default-language `{l}` has no [language.{l}] table"
            ))
            .at(at_key("default-language"))
            .help(format!("declared languages: {}", known.join(", "))));
        }
        None if raw.language.len() == 1 => raw.language.keys().next().cloned().unwrap_or_default(),
        None => {
            return Err(Diagnostic::error(
                "book.toml: several languages but no `default-language`",
            )
            .at(at_key("[book]"))
            .help("add `default-language = \"…\"` under [book]: it is served at the site root"));
        }
    };

    let base_src = overrides.base_url.clone().or(book.base_url);
    let base_url = match base_src {
        None => Url::parse("http://localhost/").expect("static URL"),
        Some(s) => parse_base_url(&s).map_err(|why| {
            let d = Diagnostic::error(format!("invalid base URL `{s}`: {why}")).help(
                "give a full URL with scheme and no query, e.g. `https://USER.github.io/REPO/`",
            );
            if overrides.base_url.is_some() {
                d
            } else {
                d.at(at_key("base-url"))
            }
        })?,
    };
    let base_path = base_url.path().to_string();

    let mut languages = Vec::new();
    for (key, l) in raw.language {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Diagnostic::error(format!("book.toml: language key `{key}` is not a language code"))
                .at(at_key(&format!("[language.{key}")))
                .help("use a short code such as `en`, `zh`, `es`, `pt-br`: it is also the suffix of translated files"));
        }
        let is_default = key == default_language;
        let prefix = l
            .prefix
            .unwrap_or_else(|| {
                if is_default {
                    String::new()
                } else {
                    key.clone()
                }
            })
            .trim_matches('/')
            .to_string();
        let mut ui: BTreeMap<String, String> = DEFAULT_UI
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let english = key == "en" || key.starts_with("en-");
        if !english {
            let missing: Vec<_> = DEFAULT_UI
                .iter()
                .filter(|(k, _)| !l.ui.contains_key(*k))
                .map(|(k, _)| *k)
                .collect();
            if !missing.is_empty() {
                diags.push(
                    Diagnostic::warning(format!(
                        "language `{key}` has no UI string for {}: the English words are used",
                        missing.join(", ")
                    ))
                    .at(at_key(&format!("[language.{key}")))
                    .help(format!("add them under [language.{key}.ui]")),
                );
            }
        }
        ui.extend(l.ui);
        languages.push(Language {
            code: l.code.unwrap_or_else(|| key.clone()),
            name: l.name.unwrap_or_else(|| key.clone()),
            title: l.title.unwrap_or_else(|| title.clone()),
            description: l
                .description
                .or_else(|| book.description.clone())
                .unwrap_or_default(),
            prefix,
            ui,
            key,
        });
    }
    languages.sort_by_key(|l| (l.key != default_language, l.key.clone()));
    let mut seen = BTreeMap::new();
    for l in &languages {
        if let Some(other) = seen.insert(l.prefix.clone(), l.key.clone()) {
            return Err(Diagnostic::error(format!(
                "languages `{other}` and `{}` would share the URL prefix `/{}`",
                l.key, l.prefix
            ))
            .in_file(map.path)
            .help("give each language its own `prefix` (only one may be empty)"));
        }
    }

    let dir = |d: Option<PathBuf>, default: &str| {
        fs::absolute(&root.join(d.unwrap_or_else(|| default.into())))
    };
    let out_dir = match &overrides.out {
        Some(o) => fs::absolute(o),
        None => dir(raw.build.build_dir, "book"),
    };
    Ok(Config {
        content_dir: dir(raw.build.content_dir, "content"),
        static_dir: dir(raw.build.static_dir, "static"),
        templates_dir: dir(raw.build.templates_dir, "templates"),
        out_dir,
        root,
        base_url,
        base_path,
        default_language,
        languages,
        broken_links: raw.build.broken_links.unwrap_or(Level::Error),
        cname: book.cname.filter(|c| !c.trim().is_empty()),
        authors: book.authors.unwrap_or_default(),
        drafts: overrides.drafts,
    })
}

pub fn parse_base_url(s: &str) -> Result<Url, String> {
    let mut url = Url::parse(s).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            "it has no scheme (http:// or https://)".to_string()
        }
        other => other.to_string(),
    })?;
    // `localhost:8000/x` and `example.org:8080` parse with the host as their "scheme".
    if !matches!(url.scheme(), "http" | "https") && !s.contains("://") {
        return Err("it has no scheme (http:// or https://)".into());
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not `{}`",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if url.query().is_some() {
        return Err("a base URL cannot have a query (`?…`)".into());
    }
    if url.fragment().is_some() {
        return Err("a base URL cannot have a fragment (`#…`)".into());
    }
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_a_trailing_slash() {
        assert_eq!(
            parse_base_url("https://u.github.io/repo").unwrap().path(),
            "/repo/"
        );
    }

    #[test]
    fn base_url_without_scheme_or_with_query_is_refused() {
        assert!(
            parse_base_url("u.github.io/repo")
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(
            parse_base_url("localhost:8000/repo/")
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(
            parse_base_url("ftp://u.org/")
                .unwrap_err()
                .contains("must be http or https")
        );
        assert!(
            parse_base_url("https://u.github.io/?x=1")
                .unwrap_err()
                .contains("query")
        );
    }
}
