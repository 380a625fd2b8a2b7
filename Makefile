# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/.runtime
	$(PIP) install -r requirements.txt -r requirements-dev.txt
	touch $@

## run: install, migrate SQLite, load the demo clinic, serve on http://127.0.0.1:8000
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install what the tests need and run the whole suite (DATABASE_URL picks the database)
test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy tracker ldn_tracker

## lock: re-pin requirements*.txt from requirements*.in
lock: $(VENV)/.dev
	$(PIP) install pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements.in
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements-dev.in

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
