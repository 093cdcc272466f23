# `make check` runs what CI runs (lint, format check, type check, tests).
PY ?= .venv/bin/python

.PHONY: check lint types test bench
check: lint types test

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest -q

bench:
	$(PY) bench/startup.py
