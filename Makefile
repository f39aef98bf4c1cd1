# mmembed: two commands set everything up and run it.
#   make test                      set up, check notebooks and library are in sync, run every notebook's tests
#   make reproduce [PROFILE=smoke] set up, then run the papermill chain that writes runs/ and figures/
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PROFILE ?= default
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH_VERSION := 2.13.0
BASIC_PITCH_VERSION := 0.4.0
SYS_PACKAGES := fluidsynth fluid-soundfont-gm musescore-general-soundfont-small timgm6mb-soundfont fluidr3mono-gm-soundfont

.PHONY: help setup sysdeps venv data sync-check test reproduce clean

help:
	@echo "make test                       set up and run all notebook tests"
	@echo "make reproduce [PROFILE=smoke]  set up and regenerate runs/ and figures/ (profiles: $$(ls params | sed 's/.yaml//' | tr '\n' ' '))"

setup: sysdeps venv

# System packages: installed when root on Debian/Ubuntu, else one message saying what to install.
sysdeps:
	@missing=""; \
	if command -v dpkg >/dev/null; then \
	  for p in $(SYS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	else command -v fluidsynth >/dev/null || missing=" $(SYS_PACKAGES)"; fi; \
	if [ -z "$$missing" ]; then echo "system packages: all present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "mmembed needs these system packages, which this user cannot install:$$missing"; \
	  echo "  install them with: sudo apt-get install --no-install-recommends$$missing"; \
	  echo "  (or provide fluidsynth on PATH and the soundfonts in a folder named by MMEMBED_SOUNDFONTS)"; \
	  exit 1; \
	fi

venv: $(VENV)/.installed

# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: settings.ini setup.py
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==$(TORCH_VERSION)
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -m pip install -q --no-deps basic-pitch==$(BASIC_PITCH_VERSION)   # its ONNX model runs offline; its declared deps would pull TensorFlow
	@touch $@

# The data root ($$MMEMBED_DATA or data/piano-midi); downloaded and verified when absent.
data: venv
	@$(PY) -c "from mmembed.core import data_root; print('data root:', data_root())" 2>/dev/null \
	  || $(PY) -m mmembed.data download

# nbdev_export and nbdev_clean must leave every file of nbs/ and mmembed/ as it was.
sync-check: venv
	@snap() { find nbs mmembed -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | sort | xargs sha1sum; }; \
	before=$$(snap); $(VENV)/bin/nbdev_export; $(VENV)/bin/nbdev_clean; after=$$(snap); \
	if [ "$$before" != "$$after" ]; then \
	  echo "nbdev_export / nbdev_clean changed these files: run both and commit the result"; \
	  diff <(echo "$$before") <(echo "$$after") || true; exit 1; \
	else echo "notebooks and library in sync"; fi
	@$(PY) bench/report.py --check

test: setup data sync-check
	$(VENV)/bin/pytest -q

# The chain of parameterised notebooks (tools/reproduce.py lists it): the profile is checked first, each notebook
# gets its own parameters, output streams as it runs; executed copies go to runs/$(PROFILE)/.
reproduce: setup data
	@test -f params/$(PROFILE).yaml || { echo "no profile params/$(PROFILE).yaml; profiles: $$(ls params | sed 's/.yaml//' | tr '\n' ' ')"; exit 1; }
	$(PY) tools/reproduce.py --profile $(PROFILE)

clean:
	rm -rf runs/ _proc/ _docs/ .pytest_cache
