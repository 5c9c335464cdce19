"""The one file-mode helper: what atomic writes and narrations get is what the umask gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the umask is read once per process, and set here first.
CODE = """
import os, sys
from pathlib import Path
os.umask(int(sys.argv[2], 8))
from vnreader.filemode import file_mode
from vnreader.publishing.atomic import write_atomic
target = Path(sys.argv[1])
write_atomic(target, b"xin chao")
print(oct(file_mode()), oct(target.stat().st_mode & 0o777), oct(os.umask(0)))
"""


def test_atomic_writes_get_the_umask_mode_not_mkstemps(tmp_path: Path) -> None:
    for umask, mode in (("022", "0o644"), ("027", "0o640"), ("002", "0o664")):
        target = tmp_path / f"feed-{umask}.xml"
        result = subprocess.run(
            [sys.executable, "-c", CODE, str(target), umask],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        # The helper's mode, the file's mode, and the umask left as it was.
        assert result.stdout.split() == [mode, mode, oct(int(umask, 8))]
