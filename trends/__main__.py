"""``python -m trends``: the same as the ``trends`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
