# Bro: `make run` starts the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := portal:create_app

# make run writes SMS to the log unless another provider is set (tests see no provider).
run: export SMS_PROVIDER ?= log

.PHONY: run test setup assets translations browser-deps pdf-deps db lint clean

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo ""
	@echo "  Bro is running at http://$(HOST):$(PORT)/ with its delivery worker (Ctrl+C stops both)"
	@echo ""
	@# The worker sends e-mail and SMS (to the log, in development) beside the web server; whichever way
	@# the server ends, the trap stops the worker too.
	@$(BIN)/flask worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup browser-deps
	$(BIN)/ruff check portal tests bench
	$(BIN)/bandit --quiet --recursive portal --severity-level high
	$(BIN)/pytest

setup: $(VENV)/.installed assets translations pdf-deps

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: static/vendor/htmx.min.js

static/vendor/htmx.min.js: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

# Debian's Chromium for the browser tests (never `playwright install`: no downloads here),
# and a Java runtime for the Nu HTML checker. The fonts come with pdf-deps: Noto Sans Ethiopic
# (fonts-noto-core) also keeps Chromium from drawing Tigrinya's Ge'ez letters as boxes.
browser-deps: pdf-deps
	@need=""; [ -x /usr/bin/chromium ] || need="$$need chromium"; \
	command -v java >/dev/null || need="$$need default-jre-headless"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$need; \
	fi

# What WeasyPrint needs to make PDFs (CVs, certificates): Pango, and the fonts Bro embeds —
# Noto Sans (Latin with the Nordic letters), Noto Sans Arabic and Ethiopic, DejaVu as a fallback.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core
pdf-deps:
	@need=""; for p in $(PDF_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || need="$$need $$p"; \
	done; \
	if [ -n "$$need" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "Install Pango and these fonts for PDFs:$$need"; exit 0; fi; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$need; \
	fi

lint: setup
	$(BIN)/ruff check portal tests bench

clean:
	rm -rf $(VENV) node_modules static/vendor instance
