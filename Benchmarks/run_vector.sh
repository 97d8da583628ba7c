#!/usr/bin/env bash
# The vector benchmark in one command: Strata beside LanceDB, hnswlib and FAISS in the same
# run of the shared peer harness (../shared/peers, protocol strata-peers/1).
#   Benchmarks/run_vector.sh [WORKLOAD …] [-- extra run_peers.py options]
# Default workloads: W5 (100k × 100 synthetic) and W1 (10k × 64). The harness is copied to a
# scratch folder and Strata is added to its workloads.json there, so the shared copy is never
# modified. Results: $WORK/harness/RESULTS.md (and results/*.jsonl).
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
rm -rf "$harness" && mkdir -p "$harness" && cp -r "$peers"/*.py "$peers"/workloads.json "$peers"/runners "$harness"/
mkdir -p "$harness/results"
"$py" - "$harness/workloads.json" "$runner" <<'PY'
import json, sys
path, runner = sys.argv[1], sys.argv[2]
cfg = json.load(open(path))
cfg.setdefault("external_systems", {})["strata"] = {"command": [runner], "workloads": ["W1", "W5"]}
json.dump(cfg, open(path, "w"), indent=2)
PY
workloads=(); extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; extra=("$@"); break; fi
  workloads+=("$1"); shift
done
[ ${#workloads[@]} -eq 0 ] && workloads=(W5 W1)
cd "$harness"
[ -f "$STRATA_PEERS_WORK/inputs/syn100k100/PREPARED.json" ] || "$py" run_peers.py prepare
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} "$py" run_peers.py run "${workloads[@]}" --external "${extra[@]}"
"$py" run_peers.py render >/dev/null
echo "results: $harness/RESULTS.md"
