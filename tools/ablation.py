"""Write figures/ablation.md: each lever tried, its validation R@1 / MRR on the same protocol, and its CPU cost.

    python tools/ablation.py RUN[=LABEL[=LEVER]] ... [--cca N] [--out figures/ablation.md]

RUN is a run folder (its last.pt or best.pt holds the history) or a checkpoint. Each run's config is
compared with the first run's: the settings that differ are the lever (LEVER names it where the code,
not a setting, differs). Every number comes from the runs' own histories (validation on the held-out
font, the same `n_valid` candidates every epoch), none is typed here.

`--append HEADING --base PROFILE`: keep what the file holds (its runs' checkpoints need not exist any more)
and add a section HEADING with these runs, each lever read against the settings of PROFILE (a params/*.yaml)
instead of the first run.

`--grid-error J`: each run's best checkpoint on the same validation windows with their audio cut through an
erring beat grid: each end of each window off by a uniform draw in [-J, J] beats (the same draws for every run),
as a beat tracker's grid would cut it (`mmembed.retrieval.window_pairs`).

`--conditions NAME ...`: each run's best checkpoint on the same validation windows with their held-out-font audio recorded
under each named condition (`mmembed.recording.CONDITIONS`), built into the cache on first use as `05_evaluate` builds the
test conditions: the gap to clean validation R@1 that the issue's target of 0.05 is about, without looking at the test split.

`--floor Q ...` (with `--conditions`): the same rows again with every CQT's steady noise floor taken out at test time, estimated as
the Q-th percentile of each bin over the piece (`mmembed.recording.subtract_floor`), for a model trained without it (the data
setting `floor_percentile` trains with it).

`--cca N`: Dorfer et al.'s refinement of the joint space, measured on each run's best checkpoint: CCA
fitted on N training pairs (distinct windows, their training fonts in turn), both embeddings projected
on it (all components equal, or each weighted by its canonical correlation), and the same validation
protocol with and without it; its CPU cost is the embedding and the fit.
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


def best_of(f: Path) -> Path:
    "The run's best checkpoint beside `f` (its last.pt), or `f` itself."
    return f.parent / 'best.pt' if f.name == 'last.pt' and (f.parent / 'best.pt').exists() else f


def cca_rows(f, n, seed=1):
    "Validation metrics of checkpoint `f` without and with a CCA fitted on `n` training pairs (all components equal / weighted), and the fit's seconds."
    import time
    from mmembed.retrieval import load_checkpoint, candidate_windows, embed_windows, CCA
    from mmembed.snippets import SnippetIndex
    from mmembed.metrics import retrieval_metrics
    from mmembed.loss import similarity
    model, cfg, _ = load_checkpoint(f); model.eval()
    tr, va = (SnippetIndex.from_config(cfg.data, s) for s in ('train', 'valid'))
    t = time.time(); cca = CCA.from_training(model, tr, n, seed); fit_s = time.time() - t
    vs, va_ = embed_windows(model, va, candidate_windows(va, cfg.train.n_valid, seed=0))   # the windows `train` validates on
    m = lambda w: retrieval_metrics(similarity(cca.audio(va_, w), cca.score(vs, w)))
    return retrieval_metrics(similarity(va_, vs)), m(False), m(True), fit_s, min(n, len(tr.unique))


def grid_rows(f, j, seed=2):
    "Validation metrics of checkpoint `f` with exact windows and with grid errors up to `j` beats at each end."
    import numpy as np
    from mmembed.retrieval import load_checkpoint, candidate_windows, embed_windows
    from mmembed.snippets import SnippetIndex
    from mmembed.metrics import retrieval_metrics
    from mmembed.loss import similarity
    model, cfg, _ = load_checkpoint(f); model.eval()
    va = SnippetIndex.from_config(cfg.data, 'valid')
    wins = candidate_windows(va, cfg.train.n_valid, seed=0)               # the windows `train` validates on
    errs = np.random.default_rng(seed).uniform(-j, j, (len(wins), 2))
    m = lambda g: retrieval_metrics(similarity(*embed_windows(model, va, wins, grid=g)[::-1]))
    return m(None), m(errs)


def validation_views(f, conditions, seed=0, floor=None):
    """Checkpoint `f`'s model and config, its validation windows, and the validation index of clean audio and of each recording condition
    (built if missing); `floor`: every CQT served with its noise floor taken out at this percentile (`mmembed.recording.subtract_floor`)."""
    from mmembed.retrieval import load_checkpoint, candidate_windows
    from mmembed.snippets import SnippetIndex
    from mmembed.corpus import select_pieces
    from mmembed.cache import build_cache
    model, cfg, _ = load_checkpoint(f); model.eval()
    font = cfg.data.holdout_soundfont
    build_cache(select_pieces(cfg.data)['valid'], soundfonts=(font,), conditions=tuple(conditions), n_jobs=cfg.data.n_jobs)
    va = SnippetIndex.from_config(cfg.data, 'valid', floor_percentile=floor)
    wins = candidate_windows(va, cfg.train.n_valid, seed=seed)          # the windows `train` validates on
    views = {'clean': va}
    for c in conditions:
        cva = views[c] = SnippetIndex.from_config(cfg.data, 'valid', soundfonts=(font,), condition=c, floor_percentile=floor)
        if not (len(cva.starts) == len(va.starts) and (cva.starts == va.starts).all()): raise RuntimeError(f"{c}: other windows than clean")
    return model, cfg, wins, views


def condition_rows(f, conditions, seed=0, floor=None):
    "Validation metrics of checkpoint `f` on clean audio and under each recording condition (the same windows), building what is missing."
    from mmembed.train import validate
    model, _, wins, views = validation_views(f, conditions, seed, floor)
    return {v: validate(model, ix, wins) for v, ix in views.items()}   # what `train` logs for the checkpoint, on each audio


def condition_cca_rows(f, conditions, n, audios, seed=0):
    "Validation metrics of checkpoint `f` on clean audio and under each condition, projected on CCAs fitted on `n` training pairs with each of `audios` (mmembed.retrieval.fit_cca)."
    from mmembed.retrieval import embed_windows
    from mmembed.retrieval import fit_cca
    from mmembed.metrics import retrieval_metrics
    from mmembed.loss import similarity
    model, cfg, wins, views = validation_views(f, conditions, seed)
    emb = {v: embed_windows(model, ix, wins) for v, ix in views.items()}
    out = {}
    for audio in audios:
        cca = fit_cca(model, cfg, n, audio)
        for v, (zs, za) in emb.items(): out[audio, v] = retrieval_metrics(similarity(cca.audio(za), cca.score(zs)), ks=(1, 10))
    return out


def condition_line(label, how, c, m, clean_r1):
    "A table row of one validation audio `c` (metrics `m`, its R@1 gap to `clean_r1`), the checkpoint measured as `how` says."
    gap = '' if c == 'clean' else f" ({m['R@1'] - clean_r1:+.3f} R@1 from clean)"
    return (f"| {label} | {how}validation audio {'clean' if c == 'clean' else 'recorded as ' + c}{gap} | best | — | "
            f"{m['R@1']:.3f} | {m['MRR']:.3f} | {m['MR']:.0f} | — | — |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', nargs='+', help='RUN[=LABEL[=LEVER]]: a run folder or checkpoint, a label, and what differs in code')
    ap.add_argument('--cca', type=int, default=0, help='measure a CCA refinement fitted on this many training pairs')
    ap.add_argument('--grid-error', type=float, default=0.0, help="measure each run's best checkpoint with grid errors up to this many beats")
    ap.add_argument('--conditions', nargs='+', default=[], metavar='NAME',
                    help="measure each run's best checkpoint under these recording conditions (mmembed.recording.CONDITIONS)")
    ap.add_argument('--cca-audio', nargs='+', default=[], metavar='AUDIO', choices=('clean', 'recorded'),
                    help="with --cca and --conditions: also each condition's rows through a CCA fitted on training pairs of this audio "
                         "(clean renders, or each piece's recorded renders: mmembed.retrieval.fit_cca)")
    ap.add_argument('--floor', nargs='+', type=float, default=[], metavar='PERCENTILE',
                    help="with --conditions: also each condition's rows with every CQT's steady noise floor taken out, estimated "
                         "as this percentile of each bin over the piece (mmembed.recording.subtract_floor), a test-time front end")
    ap.add_argument('--out', default=str(ROOT / 'figures' / 'ablation.md'))
    ap.add_argument('--note', action='append', default=[], help='a line for the notes under the table (repeatable)')
    ap.add_argument('--append', metavar='HEADING', help="keep the file's content and add these runs under this heading")
    ap.add_argument('--base', metavar='PROFILE', help='with --append: the profile (params/*.yaml) each lever is read against')
    ap.add_argument('--base-label', metavar='TEXT', help='with --append: how the table names the base profile (default: its path)')
    a = ap.parse_args(argv)
    if a.append and not a.base: ap.error('--append needs --base PROFILE: the settings its levers are read against')
    if a.append and not Path(a.out).exists(): ap.error(f'--append: {a.out} does not exist; write it without --append first')
    sys.path.insert(0, str(ROOT))
    from mmembed.train import config_diff
    from mmembed.config import parse_settings, load_profile
    runs = []
    for spec in a.runs:
        path, _, rest = spec.partition('=')
        label, _, lever = rest.partition('=')
        f, cfg, hist = history_of(Path(path))
        runs.append((label or Path(path).name, f, cfg, hist, lever))
    base_cfg = parse_settings(load_profile(a.base))[0].to_dict() if a.append else runs[0][2]
    against = (a.base_label or f'`{a.base}`') if a.append else 'the first run'
    lines = [f'| run | lever (settings that differ from {against}) | epoch | pairs seen | valid R@1 | valid MRR | valid MR | '
             'CPU s per epoch | pairs/s |', '|---|---|---|---|---|---|---|---|---|']
    for label, f, cfg, hist, code in runs:
        lever = '; '.join([code] * bool(code) + config_diff(base_cfg, cfg)) or ('(the profile)' if a.append else '(baseline)')
        seen = 0
        for h in hist:
            seen += h['pairs']
            lines.append(f"| {label} | {lever} | {h['epoch']} | {seen:,} | {h['valid_r1']:.3f} | {h['valid_mrr']:.3f} | {h['valid_mr']:.0f} "
                         f"| {h['seconds']:.0f} | {h['pairs'] / h['seconds']:.0f} |")
    if a.cca:
        for label, f, cfg, hist, code in runs:
            plain, cca, cca_w, fit_s, n_fit = cca_rows(best_of(f), a.cca)
            for name, m, sec in (('best checkpoint, as trained', plain, None), (f'+ CCA fitted on {n_fit:,} training pairs', cca, fit_s),
                                 ('+ the same CCA, each component weighted by its canonical correlation', cca_w, fit_s)):
                lines.append(f"| {label} | {name} | best | — | {m['R@1']:.3f} | {m['MRR']:.3f} | {m['MR']:.0f} | "
                             f"{'—' if sec is None else f'{sec:.0f} (embedding and fit)'} | — |")
            print(*lines[-3:], sep='\n', flush=True)
    if a.grid_error:
        for label, f, cfg, hist, code in runs:
            exact, erring = grid_rows(best_of(f), a.grid_error)
            for name, m in (('best checkpoint, windows on the MIDI\'s beats', exact),
                            (f'best checkpoint, each window end off by up to {a.grid_error:g} beat (uniform)', erring)):
                lines.append(f"| {label} | {name} | best | — | {m['R@1']:.3f} | {m['MRR']:.3f} | {m['MR']:.0f} | — | — |")
            print(*lines[-2:], sep='\n', flush=True)
    if a.conditions:
        for label, f, cfg, hist, code in runs:
            res = condition_rows(best_of(f), a.conditions)
            lines += [condition_line(label, 'best checkpoint, ', c, m, res['clean']['R@1']) for c, m in res.items()]
            print(*lines[-len(res):], sep='\n', flush=True)
    if a.floor:
        if not a.conditions: ap.error('--floor needs --conditions')
        for label, f, cfg, hist, code in runs:
            for q in a.floor:
                res = condition_rows(best_of(f), a.conditions, floor=q)
                how = f"best checkpoint, each CQT's noise floor (its {q:g}th percentile per bin over the piece) taken out; "
                lines += [condition_line(label, how, c, m, res['clean']['R@1']) for c, m in res.items()]
                print(*lines[-len(res):], sep='\n', flush=True)
    if a.cca_audio:
        if not (a.cca and a.conditions): ap.error('--cca-audio needs --cca N and --conditions')
        for label, f, cfg, hist, code in runs:
            res = condition_cca_rows(best_of(f), a.conditions, a.cca, a.cca_audio)
            lines += [condition_line(label, f"best checkpoint + CCA fitted on {a.cca:,} training pairs, {audio} audio; ", c, m,
                                     res[audio, 'clean']['R@1']) for (audio, c), m in res.items()]
            print(*lines[-len(res):], sep='\n', flush=True)
    n = {h.get('valid_n') for _, _, _, hist, _ in runs for h in hist}
    lines += ['', f"Validation: audio→roll retrieval among {', '.join(map(str, sorted(n)))} candidates of the validation pieces, "
              "audio from the held-out font, the same candidates every epoch (`mmembed.train.validate`). CPU seconds are wall "
              "seconds of the epoch on a 2-core machine, training and validation, as the run logged them (other work on the "
              "machine slows an epoch; compare pairs/s with care).", '']
    lines += [f"- {label}: `{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}`" for label, f, _, _, _ in runs]
    if a.note: lines += [''] + [f'- {n}' for n in a.note]
    if a.append: lines = [Path(a.out).read_text().rstrip('\n'), '', f'## {a.append}', ''] + lines
    Path(a.out).write_text('\n'.join(lines) + '\n')
    print(Path(a.out).read_text())


if __name__ == '__main__':
    main()
