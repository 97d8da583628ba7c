#!/usr/bin/env bash
# One benchmark against its peers in one run: builds strata-bench (release), sets up the
# peers' venv, runs Benchmarks/peers/BENCH_peers.py and `strata-bench BENCH` with the same
# options, and renders medians and Strata/peer ratios as a Markdown table.
#   Benchmarks/compare.sh format|table [--quick] [...]
# JSON lines go to Benchmarks/.work/BENCH-<date>.jsonl; the table to stdout.
set -euo pipefail
bench=${1:?usage: compare.sh format|table [options]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
mkdir -p Benchmarks/.work
out="Benchmarks/.work/$bench-$(date +%Y%m%d-%H%M%S).jsonl"
swift build -c release --product strata-bench >&2
py=$(bash Benchmarks/peers/setup_venv.sh | tail -1)
"$py" "Benchmarks/peers/${bench}_peers.py" "$@" >> "$out"
.build/release/strata-bench "$bench" "$@" >> "$out"
python3 Benchmarks/peers/render.py "$out"
echo "results: $out" >&2
