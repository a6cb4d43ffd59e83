# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
  $$p -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo $$p; break; }; done)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ORACLE ?= ../shared/oracle

.PHONY: run test test-fast test-wheel test-numpy-kernels test-gpu-standin labextension fuzz bench lint clean venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# The JupyterLab renderer for symnb's graph JSON is prebuilt in symnb/notebook/labextension
# (labextension/ has its sources). pip copies it into the venv; `jupyter labextension develop`
# (jupyter-builder develop) then replaces the copy with a link to the project's build, so JupyterLab shows what the
# sources build. The link is removed before pip runs: pip must not write or delete through it.
LABEXT := $(VENV)/share/jupyter/labextensions/symnb-graph

$(STAMP): pyproject.toml | $(PY)
	@if [ -L $(LABEXT) ]; then rm $(LABEXT); fi
	$(PY) -m pip install -q -e '.[lab,test]'
	$(VENV)/bin/jupyter-builder develop --overwrite .
	touch $(STAMP)

venv: $(STAMP)

# A build older than its sources is rebuilt first where npm is available (Node 20+).
run: $(STAMP)
	@$(PY) labextension/source_hash.py --check || { command -v npm >/dev/null && \
	  $(MAKE) --no-print-directory labextension; } || \
	  echo "could not rebuild (no npm?): JupyterLab shows the committed build of the extension"
	$(VENV)/bin/jupyter lab notebooks/

# Rebuild the JupyterLab extension from labextension/ (see labextension/README.md).
labextension: $(STAMP)
	cd labextension && npm ci --no-audit --no-fund && PATH=$(CURDIR)/$(VENV)/bin:$$PATH npm run build

# The browser tests (tests/browser) need headless chromium: as root (CI), install it when
# missing; elsewhere they skip, except under CI=true, where a missing browser fails them.
test: $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium unavailable: browser tests will skip (and fail under CI=true)"
	$(VENV)/bin/ruff check symnb tests benchmarks conftest.py
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory test-numpy-kernels
	$(MAKE) --no-print-directory test-gpu-standin
	$(MAKE) --no-print-directory test-wheel
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

# The built sdist and wheel, installed into a fresh venv (tests/packaging/check_wheel.py).
# The gpu half of the cpu/gpu tests (the ctx fixture) on tests/_standin's CPU stand-in for
# CuPy: device arrays NumPy refuses, CuPy 14's names and keywords only. A real GPU run is
# benchmarks/gpu_check.sh.
# float32 convolutions, BatchNorm, pooling and activations run in oneDNN where it is installed
# (symnb[onednn], ops/_onednn.py): their tests again with it off keep the NumPy kernels under
# test for float32 too.
test-numpy-kernels: $(STAMP)
	@echo "== float32 layer tests on the NumPy kernels (SYMNB_ONEDNN=0) =="
	SYMNB_ONEDNN=0 $(PY) -m pytest -q -p no:cacheprovider tests/ops/test_conv.py \
	  tests/ops/test_conv_layouts.py tests/ops/test_conv_stem.py tests/ops/test_convfam.py \
	  tests/ops/test_mxnet_kernel_quirks.py tests/ops/test_onednn.py \
	  tests/ops/test_onednn_layers.py tests/ops/test_norm.py tests/ops/test_pooling.py \
	  tests/ops/test_activation.py tests/ops/test_zeros.py tests/ops/test_nonfinite_gradients.py \
	  tests/zoo tests/differential

test-gpu-standin: $(STAMP)
	@echo "== gpu tests on the CuPy stand-in (tests/_standin) =="
	SYMNB_CUPY_STANDIN=1 $(PY) -m pytest -q -p no:cacheprovider -k "gpu or cupy_standin" tests

test-wheel: $(STAMP)
	$(PY) tests/packaging/check_wheel.py

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
