# mentorhub: `make run` serves the app and the scheduler; `make serve` runs gunicorn workers and
# one scheduler; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

.PHONY: run serve test bench screenshots setup setup-test migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Bytecode for the app's own modules: with PYTHONDONTWRITEBYTECODE set (as on some CI machines)
# every process would otherwise compile them from source again (~0.3 s per start here).
setup: $(VENV)/.installed
	@$(BIN)/python -m compileall -q platform wsgi.py > /dev/null
setup-test: $(VENV)/.installed-test
	@$(BIN)/python -m compileall -q platform wsgi.py > /dev/null

migrate: setup
	$(FLASK) migrate

seed: migrate
	$(FLASK) seed --demo
	$(FLASK) match-index build

# Serves the app and runs the scheduler beside it; Ctrl-C stops both.
run: seed
	@echo "mentorhub on http://$(HOST):$(PORT)  (Ctrl-C stops the app and the scheduler)"
	@$(FLASK) scheduler & sched=$$!; \
	trap 'kill -TERM $$sched 2>/dev/null; wait $$sched 2>/dev/null; exit 0' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT) --no-reload; \
	kill -TERM $$sched 2>/dev/null; wait $$sched 2>/dev/null

# Production-style: WORKERS gunicorn workers (gunicorn.conf.py) plus exactly one scheduler, on
# SQLite by default or DATABASE_URL; Ctrl-C stops both. `flask check-config` runs first: in
# production (MENTORHUB_ENV=production) any problem it lists stops the start.
serve: migrate
	@$(FLASK) check-config --starting --workers $(WORKERS) || [ "$${MENTORHUB_ENV:-development}" != production ] \
		|| { echo "refusing to start in production: fix the settings listed above"; exit 1; }
	@echo "mentorhub on http://$(HOST):$(PORT) with $(WORKERS) workers  (Ctrl-C stops them and the scheduler)"
	@$(FLASK) scheduler & sched=$$!; \
	trap 'kill -TERM $$sched 2>/dev/null; wait $$sched 2>/dev/null; exit 0' INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app; \
	kill -TERM $$sched 2>/dev/null; wait $$sched 2>/dev/null

test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup-test
	$(BIN)/pip install --quiet mentor-match mentormatch
	$(BIN)/python bench/run_all.py

# The README's pictures: the demo's main pages in the real browser (tests/browser_pages.py lists them).
screenshots: setup-test
	$(BIN)/python tools/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) instance
