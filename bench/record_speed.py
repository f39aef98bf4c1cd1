"""Benchmark the recording conditions (`mmembed.recording.record`) on whole pieces, before and after their FFTs moved to
`scipy.fft` (run by hand; not a test).

A piece's length in samples often has a large prime factor (Albeniz's Tango: 8 x 356,441), where an FFT of the whole
piece is slow. Side by side in one run, on the same rendered pieces, timed in turns:
- before: `record` as it was (commit 9b79db0), its FFTs on `numpy.fft` at the signal's own length, the MP3 alignment's
  cross-correlation at length 2n + 8192 (`mmembed.recording.record` with its `sfft` swapped for numpy's transforms);
- now: `mmembed.recording.record` (`scipy.fft`, the cross-correlation zero-padded to a fast length).
Per condition of `mmembed.recording.CONDITIONS` that `record` applies (the detuning is done at render time): medians of
`--repeats` timings after a warm-up, summed over the pieces, as x realtime; the ratio; and the largest difference between
the two outputs (the transform is the same, so rounding only). Rendering is not timed.

    python bench/record_speed.py --pieces 5 --repeats 2 --out bench/results_record_speed.json
"""
import argparse, json, types
from pathlib import Path

import numpy as np

from mmembed.core import SAMPLE_RATE
from mmembed.instruments import HOLDOUT_SOUNDFONT
from mmembed.corpus import load_corpus
import mmembed.recording as recording
from mmembed.audio import render_audio
from mmembed.recording import CONDITIONS, Condition, record
from embed_speed import timings                            # bench/embed_speed.py: medians of turns after a warm-up


NUMPY_FFT = types.SimpleNamespace(rfft=np.fft.rfft, irfft=np.fft.irfft, next_fast_len=lambda n, real=True: n)


def record_before(y, cond: Condition, seed=0):
    "`mmembed.recording.record` as it was: its FFTs on `numpy.fft` at the signal's own length (no padding to a fast length)."
    saved, recording.sfft = recording.sfft, NUMPY_FFT
    try: return recording.record(y, cond, seed)
    finally: recording.sfft = saved


def largest_prime_factor(n: int) -> int:
    f = 2
    while f * f <= n:
        if n % f: f += 1
        else: n //= f
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pieces', type=int, default=4, help='pieces of the corpus (sorted by id, every len(corpus)//pieces-th)')
    ap.add_argument('--font', default=HOLDOUT_SOUNDFONT, help='the soundfont the test conditions are rendered with')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out')
    a = ap.parse_args()
    corpus = sorted(load_corpus(), key=lambda p: p.id)
    pieces = corpus[::max(1, len(corpus) // a.pieces)][:a.pieces]
    rendered = [(p.id, render_audio(p.path, a.font)) for p in pieces]
    seconds = sum(len(y) for _, y in rendered) / SAMPLE_RATE
    factors = [largest_prime_factor(len(y)) for _, y in rendered]
    print(f"{len(rendered)} pieces, {seconds:.0f} s of audio ({a.font}); their lengths' largest prime factors: "
          + ', '.join(f"{f:,}" for f in factors), flush=True)
    conds = {name: c for name, c in CONDITIONS.items() if c != Condition() and not c.detune_cents}
    res = {'pieces': [p for p, _ in rendered], 'largest_prime_factors': factors, 'font': a.font, 'audio_s': seconds,
           'repeats': a.repeats, 'conditions': []}
    for name, c in conds.items():
        fns = [lambda f=f: [f(y, c, pid) for pid, y in rendered] for f in (record_before, record)]
        t_before, t_now = timings(fns, a.repeats)
        diff = max(float(np.max(np.abs(record_before(y, c, pid) - record(y, c, pid)))) for pid, y in rendered)
        r = {'condition': name, 'before_x_realtime': seconds / t_before, 'now_x_realtime': seconds / t_now,
             'speedup': t_before / t_now, 'max_abs_difference': diff}
        res['conditions'].append(r)
        print(f"{name}: {r['before_x_realtime']:.0f}x -> {r['now_x_realtime']:.0f}x realtime ({r['speedup']:.2f}x), "
              f"largest difference {diff:.1e}", flush=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__':
    main()
