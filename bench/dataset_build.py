"""Benchmark the dataset build (run by hand; not a test).

Over a subset of the corpus, in one run and side by side:
  raw     FluidSynth alone on the original MIDI files (same soundfont, same worker count)
  build   the mmembed pipeline: MIDI rewrite + render + CQT + float16 cache write, from an empty cache
and the peak memory (RSS summed over the process and its workers, sampled every 50 ms) for two
subset sizes, to show that it does not grow with the corpus.

    python bench/dataset_build.py --pieces 16 --font fluidr3 --jobs 2 --repeats 3
"""
import argparse, json, statistics, subprocess, sys, tempfile, threading, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

from mmembed.core import get_soundfont, fluidsynth_binary, SAMPLE_RATE
from mmembed.dataset import load_corpus, build_cache, read_midi


def raw_render(args):
    midi, font, out = args
    subprocess.run([fluidsynth_binary(), '-ni', '-q', '-g', '0.5', '-r', str(SAMPLE_RATE), '-F', out, font, midi],
                   check=True, capture_output=True)


class PeakRSS:
    "Peak of the RSS summed over this process and its children, sampled in a thread."
    def __init__(self, every=0.05): self.every, self.peak, self._stop = every, 0, threading.Event()
    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try: total += p.memory_info().rss
                except psutil.Error: pass
            self.peak = max(self.peak, total); time.sleep(self.every)
    def __enter__(self): self._t = threading.Thread(target=self._run, daemon=True); self._t.start(); return self
    def __exit__(self, *a): self._stop.set(); self._t.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pieces', type=int, default=16)
    ap.add_argument('--font', default='fluidr3')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out', default=None, help='write the results as JSON here')
    a = ap.parse_args()
    corpus = sorted(load_corpus(), key=lambda p: p.id)
    step = max(1, len(corpus) // a.pieces)
    pieces = corpus[::step][:a.pieces]
    audio_s = sum(read_midi(p.path).get_end_time() for p in pieces)
    font = str(get_soundfont(a.font).path())
    print(f"{len(pieces)} pieces, {audio_s / 60:.1f} min of music, font {a.font}, {a.jobs} workers, {a.repeats} repeats")
    raw, built, peaks = [], [], []
    for r in range(a.repeats):   # interleaved, so both see the same machine load
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            with ProcessPoolExecutor(a.jobs) as ex:
                list(ex.map(raw_render, [(str(p.path), font, f'{d}/{i}.wav') for i, p in enumerate(pieces)]))
            raw.append(audio_s / (time.perf_counter() - t))
        with tempfile.TemporaryDirectory() as d, PeakRSS() as mem:
            t = time.perf_counter()
            rep = build_cache(pieces, [a.font], [0], n_jobs=a.jobs, root=d, progress=False)
            built.append(audio_s / (time.perf_counter() - t))
            size = sum(f.stat().st_size for f in Path(d).rglob('*.npy'))
        peaks.append(mem.peak)
        assert not rep.failed, rep.failed
        print(f"  repeat {r}: raw {raw[-1]:.0f}x realtime, build {built[-1]:.0f}x realtime, peak RSS {mem.peak / 2**20:.0f} MiB")
    # memory against corpus size: a quarter of the subset, same settings
    with tempfile.TemporaryDirectory() as d, PeakRSS() as small:
        build_cache(pieces[:max(1, len(pieces) // 4)], [a.font], [0], n_jobs=a.jobs, root=d, progress=False)
    res = dict(pieces=len(pieces), audio_seconds=audio_s, font=a.font, jobs=a.jobs,
               raw_x_realtime=statistics.median(raw), build_x_realtime=statistics.median(built),
               ratio=statistics.median(b / r for b, r in zip(built, raw)),
               peak_rss_mib=max(peaks) / 2**20, peak_rss_quarter_mib=small.peak / 2**20,
               cache_mib_per_audio_hour=size / 2**20 / (audio_s / 3600))
    print(json.dumps(res, indent=1))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    sys.exit(main())
