#!/usr/bin/env python3
"""Render benchmark JSON lines as Markdown comparison tables.

Reads JSON lines from the files given as arguments, or from stdin, and prints
one section per benchmark present:
  - "bench": "format", from format_peers.py (systems "lance", "parquet-zstd")
    and the Swift side (system "strata"): rows = (dataset, metric);
  - "bench": "table", from table_peers.py (system "lancedb") and the Swift side
    (system "strata"): rows = metrics, where a Strata metric ending in
    _sync / _group / _none goes, without the suffix, to the strata-sync /
    strata-group / strata column.
Other lines are ignored, so raw tool output can be piped in. Several lines for
the same (dataset,) system and metric, e.g. from repeated runs, are reduced to
their median.
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

# Table benchmark: metrics in row order with the better direction, the columns,
# and how Strata's append-mode suffixes map to columns (label used in ratios).
TABLE_METRICS = (
    ("append1_rows_per_s", "↑"),
    ("append10k_seconds", "↓"),
    ("files_after_10k_appends", "↓"),
    ("fragments_after_10k_appends", "↓"),
    ("bytes_after_10k_appends", "↓"),
    ("bulk_append_mbps", "↑"),
    ("open_latest_ms_1000_versions", "↓"),
    ("open_latest_ms_1000_versions_lancedb", "↓"),
    ("scan_10pct_deleted_mrows_per_s", "↑"),
    ("scan_10pct_deleted_mbps", "↑"),
)
TABLE_PEER = "lancedb"
TABLE_STRATA_COLUMNS = (("_sync", "strata-sync", "sync"), ("_group", "strata-group", "group"),
                        ("_none", STRATA, "none"))
TABLE_COUNT_UNITS = ("files", "fragments", "bytes")


def read_records(paths):
    """Benchmark records (JSON objects with a "bench" key) from the given files
    (or stdin), skipping other lines."""
    records = []
    for line in fileinput.input(paths or ["-"]):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and "bench" in rec:
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
    return lines + render_versions(records)


def render_versions(records):
    """One line per system with the library versions it reported."""
    lines = []
    versions = {}
    for rec in records:
        if rec.get("versions") and rec.get("system"):
            versions.setdefault(rec["system"], {}).update(rec["versions"])
    for system in sorted(versions):
        pairs = ", ".join(f"{k} {v}" for k, v in sorted(versions[system].items()))
        lines.append(f"- {system}: {pairs}")
    return lines


def render_format(records):
    """The format-benchmark section as a list of lines."""
    table, units, raw = collect(records)
    out = ["Ratios are strata ÷ peer. *_mbps: higher is better (ratio > 1 = strata better); "
           "*_us and file_bytes: lower is better (ratio < 1 = strata better).", ""]
    out += render_table(table, units)
    extra = render_raw(raw) + render_notes(records)
    if extra:
        out += [""] + extra
    return out


def table_column(rec):
    """(column, metric) of a table-benchmark record: Strata's mode suffixes
    select the strata-sync / strata-group / strata column."""
    system, metric = rec["system"], rec["metric"]
    if system == STRATA:
        for suffix, column, _ in TABLE_STRATA_COLUMNS:
            if metric.endswith(suffix):
                return column, metric[:-len(suffix)]
    return system, metric


def collect_table(records):
    """Group table-benchmark values: {metric: {column: [values]}}, units and row counts."""
    values, units, rows = {}, {}, {}
    for rec in records:
        if "metric" not in rec or "system" not in rec:
            continue
        column, metric = table_column(rec)
        values.setdefault(metric, {}).setdefault(column, []).append(rec["value"])
        units.setdefault(metric, rec.get("unit", ""))
        if "rows" in rec:
            rows.setdefault(metric, {}).setdefault(column, set()).add(rec["rows"])
    return values, units, rows


def fmt_table_value(value, unit):
    """Counts as integers; otherwise one decimal from 100 up, three significant digits below."""
    if value is None:
        return "—"
    if unit in TABLE_COUNT_UNITS:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"


def table_ratios(med):
    """The strata/lancedb cell: one ratio, or one per append mode when Strata
    reported several (e.g. "sync 1.2×, group 8×, none 30×")."""
    present = [(column, label) for _, column, label in TABLE_STRATA_COLUMNS
               if med.get(column) is not None]
    if len(present) <= 1:
        return fmt_ratio(med.get(STRATA), med.get(TABLE_PEER))
    return ", ".join(f"{label} {fmt_ratio(med[column], med.get(TABLE_PEER))}"
                     for column, label in present)


def render_table_bench(records):
    """The table-benchmark section as a list of lines."""
    values, units, rows = collect_table(records)
    better = dict(TABLE_METRICS)
    fixed = tuple(column for _, column, _ in TABLE_STRATA_COLUMNS) + (TABLE_PEER,)
    others = sorted({c for row in values.values() for c in row} - set(fixed))
    columns = list(fixed) + others
    header = ["metric", "unit", "better"] + columns + [f"strata/{TABLE_PEER}"]
    out = [f"Ratios are Strata ÷ {TABLE_PEER}. ↑ higher is better (ratio > 1 = Strata better); "
           "↓ lower is better (ratio < 1 = Strata better). strata-sync / strata-group / strata "
           "hold Strata's metrics suffixed _sync / _group / _none (append modes); "
           "other Strata metrics are in the strata column.", "",
           "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for metric in sorted(values, key=lambda m: order_key(m, tuple(better))):
        med = {c: statistics.median(v) for c, v in values[metric].items()}
        cells = [metric, units[metric], better.get(metric, "?")]
        cells += [fmt_table_value(med.get(c), units[metric]) for c in columns]
        cells.append(table_ratios(med))
        out.append("| " + " | ".join(cells) + " |")
    notes = [f"- rows differ for {metric}: " + ", ".join(
                 f"{c}={'/'.join(f'{n:,}' for n in sorted(ns))}" for c, ns in sorted(by_col.items()))
             for metric, by_col in sorted(rows.items())
             if len(set().union(*by_col.values())) > 1]
    notes += render_versions(records)
    if notes:
        out += [""] + notes
    return out


def render(records):
    """Full Markdown report as a list of lines: the format section (also when
    there are no records at all), then the table section if present."""
    format_records = [r for r in records if r.get("bench") == "format"]
    table_records = [r for r in records if r.get("bench") == "table"]
    out = render_format(format_records) if format_records or not table_records else []
    if table_records:
        out += ([""] if out else []) + render_table_bench(table_records)
    return out


def main(argv=None):
    """Entry point: print the report for the given files or stdin."""
    paths = sys.argv[1:] if argv is None else argv
    print("\n".join(render(read_records(paths))))


if __name__ == "__main__":
    main()
