#!/usr/bin/env python
"""Django's command-line utility; platform/ is a source folder, so put it on the path."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from harmony.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
