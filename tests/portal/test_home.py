"""The home page shows what waits for the person today (한눈에): their turns, tasks, unread
memo reports, open instructions, today's schedule and the week's deadlines."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.work import services as work
from tests.conftest import agency_client
from tests.work.helpers import days, make_document, make_task


def _home(people, persona: str) -> str:
    return agency_client("alpha", getattr(people, persona).user).get("/").content.decode()


def test_the_head_finds_the_document_on_their_turn_and_the_memo(alpha_people):
    people = alpha_people
    document = make_document(people, title="민원 개선 보고")
    with schema_context("alpha"):
        work.memo_send(actor=people.staff, recipients=[people.head], title="주간 보고",
                       body="진행 상황")
    page = _home(people, "head")
    assert f'href="/approvals/{document.pk}/">민원 개선 보고' in page
    assert "주간 보고" in page


def test_staff_find_their_tasks_instructions_and_deadlines(alpha_people):
    people = alpha_people
    make_task(people, title="지난 과제", start_date=days(-10), due_date=days(-1))
    make_task(people, title="이번 주 과제", due_date=days(3))
    with schema_context("alpha"):
        work.instruction_issue(actor=people.head, assignees=[people.staff], title="현황 보고",
                               body="보고하세요", due_date=days(2))
    page = _home(people, "staff")
    assert "지난 과제" in page and "지연 1건" in page
    assert "현황 보고" in page and "지시 기한" in page and "과제 마감" in page
    assert "결재할 문서가 없습니다" in page


def test_someone_with_nothing_waiting_sees_calm_empty_states(alpha_people):
    page = _home(alpha_people, "other")
    for empty in ("결재할 문서가 없습니다", "진행 중인 과제가 없습니다",
                  "읽지 않은 메모보고가 없습니다", "오늘 일정이 없습니다"):
        assert empty in page


def test_the_home_page_takes_the_same_queries_however_much_waits(alpha_people):
    people = alpha_people
    client = agency_client("alpha", people.head.user)
    client.get("/")  # warm the host cache
    make_task(people, owner=people.head, title="첫 과제", due_date=days(1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    few = queries()  # read afresh: nothing kept since the agency's data last changed
    for n in range(8):
        make_document(people, title=f"보고 {n}")
        make_task(people, owner=people.head, title=f"과제 {n}", due_date=days(n))
    assert queries() == few
    # Read again with nothing changed: the search path and the data version; the session,
    # the account, the person and the page are kept.
    assert queries() == 2 < few
