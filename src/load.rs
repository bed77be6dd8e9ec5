//! `content/` → the sorted list of source files: pages and sections with their language, the
//! glossary, and assets to copy. Symlinks that loop or lead outside `content/` are errors.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::fs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    /// `_index.md`: a section (the home page at the top).
    Section,
    Page,
    /// `glossary.yaml` at the top of `content/`.
    Glossary,
    /// Any other file: copied beside the pages.
    Asset,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The path shown in messages, relative to the project root (`content/interviews/a.md`).
    pub shown: PathBuf,
    /// The folder under `content/`, `/`-separated, empty at the top.
    pub dir: String,
    /// The file name without language and extension (`altman-2025`, `_index`).
    pub stem: String,
    pub lang: String,
    pub kind: SourceKind,
}

impl Source {
    /// The path under `content/`, `/`-separated (`interviews/altman-2025.en.md`).
    pub fn rel(&self) -> String {
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        if self.dir.is_empty() {
            name.into_owned()
        } else {
            format!("{}/{}", self.dir, name)
        }
    }
}

/// Files editors and systems leave around that are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "Thumbs.db"
        || name == "4913" // vim's write test file
}

pub fn load(config: &Config, diags: &Diagnostics) -> Vec<Source> {
    let content = &config.content_dir;
    let shown_base = &config.root;
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(format!("there is no content folder at {}", content.display()))
                .help("create it and put the site's Markdown pages in it, or set `[build] content-dir` in book.toml"),
        );
        return Vec::new();
    }
    let mut sources = Vec::new();
    let shown_prefix = fs::rel_string(content, shown_base);
    let mut folders: Vec<String> = Vec::new();
    let walker = WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| content.clone());
                let shown = PathBuf::from(fs::rel_string(&path, shown_base));
                diags.push(
                    Diagnostic::error(format!("could not read {}: {e}", shown.display()))
                        .in_file(shown)
                        .help("check the folder's permissions"),
                );
                continue;
            }
        };
        // Names are taken from the walk (the folders above, by depth) rather than parsed back
        // out of each path: a rebuild at 5,000 interviews walks 10,000 files.
        let depth = entry.depth();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_dir() && depth > 0 {
            folders.truncate(depth - 1);
            folders.push(name.clone());
        }
        let dir = folders[..depth.saturating_sub(1).min(folders.len())].join("/");
        let rel = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        let path = entry.path().to_path_buf();
        let shown = PathBuf::from(if shown_prefix.is_empty() {
            rel
        } else {
            format!("{shown_prefix}/{rel}")
        });
        let mut is_file = entry.file_type().is_file();
        if entry.file_type().is_symlink() {
            match std::fs::canonicalize(&path) {
                Err(e) => {
                    diags.push(
                        Diagnostic::error(format!(
                            "the symlink {} is broken or loops: {e}",
                            shown.display()
                        ))
                        .in_file(&shown)
                        .help("remove the link or point it at a file inside the content folder"),
                    );
                    continue;
                }
                Ok(target) => {
                    let content_real =
                        std::fs::canonicalize(content).unwrap_or_else(|_| content.clone());
                    if !target.starts_with(&content_real) {
                        diags.push(
                            Diagnostic::error(format!(
                                "the symlink {} leads outside the content folder (to {})",
                                shown.display(),
                                target.display()
                            ))
                            .in_file(&shown)
                            .help("gloss only reads content inside the content folder: copy the file in instead of linking it"),
                        );
                        continue;
                    }
                    if target.is_dir() {
                        diags.push(
                            Diagnostic::warning(format!(
                                "the symlinked folder {} is not followed",
                                shown.display()
                            ))
                            .in_file(&shown)
                            .help("its target is inside the content folder and is read there"),
                        );
                        continue;
                    }
                    is_file = target.is_file();
                }
            }
        }
        if !is_file {
            // A FIFO, socket or device would block or never end if read: say it is left out.
            if let Ok(meta) = std::fs::metadata(&path)
                && !meta.is_dir()
            {
                diags.push(
                    Diagnostic::warning(format!(
                        "{} is not a regular file (it is {}): skipped",
                        shown.display(),
                        fs::kind_of(&meta)
                    ))
                    .in_file(&shown)
                    .help("gloss reads plain files only: remove it from the content folder"),
                );
            }
            continue;
        }
        let (stem, lang, kind) = classify(&name, &dir, config);
        let lang = match lang {
            Ok(l) => l,
            Err(code) => {
                diags.push(
                    Diagnostic::warning(format!(
                        "{} is in language `{code}`, which book.toml does not declare: skipped",
                        shown.display()
                    ))
                    .in_file(&shown)
                    .help(format!(
                        "add a [language.{code}] table to book.toml to build it"
                    )),
                );
                continue;
            }
        };
        sources.push(Source {
            path,
            shown,
            dir,
            stem,
            lang,
            kind,
        });
    }
    sources
}

/// `name.md` → (`name`, default language); `name.en.md` → (`name`, `en`) when `en` is declared,
/// `Err("es")` when `es` looks like a language code but is not declared.
fn classify(
    name: &str,
    dir: &str,
    config: &Config,
) -> (String, Result<String, String>, SourceKind) {
    let default = config.default_language.clone();
    if dir.is_empty() && name == "glossary.yaml" {
        return ("glossary".into(), Ok(default), SourceKind::Glossary);
    }
    let Some(base) = name.strip_suffix(".md") else {
        return (name.to_string(), Ok(default), SourceKind::Asset);
    };
    let (stem, lang) = match base.rsplit_once('.') {
        Some((stem, code)) if config.language(code).is_some() => (stem, Ok(code.to_string())),
        Some((stem, code)) if looks_like_language(code) => (stem, Err(code.to_string())),
        _ => (base, Ok(default)),
    };
    let kind = if stem == "_index" {
        SourceKind::Section
    } else {
        SourceKind::Page
    };
    (stem.to_string(), lang, kind)
}

fn looks_like_language(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for n in [
            ".a.md.swp",
            "#a.md#",
            "a.md~",
            ".DS_Store",
            "4913",
            ".hidden.md",
        ] {
            assert!(is_ignored(n), "{n}");
        }
        assert!(!is_ignored("a.md"));
    }

    #[test]
    fn language_codes_are_recognised() {
        assert!(looks_like_language("es"));
        assert!(looks_like_language("pt-br"));
        assert!(!looks_like_language("v1"));
        assert!(!looks_like_language("part 2"));
    }
}
