"""The feature cache of a profile, built from empty, timed per split (run by hand; not a test).

What `01c_cache` builds, through the same call (`mmembed.cache.build_splits`: every split of the profile, the test pieces
with the profile's recording conditions from the same renders), into a fresh cache folder that is removed afterwards, so
nothing is found built. The part of a from-scratch `make reproduce` that the cache is, split by split; wall seconds on
this machine, as each split's build report gives them.

    python bench/split_build.py --params params/default.yaml --out bench/results_split_build.json
    python bench/split_build.py --params params/default.yaml --splits train --out bench/results_split_build_train.json
"""
import argparse, json, os, platform, shutil, tempfile
from pathlib import Path

from mmembed.config import Config, load_profile, config_keys
from mmembed.corpus import split_variants, SPLITS
from mmembed.cache import build_splits


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--params', default='params/default.yaml')
    ap.add_argument('--splits', nargs='+', choices=SPLITS, default=list(SPLITS), help='the splits to build (default: all)')
    ap.add_argument('--out')
    a = ap.parse_args()
    profile = load_profile(a.params)
    cfg = Config.from_dict({k: v for k, v in profile.items() if k in config_keys()}).data
    res = {'profile': a.params, 'clean_renders': cfg.clean_renders, 'cpus': os.cpu_count(), 'machine': platform.processor() or platform.machine(), 'n_jobs': cfg.n_jobs, 'splits': {}}
    root = Path(tempfile.mkdtemp(prefix='split_build_'))
    try:
        built = build_splits(cfg, cache_root=root, progress=False, conditions=tuple(profile.get('conditions') or ()),
                             splits=tuple(a.splits))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for s, (pieces, rep) in built.items():
        fonts = split_variants(cfg, s)[0]
        res['splits'][s] = {'pieces': len(pieces), 'fonts': list(fonts), 'built': rep.built, 'failed': len(rep.failed), 'seconds': rep.seconds}
        print(f"{s}: {len(pieces)} pieces, {len(fonts)} font(s): {rep.built} files built, {len(rep.failed)} failed, {rep.seconds:.0f} s")
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__': main()
