# zjpaoyici — two commands: `make demo` (set up, then run on the sample catalogue) and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Every install takes the exact versions CI tested (constraints.txt), build environments too.
PIN    := PIP_CONSTRAINT=$(CURDIR)/constraints.txt

.PHONY: setup demo test lint bench fuzz clean test-latest lock screenshots

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "zjpaoyici needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PIN) $(BIN)/python -m pip install --quiet pip
	$(PIN) $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/zjpaoyici validate catalog
	$(BIN)/zjpaoyici report catalog

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check zjpaoyici tests benchmarks fuzz tools
	$(BIN)/ruff format --check zjpaoyici tests benchmarks fuzz tools
	$(BIN)/mypy

# The report's pictures in docs/ (desktop, phone, printed page 1): look at them before
# committing. Needs chromium, chromium-driver and poppler-utils (Debian).
screenshots: setup
	$(BIN)/python tools/screenshots.py

# On demand, not part of `make test`: the province-scale benchmark (about an hour: medians
# of 3 runs at 1×, one run at 4× but medians of 3 for the compared cold rows, check-jsonschema once at 1×, cold validate also without
# URLs and in the plain shape; see docs/performance.md) and
# a 15-minute fuzzing run (fuzz/README.md).
bench: setup
	$(BIN)/python benchmarks/run.py --scales 1 4 --runs 3 1 --shape both

fuzz: setup
	$(PIN) $(BIN)/python -m pip install --quiet -e '.[fuzz]'
	$(BIN)/python fuzz/fuzz_validate.py -max_total_time=900 -rss_limit_mb=1024 \
	    -timeout=20 -max_len=8192 -artifact_prefix=/tmp/zjp-fuzz-

# Not part of CI: try the newest release of every dependency in a separate environment
# (.venv-latest), run the whole suite there, and write what it used to constraints.latest.txt.
# When it passes, `make lock` adopts those versions (review the change, then commit it).
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e '.[dev]'
	.venv-latest/bin/python -m pytest
	( echo "# Exact versions CI tested (make lock regenerates this file; make test-latest tries the newest)."; \
	  echo "# Used by make setup as pip constraints, for the build environment too (PIP_CONSTRAINT)."; \
	  .venv-latest/bin/python -m pip freeze --all --exclude-editable | grep -v -e '^#' -e '^setuptools==' \
	) > constraints.latest.txt

lock: constraints.latest.txt
	mv constraints.latest.txt constraints.txt

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .mypy_cache .ruff_cache
