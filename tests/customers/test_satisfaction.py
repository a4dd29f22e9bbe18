"""Satisfaction results (고객만족도 결과): aggregates by person, unit, case type and month with
response rates, for customer officers, admins and unit heads only; a group with fewer than
three answers shows no score; the XLSX download keeps text as text and is audited."""

import io
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.audit.events import EventType
from core.audit.models import AuditEvent
from core.customers import selectors
from core.customers.models import SatisfactionTally
from core.customers.services import case_assign, case_close, case_receive, survey_answer
from core.customers.tally import tally_rebuild
from tests.conftest import agency_client
from tests.customers.conftest import intake
from tests.factories import PersonFactory


def _handled(*, assignee, closer, points: int | None, title: str = "민원"):
    case, _token = case_receive(intake=intake(title=title), channel="web")
    case.handling_unit = assignee.unit
    case.save(update_fields=["handling_unit"])
    case = case_assign(case=case, assignee=assignee, actor=closer)
    case = case_close(case=case, answer="답변", actor=closer)
    if points is not None:
        survey_answer(case=case, answers=[points] * 5)
    return case


def _results_for(people, officer):
    """Sam: three answers of four closed; Olivia (another unit): one answer of one."""
    with schema_context("alpha"):
        for points in (7, 6, 5, None):
            _handled(assignee=people.staff, closer=people.head, points=points)
        _handled(assignee=people.other, closer=officer, points=2)


def test_results_roll_up_with_response_rates_and_hide_small_groups(alpha_people, officer):
    people = alpha_people
    _results_for(people, officer)
    with schema_context("alpha"):
        today = timezone.localdate()
        results = selectors.satisfaction_results(start=today.replace(day=1), end=today)
    sam = next(r for r in results.people if r.label == people.staff.name)
    assert (sam.closed, sam.answered, str(sam.rate)) == (4, 3, "75.0")
    assert str(sam.score) == "83.3"  # (100 + 83.3 + 66.7) / 3
    olivia = next(r for r in results.people if r.label == people.other.name)
    assert (olivia.answered, olivia.score, olivia.low) == (1, None, None)
    assert (results.total.closed, results.total.answered, results.total.low) == (5, 4, 1)
    assert [t.label for t in results.types] == ["제도·절차 질의"]
    assert len(results.months) == 1 and results.months[0].closed == 5

    page = agency_client("alpha", officer.user).get("/cases/satisfaction/").content.decode()
    assert "83.3" in page and "75.0%" in page and "응답 부족" in page


def test_a_unit_head_reads_only_their_units_results_and_staff_none(alpha_people, officer):
    people = alpha_people
    _results_for(people, officer)
    head_page = agency_client("alpha", people.head.user).get("/cases/satisfaction/")
    assert head_page.status_code == 200
    page = head_page.content.decode()
    assert people.staff.name in page and people.other.name not in page
    for persona in (people.staff, people.other, people.hr):
        client = agency_client("alpha", persona.user)
        assert client.get("/cases/satisfaction/").status_code == 404
        assert client.get("/cases/satisfaction/export/").status_code == 404
    assert "고객만족도 결과" not in agency_client("alpha", people.staff.user).get(
        "/cases/").content.decode()


def test_a_bad_period_is_answered_in_korean(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    page = client.get("/cases/satisfaction/?start=어제&end=2020-13")
    assert page.status_code == 200
    assert "2026-01처럼" in page.content.decode()
    assert "3년 이내" in client.get(
        "/cases/satisfaction/?start=2026-05&end=2026-01").content.decode()
    assert "3년 이내" in client.get(
        "/cases/satisfaction/?start=2020-01&end=2026-01").content.decode()


def test_the_export_keeps_names_as_text_and_is_audited(alpha_people, officer):
    people = alpha_people
    with schema_context("alpha"):
        sneaky = PersonFactory(name="=HYPERLINK(\"http://x\")", unit=people.staff.unit)
        for points in (7, 7, 7):
            _handled(assignee=sneaky, closer=people.head, points=points)
    page = agency_client("alpha", officer.user).get("/cases/satisfaction/").content.decode()
    assert "=HYPERLINK(&quot;http://x&quot;)" in page  # a name is text on the page too
    response = agency_client("alpha", officer.user).get("/cases/satisfaction/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("구분", "대상", "완료 민원", "응답")
    mine = next(r for r in rows if r[1] == sneaky.name)
    assert mine[2:6] == (3, 3, 100.0, 100.0)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == sneaky.name)
    assert cell.data_type == "s"
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action=EventType.SURVEY_RESULTS_EXPORTED).exists()


def test_the_results_page_reads_a_fixed_number_of_queries(alpha_people, officer,
                                                          django_assert_max_num_queries):
    people = alpha_people
    _results_for(people, officer)
    client = agency_client("alpha", officer.user)
    client.get("/cases/satisfaction/")
    with django_assert_max_num_queries(12):
        assert client.get("/cases/satisfaction/").status_code == 200


def test_cases_closed_outside_the_period_are_not_counted(alpha_people, officer):
    from core.customers.models import Case

    people = alpha_people
    with schema_context("alpha"):
        old = _handled(assignee=people.staff, closer=people.head, points=7)
        Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
        tally_rebuild()  # the counts follow the cases (as after a restore)
        today = timezone.localdate()
        results = selectors.satisfaction_results(start=today - timedelta(days=30), end=today)
        assert results.total.closed == 0 and results.people == []
        earlier = today - timedelta(days=400)
        results = selectors.satisfaction_results(start=earlier, end=earlier)
        assert (results.total.closed, results.total.answered) == (1, 1)


def test_the_running_counts_equal_a_recount_from_the_cases(alpha_people, officer):
    people = alpha_people
    _results_for(people, officer)
    fields = ("month", "unit_id", "person_id", "case_type", "closed", "answered", "score_sum",
              "low")
    with schema_context("alpha"):
        running = sorted(SatisfactionTally.objects.values_list(*fields))
        tally_rebuild()
        assert sorted(SatisfactionTally.objects.values_list(*fields)) == running
    assert sum(row[4] for row in running) == 5 and sum(row[5] for row in running) == 4
