# Carte scolaire Marrakech-Safi — common tasks.
# `make run` and `make test` are the README's quick start.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-fast lint typecheck bench ingest clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime  ## install, then start the app on the embedded data
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev  ## install, then run lint, types and the whole test suite
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

test-fast: $(VENV)/.dev  ## unit and app tests only (no browser)
	$(PY) -m pytest -m "not e2e"

lint: $(VENV)/.dev
	$(PY) -m ruff check .

typecheck: $(VENV)/.dev
	$(PY) -m mypy

bench: $(VENV)/.dev  ## print speed figures and write bench.json
	$(PY) -m mapping bench --out bench.json

ingest: $(VENV)/.runtime  ## rebuild data/ from ../shared/data
	$(PY) -m mapping ingest --source ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
