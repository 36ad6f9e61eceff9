# Two commands for a newcomer: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The sample foundation's own file: `make run` never touches the foundation's database (foundation.toml).
DB ?= data/sample.duckdb
CHROMIUM := /usr/bin/chromium

.PHONY: run serve test check lint bench sample venv dev chromium clean screenshots fuzz

# What running needs (`make run`), and apart from it the tools for tests, linting and the bench.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

dev: $(BIN)/.installed-dev

# The sample foundation's database, built through the import path (the same records as sample_data/*.csv).
# `cli.py sample` rebuilds a sample, and refuses (exit 2) a file that holds anything else.
$(DB): | $(BIN)/.installed
	$(BIN)/python cli.py sample --db $(DB)

sample: venv
	$(BIN)/python cli.py sample --db $(DB)

# Debian's Chromium, for chart export, PDF and browser tests (Playwright cannot download browsers here).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null \
	  || echo "Chromium could not be installed: browser tests will be skipped"; \
	fi

# The dashboard on the sample foundation.
run: venv $(DB)
	PARTNERSHIP_DB=$(abspath $(DB)) $(BIN)/python serve.py

# The dashboard on the foundation's own database (foundation.toml's [data] database, or PARTNERSHIP_DB).
serve: venv
	$(BIN)/python serve.py

test: dev $(DB) chromium
	$(BIN)/python -m pytest

# The fast loop: every layer that needs no browser (Chromium's tests are left to `make test`), on both cores.
check: dev $(DB)
	FUZZ=check NO_BROWSER=1 $(BIN)/python -m pytest -q -m "not browser" -n 2

# Every malformed variant of the fuzz test (over 1,000; `make test` runs a seeded subset), with its figures at the end.
fuzz: dev
	rm -f tests/artifacts/fuzz-report.txt; FUZZ=all NO_BROWSER=1 $(BIN)/python -m pytest -q -m fuzz tests/test_fuzz.py; status=$$?; \
	  head -n 1 tests/artifacts/fuzz-report.txt 2>/dev/null; exit $$status

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: dev
	$(BIN)/python bench/run.py

# The README's screenshots, from the sample database.
screenshots: dev $(DB) chromium
	$(BIN)/python -m tests.browser --db $(DB) --out docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
