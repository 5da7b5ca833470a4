"""`python -m demo --db PATH [--seed N] [--scale F]`: (re)build the demo database atomically."""

import sys

from demo.generate import main

sys.exit(main())
