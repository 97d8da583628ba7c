#!/usr/bin/env bash
# Create (once) the Python venv used by the peer benchmarks (format_peers.py,
# table_peers.py) and install pylance, lancedb, pyarrow and numpy from PyPI.
# Safe to re-run: an existing venv that already imports all four packages is
# left untouched.
# The last line printed is the venv's python path.
set -euo pipefail

VENV="${STRATA_BENCH_VENV:-$HOME/.cache/strata/bench-venv}"
PY="$VENV/bin/python"
BASE_PY="${PYTHON:-python3.11}"

if [ ! -x "$PY" ]; then
    mkdir -p "$(dirname "$VENV")"
    "$BASE_PY" -m venv "$VENV" >&2
fi

if ! "$PY" -c 'import lance, lancedb, pyarrow, numpy' >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --upgrade pip >&2
    "$PY" -m pip install --quiet pylance lancedb pyarrow numpy >&2
fi

echo "$PY"
