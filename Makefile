# The shop: `make run` starts everything on embedded PostgreSQL + Redis; `make test` runs
# every suite. Both install what is missing first (uv into .tools/, then the locked deps).

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(CURDIR)/.tools/bin/uv
BACKEND := $(CURDIR)/backend
VENV_PY := $(BACKEND)/.venv/bin/python
# Where `make run` keeps its databases, mail and media (the dev server reads SHOP_DATA_DIR too).
SHOP_DATA_DIR ?= $(BACKEND)/.data

.PHONY: help install run test test-backend lint format seed webhook bench migrate clean

help:
	@echo "make run    - start the shop at http://127.0.0.1:$${PORT:-8000} (Ctrl-C stops it)"
	@echo "make test   - run every test suite on embedded PostgreSQL and Redis"
	@echo "make lint   - ruff"
	@echo "make seed   - (re)load the demo data into the running database"
	@echo "make webhook USER_ID=3 ACCOUNT_ID=1 AMOUNT=50.00 - top up a balance by a signed test credit"
	@echo "make bench  - benchmarks of checkout, history, search and the webhook (own servers)"
	@echo "make clean  - remove the local data folder (databases, mail, media)"

$(UV):
	@echo "[shop] installing uv $(UV_VERSION) into .tools/ ..."
	@$(PYTHON) -m venv $(CURDIR)/.tools
	@$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV_PY): $(UV) backend/pyproject.toml backend/uv.lock
	@echo "[shop] installing backend dependencies (uv sync --frozen) ..."
	@cd backend && UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet
	@touch $(VENV_PY)

install: $(VENV_PY)

run: install
	@cd backend && exec $(VENV_PY) -m app.devserver

test: install lint test-backend

test-backend: install
	@# pytest exits 5 when it collects no test: make fails on it like on any other failure.
	@cd backend && $(VENV_PY) -m pytest

lint: install
	@cd backend && .venv/bin/ruff check . && .venv/bin/ruff format --check app tests bench migrations/env.py

format: install
	@cd backend && .venv/bin/ruff check --fix . && .venv/bin/ruff format app tests bench migrations/env.py

seed: install
	@cd backend && $(VENV_PY) -m app.devserver seed

webhook: install
	@cd backend && $(VENV_PY) -m app.payments.send_webhook --user-id "$(USER_ID)" \
		--account-id "$(ACCOUNT_ID)" --amount "$(AMOUNT)" --url "http://127.0.0.1:$${PORT:-8000}"

bench: install
	@cd backend && $(VENV_PY) -m bench.run

# Refuses while a shop, `make seed` or a test run still uses the folder: deleting a running
# PostgreSQL's files under it corrupts that server and leaves it running.
clean:
	@pid=$$(cat "$(SHOP_DATA_DIR)/shop.pid" 2>/dev/null); \
	if [ -n "$$pid" ] && ps -p "$$pid" -o command= 2>/dev/null | grep -q app.devserver; then \
		echo "[shop] the shop is running (pid $$pid): stop it (Ctrl-C) before make clean"; exit 1; \
	fi; \
	for file in $$(find "$(SHOP_DATA_DIR)" -name postmaster.pid 2>/dev/null); do \
		pg=$$(head -1 "$$file"); \
		if kill -0 "$$pg" 2>/dev/null; then \
			echo "[shop] PostgreSQL in $$(dirname "$$file") is running (pid $$pg): stop make run, make seed or the tests first"; exit 1; \
		fi; \
	done
	rm -rf "$(SHOP_DATA_DIR)"
