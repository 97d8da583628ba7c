#!/usr/bin/env python3
"""Render format-benchmark JSON lines as a Markdown comparison table.

Reads JSON lines from the files given as arguments, or from stdin, as printed
by format_peers.py (systems "lance", "parquet-zstd") and by the Swift side
(system "strata"). Lines that are not JSON objects with "bench": "format" are
ignored, so raw tool output can be piped in. Several lines for the same
(dataset, system, metric), e.g. from repeated runs, are reduced to their median.
"""

import fileinput
import json
import statistics
import sys

STRATA = "strata"
PEERS = (("lance", "strata/lance"), ("parquet-zstd", "strata/parquet"))
DATASET_ORDER = ("mixed", "vectors", "passages")
METRIC_ORDER = ("write_mbps", "file_bytes", "scan_mbps", "scan_fixed_mbps",
                "take1_p50_us", "take1_p99_us", "take100_p50_us", "take100_p99_us")


def read_records(paths):
    """Benchmark records from the given files (or stdin), skipping other lines."""
    records = []
    for line in fileinput.input(paths or ["-"]):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and rec.get("bench") == "format":
            records.append(rec)
    return records


def order_key(value, order):
    """Sort key putting known names first, in the given order, then the rest by name."""
    return (order.index(value) if value in order else len(order), value)


def collect(records):
    """Group values: {(dataset, metric): {system: [values]}}, units and raw bytes."""
    table, units, raw = {}, {}, {}
    for rec in records:
        if rec.get("skipped") or "metric" not in rec:
            continue
        key = (rec["dataset"], rec["metric"])
        if rec["metric"] == "raw_bytes":
            raw.setdefault(rec["dataset"], {}).setdefault(rec["system"], []).append(rec["value"])
            continue
        table.setdefault(key, {}).setdefault(rec["system"], []).append(rec["value"])
        units[key] = rec.get("unit", "")
    return table, units, raw


def system_columns(table):
    """Systems in column order: strata, the peers, then any others by name."""
    names = {s for row in table.values() for s in row}
    order = (STRATA,) + tuple(p for p, _ in PEERS)
    return sorted(names, key=lambda s: order_key(s, order))


def fmt_value(value, metric):
    """Human formatting: integers for bytes, one decimal otherwise."""
    if value is None:
        return "—"
    if metric == "file_bytes":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_ratio(num, den):
    """strata/peer ratio to three significant digits, or a dash when unavailable."""
    if num is None or not den:
        return "—"
    return f"{num / den:.3g}×"


def direction(metric):
    """Which way is better for a metric: arrow for the table."""
    return "↑" if metric.endswith("_mbps") else "↓"


def render_table(table, units):
    """The main Markdown table, one row per (dataset, metric)."""
    systems = system_columns(table)
    header = ["dataset", "metric", "unit", "better"] + systems + [label for _, label in PEERS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    keys = sorted(table, key=lambda k: (order_key(k[0], DATASET_ORDER), order_key(k[1], METRIC_ORDER)))
    for dataset, metric in keys:
        row = table[(dataset, metric)]
        med = {s: statistics.median(row[s]) if s in row else None for s in systems}
        cells = [dataset, metric, units[(dataset, metric)], direction(metric)]
        cells += [fmt_value(med[s], metric) for s in systems]
        cells += [fmt_ratio(med.get(STRATA), med.get(peer)) for peer, _ in PEERS]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_raw(raw):
    """Raw-bytes section; flags datasets whose generators disagree."""
    lines = []
    for dataset in sorted(raw, key=lambda d: order_key(d, DATASET_ORDER)):
        values = {v for vs in raw[dataset].values() for v in vs}
        text = ", ".join(f"{v:,}" for v in sorted(values))
        note = "" if len(values) == 1 else " — MISMATCH between systems: " + ", ".join(
            f"{s}={vs[0]:,}" for s, vs in sorted(raw[dataset].items()))
        lines.append(f"- {dataset}: raw bytes {text}{note}")
    return lines


def render_notes(records):
    """Skipped datasets and the library versions each system reported."""
    lines = [f"- skipped {r.get('dataset', '?')} ({r.get('system', 'peers')}): {r.get('reason', '')}"
             for r in records if r.get("skipped")]
    versions = {}
    for rec in records:
        if rec.get("versions") and rec.get("system"):
            versions.setdefault(rec["system"], {}).update(rec["versions"])
    for system in sorted(versions):
        pairs = ", ".join(f"{k} {v}" for k, v in sorted(versions[system].items()))
        lines.append(f"- {system}: {pairs}")
    return lines


def render(records):
    """Full Markdown report as a list of lines."""
    table, units, raw = collect(records)
    out = ["Ratios are strata ÷ peer. *_mbps: higher is better (ratio > 1 = strata better); "
           "*_us and file_bytes: lower is better (ratio < 1 = strata better).", ""]
    out += render_table(table, units)
    extra = render_raw(raw) + render_notes(records)
    if extra:
        out += [""] + extra
    return out


def main(argv=None):
    """Entry point: print the report for the given files or stdin."""
    paths = sys.argv[1:] if argv is None else argv
    print("\n".join(render(read_records(paths))))


if __name__ == "__main__":
    main()
