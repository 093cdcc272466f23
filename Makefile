# `make check` runs what CI runs (lint, format check, type check, tests).
PY ?= .venv/bin/python

.PHONY: check lint types test test-fast bench
check: lint types test

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest -q

# Everything but the slow tier (every lab's quick preset, trained for real): for a quick loop.
test-fast:
	$(PY) -m pytest -q -m "not slow"

# Benchmarks print figures; they are not tests. The lab benches (bench/*_quick.py) take
# minutes each: run them one at a time on a quiet machine.
bench:
	$(PY) bench/startup.py
	$(PY) bench/engine_startup.py
	$(PY) bench/engine_throughput.py
