#!/usr/bin/env bash
# Benchmark: save-to-reload latency of `gloss serve` (the time from saving a content file to the
# reload signal every open page gets), on this repository's site and on generated large sites.
# Appends a row per site to bench/reload.md. Targets: < 100 ms on this site, < 500 ms at 5,000
# interviews.
#
#   bench/reload.sh                 # this site, then 500 and 5000 generated interviews
#   SIZES="1000" SAVES=5 bench/reload.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES-"500 5000"}
SAVES=${SAVES:-10}
cargo build --release --quiet --bin gloss --example reload_latency
gloss=target/release/gloss
bench=target/release/examples/reload_latency
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=bench/reload.md
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

row() { # site, pages, summary line
  local stats load
  stats=$(sed -E 's/^reload_latency: //' <<<"$3")
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$(date -u +%F)" "$commit" "$1" "$2" "$stats" "$load" | tee -a "$results"
}

# This site, copied so the working tree is never edited.
mkdir -p "$work/site"
cp -r book.toml content templates static "$work/site/"
pages=$(find "$work/site/content" -name '*.md' | wc -l)
line=$("$bench" "$gloss" "$work/site" "$work/site/content/interviews/altman-2025.en.md" "$SAVES" | tail -1)
row "this site" "$pages" "$line"

# Generated sites (the bench generator, when it exists, makes bigger and more varied ones).
for n in $SIZES; do
  python3 bench/reload_corpus.py "$work/corpus-$n" "$n" >/dev/null
  pages=$(find "$work/corpus-$n/content" -name '*.md' | wc -l)
  line=$("$bench" "$gloss" "$work/corpus-$n" "$work/corpus-$n/content/interviews/i00007.en.md" "$SAVES" | tail -1)
  row "$n generated interviews" "$pages" "$line"
  rm -rf "$work/corpus-$n"
done
