"""Write figures/ablation.md: each lever tried, its validation R@1 / MRR on the same protocol, and its CPU cost.

    python tools/ablation.py RUN[=LABEL] ... [--out figures/ablation.md]

RUN is a run folder (its last.pt or best.pt holds the history) or a checkpoint. Each run's config is
compared with the first run's: the settings that differ are the lever. Every number comes from the
runs' own histories (validation on the held-out font, the same `n_valid` candidates every epoch),
none is typed here.
"""
import argparse, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def history_of(p: Path):
    from mmembed.retrieval import read_checkpoint
    f = p if p.is_file() else next((p / n for n in ('last.pt', 'best.pt') if (p / n).exists()), None)
    if f is None: sys.exit(f"ablation: no last.pt or best.pt in {p}")
    ck = read_checkpoint(f)
    return f, ck['config'], ck['history']


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', nargs='+', help='RUN[=LABEL]: a run folder or checkpoint, and a label for it')
    ap.add_argument('--out', default=str(ROOT / 'figures' / 'ablation.md'))
    ap.add_argument('--note', action='append', default=[], help='a line for the notes under the table (repeatable)')
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mmembed.train import config_diff
    runs = []
    for spec in a.runs:
        path, _, label = spec.partition('=')
        f, cfg, hist = history_of(Path(path))
        runs.append((label or Path(path).name, f, cfg, hist))
    base = runs[0]
    lines = ['| run | lever (settings that differ from the first run) | epoch | pairs seen | valid R@1 | valid MRR | valid MR | '
             'CPU s per epoch | pairs/s |', '|---|---|---|---|---|---|---|---|---|']
    for label, f, cfg, hist in runs:
        lever = '; '.join(config_diff(base[2], cfg)) or '(baseline)'
        seen = 0
        for h in hist:
            seen += h['pairs']
            lines.append(f"| {label} | {lever} | {h['epoch']} | {seen:,} | {h['valid_r1']:.3f} | {h['valid_mrr']:.3f} | {h['valid_mr']:.0f} "
                         f"| {h['seconds']:.0f} | {h['pairs'] / h['seconds']:.0f} |")
    n = {h.get('valid_n') for _, _, _, hist in runs for h in hist}
    lines += ['', f"Validation: audio→roll retrieval among {', '.join(map(str, sorted(n)))} candidates of the validation pieces, "
              "audio from the held-out font, the same candidates every epoch (`mmembed.train.validate`). CPU seconds are wall "
              "seconds of the epoch on a 2-core machine, training and validation, as the run logged them (other work on the "
              "machine slows an epoch; compare pairs/s with care).", '']
    lines += [f"- {label}: `{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}`" for label, f, _, _ in runs]
    if a.note: lines += [''] + [f'- {n}' for n in a.note]
    Path(a.out).write_text('\n'.join(lines) + '\n')
    print(Path(a.out).read_text())


if __name__ == '__main__':
    main()
