# One entry point for newcomers, CI and operators. Everything runs from the
# project's own virtualenv (.venv) and node_modules, both created here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo run test quality format worker beat lock clean

# Exact versions come from the lock files in requirements/ (pip-tools), made from
# pyproject.toml's ranges by `make lock`.
$(STAMP): pyproject.toml requirements/development.txt package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/development.txt
	$(BIN)/pip install --quiet --no-deps -e .
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP)

## demo: install, migrate, load the demo data and serve on http://127.0.0.1:8000
demo: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo
	@echo ""
	@echo "CTG démo : http://127.0.0.1:8000/  (comptes de démonstration : voir README.md)"
	DEBUG=true EMBEDDED_BEAT=true $(BIN)/python manage.py runserver 127.0.0.1:8000

run: install
	DEBUG=true EMBEDDED_BEAT=true $(BIN)/python manage.py runserver 127.0.0.1:8000

## test: the whole test suite (SQLite unless DATABASE_URL is set)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) test

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A real worker and beat in development: export the same CELERY_BROKER_URL for
# `make run` too (otherwise the web runs tasks in-process); Redis on localhost by default.
BROKER ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/0)

worker: install
	DEBUG=true CELERY_BROKER_URL=$(BROKER) $(BIN)/celery -A ctg worker --loglevel=info

beat: install
	DEBUG=true CELERY_BROKER_URL=$(BROKER) $(BIN)/celery -A ctg beat --loglevel=info --schedule=/tmp/ctg-celerybeat-schedule

## lock: pin every Python dependency again from pyproject.toml's ranges (newest allowed)
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --output-file requirements/production.txt pyproject.toml
	$(BIN)/pip-compile --quiet --upgrade --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra dev --output-file requirements/development.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
