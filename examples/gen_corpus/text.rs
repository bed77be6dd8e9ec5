//! Generation primitives: the deterministic random sequence, people, glossary terms, and
//! sentences and paragraphs written in both languages at once.

use std::fmt::Write as _;

use crate::words::*;

/// splitmix64. The corpus must stay byte-for-byte identical across dependency upgrades, so the
/// generator owns its (tiny) random sequence instead of borrowing one whose stream may change.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

pub struct Term {
    pub id: String,
    pub zh: String,
    pub en: String,
}

pub fn glossary_terms() -> Vec<Term> {
    let mut out = Vec::new();
    for (a, (za, ea)) in GLOSS_ZH_A.iter().zip(GLOSS_EN_A).enumerate() {
        for (b, (zb, eb)) in GLOSS_ZH_B.iter().zip(GLOSS_EN_B).enumerate() {
            let _ = (a, b);
            out.push(Term {
                id: format!("{ea}-{eb}"),
                zh: format!("{za}{zb}"),
                en: format!("{ea} {eb}"),
            });
        }
    }
    out
}

pub struct Person {
    pub id: String,
    pub zh: String,
    pub en: String,
}

/// Person `k` of the name pool: surname × given name, then a generation number past the pool.
pub fn person(k: usize) -> Person {
    let (sz, se) = SURNAMES[k % SURNAMES.len()];
    let (gz, ge) = GIVEN[(k / SURNAMES.len()) % GIVEN.len()];
    let generation = k / (SURNAMES.len() * GIVEN.len());
    let (zh, en) = if generation == 0 {
        (format!("{sz}{gz}"), format!("{ge} {se}"))
    } else {
        (
            format!("{sz}{gz}{}", generation + 1),
            format!("{ge} {se} {}", roman(generation + 1)),
        )
    };
    let id = format!("{}{}", &ge[..1], &se[..1]);
    Person { id, zh, en }
}

pub fn roman(n: usize) -> String {
    const R: &[(usize, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let (mut n, mut s) = (n, String::new());
    for &(v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[derive(Clone, Copy, PartialEq)]
pub enum Lang {
    Zh,
    En,
}

/// One sentence in each language about the same thing (so the two files have similar size).
pub fn sentences(rng: &mut Rng, terms: &[&Term]) -> (String, String) {
    let (s, a, v, o) = (
        rng.below(ZH_SUBJ.len()),
        rng.below(ZH_ADV.len()),
        rng.below(ZH_VERB.len()),
        rng.below(ZH_OBJ.len()),
    );
    let (s2, v2, o2, c) = (
        rng.below(ZH_SUBJ.len()),
        rng.below(ZH_VERB.len()),
        rng.below(ZH_OBJ.len()),
        rng.below(ZH_CONN.len()),
    );
    match rng.below(6) {
        0 | 1 => (
            format!("{}{}{}{}。", ZH_SUBJ[s], ZH_ADV[a], ZH_VERB[v], ZH_OBJ[o]),
            cap(&format!(
                "{} {} {} {}.",
                EN_SUBJ[s], EN_ADV[a], EN_VERB[v], EN_OBJ[o]
            )),
        ),
        2 => (
            format!(
                "{}，{}{}{}{}，{}也{}{}。",
                ZH_CONN[c],
                ZH_SUBJ[s],
                ZH_ADV[a],
                ZH_VERB[v],
                ZH_OBJ[o],
                ZH_SUBJ[s2],
                ZH_VERB[v2],
                ZH_OBJ[o2]
            ),
            cap(&format!(
                "{}, {} {} {} {}, and {} {} {} too.",
                EN_CONN[c],
                EN_SUBJ[s],
                EN_ADV[a],
                EN_VERB[v],
                EN_OBJ[o],
                EN_SUBJ[s2],
                EN_VERB[v2],
                EN_OBJ[o2]
            )),
        ),
        3 => {
            let ch = rng.below(ZH_CHANGE.len());
            (
                format!(
                    "如果{}{}{}，那麼{}就會{}。",
                    ZH_SUBJ[s], ZH_VERB[v], ZH_OBJ[o], ZH_OBJ[o2], ZH_CHANGE[ch]
                ),
                format!(
                    "If {} {} {}, then {} will {}.",
                    EN_SUBJ[s], EN_VERB[v], EN_OBJ[o], EN_OBJ[o2], EN_CHANGE[ch]
                ),
            )
        }
        4 if !terms.is_empty() => {
            let t = rng.pick(terms);
            (
                format!(
                    "說到{}，{}{}{}{}。",
                    t.zh, ZH_SUBJ[s], ZH_ADV[a], ZH_VERB[v], ZH_OBJ[o]
                ),
                format!(
                    "Speaking of {}, {} {} {} {}.",
                    t.en, EN_SUBJ[s], EN_ADV[a], EN_VERB[v], EN_OBJ[o]
                ),
            )
        }
        _ => (
            format!("我認為{}比{}更值得關注。", ZH_OBJ[o], ZH_OBJ[o2]),
            format!(
                "I think {} deserves more attention than {}.",
                EN_OBJ[o], EN_OBJ[o2]
            ),
        ),
    }
}

pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A paragraph in both languages: `n` sentences.
pub fn paragraph(rng: &mut Rng, n: usize, terms: &[&Term]) -> (String, String) {
    let (mut zh, mut en) = (String::new(), String::new());
    for i in 0..n {
        let (z, e) = sentences(rng, terms);
        zh.push_str(&z);
        if i > 0 {
            en.push(' ');
        }
        en.push_str(&e);
    }
    (zh, en)
}

pub fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Block-scalar body of a YAML key, indented by `indent` spaces.
pub fn yaml_block(s: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("|\n");
    for line in s.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out
}
