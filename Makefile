# Two commands for a newcomer: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

AXE := node_modules/axe-core/axe.min.js

.PHONY: run test bench lint install messages setup

$(BIN)/python:
	$(shell command -v $(PYTHON) || echo python3) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks, from the npm registry (package-lock.json).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

messages: install
	@for po in locale/*/LC_MESSAGES/django.po; do [ -f "$$po" ] || continue; \
	  $(BIN)/pybabel -q compile -D django -d locale -l $$(echo $$po | cut -d/ -f2); done

# The demo accounts are for a developer's machine: their commands refuse to run unless DEBUG is
# on (their passwords are published), so `make run`'s setup turns it on. The server itself runs
# as configured (DEBUG off by default), so visitors see the site's own error pages.
setup: export DEBUG ?= true

setup: messages
	$(BIN)/python manage.py build_gazetteer -v 0
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_seed_trials
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py create_demo_clinic_accounts
	$(BIN)/python manage.py make_demo_screenings --count 300 --seed 1

run: setup
	$(BIN)/python manage.py runserver --insecure 127.0.0.1:$(PORT)

test: messages lint $(AXE)
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
