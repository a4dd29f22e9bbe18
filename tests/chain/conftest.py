"""The audit chain is written at commit: these tests commit their rows."""

from tests.committed import committed, db  # noqa: F401  (fixtures)
