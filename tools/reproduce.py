"""Run the reproduce chain of parameterised notebooks with papermill (called by `make reproduce`).

    python tools/reproduce.py --profile default [--notebooks 05_evaluate ...] [--set KEY=VALUE ...]

- The profile is checked first, whole: an unknown key, a value of the wrong type or out of range
  stops the run before any notebook starts (no 20-minute cache build before a typo is found).
- Each notebook is given only the keys of its own `parameters` cell, so papermill never warns
  "Passed unknown parameter" about another notebook's settings. A profile key that no notebook of the
  chain reads stops the run too: it would be dropped silently, and the run would not be the profile's.
- `--set KEY=VALUE` overrides a profile setting for this run, checked like the profile (e.g. `--set overwrite=true`
  to replace a run folder's checkpoints of another config, which are otherwise refused).
- Each notebook's printed output and progress bars stream to the terminal as they happen, with a
  line per stage and its wall time; executed copies go to runs/<profile>/.
"""
import argparse, functools, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The chain, in order; notebooks not written yet are skipped.
CHAIN = ['01b_audio', '01c_cache', '01d_snippets', '04c_train', '05_evaluate', '06_vae', '06a_vae_eval', '07a_harness']


class _Quiet:
    "A stream that drops tqdm's warning about missing ipywidgets from the cells' output, passing everything else."
    NOISE = ('IProgress not found', 'from .autonotebook import tqdm')
    def __init__(self, stream): self.stream = stream
    def write(self, s):
        if not any(n in s for n in self.NOISE): self.stream.write(s); self.stream.flush()
    def flush(self): self.stream.flush()


@functools.lru_cache(maxsize=None)
def notebook_parameters(nb: Path) -> frozenset:
    "Names set in the notebook's cell tagged `parameters` (read once per run: the check of the profile and the chain both ask)."
    import papermill
    return frozenset(papermill.inspect_notebook(str(nb)))


def unread_keys(settings: dict, chain=CHAIN) -> list:
    "The keys of `settings` that no `parameters` cell of the notebooks in `chain` reads."
    read = set().union(*(notebook_parameters(ROOT / 'nbs' / f'{n}.ipynb') for n in chain if (ROOT / 'nbs' / f'{n}.ipynb').exists()))
    return sorted(set(settings) - read)


def profile_settings(profile: Path, overrides=()) -> dict:
    "The settings of `profile` with `overrides` ('KEY=VALUE' strings) on top, every key and value checked (a `SettingsError` otherwise)."
    from mmembed.config import load_profile, parse_overrides, parse_settings
    settings = {**load_profile(profile), **parse_overrides(overrides)}
    parse_settings(settings)
    return settings


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--profile', default='default', help='a profile in params/ (default: default)')
    ap.add_argument('--notebooks', nargs='*', help='run only these notebooks of the chain')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE',
                    help='override a setting of the profile (a YAML value), e.g. overwrite=true; repeatable')
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mmembed.config import SettingsError
    profile = ROOT / 'params' / f'{a.profile}.yaml'
    try: settings = profile_settings(profile, a.set)   # every key and value, before any work
    except SettingsError as e:
        print(f"reproduce: {e}", file=sys.stderr); return 2
    from mmembed.core import SetupError
    from mmembed.instruments import SampledPiano, get_soundfont
    for f in settings.get('soundfonts') or ():         # a recorded piano the profile trains on is fetched like the MIDI files
        sp = get_soundfont(f)
        if not isinstance(sp, SampledPiano): continue
        try: sp.check()
        except SetupError as e:
            print(f"reproduce: {e}\nreproduce: fetching it: python -m mmembed.data samples {f} --force", flush=True)
            from mmembed.data import install_samples
            try: install_samples(f, force=True)
            except SetupError as e2: print(f"reproduce: {e2}", file=sys.stderr); return 2
    chain = [n for n in CHAIN if (ROOT / 'nbs' / f'{n}.ipynb').exists()]
    unread = unread_keys(settings, chain)
    if unread:
        print(f"reproduce: {profile} sets {', '.join(unread)}, which no notebook of the chain reads: add each to the `parameters` "
              f"cell of the notebook that uses it (and pass it on), or remove it from the profile", file=sys.stderr); return 2
    if a.notebooks:
        unknown = sorted(set(a.notebooks) - set(chain))
        if unknown: print(f"reproduce: not in the chain: {unknown}; the chain: {chain}", file=sys.stderr); return 2
        chain = [n for n in chain if n in a.notebooks]
    out_dir = ROOT / 'runs' / a.profile
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault('TQDM_MININTERVAL', '5')     # progress bars in the kernels: a line every few seconds, not every 0.1 s
    import papermill
    t_all = time.time()
    for k, name in enumerate(chain, 1):
        nb = ROOT / 'nbs' / f'{name}.ipynb'
        params = {key: v for key, v in settings.items() if key in notebook_parameters(nb)}
        print(f"== [{k}/{len(chain)}] {name} ({a.profile}): {', '.join(f'{key}={v}' for key, v in params.items()) or 'no parameters'}",
              flush=True)
        t0 = time.time()
        try:
            papermill.execute_notebook(str(nb), str(out_dir / f'{name}.ipynb'), parameters=params, cwd=str(ROOT / 'nbs'),
                                       progress_bar=False, stdout_file=_Quiet(sys.stdout), stderr_file=_Quiet(sys.stderr))
        except papermill.PapermillExecutionError as e:
            print(f"reproduce: {name} failed in cell {e.exec_count} ({e.ename}: {e.evalue}); "
                  f"the executed notebook is {out_dir / f'{name}.ipynb'}", file=sys.stderr)
            return 1
        print(f"== {name} done in {time.time() - t0:.0f} s", flush=True)
    print(f"== {len(chain)} notebooks in {time.time() - t_all:.0f} s; executed notebooks: runs/{a.profile}/, "
          f"figures and tables: figures/", flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
