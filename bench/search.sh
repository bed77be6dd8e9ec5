#!/usr/bin/env bash
# Search benchmark: index size against the text it indexes, and query time, for the interview
# site and a generated corpus of 1,000 bilingual interviews. Results go in docs/search.md.
#
#   bench/search.sh                 # builds both sites, measures, prints a table
#   bench/search.sh --corpus DIR    # measure an existing corpus site (a folder with book.toml)
#   N=200 bench/search.sh           # a smaller generated corpus
#
# Needs Node; Chromium and tests/browser's playwright-core for the 4×-slowed browser column
# (`npm ci --prefix tests/browser`, `apt-get install chromium`).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
CORPUS=""
if [[ "${1:-}" == "--corpus" ]]; then CORPUS=$2; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The index is the same whichever profile builds it, and queries run in JavaScript: a debug
# binary measures the same thing without a release build (PROFILE=release to use one).
PROFILE=${PROFILE:-debug}
if [[ $PROFILE == release ]]; then cargo build --release --quiet; else cargo build --quiet; fi
gloss=target/$PROFILE/gloss

if [[ -z "$CORPUS" ]]; then
  CORPUS="$work/corpus"
  if [[ -f examples/gen_corpus.rs ]]; then
    cargo run --release --quiet --example gen_corpus -- --interviews "$N" --out "$CORPUS" >/dev/null
  else
    # Until the shared corpus generator lands: N interviews in two languages, 60 turns each,
    # sentences drawn with a fixed seed from a small bilingual phrase book.
    python3 - "$CORPUS" "$N" <<'EOF'
import os, random, sys, shutil
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
zh = ["算力", "數據中心", "晶體管", "供應鏈", "推理效率", "開放生態", "版權方", "硬件", "用戶", "模型", "平台", "監管", "電力", "芯片", "訂閱"]
zv = ["推動", "低估", "質疑", "投入", "整合", "重新思考", "押注於"]
en = ["compute", "data centres", "transistors", "the supply chain", "inference efficiency", "an open ecosystem", "rights holders", "hardware", "users", "models", "the platform", "regulators", "power", "chips", "subscriptions"]
ev = ["push", "underestimate", "question", "invest in", "integrate", "rethink", "bet on"]
os.makedirs(f"{out}/content/interviews")
shutil.copy("book.toml", out)
shutil.copytree("templates", f"{out}/templates"); shutil.copytree("static", f"{out}/static")
for lang, suffix in (("zh", ""), ("en", ".en")):
    open(f"{out}/content/_index{suffix}.md", "w").write("---\ntitle: Home\n---\n")
    open(f"{out}/content/interviews/_index{suffix}.md", "w").write("---\ntitle: Interviews\n---\n")
for i in range(n):
    turns = [[(rng.randrange(15), rng.randrange(7), rng.randrange(15)) for _ in range(3)] for _ in range(60)]
    for lang, suffix in (("zh", ""), ("en", ".en")):
        body = []
        for t, sents in enumerate(turns):
            if lang == "zh":
                s = "".join(f"{zh[a]}{zv[v]}{zh[b]}。" for a, v, b in sents)
            else:
                s = " ".join(f"{en[a].capitalize()} {ev[v]} {en[b]}." for a, v, b in sents)
            body.append(f"**{'A' if t % 2 == 0 else 'B'}:** {s}")
        front = f'---\ntitle: "Interview {i}"\nspeakers:\n  - {{id: A, name: Host, role: host}}\n  - {{id: B, name: Guest {i}, role: guest}}\n---\n\n'
        open(f"{out}/content/interviews/iv-{i:05}{suffix}.md", "w").write(front + "\n\n".join(body) + "\n")
EOF
  fi
fi

echo "| site | pages | documents | text | index (share of text) | page texts | queries | Node warm (median / p95) | Node first time | Chromium 4× slower CPU, warm | Chromium 4×, first time | Chromium 4×, index load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for site in interview corpus; do
  root=.
  [[ $site == corpus ]] && root=$CORPUS
  "$gloss" build --root "$root" --out "$work/out-$site" --base-url http://127.0.0.1/ >/dev/null
  name="interview site"
  [[ $site == corpus ]] && name="$(ls "$root/content/interviews" | grep -v '^_index' | grep -c '\.en\.md$') generated interviews"
  # The table row on stdout; the details (every query, the slowest ones) as JSON on stderr.
  node bench/search-bench.mjs "$name" "$work/out-$site"
done
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
