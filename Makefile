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

test: install
	@$(UV) run pytest

ui: install
	@$(UV) run dagster dev -w workspace.yaml
