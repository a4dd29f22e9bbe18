"""Instructions (지시사항): a superior's directive with a due date, tracked per assignee."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from core.work.models import AssignmentStatus, Instruction, InstructionAssignment
from tests.conftest import agency_client
from tests.work.helpers import days, events


def _issue(client, people, **extra):
    return client.post("/work/instructions/new/", {
        "assignees": [people.staff.pk, people.admin.pk], "title": "민원 대응 매뉴얼 정비",
        "body": "이번 주까지 초안을 준비하세요.", "due_date": days(7).isoformat(), **extra})


def _instruction():
    with schema_context("alpha"):
        return Instruction.objects.get()


def test_a_unit_head_issues_and_sees_each_assignees_status(alpha_people):
    head = agency_client("alpha", alpha_people.head.user)
    assert _issue(head, alpha_people).status_code == 302
    instruction = _instruction()

    staff = agency_client("alpha", alpha_people.staff.user)
    assert "민원 대응 매뉴얼 정비" in staff.get("/work/instructions/").content.decode()
    done = staff.post(f"/work/instructions/{instruction.pk}/complete/",
                      {"note": "초안 작성 완료"})
    assert done.status_code == 302

    page = head.get(f"/work/instructions/{instruction.pk}/").content.decode()
    assert "초안 작성 완료" in page and "처리 중" in page and "완료" in page
    assert "1/2명 완료" in head.get("/work/instructions/", {"box": "issued"}).content.decode()
    assert events("work.instruction_issued") == 1
    assert events("work.instruction_completed") == 1


def test_staff_cannot_issue_instructions(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    assert staff.get("/work/instructions/new/").status_code == 403
    assert _issue(staff, alpha_people, assignees=[alpha_people.other.pk]).status_code == 403
    with schema_context("alpha"):
        assert not Instruction.objects.exists()


def test_only_an_assignee_marks_their_own_part_done(alpha_people):
    _issue(agency_client("alpha", alpha_people.head.user), alpha_people)
    instruction = _instruction()
    other = agency_client("alpha", alpha_people.other.user)
    assert other.get(f"/work/instructions/{instruction.pk}/").status_code == 404
    assert other.post(f"/work/instructions/{instruction.pk}/complete/",
                      {"note": "대신 완료"}).status_code == 404
    issuer = agency_client("alpha", alpha_people.head.user)
    assert issuer.post(f"/work/instructions/{instruction.pk}/complete/",
                       {"note": "대신 완료"}).status_code == 403
    with schema_context("alpha"):
        assert not InstructionAssignment.objects.filter(status=AssignmentStatus.DONE).exists()


def test_completion_needs_a_note_and_happens_once(alpha_people):
    _issue(agency_client("alpha", alpha_people.head.user), alpha_people)
    instruction = _instruction()
    staff = agency_client("alpha", alpha_people.staff.user)

    empty = staff.post(f"/work/instructions/{instruction.pk}/complete/", {"note": ""})
    assert empty.status_code == 400 and "처리 결과를 입력하세요" in empty.content.decode()
    with schema_context("alpha"):
        assert not InstructionAssignment.objects.filter(status=AssignmentStatus.DONE).exists()

    staff.post(f"/work/instructions/{instruction.pk}/complete/", {"note": "완료"})
    again = staff.post(f"/work/instructions/{instruction.pk}/complete/", {"note": "또 완료"})
    assert again.status_code == 400 and "이미 완료 처리한 지시사항" in again.content.decode()
    assert events("work.instruction_completed") == 1


def test_a_due_date_in_the_past_is_refused(alpha_people):
    response = _issue(agency_client("alpha", alpha_people.head.user), alpha_people,
                      due_date=days(-1).isoformat())
    assert response.status_code == 400
    assert "처리기한은 오늘 이후로 지정하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not Instruction.objects.exists()


def test_overdue_open_assignments_are_flagged(alpha_people):
    _issue(agency_client("alpha", alpha_people.head.user), alpha_people)
    instruction = _instruction()
    with schema_context("alpha"):
        Instruction.objects.filter(pk=instruction.pk).update(
            due_date=timezone.localdate() - timedelta(days=2))
    staff = agency_client("alpha", alpha_people.staff.user)
    assert "기한 경과" in staff.get("/work/instructions/").content.decode()
    staff.post(f"/work/instructions/{instruction.pk}/complete/", {"note": "늦게 완료"})
    page = agency_client("alpha", alpha_people.head.user).get(
        f"/work/instructions/{instruction.pk}/").content.decode()
    assert page.count("기한 경과") == 1  # only the admin's part is still open
