#!/usr/bin/env bash
# The full-text benchmark in one command: Strata beside tantivy, SQLite FTS5 and LanceDB's
# full-text index, every system in the same run, on the shared SQuAD passages (with their
# questions, for gold-passage recall) and a 1,000,000-document Zipfian corpus (fixed seed).
#   Benchmarks/run_text.sh [CORPUS …]        CORPUS: zipf1m, passages (default: both)
# Environment: STRATA_TEXT_DOCS (zipf1m size, default 1000000), STRATA_TEXT_QUERIES (per type,
# default 1000). Inputs are prepared once under $WORK/text-inputs (~0.6 GB for 1M documents).
# Results: $WORK/text-results.jsonl (appended); the Markdown tables are printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export STRATA_DATA=${STRATA_DATA:-$root/../shared/data}
work=${STRATA_BENCH_WORK:-$HOME/.cache/strata}
venv=${STRATA_BENCH_VENV:-$work/bench-venv}
py=$venv/bin/python
if [ ! -x "$py" ]; then python3 -m venv "$venv"; fi
"$py" -c "import lance, tantivy, numpy, pyarrow, Stemmer" 2>/dev/null ||
  "$py" -m pip install -q lancedb pylance pyarrow numpy tantivy PyStemmer
bash "$root/scripts/bootstrap.sh"
(cd "$root" && swift build -c release --product strata-peer-runner >&2)
runner=$(cd "$root" && swift build -c release --show-bin-path)/strata-peer-runner
bench="$root/Benchmarks/peers/text/text_bench.py"
docs=${STRATA_TEXT_DOCS:-1000000}
inputs=$work/text-inputs
[ $# -eq 0 ] && set -- zipf1m passages
if [ ! -f "$inputs/zipf1m/PREPARED.json" ] || [ "$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['docs'])" "$inputs/zipf1m/PREPARED.json" 2>/dev/null)" != "$docs" ]; then
  "$py" "$bench" prepare --out "$inputs" --docs "$docs" --squad "$STRATA_DATA/squad"
fi
out=$work/text-results.jsonl
for corpus in "$@"; do
  rm -rf "$work/text-work/$corpus"
  OPENBLAS_NUM_THREADS=1 "$py" "$bench" run --data "$inputs" --corpus "$corpus" --systems tantivy,sqlite-fts5,lance-fts,strata \
    --strata-command "$runner" --queries-per-type "${STRATA_TEXT_QUERIES:-1000}" --scratch "$work/text-work/$corpus" --out "$out"
done
"$py" "$bench" report "$out"
