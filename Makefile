# Minsheng — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# Django 6 needs Python ≥ 3.12: take the first one found (pyenv installs count).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/minsheng
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: help run test install migrate demo lint typecheck test-sqlite test-postgres browser-deps office-deps bench load clean security

help:
	@echo "make run    — install, migrate, load Wuhan + demo data, serve http://127.0.0.1:$(PORT)"
	@echo "make test   — ruff, mypy --strict, import rules, migrations check, the suite on SQLite and PostgreSQL"
	@echo "make bench  — benchmarks → var/bench/results.json"
	@echo "make load   — deadline surge + soak (SOAK_MINUTES=30) on loopback PostgreSQL → var/bench/load.json"

$(VENV)/.installed: pyproject.toml uv.lock
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更高版本 (Python >= 3.12 required)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install -q "uv==0.13.9"
	$(UV) sync --frozen --inexact --quiet
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) -m minsheng migrate --noinput -v 0
	$(PY) -m minsheng collectstatic --noinput -v 0

demo: migrate
	$(PY) -m minsheng demo

run: demo
	@echo "民生 Minsheng: http://127.0.0.1:$(PORT)/  (演示账户见上 / demo logins above)"
	$(VENV)/bin/gunicorn config.wsgi -b 127.0.0.1:$(PORT) --workers 3 --threads 4 --access-logfile - --forwarded-allow-ips=""

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy minsheng config tests benchmarks loadtest conftest.py

browser-deps:
	@test -x /usr/bin/chromium || { echo "installing Debian chromium for browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
		|| echo "chromium unavailable: browser tests will fail"; }

# LibreOffice Writer (headless) turns the 通报 into PDF; poppler-utils reads it back in the tests; the CJK fonts
# stand in for the official GB/T 9704 fonts (minsheng/progress/briefing/fontconfig/). Installs only what is missing.
office-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -q "AR PL UKai CN" || missing="$$missing fonts-arphic-ukai fonts-arphic-uming"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "office-deps: run as root to install:$$missing (the office tests will fail)"; \
		else echo "installing for the 通报 PDF:$$missing"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
			|| echo "office-deps: install failed; the office tests will fail"; fi; \
	fi

test-sqlite: install browser-deps office-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m minsheng makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -p no:randomly -n 2

test-postgres: install browser-deps office-deps
	DATABASE_URL=$(PG_URL) DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -p no:randomly -n 2 -m "not sqlite_only"

test: lint typecheck security test-sqlite test-postgres

# Static security checks: bandit (no medium/high finding) and pip-audit (no fixable vulnerability; prints
# SKIPPED with the reason when the vulnerability service cannot be reached). Meant to join `make test`.
security: install
	$(VENV)/bin/bandit -r minsheng config -ll -q
	$(PY) scripts/pip_audit_gate.py

bench: install
	$(PY) -m benchmarks

# Deadline surge + soak with locust on loopback against a fresh PostgreSQL database (created and dropped):
# prints the table, writes var/bench/load.json. Not part of `make test`. `make load SOAK_MINUTES=2` to shorten.
SOAK_MINUTES ?= 30
LOAD_PG_URL ?= postgres://postgres@127.0.0.1:5432/ms_load
load: install
	LOAD_PG_URL=$(LOAD_PG_URL) $(PY) -m loadtest.run --soak-minutes $(SOAK_MINUTES)

clean:
	rm -rf var/static var/bench
