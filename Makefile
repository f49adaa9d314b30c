# Engage: the two commands a newcomer runs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test lint format bench assets migrate demo install install-dev clean help

help:
	@echo "make run    - install everything, migrate, load the demo data once, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what the tests need and run the whole suite"
	@echo "make lint   - ruff, mypy and the migrations check"
	@echo "make bench  - load and planner benchmarks, results in benchmarks/results/"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

ASSET_SOURCES := $(wildcard engage/static_src/*.scss) scripts/build-assets.mjs
engage/static/build/.built: node_modules/.installed $(ASSET_SOURCES)
	npm run --silent build
	@touch $@

assets: engage/static/build/.built

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input

demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo --scale county --once

run: install assets demo
	@DEBUG=1 $(PY) manage.py demo_logins
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev assets
	DJANGO_SETTINGS_MODULE=engage.settings_test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=engage.settings_test $(VENV)/bin/mypy engage
	DJANGO_SETTINGS_MODULE=engage.settings_test $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev assets
	$(PY) -m engage.planner.bench --out benchmarks/results/planner.json
	$(PY) benchmarks/load.py

clean:
	rm -rf $(VENV) node_modules engage/static/build
