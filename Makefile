# The two commands of the README:
#   make demo   create .venv if missing, install the kit, start the lunch-demo server (Voilà, 127.0.0.1:8866)
#   make test   install what the tests need (Debian chromium + postgresql when missing) and run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866

.PHONY: demo test test-deps lab report-example lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall when pyproject.toml changes, or a file the wheel installs as shared-data (an editable
# install copies those into the environment: the Voilà template, the Jupyter server extension's enabling file,
# JupyterLab's settings overrides).
SHARED_DATA := $(shell find aiskole/share aiskole/etc -type f 2>/dev/null)
# An editable install compiles nothing: compile the kit once, so a kernel (each report, each app) does not
# compile it again on every start where writing bytecode is off (PYTHONDONTWRITEBYTECODE).
$(VENV)/.kit-installed: pyproject.toml $(SHARED_DATA) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q aiskole
	touch $@

$(VENV)/.test-installed: pyproject.toml $(SHARED_DATA) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	$(BIN)/python -m compileall -q aiskole
	touch $@ $(VENV)/.kit-installed

demo: $(VENV)/.kit-installed
	$(BIN)/aiskole demo --port $(PORT) --open

# JupyterLab on the lessons, in Danish, without news or update checks (the package's overrides.d settings file)
lab: $(VENV)/.kit-installed
	$(BIN)/aiskole lab --open

test-deps:
	./scripts/install-test-deps.sh

test: test-deps $(VENV)/.test-installed
	$(BIN)/python -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check aiskole tests bench
	$(BIN)/ruff format --check aiskole tests bench

format: $(VENV)/.test-installed
	$(BIN)/ruff format aiskole tests bench
	$(BIN)/ruff check --fix aiskole tests bench

bench: test-deps $(VENV)/.test-installed
	$(BIN)/python bench/first_question.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache .cache
