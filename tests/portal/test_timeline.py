"""The transparency views: who handled what, how and how long it waited — each person sees
what they may read, and unit heads see their unit's flow."""

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services as approvals
from core.audit.models import ActivityEvent
from core.audit.services import Origin
from core.policies.models import Policy, PolicyKind
from core.portal import timeline
from core.portal.timeline import FINISHING
from core.schedules.services import feed_token_rotate
from core.work import services as work
from tests.conftest import agency_client
from tests.factories import PersonFactory
from tests.work.helpers import days, make_document, make_task


def _get(people, persona: str, path: str):
    return agency_client("alpha", getattr(people, persona).user).get(path)


def test_a_documents_timeline_shows_each_step_who_and_how_long_it_waited(alpha_people):
    people = alpha_people
    document = make_document(people, title="민원 처리 개선")
    with schema_context("alpha"):
        approvals.step_return(document=document, actor=people.head, reason="통계 보완")

    page = _get(people, "staff", f"/timeline/document/{document.pk}/").content.decode()

    assert page.index("문서 상신") < page.index("문서 반려")
    assert "김현" in page and "통계 보완" in page
    assert "1분 미만" in page  # the return came right after the submission


def test_a_timeline_says_where_a_document_waits_now(alpha_people):
    document = make_document(alpha_people, title="기다리는 문서")
    page = _get(alpha_people, "staff", f"/timeline/document/{document.pk}/").content.decode()
    assert "지금 기다리는 곳" in page and "김현" in page


def test_nobody_reads_the_timeline_of_a_document_they_may_not_read(alpha_people):
    document = make_document(alpha_people)
    assert _get(alpha_people, "other", f"/timeline/document/{document.pk}/").status_code == 404
    assert _get(alpha_people, "other", "/timeline/nothing/1/").status_code == 404


def test_the_timeline_reads_a_constant_number_of_queries(alpha_people):
    people = alpha_people
    task = make_task(people, title="긴 과제")

    def queries() -> int:
        client = agency_client("alpha", people.staff.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/timeline/task/{task.pk}/").status_code == 200
        return len(captured)

    queries()  # the first request of a run also warms per-process caches
    few = queries()
    with schema_context("alpha"):
        for percent in range(10, 100, 10):
            work.progress_report(task=task, actor=people.staff, percent=percent, text="진행")
    assert queries() == few


def test_the_unit_head_sees_what_waits_with_whom_and_for_how_long(alpha_people):
    people = alpha_people
    make_document(people, drafter=people.staff, approver=people.head, title="결재 대기")
    with schema_context("alpha"):
        work.instruction_issue(actor=people.head, assignees=[people.staff], title="보고",
                               body="보고하세요", due_date=days(3))

    page = _get(people, "head", "/timeline/unit/").content.decode()

    assert "혁신기획과 업무 흐름" in page
    rows = page[page.index("<tbody>"):]
    assert rows.index("김현") < rows.index("이앨리스")  # the burdened come first
    assert "1분 미만" in rows


def test_staff_do_not_see_a_units_flow_but_admins_pick_any_unit(alpha_people):
    people = alpha_people
    assert _get(people, "staff", "/timeline/unit/").status_code == 404
    other_unit = people.other.unit_id
    assert _get(people, "admin", f"/timeline/unit/?unit={other_unit}").status_code == 200
    assert _get(people, "head", f"/timeline/unit/?unit={other_unit}").status_code == 404


def test_the_unit_flow_reads_a_constant_number_of_queries(alpha_people):
    people = alpha_people

    def queries() -> int:
        client = agency_client("alpha", people.head.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/timeline/unit/").status_code == 200
        return len(captured)

    queries()  # the first request of a run also warms per-process caches
    few = queries()
    with schema_context("alpha"):
        for n in range(5):
            member = PersonFactory(name=f"직원{n}", unit=people.staff.unit)
            make_document(people, drafter=member, approver=people.head, title=f"문서{n}")
            make_task(people, owner=member, title=f"과제{n}")
    assert queries() == few


def test_the_unit_flow_counts_what_was_finished_this_week_and_month_in_local_days(
        alpha_people):
    people = alpha_people
    document = make_document(people)
    with schema_context("alpha"):
        approvals.step_approve(document=document, actor=people.head)  # approved, completed
        moments = [timezone.localtime(at) for at in ActivityEvent.objects.filter(
            actor_person_id=people.head.pk, type__in=FINISHING).values_list("occurred_at",
                                                                              flat=True)]
        assert len(moments) == 2
        day = moments[0].date()
        # Each day for six weeks, just after and just before local midnight.
        for offset in range(42):
            for clock in (time(0, 0, 1), time(23, 59, 59)):
                now = timezone.make_aware(datetime.combine(day + timedelta(days=offset), clock))
                today = now.date()
                week_start = today - timedelta(days=today.weekday())
                row = next(row for row in timeline.unit_flow(unit=people.head.unit, now=now)
                           if row.person == people.head)
                assert row.done_week == sum(at.date() >= week_start for at in moments), now
                assert row.done_month == sum(at.date() >= today.replace(day=1)
                                             for at in moments), now


def test_a_colleague_sees_only_the_moves_on_what_they_may_read(alpha_people):
    people = alpha_people
    make_document(people, title="비밀스러운 기안")
    make_task(people, title="공유 과제")

    mine = _get(people, "staff", "/timeline/me/").content.decode()
    theirs = _get(people, "other", f"/timeline/people/{people.staff.pk}/").content.decode()

    assert "비밀스러운 기안" in mine and "공유 과제" in mine
    assert "공유 과제" in theirs and "비밀스러운 기안" not in theirs


def test_the_agency_can_keep_records_to_their_owners_and_heads(alpha_people):
    people = alpha_people
    with schema_context("alpha"):
        Policy.objects.create(kind=PolicyKind.TRANSPARENCY, effective_from=date(2020, 1, 1),
                              data={"colleague_records": "none"})
    path = f"/timeline/people/{people.staff.pk}/"
    assert _get(people, "other", path).status_code == 404
    assert _get(people, "head", path).status_code == 200
    assert _get(people, "staff", path).status_code == 200


def test_a_record_never_shows_security_moves_to_others(alpha_people):
    people = alpha_people
    with schema_context("alpha"):
        feed_token_rotate(person=people.staff, actor=people.staff, origin=Origin())
    page = _get(people, "head", f"/timeline/people/{people.staff.pk}/").content.decode()
    assert "일정 구독 주소" not in page


def test_an_admin_sets_the_rule_as_a_new_dated_version_and_it_is_audited(alpha_people):
    people = alpha_people
    client = agency_client("alpha", people.admin.user)
    response = client.post("/rules/transparency/", {"colleague_records": "unit",
                                                    "effective_from": date.today()})
    assert response.status_code == 302
    assert _get(people, "other", f"/timeline/people/{people.staff.pk}/").status_code == 404
    audit = client.get("/audit/").content.decode()
    assert "업무 공개 범위 변경" in audit
    assert "동료의 업무 기록: 열람 가능한 업무 → 같은 부서 직원의 열람 가능한 업무" in audit
    assert agency_client("alpha", people.hr.user).post("/rules/transparency/", {
        "colleague_records": "none", "effective_from": date.today()}).status_code == 403
