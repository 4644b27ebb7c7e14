# Two commands on a fresh machine: `make run` (pipeline on data/raw) and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export DAGSTER_HOME := $(CURDIR)/data/dagster_home
# Resolved when each recipe line runs, so a uv that `install` has just put in ~/.local/bin is found.
UV = $$(command -v uv 2>/dev/null || echo python3 -m uv)

.PHONY: install run test lint ui chromium antiword ocr

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every run would otherwise compile
# dagster and pandas from source (about 6 s).
# uv from pip when missing: a user install first; in a virtualenv a plain one; on a system Python that
# refuses both (PEP 668, e.g. Debian/Ubuntu) a user install is still safe, so allow it there.
install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
	  echo "installing uv with pip"; \
	  python3 -m pip install --quiet --user uv 2>/dev/null \
	  || python3 -m pip install --quiet uv 2>/dev/null \
	  || python3 -m pip install --quiet --user --break-system-packages uv; }
	@$(UV) sync --frozen --quiet --compile-bytecode

run: install
	@$(UV) run foi run

test: install chromium antiword ocr lint
	@$(UV) run pytest

# ruff's rules (no reformatting: long lines are the house style) and mypy's types, as configured in pyproject.toml.
lint: install
	@$(UV) run ruff check .
	@$(UV) run mypy

# Debian's chromium, for the test that opens the evidence report in a headless browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's Tesseract and its English data, for scanned replies (the tesserocr binding reads tesseract-ocr-eng's model).
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null; }

# Debian's antiword, which reads old Word (.doc) replies; without it a .doc is recorded as unreadable, saying why.
antiword:
	@command -v antiword >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq antiword >/dev/null; }

# `dg dev` through `foi ui`, which makes Ctrl-C and SIGTERM stop it cleanly even when started in the background.
ui: install
	@$(UV) run foi ui
