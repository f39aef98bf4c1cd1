"""The default's training step with and without `mmembed.core.keep_freed_memory`, and without torch's fill of new tensors (run by hand; not a test).

Each timing is a fresh process (the setting is process-wide and cannot be undone), in turns, `--repeats` of each:
the profile's training index and loader (`mmembed.train.train_loader`), its model and loss, `--steps` steps after
3 of warm-up, loader included, as `train` runs them. Medians of pairs per second, their ratio, the peak resident
memory, and the loss after the last step, which must be the same in every mode. The third mode, 'keep-nofill', also sets
`torch.utils.deterministic.fill_uninitialized_memory = False`: under `torch.use_deterministic_algorithms` (which
`seed_everything` turns on) torch otherwise fills every new tensor before an op writes it. `seed_everything` now turns
the fill off itself, so the first two modes turn it back on, as it was when they were first measured.

    python bench/malloc_step.py --params params/default.yaml --steps 40 --repeats 3 --out bench/results_malloc_step.json
"""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path
from statistics import median

MODES = ('default', 'keep', 'keep-nofill')


def one(params: str, steps: int, mode: str) -> dict:
    "One timing in this process."
    import torch
    from mmembed.core import seed_everything, keep_freed_memory
    from mmembed.config import Config, load_profile, config_keys
    from mmembed.snippets import SnippetIndex
    from mmembed.train import train_loader
    from mmembed.models import JointModel, to_channels_last
    from mmembed.loss import pair_loss
    profile = load_profile(params)
    cfg = Config.from_dict({k: v for k, v in profile.items() if k in config_keys()})
    t = cfg.train
    seed_everything(t.seed)
    took = keep_freed_memory() if mode != 'default' else False
    torch.utils.deterministic.fill_uninitialized_memory = mode != 'keep-nofill'   # seed_everything turns it off; the first two modes put it back
    loader = train_loader(cfg, SnippetIndex.from_config(cfg.data, 'train')); loader.batch_sampler.set_epoch(1)
    model = JointModel(cfg.model).to(memory_format=torch.channels_last).train()
    opt = torch.optim.Adam(model.parameters(), t.lr)
    n, t0 = 0, None
    for k, b in enumerate(loader):
        if k == 3: n, t0 = 0, time.perf_counter()
        zs, za = model(to_channels_last(b.x_score), to_channels_last(b.x_wave))
        loss = pair_loss(za, zs[b.I], t.loss, t.margin, t.temperature, t.both_directions)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); n += len(b.I)
        if k == steps + 2: break
    return {'mode': mode, 'took_effect': took, 'pairs_s': n / (time.perf_counter() - t0), 'loss': loss.item(),
            'max_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'threads': torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--params', default='params/default.yaml')
    ap.add_argument('--steps', type=int, default=40)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out')
    ap.add_argument('--modes', nargs='+', default=list(MODES), choices=MODES)
    ap.add_argument('--one', choices=MODES, help=argparse.SUPPRESS)   # a child process's single timing
    a = ap.parse_args()
    if a.one: print(json.dumps(one(a.params, a.steps, a.one))); return
    runs = {m: [] for m in a.modes}
    for r in range(a.repeats):
        for mode in a.modes:
            out = subprocess.run([sys.executable, __file__, '--params', a.params, '--steps', str(a.steps), '--one', mode],
                                 check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            runs[mode].append(json.loads(out))
            print(f"{mode:8s} {runs[mode][-1]['pairs_s']:6.1f} pairs/s  loss {runs[mode][-1]['loss']!r}", flush=True)
    med = {m: median(x['pairs_s'] for x in v) for m, v in runs.items()}
    same = len({x['loss'] for v in runs.values() for x in v}) == 1
    res = {'profile': a.params, 'cpus': os.cpu_count(), 'machine': platform.processor() or platform.machine(),
           'steps': a.steps, 'repeats': a.repeats, 'threads': runs[a.modes[0]][0]['threads'], 'modes': a.modes,
           'took_effect': all(x['took_effect'] for m in a.modes if m != 'default' for x in runs[m]), 'same_loss': same, 'runs': runs}
    for m in a.modes:
        k = m.replace('-', '_')
        res[f'{k}_pairs_s'] = med[m]; res[f'{k}_max_rss_mb'] = median(x['max_rss_mb'] for x in runs[m])
        if 'default' in med: res[f'{k}_ratio'] = med[m] / med['default']
    print(f"{a.params}: " + ', '.join(f"{m} {med[m]:.0f} pairs/s ({res[m.replace('-', '_') + '_max_rss_mb']:.0f} MB)" for m in a.modes)
          + f" (medians of {a.repeats}); the same loss in every run: {same}")
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__': main()
