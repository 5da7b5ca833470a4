# SIPAS dashboard — developer and CI entry points (GNU make). `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
SIPAS_DB ?= data/sipas.duckdb
CHROMIUM_PATH ?= /usr/bin/chromium
# two pytest workers (one per core of the CI machine); each test file runs whole in one worker, each worker
# builds its own demo database and starts its own server for the browser tests
PYTEST_WORKERS ?= 2
export SIPAS_DB CHROMIUM_PATH

.PHONY: help venv db run admin test lint format clean bench check-chromium

help:
	@echo "make venv    create/refresh .venv from requirements*.txt (only when they change)"
	@echo "make db      build the demo database $(SIPAS_DB) if it is missing"
	@echo "make run     start the dashboard on http://localhost:$${PORT:-8501} (this machine only; ADDRESS=0.0.0.0 for all)"
	@echo "make admin   create the first administrator account (ADMIN=name, default admin; password printed once)"
	@echo "make test    ruff check + ruff format --check + the whole pytest suite (needs $(CHROMIUM_PATH))"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  sort imports and format the code with ruff"
	@echo "make clean   remove data/sipas.duckdb and caches"
	@echo "make bench   performance benchmark: demo and 9 million respondents (~21 min; bench/results.json)"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

db: $(SIPAS_DB)

# Order-only on the venv: a refreshed venv must not trigger a rebuild of an existing database.
$(SIPAS_DB): | $(STAMP)
	@mkdir -p "$(dir $@)"
	$(PY) -m demo --db "$@"

# Listens on 127.0.0.1 unless told otherwise (ADDRESS=0.0.0.0 for every interface; docs/deploy.md puts the
# app behind a reverse proxy instead).
run: venv db
	$(PY) -m streamlit run app.py --server.port $${PORT:-8501} --server.address $${ADDRESS:-127.0.0.1} \
		--server.headless true --browser.gatherUsageStats false

# The first administrator: a generated password is printed once (never a built-in one). More accounts and
# changes: `$(PY) -m data.users --help`, or the Accounts page once signed in as administrator.
admin: venv
	$(PY) -m data.users add $${ADMIN:-admin} --role admin

check-chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		echo "ERROR: Chromium not found at $(CHROMIUM_PATH); the e2e tests need it." >&2; \
		echo "       Run .ci/run (installs it), or: sudo apt-get install chromium" >&2; \
		echo "       (or point CHROMIUM_PATH at another Chromium binary)." >&2; \
		exit 1; \
	fi

test: check-chromium venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv
	$(PY) -m ruff check --select I --fix .
	$(PY) -m ruff format .

clean:
	rm -f data/sipas.duckdb data/sipas.duckdb.wal data/.sipas.duckdb.lock
	rm -rf data/sipas.versions  # imported data: the raw files in data/sipas.imports/ and the salt are kept
	rm -rf .pytest_cache .ruff_cache .hypothesis tests/e2e/artifacts
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

# Benchmark (not part of `make test`): demo scale and 1,000,000 respondents per wave x 9 waves; writes
# bench/results.json and prints the table copied into the README. BENCH_ARGS passes options to bench.run.
bench: venv check-chromium
	$(PY) -m bench.run $(BENCH_ARGS)
