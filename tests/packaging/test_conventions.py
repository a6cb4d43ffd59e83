"""Library manners: module loggers only, and a CLI that ``import symnb`` never loads."""
import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOT_LOGGER_CALLS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log",
                     "basicConfig"}


def test_no_module_writes_to_the_root_logger():
    """``logging.info(...)`` installs a handler on the root logger of the user's program."""
    offenders = []
    for path in sorted((ROOT / "symnb").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "logging"
                    and node.func.attr in ROOT_LOGGER_CALLS):
                offenders.append("%s:%d" % (path.relative_to(ROOT), node.lineno))
    assert offenders == [], "use logger = logging.getLogger(__name__): %s" % offenders


def test_save_checkpoint_leaves_the_root_logger_alone(tmp_path):
    code = """if 1:
        import logging, symnb as mx
        records = []
        class Keep(logging.Handler):
            def emit(self, record): records.append((record.name, record.getMessage()))
        logging.getLogger("symnb").addHandler(Keep())
        logging.getLogger("symnb").setLevel(logging.INFO)
        mx.model.save_checkpoint(%r, 1, None, {"w": mx.nd.ones((2,))}, {})
        print(records, logging.getLogger().handlers)
    """ % str(tmp_path / "net")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr
    expected = [("symnb.model", 'Saved checkpoint to "%s-0001.params"' % (tmp_path / "net"))]
    assert done.stdout.strip() == "%r []" % expected
