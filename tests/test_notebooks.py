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
