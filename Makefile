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
ADDR ?= 127.0.0.1:8000

.PHONY: serve build preview test bench lighthouse new check lock system-deps clean

$(VENV)/.site: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

serve: $(VENV)/.site ## Preview with live reload on http://127.0.0.1:8000 (drafts shown, problems on the page); Ctrl+C stops
	$(PY) -m mkdocs serve --livereload --dirty -f $(CONFIG) -a $(ADDR)

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

# A variable's text as one shell word, exactly as typed: `value` keeps make from expanding a `$` in
# it, and single quotes keep the shell from reading quotes, `$` or backticks in a title.
shell_word = '$(subst ','\'',$(value $(1)))'

new: $(VENV)/.site ## Scaffold a page: make new KIND=article SECTION=pacing TITLE="My title"
	$(PY) -m guide new $(or $(KIND),article) --section $(call shell_word,SECTION) --title $(call shell_word,TITLE)

check: $(VENV)/.site ## The build's own checks, plus plain-language numbers (warnings) for every article
	$(PY) -m guide check -f $(CONFIG)

lock: ## Re-lock requirements.txt from requirements.in (newest allowed versions), in a throwaway venv
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.in
	{ echo "# Locked from requirements.in by \`make lock\`; do not edit by hand."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude-editable; } > requirements.txt
	rm -rf $(VENV)-lock

system-deps: ## Install Chromium, Java and nginx when missing (browser tests, HTML validator, publishing tests)
	@bash scripts/ensure-system-deps.sh

clean:
	rm -rf site deploy .pytest_cache
