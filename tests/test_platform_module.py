"""platform/ is a source folder, never a package that shadows the standard library."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_platform_still_resolves_to_the_standard_library_from_the_repo_root():
    result = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.python_version())"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == ".".join(map(str, sys.version_info[:3]))


def test_platform_folder_has_no_init_file():
    assert not (REPO / "platform" / "__init__.py").exists()
