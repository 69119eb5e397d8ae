# `make run` and `make test` work on a fresh machine with only Python 3.11, pip and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/sample-week

.PHONY: install run test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/staffcast requirements data/sample/workload.csv --targets data/sample/targets.toml --timezone America/New_York -o $(OUT)/requirements.csv
	@echo "Requirements written to $(OUT)/requirements.csv"

test: $(STAMP)
	scripts/check

check: test

clean:
	rm -rf $(VENV) out artifacts .mypy_cache .ruff_cache .pytest_cache
