//! Templates folder → compiled Tera templates, and Tera's errors → diagnostics at the template's
//! file:line:col with the line quoted.

use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::error::{Diagnostic, Diagnostics, SourceMap};
use crate::{fs, text};

/// Loads every template under `dir`. Syntax errors of all templates are reported, not just the first.
pub fn load_templates(dir: &Path, root: &Path, diags: &Diagnostics) -> Option<Tera> {
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(format!("there is no templates folder at {}", dir.display()))
                .help("create it with at least base.html, index.html, section.html, page.html and 404.html (see docs/templates.md)"),
        );
        return None;
    }
    let mut sources = Vec::new();
    for entry in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = fs::rel_string(entry.path(), dir);
        if name.split('/').any(|s| s.starts_with('.'))
            || name.ends_with('~')
            || name.ends_with(".swp")
        {
            continue;
        }
        let shown = PathBuf::from(fs::rel_string(entry.path(), root));
        match fs::read_text(entry.path(), &shown) {
            Ok(t) => sources.push((name, text::normalize_newlines(t), shown)),
            Err(d) => diags.push(d),
        }
    }
    // Each template alone first, to report every syntax error; then all together.
    let mut ok = true;
    for (name, src, shown) in &sources {
        let mut t = Tera::new();
        super::filters::register(&mut t);
        if let Err(e) = t.add_raw_template(name, src)
            && let tera::ErrorKind::SyntaxError(_) = e.kind()
        {
            diags.push(tera_error(&e, &sources, shown));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut tera = Tera::new();
    super::filters::register(&mut tera);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, s, _)| (n.as_str(), s.as_str())))
    {
        diags.push(tera_error(
            &e,
            &sources,
            Path::new(&fs::rel_string(dir, root)),
        ));
        return None;
    }
    Some(tera)
}

pub(super) fn tera_error(
    e: &tera::Error,
    sources: &[(String, String, PathBuf)],
    fallback: &Path,
) -> Diagnostic {
    let help = "see docs/templates.md for what each template receives";
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "syntax error"
            } else {
                "error while rendering"
            };
            let d = Diagnostic::error(format!("template {kind}: {}", r.message())).help(help);
            match sources.iter().find(|(n, _, _)| n == r.filename()) {
                Some((_, src, shown)) => {
                    let map = SourceMap::new(shown, src);
                    let span = r.span();
                    d.at(map.line_location(
                        span.start_line,
                        byte_col(src, span.start_line, span.start_col),
                        span.range.len().max(1),
                    ))
                }
                None => d.in_file(fallback),
            }
        }
        other => Diagnostic::error(format!("template error: {other}"))
            .in_file(fallback)
            .help(help),
    }
}

/// Tera's columns count characters; SourceMap wants a byte offset within the line.
fn byte_col(src: &str, line: usize, col: usize) -> usize {
    let l = src.lines().nth(line.saturating_sub(1)).unwrap_or("");
    l.char_indices().nth(col).map_or(l.len(), |(i, _)| i)
}

/// A rendering error's location in its template file, read back from disk for the quoted line.
pub(super) fn template_location(
    e: &tera::Error,
    dir: &Path,
    root: &Path,
) -> Option<crate::error::Location> {
    let (tera::ErrorKind::RenderingError(r) | tera::ErrorKind::SyntaxError(r)) = e.kind() else {
        return None;
    };
    let path = dir.join(r.filename());
    let src = std::fs::read_to_string(&path).ok()?;
    let shown = PathBuf::from(fs::rel_string(&path, root));
    let map = SourceMap::new(&shown, &src);
    let span = r.span();
    Some(map.line_location(
        span.start_line,
        byte_col(&src, span.start_line, span.start_col),
        span.range.len().max(1),
    ))
}
