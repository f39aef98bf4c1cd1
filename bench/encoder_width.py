"""Benchmark the encoder's width: the training step and the folded embedding, per channel setting (run by hand; not a test).

Side by side in one run, on the same random batches (speed does not depend on content), the settings timed in turns:
- a training step of the joint model (both encoders forward, InfoNCE both ways, backward, Adam), channels_last;
- the folded inference embedding (`mmembed.models.embed`) of the audio encoder and of the roll encoder.
Medians of `--repeats` timings after a warm-up, and each setting's ratio to the first (Table 1's encoder). Parameter
counts too. The real epochs' seconds (cache, sampler and augmentation included) are in figures/ablation.md.

    python bench/encoder_width.py --channels 24,48,96,96 16,32,64,128 16,32,64,64 --repeats 7 --out bench/results_encoder_width.json
"""
import argparse, json
from functools import partial
from pathlib import Path

import torch

from mmembed.core import cqt_shape, roll_shape
from mmembed.config import ModelConfig
from mmembed.loss import pair_loss
from mmembed.models import JointModel, embed, n_params, to_channels_last
from embed_speed import timings                            # bench/embed_speed.py: medians of turns after a warm-up


def step(model, opt, xs, xa):
    zs, za = model(xs, xa)
    loss = pair_loss(za, zs, 'infonce', both=True)
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--channels', nargs='+', default=['24,48,96,96', '16,32,64,128', '16,32,64,64'],
                    help='channel settings, each as c1,c2,c3,c4; the first is the reference')
    ap.add_argument('--window', type=int, default=2)
    ap.add_argument('--batch', type=int, default=64, help='training batch (the default profile: 64)')
    ap.add_argument('--embed-batch', type=int, default=256)
    ap.add_argument('--repeats', type=int, default=7)
    ap.add_argument('--threads', type=int, default=torch.get_num_threads())
    ap.add_argument('--out')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    chans = [tuple(int(c) for c in s.split(',')) for s in a.channels]
    xs = to_channels_last(torch.rand(a.batch, 1, *roll_shape(a.window)))
    xa = to_channels_last(torch.randn(a.batch, 1, *cqt_shape(a.window)))
    es, ea = torch.rand(a.embed_batch, 1, *roll_shape(a.window)), torch.randn(a.embed_batch, 1, *cqt_shape(a.window))
    models = [JointModel(ModelConfig(channels=c)).to(memory_format=torch.channels_last) for c in chans]
    opts = [torch.optim.Adam(m.parameters(), 1e-4) for m in models]
    fns = {'train': [partial(step, m, o, xs, xa) for m, o in zip(models, opts)],
           'embed_audio': [partial(embed, m.audio, ea, a.embed_batch) for m in models],
           'embed_roll': [partial(embed, m.score, es, a.embed_batch) for m in models]}
    res = {'threads': a.threads, 'window': a.window, 'batch': a.batch, 'embed_batch': a.embed_batch, 'repeats': a.repeats,
           'torch': torch.__version__, 'settings': []}
    med = {kind: timings(fs, a.repeats) for kind, fs in fns.items()}   # the warm-up call also folds and keeps each copy
    for k, (c, m) in enumerate(zip(chans, models)):
        r = {'channels': list(c), 'params': n_params(m)}
        for kind, n in (('train', a.batch), ('embed_audio', a.embed_batch), ('embed_roll', a.embed_batch)):
            r[f'{kind}_per_s'] = n / med[kind][k]
            r[f'{kind}_ratio'] = med[kind][0] / med[kind][k]
        res['settings'].append(r)
        print(f"{c}: {r['params']:,} parameters; train {r['train_per_s']:.0f} pairs/s ({r['train_ratio']:.2f}x), "
              f"embed audio {r['embed_audio_per_s']:.0f}/s ({r['embed_audio_ratio']:.2f}x), "
              f"roll {r['embed_roll_per_s']:.0f}/s ({r['embed_roll_ratio']:.2f}x)", flush=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__':
    main()
