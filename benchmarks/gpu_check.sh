#!/usr/bin/env bash
# One prepared GPU check: make CuPy importable (from carried wheels if need be), run the GPU
# half of the test suite (the `ctx` fixture's gpu parameter, selected with -k gpu), then the
# GPU benchmarks, and print a summary. Meant for a lent GPU machine with no network:
#
#   bash benchmarks/gpu_check.sh            # from the repository root
#
# Environment: PY (python to use; default .venv/bin/python, else python3), WHEELS (folders
# holding cupy-cuda*/fastrlock wheels; default ".whl shared/wheels"), NO_INSTALL=1 (never
# reach for the registry; for a dry run on a machine without a GPU), TEST_TIMEOUT,
# BENCH_TIMEOUT (seconds; default 300 and 240). Writes benchmarks/results/<date>-gpu.json and
# the GPU section of benchmarks/README.md.
set -u
cd "$(dirname "$0")/.."

PY=${PY:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
WHEELS=${WHEELS:-".whl shared/wheels"}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-240}
LOG=$(mktemp -d)
echo "== python: $PY ($("$PY" --version 2>&1))"
command -v nvidia-smi >/dev/null && nvidia-smi -L

# -- CuPy: use what is installed, else install from carried wheels, else try the registry
if ! "$PY" -c "import cupy" 2>/dev/null; then
  for dir in $WHEELS; do
    if ls "$dir"/cupy*.whl >/dev/null 2>&1; then
      echo "== installing CuPy from $dir"
      "$PY" -m pip install -q --no-index --find-links "$dir" "$dir"/cupy*.whl && break
    fi
  done
fi
if ! "$PY" -c "import cupy" 2>/dev/null && [ -z "${NO_INSTALL:-}" ]; then
  echo "== no CuPy wheel carried; trying: pip install -e '.[gpu]'"
  timeout 180 "$PY" -m pip install -q -e '.[gpu]' || true
fi
# symnb itself is used from this checkout, installed or not
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
GPU_INFO=$("$PY" - <<'EOF' 2>&1
import cupy
n = cupy.cuda.runtime.getDeviceCount()
name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode() if n else "none"
print("CuPy %s, CUDA runtime %s, %d device(s): %s" % (
    cupy.__version__, cupy.cuda.runtime.runtimeGetVersion(), n, name))
EOF
)
GPU_INFO=$(echo "$GPU_INFO" | tail -n 1)
echo "== $GPU_INFO"

# -- GPU tests: every test parametrised by ctx runs its gpu case; none may be skipped here
echo "== pytest -k gpu"
timeout "$TEST_TIMEOUT" "$PY" -m pytest -q -p no:cacheprovider -k gpu -rs tests \
  > "$LOG/pytest.txt" 2>&1
TEST_RC=$?
tail -n 40 "$LOG/pytest.txt"

# -- GPU benchmarks (symnb on mx.gpu() against hand-written CuPy)
echo "== benchmarks/run_all.py --gpu"
timeout "$BENCH_TIMEOUT" "$PY" benchmarks/run_all.py --gpu > "$LOG/bench.txt" 2>&1
BENCH_RC=$?
cat "$LOG/bench.txt"

echo
echo "================ GPU check summary ================"
echo "device:     $GPU_INFO"
echo "tests:      $(grep -E '(passed|failed|error|skipped|no tests ran)' "$LOG/pytest.txt" \
  | tail -n 1) (exit $TEST_RC)"
echo "skips:      $(grep -c 'SKIPPED' "$LOG/pytest.txt") (a gpu skip on a GPU machine is a bug)"
echo "benchmarks: exit $BENCH_RC"
sed -n '/^| workload (GPU/,/^$/p' "$LOG/bench.txt"
[ "$TEST_RC" -eq 0 ] && [ "$BENCH_RC" -eq 0 ]
