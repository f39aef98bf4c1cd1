"""Benchmark top-k query latency of the embedding index (run by hand; not a test).

Random unit vectors stand in for embeddings (latency depends on sizes, not on content).
For each database size: the dense torch similarity + topk, faiss exact (IndexFlatIP), and
faiss HNSW (approximate; its recall@10 against the exact result is reported too).

    python bench/faiss_latency.py --sizes 2000 100000 1000000 --queries 100 --repeats 5
"""
import argparse, json, statistics, sys, time
from pathlib import Path

import numpy as np
import torch

from mmembed.core import EMBED_DIM
from mmembed.retrieval import EmbeddingIndex
from mmembed.loss import similarity


def med_ms(fn, repeats):
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', type=int, nargs='+', default=[2000, 100_000, 1_000_000])
    ap.add_argument('--queries', type=int, default=100)
    ap.add_argument('--k', type=int, default=10)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--out')
    a = ap.parse_args()
    g = torch.Generator().manual_seed(0)
    q = torch.randn(a.queries, EMBED_DIM, generator=g)
    res = []
    for n in a.sizes:
        db = torch.randn(n, EMBED_DIM, generator=g)
        exact = EmbeddingIndex().add(db)
        t = time.perf_counter(); hnsw = EmbeddingIndex(kind='hnsw').add(db); build_s = time.perf_counter() - t
        row = {'n': n, 'queries': a.queries,
               'dense_ms': med_ms(lambda: torch.topk(similarity(q, db), a.k), a.repeats) if n <= 200_000 else None,
               'exact_ms': med_ms(lambda: exact.search(q, a.k), a.repeats),
               'hnsw_ms': med_ms(lambda: hnsw.search(q, a.k), a.repeats), 'hnsw_build_s': build_s}
        _, ie = exact.search(q, a.k); _, ih = hnsw.search(q, a.k)
        row['hnsw_recall_at_k'] = float(np.mean([len(set(x) & set(y)) / a.k for x, y in zip(ie, ih)]))
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
        res.append(row)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    sys.exit(main())
