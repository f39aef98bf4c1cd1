"""Benchmark training throughput (run by hand; not a test).

For 1-beat and 4-beat windows, in one run, repeats interleaved:
  full        a real training step: batches from the on-disk cache (DistinctRollSampler + collate) + forward/backward/Adam
  model-only  the same step on a batch already in memory
  loop-loss   model-only, with the study's Python double-loop loss instead of the vectorised one
Reports medians of pairs/s and the ratios full/model-only and vectorised/loop.

    python bench/train_speed.py --steps 20 --repeats 3 [--workers 0]
"""
import argparse, json, statistics, sys, time
from pathlib import Path

import torch

from mmembed.core import seed_everything
from mmembed.config import Config
from mmembed.corpus import select_pieces, split_variants
from mmembed.cache import build_cache
from mmembed.snippets import SnippetIndex
from mmembed.batching import make_loader
from mmembed.models import JointModel, to_channels_last
from mmembed.loss import hinge_rank_loss, hinge_rank_loss_loop


def step_fn(model, opt, loss_fn):
    def step(b):
        zs, za = model(to_channels_last(b.x_score), to_channels_last(b.x_wave))
        loss = loss_fn(za, zs[b.I])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step


def timed(fn, n):
    t = time.perf_counter()
    for _ in range(n): fn()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--workers', type=int, default=0)
    ap.add_argument('--pieces', type=int, default=3, help='Mozart training pieces to build and serve from')
    ap.add_argument('--out')
    a = ap.parse_args()
    cfg = Config.from_dict({'composers': ['Mozart'], 'max_pieces': a.pieces, 'soundfonts': ['fluidr3', 'timgm6mb']})
    pieces = select_pieces(cfg.data)['train']
    fonts, trans = split_variants(cfg.data, 'train')
    build_cache(pieces, soundfonts=fonts, transpositions=trans, progress=False)
    res = {'threads': torch.get_num_threads(), 'batch': a.batch, 'workers': a.workers}
    for w in (1, 4):
        seed_everything(0)
        ix = SnippetIndex(pieces, window=w, step=12, soundfonts=fonts, transpositions=trans)
        model = JointModel().to(memory_format=torch.channels_last).train()
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        loader = make_loader(ix, a.batch, seed=0, num_workers=a.workers)
        it = iter(loader)
        def next_batch():
            nonlocal it
            try: return next(it)
            except StopIteration:
                it = iter(loader); return next(it)
        fixed = next_batch()
        vec, loop = step_fn(model, opt, hinge_rank_loss), step_fn(model, opt, hinge_rank_loss_loop)
        for _ in range(3): vec(fixed)                       # warm-up
        full, only, looped = [], [], []
        for r in range(a.repeats):
            full.append(a.steps * a.batch / timed(lambda: vec(next_batch()), a.steps))
            only.append(a.steps * a.batch / timed(lambda: vec(fixed), a.steps))
            looped.append(max(2, a.steps // 4) * a.batch / timed(lambda: loop(fixed), max(2, a.steps // 4)))
        res[f'w{w}'] = {'full_pairs_s': statistics.median(full), 'model_only_pairs_s': statistics.median(only),
                        'loop_loss_pairs_s': statistics.median(looped),
                        'full_over_model_only': statistics.median(f / o for f, o in zip(full, only)),
                        'vectorised_over_loop': statistics.median(o / l for o, l in zip(only, looped))}
        print(f"w={w}: " + ", ".join(f"{k} {v:.2f}" for k, v in res[f'w{w}'].items()), flush=True)
    print(json.dumps(res, indent=1))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    sys.exit(main())
