# `make run` and `make test` work on a fresh machine with only Python 3.11, pip and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
OUT ?= out/sample-week

.PHONY: install bytecode run plan test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The project's modules are byte-compiled as pip compiles an installed package's: an editable
# install leaves that to the first import, which never saves it where PYTHONDONTWRITEBYTECODE
# is set, so every command would compile them again (20 ms of `staffcast requirements`).
# Only the modules changed since the last time are compiled again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q api forecast scheduler

# The page's formatter and linter (Biome) at the version package-lock.json pins.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP) bytecode

run: $(STAMP) bytecode
	$(BIN)/staffcast demo

plan: $(STAMP) bytecode
	$(BIN)/staffcast plan data/sample/history.csv --week-start 2026-12-07 \
		--targets data/sample/targets.toml --rules data/sample/rules.toml \
		--timezone America/New_York --country US \
		--special-days data/sample/special_days.csv --out $(OUT)

test: $(STAMP) $(NODE_STAMP) bytecode
	scripts/check

check: test

clean:
	rm -rf $(VENV) node_modules out artifacts .mypy_cache .ruff_cache .pytest_cache
