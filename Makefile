# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
  $$p -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo $$p; break; }; done)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ORACLE ?= ../shared/oracle

.PHONY: run test test-fast fuzz bench lint clean venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[notebook,test]'
	touch $(STAMP)

venv: $(STAMP)

# The JupyterLab renderer for symnb's graph JSON is prebuilt (labextension/ has its source);
# linking it into the venv is what `jupyter labextension develop` would do.
LABEXT := $(VENV)/share/jupyter/labextensions/symnb-graph

run: $(STAMP)
	@mkdir -p $(dir $(LABEXT)) && ln -sfn $(CURDIR)/symnb/notebook/labextension $(LABEXT)
	$(VENV)/bin/jupyter lab notebooks/

# The browser tests (tests/browser) need headless chromium: as root (CI), install it when
# missing; elsewhere they skip, except under CI=true, where a missing browser fails them.
test: $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium unavailable: browser tests will skip (and fail under CI=true)"
	$(VENV)/bin/ruff check symnb tests benchmarks conftest.py
	$(PY) -m pytest -q
	@if [ -f $(ORACLE)/check.py ]; then \
	  echo "== recorded MXNet 1.9.1 cases (../shared/oracle) =="; \
	  $(PY) $(ORACLE)/check.py 2>/dev/null | tail -2; \
	fi

test-fast: $(STAMP)
	$(PY) -m pytest -q -x -m "not slow and not browser"

# A longer fuzz run (tests/fuzz): random inputs, FUZZ examples per family, outcome counts
# printed per family (about 15 min for 1000; the magics family is the slow one). `make test`
# runs the same families derandomized with a few examples.
FUZZ ?= 1000
fuzz: $(STAMP)
	@rm -f $(VENV)/fuzz-report.jsonl
	SYMNB_FUZZ=$(FUZZ) SYMNB_FUZZ_REPORT=$(CURDIR)/$(VENV)/fuzz-report.jsonl \
	  $(PY) -m pytest -q tests/fuzz --durations=0
	@cat $(VENV)/fuzz-report.jsonl

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	@test -f .bench-mxnet-venv/.installed || { rm -rf .bench-mxnet-venv && \
	  python3.11 -m venv .bench-mxnet-venv && \
	  .bench-mxnet-venv/bin/python -m pip install -q numpy==1.23.5 mxnet==1.9.1 && \
	  touch .bench-mxnet-venv/.installed; } || { rm -rf .bench-mxnet-venv; \
	  echo "MXNet 1.9.1 venv could not be created: its column will read unavailable"; }
	$(PY) benchmarks/run_all.py $(BENCH_FLAGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check symnb tests benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info
