# Every target that needs the project creates .venv and installs into it first,
# so `make demo` and `make test` each work alone on a machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench fuzz tck check clean chromium serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

DEMO_OUTPUTS := --output enrolment --output enrolment_documents --output css_status \
	--output css_monthly_participation --output gp_reimbursement --output ceam_usable

demo: $(STAMP)
	@echo "== Wang, a Chinese master's student arriving in Paris (examples/wang.yaml), as of 2025-09-01"
	$(BIN)/verdict eval rulesets/student_health --facts examples/wang.yaml --as-of 2025-09-01 $(DEMO_OUTPUTS)
	@echo "== The same verdict in Chinese, for the two questions he asks first"
	$(BIN)/verdict eval rulesets/student_health --facts examples/wang.yaml --as-of 2025-09-01 \
		--output enrolment --output css_status --lang zh
	@echo "== In French, for his caseworker: the CSS and the reimbursement of a GP consultation"
	$(BIN)/verdict eval rulesets/student_health --facts examples/wang.yaml --as-of 2025-09-01 \
		--output css_status --output gp_reimbursement --lang fr

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# The page tests (tests/test_serve_page.py) drive Debian's Chromium and its driver, with a font
# for the Chinese page; a fresh machine gets them here (apt-get: as root, as CI is).
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-wqy-zenhei >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei; \
	fi

# The web page and the JSON API on the bundled ruleset: http://127.0.0.1:8000/ (PORT=… to change)
serve: $(STAMP)
	$(BIN)/verdict serve rulesets/student_health --port $(or $(PORT),8000)

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz $(or $(COUNT),20000)

# The DMN TCK (github.com/dmn-tck/tck), read where it is, never copied here: a checkout or a
# bare git directory of it (`make tck TCK=path`); prints which cases pass and why the others are out of scope.
TCK ?= $(or $(VERDICT_TCK),/work/.mirror/dmn-tck+tck/repo)
tck: $(STAMP)
	$(BIN)/python -m engine.dmn.tck $(TCK)

clean:
	rm -rf $(VENV) build *.egg-info
