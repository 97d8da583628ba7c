"""Helpers shared by the Python sides of Strata's benchmarks (text, scalar): logging,
JSON-lines files, sizes on disk, and the versions and host recorded with every result."""
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def dir_bytes(path):
    """Bytes of a file, or of every file under a folder (0 when absent)."""
    path = Path(path)
    if not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def versions(dists, **extra):
    """The Python version, `extra`, and the installed version of each distribution in `dists`."""
    out = {"python": platform.python_version(), **extra}
    for dist in dists:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def host_info():
    return {"machine": platform.machine(), "cpus": os.cpu_count(),
            "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def measure(arms, nq, warmup, blocks):
    """arms: {name: fn(i) -> result}. Warms each arm with queries 0..warmup-1 (untimed), then
    times queries 0..nq-1 in `blocks` blocks, rotating the arm order per block (so drift on a
    shared host hurts every arm alike), with the garbage collector off inside a block. Returns
    per arm the latencies (ns), the results (None for a query that raised) and the errors."""
    import gc
    import time
    import numpy as np
    names = list(arms)
    lat = {n: np.zeros(nq, dtype=np.int64) for n in names}
    results = {n: [None] * nq for n in names}
    errors = {n: [] for n in names}
    for n in names:
        for i in range(min(warmup, nq)):
            try:
                arms[n](i)
            except Exception:  # noqa: BLE001 - a failing warm-up query shows again when timed
                pass
    bounds = np.linspace(0, nq, blocks + 1).astype(int)
    clock = time.perf_counter_ns
    for b in range(blocks):
        rot = b % len(names)
        for n in names[rot:] + names[:rot]:
            fn, L, R = arms[n], lat[n], results[n]
            gc.collect()
            gc.disable()
            try:
                for i in range(bounds[b], bounds[b + 1]):
                    t0 = clock()
                    try:
                        r = fn(i)
                    except Exception as e:  # noqa: BLE001 - recorded, not fatal
                        r = None
                        errors[n].append(f"{i}: {type(e).__name__}: {str(e)[:200]}")
                    L[i] = clock() - t0
                    R[i] = r
            finally:
                gc.enable()
    return lat, results, errors


def run_external(cmd, task, scratch):
    """Runs an external Strata runner in `scratch/strata` (emptied first): `task` (to which the
    folder is added as `scratch_dir`) as one JSON object on stdin; its stderr goes to
    `scratch/strata.stderr.log` and its stdout to `scratch/strata.stdout.jsonl`. Returns the
    JSON objects it printed (lines not starting with `{` are ignored) and an error or None."""
    import shutil
    import subprocess
    import time
    scratch = Path(scratch)
    sdir = scratch / "strata"
    shutil.rmtree(sdir, ignore_errors=True)
    sdir.mkdir(parents=True)
    errlog = scratch / "strata.stderr.log"
    log(f"strata: {' '.join(cmd)}  (stderr -> {errlog})")
    t = time.perf_counter()
    with open(errlog, "w") as err:
        p = subprocess.run(cmd, input=json.dumps({**task, "scratch_dir": str(sdir)}), stdout=subprocess.PIPE, stderr=err, text=True)
    log(f"strata: exited {p.returncode} after {time.perf_counter() - t:.1f}s")
    (scratch / "strata.stdout.jsonl").write_text(p.stdout)
    if p.returncode != 0:
        return [], f"runner exited {p.returncode}: {errlog.read_text()[-800:]}"
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")], None
