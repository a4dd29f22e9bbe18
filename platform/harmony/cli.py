"""The ``harmony`` console script: Django's manage.py with dashed command names.

``harmony seed-demo`` runs the ``seed_demo`` management command, and so on; ``harmony serve``
runs the site's processes (harmony/serve.py).
"""

import os
import sys
from pathlib import Path

PLATFORM_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PLATFORM_DIR.parent


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    for root in (str(PLATFORM_DIR), str(REPO_ROOT)):
        if root not in sys.path:
            sys.path.insert(0, root)
    if argv[1:2] == ["serve"]:
        from harmony.serve import main as serve

        sys.exit(serve(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
