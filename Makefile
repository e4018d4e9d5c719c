# zjpaoyici — two commands: `make demo` (set up, then run on the sample catalogue) and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint bench fuzz clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "zjpaoyici needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/zjpaoyici validate catalog
	$(BIN)/zjpaoyici report catalog

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check zjpaoyici tests benchmarks fuzz
	$(BIN)/ruff format --check zjpaoyici tests benchmarks fuzz
	$(BIN)/mypy

# On demand, not part of `make test`: the province-scale benchmark (about 15 minutes at
# scales 1 and 4; see docs/performance.md) and a 15-minute fuzzing run (fuzz/README.md).
bench: setup
	$(BIN)/python benchmarks/run.py --scales 1 4 --runs 3

fuzz: setup
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	$(BIN)/python fuzz/fuzz_validate.py -max_total_time=900 -rss_limit_mb=1024 \
	    -timeout=20 -max_len=8192 -artifact_prefix=/tmp/zjp-fuzz-

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
