//! The benchmark's floor: `floor CONTENT_DIR OUT_DIR` reads every Markdown file, drops its front
//! matter, renders the body with bare pulldown-cmark and writes `OUT_DIR/<path>/index.html`.
//! No templates, links, annotations or glossary: the least work any generator must do.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

fn out_path(out: &Path, rel: &Path) -> PathBuf {
    let stem = rel.with_extension("");
    let name = stem.file_name().and_then(|s| s.to_str()).unwrap_or("");
    let dir = if name == "_index" {
        stem.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        stem
    };
    out.join(dir).join("index.html")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let (content, out) = (Path::new(content), Path::new(out));
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let bytes: usize = files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("read");
            let md = body(&text);
            let mut page = String::with_capacity(md.len() * 3 / 2);
            html::push_html(&mut page, Parser::new_ext(md, opts));
            let dest = out_path(out, f.strip_prefix(content).expect("under content"));
            std::fs::create_dir_all(dest.parent().expect("has a folder")).expect("mkdir");
            std::fs::write(&dest, &page).expect("write");
            page.len()
        })
        .sum();
    println!(
        "floor: {} pages, {:.1} MB of HTML",
        files.len(),
        bytes as f64 / 1e6
    );
}
