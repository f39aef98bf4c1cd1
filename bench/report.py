"""Write the README's benchmark and result tables from bench/results_*.json and figures/ (run by hand after a run).

    python bench/report.py            # rewrites the blocks between <!-- bench:NAME --> / <!-- figures:NAME --> markers in README.md
    python bench/report.py --check    # exits 1 if README.md is not what the JSON and figures/ files give

No figure in those tables is typed by hand: each comes from a results file written by a benchmark or a
`make reproduce PROFILE=default` run.
"""
import argparse, json, re, sys
from pathlib import Path

HERE = Path(__file__).parent
README = HERE.parent / 'README.md'
FONTS = {'fluidr3': 'FluidR3_GM.sf2', 'musescore': 'MuseScore_General_Lite.sf3', 'timgm6mb': 'TimGM6mb.sf2',
         'mellowgrand': 'FluidR3Mono_GM.sf3 (Mellow Grand)', 'fluidr3-honkytonk': 'FluidR3_GM.sf2 (honky-tonk)'}


def load(name): return json.loads((HERE / name).read_text())


def dataset_build() -> str:
    rows = [load(f) for f in ('results_dataset_build.json', 'results_dataset_build_musescore.json')
            if (HERE / f).exists()]
    out = ['| font | pieces (music) | FluidSynth alone | FluidSynth, its defaults | build | ratio | '
           'render + CQT + cache | ratio | ratios against FluidSynth\'s defaults | peak RSS (all / a quarter) |',
           '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for r in rows:
        d = r['raw_default_x_realtime']
        out.append(f"| {FONTS.get(r['font'], r['font'])} | {r['pieces']} ({r['audio_seconds'] / 3600:.1f} h) "
                   f"| {r['raw_x_realtime']:.0f}x | {d:.0f}x | {r['build_x_realtime']:.0f}x | {r['ratio']:.2f} "
                   f"| {r['audio_only_x_realtime']:.0f}x | {r['audio_only_ratio']:.2f} "
                   f"| {r['build_x_realtime'] / d:.2f} / {r['audio_only_x_realtime'] / d:.2f} "
                   f"| {r['peak_rss_mib']:.0f} / {r['peak_rss_quarter_mib']:.0f} MiB |")
    cache = ', '.join(f"{r['cache_mib_per_audio_hour']:.0f} MiB ({r['font']})" for r in rows)
    text = '\n'.join(out) + f'\n\nCache written per hour of audio and soundfont, rolls and beat times included: {cache}.'
    if (HERE / 'results_full_corpus.json').exists():
        f = load('results_full_corpus.json')
        text += (f"\n\nWhole corpus, one soundfont ({FONTS.get(f['font'], f['font'])}), no transposition "
                 f"(`python bench/full_corpus_cache.py`): {f['pieces']} pieces, {f['audio_hours']:.1f} h of audio, "
                 f"{len(f['failed'])} failed, built in {f['wall_s'] / 60:.1f} min on {f['jobs']} workers "
                 f"({f['x_realtime']:.0f}x realtime); CQTs {f['cqt_gib']:.2f} GiB, rolls {f['roll_gib']:.2f} GiB, "
                 f"beat times {f['beats_mib']:.1f} MiB; a second run built {f['second_run_built']} files "
                 f"in {f['second_run_s']:.1f} s.")
    return text


def train_speed() -> str:
    r = load('results_train_speed.json')
    out = [f"Batch {r['batch']}, {r['threads']} threads; pairs per second.", '',
           '| window | full step (cache → loss → Adam) | model only (batch in memory) | full / model-only '
           '| with the study\'s loop loss | vectorised / loop |', '| --- | --- | --- | --- | --- | --- |']
    for k, label in (('w1', '1 beat'), ('w4', '4 beats')):
        w = r[k]
        out.append(f"| {label} | {w['full_pairs_s']:.0f} | {w['model_only_pairs_s']:.0f} | {w['full_over_model_only']:.2f} "
                   f"| {w['loop_loss_pairs_s']:.0f} | {w['vectorised_over_loop']:.2f}x |")
    return '\n'.join(out)


def encoder_width() -> str:
    if not (HERE / 'results_encoder_width.json').exists(): return '(not measured yet: `python bench/encoder_width.py --out bench/results_encoder_width.json`)'
    r = load('results_encoder_width.json')
    out = [f"{r['window']}-beat windows, {r['threads']} threads, medians of {r['repeats']} timings taken in turns; training: batches of "
           f"{r['batch']} (both encoders, InfoNCE both ways, Adam), pairs per second; embedding: the folded encoders, batches of "
           f"{r['embed_batch']}, snippets per second; the ratio to the first row in brackets.", '',
           '| channels | parameters | training step | embed audio | embed roll |', '| --- | --- | --- | --- | --- |']
    for i, w in enumerate(r['settings']):
        name = '-'.join(map(str, w['channels'])) + (' (Table 1)' if i == 0 else '')
        out.append(f"| {name} | {w['params']:,} | {w['train_per_s']:.0f} ({w['train_ratio']:.2f}x) "
                   f"| {w['embed_audio_per_s']:.0f} ({w['embed_audio_ratio']:.2f}x) | {w['embed_roll_per_s']:.0f} ({w['embed_roll_ratio']:.2f}x) |")
    return '\n'.join(out)


def record_speed() -> str:
    if not (HERE / 'results_record_speed.json').exists(): return '(not measured yet: `python bench/record_speed.py --out bench/results_record_speed.json`)'
    r = load('results_record_speed.json')
    out = [f"{len(r['pieces'])} pieces ({', '.join(r['pieces'])}), {r['audio_s']:.0f} s of audio rendered with {r['font']}; the largest "
           f"prime factor of each length in samples: {', '.join(f'{f:,}' for f in r['largest_prime_factors'])}. Medians of "
           f"{r['repeats']} timings taken in turns, summed over the pieces; x realtime.", '',
           '| condition | numpy.fft, own length (before) | scipy.fft (now) | speed-up | largest output difference |',
           '| --- | --- | --- | --- | --- |']
    out += [f"| {c['condition']} | {c['before_x_realtime']:.0f}x | {c['now_x_realtime']:.0f}x | {c['speedup']:.2f}x "
            f"| {c['max_abs_difference']:.1e} |" for c in r['conditions']]
    return '\n'.join(out)


def faiss_latency() -> str:
    out = ['| candidates | dense torch | faiss exact | faiss HNSW | HNSW recall@10 |', '| --- | --- | --- | --- | --- |']
    for r in load('results_faiss.json'):
        dense = '—' if r['dense_ms'] is None else f"{r['dense_ms']:.2f}"
        out.append(f"| {r['n']:,} | {dense} | {r['exact_ms']:.2f} | {r['hnsw_ms']:.2f} | {r['hnsw_recall_at_k']:.2f} |")
    return '\n'.join(out)


def decode_speed() -> str:
    if not (HERE / 'results_decode_speed.json').exists(): return '(not measured yet: `python bench/decode_speed.py --out bench/results_decode_speed.json`)'
    r = load('results_decode_speed.json')
    out = [f"{r['window']}-beat windows, {r['threads']} threads, medians of {r['repeats']} timings; snippets per second.", '',
           f"| system | batched ({r['batch']}) | ratio to the encoder | one at a time | ratio to the encoder | one at a time, a fresh copy each call |",
           '| --- | --- | --- | --- | --- | --- |']
    fresh = lambda s: f"{s['single_fresh_copy_per_s']:.0f}" if 'single_fresh_copy_per_s' in s else '—'
    out += [f"| {s['system']} | {s['batch_per_s']:.0f} | {s['batch_ratio_to_encoder']:.2f} | {s['single_per_s']:.0f} | "
            f"{s['single_ratio_to_encoder']:.2f} | {fresh(s)} |" for s in r['systems']]
    return '\n'.join(out)


def embed_speed() -> str:
    if not (HERE / 'results_embed_speed.json').exists(): return '(not measured yet: `python bench/embed_speed.py --out bench/results_embed_speed.json`)'
    r = load('results_embed_speed.json')
    out = [f"{r['window']}-beat windows, batches of {r['batch']}, {r['threads']} threads, medians of {r['repeats']} timings taken in turns; "
           f"snippets per second; the Table 1 encoders' weights {'from ' + r['checkpoint'] if r['checkpoint'] else 'random'}, the VAEs' random.", '',
           '| system | eval mode as before | BatchNorm folded, channels_last | speed-up | largest output difference |', '| --- | --- | --- | --- | --- |']
    out += [f"| {s['system']} | {s['plain_per_s']:.0f} | {s['folded_per_s']:.0f} | {s['speedup']:.2f}x | {s['max_abs_diff']:.1e} |" for s in r['systems']]
    return '\n'.join(out)


def gpu_train() -> str:
    if not (HERE / 'results_gpu_train.json').exists(): return '(not measured yet: `python bench/gpu_train.py run DIR --out bench/results_gpu_train.json` on a GPU machine)'
    r = load('results_gpu_train.json')
    ws = sorted({int(k.split('_')[1][1:]) for k in r if k.startswith('loader_w')})
    out = [f"{r['device']}, {r['cpus']} CPU cores, torch {r['torch']}; batch {r['batch']}, {r['window']}-beat windows, "
           f"medians of {r['repeats']}; pairs per second.", '',
           '| step | pairs/s |', '| --- | --- |',
           f"| model step (forward, backward, Adam; InfoNCE both ways), fp32 channels_last | {r['model_step_fp32_pairs_per_s']:,.0f} |",
           f"| model step, bf16 autocast | {r['model_step_bf16_pairs_per_s']:,.0f} |"]
    for w in ws:
        out.append(f"| loader, {w} worker(s): plain / with `augment: {r.get('augment', 'recording')}` | "
                   f"{r[f'loader_w{w}_plain_pairs_per_s']:,.0f} / {r[f'loader_w{w}_aug_pairs_per_s']:,.0f} |")
    out += ['', f"`train()` on the GPU, {ws[-1]} workers, augmentation on: {r['train_pairs_per_s_last_epoch']:,.0f} pairs/s in its "
            f"last epoch of {r['train_history'][-1]['pairs']:,} pairs (short epochs: start-up and validation weigh on it). "
            f"`torchrun --nproc_per_node 1` (NCCL), one epoch: rc {r['torchrun_rc']}, {r['torchrun_wall_s']:.0f} s with start-up."]
    return '\n'.join(out)


def malloc_step() -> str:
    if not (HERE / 'results_malloc_step.json').exists(): return '(not measured yet: `python bench/malloc_step.py --out bench/results_malloc_step.json`)'
    r = load('results_malloc_step.json')
    label = {'default': "glibc's defaults", 'keep': '`keep_freed_memory()`',
             'keep-nofill': '`keep_freed_memory()`, no fill of new tensors'}
    out = [f"{r['cpus']} CPU cores, {r['threads']} threads, {r['steps']} steps a process, medians of {r['repeats']} processes in turns; "
           f"the loss after the last step {'the same to the bit in every run' if r['same_loss'] else 'NOT the same in every run'}.", '',
           '| mode | training step, loader included (pairs/s) | against the defaults | peak resident memory |', '| --- | --- | --- | --- |']
    for m in r['modes']:
        k = m.replace('-', '_')
        out.append(f"| {label[m]} | {r[f'{k}_pairs_s']:.0f} | {r[f'{k}_ratio']:.2f}x | {r[f'{k}_max_rss_mb'] / 1024:.2f} GB |")
    return '\n'.join(out)


FIGURES = HERE.parent / 'figures'


MISSING = '(not generated yet: `make reproduce PROFILE={}` writes figures/{})'


def md_table(name: str, profile: str = 'default') -> str:
    "The table lines of figures/<name>.md."
    if not (FIGURES / f'{name}.md').exists(): return MISSING.format(profile, f'{name}.md')
    return '\n'.join(l for l in (FIGURES / f'{name}.md').read_text().splitlines() if l.startswith('|'))


def where_it_fails() -> str:
    import csv
    if not (FIGURES / 'where_it_fails.csv').exists(): return MISSING.format('default', 'where_it_fails.csv')
    with open(FIGURES / 'where_it_fails.csv') as f: rows = list(csv.DictReader(f))
    out = ['| factor | bin | queries | R@1 | MRR |', '| --- | --- | --- | --- | --- |']
    out += [f"| {r['factor']} | {r['bin']} | {r['n']} | {float(r['R@1']):.3f} | {float(r['MRR']):.3f} |" for r in rows]
    return '\n'.join(out)


BLOCKS = {'bench': {'dataset_build': dataset_build, 'train_speed': train_speed, 'faiss_latency': faiss_latency,
                    'decode_speed': decode_speed, 'embed_speed': embed_speed, 'gpu_train': gpu_train,
                    'encoder_width': encoder_width, 'record_speed': record_speed,
                    'malloc_step': malloc_step},
          'figures': {'table2': lambda: md_table('table2'), 'table2_10k': lambda: md_table('table2_10k'),
                      'where_it_fails': where_it_fails, 'vae_table': lambda: md_table('vae_table'),
                      'transcription_table': lambda: md_table('transcription_table'),
                      'augment_fidelity': lambda: md_table('augment_fidelity'),
                      'table2_long': lambda: md_table('long/table2', 'long')}}


def render(text: str) -> str:
    for kind, blocks in BLOCKS.items():
        for name, fn in blocks.items():
            pat = re.compile(rf'(<!-- {kind}:{name} -->)\n(?:.*?\n)?(<!-- /{kind}:{name} -->)', re.S)
            if not pat.search(text): sys.exit(f"README.md has no <!-- {kind}:{name} --> ... <!-- /{kind}:{name} --> block")
            text = pat.sub(lambda m: f'{m.group(1)}\n{fn()}\n{m.group(2)}', text)
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--check', action='store_true', help='fail if README.md differs from the results')
    a = ap.parse_args()
    old = README.read_text(); new = render(old)
    if a.check:
        if new != old: sys.exit("README.md's tables differ from bench/results_*.json and figures/: run python bench/report.py")
        print('README tables match bench/results_*.json and figures/'); return
    README.write_text(new); print('README.md tables written from bench/results_*.json and figures/')


if __name__ == '__main__':
    main()
