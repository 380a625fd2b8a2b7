# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.12
# make run PORT=8200: where the development server listens (links in emails follow it)
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test test-fast lint typecheck lock vendor clean

CHARTJS := node_modules/chart.js/dist/chart.umd.min.js
AXE := node_modules/axe-core/axe.min.js

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

# requirements-dev.txt pins everything the tests need, the runtime included.
$(VENV)/.dev: requirements-dev.txt | $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

## vendor: the local copy of Chart.js, from the npm registry (pinned in package-lock.json)
vendor: $(CHARTJS)
$(CHARTJS) $(AXE) &: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(CHARTJS) $(AXE)

## run: install, migrate SQLite, load the demo clinic, serve on http://127.0.0.1:$(PORT) with a
## background worker and the schedule (deploy/supervisord-dev.conf: a process that dies is
## started again; Ctrl-C stops all three)
# The development server uses the local Chart.js so the demo works offline; production
# defaults to the CDN (CHARTJS_SOURCE=cdn).
run: export CHARTJS_SOURCE ?= local
run: export PORT := $(PORT)
run: $(VENV)/.runtime $(CHARTJS)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	mkdir -p .run
	LDN_RUN_DIR=$(CURDIR)/.run $(BIN)/supervisord -c deploy/supervisord-dev.conf

## test: install what the tests need and run the whole suite in parallel (DATABASE_URL picks
## the database, REDIS_URL the cache)
test: $(VENV)/.dev $(CHARTJS) $(AXE)
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

## test-fast: the developer's inner loop, under a minute: all but the slow and browser tests
test-fast: $(VENV)/.dev $(CHARTJS)
	$(BIN)/python -m pytest -n auto -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy tracker ldn_tracker

## lock: re-pin requirements*.txt from the one list of dependencies, pyproject.toml
COMPILE := $(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.dev
	$(COMPILE) -o requirements.txt pyproject.toml
	$(COMPILE) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
