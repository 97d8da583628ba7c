#!/usr/bin/env bash
# The format benchmark in one command: Strata, Lance and Parquet on the same data in the same
# run, then a Markdown table of medians and Strata/peer ratios.
#   Benchmarks/run_format.sh [--quick]
# JSON lines go to Benchmarks/.work/format-<date>.jsonl; the table to stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
mkdir -p Benchmarks/.work
out="Benchmarks/.work/format-$(date +%Y%m%d-%H%M%S).jsonl"
swift build -c release --product strata-bench >&2
py=$(bash Benchmarks/peers/setup_venv.sh | tail -1)
"$py" Benchmarks/peers/format_peers.py "$@" >> "$out"
.build/release/strata-bench format "$@" >> "$out"
python3 Benchmarks/peers/render.py "$out"
echo "results: $out" >&2
