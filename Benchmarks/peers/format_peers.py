#!/usr/bin/env python3
"""Peer side of Strata's file-format benchmark: Lance and Parquet (zstd).

Generates the benchmark datasets (bit-identical to the Swift generator), then
measures write throughput, on-disk size, warm scan throughput and warm
random-row take latency for each system. Prints one JSON object per line on
stdout; progress goes to stderr. See README.md in this directory.
"""

import argparse
import bisect
import gc
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lance
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DATASETS = ("mixed", "vectors", "passages")
SYSTEMS = ("lance", "parquet-zstd")
MIXED_ROWS = 1_000_000
VECTOR_ROWS = 100_000
VECTOR_DIM = 384
FIXED_COLUMNS = ["id", "user_id", "score", "created_at", "small"]
RNG_SEED = 42


class Plan:
    """Repetition counts and time budgets for one run (full or --quick).

    Take loops stop early once their time budget is spent, so that systems
    without row-level random access (Parquet decodes a whole row group per
    take) finish in bounded time; the emitted "reps" is the calls timed."""

    def __init__(self, quick):
        self.write_reps = 1 if quick else 3
        self.scan_reps = 1 if quick else 5
        self.warmups = 5 if quick else 50
        self.take1_calls = 50 if quick else 1000
        self.take100_calls = 10 if quick else 200
        self.warmup_budget_ns = (1 if quick else 3) * 10**9
        self.take_budget_ns = (5 if quick else 30) * 10**9


# ---------------------------------------------------------------- datasets


def splitmix64(x):
    """Vectorised splitmix64 over a uint64 array (arithmetic wraps mod 2**64)."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def make_mixed(rows=MIXED_ROWS):
    """The "mixed" table: seven non-null columns derived from splitmix64(i)."""
    i = np.arange(rows, dtype=np.uint64)
    h = splitmix64(i)
    created = np.uint64(1_700_000_000_000_000) + i * np.uint64(1_000_000) + h % np.uint64(1_000_000)
    names = pa.array([f"category-{k}" for k in range(16)], pa.string())
    category = names.take(pa.array((h >> np.uint64(20)) % np.uint64(16)))
    return pa.table({
        "id": pa.array(i.astype(np.int64)),
        "user_id": pa.array((h % np.uint64(100_000)).astype(np.int32)),
        "score": pa.array((h >> np.uint64(11)).astype(np.float64) / 2.0**53),
        "created_at": pa.array(created.astype(np.int64), pa.timestamp("us", tz="UTC")),
        "flag": pa.array(((h >> np.uint64(7)) & np.uint64(1)) == 1),
        "small": pa.array(((h >> np.uint64(32)) % np.uint64(100)).astype(np.int8)),
        "category": category,
    })


def make_vectors(rows=VECTOR_ROWS, dim=VECTOR_DIM, chunk_rows=10_000):
    """The "vectors" table: id int64 and emb fixed_size_list<float32, dim>."""
    values = np.empty(rows * dim, dtype=np.float32)
    for start in range(0, rows, chunk_rows):
        stop = min(rows, start + chunk_rows)
        x = np.arange(start * dim, stop * dim, dtype=np.uint64)
        unit = (splitmix64(x) >> np.uint64(40)).astype(np.float64) / 2.0**24
        values[start * dim:stop * dim] = unit * 2 - 1  # exact in float32
    emb = pa.FixedSizeListArray.from_arrays(pa.array(values), dim)
    return pa.table({"id": pa.array(np.arange(rows, dtype=np.int64)), "emb": emb})


def passages_path():
    """Location of passages.jsonl: $STRATA_DATA or <repo>/../shared/data."""
    repo = Path(__file__).resolve().parents[2]
    data = Path(os.environ.get("STRATA_DATA", repo.parent / "shared" / "data"))
    return data / "squad" / "passages.jsonl"


def make_passages(path):
    """The "passages" table: pid, title, text strings in file order."""
    cols = {"pid": [], "title": [], "text": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            for name, values in cols.items():
                values.append(rec[name])
    return pa.table({name: pa.array(v, pa.string()) for name, v in cols.items()})


def raw_bytes(table, columns=None):
    """In-memory value bytes: fixed width = rows*width (bool 1/8 byte per row),
    fixed-size lists = rows*size*width, strings = UTF-8 byte sum (no offsets)."""
    total = 0
    for name in columns or table.column_names:
        col = table.column(name)
        t = col.type
        if pa.types.is_boolean(t):
            total += math.ceil(len(col) / 8)
        elif pa.types.is_string(t) or pa.types.is_large_string(t):
            total += pc.sum(pc.binary_length(col)).as_py() or 0
        elif pa.types.is_fixed_size_list(t):
            total += len(col) * t.list_size * t.value_type.bit_width // 8
        else:
            total += len(col) * t.bit_width // 8
    return total


# ---------------------------------------------------------------- systems


class LanceSystem:
    """Lance via pylance with default write settings."""

    name = "lance"
    suffix = ".lance"

    def write(self, table, path):
        """Write table as a new Lance dataset at path."""
        lance.write_dataset(table, str(path))

    def scan(self, path, columns=None):
        """Return a function that reads the given columns fully."""
        ds = lance.dataset(str(path))
        return lambda: ds.to_table(columns=columns)

    def taker(self, path):
        """Return a function fetching rows by (sorted) index, all columns."""
        ds = lance.dataset(str(path))
        return lambda idx: ds.take(idx)

    def extra_versions(self, path):
        """The Lance file format version the dataset was written with."""
        return {"lance_data_storage_version": lance.dataset(str(path)).data_storage_version}


class ParquetSystem:
    """Parquet via pyarrow, zstd compression, otherwise default settings."""

    name = "parquet-zstd"
    suffix = ".parquet"

    def write(self, table, path):
        """Write table as one Parquet file at path."""
        pq.write_table(table, str(path), compression="zstd")

    def scan(self, path, columns=None):
        """Return a function that reads the given columns fully."""
        return lambda: pq.read_table(str(path), columns=columns)

    def taker(self, path):
        """Return a function fetching rows by (sorted) index, all columns.

        Parquet has no row-level random access: keep the file open, read every
        row group holding a wanted row, then take the rows from it."""
        pf = pq.ParquetFile(str(path))
        meta = pf.metadata
        starts = [0]
        for rg in range(meta.num_row_groups):
            starts.append(starts[-1] + meta.row_group(rg).num_rows)

        def take(idx):
            groups = sorted({bisect.bisect_right(starts, i) - 1 for i in idx})
            table = pf.read_row_groups(groups)
            base, offset = {}, 0
            for rg in groups:
                base[rg] = offset - starts[rg]
                offset += starts[rg + 1] - starts[rg]
            local = [i + base[bisect.bisect_right(starts, i) - 1] for i in idx]
            return table.take(local)

        return take

    def extra_versions(self, path):
        """The Parquet format version of the written file."""
        return {"parquet_format_version": pq.ParquetFile(str(path)).metadata.format_version}


# ---------------------------------------------------------------- measuring


def timed(fn):
    """Wall time of one call to fn in nanoseconds, with gc disabled."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        fn()
        return time.perf_counter_ns() - t0
    finally:
        gc.enable()


def timed_calls(fn, args, budget_ns):
    """Per-call wall times in nanoseconds of fn(a) for a in args, gc disabled.

    Stops after the call that brings the summed time past budget_ns."""
    out = []
    spent = 0
    gc.collect()
    gc.disable()
    try:
        for a in args:
            t0 = time.perf_counter_ns()
            fn(a)
            out.append(time.perf_counter_ns() - t0)
            spent += out[-1]
            if spent > budget_ns:
                break
    finally:
        gc.enable()
    return out


def nearest_rank(sorted_values, p):
    """Nearest-rank percentile p (0-100] of an ascending sequence."""
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def disk_bytes(path):
    """Total bytes of a file, or of all files under a directory."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def remove(path):
    """Delete a file or directory tree if it exists."""
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def measure_write(system, table, raw, workdir, reps):
    """Write reps times to fresh paths; return (median MB/s, final path)."""
    times = []
    path = None
    for rep in range(reps):
        if path is not None:
            remove(path)
        path = workdir / f"rep{rep}{system.suffix}"
        remove(path)
        times.append(timed(lambda: system.write(table, path)))
    return raw / 1e6 / (statistics.median(times) / 1e9), path


def measure_scan(read, raw, reps):
    """Median MB/s of reps warm full reads (one untimed read first)."""
    read()
    times = [timed(read) for _ in range(reps)]
    return raw / 1e6 / (statistics.median(times) / 1e9)


def measure_take(take, rows, batch, calls, plan, rng):
    """Return (p50 us, p99 us, timed calls) of take(sorted random indexes)."""
    def draw(n):
        return [sorted(rng.integers(0, rows, size=batch).tolist()) for _ in range(n)]

    warm, timed_args = draw(plan.warmups), draw(calls)
    timed_calls(take, warm, plan.warmup_budget_ns)
    ns = sorted(timed_calls(take, timed_args, plan.take_budget_ns))
    return nearest_rank(ns, 50) / 1e3, nearest_rank(ns, 99) / 1e3, len(ns)


# ---------------------------------------------------------------- driver


def base_versions():
    """Library versions shared by every result line."""
    return {"python": platform.python_version(), "pylance": lance.__version__,
            "pyarrow": pa.__version__, "numpy": np.__version__}


def emit(obj):
    """Print one JSON line on stdout and flush."""
    print(json.dumps(obj), flush=True)


def log(msg):
    """Progress message on stderr."""
    print(f"[format_peers] {msg}", file=sys.stderr, flush=True)


def bench_system(system, dataset, table, workdir, plan):
    """Run every metric for one (dataset, system) and emit its lines."""
    rows = table.num_rows
    raw = raw_bytes(table)
    workdir.mkdir(parents=True, exist_ok=True)
    results = []

    write_mbps, path = measure_write(system, table, raw, workdir, plan.write_reps)
    results.append(("write_mbps", write_mbps, "MB/s", plan.write_reps))
    results.append(("file_bytes", disk_bytes(path), "bytes", 1))

    scan = measure_scan(system.scan(path), raw, plan.scan_reps)
    results.append(("scan_mbps", scan, "MB/s", plan.scan_reps))
    if dataset == "mixed":
        fixed_raw = raw_bytes(table, FIXED_COLUMNS)
        fixed = measure_scan(system.scan(path, FIXED_COLUMNS), fixed_raw, plan.scan_reps)
        results.append(("scan_fixed_mbps", fixed, "MB/s", plan.scan_reps))

    take = system.taker(path)
    rng = np.random.default_rng(RNG_SEED)
    for batch, calls in ((1, plan.take1_calls), (100, plan.take100_calls)):
        p50, p99, timed_n = measure_take(take, rows, batch, calls, plan, rng)
        results.append((f"take{batch}_p50_us", p50, "us", timed_n))
        results.append((f"take{batch}_p99_us", p99, "us", timed_n))

    versions = {**base_versions(), **system.extra_versions(path)}
    for metric, value, unit, reps in results:
        emit({"bench": "format", "dataset": dataset, "system": system.name,
              "metric": metric, "value": round(value, 3), "unit": unit,
              "reps": reps, "versions": versions})
    remove(path)


def load_dataset(name):
    """Build a dataset table, or return (None, reason) when unavailable."""
    if name == "mixed":
        return make_mixed(), None
    if name == "vectors":
        return make_vectors(), None
    path = passages_path()
    if not path.is_file():
        return None, f"passages file not found: {path} (set STRATA_DATA)"
    return make_passages(path), None


def parse_list(text, allowed, what):
    """Split a comma list and check every item is allowed."""
    items = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in items if s not in allowed]
    if bad:
        raise SystemExit(f"unknown {what}: {', '.join(bad)} (allowed: {', '.join(allowed)})")
    return items


def parse_args(argv):
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--work", help="scratch directory (default: a temp dir, deleted at end)")
    ap.add_argument("--quick", action="store_true", help="few reps, for smoke tests")
    args = ap.parse_args(argv)
    args.datasets = parse_list(args.datasets, DATASETS, "dataset")
    args.systems = parse_list(args.systems, SYSTEMS, "system")
    return args


def run(args, work):
    """Benchmark every requested dataset and system under work."""
    plan = Plan(args.quick)
    systems = {"lance": LanceSystem(), "parquet-zstd": ParquetSystem()}
    for name in args.datasets:
        log(f"generating {name}")
        table, reason = load_dataset(name)
        if table is None:
            emit({"bench": "format", "dataset": name, "skipped": True, "reason": reason})
            continue
        emit({"bench": "format", "dataset": name, "system": "dataset",
              "metric": "raw_bytes", "value": raw_bytes(table), "unit": "bytes",
              "reps": 1, "rows": table.num_rows})
        for sys_name in args.systems:
            log(f"{name} / {sys_name}")
            bench_system(systems[sys_name], name, table, work / name / sys_name, plan)
        del table


def main(argv=None):
    """Entry point."""
    args = parse_args(argv)
    if args.work:
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        run(args, work)
    else:
        with tempfile.TemporaryDirectory(prefix="strata-format-peers-") as tmp:
            run(args, Path(tmp))


if __name__ == "__main__":
    main()
