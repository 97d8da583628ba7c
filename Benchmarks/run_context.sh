#!/usr/bin/env bash
# The context layer's evaluation in one command (spec/context.md §14):
#   1. retrieval quality on SQuAD v1.1 — all 20,963 passages added to one agent (one session
#      per article) with their MiniLM embeddings; the 5,000 evaluation questions searched with
#      theirs in every mode (fts, vector, hybrid, chain): recall@1/5/10, MRR@10, latency;
#   2. search latency p50/p99, warm, at 10,000 and 100,000 chunks (SQuAD sentences, the inputs
#      Benchmarks/run_query.sh prepares), and the first query after opening the database again
#      (with the OS page cache dropped when the machine allows it).
#   Benchmarks/run_context.sh [QUESTIONS]      (default 5000)
# Results: JSON lines on stdout and in $WORK/context-results.jsonl (appended).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export STRATA_DATA=${STRATA_DATA:-$root/../shared/data}
work=${STRATA_BENCH_WORK:-$HOME/.cache/strata}
questions=${1:-5000}
if [ ! -f "$STRATA_DATA/squad/passages.jsonl" ]; then
  echo "run_context.sh: $STRATA_DATA/squad is missing (see ../shared/data/README.md); nothing measured" >&2
  exit 0
fi
bash "$root/scripts/bootstrap.sh"
swift build -c release --product strata-context-eval --package-path "$root" >&2
eval_bin="$root/.build/release/strata-context-eval"
scratch="$work/context-eval"
mkdir -p "$scratch"
out="$work/context-results.jsonl"
stamp=$(date -u +%Y%m%dT%H%M%S)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
run() { "$@" | sed "s/^{/{\"run\":\"$stamp\",\"commit\":\"$commit\",/" | tee -a "$out"; }
run "$eval_bin" quality "$STRATA_DATA" "$scratch" "$questions"
inputs="$work/query-inputs"
if [ ! -f "$inputs/rows.jsonl" ]; then
  echo "run_context.sh: preparing the 100,000-sentence inputs with Benchmarks/run_query.sh --prepare-only" >&2
  "$root/Benchmarks/run_query.sh" --prepare-only >&2
fi
for rows in 10000 100000; do
  run "$eval_bin" latency "$inputs" "$scratch" "$rows"
done
rm -rf "$scratch"
