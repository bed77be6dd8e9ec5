//! Any text → the front-matter splitter and parser: never a panic; on success the body starts
//! on a character boundary; every error renders with its location.
#![no_main]

use std::path::Path;

use gloss::error::{SourceMap, render_all};
use gloss::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = gloss::text::normalize_newlines(text.to_string());
    let map = SourceMap::new(Path::new("fuzz.md"), &text);
    let result = frontmatter::split(&text, &map).and_then(|split| {
        assert!(text.is_char_boundary(split.body_offset));
        assert_eq!(&text[split.body_offset..], split.body);
        frontmatter::parse(&split, &map)
    });
    if let Err(d) = result {
        let _ = render_all(&[d]);
    }
});
