#!/usr/bin/env bash
# The table benchmark in one command: Strata and LanceDB on the same rows in the same run,
# then a Markdown table of medians and Strata/LanceDB ratios.
#   Benchmarks/run_table.sh [--quick] [--repeat R]
# JSON lines go to Benchmarks/.work/table-<date>.jsonl; the table to stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
mkdir -p Benchmarks/.work
out="Benchmarks/.work/table-$(date +%Y%m%d-%H%M%S).jsonl"
swift build -c release --product strata-bench >&2
py=$(bash Benchmarks/peers/setup_venv.sh | tail -1)
"$py" Benchmarks/peers/table_peers.py "$@" >> "$out"
.build/release/strata-bench table "$@" >> "$out"
python3 Benchmarks/peers/render.py "$out"
echo "results: $out" >&2
