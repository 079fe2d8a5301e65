# Two entry points: `make run` (service + demo county) and `make test` (whole suite).
# Each creates .venv on first use; nothing is installed outside it.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test check fuzz lint schema bench-fanout clean web-build web-check

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/yishi demo --serve

# The checks first (ruff, mypy, import contracts: a few seconds), then the suite.
test: check
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The fuzzers alone, with a larger budget than `make test` gives them (override any of these,
# e.g. `make fuzz FUZZ_SECONDS=1800`). FUZZ_SECONDS caps each fuzz test; the reports (figures
# and one reproduction per failure class) are written to $(FUZZ_REPORT)/*.txt.
FUZZ_EXAMPLES ?= 20000
FUZZ_SCHEMA_EXAMPLES ?= 40
FUZZ_SECONDS ?= 600
FUZZ_REPORT ?= .yishi/fuzz
fuzz: $(BIN)/.installed
	@rm -f $(FUZZ_REPORT)/*.txt
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SCHEMA_EXAMPLES=$(FUZZ_SCHEMA_EXAMPLES) \
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_REPORT=$(FUZZ_REPORT) \
	$(BIN)/python -m pytest -n 2 --dist loadfile -rxX tests/test_fuzz_tenants.py tests/test_fuzz_schema.py; \
	status=$$?; grep -h -e '^==' -e '^--' $(FUZZ_REPORT)/*.txt; exit $$status

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# What CI checks before the suite: ruff, mypy (backend schema realtime tenants; options in
# pyproject.toml) and the import contracts of the layers (docs/architecture.md).
check: lint
	$(BIN)/mypy
	$(BIN)/lint-imports
	@$(MAKE) --no-print-directory web-check

# The staff console (web/, docs/console.md): its build is committed inside the Python
# package (backend/server/static/console), so `make run` and `make test` need no node.
# `make web-build` rebuilds it (npm ci once per package-lock.json, GraphQL Code Generator
# from schema/schema.graphql into web/src/gql, tsc, vite); `make web-check` (part of `make
# check`, so of CI) rebuilds and fails when the committed types or build differ from what
# the sources make. Without npm it says so and passes, unless WEB_CHECK_REQUIRED is set
# (.ci/run sets it: CI always rebuilds).
NPM ?= npm
WEB_GENERATED := web/src/gql backend/server/static/console
web/node_modules/.installed: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

web-build: web/node_modules/.installed
	cd web && $(NPM) run --silent codegen >/dev/null && $(NPM) run --silent build

web-check:
	@if ! command -v $(NPM) >/dev/null 2>&1; then \
	  if [ -n "$(WEB_CHECK_REQUIRED)" ]; then echo "web-check: npm is required (WEB_CHECK_REQUIRED)" >&2; exit 1; fi; \
	  echo "web-check: no npm here; the committed console build is used as it is"; exit 0; fi
	@$(MAKE) --no-print-directory web-build >/dev/null
	@git diff --exit-code --stat -- $(WEB_GENERATED) && \
	  test -z "$$(git status --porcelain -- $(WEB_GENERATED))" || { \
	  git status --short -- $(WEB_GENERATED); \
	  echo "web-check: web/src/gql or the console build is stale: run make web-build and commit" >&2; \
	  exit 1; }

schema: $(BIN)/.installed
	$(BIN)/yishi schema export

clean:
	rm -rf $(VENV) .yishi
