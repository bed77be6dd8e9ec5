//! Diagnostics: errors and warnings as values carrying `file:line:col`, the offending line and a fix,
//! collected across a whole build and printed together, numbered.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a file and, when known, a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    /// Width of the underlined span, in characters (at least 1 when a line is known).
    pub width: usize,
    /// The source line itself, quoted under the location.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Further places involved (the other file of a duplicate, the translation that disagrees…).
    pub related: Vec<(String, Location)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    /// Points at a file without a line (I/O errors, whole-file problems).
    pub fn in_file(self, file: impl Into<PathBuf>) -> Self {
        self.at(Location {
            file: file.into(),
            ..Location::default()
        })
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, label: impl Into<String>, location: Location) -> Self {
        self.related.push((label.into(), location));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A source file's text with its line starts, to turn byte offsets into `line:col` and quote lines.
/// The line starts are found on first use: most maps are made in case something goes wrong.
#[derive(Debug)]
pub struct SourceMap<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    line_starts: OnceLock<Vec<usize>>,
}

impl<'a> SourceMap<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceMap {
            path,
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            let bytes = self.text.as_bytes();
            if memchr::memchr(b'\r', bytes).is_none() {
                // The usual case, searched with SIMD: a map is made for every page more than once.
                starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
            } else {
                for (i, &b) in bytes.iter().enumerate() {
                    // A lone CR ends a line too; CRLF counts once.
                    if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                        starts.push(i + 1);
                    }
                }
            }
            starts
        })
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// The location of byte `offset`, underlining `len` bytes (clamped to the line).
    pub fn locate(&self, offset: usize, len: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        self.line_location(line, offset - self.line_starts()[line - 1], len)
    }

    /// The location of 1-based `line`, at byte `col_byte` within it.
    pub fn line_location(&self, line: usize, col_byte: usize, len: usize) -> Location {
        let starts = self.line_starts();
        let line = line.clamp(1, starts.len());
        let start = starts[line - 1];
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        let raw = &self.text[start..end];
        let text = raw.trim_end_matches(['\n', '\r']);
        let col_byte = floor_char_boundary(text, col_byte.min(text.len()));
        let span_end = floor_char_boundary(text, (col_byte + len).min(text.len()));
        Location {
            file: self.path.to_path_buf(),
            line,
            col: text[..col_byte].chars().count() + 1,
            width: text[col_byte..span_end].chars().count().max(1),
            text: Some(text.to_string()),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// The candidate most like `name` (Jaro-Winkler, above `threshold`), for a "did you mean":
/// of equally close ones, the first in alphabetical order, so the same input says the same.
pub fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    threshold: f64,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(s, _)| *s > threshold)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" → (`x`, a help naming the nearest valid key).
pub fn unknown_field(msg: &str) -> Option<(String, String)> {
    let at = msg.find("unknown field `")?;
    let (key, rest) = msg[at + "unknown field `".len()..].split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let help = match nearest(key, expected.iter().copied(), 0.7) {
        Some(k) => format!(
            "did you mean `{k}`? (valid keys here: {})",
            expected.join(", ")
        ),
        None => format!("valid keys here: {}", expected.join(", ")),
    };
    Some((key.to_string(), help))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

thread_local! {
    /// See `Diagnostics::capturing`.
    static CAPTURE: std::cell::RefCell<Option<(*const Diagnostics, Vec<Diagnostic>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The diagnostics of one build, shared by the stages (and by rayon workers).
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        CAPTURE.with_borrow_mut(|c| {
            if let Some((of, got)) = c
                && std::ptr::eq(*of, self)
            {
                got.push(d.clone());
            }
        });
        self.items.lock().expect("diagnostics lock").push(d);
    }

    /// Runs `f` on this thread and returns, besides its result, the diagnostics it pushed here:
    /// what a cached result must report again when it is reused. `f` must not hand work to
    /// other threads.
    pub fn capturing<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Diagnostic>) {
        let outer = CAPTURE.replace(Some((self as *const _, Vec::new())));
        let out = f();
        let got = CAPTURE
            .replace(outer)
            .map(|(_, got)| got)
            .unwrap_or_default();
        // A capture inside another: what the inner one saw, the outer one saw too.
        CAPTURE.with_borrow_mut(|c| {
            if let Some((of, outer)) = c
                && std::ptr::eq(*of, self)
            {
                outer.extend(got.iter().cloned());
            }
        });
        (out, got)
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.lock().expect("diagnostics lock").extend(ds);
    }

    /// The files errors have been reported in so far.
    pub fn files_with_errors(&self) -> std::collections::HashSet<PathBuf> {
        self.items
            .lock()
            .expect("diagnostics lock")
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| Some(d.location.as_ref()?.file.clone()))
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .expect("diagnostics lock")
            .iter()
            .any(Diagnostic::is_error)
    }

    /// All diagnostics, errors first, then by file and position, so output is deterministic.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().expect("diagnostics lock");
        items.sort_by(|a, b| {
            (a.severity, &a.location, &a.message).cmp(&(b.severity, &b.location, &b.message))
        });
        items.dedup();
        items
    }
}

/// A build that could not finish: every diagnostic it produced (warnings included).
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailure {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

impl From<Diagnostic> for BuildFailure {
    fn from(d: Diagnostic) -> Self {
        BuildFailure {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_all(&self.diagnostics))
    }
}

impl std::error::Error for BuildFailure {}

/// Renders diagnostics the way they are printed: errors numbered, then a count.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let (mut e, mut w) = (0, 0);
    for d in diagnostics {
        let n = if d.is_error() {
            e += 1;
            e
        } else {
            w += 1;
            w
        };
        out.push_str(&render_one(d, n));
        out.push('\n');
    }
    if e > 0 {
        out.push_str(&format!(
            "{e} error{} found; nothing was written.\n",
            if e == 1 { "" } else { "s" }
        ));
    }
    out
}

pub fn render_one(d: &Diagnostic, n: usize) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // One gutter width for the whole diagnostic, as wide as its largest line number (rustc's layout).
    let width = d
        .location
        .iter()
        .map(|l| l.as_ref())
        .chain(d.related.iter().map(|(_, l)| l))
        .map(|l| l.line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let mut out = format!("{kind}[{n}]: {}\n", d.message);
    if let Some(loc) = &d.location {
        out.push_str(&render_location(&pad, loc));
    }
    for (label, loc) in &d.related {
        out.push_str(&format!("{pad} = {label}\n"));
        out.push_str(&render_location(&pad, loc));
    }
    if let Some(help) = &d.help {
        for (i, line) in help.lines().enumerate() {
            if i == 0 {
                out.push_str(&format!("{pad} = help: "));
            } else {
                out.push_str(&format!("{pad}         "));
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn render_location(pad: &str, loc: &Location) -> String {
    let file = loc.file.display();
    let mut out = if loc.line == 0 {
        format!("{pad}--> {file}\n")
    } else {
        format!("{pad}--> {file}:{}:{}\n", loc.line, loc.col)
    };
    if let (Some(text), true) = (&loc.text, loc.line > 0) {
        let num = format!("{:>w$}", loc.line, w = pad.len());
        // Long lines (a 10 MB front matter on one line) are cut around the column.
        let shown: String = text
            .chars()
            .skip(loc.col.saturating_sub(60))
            .take(160)
            .collect();
        let skipped = loc.col.saturating_sub(60);
        let caret_at = loc.col - 1 - skipped;
        let width = loc.width.min(160usize.saturating_sub(caret_at)).max(1);
        let indent: String = shown
            .chars()
            .take(caret_at)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        // Wide (CJK) characters take two columns in a terminal: pad the caret line to match.
        let indent_w: String = indent
            .chars()
            .zip(shown.chars())
            .map(|(i, c)| {
                if is_wide(c) {
                    "  ".to_string()
                } else {
                    i.to_string()
                }
            })
            .collect();
        let carets: usize = shown
            .chars()
            .skip(caret_at)
            .take(width)
            .map(|c| if is_wide(c) { 2 } else { 1 })
            .sum::<usize>()
            .max(1);
        out.push_str(&format!(
            "{pad} |\n{num} | {shown}\n{pad} | {indent_w}{}\n",
            "^".repeat(carets)
        ));
    }
    out
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_sees_what_was_pushed_inside_it_and_inside_captures_within_it() {
        let diags = Diagnostics::new();
        let other = Diagnostics::new();
        let ((_, inner), outer) = diags.capturing(|| {
            diags.push(Diagnostic::warning("outer"));
            other.push(Diagnostic::warning("elsewhere"));
            diags.capturing(|| diags.push(Diagnostic::warning("inner")))
        });
        let msgs = |v: &[Diagnostic]| v.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
        assert_eq!(msgs(&inner), ["inner"]);
        assert_eq!(msgs(&outer), ["outer", "inner"]);
        assert_eq!(
            diags.into_sorted().len(),
            2,
            "captured diagnostics are still reported"
        );
    }

    #[test]
    fn locates_lines_with_crlf_and_lone_cr() {
        let path = Path::new("a.md");
        let text = "one\r\ntwo\rthree\nfour";
        let map = SourceMap::new(path, text);
        assert_eq!(map.line_count(), 4);
        let loc = map.locate(text.find("three").unwrap() + 2, 1);
        assert_eq!((loc.line, loc.col), (3, 3));
        assert_eq!(loc.text.as_deref(), Some("three"));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let path = Path::new("a.md");
        let text = "title: 晶體管 x";
        let map = SourceMap::new(path, text);
        let loc = map.locate(text.find('x').unwrap(), 1);
        assert_eq!(loc.col, 12);
    }

    #[test]
    fn unknown_fields_get_the_nearest_key() {
        let (k, help) =
            unknown_field("unknown field `biuld-dir`, expected one of `content-dir`, `build-dir`")
                .unwrap();
        assert_eq!(k, "biuld-dir");
        assert!(help.starts_with("did you mean `build-dir`?"), "{help}");
    }

    #[test]
    fn rendering_quotes_the_line_and_underlines_the_span() {
        let path = Path::new("content/a.md");
        let map = SourceMap::new(path, "---\ntitle: [oops\n---\n");
        let d = Diagnostic::error("unclosed bracket")
            .at(map.locate(11, 1))
            .help("close the list with `]`");
        let shown = render_one(&d, 1);
        assert!(shown.contains("error[1]: unclosed bracket"), "{shown}");
        assert!(shown.contains(" --> content/a.md:2:8"), "{shown}");
        assert!(shown.contains("2 | title: [oops"), "{shown}");
        assert!(shown.contains("  |        ^"), "{shown}");
        assert!(shown.contains("  = help: close the list"), "{shown}");
    }
}
