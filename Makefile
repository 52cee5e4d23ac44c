# The two commands of the README: `make demo` runs the main job on the embedded defaults,
# `make test` runs every check CI runs. Both install what they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= .demo

.PHONY: install catalogues demo test lint layers typecheck pytest bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# After changing a message in the code or a template: extract, merge into the .po files, compile.
# (Installing compiles them too; pytest checks that no message is missing from a catalogue.)
catalogues: install
	bash .ci/catalogues update
	bash .ci/catalogues compile

# The whole plan on a simulated clock, in a fresh data folder each time. Without SXSH_SMTP_URL
# every email becomes an .eml file under $(DEMO_HOME)/outbox; with it, mail goes to that server.
demo: install
	rm -rf $(DEMO_HOME)
	SXSH_HOME=$(DEMO_HOME) $(BIN)/sxsh-flow simulate plan-2016-2020 --seed 2016
	@echo "Data: $(DEMO_HOME)/sxsh-flow.db (SQLite); emails: $(DEMO_HOME)/outbox/<day>/*.eml"
	@echo "Try: SXSH_HOME=$(DEMO_HOME) $(BIN)/sxsh-flow status 1 --cycle 2019"

# `make test` needs Chromium for tests/browser: `bash .ci/install-browser` (CI runs it) installs it.
test: lint layers typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Folders are layers: import-linter fails the build on an upward import (contract in pyproject.toml).
layers: install
	bash .ci/layers

typecheck: install
	bash .ci/typecheck

pytest: install
	bash .ci/catalogues compile
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_HOME) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
