"""/api/v1/schedules/: visible entries in a date range; writes through the same rules."""

import pytest
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.schedules.models import Entry
from tests.conftest import agency_client

URL = "/api/v1/schedules/"


def _client(people, persona: str):
    return agency_client("alpha", getattr(people, persona).user)


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_the_list_holds_the_visible_entries_of_the_range(alpha_people, entries):
    client = _client(alpha_people, "head")
    assert _titles(client.get(URL, {"start": "2026-05-11", "end": "2026-05-14"})) == {
        "혁신기획과 주간회의", "국회 업무보고 배석"}
    assert _titles(client.get(URL, {"start": "2026-05-01", "end": "2026-06-01"})) == {
        "혁신기획과 주간회의", "국회 업무보고 배석", "기관 체육대회"}
    assert _titles(client.get(URL, {"start": "2026-06-01"})) == set()
    assert _titles(client.get(URL, {"scope": "agency"})) == {"기관 체육대회"}


def test_each_row_says_whether_the_caller_may_edit_it(alpha_people, entries):
    rows = _client(alpha_people, "head").get(URL).json()["results"]
    assert {row["title"]: row["can_edit"] for row in rows} == {
        "혁신기획과 주간회의": True, "국회 업무보고 배석": False, "기관 체육대회": False}


@pytest.mark.parametrize("params", [{"start": "어제"}, {"end": "2026-99-01"},
                                    {"start": "2026-05-02", "end": "2026-05-01"}])
def test_a_bad_range_is_a_400(alpha_people, params):
    assert _client(alpha_people, "staff").get(URL, params).status_code == 400


def test_create_and_change_an_entry(alpha_people):
    client = _client(alpha_people, "staff")
    response = client.post(URL, {"title": "현장 점검", "starts_at": "2026-05-04T14:00:00+09:00",
                                 "ends_at": "2026-05-04T16:00:00+09:00", "scope": "unit",
                                 "location": "세종청사"}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["unit_name"] == "혁신기획과" and data["can_edit"] is True
    changed = _client(alpha_people, "head").patch(
        f"{URL}{data['id']}/", {"title": "현장 점검(연기)"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    with schema_context("alpha"):
        assert Entry.objects.get().title == "현장 점검(연기)"
        assert AuditEvent.objects.filter(action__startswith="schedules.entry_").count() == 2


def test_staff_may_not_post_to_the_agency_calendar(alpha_people):
    response = _client(alpha_people, "staff").post(URL, {
        "title": "전 직원 교육", "starts_at": "2026-05-04T14:00:00+09:00",
        "ends_at": "2026-05-04T16:00:00+09:00", "scope": "agency"},
        content_type="application/json")
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not Entry.objects.exists()


@pytest.mark.parametrize("body, field, message", [
    ({"ends_at": "2026-05-04T13:00:00+09:00"}, "ends_at", "종료 일시는 시작 일시보다 뒤여야"),
    ({"title": "   "}, "title", "제목을 입력하세요"),
    ({"all_day": True}, "starts_at", "자정"),
    ({"starts_at": "0784-05-04T14:00:00Z"}, "starts_at", "1950년부터 2100년 사이"),
    ({"ends_at": "2101-01-01T00:00:00+09:00"}, "starts_at", "1950년부터 2100년 사이"),
])
def test_bad_input_is_a_400_in_korean_and_writes_nothing(alpha_people, body, field, message):
    response = _client(alpha_people, "staff").post(URL, {
        "title": "보고", "starts_at": "2026-05-04T14:00:00+09:00",
        "ends_at": "2026-05-04T16:00:00+09:00", **body}, content_type="application/json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    with schema_context("alpha"):
        assert not Entry.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="schedules.").exists()


@pytest.mark.parametrize("persona, kind, status", [
    ("head", "key", 403), ("staff", "agency", 403), ("other", "unit", 404),
    ("hr", "personal", 404)])
def test_the_wrong_persona_cannot_change_or_delete(alpha_people, entries, persona, kind,
                                                    status):
    entry = getattr(entries, kind)
    client = _client(alpha_people, persona)
    url = f"{URL}{entry.pk}/"
    assert client.patch(url, {"title": "탈취"},
                        content_type="application/json").status_code == status
    assert client.delete(url).status_code == status
    with schema_context("alpha"):
        assert Entry.objects.get(pk=entry.pk).title == entry.title


def test_the_unit_head_deletes_a_unit_entry(alpha_people, entries):
    client = _client(alpha_people, "head")
    assert client.delete(f"{URL}{entries.unit.pk}/").status_code == 204
    with schema_context("alpha"):
        assert not Entry.objects.filter(pk=entries.unit.pk).exists()


def test_anonymous_callers_are_refused(alpha):
    assert agency_client("alpha").get(URL).status_code in (401, 403)
