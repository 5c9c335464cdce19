"""``python -m vnreader.cli``: the same as the ``vnreader`` command."""

from __future__ import annotations

import sys

from vnreader.cli import main

sys.exit(main())
