#!/usr/bin/env python3
"""Full-text-search benchmark: Strata against tantivy, SQLite FTS5 and Lance FTS.

    PY=~/.cache/strata/bench-venv/bin/python
    $PY text_bench.py prepare --out ~/.cache/strata/text-inputs [--docs 1000000] [--seed 42]
    $PY text_bench.py run --data ~/.cache/strata/text-inputs --corpus zipf1m \
        [--systems tantivy,sqlite-fts5,lance-fts,strata] [--strata-command "CMD ARGS"] \
        [--queries-per-type 1000] [--scratch DIR] --out results.jsonl
    $PY text_bench.py report results.jsonl

Needs: Python >= 3.9, numpy, tantivy, pylance (`lance`), pyarrow, sqlite3 (stdlib) and PyStemmer
(`pip install PyStemmer`, Snowball stemmers; only `prepare` of the synthetic corpus uses it).

Corpora (`prepare`)
-------------------
Each corpus is a folder `DIR/<corpus>/` with

* `docs.jsonl` -- line i is row i: `{"id": i, "text": "..."}`; systems must return row ids.
* `queries.jsonl` -- `{"id": "or3-17", "type": "one|or3|and3|phrase|question", "terms": [...],
  "gold": row-or-null}` (+ `source_doc`, the row the and3/phrase words were taken from).
* `PREPARED.json` -- how it was made (counts, seeds, parameters, timings); `DIR/PREPARED.json`
  collects the per-corpus stamps.

`zipf1m` -- N synthetic documents (default 1,000,000). A vocabulary of 200,000 unique
pseudo-words made of 2-4 consonant-vowel syllables (lower-case ASCII) from which every stop word
(the 33 Lucene English ones plus the NLTK/Snowball English lists, which Lance removes) and every
word that the Snowball 'english' (Porter2: tantivy en_stem, Lance) or the original 'porter'
stemmer (SQLite FTS5 `porter`) would change is dropped, so every system indexes exactly the
words that were written. Word at rank r is drawn with probability proportional to 1/r (Zipf,
s = 1.0, inverse CDF over the 200k ranks); document lengths are uniform 20..120 words.

`passages` -- the SQuAD passages (`text` only, file order of passages.jsonl) with a fixed
sample of 1,000 real questions (`--questions`, 0 = all ~98k) as type `question`
(terms = lower-case `\\w+` tokens, gold = row of the gold passage).

Query types (1,000 of each by default, fixed seeds):

* `one`    -- one word, uniform in log-rank between rank 10 and the vocabulary size (passages:
             vocabulary = lower-case ASCII `[a-z0-9]+` tokens in >= 2 documents, no stop words,
             ranked by collection frequency).
* `or3`    -- three distinct such words, any may match (BM25-ranked disjunction).
* `and3`   -- three distinct non-stop words of one random document (conjunction; >= 1 match).
* `phrase` -- two consecutive non-stop tokens of one random document (adjacent positions).
* `question` (passages only) -- the question's terms, OR semantics.

Measurement (`run`)
-------------------
Per system: build from docs already in memory (docs/s = docs / (ingest_s + build_s), i.e. until
the index is committed and queryable), then per query type: 100 warm-up queries (the first 100
of the type, untimed), then every query of the type one at a time from one thread, timed with
perf_counter_ns around the call that returns the top-10 row ids. In-process systems are
interleaved: the queries of a type are cut into 5 blocks and in block b the systems run in an
order rotated by b (the peers harness method). Strata runs as an external process afterwards
(protocol `strata-text/1`, see `run_strata`) and reports its own latencies and ids; every metric
is computed here, by the same code for every system:

* p50 / p99 ms, QPS = queries / sum of latencies,
* overlap = mean over queries where tantivy returned >= 1 row of |A n T| / |T| (T = tantivy's
  top 10); queries tantivy found nothing for are left out (they would score 0 even for tantivy),
* same set under k = share of the queries where tantivy returned < 10 rows (so the whole match
  set is known and score ties cannot cut it) for which the system returned the very same rows,
* mean results returned, queries with an error (counted as empty),
* gold recall@10 (question) = share of questions whose gold row is in the top 10.

Strata runner protocol `strata-text/1`
--------------------------------------
`run --systems ...,strata --strata-command "CMD ARGS"` starts CMD once (cwd = the current
directory, `{python}` = this interpreter) after the in-process systems are done, writes ONE JSON
object to its stdin and closes stdin:

    {"protocol": "strata-text/1", "docs": "/abs/.../docs.jsonl",
     "queries": "/abs/<scratch>/strata-queries.jsonl", "k": 10, "warmup_queries": 100,
     "scratch_dir": "/abs/<scratch>/strata"}          # empty; the runner puts its database there

The queries file has one `{"id": "and3-17", "type": "and3", "text": "+a +b +c"}` per line,
grouped by type in the order one, or3, and3, phrase, question (types absent from a corpus are
absent). Strata syntax: one `a`; or3 `a b c` (OR, BM25); and3 `+a +b +c`; phrase `"a b"`;
question `w1 w2 ...` (OR). Terms are lower-case `\w+` tokens (no quotes or operators inside).

The runner: reads docs.jsonl (row id = `id` = line number; parsing is not timed), ingests and
indexes them, then prints on stdout (lines not starting with `{` are ignored; log to stderr):

    {"type": "build", "docs": N, "ingest_s": x, "build_s": y, "index_bytes": b, "disk_bytes": d}

  ingest_s = time until all docs are written and committed; build_s = further index work needed
  before queries can run (0 if indexing happens during ingest); docs/s is computed here as
  docs / (ingest_s + build_s). index_bytes = the full-text index alone, disk_bytes = everything
  in scratch_dir (documents + index). Then, for each query type in file order: run the first
  min(warmup_queries, n) queries of that type untimed, then ALL n queries of the type one at a
  time on one thread, in file order, timing each from query text to top-k row ids, and print

    {"type": "queries", "query_type": "or3", "latencies_ns": [n ints], "ids": [[row, ...] x n]}

  ids[i] best first, at most k. Exit status != 0 => recorded as skipped with the tail of stderr
  (saved to <scratch>/strata.stderr.log). A type with a missing line or a wrong count is
  recorded as skipped. Extra fields (e.g. "note") are allowed and ignored.

Tokenizers (the same as /work/shared/peers/peers_text.py):
tantivy `en_stem` (simple tokenizer, remove >40-byte tokens, lower-case, Snowball english; no
stop words), positions indexed; SQLite FTS5 `porter unicode61` (lower-case, diacritics
removed, Porter; no stop words); Lance INVERTED index `base_tokenizer="simple",
language="English", stem=True, remove_stop_words=True, ascii_folding=True, lower_case=True`
plus `with_position=True` for phrase queries.
"""
import argparse
import gc
import json
import math
import os
import platform
import re
import shlex
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench_common  # noqa: E402
from bench_common import dir_bytes, host_info, log, read_jsonl, versions, write_jsonl  # noqa: E402


def library_versions():
    return versions(("numpy", "pyarrow", "pylance", "lancedb", "tantivy", "PyStemmer"), sqlite=sqlite3.sqlite_version)

os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

TYPES = ["one", "or3", "and3", "phrase", "question"]
K = 10
WARMUP = 100
BLOCKS = 5
BUILD_THREADS = 2
WORD = re.compile(r"\w+", re.UNICODE)
ASCII_WORD = re.compile(r"[a-z0-9]+")

# The 33 Lucene English stop words (StandardAnalyzer / EnglishAnalyzer).
LUCENE_STOP = set("""a an and are as at be but by for if in into is it no not of on or such that the
their then there these they this to was will with""".split())
# NLTK English list (Lance's remove_stop_words drops words of it, e.g. 'can', 'just', 'now') and
# the Snowball English list, apostrophe-free pieces only (`\w+` splits "don't" into don, t).
OTHER_STOP = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him
his himself she her hers herself it its itself they them their theirs themselves what which who
whom this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against between into
through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor
not only own same so than too very s t can will just don should now d ll m o re ve y ain aren
couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn
would could ought cannot""".split())
STOP_WORDS = LUCENE_STOP | OTHER_STOP

ZIPF_VOCAB = 200_000
ZIPF_S = 1.0
ZIPF_LEN = (20, 120)  # inclusive
CONSONANTS = "bcdfghjklmnprstvwz"
VOWELS = "aeiou"
SQUAD_DIR = Path(os.environ.get("STRATA_DATA", "/work/shared/data")) / "squad"


def query_terms(text):
    """Lower-case `\\w+` tokens (peers_text.query_terms)."""
    return WORD.findall(text.lower())


# ================================================================ prepare

def log_uniform_ranks(rng, n, lo, hi):
    """n ranks in [lo, hi] (1-based), uniform in log(rank)."""
    r = np.floor(np.exp(rng.uniform(math.log(lo), math.log(hi + 1), size=n))).astype(np.int64)
    return np.clip(r, lo, hi)


def pick_distinct(rng, pool, k):
    """k distinct items of `pool` (a sequence of distinct words), uniformly."""
    return [pool[j] for j in rng.choice(len(pool), size=k, replace=False)]


def pseudo_vocabulary(n, rng):
    """n unique pseudo-words (2-4 consonant-vowel syllables), none a stop word and none changed
    by the Snowball 'english' or 'porter' stemmers. Order = rank order (rank 1 first)."""
    try:
        import Stemmer
    except ImportError:
        sys.exit("prepare needs PyStemmer: pip install PyStemmer")
    english, porter = Stemmer.Stemmer("english"), Stemmer.Stemmer("porter")
    syll = np.array([c + v for c in CONSONANTS for v in VOWELS])
    seen, out, stats = set(), [], {"candidates": 0, "duplicate": 0, "stop": 0, "stemmed": 0}
    while len(out) < n:
        m = 2 * n
        nsyl = rng.choice([2, 3, 4], size=m, p=[0.05, 0.55, 0.40])
        parts = syll[rng.integers(0, len(syll), size=(m, 4))]
        cand = ["".join(p[:s]) for p, s in zip(parts.tolist(), nsyl.tolist())]
        e, p = english.stemWords(cand), porter.stemWords(cand)
        for w, we, wp in zip(cand, e, p):
            stats["candidates"] += 1
            if w in seen:
                stats["duplicate"] += 1
                continue
            seen.add(w)
            if w in STOP_WORDS:
                stats["stop"] += 1
            elif we != w or wp != w:
                stats["stemmed"] += 1
            else:
                out.append(w)
                if len(out) == n:
                    break
    return out, stats


def prepare_zipf(root, n_docs, seed, n_queries):
    """Synthetic Zipf corpus; docs are generated in chunks so memory stays ~O(chunk)."""
    t0 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    vocab, vstats = pseudo_vocabulary(ZIPF_VOCAB, np.random.default_rng([seed, 0]))
    t_vocab = time.perf_counter() - t0
    ranks = np.arange(1, ZIPF_VOCAB + 1, dtype=np.float64)
    cdf = np.cumsum(ranks ** -ZIPF_S)
    cdf /= cdf[-1]

    qrng = np.random.default_rng([seed, 2])
    and_rows = qrng.integers(0, n_docs, size=n_queries)
    phrase_rows = qrng.integers(0, n_docs, size=n_queries)
    wanted = set(and_rows.tolist()) | set(phrase_rows.tolist())
    kept = {}  # row -> token ranks (0-based) of the docs the and3/phrase queries come from

    drng = np.random.default_rng([seed, 1])
    chunk = 50_000
    n_tokens = 0
    with open(root / "docs.jsonl", "w") as f:
        for start in range(0, n_docs, chunk):
            cnt = min(chunk, n_docs - start)
            lens = drng.integers(ZIPF_LEN[0], ZIPF_LEN[1] + 1, size=cnt)
            toks = np.searchsorted(cdf, drng.random(int(lens.sum())), side="right")
            np.minimum(toks, ZIPF_VOCAB - 1, out=toks)
            n_tokens += len(toks)
            ends = np.cumsum(lens).tolist()
            tl = toks.tolist()
            lines, s = [], 0
            for j, e in enumerate(ends):
                row = start + j
                ids = tl[s:e]
                if row in wanted:
                    kept[row] = ids
                lines.append('{"id":%d,"text":"%s"}\n' % (row, " ".join(map(vocab.__getitem__, ids))))
                s = e
            f.writelines(lines)
            log(f"  zipf: {start + cnt:,}/{n_docs:,} docs ({time.perf_counter() - t0:.1f}s)")
    t_docs = time.perf_counter() - t0 - t_vocab

    queries = []
    for j, r in enumerate(log_uniform_ranks(qrng, n_queries, 10, ZIPF_VOCAB)):
        queries.append({"id": f"one-{j}", "type": "one", "terms": [vocab[r - 1]], "gold": None})
    for j in range(n_queries):
        rs = set()
        while len(rs) < 3:
            rs.add(int(log_uniform_ranks(qrng, 1, 10, ZIPF_VOCAB)[0]))
        queries.append({"id": f"or3-{j}", "type": "or3", "terms": [vocab[r - 1] for r in sorted(rs)],
                        "gold": None})
    for j, row in enumerate(and_rows.tolist()):
        pool = sorted(set(kept[row]))
        queries.append({"id": f"and3-{j}", "type": "and3", "terms": [vocab[t] for t in pick_distinct(qrng, pool, 3)],
                        "gold": None, "source_doc": row})
    for j, row in enumerate(phrase_rows.tolist()):
        toks = kept[row]
        pos = [p for p in range(len(toks) - 1) if toks[p] != toks[p + 1]]
        p = pos[int(qrng.integers(0, len(pos)))]
        queries.append({"id": f"phrase-{j}", "type": "phrase", "terms": [vocab[toks[p]], vocab[toks[p + 1]]],
                        "gold": None, "source_doc": row})
    write_jsonl(root / "queries.jsonl", queries)
    stamp = {"corpus": "zipf1m", "docs": n_docs, "tokens": n_tokens, "seed": seed,
             "queries_per_type": n_queries, "types": TYPES[:4],
             "vocabulary": {"size": ZIPF_VOCAB, "zipf_s": ZIPF_S, "syllables": "consonant-vowel, 2-4",
                            "consonants": CONSONANTS, "vowels": VOWELS, "filter": vstats,
                            "stop_words_excluded": "Lucene 33 + NLTK/Snowball English",
                            "stemmers": "PyStemmer english + porter must leave the word unchanged"},
             "doc_length": list(ZIPF_LEN), "vocab_s": round(t_vocab, 2), "docs_s": round(t_docs, 2),
             "seconds": round(time.perf_counter() - t0, 2), "docs_bytes": (root / "docs.jsonl").stat().st_size,
             "first_words": vocab[:20]}
    (root / "vocabulary.txt").write_text("\n".join(vocab) + "\n")
    return stamp


def prepare_passages(root, squad_dir, seed, n_queries, n_questions):
    t0 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    passages = read_jsonl(squad_dir / "passages.jsonl")
    row_of = {p["pid"]: i for i, p in enumerate(passages)}
    write_jsonl(root / "docs.jsonl", ({"id": i, "text": p["text"]} for i, p in enumerate(passages)))
    tokens = [query_terms(p["text"]) for p in passages]

    def eligible(w):
        return w not in STOP_WORDS and ASCII_WORD.fullmatch(w) is not None

    cf, df = {}, {}
    for toks in tokens:
        for w in toks:
            cf[w] = cf.get(w, 0) + 1
        for w in set(toks):
            df[w] = df.get(w, 0) + 1
    vocab = sorted((w for w in cf if df[w] >= 2 and eligible(w)), key=lambda w: (-cf[w], w))
    V = len(vocab)
    rng = np.random.default_rng([seed, 3])
    queries = []
    for j, r in enumerate(log_uniform_ranks(rng, n_queries, 10, V)):
        queries.append({"id": f"one-{j}", "type": "one", "terms": [vocab[r - 1]], "gold": None})
    for j in range(n_queries):
        rs = set()
        while len(rs) < 3:
            rs.add(int(log_uniform_ranks(rng, 1, 10, V)[0]))
        queries.append({"id": f"or3-{j}", "type": "or3", "terms": [vocab[r - 1] for r in sorted(rs)], "gold": None})
    j = 0
    while j < n_queries:
        row = int(rng.integers(0, len(passages)))
        pool = sorted({w for w in tokens[row] if eligible(w)})
        if len(pool) < 3:
            continue
        queries.append({"id": f"and3-{j}", "type": "and3", "terms": pick_distinct(rng, pool, 3), "gold": None,
                        "source_doc": row})
        j += 1
    j = 0
    while j < n_queries:
        row = int(rng.integers(0, len(passages)))
        toks = tokens[row]
        pos = [p for p in range(len(toks) - 1) if eligible(toks[p]) and eligible(toks[p + 1]) and toks[p] != toks[p + 1]]
        if not pos:
            continue
        p = pos[int(rng.integers(0, len(pos)))]
        queries.append({"id": f"phrase-{j}", "type": "phrase", "terms": [toks[p], toks[p + 1]], "gold": None,
                        "source_doc": row})
        j += 1
    qs = [q for q in read_jsonl(squad_dir / "queries.jsonl") if q["gold_pid"] in row_of and query_terms(q["question"])]
    n_all = len(qs)
    if n_questions and n_questions < n_all:
        pick = np.sort(np.random.default_rng([seed, 4]).choice(n_all, size=n_questions, replace=False))
        qs = [qs[i] for i in pick.tolist()]
    for j, q in enumerate(qs):
        queries.append({"id": f"question-{j}", "type": "question", "terms": query_terms(q["question"]),
                        "gold": row_of[q["gold_pid"]], "qid": q["qid"]})
    write_jsonl(root / "queries.jsonl", queries)
    return {"corpus": "passages", "docs": len(passages), "tokens": sum(map(len, tokens)), "seed": seed,
            "queries_per_type": n_queries, "types": TYPES, "questions": len(qs), "questions_available": n_all,
            "questions_sample": "all" if len(qs) == n_all else f"fixed sample of {len(qs)} (seed [{seed}, 4]), file order",
            "vocabulary": {"size": V, "rule": "lower-case ASCII [a-z0-9]+ \\w+ tokens in >= 2 docs, no stop words, "
                                              "ranked by collection frequency"},
            "source": str(squad_dir), "seconds": round(time.perf_counter() - t0, 2),
            "docs_bytes": (root / "docs.jsonl").stat().st_size}


def cmd_prepare(args):
    out = Path(args.out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    stamps_path = out / "PREPARED.json"
    stamps = json.loads(stamps_path.read_text()) if stamps_path.exists() else {}
    for corpus in args.corpora.split(","):
        t = time.perf_counter()
        log(f"prepare {corpus} -> {out / corpus}")
        if corpus == "zipf1m":
            stamp = prepare_zipf(out / corpus, args.docs, args.seed, args.queries_per_type)
        elif corpus == "passages":
            stamp = prepare_passages(out / corpus, Path(args.squad), args.seed, args.queries_per_type, args.questions)
        else:
            sys.exit(f"unknown corpus {corpus}")
        stamp.update(created=time.strftime("%Y-%m-%dT%H:%M:%S"), versions=library_versions(),
                     disk_bytes=dir_bytes(out / corpus))
        (out / corpus / "PREPARED.json").write_text(json.dumps(stamp, indent=1) + "\n")
        stamps[corpus] = stamp
        log(f"  {corpus}: {stamp['docs']:,} docs, {stamp['disk_bytes'] / 1e6:.1f} MB in {time.perf_counter() - t:.1f}s")
    stamps_path.write_text(json.dumps(stamps, indent=1) + "\n")


# ================================================================ systems

def lance_query(qtype, terms):
    from lance.query import FullTextOperator, MatchQuery, PhraseQuery
    if qtype == "phrase":
        return PhraseQuery(" ".join(terms), "text")
    op = FullTextOperator.AND if qtype == "and3" else FullTextOperator.OR
    return MatchQuery(" ".join(terms), "text", operator=op)


def sqlite_query(qtype, terms):
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    if qtype == "phrase":
        return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'
    return (" AND " if qtype == "and3" else " OR ").join(quoted)


def tantivy_query(qtype, terms):
    if qtype == "phrase":
        return '"' + " ".join(terms) + '"'
    if qtype == "and3":
        return " ".join("+" + t for t in terms)
    return " OR ".join(terms)


def strata_query(qtype, terms):
    """Strata query syntax: one `a`, or3 `a b c`, and3 `+a +b +c`, phrase `"a b"`, question `w1 w2 ...`."""
    if qtype == "phrase":
        return '"' + " ".join(terms) + '"'
    if qtype == "and3":
        return " ".join("+" + t for t in terms)
    return " ".join(terms)


class Tantivy:
    name = "tantivy"
    config = {"tokenizer": "en_stem", "index_option": "position", "stored": "id (fast) + text",
              "heap_size": 256_000_000, "writer_threads": BUILD_THREADS,
              "ids": "Searcher.fast_field_values('id', hits)", "query": "Index.parse_query (OR / +a +b +c / \"a b\")"}

    def __init__(self, scratch):
        self.dir = scratch / "tantivy"

    def build(self, texts):
        import tantivy
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        sb = tantivy.SchemaBuilder()
        sb.add_integer_field("id", stored=True, indexed=True, fast=True)
        sb.add_text_field("text", stored=True, tokenizer_name="en_stem", index_option="position")
        t = time.perf_counter()
        index = tantivy.Index(sb.build(), path=str(self.dir))
        w = index.writer(heap_size=self.config["heap_size"], num_threads=BUILD_THREADS)
        for i, text in enumerate(texts):
            w.add_document(tantivy.Document(id=i, text=text))
        w.commit()
        w.wait_merging_threads()
        ingest_s = time.perf_counter() - t
        self.index = tantivy.Index.open(str(self.dir))
        self.index.reload()
        self.searcher = self.index.searcher()
        disk = dir_bytes(self.dir)
        store = sum(f.stat().st_size for f in self.dir.glob("*.store"))
        return {"ingest_s": ingest_s, "build_s": 0.0, "disk_bytes": disk, "index_bytes": disk - store,
                "note": f"index while adding; ingest = add_document + commit + merge; "
                        f"{self.searcher.num_segments} segments; index_bytes = all files but *.store"}

    def supports(self, qtype):
        return None

    def fn(self, qtype, queries):
        s, parse = self.searcher, self.index.parse_query
        qs = [tantivy_query(qtype, q["terms"]) for q in queries]

        def f(i):
            hits = s.search(parse(qs[i], ["text"]), K).hits
            return s.fast_field_values("id", [a for _, a in hits])
        return f


class SqliteFts5:
    name = "sqlite-fts5"
    config = {"tokenizer": "porter unicode61", "content": "stored (default FTS5 table)",
              "query": "MATCH ? ORDER BY rank LIMIT 10 (rank = bm25)", "sqlite": sqlite3.sqlite_version}

    def __init__(self, scratch):
        self.path = scratch / "sqlite-fts5" / "fts.db"

    def build(self, texts):
        shutil.rmtree(self.path.parent, ignore_errors=True)
        self.path.parent.mkdir(parents=True)
        t = time.perf_counter()
        con = sqlite3.connect(str(self.path))
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(text, tokenize='porter unicode61')")
        con.executemany("INSERT INTO docs(rowid, text) VALUES (?, ?)", enumerate(texts))
        con.commit()
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        con.commit()
        build_s = time.perf_counter() - t
        try:
            sizes = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
            index_bytes = sum(v for n, v in sizes.items() if n.startswith("docs_") and n != "docs_content")
        except sqlite3.Error:
            index_bytes = None
        con.close()
        self.con = sqlite3.connect(str(self.path))
        return {"ingest_s": ingest_s, "build_s": build_s, "disk_bytes": dir_bytes(self.path.parent),
                "index_bytes": index_bytes,
                "note": "ingest = INSERT (indexes as it goes) + COMMIT; build = 'optimize'; "
                        "index_bytes = FTS5 shadow tables but docs_content (dbstat)"}

    def supports(self, qtype):
        return None

    def fn(self, qtype, queries):
        ex = self.con.execute
        sql = "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT %d" % K
        qs = [sqlite_query(qtype, q["terms"]) for q in queries]
        return lambda i: [r[0] for r in ex(sql, (qs[i],)).fetchall()]


class LanceFts:
    name = "lance-fts"
    params = dict(base_tokenizer="simple", language="English", stem=True, remove_stop_words=True,
                  ascii_folding=True, lower_case=True, with_position=True, num_workers=BUILD_THREADS)
    config = {"index": "INVERTED", **params, "api": "lance.dataset(p).to_table(columns=['id'], "
              "full_text_query=MatchQuery|PhraseQuery, limit=10, disable_scoring_autoprojection=True)",
              "query_threads": "Lance's own runtime (not configurable per query; 2 cores here)"}

    def __init__(self, scratch):
        self.path = scratch / "lance-fts" / "t.lance"

    def build(self, texts):
        import lance
        import pyarrow as pa
        shutil.rmtree(self.path.parent, ignore_errors=True)
        self.path.parent.mkdir(parents=True)
        tbl = pa.table({"id": pa.array(np.arange(len(texts)), pa.int64()), "text": pa.array(texts, pa.string())})
        t = time.perf_counter()
        lance.write_dataset(tbl, str(self.path))
        ingest_s = time.perf_counter() - t
        del tbl
        t = time.perf_counter()
        lance.dataset(str(self.path)).create_scalar_index("text", "INVERTED", **self.params)
        build_s = time.perf_counter() - t
        self.ds = lance.dataset(str(self.path))
        return {"ingest_s": ingest_s, "build_s": build_s, "disk_bytes": dir_bytes(self.path),
                "index_bytes": dir_bytes(self.path / "_indices"),
                "note": "ingest = write_dataset; build = create_scalar_index INVERTED with_position=True; "
                        "index_bytes = _indices"}

    def supports(self, qtype):
        return None

    def fn(self, qtype, queries):
        ds = self.ds
        qs = [lance_query(qtype, q["terms"]) for q in queries]

        def f(i):
            t = ds.to_table(columns=["id"], full_text_query=qs[i], limit=K, disable_scoring_autoprojection=True)
            return t.column(0).to_pylist()
        return f


SYSTEMS = {c.name: c for c in (Tantivy, SqliteFts5, LanceFts)}


# ================================================================ measurement

def measure(arms, nq, warmup=WARMUP, blocks=BLOCKS):
    """arms: {name: fn(i) -> row ids}; see bench_common.measure. A query that raises counts as
    an empty result (its time is kept) and is counted in errors."""
    lat, results, errors = bench_common.measure(arms, nq, warmup, blocks)
    return lat, {n: [r if r is not None else [] for r in rs] for n, rs in results.items()}, errors


def metrics(lat_ns, ids, queries, ref_ids=None):
    lat = np.asarray(lat_ns, dtype=np.int64)
    out = {"n_queries": len(lat), "p50_ms": float(np.percentile(lat, 50)) / 1e6,
           "p99_ms": float(np.percentile(lat, 99)) / 1e6, "mean_ms": float(lat.mean()) / 1e6,
           "qps": len(lat) / (lat.sum() / 1e9) if lat.sum() else None,
           "mean_results": float(np.mean([len(r) for r in ids])),
           "empty_results": int(sum(1 for r in ids if len(r) == 0))}
    if ref_ids is not None:
        ov = [len(set(map(int, a[:K])) & set(map(int, b[:K]))) / len(b[:K]) for a, b in zip(ids, ref_ids) if len(b)]
        out["overlap_tantivy"] = float(np.mean(ov)) if ov else None
        out["overlap_n"] = len(ov)
        # Where tantivy returned fewer than k rows the full match set is known and no tie can
        # cut it: share of those queries where the system returned exactly the same rows.
        under = [set(map(int, a)) == set(map(int, b)) for a, b in zip(ids, ref_ids) if len(b) < K]
        out["same_set_under_k"] = float(np.mean(under)) if under else None
        out["same_set_under_k_n"] = len(under)
    gold = [q.get("gold") for q in queries]
    if any(g is not None for g in gold):
        hits = [g in set(map(int, r[:K])) for g, r in zip(gold, ids) if g is not None]
        out["gold_recall_at_10"] = float(np.mean(hits))
    return out


def run_strata(cmd, docs_path, queries_by_type, scratch):
    """Protocol strata-text/1.

    stdin  : one JSON object {"protocol": "strata-text/1", "docs": abs path of docs.jsonl,
             "queries": abs path of a JSON-lines file {"id", "type", "text"} (Strata syntax),
             "k": 10, "warmup_queries": 100, "scratch_dir": empty dir the runner owns}
    stdout : JSON lines (others ignored): one {"type": "build", "docs", "ingest_s", "build_s",
             "index_bytes", "disk_bytes"}, then per query type one {"type": "queries",
             "query_type", "latencies_ns": [...], "ids": [[row, ...], ...]} in file order.
    Returns (build dict, {qtype: (latencies, ids)}, error-or-None)."""
    qfile = scratch / "strata-queries.jsonl"
    write_jsonl(qfile, ({"id": q["id"], "type": t, "text": strata_query(t, q["terms"])}
                        for t in TYPES for q in queries_by_type.get(t, [])))
    task = {"protocol": "strata-text/1", "docs": str(docs_path), "queries": str(qfile), "k": K, "warmup_queries": WARMUP}
    lines, error = bench_common.run_external(cmd, task, scratch)
    if error:
        return None, {}, error
    build, res = None, {}
    for m in lines:
        if m.get("type") == "build":
            build = m
        elif m.get("type") == "queries":
            res[m["query_type"]] = (m["latencies_ns"], m["ids"])
    return build, res, None if build else "runner printed no build line"


def cmd_run(args):
    data = Path(args.data).expanduser().resolve() / args.corpus
    scratch = Path(args.scratch or f"~/.cache/strata/text-work/{args.corpus}").expanduser().resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    systems = args.systems.split(",")
    if "strata" in systems and not args.strata_command:
        sys.exit("--systems strata needs --strata-command")
    docs_path = data / "docs.jsonl"
    texts = [json.loads(line)["text"] for line in open(docs_path)]
    allq = read_jsonl(data / "queries.jsonl")
    by_type = {t: [q for q in allq if q["type"] == t][:args.queries_per_type] for t in TYPES}
    by_type = {t: qs for t, qs in by_type.items() if qs}
    run_id = time.strftime("%Y%m%dT%H%M%S")
    base = {"run_id": run_id, "corpus": args.corpus, "docs": len(texts), "k": K, "warmup_queries": WARMUP,
            "blocks": BLOCKS, "versions": library_versions(), "host": host_info()}
    log(f"run {run_id}: {args.corpus}, {len(texts):,} docs, "
        + ", ".join(f"{t}={len(q)}" for t, q in by_type.items()) + f"; scratch {scratch}")
    out = open(args.out, "a")

    def emit(rec):
        rec = {**base, "ts": time.strftime("%Y-%m-%dT%H:%M:%S"), **rec}
        out.write(json.dumps(rec) + "\n")
        out.flush()
        if rec["record"] == "measurement":
            log(f"  {rec['system']:12s} {rec['query_type']:9s} p50 {rec['p50_ms']:.3f} ms  p99 {rec['p99_ms']:.3f} ms"
                f"  QPS {rec['qps']:9.0f}  overlap {rec.get('overlap_tantivy')}  n {rec['mean_results']:.1f}"
                + (f"  gold@10 {rec['gold_recall_at_10']:.3f}" if "gold_recall_at_10" in rec else ""))
        else:
            log(f"  {rec['system']}: {rec['record']} {rec.get('query_type', '')} {rec.get('reason', '')}")

    def build_fields(b):
        total = b["ingest_s"] + b["build_s"]
        return {"ingest_s": b["ingest_s"], "build_s": b["build_s"], "total_build_s": total,
                "docs_per_s": len(texts) / total if total else None, "index_bytes": b.get("index_bytes"),
                "disk_bytes": b.get("disk_bytes"), "build_note": b.get("note")}

    engines, builds = {}, {}
    for name in systems:
        if name == "strata":
            continue
        if name not in SYSTEMS:
            sys.exit(f"unknown system {name} (have {', '.join(SYSTEMS)}, strata)")
        eng = SYSTEMS[name](scratch)
        log(f"build {name} ...")
        gc.collect()
        b = eng.build(texts)
        log(f"  {name}: {len(texts) / (b['ingest_s'] + b['build_s']):,.0f} docs/s, "
            f"{b['ingest_s'] + b['build_s']:.1f}s, index {b.get('index_bytes') or 0:,} B, disk {b['disk_bytes']:,} B")
        engines[name], builds[name] = eng, build_fields(b)

    ids_dir = scratch / "ids"
    ids_dir.mkdir(exist_ok=True)

    def save_ids(name, t, qs, ids):
        (ids_dir / f"{name}.{t}.json").write_text(json.dumps({"ids": [q["id"] for q in qs],
                                                              "top": [list(map(int, r)) for r in ids]}))

    def tantivy_ref(t, qs):
        """tantivy's ids for these queries: from this run, else saved by an earlier run."""
        f = ids_dir / f"tantivy.{t}.json"
        if f.exists():
            d = json.loads(f.read_text())
            if d["ids"] == [q["id"] for q in qs]:
                return d["top"]
        return None

    results = {}
    for t, qs in by_type.items():
        arms = {}
        for name, eng in engines.items():
            why = eng.supports(t)
            if why:
                emit({"record": "skipped", "system": name, "query_type": t, "reason": why})
            else:
                arms[name] = eng.fn(t, qs)
        if not arms:
            continue
        log(f"queries {t} ({len(qs)}): {', '.join(arms)}")
        lat, ids, errs = measure(arms, len(qs))
        for name in arms:
            save_ids(name, t, qs, ids[name])
            results[(name, t)] = (lat[name], ids[name], errs[name])
    for (name, t), (lat, ids, errs) in results.items():
        qs = by_type[t]
        m = metrics(lat, ids, qs, tantivy_ref(t, qs))
        emit({"record": "measurement", "system": name, "query_type": t, "api": "in-process",
              "config": engines[name].config, **builds[name], **m, "errors": len(errs), "error_examples": errs[:3]})

    if "strata" in systems:
        cmd = [c.replace("{python}", sys.executable) for c in shlex.split(args.strata_command)]
        b, res, err = run_strata(cmd, docs_path, by_type, scratch)
        if err:
            emit({"record": "skipped", "system": "strata", "reason": err, "command": cmd})
        else:
            bf = build_fields({"ingest_s": b.get("ingest_s", 0.0), "build_s": b.get("build_s", 0.0),
                               "index_bytes": b.get("index_bytes"), "disk_bytes": b.get("disk_bytes"),
                               "note": b.get("note")})
            if b.get("docs") != len(texts):
                bf["build_note"] = f"runner reported {b.get('docs')} docs, corpus has {len(texts)}"
            for t, qs in by_type.items():
                if t not in res:
                    emit({"record": "skipped", "system": "strata", "query_type": t, "reason": "runner did not report"})
                    continue
                lat, ids = res[t]
                if len(lat) != len(qs) or len(ids) != len(qs):
                    emit({"record": "skipped", "system": "strata", "query_type": t,
                          "reason": f"runner reported {len(lat)} latencies / {len(ids)} id lists for {len(qs)} queries"})
                    continue
                save_ids("strata", t, qs, ids)
                m = metrics(lat, ids, qs, tantivy_ref(t, qs))
                emit({"record": "measurement", "system": "strata", "query_type": t, "api": "external",
                      "config": {"command": cmd}, **bf, **m, "errors": 0})
    out.close()


# ================================================================ report

def fmt_num(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def cmd_report(args):
    recs = [r for f in args.results for r in read_jsonl(f)]
    latest = {}  # (corpus, system, type) -> record; later lines win
    for r in recs:
        latest[(r["corpus"], r["system"], r.get("query_type"))] = r
    corpora = list(dict.fromkeys(r["corpus"] for r in recs))
    order = ["tantivy", "sqlite-fts5", "lance-fts", "strata"]
    for corpus in corpora:
        rows = {k[1]: None for k in latest if k[0] == corpus}
        systems = sorted(rows, key=lambda s: (order.index(s) if s in order else len(order), s))
        types = [t for t in TYPES if any(k[0] == corpus and k[2] == t for k in latest)]
        meas = {(s, t): latest.get((corpus, s, t)) for s in systems for t in types}
        any_rec = next(r for r in recs if r["corpus"] == corpus)
        print(f"\n### {corpus} — {any_rec['docs']:,} docs, top-{any_rec['k']}, runs "
              + ", ".join(sorted({r['run_id'] for (c, _, _), r in latest.items() if c == corpus})) + "\n")
        head = ["system", "docs/s", "build s", "index MB", "disk MB"]
        for t in types:
            head += [f"{t} p50/p99 ms", f"{t} QPS (×tantivy)", f"{t} overlap (n)"]
        if "question" in types:
            head.append("question gold@10")
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(head))) + "|")
        for s in systems:
            b = next((r for t in types if (r := meas[(s, t)]) and r["record"] == "measurement"), None)
            cells = [s, fmt_num(b and b.get("docs_per_s")), fmt_num(b and b.get("total_build_s"), 1),
                     fmt_num(b and b.get("index_bytes") and b["index_bytes"] / 1e6, 1),
                     fmt_num(b and b.get("disk_bytes") and b["disk_bytes"] / 1e6, 1)]
            for t in types:
                r = meas[(s, t)]
                if r is None or r["record"] != "measurement":
                    why = (r or {}).get("reason") or latest.get((corpus, s, None), {}).get("reason", "not run")
                    cells += [f"skipped: {why[:60]}", "", ""]
                    continue
                ref = meas.get(("tantivy", t))
                ratio = (r["qps"] / ref["qps"]) if ref and ref["record"] == "measurement" and ref["qps"] else None
                ov = r.get("overlap_tantivy")
                cells += [f"{r['p50_ms']:.3f} / {r['p99_ms']:.3f}",
                          fmt_num(r["qps"]) + (f" ({ratio:.2f}×)" if ratio is not None else ""),
                          (f"{ov:.3f}" if ov is not None else "–") + f" ({r['mean_results']:.1f})"
                          + (f" err {r['errors']}" if r.get("errors") else "")]
            if "question" in types:
                r = meas[(s, "question")]
                cells.append(f"{r['gold_recall_at_10']:.3f}" if r and r.get("gold_recall_at_10") is not None else "–")
            print("| " + " | ".join(cells) + " |")
        print("\nSame rows as tantivy where tantivy returned < 10 (whole match set known, no ties at the cut-off):\n")
        print("| system | " + " | ".join(types) + " |")
        print("|---|" + "--:|" * len(types))
        for s in systems:
            cells = []
            for t in types:
                r = meas[(s, t)]
                v = r.get("same_set_under_k") if r and r["record"] == "measurement" else None
                cells.append("–" if v is None else f"{v:.3f} (of {r['same_set_under_k_n']})")
            print(f"| {s} | " + " | ".join(cells) + " |")
        print("\noverlap = mean |top10 ∩ tantivy top10| / |tantivy top10| over queries tantivy answered; "
              "(n) = mean results returned; QPS = queries / sum of latencies (1 thread, warm).")


# ================================================================ CLI

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="write corpora + queries")
    p.add_argument("--out", required=True)
    p.add_argument("--docs", type=int, default=1_000_000, help="zipf1m document count")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--corpora", default="zipf1m,passages")
    p.add_argument("--queries-per-type", type=int, default=1000)
    p.add_argument("--questions", type=int, default=1000, help="passages questions to sample (0 = all)")
    p.add_argument("--squad", default=str(SQUAD_DIR), help="folder with passages.jsonl, queries.jsonl")
    p = sub.add_parser("run", help="build + query every system, append records to --out")
    p.add_argument("--data", required=True)
    p.add_argument("--corpus", required=True, choices=["zipf1m", "passages"])
    p.add_argument("--systems", default="tantivy,sqlite-fts5,lance-fts")
    p.add_argument("--strata-command", help='Strata runner command line, one string (shlex-split; '
                                            '"{python}" = this interpreter)')
    p.add_argument("--queries-per-type", type=int, default=1000)
    p.add_argument("--scratch", help="where indexes are built (default ~/.cache/strata/text-work/<corpus>)")
    p.add_argument("--out", required=True, help="results JSON-lines file (appended)")
    p = sub.add_parser("report", help="Markdown tables from results files")
    p.add_argument("results", nargs="+")
    args = ap.parse_args()
    {"prepare": cmd_prepare, "run": cmd_run, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    main()
