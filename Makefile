# Carte scolaire Marrakech-Safi — common tasks.
# `make run` and `make test` are the README's quick start.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARABIC_FONT := /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf

.PHONY: run test test-fast lint typecheck bench ingest clean system-deps

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages: chromium for the browser tests, Noto for Arabic in printed maps.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -f $(ARABIC_FONT) ]; then \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-noto-core fonts-dejavu-core; \
	fi

run: $(VENV)/.runtime  ## install, then start the app on the embedded data
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: system-deps $(VENV)/.dev  ## install, then run lint, types and the whole test suite
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
