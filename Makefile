# icpdesk: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: venv demo test lint typecheck pytest bench lock clean

venv: $(STAMP)

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: venv
	mkdir -p var
	$(BIN)/icpdesk demo --port $(PORT)

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

# The whole suite on SQLite; then, with TEST_DATABASE_URL set, the database
# tests again on that database (PostgreSQL in CI).
# Tests run on both cores (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2

pytest: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== database tests on $$TEST_DATABASE_URL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" ICPDESK_DB_TESTS_ONLY=1 $(BIN)/pytest -n $(PYTEST_WORKERS); \
	fi

test: lint typecheck pytest

bench: venv
	$(BIN)/python -m bench

lock:
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.13 --generate-hashes -o requirements/lock.txt

clean:
	rm -rf $(VENV) var build src/*.egg-info
