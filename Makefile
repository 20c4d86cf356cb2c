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

# Debian packages: chromium for the browser tests, Noto for Arabic in printed maps,
# PostgreSQL/PostGIS for the store tests, nginx for the multi-user deployment test,
# gdal-bin (ogrinfo) as an independent OGC API client, poppler-utils (pdftotext) to read
# the PDF exports in the language tests.
DEBIAN_PACKAGES := chromium fonts-noto-core fonts-dejavu-core postgresql postgresql-15-postgis-3 \
	nginx gdal-bin poppler-utils
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -f $(ARABIC_FONT) ] \
	    || [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v nginx >/dev/null 2>&1 \
	    || [ ! -f /usr/share/postgresql/15/extension/postgis.control ] \
	    || ! command -v ogrinfo >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    $(DEBIAN_PACKAGES); \
	fi
	@# npm only when no Node.js is there (a machine's own Node.js usually ships npm)
	@if ! command -v npm >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm; \
	fi

run: $(VENV)/.runtime  ## install, then start the app on the embedded data
	@# serve.py warms the new process (imports, data caches) as it starts, so the first
	@# visitor waits for their page only
	$(PY) -m streamlit run serve.py --server.port $(PORT)

# axe-core (npm registry) for the accessibility audit of the browser tests, in a git-ignored folder.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js
$(AXE): | system-deps
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

# The OpenID Connect provider of the sign-in test: pinned npm packages, installed in a git-ignored folder.
OIDC := .cache/oidc/.installed
$(OIDC): tests/services/oidc/package.json tests/services/oidc/package-lock.json | system-deps
	mkdir -p .cache/oidc && cp tests/services/oidc/package.json tests/services/oidc/package-lock.json .cache/oidc/
	npm ci --silent --no-audit --no-fund --prefix .cache/oidc
	touch $@

test: system-deps $(VENV)/.dev $(AXE) $(OIDC)  ## install, then run lint, types and the whole test suite
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
	$(PY) -m benchmarks --out bench.json

ingest: $(VENV)/.runtime  ## rebuild data/ from ../shared/data
	$(PY) -m mapping ingest --source ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
