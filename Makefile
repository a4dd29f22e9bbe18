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

.PHONY: install run serve db seed test test-fast test-browser bench lint messages totp chromium pango clean

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

run: seed
	@echo "Serving on http://localhost:$(PORT)/ — agencies at http://<subdomain>.localhost:$(PORT)/"
	$(HARMONY) runserver $(HOST):$(PORT)

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

bench: db
	$(PY) bench/onboarding.py
	$(PY) bench/approvals.py

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
