"""The standard model (표준모델): versioned JSON files in tenants/standard_model/."""

import json
from functools import cache
from pathlib import Path

STANDARD_MODEL_DIR = Path(__file__).resolve().parent / "standard_model"


def version_key(version: str) -> tuple[int, ...]:
    """"2026.10" comes after "2026.2": versions compare by their numbers, not as text."""
    return tuple(int(part) if part.isascii() and part.isdigit() else -1
                 for part in version.split("."))


@cache
def standard_model_versions() -> tuple[str, ...]:
    return tuple(sorted((path.stem for path in STANDARD_MODEL_DIR.glob("*.json")), key=version_key))


def latest_standard_model_version() -> str:
    return standard_model_versions()[-1]


@cache
def load_standard_model(version: str) -> dict:
    if version not in standard_model_versions():
        raise KeyError(version)
    return json.loads((STANDARD_MODEL_DIR / f"{version}.json").read_text(encoding="utf-8"))
