"""Put ``src`` on the import path, so that ``python -m pytest examples`` also works from the
repository root (``pythonpath`` in this folder's pyproject applies when pytest starts here)."""

import sys
from pathlib import Path

SRC = str(Path(__file__).parent / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)
