"""Benchmark the dataset build (run by hand; not a test).

Over a subset of the corpus, in one run and side by side:
  raw     FluidSynth alone on the original MIDI files: the pipeline's command line, same soundfont,
          same worker count (and, for reference, with FluidSynth's default sample loading, as midi2audio runs it)
  build   the mmembed pipeline, from an empty cache: MIDI rewrite + render + CQT + float16 cache write,
          plus the piano roll and beat times of each piece
  audio   the same build with the rolls and beat times already cached: render + CQT + cache alone,
          the part that is repeated for every soundfont and transposition
Both run the same FluidSynth command on the same files in the same order (longest first), with the
same number of worker processes, interleaved repeat by repeat; the ratio is taken within each repeat.
Then the peak memory (RSS summed over the process and its workers, sampled every 50 ms) of a build
of the subset and of a quarter of it, in runs of their own, to show that it does not grow with the
corpus.

    python bench/dataset_build.py --pieces 16 --font fluidr3 --jobs 2 --repeats 3
"""
import argparse, json, statistics, subprocess, sys, tempfile, threading, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

from mmembed.instruments import get_soundfont
from mmembed.corpus import load_corpus
from mmembed.midi import read_midi
from mmembed.audio import fluidsynth_command, FLUIDSYNTH_OPTIONS, FLUIDSYNTH_STATIC_OPTIONS
from mmembed.cache import build_cache


def raw_render(args):
    midi, font, out, options = args
    subprocess.run(fluidsynth_command(font, midi, out, options=options), check=True, capture_output=True)



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
    pieces = sorted(pieces, key=lambda p: -p.path.stat().st_size)   # longest first, as build_cache orders them
    t = time.perf_counter(); import librosa.core.constantq   # once per process; build_cache does it if needed
    import_s = time.perf_counter() - t
    audio_s = sum(read_midi(p.path).get_end_time() for p in pieces)
    font = str(get_soundfont(a.font).path())
    print(f"{len(pieces)} pieces, {audio_s / 60:.1f} min of music, font {a.font}, {a.jobs} workers, {a.repeats} repeats")
    print(f"one-time import of librosa's CQT (not in the timings below): {import_s:.2f} s")
    def raw_rate(options):
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            with ProcessPoolExecutor(a.jobs) as ex:
                list(ex.map(raw_render, [(str(p.path), font, f'{d}/{i}.wav', options) for i, p in enumerate(pieces)]))
            return audio_s / (time.perf_counter() - t)
    raw, raw_default, built, audio_only = [], [], [], []
    for r in range(a.repeats):   # interleaved, so all three see the same machine load; nothing else runs meanwhile
        raw.append(raw_rate(FLUIDSYNTH_OPTIONS)); raw_default.append(raw_rate(FLUIDSYNTH_STATIC_OPTIONS))
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            rep = build_cache(pieces, soundfonts=[a.font], n_jobs=a.jobs, cache_root=d, progress=False)
            built.append(audio_s / (time.perf_counter() - t))
            size = sum(f.stat().st_size for f in Path(d).rglob('*.npy'))
        assert not rep.failed, rep.failed
        with tempfile.TemporaryDirectory() as d:   # render + CQT + cache alone: rolls and beat times built first, untimed
            build_cache(pieces, soundfonts=[], n_jobs=a.jobs, cache_root=d, progress=False)
            t = time.perf_counter()
            rep = build_cache(pieces, soundfonts=[a.font], n_jobs=a.jobs, cache_root=d, progress=False)
            audio_only.append(audio_s / (time.perf_counter() - t))
        assert rep.built == len(pieces) and rep.cached == len(pieces), rep
        print(f"  repeat {r}: raw {raw[-1]:.0f}x realtime (FluidSynth's defaults {raw_default[-1]:.0f}x); build {built[-1]:.0f}x (ratio {built[-1] / raw[-1]:.2f}); "
              f"render + CQT + cache {audio_only[-1]:.0f}x (ratio {audio_only[-1] / raw[-1]:.2f})")
    # peak memory, in builds of their own (the sampler costs CPU): the subset, then a quarter of it
    peaks = []
    for subset in (pieces, pieces[:max(1, len(pieces) // 4)]):
        with tempfile.TemporaryDirectory() as d, PeakRSS() as mem:
            build_cache(subset, soundfonts=[a.font], n_jobs=a.jobs, cache_root=d, progress=False)
        peaks.append(mem.peak)
    print(f"  peak RSS {peaks[0] / 2**20:.0f} MiB ({len(pieces)} pieces), {peaks[1] / 2**20:.0f} MiB (a quarter of them)")
    res = dict(pieces=len(pieces), librosa_import_s=import_s, audio_seconds=audio_s, font=a.font, jobs=a.jobs,
               raw_x_realtime=statistics.median(raw), raw_default_x_realtime=statistics.median(raw_default), build_x_realtime=statistics.median(built),
               ratio=statistics.median(b / r for b, r in zip(built, raw)),
               audio_only_x_realtime=statistics.median(audio_only),
               audio_only_ratio=statistics.median(b / r for b, r in zip(audio_only, raw)),
               repeats=dict(raw=raw, raw_default=raw_default, build=built, audio_only=audio_only),
               peak_rss_mib=peaks[0] / 2**20, peak_rss_quarter_mib=peaks[1] / 2**20,
               cache_mib_per_audio_hour=size / 2**20 / (audio_s / 3600))
    print(json.dumps(res, indent=1))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    sys.exit(main())
