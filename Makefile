# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench check clean migration

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,themes]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/brewline run

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.run

check: $(STAMP)
	$(BIN)/brewline flows check

clean:
	rm -rf $(VENV) instance .pytest_cache

# Before the first release: rewrite migrations/versions/0001_initial_schema.py from the models.
migration: $(STAMP)
	$(BIN)/brewline db regenerate-initial
