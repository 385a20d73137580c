# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean help

help:
	@echo "make run    create .venv, install, sync the bundled sample into output/"
	@echo "make test   create .venv, install, run the whole test suite"
	@echo "make bench  run the benchmarks in bench/ and print their figures"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/healing-map sync

test: $(STAMP) tests/.assets/.installed
	$(BIN)/python -m pytest

# Leaflet & co. for the offline browser tests, from the npm registry (see tests/browser/assets.py).
tests/.assets/.installed: tests/browser/package.json
	cd tests/browser && npm install --silent --no-audit --no-fund --prefix ../.assets
	@touch $@

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) tests/.assets
