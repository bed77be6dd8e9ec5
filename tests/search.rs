//! Search on the interview site: every result links to an anchor its page really has, turns are
//! results of their own, and the browser's tokeniser (static/search-engine.js, run in Node) cuts text
//! exactly as the Rust one that built the index.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use gloss::Options;
use serde_json::Value;

fn built() -> gloss::Built {
    gloss::build_in_memory(&Options {
        root: common::repo(),
        overrides: common::base_url("https://example.org/sub/"),
        write: false,
    })
    .unwrap_or_else(|f| panic!("{}", common::failure_text(&f)))
}

fn json(b: &gloss::Built, path: &str) -> Value {
    let f = b
        .plan
        .file(path)
        .unwrap_or_else(|| panic!("{path} was not written"));
    serde_json::from_slice(&f.bytes).unwrap()
}

/// Each page of the index with its documents: (url, lang index, [[kind, anchor, label, text]]).
fn pages(b: &gloss::Built) -> Vec<(String, u64, Vec<Value>)> {
    let meta = json(b, "search-index.json");
    meta["pages"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let docs = json(b, &format!("search-index/page-{n}.json"));
            (
                row[0].as_str().unwrap().to_string(),
                row[2].as_u64().unwrap(),
                docs.as_array().unwrap().clone(),
            )
        })
        .collect()
}

#[test]
fn every_result_links_to_an_anchor_its_page_has() {
    let b = built();
    let mut anchors = 0;
    for (url, _, docs) in pages(&b) {
        let out = format!("{}index.html", url.strip_prefix("/sub/").unwrap());
        let html = String::from_utf8_lossy(
            &b.plan
                .file(&out)
                .unwrap_or_else(|| panic!("no page {out} for {url}"))
                .bytes,
        )
        .to_string();
        for d in docs {
            let anchor = d[1].as_str().unwrap();
            if !anchor.is_empty() {
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{url}#{anchor} has no target"
                );
                anchors += 1;
            }
        }
    }
    assert!(anchors > 500, "only {anchors} anchored results");
}

#[test]
fn each_turn_is_a_result_with_its_speaker_in_both_languages() {
    let b = built();
    let all = pages(&b);
    for (lang, url, needle) in [
        (0, "/sub/interviews/altman-2025/", "晶體管"),
        (1, "/sub/en/interviews/altman-2025/", "transistor"),
    ] {
        let (_, l, docs) = all
            .iter()
            .find(|p| p.0 == url)
            .expect("the interview is indexed");
        assert_eq!(*l, lang);
        let turns: Vec<_> = docs.iter().filter(|d| d[0] == "t").collect();
        assert!(turns.len() > 60, "{url}: {} turns", turns.len());
        let hit = turns
            .iter()
            .find(|d| d[3].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no turn of {url} holds {needle}"));
        assert!(hit[1].as_str().unwrap().starts_with("t-"));
        assert_eq!(hit[2], "Sam Altman");
        assert!(
            docs.iter()
                .any(|d| d[0] == "n" && d[1].as_str().unwrap().starts_with("a-")),
            "{url}: annotations are results"
        );
    }
    let glossary = all
        .iter()
        .find(|p| p.0 == "/sub/glossary/")
        .expect("the glossary is indexed");
    assert!(
        glossary
            .2
            .iter()
            .any(|d| d[1] == "term-transistor" && d[3].as_str().unwrap().contains("晶體管"))
    );
    assert!(
        all.iter().any(|p| p.0 == "/sub/en/topics/infrastructure/"),
        "topic pages are indexed"
    );
}

/// Strings that exercise every rule of the tokeniser, in both scripts.
const MIXED: &[&str] = &[
    "",
    "   ",
    "晶體管",
    "晶体管",
    "錨定（anchor）在自己的硬件上",
    "AI如同「晶體管」，它將成為一項基礎技術。",
    "OpenAI’s anchor-tenant role: Altman's companies, agrees, goes, buses, glass.",
    "ＧＰＴ－５和ＡＩ　全形ＡＢＣ１２３",
    "为什麼說「為」與「爲」、「裡」與「裏」、「著」與「着」",
    "2025年10月8日 GPT-5 發布",
    "Ünïcödé Straße İstanbul ΣΊΣΥΦΟΣ naïve café",
    "日本語のテキスト と 한국어 텍스트",
    "𠀀𠀁 astral 𪚥 characters",
    "emoji 🙂 and symbols ©®™ — «quotes» ‹›",
    "tabs\tand\nnew lines\r\nmixed",
    "a",
    "我",
    "don't can't won’t 'quoted' rock'n'roll",
    "x86-64 3.14 1,000,000 ½ ² Ⅻ",
];

#[test]
fn browser_tokeniser_agrees_with_rust() {
    let b = built();
    let mut strings: Vec<String> = MIXED.iter().map(|s| s.to_string()).collect();
    strings.push("supercalifragilistic".repeat(50));
    strings.push("晶體管 transistor，".repeat(5_000));
    for (_, _, docs) in pages(&b) {
        strings.extend(docs.iter().map(|d| d[3].as_str().unwrap().to_string()));
    }
    let script = r#"
        const fs = require('fs');
        const s = require(process.argv[1]);
        s.setFoldTable(fs.readFileSync(process.argv[2], 'utf8'));
        const input = JSON.parse(fs.readFileSync(0, 'utf8'));
        process.stdout.write(JSON.stringify({ tokens: input.map(s.tokenize), folds: input.map(s.fold) }));
    "#;
    let repo = common::repo();
    let mut child = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(repo.join("static/search-engine.js"))
        .arg(repo.join("src/search/fold.txt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("this test runs the browser's tokeniser in Node, and `node` could not be started ({e}): install Node.js 18 or newer"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&strings).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for (i, s) in strings.iter().enumerate() {
        let rust = gloss::search::tokenize(s);
        let theirs: Vec<String> = serde_json::from_value(js["tokens"][i].clone()).unwrap();
        let short: String = s.chars().take(80).collect();
        assert_eq!(theirs, rust, "tokens differ for {short:?}");
        assert_eq!(
            js["folds"][i],
            gloss::search::fold(s),
            "fold differs for {short:?}"
        );
        compared += rust.len();
    }
    assert!(compared > 40_000, "only {compared} tokens compared");
}
