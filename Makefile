# Two commands on a fresh machine: `make serve` and `make test`. Every target sets up what it needs.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONPATH := $(CURDIR)/hooks
CONFIG ?= mkdocs.yml
SITE ?= site

.PHONY: serve build preview test bench lighthouse new check system-deps clean

$(VENV)/.site: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

serve: $(VENV)/.site ## Serve the guide with live reload on http://127.0.0.1:8000
	$(PY) -m mkdocs serve --livereload -a 127.0.0.1:8000

build: $(VENV)/.site ## Strict build into site/, ready to publish (headers, compressed copies, deploy/nginx-guide.conf); SITE_URL=https://... sets the address
	$(PY) -m guide build -f $(CONFIG) --site $(SITE)

preview: $(VENV)/.site system-deps ## Serve the built site/ with nginx and the generated snippet, as a production server would
	$(PY) scripts/serve_nginx.py $(SITE)

test: $(VENV)/.test system-deps ## Build the site and run every test, browser tests included
	$(PY) -m pytest

bench: $(VENV)/.test ## Benchmarks: print numbers, write BENCHMARKS data (see BENCHMARKS.md)
	$(PY) benchmarks/run.py

lighthouse: $(VENV)/.site system-deps ## Lighthouse scores of the built site served by nginx, mobile and desktop (see BENCHMARKS.md)
	$(PY) benchmarks/lighthouse.py

new: $(VENV)/.site ## Scaffold a page: make new KIND=article SECTION=pacing TITLE="My title"
	$(PY) -m guide new $(or $(KIND),article) --section "$(SECTION)" --title "$(TITLE)"

check: $(VENV)/.test ## Plain-language and front-matter checks of content/ with numbers
	$(PY) -m guide check

system-deps: ## Install Chromium, Java and nginx when missing (browser tests, HTML validator, publishing tests)
	@bash scripts/ensure-system-deps.sh

clean:
	rm -rf site deploy .pytest_cache
