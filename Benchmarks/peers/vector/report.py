#!/usr/bin/env python3
"""Summarises the latest vector run of the peer harness: per workload, the best single-thread
QPS at recall@10 >= 0.95 for each system and index type, Strata's ratio to the best peer of
the same index type and to the best peer overall, build times, and a recall/QPS plot.

  python report.py HARNESS_DIR [--plot OUT.png] [--run RUN_ID]

Index types: strata configs are named hnsw-*, ivfpq-*, table-hnsw-*, table-ivfpq-*; peers
are classified by name (hnswlib, faiss-hnsw, lance-ivfhnswsq: HNSW; faiss-ivfpq, lance-ivfpq:
IVF-PQ; *-flat: exact)."""
import argparse
import collections
import json
from pathlib import Path


def kind_of(record):
    system, config = record["system"], record.get("config") or ""
    if system == "strata":
        table = config.startswith("table-")
        base = config[6:] if table else config
        kind = "hnsw" if base.startswith("hnsw") else "ivf_pq"
        return ("strata (table)" if table else "strata", kind)
    if "hnsw" in system:
        return (system, "hnsw")
    if "ivfpq" in system:
        return (system, "ivf_pq")
    return (system, "exact")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("harness")
    ap.add_argument("--plot")
    ap.add_argument("--run")
    ap.add_argument("--target", type=float, default=0.95)
    args = ap.parse_args()
    rows = []
    for path in sorted(Path(args.harness, "results").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.open()]
    rows = [r for r in rows if r.get("record") == "measurement" and r.get("recall_at_10") is not None]
    # Per workload, the latest run that measured Strata on it (or the run asked for).
    latest = {}
    for r in rows:
        if r["system"] == "strata" and (args.run is None or r["run_id"] == args.run):
            latest[r["workload"]] = max(latest.get(r["workload"], ""), r["run_id"])
    rows = [r for r in rows if latest.get(r["workload"]) == r["run_id"]]
    workloads = sorted(latest)
    curves = collections.defaultdict(list)
    for workload in workloads:
        best = {}
        for r in rows:
            if r["workload"] != workload:
                continue
            system, kind = kind_of(r)
            curves[(workload, system + " " + (r.get("config") or ""))].append((r["recall_at_10"], r["qps"]))
            if r["recall_at_10"] >= args.target and (best.get((system, kind)) is None or r["qps"] > best[(system, kind)]["qps"]):
                best[(system, kind)] = r
        print(f"\n### {workload}: best single-thread QPS at recall@10 >= {args.target} (run {latest[workload]})\n")
        print("| system | index | build config | search | recall@10 | p50 ms | p99 ms | QPS | build s |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (system, kind), r in sorted(best.items(), key=lambda kv: -kv[1]["qps"]):
            print(f"| {system} | {kind} | {r.get('config')} | {r.get('search')} | {r['recall_at_10']:.4f} | {r['p50_ms']:.3f} | "
                  f"{r['p99_ms']:.3f} | {r['qps']:,.0f} | {r.get('build_s') or 0:.2f} |")
        peers = {k: r for k, r in best.items() if not k[0].startswith("strata")}
        best_peer = max(peers.values(), key=lambda r: r["qps"]) if peers else None
        print()
        for kind in ("hnsw", "ivf_pq"):
            for mine in ("strata", "strata (table)"):
                ours = best.get((mine, kind))
                same = [r for (s, k), r in peers.items() if k == kind]
                if not ours or not same:
                    continue
                top = max(same, key=lambda r: r["qps"])
                line = f"- {mine} {kind}: {ours['qps']:,.0f} QPS = {ours['qps'] / top['qps']:.2f}× the best {kind} peer ({top['system']}, {top['qps']:,.0f})"
                if best_peer:
                    line += f", {ours['qps'] / best_peer['qps']:.2f}× the best peer of any kind ({best_peer['system']}, {best_peer['qps']:,.0f})"
                print(line)
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        shown = [w for w in workloads if w != "W1"] or workloads
        fig, axes = plt.subplots(1, len(shown), figsize=(6.5 * len(shown), 5), squeeze=False)
        for axis, workload in zip(axes[0], shown):
            for (w, name), points in sorted(curves.items()):
                if w != workload or len(points) < 2 or "flat" in name:
                    continue
                points.sort()
                style = "-o" if name.startswith("strata") else "--."
                axis.plot([p[0] for p in points], [p[1] for p in points], style, label=name, markersize=3, linewidth=1.2)
            axis.set_xscale("logit")
            axis.set_yscale("log")
            axis.set_xlim(0.5, 0.9995)
            axis.axvline(args.target, color="grey", linewidth=0.8)
            axis.set_xlabel("recall@10")
            axis.set_ylabel("QPS (one thread)")
            axis.set_title(workload)
            axis.grid(True, which="both", alpha=0.3)
            axis.legend(fontsize=6)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
