"""Activity records are collected from the moves: as each move commits, and by a backfill
job for whatever was missed — never twice."""

from datetime import date

from django_tenants.utils import schema_context

from core.activity.collect import records_collect, units_on
from core.activity.jobs import records_backfill_start
from core.activity.models import ActivityRecord, RecordKind, RecordStatus
from core.customers.services import case_assign, case_close, case_receive
from core.jobs.models import Job, JobStatus
from core.work import services as work
from tests.activity.helpers import appoint, approve_document, make_task, records_of
from tests.customers.conftest import intake
from tests.factories import UnitFactory
from tests.work.helpers import days


def test_a_completed_document_becomes_the_drafters_record_when_it_commits(
        alpha_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = approve_document(alpha_people, title="민원 처리 개선 계획")

    [record] = records_of(alpha_people.staff)
    assert record.kind == RecordKind.DOCUMENT and record.status == RecordStatus.COLLECTED
    assert record.title == "민원 처리 개선 계획"
    assert (record.evidence_type, record.evidence_id) == ("approvals.document", str(document.pk))
    assert record.unit_id == alpha_people.staff.unit_id
    assert records_of(alpha_people.head) == []  # approving is not drafting


def test_a_move_that_is_not_committed_collects_nothing(alpha_people):
    approve_document(alpha_people)  # the test's transaction never commits the move
    assert records_of(alpha_people.staff) == []


def test_collecting_again_adds_nothing(alpha_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve_document(alpha_people)
    with schema_context("alpha"):
        assert records_collect() == (0, 0)
        assert ActivityRecord.objects.count() == 1


def _moves_without_collection(people):
    """Progress report, memo, instruction done, a case closed — committed before the
    collector existed (its on-commit hook never ran)."""
    task = make_task(people, title="고객 응대 매뉴얼 정비")
    with schema_context("alpha"):
        work.progress_report(task=task, actor=people.staff, percent=40, text="초안 작성")
        work.memo_send(actor=people.staff, recipients=[people.head], title="주간 보고",
                       body="이번 주 진행 상황")
        instruction = work.instruction_issue(actor=people.head, assignees=[people.staff],
                                             title="자료 제출", body="제출하세요",
                                             due_date=days(3))
        work.instruction_complete(instruction=instruction, actor=people.staff, note="제출함")
        case, _token = case_receive(intake=intake(), channel="web")
        case.handling_unit = people.head.unit
        case.save(update_fields=["handling_unit"])
        case_assign(case=case, assignee=people.staff, actor=people.head)
        case_close(case=case, answer="처리했습니다.", actor=people.staff)
        work.task_update(task=task, actor=people.staff, status="done")
    return task, case


def test_the_backfill_job_collects_what_was_missed_and_a_second_run_adds_nothing(
        alpha_people, run_jobs, django_capture_on_commit_callbacks):
    task, case = _moves_without_collection(alpha_people)
    assert records_of(alpha_people.staff) == []

    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        job = records_backfill_start(actor=alpha_people.hr.user)
    run_jobs()

    kinds = sorted(r.kind for r in records_of(alpha_people.staff))
    assert kinds == sorted([RecordKind.PROGRESS, RecordKind.MEMO, RecordKind.INSTRUCTION,
                            RecordKind.CASE, RecordKind.TASK_DONE])
    [case_record] = records_of(alpha_people.staff, kind=RecordKind.CASE)
    assert case.number in case_record.title and "주차" not in case_record.title
    with schema_context("alpha"):
        assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED

    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        again = records_backfill_start(actor=alpha_people.hr.user)
    run_jobs()
    with schema_context("alpha"):
        done = Job.objects.get(pk=again.pk)
        assert done.status == JobStatus.SUCCEEDED and "0건" in done.result["summary"]
        assert ActivityRecord.objects.count() == 5


def test_editing_a_done_task_again_is_not_a_second_completion(alpha_people):
    task = make_task(alpha_people)
    with schema_context("alpha"):
        work.task_update(task=task, actor=alpha_people.staff, status="done")
        work.task_update(task=task, actor=alpha_people.staff, plan="후속 조치 추가")
        records_collect()
    assert [r.kind for r in records_of(alpha_people.staff)] == [RecordKind.TASK_DONE]


def test_a_record_keeps_the_unit_the_person_served_in_on_the_day(alpha_people):
    with schema_context("alpha"):
        old_unit = UnitFactory(name="옛부서")
    appoint(alpha_people.staff, old_unit, date(2020, 1, 1), date(2024, 12, 31))
    appoint(alpha_people.staff, alpha_people.staff.unit, date(2025, 1, 1))
    with schema_context("alpha"):
        found = units_on({(alpha_people.staff.pk, date(2024, 6, 1)),
                          (alpha_people.staff.pk, date(2025, 6, 1))})
    assert found[(alpha_people.staff.pk, date(2024, 6, 1))] == old_unit.pk
    assert found[(alpha_people.staff.pk, date(2025, 6, 1))] == alpha_people.staff.unit_id
