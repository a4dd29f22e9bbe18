"""Task cards (과제관리카드): everyone in the agency reads them; the owner, the head of the
task's unit and agency admins change them; progress and decisions are kept as history."""

import pytest
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.work.models import DecisionRecord, ProgressReport, Task, TaskDocument, TaskStatus
from tests.conftest import agency_client
from tests.factories import PersonFactory
from tests.work.helpers import days, events, make_document, make_task


def _task_form(people, **extra):
    return {"title": "정책 홍보 강화", "owner": people.staff.pk, "unit": "", "goal": "국민 소통",
            "plan": "1단계: 조사", "start_date": days(0).isoformat(),
            "due_date": days(30).isoformat(), "status": "planned", "priority": "1", **extra}


def test_staff_opens_a_task_card_for_themself_and_it_is_audited(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)

    response = client.post("/work/new/", _task_form(alpha_people))

    assert response.status_code == 302
    with schema_context("alpha"):
        task = Task.objects.get(title="정책 홍보 강화")
        event = AuditEvent.objects.get(action="work.task_created")
    assert task.unit == alpha_people.staff.unit and task.created_by == alpha_people.staff
    assert event.target_id == str(task.pk)
    card = client.get(f"/work/{task.pk}/").content.decode()
    assert "정책 홍보 강화" in card and "국민 소통" in card and "1단계: 조사" in card


def test_staff_cannot_open_a_task_for_someone_in_another_unit(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/work/new/", _task_form(alpha_people, owner=alpha_people.other.pk))
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not Task.objects.exists()


def test_the_unit_head_opens_a_task_for_a_member_of_the_unit(alpha_people):
    client = agency_client("alpha", alpha_people.head.user)
    assert client.post("/work/new/", _task_form(alpha_people)).status_code == 302
    with schema_context("alpha"):
        assert Task.objects.get().owner == alpha_people.staff


def test_a_due_date_before_the_start_is_refused_in_korean_and_nothing_is_written(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/work/new/", _task_form(alpha_people,
                                                    due_date=days(-5).isoformat()))
    assert response.status_code == 400
    assert "완료 예정일은 시작일보다 빠를 수 없습니다" in response.content.decode()
    with schema_context("alpha"):
        assert not Task.objects.exists()
    assert events("work.task_created") == 0


def test_everyone_in_the_agency_reads_a_task_card(alpha_people):
    task = make_task(alpha_people)
    for persona in ("other", "hr", "head", "admin"):
        page = agency_client("alpha", getattr(alpha_people, persona).user).get(f"/work/{task.pk}/")
        assert page.status_code == 200 and "민원 응대 개선" in page.content.decode()


@pytest.mark.parametrize("persona,allowed", [
    ("staff", True), ("head", True), ("admin", True), ("other", False), ("hr", False)])
def test_who_may_edit_a_task_card(alpha_people, persona, allowed):
    task = make_task(alpha_people)
    client = agency_client("alpha", getattr(alpha_people, persona).user)
    assert client.get(f"/work/{task.pk}/edit/").status_code == (200 if allowed else 403)
    response = client.post(f"/work/{task.pk}/edit/", _task_form(
        alpha_people, title="바뀐 과제명", status="in_progress"))
    assert response.status_code == (302 if allowed else 403)
    with schema_context("alpha"):
        task.refresh_from_db()
    assert (task.title == "바뀐 과제명") is allowed
    assert events("work.task_updated") == (1 if allowed else 0)


def test_a_status_change_is_audited_with_old_and_new_value(alpha_people):
    task = make_task(alpha_people)
    agency_client("alpha", alpha_people.staff.user).post(
        f"/work/{task.pk}/edit/", _task_form(alpha_people, title=task.title, status="done"))
    with schema_context("alpha"):
        event = AuditEvent.objects.get(action="work.task_updated")
    assert event.changes["status"] == ["planned", "done"]


def test_progress_reports_build_the_record_and_move_the_percentage(alpha_people):
    task = make_task(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)

    client.post(f"/work/{task.pk}/progress/", {"percent": "30", "text": "설문 설계 완료"})
    client.post(f"/work/{task.pk}/progress/", {"percent": "60", "text": "설문 실시"})

    with schema_context("alpha"):
        task.refresh_from_db()
        assert list(ProgressReport.objects.values_list("percent", flat=True)) == [60, 30]
    assert task.progress == 60
    card = client.get(f"/work/{task.pk}/").content.decode()
    assert "설문 설계 완료" in card and "설문 실시" in card and "60%" in card
    assert events("work.progress_reported") == 2


@pytest.mark.parametrize("percent", ["150", "-1", "많이", ""])
def test_a_bad_percentage_is_refused_and_nothing_is_written(alpha_people, percent):
    task = make_task(alpha_people)
    response = agency_client("alpha", alpha_people.staff.user).post(
        f"/work/{task.pk}/progress/", {"percent": percent, "text": "진행"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "진척률" in body and ("0에서 100 사이" in body or "입력하세요" in body)
    with schema_context("alpha"):
        task.refresh_from_db()
        assert not ProgressReport.objects.exists()
    assert task.progress == 0 and events("work.progress_reported") == 0


def test_a_colleague_in_another_unit_cannot_report_progress(alpha_people):
    task = make_task(alpha_people)
    response = agency_client("alpha", alpha_people.other.user).post(
        f"/work/{task.pk}/progress/", {"percent": "90", "text": "대신 보고"})
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not ProgressReport.objects.exists()


def test_decision_records_form_a_timeline_in_order(alpha_people):
    task = make_task(alpha_people)
    agency_client("alpha", alpha_people.other.user).post(
        f"/work/{task.pk}/decisions/", {"kind": "opinion", "content": "설문 대상을 넓히자"})
    head = agency_client("alpha", alpha_people.head.user)
    head.post(f"/work/{task.pk}/decisions/", {"kind": "decision", "content": "전 국민 대상 확정"})

    with schema_context("alpha"):
        rows = list(DecisionRecord.objects.values_list("kind", "author_id"))
    assert rows == [("opinion", alpha_people.other.pk), ("decision", alpha_people.head.pk)]
    card = head.get(f"/work/{task.pk}/").content.decode()
    assert card.index("설문 대상을 넓히자") < card.index("전 국민 대상 확정")
    assert events("work.opinion_recorded") == 1 and events("work.decision_recorded") == 1


def test_only_editors_record_a_decision(alpha_people):
    task = make_task(alpha_people)
    response = agency_client("alpha", alpha_people.other.user).post(
        f"/work/{task.pk}/decisions/", {"kind": "decision", "content": "내가 결정"})
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not DecisionRecord.objects.exists()


def test_an_empty_opinion_is_refused_in_korean(alpha_people):
    task = make_task(alpha_people)
    response = agency_client("alpha", alpha_people.staff.user).post(
        f"/work/{task.pk}/decisions/", {"kind": "opinion", "content": "   "})
    assert response.status_code == 400 and "내용을 입력하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not DecisionRecord.objects.exists()


def test_the_owner_links_a_document_they_can_read(alpha_people):
    task = make_task(alpha_people)
    document = make_document(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)

    assert client.post(f"/work/{task.pk}/documents/",
                       {"document": document.pk}).status_code == 302

    with schema_context("alpha"):
        assert list(TaskDocument.objects.values_list("document_id", flat=True)) == [document.pk]
    assert "개선 계획 보고" in client.get(f"/work/{task.pk}/").content.decode()
    assert events("work.document_linked") == 1


def test_a_document_the_linker_cannot_read_is_refused(alpha_people):
    task = make_task(alpha_people, owner=alpha_people.other)
    document = make_document(alpha_people)  # staff → head; Olivia is not on it
    response = agency_client("alpha", alpha_people.other.user).post(
        f"/work/{task.pk}/documents/", {"document": document.pk})
    assert response.status_code == 400
    assert "열람 권한이 있는 문서만 연결할 수 있습니다" in response.content.decode()
    with schema_context("alpha"):
        assert not TaskDocument.objects.exists()


def test_readers_who_cannot_read_a_linked_document_see_only_that_it_exists(alpha_people):
    task = make_task(alpha_people)
    document = make_document(alpha_people, title="비밀 계획")
    agency_client("alpha", alpha_people.staff.user).post(f"/work/{task.pk}/documents/",
                                                         {"document": document.pk})
    card = agency_client("alpha", alpha_people.other.user).get(f"/work/{task.pk}/")
    body = card.content.decode()
    assert "비밀 계획" not in body and "열람 권한이 없는 문서 1건" in body


def test_unlinking_a_document_asks_first_and_is_refused_to_others(alpha_people):
    task = make_task(alpha_people)
    document = make_document(alpha_people)
    staff = agency_client("alpha", alpha_people.staff.user)
    staff.post(f"/work/{task.pk}/documents/", {"document": document.pk})
    assert "이 문서의 연결을 해제할까요?" in staff.get(f"/work/{task.pk}/").content.decode()

    refused = agency_client("alpha", alpha_people.other.user).post(
        f"/work/{task.pk}/documents/{document.pk}/unlink/")
    assert refused.status_code == 403
    staff.post(f"/work/{task.pk}/documents/{document.pk}/unlink/")
    with schema_context("alpha"):
        assert not TaskDocument.objects.exists()
    assert events("work.document_unlinked") == 1


def test_overdue_tasks_are_flagged_and_filtered(alpha_people):
    make_task(alpha_people, title="늦은 과제", start_date=days(-20), due_date=days(-1))
    make_task(alpha_people, title="끝난 과제", start_date=days(-20), due_date=days(-1),
              status=TaskStatus.DONE)
    make_task(alpha_people, title="여유 과제", due_date=days(10))
    client = agency_client("alpha", alpha_people.staff.user)

    page = client.get("/work/", {"overdue": "1"}).content.decode()

    assert "늦은 과제" in page and "끝난 과제" not in page and "여유 과제" not in page
    assert "지연" in page
    with schema_context("alpha"):
        assert Task.objects.get(title="늦은 과제").is_overdue()
        assert not Task.objects.get(title="끝난 과제").is_overdue()


def test_the_task_list_searches_filters_sorts_and_shows_an_empty_state(alpha_people):
    make_task(alpha_people, title="가 과제", due_date=days(5))
    make_task(alpha_people, title="나 과제", due_date=days(1))
    make_task(alpha_people, owner=alpha_people.other, title="다른 부서 과제")
    client = agency_client("alpha", alpha_people.staff.user)

    page = client.get("/work/", {"sort": "due_date", "mine": "1"}).content.decode()
    assert page.index("나 과제") < page.index("가 과제") and "다른 부서 과제" not in page
    assert "다른 부서 과제" in client.get("/work/", {"q": "다른"}).content.decode()
    empty = client.get("/work/", {"q": "없는과제"}).content.decode()
    assert "조건에 맞는 과제가 없습니다" in empty


def test_the_unit_board_shows_the_heads_unit_at_a_glance(alpha_people):
    make_task(alpha_people, title="진행 과제", status=TaskStatus.IN_PROGRESS)
    make_task(alpha_people, title="지연된 과제", start_date=days(-9), due_date=days(-2))
    make_task(alpha_people, owner=alpha_people.other, title="성과관리과 과제")

    board = agency_client("alpha", alpha_people.head.user).get("/work/board/").content.decode()

    assert "혁신기획과" in board and "진행 과제" in board and "지연된 과제" in board
    assert "성과관리과 과제" not in board
    assert 'class="hm-badge warn">지연' in board


def test_the_task_list_uses_a_bounded_number_of_queries(alpha_people,
                                                        django_assert_max_num_queries):
    client = agency_client("alpha", alpha_people.staff.user)
    client.get("/work/")  # warm the host cache and the session's MFA check
    with schema_context("alpha"):
        for n in range(25):
            owner = PersonFactory(unit=alpha_people.staff.unit)
            Task.objects.create(title=f"과제 {n}", owner=owner, unit=owner.unit,
                                created_by=owner, due_date=days(n - 5))
    for path in ("/work/", "/work/board/"):
        with django_assert_max_num_queries(12):  # shell (session, user, person, MFA, nav)
            page = client.get(path)
        assert page.status_code == 200 and "과제 24" in page.content.decode()


def test_a_missing_task_is_a_404(alpha_people):
    assert agency_client("alpha", alpha_people.staff.user).get("/work/999/").status_code == 404
