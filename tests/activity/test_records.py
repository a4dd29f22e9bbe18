"""A person adds records by hand with evidence they may read; the head of the unit they
served in that day confirms or returns them. Bad input: a Korean message, nothing written."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.activity import selectors, services
from core.activity.models import ActivityRecord, RecordFile, RecordStatus
from core.org.models import Position
from core.work import services as work
from tests.activity.helpers import appoint, events, make_task, records_of
from tests.conftest import agency_client
from tests.factories import PersonFactory, UnitFactory

YESTERDAY = timezone.localdate() - timedelta(days=1)


def _add(person, **fields):
    values = {"title": "민원 응대 매뉴얼 발간", "occurred_on": YESTERDAY}
    with schema_context("alpha"):
        return services.record_add(actor=person, **{**values, **fields})


def test_a_record_linked_to_a_task_waits_for_the_unit_heads_confirmation(alpha_people):
    task = make_task(alpha_people)
    record = _add(alpha_people.staff, evidence_type="work.task", evidence_id=str(task.pk))

    assert record.status == RecordStatus.PENDING and record.rater == alpha_people.head
    assert events("activity.record_added") == 1
    with schema_context("alpha"):
        assert list(selectors.records_to_confirm(person=alpha_people.head)) == [record]


def test_evidence_the_person_cannot_read_is_refused_and_nothing_is_written(alpha_people):
    with schema_context("alpha"):
        memo = work.memo_send(actor=alpha_people.other, recipients=[alpha_people.head],
                              title="인사 자료", body="비공개")
    with pytest.raises(ValidationError) as refused:
        _add(alpha_people.staff, evidence_type="work.memo", evidence_id=str(memo.pk))
    assert "열람할 권한이 없습니다" in str(refused.value)
    assert records_of(alpha_people.staff) == [] and events("activity.record_added") == 0


@pytest.mark.parametrize("fields, message", [
    ({}, "증빙 파일을 붙이거나"),
    ({"evidence_type": "work.task", "evidence_id": "abc"}, "찾을 수 없거나"),
    ({"evidence_type": "work.task", "evidence_id": "999999"}, "찾을 수 없거나"),
    ({"title": "  "}, "제목을 입력하세요"),
    ({"occurred_on": timezone.localdate() + timedelta(days=1)}, "앞으로의 날짜"),
])
def test_bad_input_gets_a_korean_message_and_writes_nothing(alpha_people, fields, message):
    with pytest.raises(ValidationError) as refused:
        _add(alpha_people.staff, **fields)
    assert message in str(refused.value)
    assert records_of(alpha_people.staff) == []


def test_a_date_before_the_person_joined_is_refused(alpha_people):
    task = make_task(alpha_people)
    appoint(alpha_people.staff, alpha_people.staff.unit, date(2024, 3, 1))
    with pytest.raises(ValidationError) as refused:
        _add(alpha_people.staff, evidence_type="work.task", evidence_id=str(task.pk),
             occurred_on=date(2023, 12, 31))
    assert "임용일(2024-03-01) 이전" in str(refused.value)


def _pending(people):
    task = make_task(people)
    return _add(people.staff, evidence_type="work.task", evidence_id=str(task.pk))


def test_the_rater_confirms_and_the_person_is_told(alpha_people):
    record = _pending(alpha_people)
    with schema_context("alpha"):
        services.record_confirm(record=record, actor=alpha_people.head)
        record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED and record.decided_at is not None
    assert events("activity.record_confirmed") == 1


@pytest.mark.parametrize("persona, message", [
    ("staff", "자신의 실적은 확인하거나 반려할 수 없습니다"),
    ("other", "이 실적의 확인자가 아닙니다"),
    ("hr", "이 실적의 확인자가 아닙니다"),
])
def test_only_the_rater_confirms_never_the_person_themselves(alpha_people, persona, message):
    record = _pending(alpha_people)
    with schema_context("alpha"), pytest.raises(ValidationError) as refused:
        services.record_confirm(record=record, actor=getattr(alpha_people, persona))
    assert message in str(refused.value)
    with schema_context("alpha"):
        record.refresh_from_db()
    assert record.status == RecordStatus.PENDING and events("activity.record_confirmed") == 0


def test_a_return_needs_a_reason_and_keeps_it(alpha_people):
    record = _pending(alpha_people)
    with schema_context("alpha"):
        with pytest.raises(ValidationError):
            services.record_return(record=record, actor=alpha_people.head, reason=" ")
        services.record_return(record=record, actor=alpha_people.head, reason="증빙 불충분")
        record.refresh_from_db()
    assert (record.status, record.return_reason) == (RecordStatus.RETURNED, "증빙 불충분")
    with schema_context("alpha"), pytest.raises(ValidationError) as again:
        services.record_confirm(record=record, actor=alpha_people.head)
    assert "확인 대기 중인 실적이 아닙니다" in str(again.value)


def test_the_rater_is_the_head_on_the_records_day_by_the_org_history(alpha_people):
    """Sam served under 과장 Lee in 2024 (another unit); a record of that year goes to Lee,
    not to Sam's head today."""
    with schema_context("alpha"):
        old_unit = UnitFactory(name="정책총괄과")
        lee = PersonFactory(name="이과장", unit=old_unit,
                            position=Position.objects.get(code="division_head"))
    appoint(lee, old_unit, date(2020, 1, 1), position=lee.position)
    appoint(alpha_people.staff, old_unit, date(2024, 1, 1), date(2024, 12, 31))
    appoint(alpha_people.staff, alpha_people.staff.unit, date(2025, 1, 1))
    task = make_task(alpha_people)
    record = _add(alpha_people.staff, evidence_type="work.task", evidence_id=str(task.pk),
                  occurred_on=date(2024, 6, 1))
    assert record.rater == lee and record.unit == old_unit


def test_a_head_s_own_record_goes_to_the_head_above(alpha_people):
    with schema_context("alpha"):
        bureau = UnitFactory(name="기획조정실")
        director = PersonFactory(name="박실장", unit=bureau)
        bureau.head = director
        bureau.save(update_fields=["head"])
        unit = alpha_people.head.unit
        unit.parent = bureau
        unit.save(update_fields=["parent"])
    task = make_task(alpha_people, owner=alpha_people.head)
    record = _add(alpha_people.head, evidence_type="work.task", evidence_id=str(task.pk))
    assert record.rater == director


# --- pages ---------------------------------------------------------------------------------------

def test_adding_a_record_with_a_file_on_the_page(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    upload = SimpleUploadedFile("성과.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post("/activity/new/", {"title": "교육 이수", "occurred_on":
                                              YESTERDAY.isoformat(), "files": upload})
    assert response.status_code == 302
    [record] = records_of(alpha_people.staff)
    with schema_context("alpha"):
        stored = RecordFile.objects.get(record=record)
    assert stored.name == "성과.pdf"
    head = agency_client("alpha", alpha_people.head.user)
    assert head.get(f"/activity/{record.pk}/files/{stored.pk}/").status_code == 200
    other = agency_client("alpha", alpha_people.other.user)
    assert other.get(f"/activity/{record.pk}/files/{stored.pk}/").status_code == 404
    assert other.get(f"/activity/{record.pk}/").status_code == 404


def test_a_page_refusal_is_shown_in_korean_with_nothing_written(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/activity/new/", {"title": "교육 이수",
                                              "occurred_on": YESTERDAY.isoformat()})
    assert response.status_code == 400
    assert "증빙 파일을 붙이거나 증빙 자료를 연결하세요" in response.content.decode()
    assert records_of(alpha_people.staff) == []


def test_the_head_confirms_and_returns_on_the_page(alpha_people):
    first, second = _pending(alpha_people), _pending(alpha_people)
    head = agency_client("alpha", alpha_people.head.user)
    assert head.post(f"/activity/{first.pk}/confirm/").status_code == 302
    refused = head.post(f"/activity/{second.pk}/return/", {"reason": ""})
    assert refused.status_code == 400 and "반려 사유를 입력하세요" in refused.content.decode()
    assert head.post(f"/activity/{second.pk}/return/", {"reason": "중복"}).status_code == 302
    statuses = {r.pk: r.status for r in records_of(alpha_people.staff)}
    assert statuses == {first.pk: RecordStatus.CONFIRMED, second.pk: RecordStatus.RETURNED}
    own = agency_client("alpha", alpha_people.staff.user)
    third = _pending(alpha_people)
    assert own.post(f"/activity/{third.pk}/confirm/").status_code == 400


def _collected(people, n: int, day: date):
    with schema_context("alpha"):
        ActivityRecord.objects.bulk_create([ActivityRecord(
            person=people.staff, unit=people.staff.unit, kind="manual", title=f"실적 {i}",
            occurred_on=day, status=RecordStatus.CONFIRMED) for i in range(n)])


def test_my_list_filters_by_period_and_kind_pages_and_exports(alpha_people):
    _collected(alpha_people, 35, date(2025, 3, 1))
    _collected(alpha_people, 2, date(2024, 3, 1))
    client = agency_client("alpha", alpha_people.staff.user)
    page = client.get("/activity/", {"since": "2025-01-01",
                                     "until": "2025-12-31"}).content.decode()
    assert "총 35건" in page and "실적 34" in page and "실적 4<" not in page
    second = client.get("/activity/", {"since": "2025-01-01", "page": 2}).content.decode()
    assert "2 / 2 쪽" in second
    empty = client.get("/activity/", {"kind": "document"}).content.decode()
    assert "조건에 맞는 활동실적이 없습니다" in empty
    bad = client.get("/activity/", {"since": "2025-12-31", "until": "2025-01-01"})
    assert bad.status_code == 400 and "기간의 끝이 시작보다 빠릅니다" in bad.content.decode()

    export = client.get("/activity/", {"since": "2024-01-01", "until": "2024-12-31",
                                       "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][:3] == ("실적일", "구분", "제목") and len(rows) == 3
    assert events("activity.records_exported") == 1
    # Others' records never appear in my list.
    other = agency_client("alpha", alpha_people.other.user)
    assert "조건에 맞는 활동실적이 없습니다" in other.get("/activity/").content.decode()


def test_the_list_reads_as_many_queries_for_thirty_records_as_for_three(alpha_people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = agency_client("alpha", alpha_people.staff.user)
    counts = []
    for n in (3, 27):
        _collected(alpha_people, n, date(2025, 3, 1))
        client.get("/activity/")  # the shell's kept fragments warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/activity/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
