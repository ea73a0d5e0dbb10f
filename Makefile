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
# The port of `make run`: the shell's PORT, else the one in .env, else 8000 (the app reads .env
# itself; the targets below that talk to it need the same number).
ENV_PORT := $(shell sed -n 's/^PORT=//p' .env 2>/dev/null | tail -n 1)
SHOP_PORT = $${PORT:-$(or $(ENV_PORT),8000)}
# Debian's nginx, for the tests of the production configuration (backend/tests/deploy): NGINX,
# else the usual places.
NGINX_FOUND := $(firstword $(wildcard $(NGINX) /usr/sbin/nginx /usr/local/sbin/nginx \
	/usr/local/nginx/sbin/nginx) $(shell command -v nginx 2>/dev/null))
# Prometheus's promtool (PROMTOOL, else the usual places) for the monitoring tests
# (backend/tests/deploy/test_monitoring.py), with Debian's amtool and the exporters the compose
# stack runs, so the dashboards' and rules' metric names are checked against live scrapes.
PROMTOOL_FOUND := $(firstword $(wildcard $(PROMTOOL) /usr/bin/promtool /usr/local/bin/promtool) \
	$(shell command -v promtool 2>/dev/null))
MONITORING_PACKAGES := prometheus prometheus-alertmanager prometheus-postgres-exporter \
	prometheus-redis-exporter prometheus-nginx-exporter prometheus-node-exporter
MONITORING_MISSING := $(if $(PROMTOOL_FOUND),,promtool) $(foreach tool,amtool \
	prometheus-postgres-exporter prometheus-redis-exporter prometheus-nginx-exporter \
	prometheus-node-exporter,$(if $(wildcard /usr/bin/$(tool)),,$(tool)))

.PHONY: help install run test test-backend lint format seed webhook bench bench-live migrate \
	bench-migration \
	clean spa dev gen-api test-web test-web-checks test-e2e web-api web-tsc web-eslint web-vitest \
	bench-web nginx wrk monitoring-tools backup restore deploy

help:
	@echo "make run    - start the shop at http://127.0.0.1:$(SHOP_PORT) (Ctrl-C stops it)"
	@echo "make test   - run every test suite on embedded PostgreSQL and Redis"
	@echo "make dev    - the shop with the storefront on Vite's dev server (hot reload) at :5173"
	@echo "make gen-api - regenerate frontend/src/api/ from the backend's OpenAPI"
	@echo "make bench-web - Lighthouse and bundle size of the storefront (own servers)"
	@echo "make lint   - ruff, the import contracts (domain boundaries, no import cycle), mypy"
	@echo "make seed   - (re)load the demo data into the running database"
	@echo "make webhook USER_ID=3 ACCOUNT_ID=1 AMOUNT=50.00 - top up a balance by a signed test credit"
	@echo "make bench  - the shop against its raw asyncpg twin at 100k products, then checkout, history, search and webhook flows (own servers)"
	@echo "make bench-migration - migration 0015 (variants) timed up and down on 100k products, nothing lost"
	@echo "make bench-live - live sockets: how many one API process holds, event delivery delay"
	@echo "make clean  - remove the local data folder (databases, mail, media)"
	@echo "make backup - back up the database and media of make run into backups/"
	@echo "make restore FILE=backups/daily/shop-<time>.tar - put a backup back (stop make run first)"
	@echo "make deploy - this checkout onto the running compose stack, API replicas one set at a time"

$(UV):
	@echo "[shop] installing uv $(UV_VERSION) into .tools/ ..."
	@$(PYTHON) -m venv $(CURDIR)/.tools
	@$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV_PY): $(UV) backend/pyproject.toml backend/uv.lock
	@echo "[shop] installing backend dependencies (uv sync --frozen) ..."
	@cd backend && UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet
	@touch $(VENV_PY)

install: $(VENV_PY)

# --- the storefront (frontend/): npm ci from the lock, then vite build when a source is newer ---
SPA_STAMP := frontend/node_modules/.package-lock.json
SPA_INDEX := frontend/dist/index.html
SPA_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.app.json

$(SPA_STAMP): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "[shop] Node.js 20.19+ with npm is needed for the storefront: https://nodejs.org or 'apt-get install nodejs npm'"; exit 1; }
	@echo "[shop] installing storefront dependencies (npm ci) ..."
	@cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $(SPA_STAMP)

$(SPA_INDEX): $(SPA_STAMP) $(SPA_SOURCES)
	@echo "[shop] building the storefront (vite build) ..."
	@cd frontend && npx vite build --logLevel warn
	@echo "[shop] storefront built into frontend/dist"

spa: $(SPA_INDEX)

run: install spa
	@cd backend && exec $(VENV_PY) -m dev.devserver

# Three phases, each filling the machine's cores: the static checks of both halves and the
# storefront build at once (make -O prints each one's output whole when it ends; one failing
# fails the run), then the backend suite on TEST_WORKERS processes, then the browser scenarios.
test: install
	@$(MAKE) --no-print-directory -j 8 --output-sync=target lint test-web-checks spa
	@$(MAKE) --no-print-directory test-backend
	@$(MAKE) --no-print-directory test-e2e

# Test processes for the backend suite (pytest-xdist; each has its own servers and takes
# whole files); 0 runs it in one process.
TEST_WORKERS ?= 2

test-backend: install nginx monitoring-tools
	@# pytest exits 5 when it collects no test: make fails on it like on any other failure.
	@cd backend && $(VENV_PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The tests run Debian's nginx on the shop's configuration. Missing, it is installed when we are
# root (RUNLEVEL=1: the package starts no server of its own); otherwise make stops with the
# command to run.
nginx:
	@if [ -z "$(NGINX_FOUND)" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "[shop] the tests need nginx: sudo apt-get install -y nginx (or NGINX=/path/to/nginx)"; exit 1; \
		fi; \
		echo "[shop] installing Debian's nginx for the tests of the production configuration (apt-get install -y nginx) ..."; \
		apt="apt-get -qq -o DPkg::Lock::Timeout=300"; \
		{ RUNLEVEL=1 $$apt install -y nginx || { $$apt update && RUNLEVEL=1 $$apt install -y nginx; }; } >/dev/null \
			|| { echo "[shop] apt-get install nginx failed"; exit 1; }; \
	fi

# promtool, amtool and the exporters (Debian's packages; RUNLEVEL=1: none starts a service of its
# own). Missing, they are installed when we are root; otherwise make stops with the command.
monitoring-tools:
	@if [ -n "$(strip $(MONITORING_MISSING))" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "[shop] the monitoring tests need $(strip $(MONITORING_MISSING)): sudo apt-get install -y --no-install-recommends $(MONITORING_PACKAGES) (or PROMTOOL=/path/to/promtool)"; exit 1; \
		fi; \
		echo "[shop] installing Debian's promtool, amtool and exporters for the monitoring tests (apt-get install -y --no-install-recommends $(MONITORING_PACKAGES)) ..."; \
		apt="apt-get -qq -o DPkg::Lock::Timeout=300"; \
		{ RUNLEVEL=1 $$apt install -y --no-install-recommends $(MONITORING_PACKAGES) \
			|| { $$apt update && RUNLEVEL=1 $$apt install -y --no-install-recommends $(MONITORING_PACKAGES); }; } >/dev/null \
			|| { echo "[shop] apt-get install $(MONITORING_PACKAGES) failed"; exit 1; }; \
	fi

# ruff, the import contracts of .importlinter (domain boundaries, no import cycle), mypy
# ([tool.mypy] in pyproject.toml: strict on app/), shellcheck.
lint: install
	@cd backend && .venv/bin/ruff check . \
		&& .venv/bin/ruff format --check app dev tests bench migrations/env.py import_contracts.py \
		&& .venv/bin/lint-imports --no-cache \
		&& .venv/bin/mypy
	@backend/.venv/bin/shellcheck backup/*.sh nginx/*.sh scripts/*.sh monitoring/alertmanager/*.sh

format: install
	@cd backend && .venv/bin/ruff check --fix . \
		&& .venv/bin/ruff format app dev tests bench migrations/env.py import_contracts.py

seed: install
	@cd backend && $(VENV_PY) -m dev.devserver seed

webhook: install
	@cd backend && $(VENV_PY) -m dev.send_webhook --user-id "$(USER_ID)" \
		--account-id "$(ACCOUNT_ID)" --amount "$(AMOUNT)" --url "http://127.0.0.1:$(SHOP_PORT)"

# The database and media of `make run` (or DATABASE_URL's), by the backup service's own scripts.
backup: install
	@cd backend && $(VENV_PY) -m dev.backup backup

restore: install
	@cd backend && $(VENV_PY) -m dev.backup restore "$(if $(FILE),$(abspath $(FILE)))"

# The compose stack: build, migrate, replace the worker and beat, then the API replicas without a
# gap (scripts/deploy.sh says how).
deploy:
	@scripts/deploy.sh

# The shop side by side with its raw asyncpg twin (bench/compare.py; BENCH_ARGS="--scale 10000
# --reps 1 --seconds 5" for a quick run), then the flows of bench/run.py. wrk is Debian's.
bench: install wrk
	@cd backend && { $(VENV_PY) -m bench.compare $(BENCH_ARGS); compared=$$?; \
		$(VENV_PY) -m bench.run; flows=$$?; exit $$((compared || flows)); }

wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "[shop] the bench needs wrk: sudo apt-get install -y wrk"; exit 1; \
		fi; \
		echo "[shop] installing Debian's wrk for the bench (apt-get install -y wrk) ..."; \
		apt="apt-get -qq -o DPkg::Lock::Timeout=300"; \
		{ $$apt install -y wrk || { $$apt update && $$apt install -y wrk; }; } >/dev/null \
			|| { echo "[shop] apt-get install wrk failed"; exit 1; }; \
	fi

bench-live: install
	@cd backend && $(VENV_PY) -m bench.live

# Migration 0015 (variants and modifiers) on a 100k-product shop built at 0014: upgrade,
# downgrade and upgrade again timed, counts, prices, stock, carts and orders checked equal
# (bench/migration.py; BENCH_ARGS="--scale 10000" for a quick run). Not in make test: slow.
bench-migration: install
	@cd backend && $(VENV_PY) -m bench.migration $(BENCH_ARGS)

# Storefront checks: generated API types current, types, lint, unit tests, then the browser
# scenarios against the real backend serving the built SPA (e2e/run.mjs starts its own stack).
test-web: test-web-checks
	@$(MAKE) --no-print-directory test-e2e

# Independent of each other: `make -j` runs them at once.
test-web-checks: web-api web-tsc web-eslint web-vitest

web-api: install $(SPA_STAMP)
	@cd frontend && npm run --silent check:api

web-tsc: $(SPA_STAMP)
	@echo "[web] tsc" && cd frontend && npx tsc -b --noEmit

web-eslint: $(SPA_STAMP)
	@echo "[web] eslint" && cd frontend && npx eslint . --max-warnings=0

web-vitest: $(SPA_STAMP)
	@echo "[web] vitest" && cd frontend && npx vitest run

test-e2e: install spa
	@echo "[web] end to end (Playwright, Chromium)" && cd frontend && node e2e/run.mjs

gen-api: install $(SPA_STAMP)
	@cd frontend && npm run --silent gen:api

bench-web: install spa
	@cd frontend && node bench/lighthouse.mjs

# The API and worker as in `make run`, and Vite's dev server (hot reload) proxying /api to it.
dev: install $(SPA_STAMP)
	@cd backend && FRONTEND_URL=http://127.0.0.1:5173 $(VENV_PY) -m dev.devserver & api=$$!; \
		trap 'kill -TERM $$api 2>/dev/null; wait $$api' EXIT INT TERM; \
		cd frontend && API_PORT=$(SHOP_PORT) npx vite

# Refuses while a shop, `make seed` or a test run still uses the folder: deleting a running
# PostgreSQL's files under it corrupts that server and leaves it running.
clean:
	@pid=$$(cat "$(SHOP_DATA_DIR)/shop.pid" 2>/dev/null); \
	if [ -n "$$pid" ] && ps -p "$$pid" -o command= 2>/dev/null | grep -q dev.devserver; then \
		echo "[shop] the shop is running (pid $$pid): stop it (Ctrl-C) before make clean"; exit 1; \
	fi; \
	for file in $$(find "$(SHOP_DATA_DIR)" -name postmaster.pid 2>/dev/null); do \
		pg=$$(head -1 "$$file"); \
		if kill -0 "$$pg" 2>/dev/null; then \
			echo "[shop] PostgreSQL in $$(dirname "$$file") is running (pid $$pg): stop make run, make seed or the tests first"; exit 1; \
		fi; \
	done
	rm -rf "$(SHOP_DATA_DIR)"
