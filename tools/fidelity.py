"""Write figures/augment_fidelity.md: does the training augmentation simulate the recording conditions it stands for?

    python tools/fidelity.py RUN[=LABEL] ... [--n 1000] [--out figures/augment_fidelity.md]

For each model (a run folder's best.pt, or a checkpoint) and each recording condition of Table 2 that
`augment_cqt` simulates (rooms and noise), audio-to-score R@1 / MRR on the test protocol of
`05_evaluate` (held-out pieces, held-out font, the first `--n` candidates drawn as there), with the
audio three ways: clean; the real condition (rendered, recorded by `mmembed.recording.record`, cached);
and the clean CQT under `augment_cqt` with the condition's parameters, in its two versions: the first
(`augment: recording`) on the beat-resampled snippet, the second (`augment: recording-speckle`) on
the cached frames with the two seconds of context that training uses (`SnippetIndex.pair`'s
transform). A faithful simulation costs the model what the real condition costs it. Every number
comes from this run.
"""
import argparse, shlex, sys, time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIMULATED = {'room 0.4 s': dict(rt60=0.4, reverb_mix=1.0), 'room 1.2 s': dict(rt60=1.2, reverb_mix=1.0),
             'noise 20 dB': dict(snr_db=20), 'noise 10 dB': dict(snr_db=10),
             'room+noise': dict(rt60=0.8, reverb_mix=1.0, snr_db=20)}   # reverb_mix 1: room_impulse's tail carries the direct sound's energy


def scores(model, ix, windows, transform=None, post=None):
    import numpy as np, torch
    from mmembed.models import embed
    from mmembed.loss import similarity
    from mmembed.metrics import retrieval_metrics
    nv = len(ix.variants)
    pairs = [ix.pair(int(w) * nv, transform(int(w)) if transform else None) for w in windows]
    if post: pairs = [(r, post(int(w))(c)) for w, (r, c) in zip(windows, pairs)]
    rolls, cqts = (torch.from_numpy(np.stack(x))[:, None] for x in zip(*pairs))
    m = retrieval_metrics(similarity(embed(model.audio, cqts), embed(model.score, rolls)))
    return m['R@1'], m['MRR']


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', nargs='+', help='RUN[=LABEL]: a run folder (its best.pt) or a checkpoint, and a label')
    ap.add_argument('--n', type=int, default=1000, help='candidates (the first n of the 05_evaluate draw)')
    ap.add_argument('--out', default=str(ROOT / 'figures' / 'augment_fidelity.md'))
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import numpy as np, torch
    from mmembed.recording import augment_cqt
    from mmembed.evaluate import test_database
    from mmembed.retrieval import load_checkpoint
    from mmembed.core import project_relative
    torch.set_num_threads(2)
    lines = ['| model | condition | clean R@1 | real R@1 | simulated, first version | simulated, speckle | real − clean | '
             'first − clean | speckle − clean |', '|---|---|---|---|---|---|---|---|---|']
    srcs = []
    for spec in a.runs:
        path, _, label = spec.partition('=')
        p = Path(path); ck = p / 'best.pt' if p.is_dir() else p
        model, cfg, _ = load_checkpoint(ck); model.eval()
        srcs.append(f"- {label or p.name}: `{project_relative(ck)}`")
        ix, w = test_database(cfg, n_candidates=a.n)
        t = time.time(); clean = scores(model, ix, w)
        print(f"{label}: clean R@1 {clean[0]:.3f} ({time.time() - t:.0f} s)", flush=True)
        for name, kw in SIMULATED.items():
            ixc, wc = test_database(cfg, n_candidates=a.n, condition=name)
            if not np.array_equal(w, wc): sys.exit(f"fidelity: the {name} database draws other windows than the clean one")
            real = scores(model, ixc, w)
            aug = lambda k, **more: partial(augment_cqt, rng=np.random.default_rng(k), p=0, **kw, **more)
            v1 = scores(model, ix, w, post=aug)
            v2 = scores(model, ix, w, lambda k: aug(k, speckle=True))
            lines.append(f"| {label or p.name} | {name} | {clean[0]:.3f} | {real[0]:.3f} | {v1[0]:.3f} | {v2[0]:.3f} "
                         f"| {real[0] - clean[0]:+.3f} | {v1[0] - clean[0]:+.3f} | {v2[0] - clean[0]:+.3f} |")
            print(lines[-1], flush=True)
    lines += ['', f"Audio-to-score retrieval among {len(w)} candidates of the held-out test pieces, audio from the held-out "
              "font (05_evaluate's draw); R@1. Real: the condition's cached renders (`mmembed.recording.record`). Simulated: "
              "`mmembed.recording.augment_cqt` on the clean cached CQT with the condition's parameters, seeded by the window: "
              "the first version on the beat-resampled snippet, the second (speckle) on the cache's frames with two seconds "
              "of context before each window. Written by `python tools/fidelity.py "
              + shlex.join(a.runs) + f" --n {a.n}`.", ''] + srcs
    Path(a.out).write_text('\n'.join(lines) + '\n')
    print(Path(a.out).read_text())


if __name__ == '__main__':
    main()
