"""Build the cache of the whole corpus for one soundfont and no transposition, and measure it (run by hand).

    python bench/full_corpus_cache.py [--font fluidr3] [--jobs 2] [--root DIR] [--out bench/results_full_corpus.json]

Reports the wall time and audio rate of the build, the size on disk of the CQTs, rolls and beat times,
and the time of a second run (which must build nothing). With --root unset it builds into the
project's cache (data/cache), so a later profile run reuses it.
"""
import argparse, json, time
from pathlib import Path

from mmembed.core import cache_dir
from mmembed.corpus import load_corpus
from mmembed.cache import build_cache, cqt_path, roll_key


def size(folder: Path) -> int: return sum(f.stat().st_size for f in folder.rglob('*.npy'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--font', default='fluidr3')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--root', default=None, help='cache folder (default: the project cache)')
    ap.add_argument('--out', default=None, help='write the results as JSON here')
    a = ap.parse_args()
    root = Path(a.root) if a.root else cache_dir()
    pieces = load_corpus()
    t = time.perf_counter(); rep = build_cache(pieces, soundfonts=[a.font], n_jobs=a.jobs, cache_root=root); wall = time.perf_counter() - t
    t = time.perf_counter(); again = build_cache(pieces, soundfonts=[a.font], n_jobs=a.jobs, cache_root=root, progress=False)
    again_s = time.perf_counter() - t
    cqts = cqt_path(pieces[0], a.font, 0, root).parent
    res = dict(font=a.font, jobs=a.jobs, pieces=len(pieces), built=rep.built, cached=rep.cached, failed=rep.failed,
               wall_s=wall, audio_hours=rep.audio_seconds / 3600,
               x_realtime=rep.audio_seconds / wall if rep.built else None,
               cqt_gib=size(cqts) / 2**30, roll_gib=size(root / roll_key()) / 2**30,
               beats_mib=size(root / 'beats') / 2**20, second_run_built=again.built, second_run_s=again_s)
    print(json.dumps(res, indent=1))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    main()
