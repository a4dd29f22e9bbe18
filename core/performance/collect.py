"""The live link from recorded moves to attainment: each activity event, in the transaction
that records it, moves the running tallies of the open cycles' indicator definitions it
matches, and tells the unit heads watching (registered in PerformanceConfig.ready).

Cost per move: one indexed read of the open cycles (a handful of rows), and, only when a
definition matches, one upsert of the tallies it moves and one read of whom to tell — the
same whether the agency has recorded a thousand events or millions."""

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from core.audit.announce import announce_to
from core.performance.definitions import cycle_definitions
from core.performance.measures import Occurrence, attributed_to, contribution
from core.performance.models import CycleStatus

# The open cycles covering the day, each locked against a recomputation or closing under way
# (FOR KEY SHARE: moves do not wait for each other, nor for goals being edited).
OPEN_CYCLES = """
SELECT c.id, c.definitions_id, p.created_at FROM performance_cycle c
LEFT JOIN policies_policy p ON p.id = c.definitions_id
WHERE c.status = %s AND c.starts_on <= %s AND c.ends_on >= %s
FOR KEY SHARE OF c
"""

UPSERT = """
INSERT INTO performance_tally (cycle_id, code, person_id, count, total, hits, last_event_id)
VALUES {rows}
ON CONFLICT (cycle_id, code, person_id) DO UPDATE SET
    count = performance_tally.count + EXCLUDED.count,
    total = performance_tally.total + EXCLUDED.total,
    hits = performance_tally.hits + EXCLUDED.hits,
    last_event_id = GREATEST(performance_tally.last_event_id, EXCLUDED.last_event_id)
"""

WATCHERS = """
SELECT m.person_id, m.rater_id, u.head_id FROM performance_cyclemember m
LEFT JOIN performance_cycleunit u ON u.cycle_id = m.cycle_id AND u.unit_id = m.unit_id
WHERE m.cycle_id = ANY(%s) AND m.person_id = ANY(%s)
"""


def attainment_collect(event) -> None:
    """Add ``event`` to the tallies it counts for in the open cycles covering its day."""
    if connection.schema_name == get_public_schema_name():
        return  # the console's trail: no agency, no cycles
    day = timezone.localdate(event.occurred_at)
    with connection.cursor() as cursor:
        cursor.execute(OPEN_CYCLES, [CycleStatus.OPEN.value, day, day])
        cycles = cursor.fetchall()
    if not cycles:
        return
    occurrence = Occurrence(event.type, event.actor_person_id, event.person_id, event.payload)
    rows = []
    for cycle_id, policy_id, created_at in cycles:
        for definition in cycle_definitions(policy_id, created_at).get(event.type, ()):
            person_id = attributed_to(definition, occurrence)
            added = contribution(definition, occurrence) if person_id else None
            if added is not None:
                rows.append((cycle_id, definition.code, person_id, added.count, added.total,
                             added.hits, event.pk))
    if rows:
        _upsert(rows)
        _tell_watchers(event, {r[0] for r in rows}, {r[2] for r in rows})


def _upsert(rows: list[tuple]) -> None:
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(UPSERT.format(rows=placeholders), [v for row in rows for v in row])


def _tell_watchers(event, cycle_ids: set[int], person_ids: set[int]) -> None:
    """The people whose attainment moved, their raters and their units' heads (as the cycle
    has them) see their dashboards move."""
    with connection.cursor() as cursor:
        cursor.execute(WATCHERS, [sorted(cycle_ids), sorted(person_ids)])
        watchers = {pid for row in cursor.fetchall() for pid in row if pid}
    announce_to(event, watchers)
