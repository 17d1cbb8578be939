# smartregion: `make run` serves the demo region, `make test` runs every test. `make help` lists all.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
SR := $(BIN)/smartregion
PORT ?= 8000
export PORT

.DEFAULT_GOAL := help
.PHONY: help run setup test lint fmt demo bench vendor messages screenshot clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@PY="$${PYTHON:-$$(scripts/find-python.sh)}" || exit 1; \
	  test -x $(BIN)/python || "$$PY" -m venv $(VENV) || { echo "Konnte $(VENV) nicht anlegen (Debian/Ubuntu: apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

setup: $(VENV)/.installed ## create .venv and install (incl. test tools)
	$(SR) migrate --noinput
	$(SR) createcachetable
	$(SR) collectstatic --noinput --verbosity 0

run: setup ## install, migrate, load the demo region and serve on http://127.0.0.1:8000 (PORT=...)
	$(SR) demo
	@echo ""
	@echo "Öffnen Sie http://127.0.0.1:$(PORT)/ im Browser."
	$(SR) serve --port $(PORT)

demo: setup ## load (or refresh) the demo region and print the demo logins
	$(SR) demo

test: $(VENV)/.installed ## ruff plus the whole pytest suite (browser tests when Chromium is present)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(SR) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed ## format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed ## run the benchmarks in bench/ (they print figures)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

vendor: ## re-fetch vendored front-end files from npm (maintainers only; needs npm)
	scripts/vendor.sh

messages: $(VENV)/.installed ## update and compile the English translation
	cd smartregion && ../$(SR) makemessages -l en --no-obsolete --ignore 'static/vendor/*'
	cd smartregion && ../$(SR) compilemessages -l en

screenshot: $(VENV)/.installed ## refresh docs/screenshot-home.png from the browser tests
	UPDATE_SCREENSHOT=1 $(BIN)/pytest tests/e2e -k screenshot

clean: ## remove .venv and caches (keeps var/ with the database)
	rm -rf $(VENV) .pytest_cache .ruff_cache
