#!/usr/bin/env python3
"""Scalar-index (filter) benchmark: Strata against LanceDB / pylance scalar indexes and DuckDB.

    PY=~/.cache/strata/bench-venv/bin/python
    $PY scalar_bench.py prepare --out ~/.cache/strata/scalar-inputs [--rows 1000000] [--seed 7]
    $PY scalar_bench.py run --data ~/.cache/strata/scalar-inputs \
        [--systems lance-btree,lance-bitmap,lance-scan,duckdb,strata] [--strata-command "CMD ARGS"] \
        [--queries-per-type N] [--scratch DIR] --out results.jsonl
    $PY scalar_bench.py report results.jsonl [more.jsonl ...]

Needs: Python >= 3.9, numpy, pyarrow, pylance (`lance`), duckdb.

Data (`prepare`)
----------------
`DIR/scalar/` holds one table of N rows (default 1,000,000) drawn with numpy's Generator
(`default_rng([seed, 0])`, in this order):

* `id`         int64   = row number 0..N-1 (systems return these values),
* `category`   int32   100 distinct values 0..99, drawn uniformly (`integers(0, 100)`),
* `value`      float64 uniform in [0, 1) (`random()`),
* `created_at` int64   microseconds since the Unix epoch, uniform over one year starting
                        2025-01-01T00:00:00Z (`integers(0, 365 days)`); random order, NOT sorted.

Files:

* `columns/{id.i64,category.i32,value.f64,created_at.i64}` -- raw little-endian arrays, row i at
  offset i x width; `columns/columns.json` = `{"rows", "byte_order": "little", "columns": [{"name",
  "file", "dtype"}]}`.
* `data.parquet` -- the same table (pyarrow, default settings) for the peers.
* `queries.jsonl` -- 200 `range` queries then 200 `equal` queries (`default_rng([seed, 1])`):
    {"id": "range-3", "type": "range", "column": "value", "low": x, "high": y,
     "where": "value >= x AND value < y"}
    {"id": "equal-5", "type": "equal", "column": "category", "value": c, "where": "category = c"}
  range: low uniform in [0, 0.99) rounded to 6 decimals, high = low + 0.01 (also rounded to 6
  decimals, so the width is exactly 0.01 in decimal); ~1 % of the rows match. Rounding to a 1e-6
  grid keeps the literals short, and every parser reads them as the same double (DuckDB reads
  `0.123456` as DECIMAL(6,6) and divides by 10^6, which is exact-then-rounded-once; a 17-digit
  repr would be rounded twice there). Floats are printed with repr (round-trip exact).
  equal: c uniform in 0..99; ~1 % of the rows match. `where` is Strata's predicate syntax and is
  also valid SQL for DuckDB and Lance (DataFusion).
* `truth.jsonl` -- `{"id", "count", "id_sum"}` per query, computed with numpy (exact).
* `PREPARED.json` -- how it was made.

Measurement (`run`)
-------------------
Before the first build, each library is loaded and exercised once on a throwaway 1,000-row
dataset (and DuckDB reads the parquet file once), untimed, so the first system built does not
pay start-up costs for the others.
Each query returns the `id` values of ALL matching rows (~10,000 per query): that is the work
measured -- find the rows and hand their ids to the caller as an array. Per system: build from
the data (build s = ingest + index build), disk bytes, then per query type: 20 warm-up queries
(the first 20 of the type, untimed), then every query of the type one at a time from one
thread, each timed with perf_counter_ns around the call that returns the ids as a numpy array.
In-process systems are interleaved: the queries of a type are cut into 5 blocks and in block b
the systems run in an order rotated by b (the peers harness method); GC is off inside a block.
The count and id sum used for checking are taken after the clock stops.

* p50 / p99 ms, QPS = queries / sum of latencies (single thread, warm, serial),
* correct = share of queries whose count AND id sum equal truth.jsonl (must be 1.0).

Scratch (`--scratch`, default ~/.cache/strata/scalar-work): one folder per system, `plans/
<system>.<type>.txt` (the plan of the first query of each type), `strata.stderr.log`,
`strata.stdout.jsonl`. Results are appended to `--out`, one JSON object per (system/config,
query type): build fields, p50/p99/mean ms, qps, correct, wrong, mean_count, plan, uses_index,
versions, host.

Systems:

* `lance-btree`  -- `lance.write_dataset(table)`, then `create_scalar_index("value", "BTREE")` and
                    `create_scalar_index("category", "BTREE")`.
* `lance-bitmap` -- BITMAP on `category` and BTREE on `value` (bitmap is wrong for a continuous
                    column), so its range queries run the same plan as lance-btree.
* `lance-scan`   -- no index.
  Queries: `ds.to_table(columns=["id"], filter=where).column(0).to_numpy()` (dataset API; the
  lancedb wrapper adds per-query overhead). Lance keeps its own runtime (2 cores here). The
  plan of the first query of each type (`scanner(...).explain_plan(True)`) is kept in the record
  (`plan`, `uses_index` = it contains ScalarIndexQuery or MaterializeIndex).
* `duckdb`       -- a persistent database file; `CREATE TABLE t AS SELECT * FROM 'data.parquet'`
                    + CHECKPOINT (2 threads), then `SET threads TO 1` and
                    `con.execute("SELECT id FROM t WHERE " + where).fetchnumpy()["id"]`.
* `duckdb-art`   -- the same plus `CREATE INDEX t_category ON t (category)` (ART) + CHECKPOINT.
                    DuckDB answers an equality from an ART only when it matches at most
                    max(index_scan_max_count = 2048, index_scan_percentage = 0.001 x rows) rows,
                    decided while executing (plain EXPLAIN always shows a Sequential Scan), so
                    `uses_index` = EXPLAIN ANALYZE of the first query shows "Index Scan". It does
                    not use an ART for a range (`value >= a AND value < b`) at all, hence none on value.
* `duckdb-art-forced` -- `duckdb-art` with `SET index_scan_max_count = 2000000000` and
                    `SET index_scan_percentage = 1.0`: what the ART does for every equality.
* `duckdb-t2`    -- `duckdb` with `SET threads TO 2` (its own database file and instance).
* `strata`       -- an external runner, protocol strata-scalar/1 (below), run after the
                    in-process systems; may report several configs (rows `strata/<config>`).

Strata runner protocol `strata-scalar/1`
----------------------------------------
`run --systems ...,strata --strata-command "CMD ARGS"` starts CMD once (cwd = the current
directory, `{python}` = this interpreter), writes ONE JSON object to its stdin and closes it:

    {"protocol": "strata-scalar/1", "columns": "/abs/DIR/scalar/columns",
     "queries": "/abs/DIR/scalar/queries.jsonl", "warmup_queries": 20,
     "scratch_dir": "/abs/<scratch>/strata"}           # empty; the runner owns it

(`queries` is a subset file in the scratch folder when --queries-per-type limits the run.)
The queries file is grouped by type (all `range`, then all `equal`). The runner loads the
columns (reading the raw files is not timed), and for each configuration it builds prints
on stdout (lines not starting with `{` are ignored; log to stderr, which is saved to
<scratch>/strata.stderr.log):

    {"type": "build", "config": "btree", "rows": N, "ingest_s": x, "build_s": y,
     "index_bytes": b, "disk_bytes": d}

  ingest_s = time until the rows are written and committed; build_s = index build after that;
  index_bytes = the indexes alone, disk_bytes = everything the configuration wrote. Then per
  query type, in file order: run the first min(warmup_queries, n) queries of the type untimed,
  then ALL n queries of the type one at a time on one thread in file order, timing each from
  the `where` text to the matching ids in memory, and print

    {"type": "queries", "config": "btree", "query_type": "range",
     "latencies_ns": [n ints], "counts": [n ints], "id_sums": [n ints]}

  A queries line without `config` belongs to the last build line. Exit status != 0 => recorded
  as skipped with the tail of stderr; a type with a missing line or wrong lengths is recorded as
  skipped. Extra fields (e.g. "note") are kept as the build note.
"""
import argparse
import gc
import json
import os
import platform
import shlex
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench_common  # noqa: E402
from bench_common import dir_bytes, host_info, log, read_jsonl, versions, write_jsonl  # noqa: E402


def library_versions():
    return versions(("numpy", "pyarrow", "pylance", "lancedb", "duckdb"))

os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

TYPES = ["range", "equal"]
N_QUERIES = 200
WARMUP = 20
BLOCKS = 5
CATEGORIES = 100
RANGE_WIDTH = 0.01
DECIMALS = 6
YEAR_START_US = 1_735_689_600 * 10**6  # 2025-01-01T00:00:00Z
YEAR_US = 365 * 86_400 * 10**6
COLUMNS = [("id", "int64", "id.i64"), ("category", "int32", "category.i32"),
           ("value", "float64", "value.f64"), ("created_at", "int64", "created_at.i64")]


# ================================================================ prepare

def make_queries(qrng, n):
    out = []
    for j in range(n):
        low = round(float(qrng.uniform(0.0, 1.0 - RANGE_WIDTH)), DECIMALS)
        high = round(low + RANGE_WIDTH, DECIMALS)
        out.append({"id": f"range-{j}", "type": "range", "column": "value", "low": low, "high": high,
                    "where": f"value >= {low!r} AND value < {high!r}"})
    for j in range(n):
        c = int(qrng.integers(0, CATEGORIES))
        out.append({"id": f"equal-{j}", "type": "equal", "column": "category", "value": c,
                    "where": f"category = {c}"})
    return out


def cmd_prepare(args):
    import pyarrow as pa
    import pyarrow.parquet as pq
    t0 = time.perf_counter()
    root = Path(args.out).expanduser().resolve() / "scalar"
    cols_dir = root / "columns"
    cols_dir.mkdir(parents=True, exist_ok=True)
    n = args.rows
    rng = np.random.default_rng([args.seed, 0])
    data = {
        "id": np.arange(n, dtype=np.int64),
        "category": rng.integers(0, CATEGORIES, size=n, dtype=np.int32),
        "value": rng.random(n, dtype=np.float64),
        "created_at": YEAR_START_US + rng.integers(0, YEAR_US, size=n, dtype=np.int64),
    }
    for name, dtype, fname in COLUMNS:
        data[name].astype(np.dtype(dtype).newbyteorder("<"), copy=False).tofile(cols_dir / fname)
    (cols_dir / "columns.json").write_text(json.dumps({
        "rows": n, "byte_order": "little",
        "columns": [{"name": name, "file": fname, "dtype": dtype} for name, dtype, fname in COLUMNS],
        "created_at_unit": "microseconds since 1970-01-01T00:00:00Z"}, indent=1) + "\n")
    t_cols = time.perf_counter() - t0
    pq.write_table(pa.table({name: data[name] for name, _, _ in COLUMNS}), root / "data.parquet")
    t_parquet = time.perf_counter() - t0 - t_cols

    queries = make_queries(np.random.default_rng([args.seed, 1]), args.queries_per_type)
    write_jsonl(root / "queries.jsonl", queries)
    ids, value, category = data["id"], data["value"], data["category"]
    truth = []
    for q in queries:
        if q["type"] == "range":
            mask = (value >= q["low"]) & (value < q["high"])
        else:
            mask = category == q["value"]
        truth.append({"id": q["id"], "count": int(mask.sum()), "id_sum": int(ids[mask].sum())})
    write_jsonl(root / "truth.jsonl", truth)
    counts = {t: [r["count"] for r, q in zip(truth, queries) if q["type"] == t] for t in TYPES}
    stamp = {"rows": n, "seed": args.seed, "queries_per_type": args.queries_per_type,
             "generator": "numpy default_rng([seed, 0]) for data (category, value, created_at in that order); "
                          "default_rng([seed, 1]) for queries (range then equal)",
             "columns": {"id": "int64 row number", "category": f"int32 uniform 0..{CATEGORIES - 1}",
                         "value": "float64 uniform [0, 1)",
                         "created_at": f"int64 µs, uniform over [{YEAR_START_US}, {YEAR_START_US + YEAR_US}) "
                                       "(2025, one year), unsorted"},
             "queries": {"range": f"value >= low AND value < high; low uniform [0, {1 - RANGE_WIDTH}) rounded to "
                                  f"{DECIMALS} decimals, high = round(low + {RANGE_WIDTH}, {DECIMALS})",
                         "equal": f"category = c, c uniform 0..{CATEGORIES - 1}"},
             "matches": {t: {"mean": float(np.mean(c)), "min": int(min(c)), "max": int(max(c))}
                         for t, c in counts.items() if c},
             "seconds": {"columns": round(t_cols, 2), "parquet": round(t_parquet, 2),
                         "total": round(time.perf_counter() - t0, 2)},
             "bytes": {"columns": dir_bytes(cols_dir), "parquet": (root / "data.parquet").stat().st_size},
             "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "versions": library_versions()}
    (root / "PREPARED.json").write_text(json.dumps(stamp, indent=1) + "\n")
    log(f"prepared {root}: {n:,} rows, {len(queries)} queries; matches "
        + ", ".join(f"{t} mean {s['mean']:.0f} [{s['min']}, {s['max']}]" for t, s in stamp["matches"].items())
        + f"; {stamp['seconds']['total']}s")


# ================================================================ systems

def lance_uses_index(plan):
    return "ScalarIndexQuery" in plan or "MaterializeIndex" in plan


class Lance:
    """pylance dataset API; `indexes` = [(column, index_type)]."""
    indexes = []

    def __init__(self, scratch):
        self.path = scratch / self.name / "t.lance"

    @property
    def config(self):
        return {"indexes": [f"{t} on {c}" for c, t in self.indexes] or "none",
                "api": "lance.dataset(p).to_table(columns=['id'], filter=where).column(0).to_numpy()",
                "query_threads": "Lance's own runtime (not configurable per query; 2 cores here)"}

    def build(self, table):
        import lance
        shutil.rmtree(self.path.parent, ignore_errors=True)
        self.path.parent.mkdir(parents=True)
        t = time.perf_counter()
        lance.write_dataset(table, str(self.path))
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        ds = lance.dataset(str(self.path))
        for column, kind in self.indexes:
            ds.create_scalar_index(column, kind)
        build_s = time.perf_counter() - t
        self.ds = lance.dataset(str(self.path))
        storage = getattr(self.ds, "data_storage_version", None)
        return {"ingest_s": ingest_s, "build_s": build_s, "disk_bytes": dir_bytes(self.path),
                "index_bytes": dir_bytes(self.path / "_indices") if self.indexes else 0,
                "note": f"ingest = write_dataset from an in-memory arrow table (data_storage_version {storage}); "
                        f"build = create_scalar_index x{len(self.indexes)}; disk = dataset dir, index = _indices"}

    def explain(self, where):
        return self.ds.scanner(columns=["id"], filter=where).explain_plan(True)

    def fn(self, queries):
        ds = self.ds
        wheres = [q["where"] for q in queries]
        return lambda i: ds.to_table(columns=["id"], filter=wheres[i]).column(0).to_numpy()


class LanceBtree(Lance):
    name = "lance-btree"
    indexes = [("value", "BTREE"), ("category", "BTREE")]


class LanceBitmap(Lance):
    name = "lance-bitmap"
    indexes = [("value", "BTREE"), ("category", "BITMAP")]


class LanceScan(Lance):
    name = "lance-scan"
    indexes = []


class DuckDB:
    name = "duckdb"
    threads = 1
    art = []
    settings = []  # extra SET statements for the query connection

    def __init__(self, scratch):
        self.path = scratch / self.name / "t.duckdb"

    @property
    def config(self):
        return {"query_threads": self.threads, "build_threads": 2,
                "indexes": [f"ART on {c}" for c in self.art] or "none", "settings": self.settings,
                "api": 'con.execute("SELECT id FROM t WHERE " + where).fetchnumpy()["id"]'}

    def build(self, parquet):
        import duckdb
        shutil.rmtree(self.path.parent, ignore_errors=True)
        self.path.parent.mkdir(parents=True)
        con = duckdb.connect(str(self.path))
        con.execute("SET threads TO 2")
        t = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM '{parquet}'")
        con.execute("CHECKPOINT")
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        for c in self.art:
            con.execute(f"CREATE INDEX t_{c} ON t ({c})")
        con.execute("CHECKPOINT")
        build_s = time.perf_counter() - t if self.art else 0.0
        con.execute(f"SET threads TO {self.threads}")
        for stmt in self.settings:
            con.execute(stmt)
        self.con = con
        return {"ingest_s": ingest_s, "build_s": build_s, "disk_bytes": dir_bytes(self.path.parent),
                "index_bytes": None,
                "note": "ingest = CREATE TABLE AS SELECT * FROM parquet + CHECKPOINT (2 threads); "
                        + (f"build = CREATE INDEX (ART) on {', '.join(self.art)} + CHECKPOINT; " if self.art else "")
                        + f"queries with SET threads TO {self.threads}"
                        + "".join(f"; {stmt}" for stmt in self.settings) + "; disk = database file (+ wal)"}

    def explain(self, where):
        # Plain EXPLAIN always shows a Sequential Scan: DuckDB picks the ART index scan while
        # executing (it counts the matching row ids first), so only EXPLAIN ANALYZE tells.
        rows = self.con.execute(f"EXPLAIN ANALYZE SELECT id FROM t WHERE {where}").fetchall()
        return "\n".join(r[-1] for r in rows)

    def fn(self, queries):
        ex = self.con.execute
        sqls = [f"SELECT id FROM t WHERE {q['where']}" for q in queries]
        return lambda i: ex(sqls[i]).fetchnumpy()["id"]


class DuckDBArt(DuckDB):
    name = "duckdb-art"
    art = ["category"]


class DuckDBArtForced(DuckDBArt):
    """ART on category with the index-scan limits lifted, so the ART answers every equality."""
    name = "duckdb-art-forced"
    settings = ["SET index_scan_max_count = 2000000000", "SET index_scan_percentage = 1.0"]


class DuckDBT2(DuckDB):
    name = "duckdb-t2"
    threads = 2


SYSTEMS = {c.name: c for c in (LanceBtree, LanceBitmap, LanceScan, DuckDB, DuckDBArt, DuckDBArtForced, DuckDBT2)}


def uses_index(name, plan):
    if name.startswith("lance"):
        return lance_uses_index(plan)
    return "INDEX_SCAN" in plan.upper().replace(" ", "_")


# ================================================================ measurement

def measure(arms, nq, warmup=WARMUP, blocks=BLOCKS):
    """arms: {name: fn(i) -> numpy array of ids}; see bench_common.measure. Count and id sum are
    taken after the clock stops; a query that raises counts as count -1 (wrong)."""
    lat, results, errors = bench_common.measure(arms, nq, warmup, blocks)
    counts = {n: np.array([len(r) if r is not None else -1 for r in rs], dtype=np.int64) for n, rs in results.items()}
    sums = {n: [int(np.asarray(r, dtype=np.int64).sum()) if r is not None else None for r in rs] for n, rs in results.items()}
    return lat, counts, sums, errors


def metrics(lat_ns, counts, sums, truth):
    lat = np.asarray(lat_ns, dtype=np.int64)
    ok = [int(c) == t["count"] and s is not None and int(s) == t["id_sum"] for c, s, t in zip(counts, sums, truth)]
    return {"n_queries": len(lat), "p50_ms": float(np.percentile(lat, 50)) / 1e6,
            "p99_ms": float(np.percentile(lat, 99)) / 1e6, "mean_ms": float(lat.mean()) / 1e6,
            "qps": len(lat) / (lat.sum() / 1e9) if lat.sum() else None,
            "correct": float(np.mean(ok)), "wrong": int(len(ok) - sum(ok)),
            "mean_count": float(np.mean(counts))}


def run_strata(cmd, task_files, scratch):
    """Protocol strata-scalar/1 (see the module docstring).
    Returns ([build dicts in order], {(config, qtype): queries dict}, error-or-None)."""
    task = {"protocol": "strata-scalar/1", **task_files, "warmup_queries": WARMUP}
    lines, error = bench_common.run_external(cmd, task, scratch)
    if error:
        return [], {}, error
    builds, res, current = [], {}, None
    for m in lines:
        if m.get("type") == "build":
            current = m.get("config") or f"config{len(builds)}"
            m["config"] = current
            builds.append(m)
        elif m.get("type") == "queries":
            res[(m.get("config") or current, m.get("query_type"))] = m
    return builds, res, None if builds else "runner printed no build line"


def warm_up_libraries(systems, table, parquet, scratch):
    """Untimed: load each library, start its thread pools and read the parquet file once, so
    the first system built does not pay one-off start-up costs the others skip."""
    if any(s.startswith("lance") for s in systems):
        import lance
        p = scratch / "warmup" / "w.lance"
        shutil.rmtree(p.parent, ignore_errors=True)
        lance.write_dataset(table.slice(0, 1000), str(p))
        lance.dataset(str(p)).to_table(columns=["id"], filter="value >= 0.5")
        shutil.rmtree(p.parent, ignore_errors=True)
    if any(s.startswith("duckdb") for s in systems):
        import duckdb
        con = duckdb.connect()
        con.execute(f"SELECT count(*), sum(value) FROM '{parquet}'").fetchall()
        con.close()


def cmd_run(args):
    import pyarrow.parquet as pq
    data = Path(args.data).expanduser().resolve() / "scalar"
    scratch = Path(args.scratch or "~/.cache/strata/scalar-work").expanduser().resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    systems = args.systems.split(",")
    if "strata" in systems and not args.strata_command:
        sys.exit("--systems strata needs --strata-command")
    for name in systems:
        if name != "strata" and name not in SYSTEMS:
            sys.exit(f"unknown system {name} (have {', '.join(SYSTEMS)}, strata)")
    parquet = data / "data.parquet"
    rows = json.loads((data / "columns" / "columns.json").read_text())["rows"]
    allq = read_jsonl(data / "queries.jsonl")
    truth = {t["id"]: t for t in read_jsonl(data / "truth.jsonl")}
    by_type = {t: [q for q in allq if q["type"] == t][:args.queries_per_type] for t in TYPES}
    by_type = {t: qs for t, qs in by_type.items() if qs}
    run_id = time.strftime("%Y%m%dT%H%M%S")
    base = {"run_id": run_id, "rows": rows, "warmup_queries": WARMUP, "blocks": BLOCKS,
            "versions": library_versions(), "host": host_info()}
    log(f"run {run_id}: {rows:,} rows, " + ", ".join(f"{t}={len(q)}" for t, q in by_type.items())
        + f"; scratch {scratch}")
    out = open(args.out, "a")

    def emit(rec):
        rec = {**base, "ts": time.strftime("%Y-%m-%dT%H:%M:%S"), **rec}
        out.write(json.dumps(rec) + "\n")
        out.flush()
        if rec["record"] == "measurement":
            log(f"  {rec['label']:16s} {rec['query_type']:6s} p50 {rec['p50_ms']:.3f} ms  p99 {rec['p99_ms']:.3f} ms"
                f"  QPS {rec['qps']:8.0f}  correct {rec['correct']:.3f}  n {rec['mean_count']:.0f}"
                + (f"  index used: {rec['uses_index']}" if rec.get("uses_index") is not None else ""))
        else:
            log(f"  {rec.get('label', rec['system'])}: {rec['record']} {rec.get('query_type', '')} {rec.get('reason', '')}")

    def build_fields(b):
        return {"ingest_s": b.get("ingest_s", 0.0), "build_s": b.get("build_s", 0.0),
                "total_build_s": b.get("ingest_s", 0.0) + b.get("build_s", 0.0),
                "index_bytes": b.get("index_bytes"), "disk_bytes": b.get("disk_bytes"), "build_note": b.get("note")}

    engines, builds, plans = {}, {}, {}
    inproc = [s for s in systems if s != "strata"]
    table = pq.read_table(parquet) if any(s.startswith("lance") for s in inproc) else None
    plan_dir = scratch / "plans"
    plan_dir.mkdir(exist_ok=True)
    warm_up_libraries(inproc, table, parquet, scratch)
    for name in inproc:
        eng = SYSTEMS[name](scratch)
        log(f"build {name} ...")
        gc.collect()
        b = eng.build(table if name.startswith("lance") else parquet)
        log(f"  {name}: ingest {b['ingest_s']:.2f}s + index {b['build_s']:.2f}s, "
            f"index {b.get('index_bytes') or 0:,} B, disk {b['disk_bytes']:,} B")
        engines[name], builds[name] = eng, build_fields(b)
        for t, qs in by_type.items():
            plan = eng.explain(qs[0]["where"])
            plans[(name, t)] = plan
            (plan_dir / f"{name}.{t}.txt").write_text(f"-- {qs[0]['where']}\n{plan}\n")
            log(f"  {name} {t} plan uses index: {uses_index(name, plan)}")
    del table

    results = {}
    for t, qs in by_type.items():
        if not engines:
            break
        arms = {name: eng.fn(qs) for name, eng in engines.items()}
        log(f"queries {t} ({len(qs)}): {', '.join(arms)}")
        lat, counts, sums, errs = measure(arms, len(qs))
        for name in arms:
            results[(name, t)] = (lat[name], counts[name], sums[name], errs[name])
    for (name, t), (lat, counts, sums, errs) in results.items():
        qs = by_type[t]
        m = metrics(lat, counts, sums, [truth[q["id"]] for q in qs])
        plan = plans[(name, t)]
        emit({"record": "measurement", "system": name, "label": name, "query_type": t, "api": "in-process",
              "config": engines[name].config, **builds[name], **m, "plan_query": qs[0]["where"], "plan": plan,
              "uses_index": uses_index(name, plan), "errors": len(errs), "error_examples": errs[:3]})

    if "strata" in systems:
        cmd = [c.replace("{python}", sys.executable) for c in shlex.split(args.strata_command)]
        qfile = data / "queries.jsonl"
        if any(len(qs) < sum(1 for q in allq if q["type"] == t) for t, qs in by_type.items()):
            qfile = scratch / "strata-queries.jsonl"
            write_jsonl(qfile, (q for t in TYPES for q in by_type.get(t, [])))
        bl, res, err = run_strata(cmd, {"columns": str(data / "columns"), "queries": str(qfile)}, scratch)
        if err:
            emit({"record": "skipped", "system": "strata", "label": "strata", "reason": err, "command": cmd})
        for b in bl:
            config = b["config"]
            label = f"strata/{config}"
            bf = build_fields(b)
            if b.get("rows") != rows:
                bf["build_note"] = f"runner reported {b.get('rows')} rows, table has {rows}; " + (bf["build_note"] or "")
            for t, qs in by_type.items():
                m_ = res.get((config, t))
                if m_ is None:
                    emit({"record": "skipped", "system": "strata", "label": label, "config": config,
                          "query_type": t, "reason": "runner did not report"})
                    continue
                lat, counts, sums = m_.get("latencies_ns", []), m_.get("counts", []), m_.get("id_sums", [])
                if not (len(lat) == len(counts) == len(sums) == len(qs)):
                    emit({"record": "skipped", "system": "strata", "label": label, "config": config, "query_type": t,
                          "reason": f"runner reported {len(lat)} latencies / {len(counts)} counts / "
                                    f"{len(sums)} id sums for {len(qs)} queries"})
                    continue
                m = metrics(lat, counts, sums, [truth[q["id"]] for q in qs])
                emit({"record": "measurement", "system": "strata", "label": label, "query_type": t,
                      "api": "external", "config": config, "command": cmd, **bf, **m, "errors": 0,
                      **({"note": m_["note"]} if "note" in m_ else {})})
    out.close()


# ================================================================ report

def fmt(x, digits=0):
    return "–" if x is None else f"{x:,.{digits}f}"


def cmd_report(args):
    recs = [r for f in args.results for r in read_jsonl(f)]
    latest = {}  # (label, type) -> record; later lines win
    for r in recs:
        latest[(r.get("label", r["system"]), r.get("query_type"))] = r
    order = ["lance-btree", "lance-bitmap", "lance-scan", "duckdb", "duckdb-art", "duckdb-art-forced", "duckdb-t2"]
    labels = list(dict.fromkeys(k[0] for k in latest))
    labels.sort(key=lambda s: (order.index(s) if s in order else len(order), s))
    types = [t for t in TYPES if any(k[1] == t for k in latest)]

    def meas(label, t):
        r = latest.get((label, t))
        return r if r and r["record"] == "measurement" else None

    def best(prefix, t, exclude=()):
        cands = [(meas(s, t)["qps"], s) for s in labels
                 if s.startswith(prefix) and s not in exclude and meas(s, t) and meas(s, t)["qps"]]
        return max(cands) if cands else (None, None)

    baselines = {t: {"lance": best("lance", t), "duckdb": best("duckdb", t, exclude=("duckdb-t2",))} for t in types}
    any_rec = recs[-1]
    runs = sorted({r["run_id"] for r in latest.values()})
    print(f"\n### Scalar filters — {any_rec['rows']:,} rows, ids of all matching rows (~1 %), "
          f"runs {', '.join(runs)}\n")
    head = ["system / config", "build s (ingest + index)", "disk MB", "index MB"]
    for t in types:
        head += [f"{t} p50 / p99 ms", f"{t} QPS"]
    head += ["correct (" + " / ".join(types) + ")"]
    head += [f"{t} QPS ×best Lance / ×DuckDB" for t in types]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(head))) + "|")
    for s in labels:
        b = next((r for t in types if (r := meas(s, t))), None)
        if b is None:
            why = next((r.get("reason") for (lab, _), r in latest.items() if lab == s and r.get("reason")), "not run")
            print(f"| {s} | skipped: {why[:80]} |" + " |" * (len(head) - 2))
            continue
        cells = [s, f"{b['total_build_s']:.2f} ({b['ingest_s']:.2f} + {b['build_s']:.2f})",
                 fmt(b.get("disk_bytes") and b["disk_bytes"] / 1e6, 1),
                 fmt(b.get("index_bytes") / 1e6 if b.get("index_bytes") is not None else None, 1)]
        for t in types:
            r = meas(s, t)
            if r is None:
                cells += ["skipped", ""]
                continue
            cells += [f"{r['p50_ms']:.3f} / {r['p99_ms']:.3f}", fmt(r["qps"])]
        cells.append(" / ".join(f"{meas(s, t)['correct']:.3f}" if meas(s, t) else "–" for t in types))
        for t in types:
            r = meas(s, t)
            if not s.startswith("strata") or r is None:
                cells.append("")
                continue
            lq, dq = baselines[t]["lance"][0], baselines[t]["duckdb"][0]
            cells.append(f"{r['qps'] / lq:.2f}× / " if lq else "– / ")
            cells[-1] += f"{r['qps'] / dq:.2f}×" if dq else "–"
        print("| " + " | ".join(cells) + " |")
    print("\nQPS = queries / sum of latencies (one thread, warm, after 20 untimed warm-up queries per type); "
          "correct = share of queries whose count and id sum equal the numpy truth. "
          "Baselines for the ratios: "
          + "; ".join(f"{t}: best Lance = {baselines[t]['lance'][1] or '–'}, DuckDB = {baselines[t]['duckdb'][1] or '–'}"
                      for t in types) + ".")
    used = [f"{s} {t}: {'yes' if meas(s, t).get('uses_index') else 'no'}" for s in labels for t in types
            if meas(s, t) and meas(s, t).get("uses_index") is not None]
    if used:
        print("Index in the plan of the first query: " + ", ".join(used) + ".")


# ================================================================ CLI

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="write the table, queries and truth")
    p.add_argument("--out", required=True)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--queries-per-type", type=int, default=N_QUERIES)
    p = sub.add_parser("run", help="build + query every system, append records to --out")
    p.add_argument("--data", required=True)
    p.add_argument("--systems", default="lance-btree,lance-bitmap,lance-scan,duckdb,strata",
                   help=f"comma list of {', '.join(SYSTEMS)}, strata")
    p.add_argument("--strata-command", help='Strata runner command line, one string (shlex-split; '
                                            '"{python}" = this interpreter)')
    p.add_argument("--queries-per-type", type=int, default=N_QUERIES)
    p.add_argument("--scratch", help="where datasets are built (default ~/.cache/strata/scalar-work)")
    p.add_argument("--out", required=True, help="results JSON-lines file (appended)")
    p = sub.add_parser("report", help="Markdown table from results files")
    p.add_argument("results", nargs="+")
    args = ap.parse_args()
    {"prepare": cmd_prepare, "run": cmd_run, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    main()
