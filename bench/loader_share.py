"""Where a training epoch of a profile goes: the loader against the model step (run by hand; not a test).

On the profile's own training index (its cache must be built: `make reproduce` or `python -m mmembed.train` builds it),
timed in turns in one run:
- the loader: `--batches` batches from `mmembed.train.train_loader`, the loader `train` makes (sampler, cache reads, recorded renders,
  the augmentation, transposition jitter), in the main process as `train` runs it by default;
- the model step: the same batches, already in memory, through both encoders, the profile's loss, backward and Adam.
Medians of `--repeats` timings after a warm-up; pairs per second, and the loader's share of a step that does both.

    python bench/loader_share.py --params params/default.yaml --batches 20 --repeats 3 --out bench/results_loader_share.json
"""
import argparse, json, os, platform
from pathlib import Path

import torch

from mmembed.core import seed_everything
from mmembed.config import Config, load_profile, config_keys
from mmembed.snippets import SnippetIndex
from mmembed.train import train_loader
from mmembed.models import JointModel, to_channels_last
from mmembed.loss import pair_loss
from embed_speed import timings                            # bench/embed_speed.py: medians of turns after a warm-up


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--params', default='params/default.yaml')
    ap.add_argument('--batches', type=int, default=20)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out')
    a = ap.parse_args()
    profile = load_profile(a.params)
    cfg = Config.from_dict({k: v for k, v in profile.items() if k in config_keys()})
    d, t = cfg.data, cfg.train
    seed_everything(t.seed)
    ix = SnippetIndex.from_config(d, 'train')
    loader = train_loader(cfg, ix)                       # the loader `train` runs, in the main process
    epoch = iter(range(1, 10 ** 6))
    def load():
        loader.batch_sampler.set_epoch(next(epoch)); it = iter(loader)
        return [next(it) for _ in range(a.batches)]
    batches = load()
    model = JointModel(cfg.model).to(memory_format=torch.channels_last).train()
    opt = torch.optim.Adam(model.parameters(), t.lr)
    def steps():
        for b in batches:
            zs, za = model(to_channels_last(b.x_score), to_channels_last(b.x_wave))
            loss = pair_loss(za, zs[b.I], t.loss, t.margin, t.temperature, t.both_directions)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    tl, tm = timings([load, steps], a.repeats)
    n = a.batches * t.batch_size
    res = {'profile': a.params, 'threads': torch.get_num_threads(), 'cpus': os.cpu_count(), 'machine': platform.processor() or platform.machine(),
           'batch': t.batch_size, 'window': d.window, 'augment': d.augment, 'batches': a.batches, 'repeats': a.repeats,
           'loader_pairs_s': n / tl, 'model_pairs_s': n / tm, 'loader_share': tl / (tl + tm)}
    print(f"{a.params}: loader {res['loader_pairs_s']:.0f} pairs/s, model step {res['model_pairs_s']:.0f} pairs/s, "
          f"the loader's share of a full step {res['loader_share']:.2f} ({res['threads']} threads, batch {t.batch_size}, medians of {a.repeats})")
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__': main()
