# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data

.PHONY: run test bench soak lint install install-test install-mutation system-deps test-node mutation mutation-survivors mutants-resources clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --progress-bar on -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --progress-bar on -e '.[test,bench,scale]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-mutation: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-mutation: $(VENV)/.installed-mutation

system-deps:
	@bash scripts/system-deps.sh

# axe-core for the accessibility checks comes from the npm registry, never committed.
test-node:
	@if command -v npm >/dev/null 2>&1; then \
	  [ -f tests/.node/node_modules/axe-core/axe.min.js ] || \
	  npm install --silent --no-audit --no-fund --prefix tests/.node axe-core@4 >/dev/null 2>&1 || \
	  echo "test-node: could not install axe-core; accessibility tests will skip." >&2; \
	else echo "test-node: no npm; accessibility tests will skip." >&2; fi

run: install
	@$(BIN)/canus update || echo "canus: some sources could not be updated (see above); serving what is published."
	$(BIN)/canus serve --host 127.0.0.1 --port 8000

# Both cores, in random order (pytest-randomly prints the seed; rerun an order with --randomly-seed=N).
# tests/test_mutants.py is the fast mutation subset: hand-picked bugs that must fail named tests.
PYTEST_WORKERS ?= 2
test: install-test system-deps test-node
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	@start=$$(date +%s); $(BIN)/pytest -q -n $(PYTEST_WORKERS) -p randomly; rc=$$?; \
	  echo "make test: pytest wall time $$(( $$(date +%s) - start )) s"; exit $$rc

# The full mutation run on the decision logic ([tool.mutmut] in pyproject.toml; docs/testing.md).
# Slow (tens of minutes on two cores): not part of `make test`. MUTANTS="canus.claims.qualifiers*" narrows it.
# mutmut refreshes only the Python files of mutants/: catalogues and templates are copied in here,
# or a changed message makes the clean run fail.
mutants-resources:
	@if [ -d mutants/src ]; then cd src && find . -type f ! -name '*.py' ! -name '*.pyc' ! -path '*/__pycache__/*' \
	  -exec cp --parents -p {} ../mutants/src/ \; ; fi

mutation: install-mutation mutants-resources
	$(BIN)/mutmut run --max-children $(PYTEST_WORKERS) $(MUTANTS)
	$(BIN)/mutmut results

# After writing tests from the survivors: run only the mutants that survived (results in mutants/).
mutation-survivors: install-mutation mutants-resources
	@names=$$($(BIN)/mutmut results | awk -F: '/: survived$$/ {print $$1}'); \
	  if [ -z "$$names" ]; then echo "no surviving mutants in mutants/"; exit 0; fi; \
	  $(BIN)/mutmut run --max-children $(PYTEST_WORKERS) $$names
	$(BIN)/python scripts/mutation_scores.py mutants

# Twenty runs in a row of the test files that start the page-cache warm-up (the abort of issue 16).
SOAK_RUNS ?= 20
SOAK_FILES ?= tests/test_web_portal.py tests/test_spine_web.py tests/test_claims_sections.py \
  tests/test_web_cache.py tests/test_energy_environment_pages.py tests/test_trade_web.py
soak: install-test
	$(BIN)/python scripts/soak.py --runs $(SOAK_RUNS) $(SOAK_FILES)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m bench.run --shared $(SHARED) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) tests/artifacts tests/.node mutants
