"""The indicator definitions a cycle measures by (the version it pinned when it opened), read
once per process and version: adopted versions never change."""

from datetime import datetime

from django.db import connection

from core.policies.kinds import kind_get
from core.policies.kinds.performance import Definition

KIND = "indicator_definitions"
_kept: dict[tuple, dict[str, Definition]] = {}
_by_type: dict[tuple, dict[str, tuple[Definition, ...]]] = {}
_KEPT = 500


def definitions_by_code(policy_id: int | None, created_at: datetime | None = None
                        ) -> dict[str, Definition]:
    """Code → definition of the pinned version (``None``: the kind's default)."""
    key = (connection.schema_name, policy_id, created_at) if policy_id else ("default",)
    if key not in _kept:
        if len(_kept) > _KEPT:
            _kept.clear()
            _by_type.clear()
        _kept[key] = {d.code: d for d in _load(policy_id).definitions}
    return _kept[key]


def cycle_definitions(policy_id: int | None, created_at: datetime | None = None
                      ) -> dict[str, tuple[Definition, ...]]:
    """Event type → the definitions of the pinned version that read it."""
    key = (connection.schema_name, policy_id, created_at) if policy_id else ("default",)
    if key not in _by_type:
        routes: dict[str, list[Definition]] = {}
        for definition in definitions_by_code(policy_id, created_at).values():
            for event_type in definition.event_types:
                routes.setdefault(event_type, []).append(definition)
        _by_type[key] = {t: tuple(ds) for t, ds in routes.items()}
    return _by_type[key]


def _load(policy_id: int | None):
    kind = kind_get(KIND)
    if policy_id is None:
        data, _source, _version = kind.standard_default()
        return kind.parse(data)
    from core.policies.selectors import rule_version_get

    return rule_version_get(policy_id).rule
