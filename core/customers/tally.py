"""Keep the monthly satisfaction counts (``SatisfactionTally``) in step with the cases: one
upsert when a case closes, one when its survey is answered, both inside the move's own
transaction; ``tally_rebuild`` recounts every row from the cases (back-fill after a
migration or a restore, and the tests' check that the running counts are right)."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from core.customers.models import Case

_UPSERT = """
INSERT INTO customers_satisfactiontally AS t (month, unit_id, person_id, case_type,
    case_type_name, closed, answered, score_sum, low)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (month, unit_id, person_id, case_type) DO UPDATE SET
    closed = t.closed + EXCLUDED.closed, answered = t.answered + EXCLUDED.answered,
    score_sum = t.score_sum + EXCLUDED.score_sum, low = t.low + EXCLUDED.low,
    case_type_name = EXCLUDED.case_type_name
"""

REBUILD_SQL = """
DELETE FROM customers_satisfactiontally;
INSERT INTO customers_satisfactiontally (month, unit_id, person_id, case_type,
    case_type_name, closed, answered, score_sum, low)
SELECT date_trunc('month', c.closed_at AT TIME ZONE %(zone)s)::date,
       coalesce(c.handling_unit_id, 0), coalesce(c.assignee_id, 0), c.case_type,
       max(c.case_type_name), count(*), count(r.id), coalesce(sum(r.score), 0),
       count(*) FILTER (WHERE r.low)
FROM customers_case c LEFT JOIN customers_surveyresponse r ON r.case_id = c.id
WHERE c.status = 'closed'
GROUP BY 1, 2, 3, 4;
"""


def closing_month(case: Case) -> date:
    """The first day of the (local) month ``case`` closed in."""
    return timezone.localdate(case.closed_at).replace(day=1)


def _add(case: Case, *, closed: int = 0, answered: int = 0, score=Decimal(0), low: int = 0):
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [closing_month(case), case.handling_unit_id or 0,
                                 case.assignee_id or 0, case.case_type, case.case_type_name,
                                 closed, answered, score, low])


def tally_closed(case: Case) -> None:
    """Count a case that has just closed."""
    _add(case, closed=1)


def tally_answered(case: Case, *, score: Decimal, low: bool) -> None:
    """Count the survey answer of a closed case, in the month the case closed."""
    _add(case, answered=1, score=score, low=int(low))


def tally_rebuild() -> None:
    """Recount every month from the cases and their responses."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_SQL, {"zone": str(timezone.get_current_timezone())})
