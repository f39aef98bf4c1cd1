"""Run every notebook in nbs/ through nbdev's own `test_nb`, one pytest case per notebook.

Cells flagged with a `tst_flags` flag (`slow`) are skipped, as `nbdev_test` does; set
MMEMBED_TEST_FLAGS="slow" to run them too.
"""
import os
from pathlib import Path

import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))


def test_notebooks_found():
    assert any(p.name == "00_core.ipynb" for p in NOTEBOOKS), f"no notebooks under {ROOT / 'nbs'}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook(nb):
    skip = get_config(path=ROOT).tst_flags.split()
    force = os.environ.get("MMEMBED_TEST_FLAGS", "").split()
    ok, secs = run_notebook(nb, skip_flags=skip, force_flags=force, basepath=ROOT)
    assert ok, f"{nb.name} failed (traceback above, in the captured stderr)"


def test_parameters_are_known_settings():
    """Every name in a notebook's `parameters` cell is a setting that the profiles' checks know, so a profile
    key that a notebook reads can never be rejected, and a notebook can never read a key no check knows."""
    import papermill
    from mmembed.config import RUN_SETTINGS, config_keys
    known = config_keys() | set(RUN_SETTINGS)
    seen = {}
    for nb in NOTEBOOKS:
        names = set(papermill.inspect_notebook(str(nb)))
        seen[nb.stem] = names
        assert names <= known, f"{nb.name}: parameters {sorted(names - known)} are not settings of mmembed.config"
    assert seen.get("05_evaluate"), "05_evaluate has no parameters cell"


def _reproduce():
    "tools/reproduce.py as a module (it is a script, not part of the package)."
    import importlib.util
    spec = importlib.util.spec_from_file_location("reproduce", ROOT / "tools" / "reproduce.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def test_reproduce_chain_exists():
    "The reproduce chain names notebooks that exist, in dependency order."
    mod = _reproduce()
    missing = [n for n in mod.CHAIN if not (ROOT / "nbs" / f"{n}.ipynb").exists()]
    assert not missing, missing
    assert mod.CHAIN == sorted(mod.CHAIN), mod.CHAIN


def test_profiles_are_read_whole():
    """Every key of every profile in params/ is read by a notebook of the reproduce chain: a key that none reads would
    be dropped silently (as `same_piece` once was), and `make reproduce` would not run the profile it names."""
    from mmembed.config import load_profile
    mod = _reproduce()
    for p in sorted((ROOT / "params").glob("*.yaml")):
        assert mod.unread_keys(load_profile(p)) == [], p.name
    assert mod.unread_keys({"same_piece": 8, "n_candidates": 10}, ["05_evaluate"]) == ["same_piece"]   # the check itself can fail


def test_reproduce_overrides():
    """`tools/reproduce.py --set KEY=VALUE` puts a setting over the profile's, checked like the profile: a typo stops the
    run before any notebook starts, naming the setting it meant."""
    import pytest
    from mmembed.config import SettingsError
    mod = _reproduce()
    smoke = ROOT / "params" / "smoke.yaml"
    s = mod.profile_settings(smoke, ["overwrite=true", "epochs=2"])
    assert (s["overwrite"], s["epochs"]) == (True, 2) and s["run_name"] == mod.profile_settings(smoke)["run_name"]
    assert "overwrite" not in mod.profile_settings(smoke)
    with pytest.raises(SettingsError, match="did you mean 'epochs'"): mod.profile_settings(smoke, ["epoch=2"])
    assert mod.main(["--profile", "smoke", "--set", "epoch=2"]) == 2        # refused before any notebook runs
