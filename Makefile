# Samla: `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAMLA := $(BIN)/samla
VENDOR := samla/static/vendor
CHROMIUM ?= /usr/bin/chromium
export SAMLA_CHROMIUM := $(CHROMIUM)

.PHONY: run test install python-deps node-deps vendor messages chromium system-deps lint typecheck bench loadtest clean makemessages

install: python-deps node-deps vendor messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

python-deps: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

# Copy only the files the pages use out of node_modules; whitenoise serves them.
vendor: node-deps
	mkdir -p $(VENDOR)
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css $(VENDOR)/designsystemet.css
	cp node_modules/@digdir/designsystemet-theme/brand/digdir.css $(VENDOR)/designsystemet-theme.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js

system-deps:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

messages: export SAMLA_TESTING = 1
messages: system-deps python-deps
	$(SAMLA) compilemessages --verbosity 0 --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'

makemessages: export SAMLA_TESTING = 1
makemessages: python-deps
	$(SAMLA) makemessages --locale nb --locale en --no-obsolete --add-location file \
	  --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'e2e/*' --ignore 'bench/*'

chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# The development server runs with DEBUG on, so no SECRET_KEY is needed locally.
run: export DEBUG = 1
run: install
	mkdir -p var
	$(SAMLA) migrate --noinput
	$(SAMLA) seed_demo --if-empty
	$(SAMLA) runserver 127.0.0.1:8000

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; a test file stays in one
# process, so module-scoped worlds are built once). PYTEST_WORKERS=0 runs it in one.
PYTEST_WORKERS ?= 2
ifeq ($(PYTEST_WORKERS),0)
PYTEST_PARALLEL :=
else
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile
endif

test: export SAMLA_TESTING = 1
test: install chromium
	$(SAMLA) makemigrations --check --dry-run
	$(BIN)/ruff check samla tests e2e bench loadtest conftest.py
	$(BIN)/mypy samla
	$(BIN)/pytest -q $(PYTEST_PARALLEL)

lint: python-deps
	$(BIN)/ruff check samla tests e2e bench loadtest
	$(BIN)/ruff format --check samla tests e2e bench

typecheck: python-deps
	$(BIN)/mypy samla

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static

# Not part of `make test`: 100 users against gunicorn (2 workers) and PostgreSQL on loopback
# for 2 minutes, then again while PostgreSQL restarts. Results in var/loadtest/.
LOAD_VENV := .venv-load
$(LOAD_VENV)/.installed: loadtest/requirements-locust.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet -r loadtest/requirements-locust.txt
	touch $@

loadtest: install $(LOAD_VENV)/.installed
	$(BIN)/python -m pip install --quiet -r loadtest/requirements-server.txt
	$(BIN)/python loadtest/run.py
