# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-lighthouse vendor-assets clean help

help:
	@echo "make run    create .venv, install, sync the bundled sample into output/"
	@echo "make test   create .venv, install, lint (ruff, mypy) and run the whole test suite"
	@echo "make lint   ruff and mypy only"
	@echo "make bench  run the benchmarks in bench/ and print their figures"
	@echo "make bench-lighthouse  Lighthouse's scores for the map page, offline (installs lighthouse from npm)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/healing-map sync --verbose

test: lint $(STAMP) tests/.assets/.installed
	$(BIN)/python -m pytest

# ruff and mypy, configured in pyproject.toml; part of `make test`, so CI runs them.
lint: $(STAMP)
	$(BIN)/ruff check sync testing
	$(BIN)/mypy

# Leaflet & co. for the offline browser tests, from the npm registry (pinned in tests/browser/package.json).
tests/.assets/.installed: tests/browser/package.json
	@mkdir -p tests/.assets && cp tests/browser/package.json tests/.assets/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/.assets && npm install --silent --no-audit --no-fund --no-package-lock && touch .installed; \
	else \
	  echo "WARNING: npm is missing: the browser tests will be SKIPPED (apt-get install npm chromium)"; \
	fi
	@command -v chromium >/dev/null 2>&1 || echo "WARNING: chromium is missing: the browser tests will be SKIPPED (apt-get install chromium)"

bench: $(STAMP)
	$(BIN)/python -m bench

# Lighthouse on the map page, offline (bench/lighthouse.py); npm's lighthouse pinned in bench/package.json.
bench/.assets/.installed: bench/package.json
	@mkdir -p bench/.assets && cp bench/package.json bench/.assets/package.json
	cd bench/.assets && npm install --silent --no-audit --no-fund --no-package-lock && touch .installed

bench-lighthouse: $(STAMP) bench/.assets/.installed
	$(BIN)/python -m bench.lighthouse

# Refresh the bundled Leaflet copies ([map] assets = "bundled") from the npm packages the browser tests install.
vendor-assets: $(STAMP) tests/.assets/.installed
	$(BIN)/python -m sync.publish.bundled tests/.assets/node_modules

clean:
	rm -rf $(VENV) tests/.assets bench/.assets
