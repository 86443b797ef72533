# Every target that needs the project creates .venv and installs into it first,
# so `make demo` and `make test` each work alone on a machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench fuzz check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/verdict eval rulesets/student_health --facts examples/wang.yaml --as-of 2025-09-01

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz $(or $(COUNT),20000)

clean:
	rm -rf $(VENV) build *.egg-info
