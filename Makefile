# Harmony — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HARMONY := $(BIN)/harmony
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HARMONY_URL_PORT ?= $(PORT)

PY_STAMP  := $(VENV)/.installed
NPM_STAMP := frontend/node_modules/.installed
# collectstatic's manifest; remade only when a static source or a dependency changes.
STATIC_MANIFEST := $(or $(HARMONY_DATA_DIR),.harmony)/static/staticfiles.json
STATIC_SOURCES  := $(shell find frontend/static core tenants -path '*/static/*' -type f 2>/dev/null)

.PHONY: install run dev serve worker db seed static test test-fast test-browser bench bench-http lint messages totp chromium pango clean

install: pango $(PY_STAMP) $(NPM_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NPM_STAMP): frontend/package.json
	cd frontend && npm install --no-audit --no-fund --loglevel=error
	@touch $@

# Migrate the console (public) schema, make the clone template, then migrate every agency.
# Migrations run as the owner role; they also create the application role that serves
# requests (tenants/db_roles.py).
db: install
	$(HARMONY) migrate-schemas --shared --database owner --verbosity 0
	$(HARMONY) setup-platform
	$(HARMONY) migrate-schemas --tenant --database owner --verbosity 0

seed: db
	$(HARMONY) seed-demo

# The demo as users see it (HARMONY_ENV=demo: production error pages, hashed and compressed
# static files) through uvicorn, under `harmony serve` (one per checkout; Ctrl-C stops all).
run: export HARMONY_ENV ?= demo
run: seed static
	@echo "Serving on http://localhost:$(PORT)/ — agencies at http://<subdomain>.localhost:$(PORT)/"
	$(HARMONY) serve --host $(HOST) --port $(PORT)

# Development: debug pages, static files from their sources, restart on code changes.
dev: export HARMONY_ENV ?= development
dev: seed
	$(HARMONY) serve --host $(HOST) --port $(PORT) --reload

static: export HARMONY_ENV ?= demo
static: $(STATIC_MANIFEST)

$(STATIC_MANIFEST): $(PY_STAMP) $(NPM_STAMP) $(STATIC_SOURCES)
	$(HARMONY) collectstatic --noinput --clear --verbosity 0

# The background job worker alone (imports, onboarding waves); `make run` starts one too.
worker: db
	$(HARMONY) jobs-worker

# Browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# WeasyPrint (approval PDFs) needs Debian's Pango; install it when missing (root or sudo).
pango:
	@if ! ldconfig -p | grep -q libpangoft2-1.0; then \
	  echo "Installing Debian's Pango for PDF rendering"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

test: install chromium
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser"

bench: db static
	$(PY) bench/onboarding.py
	$(PY) bench/approvals.py
	$(PY) bench/events.py
	$(PY) bench/live.py
	$(PY) bench/timeline.py
	$(PY) bench/org_history.py
	$(PY) bench/throughput.py
	$(PY) bench/load.py

# The two HTTP benchmarks alone (each under ~5 minutes; Locust against uvicorn, 2 workers).
bench-http: db static
	$(PY) bench/throughput.py
	$(PY) bench/load.py

lint: install
	$(BIN)/ruff check .

# Rebuild the English catalogue after changing Korean UI strings (needs GNU gettext).
messages: install
	$(HARMONY) makemessages -l en --ignore '.venv/*' --ignore 'frontend/node_modules/*'
	$(HARMONY) compilemessages --ignore '.venv/*' --ignore 'frontend/node_modules/*'

totp: install
	@$(HARMONY) totp-code

clean:
	rm -rf $(VENV) frontend/node_modules
