"""Benchmark inference with BatchNorm folded into the convolutions (`mmembed.models.inference_copy`), in snippets per second
(run by hand; not a test).

Side by side in one run, on the same random snippets (speed does not depend on content), alternating the two forms:
- the plain eval-mode encoder of Table 1 (what `embed` ran before) against `embed` (its folded, channels_last copy),
  for the roll encoder and the audio encoder;
- the VAE's transcription `m2` then `m1d` in eval mode against `vae_probs` (folded), for each latent size.
Also the largest difference between the two forms' outputs. Medians of `--repeats` timings after a warm-up; torch threads
as set (`--threads`). Weights are random unless `--checkpoint` is given (speed does not depend on them).

    python bench/embed_speed.py --window 2 --latents 32 128 --batch 256 --repeats 5 --out bench/results_embed_speed.json
"""
import argparse, json, statistics, time
from functools import partial
from pathlib import Path

import numpy as np
import torch

from mmembed.core import cqt_shape, roll_shape
from mmembed.models import JointModel, embed, to_channels_last
from mmembed.vae import VAE, VAEConfig, vae_probs


def timings(fns, repeats):
    "Median seconds of each function, timed in turns after one warm-up call each."
    for fn in fns: fn()
    ts = [[] for _ in fns]
    for _ in range(repeats):
        for t, fn in zip(ts, fns):
            t0 = time.perf_counter(); fn(); t.append(time.perf_counter() - t0)
    return [statistics.median(t) for t in ts]


@torch.no_grad()
def plain_embed(enc, x, batch):
    "What `embed` ran before: the encoder itself in eval mode, channels_last inputs."
    enc.eval()
    return torch.cat([enc(to_channels_last(x[i:i + batch])) for i in range(0, len(x), batch)])


@torch.no_grad()
def plain_vae(vae, x, batch):
    vae.eval()
    return np.concatenate([torch.sigmoid(vae.m1d(vae.m2(to_channels_last(x[i:i + batch]))))[:, 0].numpy()
                           for i in range(0, len(x), batch)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--window', type=int, default=2)
    ap.add_argument('--latents', type=int, nargs='+', default=[32, 128])
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--threads', type=int, default=torch.get_num_threads())
    ap.add_argument('--checkpoint', help='an mmembed checkpoint whose encoders to time (default: random weights)')
    ap.add_argument('--out')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    if a.checkpoint:
        from mmembed.retrieval import load_checkpoint
        model, cfg, _ = load_checkpoint(a.checkpoint); a.window = cfg.data.window
    else: model = JointModel()
    X = {'roll': (torch.rand(a.batch, 1, *roll_shape(a.window)) > 0.9).float(), 'audio': torch.rand(a.batch, 1, *cqt_shape(a.window)) * 4}
    rows = {'window': a.window, 'batch': a.batch, 'threads': a.threads, 'repeats': a.repeats,
            'checkpoint': a.checkpoint, 'systems': []}
    systems = [(f'{side} encoder (Table 1)', partial(plain_embed, enc, X[side], a.batch), partial(embed, enc, X[side], a.batch))
               for side, enc in (('roll', model.score), ('audio', model.audio))]
    for d in a.latents:
        vae = VAE(VAEConfig(latent_dim=d), a.window).eval()
        systems.append((f'VAE decoding, latent {d} (m2 + m1d)', partial(plain_vae, vae, X['audio'], a.batch),
                        partial(vae_probs, vae, X['audio'], batch_size=a.batch)))
    for name, plain, folded in systems:
        tp, tf = timings([plain, folded], a.repeats)
        diff = float(np.abs(np.asarray(plain()) - np.asarray(folded())).max())
        rows['systems'].append({'system': name, 'plain_per_s': a.batch / tp, 'folded_per_s': a.batch / tf,
                                'speedup': tp / tf, 'max_abs_diff': diff})
        print(f"{name}: {a.batch / tp:.0f} -> {a.batch / tf:.0f} snippets/s ({tp / tf:.2f}x), outputs differ by at most {diff:.1e}", flush=True)
    if a.out: Path(a.out).write_text(json.dumps(rows, indent=1))


if __name__ == '__main__':
    main()
