//! One generated interview: its plan (speakers, sections, turns, annotations, links, a table, a
//! code block) and the two Markdown files written from it, Chinese and English.

use std::fmt::Write as _;

use crate::text::*;
use crate::words::*;

pub struct Speaker {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub role: &'static str,
}

pub struct Annotation {
    pub id: String,
    /// Some(k): the k-th quoted claim; None: a whole-turn note.
    pub claim: Option<usize>,
    pub turn: usize,
    pub topics: Vec<&'static str>,
    pub terms: Vec<String>,
    pub note: (String, String),
}

/// Everything both language files of one interview share; each file is written from it.
pub struct Interview {
    pub i: usize,
    pub title: (String, String),
    pub summary: (String, String),
    pub date: String,
    pub publisher: &'static str,
    pub speakers: Vec<Speaker>,
    pub topics: Vec<&'static str>,
    pub turn_topics: Vec<(usize, Vec<&'static str>)>,
    pub annotations: Vec<Annotation>,
    /// Body Markdown per language.
    pub body: (String, String),
}

pub fn iv_file(j: usize) -> String {
    format!("iv-{j:05}.md")
}

pub fn interview(i: usize, n: usize, terms: &[Term]) -> Interview {
    let mut rng = Rng::new(i as u64 + 1);
    let host = person(10_000 + i % 12);
    let guest_pool = (n / 2).max(20);
    let mut speakers = vec![Speaker {
        id: host.id.clone(),
        zh: host.zh,
        en: host.en,
        role: "host",
    }];
    let guests = if rng.chance(30) { 2 } else { 1 };
    let mut used = vec![host.id];
    for _ in 0..guests {
        let g = person(rng.below(guest_pool));
        if speakers.iter().any(|s| s.en == g.en) {
            continue;
        }
        let mut id = g.id.clone();
        let mut k = 2;
        while used.contains(&id) {
            id = format!("{}{k}", g.id);
            k += 1;
        }
        used.push(id.clone());
        speakers.push(Speaker {
            id,
            zh: g.zh,
            en: g.en,
            role: "guest",
        });
    }

    let mut topics: Vec<&'static str> = Vec::new();
    while topics.len() < 3 {
        let t = rng.pick(TOPICS).0;
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let tname = |slug: &str| TOPICS.iter().find(|t| t.0 == slug).expect("topic");
    let my_terms: Vec<&Term> = (0..rng.range(8, 15))
        .map(|_| &terms[rng.below(terms.len())])
        .collect();

    let g0 = &speakers[1];
    let title = (
        format!(
            "{}談{}與{}（第{}期）",
            g0.zh,
            tname(topics[0]).1,
            tname(topics[1]).1,
            i + 1
        ),
        format!(
            "{} on {} and {} (No. {})",
            g0.en,
            tname(topics[0]).2,
            tname(topics[1]).2.to_lowercase(),
            i + 1
        ),
    );
    let date = format!(
        "{}-{:02}-{:02}",
        2000 + i % 26,
        1 + (i / 26) % 12,
        1 + (i / 312) % 28
    );

    // Summary: a bold line and a list.
    let (mut sz, mut se) = ("**要點**\n\n".to_string(), "**Key points**\n\n".to_string());
    for _ in 0..rng.range(3, 5) {
        let (z, e) = paragraph(&mut rng, 2, &my_terms);
        let _ = writeln!(sz, "- {z}");
        let _ = writeln!(se, "- {e}");
    }

    // Turn plan: sections of turns, speakers alternating host / a guest.
    let sections = rng.range(6, 8);
    let mut plan: Vec<(usize, usize)> = Vec::new(); // (section, speaker index)
    for s in 0..sections {
        for t in 0..rng.range(5, 7) {
            let sp = if t % 2 == 0 {
                0
            } else {
                1 + rng.below(speakers.len() - 1)
            };
            plan.push((s, sp));
        }
    }
    let turn_count = plan.len();
    let claims = rng.range(7, 10);
    let mut claim_turns: Vec<usize> = (0..claims).map(|_| rng.below(turn_count)).collect();
    claim_turns.sort();
    let mut annotations = Vec::new();
    for (k, &t) in claim_turns.iter().enumerate() {
        annotations.push((Some(k + 1), t));
    }
    for _ in 0..2 {
        annotations.push((None, rng.below(turn_count)));
    }
    let annotations: Vec<Annotation> = annotations
        .into_iter()
        .enumerate()
        .map(|(a, (claim, turn))| {
            let (z, e) = paragraph(&mut rng, 2, &my_terms);
            let j = rng.below(n);
            let code = rng.pick(GLOSS_EN_B);
            let note = (
                format!(
                    "{z}參見[第{}期]({})；`{code}` 一詞出自 *原文*。",
                    j + 1,
                    iv_file(j)
                ),
                format!(
                    "{e} See [No. {}]({}); the word `{code}` is *the speaker's own*.",
                    j + 1,
                    iv_file(j)
                ),
            );
            let topics = if rng.chance(60) {
                vec![*rng.pick(&topics)]
            } else {
                Vec::new()
            };
            let terms = if rng.chance(50) {
                vec![rng.pick(&my_terms).id.clone()]
            } else {
                Vec::new()
            };
            Annotation {
                id: format!("n{}", a + 1),
                claim,
                turn,
                topics,
                terms,
                note,
            }
        })
        .collect();
    let mut turn_topics = Vec::new();
    for t in 0..turn_count {
        if rng.chance(20) {
            turn_topics.push((t + 1, vec![*rng.pick(&topics)]));
        }
    }

    // Body, both languages in lockstep.
    let (mut bz, mut be) = (String::new(), String::new());
    let (z, e) = paragraph(&mut rng, 3, &my_terms);
    let _ = write!(bz, "{z}\n\n");
    let _ = write!(be, "{e}\n\n");
    let table_turn = rng.below(turn_count);
    let code_turn = rng.chance(60).then(|| rng.below(turn_count));
    let mut claim_iter = annotations
        .iter()
        .filter_map(|a| a.claim.map(|k| (k, a.turn)))
        .peekable();
    for (t, &(s, sp)) in plan.iter().enumerate() {
        if t == 0 || plan[t - 1].0 != s {
            let topic_attr = if rng.chance(50) {
                let a = rng.pick(&topics);
                format!(" topics={a}")
            } else {
                String::new()
            };
            let (z, e) = paragraph(&mut rng, 1, &[]);
            let zt: String = z.chars().take(12).collect();
            let et: String = e.split(' ').take(6).collect::<Vec<_>>().join(" ");
            let et = et.trim_end_matches(['.', ',']);
            let _ = write!(bz, "## {zt} {{#s{}{topic_attr}}}\n\n", s + 1);
            let _ = write!(be, "## {et} {{#s{}{topic_attr}}}\n\n", s + 1);
            if rng.chance(30) {
                let (z, e) = paragraph(&mut rng, 2, &my_terms);
                let _ = write!(bz, "{z}\n\n");
                let _ = write!(be, "{e}\n\n");
            }
        }
        let label = &speakers[sp].id;
        let paras = rng.range(1, 3);
        for p in 0..paras {
            let len = rng.range(2, 5);
            let (mut z, mut e) = paragraph(&mut rng, len, &my_terms);
            if p == 0 {
                while let Some(&(k, _)) = claim_iter.peek().filter(|(_, ct)| *ct == t) {
                    z.push_str(&format!("這就是「第{k}論點」的意思。"));
                    e.push_str(&format!(" That is what “claim {k}” means."));
                    claim_iter.next();
                }
                if rng.chance(12) {
                    let j = rng.below(n);
                    let frag = if rng.chance(50) {
                        format!("#t-{}", rng.range(1, 10))
                    } else {
                        String::new()
                    };
                    z.push_str(&format!(
                        "正如[第{}期訪談]({}{frag})所說的那樣。",
                        j + 1,
                        iv_file(j)
                    ));
                    e.push_str(&format!(
                        " As [interview No. {}]({}{frag}) put it.",
                        j + 1,
                        iv_file(j)
                    ));
                }
                if rng.chance(5) {
                    let tp = rng.pick(&topics);
                    z.push_str(&format!("參見[{}](../topics/{tp}.md)。", tname(tp).1));
                    e.push_str(&format!(" See [{}](../topics/{tp}.md).", tname(tp).2));
                }
                if rng.chance(4) {
                    z.push_str(&format!(
                        "詳見[報告](https://example.com/reports/{i}/{t})。"
                    ));
                    e.push_str(&format!(
                        " See [the report](https://example.com/reports/{i}/{t})."
                    ));
                }
                let _ = write!(bz, "**{label}:** {z}\n\n");
                let _ = write!(be, "**{label}:** {e}\n\n");
            } else {
                let _ = write!(bz, "{z}\n\n");
                let _ = write!(be, "{e}\n\n");
            }
        }
        if t == table_turn {
            bz.push_str("| 指標 | 2024 | 2025 | 變化 |\n|---|---:|---:|---|\n");
            be.push_str("| Measure | 2024 | 2025 | Change |\n|---|---:|---:|---|\n");
            for r in 0..rng.range(3, 5) {
                let (a, b) = (rng.range(10, 500), rng.range(10, 900));
                let o = r % ZH_OBJ.len();
                let _ = writeln!(
                    bz,
                    "| {} | {a} | {b} | {:+}% |",
                    ZH_OBJ[o],
                    (b * 100 / a) as i64 - 100
                );
                let _ = writeln!(
                    be,
                    "| {} | {a} | {b} | {:+}% |",
                    cap(EN_OBJ[o]),
                    (b * 100 / a) as i64 - 100
                );
            }
            bz.push('\n');
            be.push('\n');
        }
        if code_turn == Some(t) {
            let (lang, src) = rng.pick(CODE);
            let _ = write!(bz, "```{lang}\n{src}\n```\n\n");
            let _ = write!(be, "```{lang}\n{src}\n```\n\n");
        }
        if rng.chance(6) {
            let (z, e) = paragraph(&mut rng, 1, &my_terms);
            let _ = write!(bz, "> {z}\n\n");
            let _ = write!(be, "> {e}\n\n");
        }
        if rng.chance(6) {
            for _ in 0..3 {
                let (z, e) = paragraph(&mut rng, 1, &my_terms);
                let _ = writeln!(bz, "- {z}");
                let _ = writeln!(be, "- {e}");
            }
            bz.push('\n');
            be.push('\n');
        }
    }

    Interview {
        i,
        title,
        summary: (sz, se),
        date,
        publisher: PUBLISHERS[i % PUBLISHERS.len()],
        speakers,
        topics,
        turn_topics,
        annotations,
        body: (bz, be),
    }
}

pub fn write_interview(iv: &Interview, lang: Lang) -> String {
    let pick = |p: &(String, String)| -> String {
        match lang {
            Lang::Zh => p.0.clone(),
            Lang::En => p.1.clone(),
        }
    };
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", yaml_str(&pick(&iv.title)));
    let _ = write!(s, "summary: {}", yaml_block(&pick(&iv.summary), 2));
    let list = |xs: &[&str]| format!("[{}]", xs.join(", "));
    if lang == Lang::Zh {
        let _ = writeln!(s, "date: {}", iv.date);
        let _ = writeln!(
            s,
            "source:\n  url: https://example.com/interviews/{}/\n  title: {}\n  publisher: {}",
            iv.i + 1,
            yaml_str(&iv.title.1),
            iv.publisher
        );
        s.push_str("speakers:\n");
        for sp in &iv.speakers {
            let _ = writeln!(
                s,
                "  - id: {}\n    name: {{ zh: {}, en: {} }}\n    role: {}",
                sp.id, sp.zh, sp.en, sp.role
            );
        }
        if !iv.turn_topics.is_empty() {
            s.push_str("turns:\n");
            for (t, ts) in &iv.turn_topics {
                let _ = writeln!(s, "  {t}: {}", list(ts));
            }
        }
    }
    // Topics in both files, so Hugo's taxonomy (which inherits nothing) sees them too.
    let _ = writeln!(s, "topics: {}", list(&iv.topics));
    s.push_str("annotations:\n");
    for a in &iv.annotations {
        let _ = writeln!(s, "  - id: {}", a.id);
        match a.claim {
            Some(k) => {
                let q = match lang {
                    Lang::Zh => format!("「第{k}論點」"),
                    Lang::En => format!("“claim {k}”"),
                };
                let _ = writeln!(s, "    quote: {}", yaml_str(&q));
            }
            None => {
                let _ = writeln!(s, "    turn: {}", a.turn + 1);
            }
        }
        let _ = write!(s, "    note: {}", yaml_block(&pick(&a.note), 6));
        if !a.topics.is_empty() {
            let _ = writeln!(s, "    topics: {}", list(&a.topics));
        }
        if !a.terms.is_empty() {
            let ts: Vec<&str> = a.terms.iter().map(String::as_str).collect();
            let _ = writeln!(s, "    terms: {}", list(&ts));
        }
    }
    s.push_str("---\n\n");
    s.push_str(&pick(&iv.body));
    s
}
