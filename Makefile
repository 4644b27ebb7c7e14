# Two commands on a fresh machine: `make run` (pipeline on data/raw) and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export DAGSTER_HOME := $(CURDIR)/data/dagster_home
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)

.PHONY: install run test ui chromium

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

run: install
	@$(UV) run foi run

test: install chromium
	@$(UV) run pytest

# Debian's chromium, for the test that opens the evidence report in a headless browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

ui: install
	@$(UV) run dagster dev -w workspace.yaml
