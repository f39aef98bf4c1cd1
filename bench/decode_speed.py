"""Benchmark transcription throughput of one window, in snippets per second (run by hand; not a test).

Side by side in one run, on the same random CQT snippets (speed does not depend on content):
- the plain audio encoder of Table 1 (`JointModel.audio`), which retrieval needs before its search;
- the VAE's transcription, `m2` then `m1d` (`mmembed.vae.vae_probs`), for each latent size;
each batched (`--batch` snippets at a time) and one snippet at a time. One at a time is timed twice, in
turns: with the folded copy kept between calls (`mmembed.models.inference_copy`'s cache, what every
caller gets) and with a fresh copy folded for every call (the cache emptied first: what every call paid
before the cache). Medians of `--repeats` timings, after a warm-up; torch threads as set (`--threads`).

    python bench/decode_speed.py --window 2 --latents 32 128 --batch 256 --repeats 5 --out bench/results_decode_speed.json
"""
import argparse, json, statistics, time
from pathlib import Path

import torch

from mmembed.core import cqt_shape
from mmembed import models
from mmembed.models import JointModel, embed
from mmembed.vae import VAE, VAEConfig, vae_probs


def rate(fn, n, repeats):
    fn()                                                  # warm-up
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return n / statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--window', type=int, default=2)
    ap.add_argument('--latents', type=int, nargs='+', default=[32, 128])
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--singles', type=int, default=50, help='snippets timed one at a time')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--threads', type=int, default=torch.get_num_threads())
    ap.add_argument('--out')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    X = torch.rand(a.batch, 1, *cqt_shape(a.window))
    enc = JointModel().audio.eval()
    rows = {'window': a.window, 'batch': a.batch, 'threads': a.threads, 'repeats': a.repeats, 'systems': []}
    systems = [('audio encoder (Table 1)', lambda x: embed(enc, x, batch_size=a.batch))]
    for d in a.latents:
        vae = VAE(VAEConfig(latent_dim=d), a.window).eval()
        systems.append((f'VAE decoding, latent {d} (m2 + m1d)', lambda x, vae=vae: vae_probs(vae, x, batch_size=a.batch)))
    def fresh(fn, x):
        models._FOLDED.clear(); return fn(x)
    for name, fn in systems:
        b = rate(lambda: fn(X), a.batch, a.repeats)
        kept, copied = [], []
        for _ in range(a.repeats):                        # in turns, so drift on a busy machine hits both alike
            kept.append(rate(lambda: [fn(X[i:i + 1]) for i in range(a.singles)], a.singles, 1))
            copied.append(rate(lambda: [fresh(fn, X[i:i + 1]) for i in range(a.singles)], a.singles, 1))
        s, s0 = statistics.median(kept), statistics.median(copied)
        rows['systems'].append({'system': name, 'batch_per_s': b, 'single_per_s': s, 'single_fresh_copy_per_s': s0})
        print(f"{name}: {b:.0f} snippets/s batched, {s:.0f} one at a time ({s0:.0f} with a fresh copy a call)", flush=True)
    base = rows['systems'][0]
    for r in rows['systems']:
        r['batch_ratio_to_encoder'] = r['batch_per_s'] / base['batch_per_s']
        r['single_ratio_to_encoder'] = r['single_per_s'] / base['single_per_s']
    if a.out: Path(a.out).write_text(json.dumps(rows, indent=1))


if __name__ == '__main__':
    main()
