# Two commands do everything on a fresh machine (Python 3.11+, make, npm):
#   make book   set up, execute every notebook with papermill, build _build/html
#   make test   the same, plus unit tests, a strict build and a headless-browser check
#   make mutation  (by hand, not part of `make test`) mutation score of the theory, the
#               neighbour search and run verification (mutmut; tests/MUTATION.md)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SETUP := $(VENV)/.setup-done
MATHJAX := node_modules/mathjax/es5/tex-chtml.js
STEMS := $(sort $(notdir $(basename $(wildcard notebooks/[0-9][0-9]_*.md))))
EXECUTED := $(STEMS:%=_build/executed/%.ipynb)
SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
BOOK_SRC := $(wildcard src/assocmem/book/*.py) src/assocmem/__init__.py
DEPS := $(STEMS:%=_build/deps/%.d)
BOOK_PAGES := $(wildcard book/* book/_static/* book/js/*) _config.yml _toc.yml
# The claims' text, joined to the notebooks' records at build time: no notebook depends on it
CLAIMS := $(wildcard notebooks/*.claims.yaml)
JBFLAGS := -W -n --keep-going

export ASSOCMEM_LEDGER_DIR := $(CURDIR)/_build/ledger
# Reference data beside the project (CI and development); chapters fall back without it.
export ASSOCMEM_DATA_DIR ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test unit notebooks browser-check run lab lock lint clean help stats mutation

help:
	@echo "make book | make test | make run NB=<stem> ARGS='-p name value' | make lab | make clean"
	@echo "make mutation (by hand: mutation scores, tests/MUTATION.md)"

# ---- set-up: runs once, again only when the pins change ---------------------------------
$(SETUP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	@touch $@

$(MATHJAX): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(SETUP) $(MATHJAX)

# ---- notebooks: jupytext source -> staging copy -> papermill -> _build/executed -------------
# Each executed notebook depends on its source, the package modules it imports (transitively)
# and the data it declares (`% data: path`): _build/deps/<stem>.d, written from the code.
_build/deps/%.d: notebooks/%.md src/assocmem/book/deps.py
	@$(PYTHON) src/assocmem/book/deps.py --src src --out _build/deps $<

ifeq ($(filter help clean lock,$(MAKECMDGOALS)),)
-include $(DEPS)
endif

_build/executed/%.ipynb: notebooks/%.md _build/deps/%.d $(SETUP)
	@mkdir -p _build/staging _build/executed $(ASSOCMEM_LEDGER_DIR)
	$(BIN)/jupytext --quiet --to ipynb -o _build/staging/$*.ipynb $<
	$(BIN)/papermill --cwd notebooks -k python3 --no-progress-bar \
		_build/staging/$*.ipynb _build/executed/$*.tmp.ipynb
	@mv _build/executed/$*.tmp.ipynb $@

notebooks: $(EXECUTED)

# ---- the book: staged from executed notebooks + ledger, built strictly --------------------
# Staging writes only the files that changed, so Sphinx rebuilds only the pages that did.
_build/html/index.html: $(EXECUTED) $(BOOK_PAGES) $(BOOK_SRC) $(CLAIMS) $(MATHJAX)
	$(BIN)/python -m assocmem.book.build --executed _build/executed \
		--ledger $(ASSOCMEM_LEDGER_DIR) --out _build/book_src --mathjax node_modules/mathjax/es5
	$(BIN)/jupyter-book build _build/book_src --path-output . $(JBFLAGS)
	@# Sphinx copies html_extra_path only when a page is out of date: publish the ledger files
	@# (claims.json/csv) and scripts of an edit no page shows, too
	cp -ru _build/book_src/_extra/. _build/html/
	@test -f $@

book: setup _build/html/index.html
	@echo "The book: $(CURDIR)/_build/html/index.html"

# ---- tests -------------------------------------------------------------------------------
# Notebook code is linted like the package, at a line length that fits a rendered code cell.
NB_LINE_LENGTH := 80
lint: $(SETUP)
	$(BIN)/ruff check src tests benchmarks
	@rm -rf _build/lint && mkdir -p _build/lint
	@$(BIN)/python -c 'import sys, pathlib, jupytext; [jupytext.write(jupytext.read(f), \
		f"_build/lint/{pathlib.Path(f).stem}.ipynb") for f in sys.argv[1:]]' notebooks/[0-9][0-9]_*.md
	$(BIN)/ruff check --line-length $(NB_LINE_LENGTH) _build/lint

unit: $(SETUP)
	$(BIN)/python -m pytest -q tests --ignore=tests/browser

browser-check: book
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		echo "installing Debian's chromium and chromium-driver for the browser check"; \
		$$( [ $$(id -u) = 0 ] || echo sudo ) apt-get update -qq; \
		$$( [ $$(id -u) = 0 ] || echo sudo ) apt-get install -y -qq chromium chromium-driver; }
	$(BIN)/python -m pytest -q tests/browser

test: setup lint unit book browser-check

# ---- mutation testing, by hand (tests/MUTATION.md; not part of `make test`) -------------------
# mutmut is installed on demand (not a pin of requirements.txt); its configuration, the modules
# and the test files, is [tool.mutmut] in pyproject.toml; each mutant runs the tests that call
# its function. MUTANTS narrows it (mutmut's names, e.g. MUTANTS='assocmem.neighbors.*').
MUTMUT_VERSION := 3.8.1
MUTANTS ?= $(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "tests"); \
	import mutation_report; print(" ".join(mutation_report.SCORED))')
mutation: $(SETUP)
	@$(BIN)/python -c 'import mutmut, sys; sys.exit(mutmut.__version__ != "$(MUTMUT_VERSION)")' \
		2>/dev/null || $(BIN)/python -m pip install --disable-pip-version-check -q \
		mutmut==$(MUTMUT_VERSION)
	rm -rf mutants && mkdir -p _build
	@start=$$(date +%s); \
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 10 $(BIN)/mutmut run --max-children $$(nproc) \
		$(foreach m,$(MUTANTS),'$(m)') \
		> _build/mutation.log 2>&1 || { tail -n 40 _build/mutation.log; exit 1; }; \
	echo "mutmut ran for $$(( $$(date +%s) - start )) s (log: _build/mutation.log)"
	$(BIN)/python tests/mutation_report.py --survivors

# ---- one notebook with other parameters ---------------------------------------------------
run: setup
	@test -n "$(NB)" || { echo "usage: make run NB=<notebook stem> ARGS=\"-p name value ...\""; \
		echo "notebooks: $(STEMS)"; exit 2; }
	@test -f notebooks/$(NB).md || { echo "no notebook notebooks/$(NB).md; choose from: $(STEMS)"; exit 2; }
	@$(BIN)/python -m assocmem.book.run_args notebooks/$(NB).md $(ARGS)
	@out=_build/executed/run/$(NB)-$$(date +%Y%m%dT%H%M%S)-$$$$; mkdir -p $$out; \
	echo "this run's folder: $$out"; \
	$(BIN)/jupytext --quiet --to ipynb -o $$out/staged.ipynb notebooks/$(NB).md; \
	ASSOCMEM_LEDGER_DIR=$(CURDIR)/$$out/ledger $(BIN)/papermill --cwd notebooks \
		-k python3 $$out/staged.ipynb $$out/$(NB).ipynb $(ARGS); \
	echo "executed notebook: $$out/$(NB).ipynb (ledger: $$out/ledger)"

lab: setup
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-lab.txt
	$(BIN)/jupyter lab notebooks

# ---- how the chapters read (issue 26's measures) -------------------------------------------
stats: $(SETUP)
	$(BIN)/python -m assocmem.book.stats

# ---- maintenance --------------------------------------------------------------------------
lock: $(SETUP)
	$(BIN)/python -m assocmem.book.lock

clean:
	rm -rf _build
