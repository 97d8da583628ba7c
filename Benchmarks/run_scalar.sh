#!/usr/bin/env bash
# The filter benchmark in one command: Strata's B-tree and bitmap indexes and zone-map scans
# beside LanceDB's scalar indexes (BTREE, BITMAP, none) and DuckDB, every system in the same
# run: a 1% range on a float column and an equality on a 100-value column, over 1,000,000
# rows, each query returning the matching rows' ids.
#   Benchmarks/run_scalar.sh             (STRATA_SCALAR_ROWS: rows, default 1000000)
# Inputs are prepared once under $WORK/scalar-inputs; results go to $WORK/scalar-results.jsonl
# (appended) and the Markdown table is printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${STRATA_BENCH_WORK:-$HOME/.cache/strata}
venv=${STRATA_BENCH_VENV:-$work/bench-venv}
py=$venv/bin/python
if [ ! -x "$py" ]; then python3 -m venv "$venv"; fi
"$py" -c "import lance, duckdb, numpy, pyarrow" 2>/dev/null || "$py" -m pip install -q lancedb pylance pyarrow numpy duckdb
bash "$root/scripts/bootstrap.sh"
(cd "$root" && swift build -c release --product strata-peer-runner >&2)
runner=$(cd "$root" && swift build -c release --show-bin-path)/strata-peer-runner
bench="$root/Benchmarks/peers/scalar/scalar_bench.py"
rows=${STRATA_SCALAR_ROWS:-1000000}
inputs=$work/scalar-inputs
if [ "$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['rows'])" "$inputs/scalar/columns/columns.json" 2>/dev/null)" != "$rows" ]; then
  "$py" "$bench" prepare --out "$inputs" --rows "$rows"
fi
out=$work/scalar-results.jsonl
rm -rf "$work/scalar-work"
"$py" "$bench" run --data "$inputs" --systems lance-btree,lance-bitmap,lance-scan,duckdb,strata \
  --strata-command "$runner" --scratch "$work/scalar-work" --out "$out"
"$py" "$bench" report "$out"
