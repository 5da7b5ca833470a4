"""``python -m data.users``: manage accounts, acting as administrator (see `access.cli`)."""

from __future__ import annotations

import sys

from access.cli import main

if __name__ == "__main__":
    sys.exit(main())
