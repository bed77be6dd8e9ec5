//! The Chinese interview page holds every paragraph of its source, in order, changed only by the
//! mechanical mends the edition promises: Traditional characters, full-width punctuation and
//! 「」 quotes, speaker labels added, the search-engine URL in the apps section decoded back into the
//! sentence it swallowed, the newsletter boilerplate and stray blank lines dropped.

use gloss::search::fold;

/// Section headings of the seed (line numbers), which become `##` headings on the page.
const HEADINGS: [usize; 8] = [20, 31, 49, 81, 106, 120, 150, 158];
const FIRST: usize = 20;
const LAST: usize = 178;

/// The comparable form of a paragraph: characters folded (Traditional/Simplified, full/half width,
/// case), quotation marks unified, whitespace and Markdown emphasis markers dropped.
fn canon(s: &str) -> String {
    let chars: Vec<char> = fold(s)
        .chars()
        .map(|c| match c {
            '“' | '”' | '「' | '」' | '『' | '』' | '‘' | '’' => '"',
            '…' => '.',
            // OpenCC writes the Simplified phrase 想象 as 想像 in Traditional: one word, two forms.
            '像' => '象',
            c => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        // An ellipsis is "..." in the seed and "……" on the page: one mark either way.
        if c == '.' && prev == Some('.') {
            continue;
        }
        // The seed closes some quoted questions with `?"。`; the page drops the stray full stop.
        if c == '。' && prev == Some('"') && i >= 2 && matches!(chars[i - 2], '?' | '!' | '。') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The seed's paragraphs, with the one mend that is not about characters applied: the URL that
/// swallowed a sentence (`…google.com/search?q=<sentence>`) decoded back into that sentence.
fn seed_paragraphs() -> Vec<(usize, String)> {
    let text = include_str!("seed/altman-2025.seed.txt");
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(n, l)| {
            (FIRST..=LAST).contains(n) && !HEADINGS.contains(n) && !l.trim().is_empty()
        })
        .map(|(n, l)| {
            let mut p = l.to_string();
            if let Some(at) = p.find("https://www.google.com/search?q=") {
                let q = &p[at + "https://www.google.com/search?q=".len()..];
                let end = q
                    .find(|c: char| c.is_whitespace() || c == '。')
                    .unwrap_or(q.len());
                let decoded: String =
                    url::form_urlencoded::parse(format!("q={}", &q[..end]).as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default();
                p = format!("{}{decoded}{}", &p[..at], &q[end..]);
            }
            // The seed labels Altman's turns `SA:` (once `SA(Sam Altman):`); the page labels both speakers.
            let p = p
                .strip_prefix("SA(Sam Altman):")
                .or_else(|| p.strip_prefix("SA:"))
                .unwrap_or(&p)
                .to_string();
            (n, p)
        })
        .collect()
}

/// The page's body paragraphs (headings left out), speaker labels removed.
fn page_paragraphs() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/interviews/altman-2025.md"
    ))
    .unwrap();
    let body = text
        .split(
            "
---
",
        )
        .nth(1)
        .expect("front matter closes");
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| {
            let p = p
                .strip_prefix("**BT:**")
                .or_else(|| p.strip_prefix("**SA:**"))
                .unwrap_or(p);
            p.trim().to_string()
        })
        .collect()
}

#[test]
fn every_paragraph_of_the_seed_is_on_the_chinese_page_in_order() {
    let seed = seed_paragraphs();
    let page = page_paragraphs();
    let mut problems = Vec::new();
    for (i, (line, s)) in seed.iter().enumerate() {
        match page.get(i) {
            Some(p) if canon(p) == canon(s) => {}
            Some(p) => problems.push(format!("seed line {line}:\n  seed: {s}\n  page: {p}")),
            None => problems.push(format!("seed line {line} is missing from the page: {s}")),
        }
    }
    if page.len() > seed.len() {
        problems.push(format!(
            "the page has {} paragraphs the seed does not",
            page.len() - seed.len()
        ));
    }
    assert!(
        problems.is_empty(),
        "{} paragraph(s) differ beyond the mechanical mends:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(seed.len(), 151);
}

#[test]
fn the_page_is_consistently_traditional() {
    // Characters that only exist in Simplified form must be gone (folding a Traditional text to
    // Simplified changes it; a Simplified character left behind would fold to itself).
    let page = page_paragraphs().join("\n");
    let simplified_only: Vec<char> = [
        '们', '这', '说', '为', '过', '来', '时', '会', '对', '关', '发', '现', '产', '业', '设',
        '资', '应', '该', '愿', '么',
    ]
    .into_iter()
    .filter(|c| page.contains(*c))
    .collect();
    assert!(
        simplified_only.is_empty(),
        "Simplified characters on the Traditional page: {simplified_only:?}"
    );
}
