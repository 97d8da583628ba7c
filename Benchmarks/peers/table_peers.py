#!/usr/bin/env python3
"""Peer side of Strata's table benchmark: LanceDB.

Measures small appends, the files and fragments they leave, bulk append,
opening the latest of many versions and scanning a table with deleted rows,
all through the lancedb Python API on a local directory (plus pylance's
`lance.dataset` where noted). Prints one JSON object per line on stdout;
progress goes to stderr. The rows come from `make_rows`, whose exact
definition the Swift side reproduces. See README.md in this directory.

LanceDB has one commit mode: every add writes a data file, a transaction file
and a new manifest via temp file + rename/link, with no fsync on a local disk.
"""

import argparse
import gc
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lance
import lancedb
import numpy as np
import pyarrow as pa

SYSTEM = "lancedb"
BENCHES = ("append1", "append10k", "bulk", "open", "scan")

WORDS = (
    "the", "of", "and", "to", "in", "is", "that", "for",
    "it", "as", "was", "with", "be", "by", "on", "not",
    "he", "this", "are", "or", "his", "from", "at", "which",
    "but", "have", "an", "they", "you", "were", "her", "she",
    "there", "been", "one", "all", "we", "their", "has", "would",
    "when", "if", "so", "no", "will", "more", "time", "can",
    "its", "other", "data", "table", "column", "river", "stone", "light",
    "quiet", "winter", "garden", "market", "signal", "paper", "window", "morning",
)
assert len(WORDS) == 64
LCG_MUL = 6364136223846793005
LCG_INC = 1442695040888963407
MASK64 = (1 << 64) - 1
TS_BASE_US = 1_700_000_000_000_000
TS_STEP_US = 1_000_000
SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("session", pa.string()),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("text", pa.string()),
])
DELETE_PREDICATE = "id % 10 = 0"


# ---------------------------------------------------------------- rows


def lcg_next(state):
    """One step of the 64-bit LCG: state * 6364136223846793005 + 1442695040888963407 mod 2**64."""
    return (state * LCG_MUL + LCG_INC) & MASK64


def make_text(row_id):
    """The deterministic pseudo-text of row `row_id` (ASCII, 120 to 307 bytes).

        s0     = lcg_next(row_id)                  # row_id * MUL + INC mod 2**64
        target = 120 + (s0 >> 40) % 181            # 120 ... 300
        s_k    = lcg_next(s_{k-1}),  word_k = WORDS[(s_k >> 33) % 64]   for k = 1, 2, ...
        text   = word_1 + " " + word_2 + ...       # stop after the first word that
                                                   # makes len(text) >= target

    The target comes from s0 only; every word, the first included, advances the
    state first. Words are at most 7 bytes, so len(text) <= 299 + 1 + 7 = 307.
    """
    state = lcg_next(row_id)
    target = 120 + (state >> 40) % 181
    words = []
    length = -1  # no separator before the first word
    while length < target:
        state = lcg_next(state)
        word = WORDS[(state >> 33) % 64]
        words.append(word)
        length += 1 + len(word)
    return " ".join(words)


def make_rows(start, count):
    """Rows start ... start+count-1 of the benchmark table, as a pyarrow Table.

    Schema (no nulls, one chunk):
      id       int64                  = row number i
      session  string                 = "s" + (i % 100) as 3 zero-padded digits ("s000" ... "s099")
      ts       timestamp[us, tz=UTC]  = 1_700_000_000_000_000 + i * 1_000_000
      text     string                 = make_text(i)
    """
    ids = range(start, start + count)
    id_array = np.arange(start, start + count, dtype=np.int64)
    return pa.table({
        "id": pa.array(id_array),
        "session": pa.array([f"s{i % 100:03d}" for i in ids], pa.string()),
        "ts": pa.array(TS_BASE_US + id_array * TS_STEP_US, SCHEMA.field("ts").type),
        "text": pa.array([make_text(i) for i in ids], pa.string()),
    }, schema=SCHEMA)


# ---------------------------------------------------------------- plan


class Plan:
    """Sizes for one run (full or --quick). Metric names keep the full sizes;
    each line's "rows" says what was actually used."""

    def __init__(self, quick):
        self.append1_rows = 200 if quick else 1_000
        self.append10k_rows = 2_000 if quick else 10_000
        self.bulk_rows = 50_000 if quick else 200_000
        self.versions = 200 if quick else 1_000
        self.opens = 20
        self.scan_rows = 200_000 if quick else 1_000_000
        self.scans = 5


# ---------------------------------------------------------------- helpers


def emit(metric, value, unit, rows, repeat, versions):
    """Print one result line on stdout and flush."""
    print(json.dumps({"bench": "table", "system": SYSTEM, "metric": metric,
                      "value": round(value, 3), "unit": unit, "rows": rows,
                      "repeat": repeat, "versions": versions}), flush=True)


def log(msg):
    """Progress message on stderr."""
    print(f"[table_peers] {msg}", file=sys.stderr, flush=True)


def timed(fn):
    """Wall time of one call to fn in seconds, with gc disabled; returns (seconds, result)."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        result = fn()
        return (time.perf_counter_ns() - t0) / 1e9, result
    finally:
        gc.enable()


def fresh_table(db, name):
    """A new table holding row 0 only (one commit, version 1)."""
    return db.create_table(name, make_rows(0, 1), mode="overwrite")


def append_singly(table, rows):
    """A function appending each row of a pyarrow Table with its own
    `table.add([row])` call (row = dict); the dicts are built before it runs."""
    dicts = rows.to_pylist()

    def append():
        for row in dicts:
            table.add([row])

    return append


def regular_files(path):
    """Number and total size of regular files under path, recursively."""
    files = [p for p in Path(path).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# ---------------------------------------------------------------- benches


def bench_append1(db, plan, repeats, versions):
    """append1_rows_per_s: N single-row adds to a fresh one-row table."""
    rows = make_rows(1, plan.append1_rows)
    for rep in range(repeats):
        table = fresh_table(db, "append1")
        seconds, _ = timed(append_singly(table, rows))
        emit("append1_rows_per_s", rows.num_rows / seconds, "rows/s", rows.num_rows, rep, versions)
        db.drop_table("append1")


def bench_append10k(db, plan, repeats, versions):
    """Files, fragments and bytes left by 10k single-row adds, and their wall time."""
    rows = make_rows(1, plan.append10k_rows)
    n = rows.num_rows
    for rep in range(repeats):
        table = fresh_table(db, "append10k")
        seconds, _ = timed(append_singly(table, rows))
        files, size = regular_files(table.uri)
        fragments = len(lance.dataset(table.uri).get_fragments())
        emit("append10k_seconds", seconds, "s", n, rep, versions)
        emit("files_after_10k_appends", files, "files", n, rep, versions)
        emit("fragments_after_10k_appends", fragments, "fragments", n, rep, versions)
        emit("bytes_after_10k_appends", size, "bytes", n, rep, versions)
        db.drop_table("append10k")


def bench_bulk(db, plan, repeats, versions):
    """bulk_append_mbps: one `table.add(arrow_table)` of many rows to a fresh one-row table."""
    batch = make_rows(1, plan.bulk_rows)
    mb = batch.nbytes / 1e6
    for rep in range(repeats):
        table = fresh_table(db, "bulk")
        seconds, _ = timed(lambda: table.add(batch))
        emit("bulk_append_mbps", mb / seconds, "MB/s", batch.num_rows, rep, versions)
        db.drop_table("bulk")


def open_ms(open_fn, expected_version, count):
    """Median ms of count calls of open_fn, each checked to see expected_version."""
    open_fn()  # warm the OS caches once
    times = []
    for _ in range(count):
        seconds, opened = timed(open_fn)
        if opened.version != expected_version:
            raise RuntimeError(f"opened version {opened.version}, expected {expected_version}")
        times.append(seconds)
    return statistics.median(times) * 1e3


def bench_open(db, db_dir, plan, repeats, versions):
    """Open the latest version of a table with many versions (one row per version):
    `lance.dataset(path)` and `lancedb.connect(dir).open_table(name)`, a new
    object each time."""
    table = fresh_table(db, "open")
    append_singly(table, make_rows(1, plan.versions - 1))()
    assert table.version == plan.versions
    path = table.uri
    for rep in range(repeats):
        ms = open_ms(lambda: lance.dataset(path), plan.versions, plan.opens)
        emit("open_latest_ms_1000_versions", ms, "ms", plan.versions, rep, versions)
        ms = open_ms(lambda: lancedb.connect(db_dir).open_table("open"), plan.versions, plan.opens)
        emit("open_latest_ms_1000_versions_lancedb", ms, "ms", plan.versions, rep, versions)
    db.drop_table("open")


def bench_scan(db, plan, repeats, versions):
    """Full scan of every column after deleting 10% of the rows by predicate."""
    table = db.create_table("scan", make_rows(0, plan.scan_rows), mode="overwrite")
    table.delete(DELETE_PREDICATE)
    expected = plan.scan_rows - (plan.scan_rows + 9) // 10
    ds = lance.dataset(table.uri)

    def scan():
        """Seconds and nbytes of one full read; the result is freed before the next."""
        seconds, result = timed(ds.to_table)
        if result.num_rows != expected:
            raise RuntimeError(f"scan returned {result.num_rows} rows, expected {expected}")
        return seconds, result.nbytes

    for rep in range(repeats):
        scan()  # warm-up, untimed
        runs = [scan() for _ in range(plan.scans)]
        seconds = statistics.median(s for s, _ in runs)
        nbytes = runs[0][1]
        emit("scan_10pct_deleted_mrows_per_s", expected / 1e6 / seconds, "Mrows/s", expected, rep, versions)
        emit("scan_10pct_deleted_mbps", nbytes / 1e6 / seconds, "MB/s", expected, rep, versions)
    db.drop_table("scan")


# ---------------------------------------------------------------- driver


def library_versions(db):
    """Package versions, plus the Lance file format lancedb writes by default."""
    table = fresh_table(db, "probe")
    storage = lance.dataset(table.uri).data_storage_version
    db.drop_table("probe")
    return {"python": platform.python_version(), "lancedb": lancedb.__version__,
            "pylance": lance.__version__, "pyarrow": pa.__version__, "numpy": np.__version__,
            "lance_data_storage_version": storage}


def parse_args(argv):
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for smoke tests")
    ap.add_argument("--repeat", type=int, default=3, help="times each metric is measured and printed")
    ap.add_argument("--work", help="scratch directory (default: a temp dir, deleted at end)")
    ap.add_argument("--benches", default=",".join(BENCHES),
                    help=f"comma list, subset of {','.join(BENCHES)}")
    args = ap.parse_args(argv)
    args.benches = [b.strip() for b in args.benches.split(",") if b.strip()]
    bad = [b for b in args.benches if b not in BENCHES]
    if bad or args.repeat < 1:
        ap.error(f"unknown bench {', '.join(bad)}" if bad else "--repeat must be at least 1")
    return args


def run(args, work):
    """Run the requested benches against a lancedb database under work."""
    plan = Plan(args.quick)
    db_dir = str(work / "lancedb")
    db = lancedb.connect(db_dir)
    versions = library_versions(db)
    benches = {
        "append1": lambda: bench_append1(db, plan, args.repeat, versions),
        "append10k": lambda: bench_append10k(db, plan, args.repeat, versions),
        "bulk": lambda: bench_bulk(db, plan, args.repeat, versions),
        "open": lambda: bench_open(db, db_dir, plan, args.repeat, versions),
        "scan": lambda: bench_scan(db, plan, args.repeat, versions),
    }
    for name in args.benches:
        log(name)
        benches[name]()


def main(argv=None):
    """Entry point."""
    args = parse_args(argv)
    if args.work:
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        run(args, work)
    else:
        with tempfile.TemporaryDirectory(prefix="strata-table-peers-") as tmp:
            run(args, Path(tmp))


if __name__ == "__main__":
    main()
