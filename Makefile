# Two commands do all set-up on a fresh machine:
#   make run    installs what is missing, then serves the product on http://127.0.0.1:5000/
#   make test   installs what is missing, then runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml bundler/static/package-lock.json | cksum | cut -d' ' -f1)

.PHONY: run test check install system-deps bench clean

run: install
	$(BIN)/bundler serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (lint and format), mypy (strict for graphs/ and forms/) and the import-linter layer contracts
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

install: $(STAMP)

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps.sh

# Python packages, then the browser libraries from the npm lock file (json-logic-js evaluates the form's
# conditions in the page; served from bundler/static/node_modules); axe-core too, for the accessibility tests.
$(STAMP): pyproject.toml bundler/static/package-lock.json
	@PYTHON=$(PYTHON) scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --prefix bundler/static --no-audit --no-fund --loglevel=error
	@rm -f $(VENV)/.installed-*
	@touch $@

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis bundler/static/node_modules
