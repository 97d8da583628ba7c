#!/usr/bin/env bash
# The vector benchmark in one command: Strata beside LanceDB, hnswlib and FAISS in the same
# run of the shared peer harness (../shared/peers, protocol strata-peers/1).
#   Benchmarks/run_vector.sh [WORKLOAD …] [-- extra run_peers.py options]
# Workloads: W5 (100k × 100 synthetic), W5R (21k × 384 MiniLM SQuAD passages, 1,000 questions),
# W5M (1M × 128 synthetic; ~1 hour with every peer, so not in the default set), W1 (10k × 64).
# Default: W5 W5R W1. The harness is copied to a scratch folder and the W5R/W5M datasets and
# Strata's runner are added to its workloads.json there (Benchmarks/peers/vector/), so the
# shared copy is never modified. Results: $WORK/harness/RESULTS.md (and results/*.jsonl).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${STRATA_PEERS:-$root/../shared/peers}
export STRATA_DATA=${STRATA_DATA:-$root/../shared/data}
work=${STRATA_BENCH_WORK:-$HOME/.cache/strata}
export STRATA_PEERS_WORK=${STRATA_PEERS_WORK:-$work/peers-work}
venv=${STRATA_BENCH_VENV:-$work/bench-venv}
py=$venv/bin/python
if [ ! -x "$py" ]; then python3 -m venv "$venv"; fi
"$py" -c "import lancedb, lance, hnswlib, faiss, numpy, pyarrow" 2>/dev/null ||
  "$py" -m pip install -q lancedb pylance pyarrow numpy hnswlib faiss-cpu tantivy duckdb pandas
bash "$root/scripts/bootstrap.sh"
(cd "$root" && swift build -c release --product strata-peer-runner >&2)
runner=$(cd "$root" && swift build -c release --show-bin-path)/strata-peer-runner

harness=$work/harness
# Fresh scripts each run; results/ is kept, so runs of different workloads accumulate.
mkdir -p "$harness" && rm -rf "$harness"/*.py "$harness"/runners && cp -r "$peers"/*.py "$peers"/workloads.json "$peers"/runners "$harness"/
mkdir -p "$harness/results"
"$py" - "$harness/workloads.json" "$root/Benchmarks/peers/vector/workloads_vector.json" "$runner" <<'PY'
import json, sys
path, additions, runner = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
cfg = json.load(open(path))
for section in ("datasets", "workloads"):
    cfg[section].update(additions[section])
# At 1M rows the default graph (M 16, efConstruction 100) and a cheaper one (efConstruction 64).
cfg.setdefault("external_systems", {})["strata"] = {"command": [runner], "workloads": ["W1", "W5", "W5R", "W5M"],
                                                     "params": {"W5M": {"hnsw": {"builds": [[16, 100], [16, 64]]}}}}
json.dump(cfg, open(path, "w"), indent=2)
PY
workloads=(); extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; extra=("$@"); break; fi
  workloads+=("$1"); shift
done
[ ${#workloads[@]} -eq 0 ] && workloads=(W5 W5R W1)
cd "$harness"
# The harness's own datasets, then the vector-only ones it cannot make alone (a SQuAD dataset
# with base.f32; the 1M set only when asked for: ~20 s and 5.5 GB to prepare).
[ -f "$STRATA_PEERS_WORK/inputs/syn100k100/PREPARED.json" ] || "$py" run_peers.py prepare --only syn10k64,syn100k100,squad10k,squadall_filter
extra_sets=squadall_vec
[[ " ${workloads[*]} " == *" W5M "* ]] && extra_sets+=,syn1m128
"$py" "$root/Benchmarks/peers/vector/prepare_extra.py" --harness "$harness" --only "$extra_sets" >/dev/null
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} "$py" run_peers.py run "${workloads[@]}" --external "${extra[@]}"
"$py" run_peers.py render >/dev/null
echo "results: $harness/RESULTS.md"
