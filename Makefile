# zjpaoyici — two commands: `make demo` (set up, then run on the sample catalogue) and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint bench clean

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
	$(BIN)/ruff check zjpaoyici tests benchmarks
	$(BIN)/ruff format --check zjpaoyici tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
