"""Training throughput on a GPU machine, for planning the `paper` profile (run by hand where a GPU is lent; not a test).

    python bench/gpu_train.py prepare DIR [--pieces 10 --beats 160]   # here: a synthetic corpus and its cache (FluidSynth)
    python bench/gpu_train.py run DIR --out results.json           # there: the measurements below, one run

`run` measures, side by side on one machine:
  model step   forward + backward + Adam of the Table 1 joint model with InfoNCE both ways, a batch already
               on the device (pairs/s), fp32 channels_last and bf16 autocast, at the paper profile's batch;
  loader       batches of the paper profile's size served by `make_loader` from the cache, with and without
               the recording augmentation, for several worker counts (pairs/s, CPU-bound);
  train()      `mmembed.train.train` on the device over the synthetic corpus (pairs/s from its history: its epochs are
               short, so worker start-up and validation weigh on them), and one
               epoch under `torchrun --nproc_per_node 1` (NCCL), which must finish with rc 0.
Medians of `--repeats` repeats. The synthetic corpus is random music (mmembed.midi.synthetic_midi) rendered
with TimGM6mb (training) and FluidR3 (held out): sizes and speeds are the real ones, accuracy is meaningless.
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SETTINGS = dict(window=2, step=12, soundfonts=['timgm6mb'], holdout_soundfont='fluidr3', loss='infonce',
                both_directions=True, lr=1e-3, n_valid=200)
AUGMENT = 'recording-speckle'     # the costlier of the two versions of the recording augmentation


def prepare(d: Path, pieces: int, beats: int):
    from mmembed.midi import synthetic_midi
    from mmembed.config import Config
    from mmembed.cache import build_splits
    for i in range(pieces):
        synthetic_midi(d / 'midi' / 'Synth' / f'p{i:02d}.mid', n_beats=beats, seed=100 + i, bpm=(80 + 5 * i, 140))
    build_splits(Config.from_dict(SETTINGS).data, midi_root=d / 'midi', cache_root=d / 'cache', n_jobs=2)
    # The fonts' identities key the cache. The GPU machine has no FluidSynth and needs none (the cache is built), but
    # it must find each font file: each travels as its size and first and last MiB, which is all the identity reads.
    from mmembed.instruments import get_soundfont
    (d / 'fonts').mkdir(exist_ok=True)
    for key in ('timgm6mb', 'fluidr3'):
        f = get_soundfont(key).path(); size = f.stat().st_size; tail_at = max(size - (1 << 20), 1 << 20)   # as _font_identity reads
        with open(f, 'rb') as fh: head = fh.read(1 << 20); fh.seek(tail_at); tail = fh.read()
        (d / 'fonts' / f'{f.name}.json').write_text(json.dumps({'size': size, 'tail_at': tail_at}))
        (d / 'fonts' / f'{f.name}.head').write_bytes(head); (d / 'fonts' / f'{f.name}.tail').write_bytes(tail)


def sparse_fonts(d: Path) -> Path:
    "Font files with the sizes, heads and tails `prepare` saved, zeros between (sparse): enough for the cache key."
    out = Path(tempfile.mkdtemp(prefix='fonts-'))
    for m in (d / 'fonts').glob('*.json'):
        name = m.name[:-5]; meta = json.loads(m.read_text())
        with open(out / name, 'wb') as fh:
            fh.write((d / 'fonts' / f'{name}.head').read_bytes()); fh.seek(meta['tail_at'])
            fh.write((d / 'fonts' / f'{name}.tail').read_bytes()); fh.truncate(meta['size'])
    return out


def med(f, repeats):
    xs = [f() for _ in range(repeats)]
    return statistics.median(xs), xs


def model_step(device, batch, steps, amp):
    import torch
    from mmembed.config import Config
    from mmembed.models import JointModel, to_channels_last
    from mmembed.loss import pair_loss
    from mmembed.core import roll_shape, cqt_shape
    model = JointModel(Config.from_dict(SETTINGS).model).to(device).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    xs = to_channels_last(torch.rand(batch, 1, *roll_shape(2), device=device))
    xa = to_channels_last(torch.rand(batch, 1, *cqt_shape(2), device=device))
    def step():
        with torch.autocast(device.type, torch.bfloat16, enabled=amp):
            zs, za = model(xs, xa)
            loss = pair_loss(za.float(), zs.float(), 'infonce', both=True)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    for _ in range(3): step()
    def timed():
        torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(steps): step()
        torch.cuda.synchronize(); return batch * steps / (time.perf_counter() - t)
    return timed


def loader_rate(ix, batch, workers, augment, batches):
    from mmembed.batching import make_loader
    def timed():                                                  # steady state: past the first prefetched batches,
        dl = make_loader(ix, batch, 0, True, None, workers, augment=augment)    # over as many epochs as it takes
        def stream():
            while True: yield from dl
        it = stream()
        for _ in range(2 * workers + 1): next(it)                # workers started, their prefetch queues drained
        t = time.perf_counter(); n = 0
        for _ in range(batches): n += len(next(it).x_score)
        return n / (time.perf_counter() - t)
    return timed


def run(d: Path, out: Path, repeats: int, steps: int, batch: int, workers: list):
    import torch
    from mmembed.config import Config
    from mmembed.snippets import SnippetIndex
    from mmembed.train import train
    dev = torch.device('cuda')
    os.environ['MMEMBED_SOUNDFONTS'] = str(sparse_fonts(d))
    res = {'augment': AUGMENT, 'device': torch.cuda.get_device_name(0), 'torch': torch.__version__, 'cpus': os.cpu_count(),
           'python': platform.python_version(), 'batch': batch, 'window': 2, 'repeats': repeats}
    for amp in (False, True):
        m, xs = med(model_step(dev, batch, steps, amp), repeats)
        res[f"model_step_{'bf16' if amp else 'fp32'}_pairs_per_s"] = m; print('model step', amp, round(m), flush=True)
    cfg = Config.from_dict({**SETTINGS, 'batch_size': batch})
    ix = SnippetIndex.from_config(cfg.data, 'train', midi_root=d / 'midi', cache_root=d / 'cache')
    res['train_windows'] = ix.n_windows
    for w in workers:
        for aug in (False, True):
            m, _ = med(loader_rate(ix, batch, w, AUGMENT if aug else 'none', max(8, 4 * w)), repeats)
            res[f"loader_w{w}_{'aug' if aug else 'plain'}_pairs_per_s"] = m; print('loader', w, aug, round(m), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix='gpu-train-'))
    w_best = max(workers)
    cfg = Config.from_dict({**SETTINGS, 'batch_size': batch, 'epochs': 3, 'augment': AUGMENT})
    t = time.perf_counter()
    o = train(cfg, tmp / 'one', progress=False, device='cuda', num_workers=w_best, midi_root=d / 'midi', cache_root=d / 'cache')
    res['train_wall_s'] = time.perf_counter() - t
    res['train_history'] = [{k: h[k] for k in ('epoch', 'pairs', 'seconds', 'valid_r1')} for h in o['history']]
    res['train_pairs_per_s_last_epoch'] = o['history'][-1]['pairs'] / o['history'][-1]['seconds']
    print('train', res['train_pairs_per_s_last_epoch'], flush=True)
    import yaml
    prof = tmp / 'ddp.yaml'
    prof.write_text(yaml.safe_dump({**SETTINGS, 'batch_size': batch, 'epochs': 1, 'augment': AUGMENT, 'build': False,
                                    'num_workers': w_best, 'out_dir': str(tmp / 'ddp')}))
    env = {**os.environ, 'MMEMBED_DATA': str(d / 'midi'), 'MMEMBED_CACHE': str(d / 'cache')}
    t = time.perf_counter()
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '1', '-m', 'mmembed.train',
                        '--params', str(prof)], env=env, capture_output=True, text=True, timeout=300)
    res['torchrun_rc'], res['torchrun_wall_s'] = r.returncode, time.perf_counter() - t
    if r.returncode: res['torchrun_stderr_tail'] = r.stderr[-2000:]
    print('torchrun rc', r.returncode, flush=True)
    out.write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('what', choices=['prepare', 'run'])
    ap.add_argument('dir', type=Path)
    ap.add_argument('--pieces', type=int, default=10)
    ap.add_argument('--beats', type=int, default=160)
    ap.add_argument('--out', type=Path, default=Path('results_gpu_train.json'))
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--workers', type=int, nargs='+', default=[0, 4, 8, 15])
    a = ap.parse_args(argv)
    if a.what == 'prepare': prepare(a.dir, a.pieces, a.beats)
    else: run(a.dir, a.out, a.repeats, a.steps, a.batch, a.workers)


if __name__ == '__main__':
    main()
