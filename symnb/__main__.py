"""``python -m symnb``: the ``symnb`` command (:mod:`symnb.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
