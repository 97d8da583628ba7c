#!/usr/bin/env python3
"""Prepare extra vector datasets for the peer harness (protocol strata-peers/1) without
modifying the harness itself.

The harness's `run_peers.py prepare` knows two families of datasets:
  * kind "synthetic_vectors" -> base.f32, queries.f32, gt.i32 (+ sidecars)   [used by kind "vector"]
  * anything else            -> SQuAD slice: docs.jsonl, docs.f32, queries.f32, queries.jsonl, gt.i32
but `run_vector` (and every external runner, e.g. Strata's) reads base.f32, so a SQuAD-based
*vector* workload has no base.f32 unless something adds it. This script does, for datasets of
kind "squad_vectors" declared in the (patched) workloads.json:

  * it runs the harness's own peers_data.make_squad() (select "all" -> every passage in pid order,
    `num_queries` questions sampled with `query_sample_seed` among those that have an embedding,
    exact L2 top-100 ground truth in gt.i32 over docs.f32 -- all written by harness code),
  * then writes base.f32 / base.json = the same matrix as docs.f32 (via peers_data.write_matrix),
  * and a PREPARED.json with "embeddings": true (so the harness's `prepare` treats it as done).

Datasets of kind "synthetic_vectors" are made with the harness's peers_data.make_synthetic()
(identical to `run_peers.py prepare --only NAME`), so one call can prepare everything.

Usage:
  STRATA_DATA=/work/shared/data STRATA_PEERS_WORK=/path/to/work \
    python prepare_extra.py --harness /path/to/harness-copy [--only squadall_vec,syn1m128] [--force]

Without --only, every dataset of kind "squad_vectors" in workloads.json is prepared (synthetic
ones only when named with --only). Already prepared datasets (PREPARED.json + base.f32 + gt.i32
present) are skipped unless --force.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--harness", required=True, help="folder holding run_peers.py, peers_data.py, workloads.json")
    ap.add_argument("--only", help="comma-separated dataset names")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()

    harness = Path(args.harness).resolve()
    sys.path.insert(0, str(harness))
    import peers_data as pdata  # the harness's own code: identical formats and ground truth

    data = Path(os.environ.get("STRATA_DATA") or (harness / "../data")).resolve()
    work = Path(os.environ.get("STRATA_PEERS_WORK") or (harness / "work")).resolve()
    cfg = json.loads((harness / "workloads.json").read_text())
    only = set(args.only.split(",")) if args.only else None
    if only:
        unknown = only - set(cfg["datasets"])
        if unknown:
            sys.exit(f"unknown dataset(s) {sorted(unknown)} in {harness / 'workloads.json'}")

    report = {}
    for name, spec in cfg["datasets"].items():
        kind = spec["kind"]
        if only is not None and name not in only:
            continue
        if only is None and kind != "squad_vectors":
            continue
        outdir = work / "inputs" / name
        stamp = outdir / "PREPARED.json"
        done = all((outdir / f).exists() for f in ("PREPARED.json", "base.f32", "base.json", "queries.f32", "gt.i32"))
        if done and not args.force:
            report[name] = {"skipped": "already prepared", **json.loads(stamp.read_text())}
            continue
        t = time.perf_counter()
        if kind == "synthetic_vectors":
            info = pdata.make_synthetic(spec, outdir)
        elif kind == "squad_vectors":
            info = make_squad_vectors(pdata, spec, data, outdir)
        else:
            sys.exit(f"{name}: kind {kind!r} is prepared by `run_peers.py prepare`, not by this script")
        info["prepare_seconds"] = round(time.perf_counter() - t, 2)
        info["prepared_by"] = "prepare_extra.py (harness peers_data.make_%s)" % (
            "synthetic" if kind == "synthetic_vectors" else "squad + base.f32")
        info["spec"] = spec
        stamp.write_text(json.dumps(info, indent=1) + "\n")
        report[name] = info
    print(json.dumps(report, indent=1, default=str))


def make_squad_vectors(pdata, spec, data, outdir):
    """SQuAD passages as a plain vector dataset: base.f32 = passage embeddings (row i = line i
    of docs.jsonl), queries.f32 = question embeddings (row i = line i of queries.jsonl),
    gt.i32 = exact L2 top-100 row ids (ascending distance) -- computed by the harness."""
    if not (data / "squad" / "passages.jsonl").exists():
        sys.exit(f"missing {data / 'squad' / 'passages.jsonl'} (set STRATA_DATA)")
    sq = dict(spec)
    sq["kind"] = "squad"  # make_squad: no filter columns, writes gt.i32 (top-100) when embeddings exist
    sq.setdefault("select", "all")
    if sq["select"] != "all" and "count" not in sq:
        sys.exit("squad_vectors: select other than 'all' needs 'count'")
    outdir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    info = pdata.make_squad(sq, str(data), outdir)
    if not info.get("embeddings"):
        sys.exit(f"no MiniLM embeddings: {info.get('embeddings_missing')}")
    docs, side = pdata.read_matrix(outdir / "docs.f32")
    pdata.write_matrix(outdir / "base.f32", docs, source=side.get("source"), model=side.get("model"),
                       note="= docs.f32: every SQuAD passage in pid order; row i = line i of docs.jsonl")
    q = pdata.read_matrix(outdir / "queries.f32")[0]
    gt = pdata.read_matrix(outdir / "gt.i32")[0]
    assert gt.shape == (q.shape[0], 100) and gt.min() >= 0 and gt.max() < docs.shape[0], gt.shape
    info.update({"dim": int(docs.shape[1]), "gt_depth": int(gt.shape[1]), "metric": "l2",
                 "base_from": "docs.f32", "squad_seconds": round(time.perf_counter() - t, 2)})
    return info


if __name__ == "__main__":
    main()
