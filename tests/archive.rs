//! An imported archive of Hugo-style transcripts builds cleanly: extra front-matter keys, plain
//! speaker lists, `.es.md`/`.zh.md` translations, sections, unknown code languages, odd file names.

mod common;

use common::*;
use std::fmt::Write;

const SHOWS: &[&str] = &["Tech Talk", "Open Source: Stories", "夜談"];

fn archive(root: &std::path::Path, files: usize) {
    write(
        root,
        "book.toml",
        "[book]\ntitle = \"Archive\"\ndefault-language = \"en\"\n\n[language.en]\nname = \"English\"\n\n\
         [language.es]\nname = \"Español\"\n[language.es.ui]\nhome = \"Inicio\"\n\n\
         [language.zh]\nname = \"中文\"\ncode = \"zh-Hans\"\n[language.zh.ui]\nhome = \"首页\"\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Archive\n---\nAll transcripts.\n",
    );
    for (s, show) in SHOWS.iter().enumerate() {
        let dir = format!("content/show-{s}");
        write(
            root,
            &format!("{dir}/_index.md"),
            &format!("---\ntitle: \"{show}\"\ntags: [podcast]\n---\n"),
        );
        write(
            root,
            &format!("{dir}/_index.es.md"),
            &format!("---\ntitle: \"{show} (es)\"\n---\n"),
        );
    }
    for i in 0..files {
        let show = i % SHOWS.len();
        // Names with spaces, colons and Chinese characters, as exported archives have them.
        let name = match i % 4 {
            0 => format!("Episode {i}: The Future"),
            1 => format!("episode-{i}"),
            2 => format!("第{i}集 訪談"),
            _ => format!("ep {i}"),
        };
        let mut body = String::new();
        for t in 0..6 {
            let speaker = if t % 2 == 0 { "Ana Ruiz" } else { "Bo Chen" };
            writeln!(
                body,
                "**{speaker}:** Turn {t} of episode {i}, about things.\n"
            )
            .unwrap();
            if t == 3 {
                body.push_str("```brainfuck\n++[>+<-]\n```\n\n");
            }
        }
        let front = format!(
            "---\ntitle: \"Episode {i}\"\ndate: 2019-05-{:02}T10:00:00Z\ndraft: false\nspeakers: [Ana Ruiz, Bo Chen]\n\
             tags: [ai, \"tag {}\"]\ntranscript_by: Volunteer {}\nmedia:\n  url: https://example.org/{i}.mp3\n  duration: \"01:02:03\"\n---\n",
            i % 28 + 1,
            i % 7,
            i % 5
        );
        write(
            root,
            &format!("content/show-{show}/{name}.md"),
            &format!("{front}{body}"),
        );
        if i % 3 == 0 {
            write(
                root,
                &format!("content/show-{show}/{name}.es.md"),
                &format!("{front}{}", body.replace("about things", "sobre cosas")),
            );
        }
        if i % 5 == 0 {
            write(
                root,
                &format!("content/show-{show}/{name}.zh.md"),
                &format!("{front}{}", body.replace("about things", "关于事情")),
            );
        }
    }
    copy_dir(&repo().join("templates"), &root.join("templates"));
}

#[test]
fn a_few_hundred_hugo_style_transcripts_build_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), 300);
    let summary = match build(dir.path()) {
        Ok(s) => s,
        Err(f) => panic!("{}", failure_text(&f)),
    };
    let pages: usize = summary.pages.iter().map(|(_, n)| n).sum();
    assert!(pages > 400, "{pages} pages");
    // Unknown code languages are warnings, once per block.
    assert!(
        summary
            .warnings
            .iter()
            .all(|w| w.message.contains("brainfuck") || w.message.contains("UI string")),
        "{:?}",
        summary
            .warnings
            .iter()
            .map(|w| &w.message)
            .collect::<Vec<_>>()
    );
    let book = dir.path().join("book");
    assert!(
        book.join("show-1/Episode-4-The-Future/index.html")
            .is_file()
    );
    assert!(
        book.join("es/show-0/Episode-0-The-Future/index.html")
            .is_file()
    );
    assert!(book.join("zh/show-1/第10集-訪談/index.html").is_file());
    assert!(book.join("show-2/ep-11/index.html").is_file());
    let page = read(dir.path(), "book/show-1/Episode-4-The-Future/index.html");
    assert!(
        page.contains("id=\"t-6\""),
        "turns are recognised from the plain speaker list"
    );
}
