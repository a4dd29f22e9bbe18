"""A person's and a unit's performance report for a period: a printable page, a PDF and an
XLSX, with the task cards' progress reports counted as reports."""

import io
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.activity.collect import records_collect
from core.work import services as work
from tests.activity.helpers import approve_document, events, make_task
from tests.conftest import agency_client

TODAY = timezone.localdate()
PERIOD = {"since": (TODAY - timedelta(days=30)).isoformat(), "until": TODAY.isoformat()}


def _work(people):
    approve_document(people, title="규제 개선 보고")
    task = make_task(people, title="민원 서식 간소화")
    with schema_context("alpha"):
        work.progress_report(task=task, actor=people.staff, percent=50, text="서식 3종 정비")
        work.progress_report(task=task, actor=people.staff, percent=80, text="의견 수렴")
        records_collect()


def test_a_persons_report_counts_records_and_progress_reports(alpha_people):
    _work(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)
    page = client.get(f"/activity/reports/people/{alpha_people.staff.pk}/", PERIOD)
    text = page.content.decode()
    assert page.status_code == 200
    assert "개인 성과 보고서" in text and "규제 개선 보고" in text and "서식 3종 정비" in text

    pdf = client.get(f"/activity/reports/people/{alpha_people.staff.pk}/",
                     {**PERIOD, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    xlsx = client.get(f"/activity/reports/people/{alpha_people.staff.pk}/",
                      {**PERIOD, "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = dict(list(book["요약"].values)[1:])
    assert summary["과제 진행보고 (보고 건수)"] == 2 and summary["결재 완료 문서"] == 1
    assert len(list(book["과제 진행보고"].values)) == 3
    assert events("activity.report_exported") == 2


def test_a_report_of_someone_whose_card_one_cannot_read_is_not_found(alpha_people):
    other = agency_client("alpha", alpha_people.other.user)
    assert other.get(f"/activity/reports/people/{alpha_people.staff.pk}/",
                     PERIOD).status_code == 404


def test_a_period_that_runs_backwards_is_refused_in_korean(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.get(f"/activity/reports/people/{alpha_people.staff.pk}/",
                          {"since": "2025-12-31", "until": "2025-01-01", "format": "pdf"})
    assert response.status_code == 400
    assert "기간의 끝이 시작보다 빠릅니다" in response.content.decode()
    assert events("activity.report_exported") == 0


def test_a_units_report_for_its_head_and_hr_only(alpha_people):
    _work(alpha_people)
    unit = alpha_people.head.unit
    head = agency_client("alpha", alpha_people.head.user)
    text = head.get(f"/activity/reports/units/{unit.pk}/", PERIOD).content.decode()
    assert "부서 성과 보고서" in text and "최샘" in text and "서식 3종 정비" in text
    xlsx = head.get(f"/activity/reports/units/{unit.pk}/", {**PERIOD, "format": "xlsx"})
    members = {row[0]: row for row in list(load_workbook(io.BytesIO(xlsx.content))
                                           ["구성원별"].values)[1:]}
    assert members["최샘"][-1] == 2  # two progress reports
    printable = head.get(f"/activity/reports/units/{unit.pk}/", {**PERIOD, "format": "print"})
    assert printable.status_code == 200 and b"@page" in printable.content
    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.get(f"/activity/reports/units/{unit.pk}/", PERIOD).status_code == 200
    staff = agency_client("alpha", alpha_people.staff.user)
    assert staff.get(f"/activity/reports/units/{unit.pk}/", PERIOD).status_code == 404
