"""The feature cache of a profile's splits, built from empty, timed per split (run by hand; not a test).

What `01c_cache` builds for each split, as `mmembed.cache.build_splits` does (the test pieces with the profile's recording
conditions, from the same renders), into a fresh cache folder that is removed afterwards, so nothing is found built.
The part of a from-scratch `make reproduce` that the cache is, split by split; wall seconds on this machine.

    python bench/split_build.py --params params/default.yaml --splits valid test --out bench/results_split_build.json
"""
import argparse, json, os, platform, shutil, tempfile, time
from pathlib import Path

from mmembed.config import Config, load_profile, config_keys
from mmembed.corpus import select_pieces, split_variants
from mmembed.cache import build_cache


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--params', default='params/default.yaml')
    ap.add_argument('--splits', nargs='+', default=['valid', 'test'], choices=('train', 'valid', 'test'))
    ap.add_argument('--out')
    a = ap.parse_args()
    profile = load_profile(a.params)
    cfg = Config.from_dict({k: v for k, v in profile.items() if k in config_keys()}).data
    conditions = tuple(profile.get('conditions') or ())
    pieces = select_pieces(cfg)
    res = {'profile': a.params, 'cpus': os.cpu_count(), 'machine': platform.processor() or platform.machine(), 'n_jobs': cfg.n_jobs, 'splits': {}}
    root = Path(tempfile.mkdtemp(prefix='split_build_'))
    try:
        for s in a.splits:
            fonts, trans = split_variants(cfg, s)
            recorded = cfg.recorded_renders if s == 'train' and cfg.augment == 'recording-rooms' else 0
            conds = (None, *conditions) if s == 'test' else (None,)
            t = time.perf_counter()
            rep = build_cache(pieces[s], soundfonts=fonts, transpositions=trans, velocity=cfg.velocity, sustain=cfg.sustain,
                              n_jobs=cfg.n_jobs, cache_root=root, progress=False, recorded=recorded, conditions=conds)
            sec = time.perf_counter() - t
            res['splits'][s] = {'pieces': len(pieces[s]), 'fonts': list(fonts), 'recorded': recorded, 'conditions': len(conds) - 1,
                                'built': rep.built, 'failed': len(rep.failed), 'seconds': sec}
            print(f"{s}: {len(pieces[s])} pieces, {len(fonts)} font(s), {recorded} recorded, {len(conds) - 1} conditions: "
                  f"{rep.built} files built, {len(rep.failed)} failed, {sec:.0f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__': main()
