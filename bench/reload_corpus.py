#!/usr/bin/env python3
"""A large generated site for the reload benchmark (bench/reload.sh): N bilingual interviews
(default 5000) with speakers, sections, turns, annotations, topics and glossary terms, using the
repository's templates and static files. Deterministic: the same N gives the same files.

Usage: bench/reload_corpus.py OUT_DIR [N]
"""
import os
import random
import shutil
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ("model compute chip power grid data centre product user market price deal partner "
         "research agent device video image copyright licence capacity demand supply trust "
         "platform network app developer interface memory reasoning training inference").split()
ZH = "模型 算力 芯片 電力 數據 中心 產品 用戶 市場 價格 交易 夥伴 研究 代理 設備 視頻 版權 產能 需求 供應 信任 平台 應用 開發者 介面 記憶 推理 訓練".split()
TOPICS = [f"topic-{i}" for i in range(20)]
SPEAKERS = [(f"H{i}", f"Host Person {i}", f"主持人{i}") for i in range(10)]
GUESTS = [(f"G{i}", f"Guest Person {i}", f"嘉賓{i}") for i in range(40)]
TERMS = [(f"term-{i}", f"glossword{i}", f"詞彙{i}") for i in range(100)]


def sentence(rng, words, n, sep=" "):
    return sep.join(rng.choice(words) for _ in range(n))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def interview(out, i):
    rng = random.Random(i)
    host, guest = rng.choice(SPEAKERS), rng.choice(GUESTS)
    topics = sorted(rng.sample(TOPICS, 2))
    terms = rng.sample(TERMS, 3)
    for lang in ("zh", "en"):
        zh = lang == "zh"
        words = ZH if zh else WORDS
        sep = "" if zh else " "
        body = []
        turns = 0
        quote = None
        for s in range(3):
            title = sentence(rng, words, 3, sep)
            body.append(f"## {title} {{#s{s} topics={topics[s % 2]}}}\n")
            for t in range(6):
                turns += 1
                who = host if t % 2 == 0 else guest
                text = sentence(rng, words, 40, sep)
                if t == 1:
                    text += (" " if not zh else "") + (terms[s][2] if zh else terms[s][1])
                if s == 1 and t == 3:
                    quote = f"marker{i}x{lang}"
                    text += f" {quote} "
                body.append(f"**{who[0]}:** {text}\n")
        fm = [f'title: "{"訪談" if zh else "Interview"} {i}"']
        fm.append(f"summary: |\n  {sentence(rng, words, 20, sep)}")
        if zh:
            fm.append(f"date: {2020 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}")
            fm.append("speakers:")
            for sid, en_name, zh_name in (host, guest):
                role = "host" if sid.startswith("H") else "guest"
                fm.append(f"  - id: {sid}\n    name: {{ zh: {zh_name}, en: {en_name} }}\n    role: {role}")
            fm.append(f"topics: [{', '.join(topics)}]")
        fm.append("annotations:")
        fm.append(f"  - id: n1\n    quote: \"{quote}\"\n    note: {sentence(rng, words, 12, sep)}\n    topics: [{topics[0]}]")
        fm.append(f"  - id: n2\n    turn: 2\n    note: {sentence(rng, words, 12, sep)}")
        name = f"i{i:05d}" + ("" if zh else ".en")
        write(os.path.join(out, "content/interviews", f"{name}.md"),
              "---\n" + "\n".join(fm) + "\n---\n" + "\n".join(body))


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    book = open(os.path.join(REPO, "book.toml"), encoding="utf-8").read()
    write(os.path.join(out, "book.toml"), book)
    for d in ("templates", "static"):
        shutil.copytree(os.path.join(REPO, d), os.path.join(out, d))
    c = os.path.join(out, "content")
    write(os.path.join(c, "_index.md"), "---\ntitle: 首頁\n---\n生成的訪談。\n")
    write(os.path.join(c, "_index.en.md"), "---\ntitle: Home\n---\nGenerated interviews.\n")
    for d, zh, en in (("interviews", "訪談", "Interviews"), ("topics", "話題", "Topics")):
        write(os.path.join(c, d, "_index.md"), f"---\ntitle: {zh}\n---\n")
        write(os.path.join(c, d, "_index.en.md"), f"---\ntitle: {en}\n---\n")
    for t in TOPICS:
        write(os.path.join(c, "topics", f"{t}.md"), f"---\ntitle: 話題 {t}\n---\n關於 {t}。\n")
        write(os.path.join(c, "topics", f"{t}.en.md"), f"---\ntitle: Topic {t}\n---\nAbout {t}.\n")
    glossary = []
    for tid, en, zh in TERMS:
        glossary.append(f"- id: {tid}\n  kind: term\n  term: {{ zh: {zh}, en: {en} }}\n"
                        f"  definition:\n    zh: {zh}的定義。\n    en: The meaning of {en}.\n")
    write(os.path.join(c, "glossary.yaml"), "".join(glossary))
    for i in range(n):
        interview(out, i)
    print(f"{out}: {n} interviews in two languages")


main()
