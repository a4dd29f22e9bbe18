"""Month and week calendars, the entry form, and delete with confirmation."""

import re

import pytest
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.schedules.models import Entry, Scope
from core.schedules.views import _today
from tests.conftest import agency_client


def _page(people, persona: str, path: str, **params) -> str:
    response = agency_client("alpha", getattr(people, persona).user).get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_month_shows_what_the_person_may_see(alpha_people, entries):
    page = _page(alpha_people, "head", "/schedules/", date="2026-05-01")
    assert "2026년 5월" in page
    for title in ("국회 업무보고 배석", "혁신기획과 주간회의", "기관 체육대회"):
        assert title in page
    assert "치과 예약" not in page and "성과관리과 워크숍" not in page
    assert all(f">{name}</th>" in page for name in "일월화수목금토")


def test_an_all_day_event_fills_each_of_its_days(alpha_people, entries):
    page = _page(alpha_people, "staff", "/schedules/", date="2026-05-01")
    assert page.count("기관 체육대회") == 2  # 20th and 21st; the end is exclusive


def test_the_month_filters_by_scope(alpha_people, entries):
    page = _page(alpha_people, "staff", "/schedules/", date="2026-05-01", scope="unit")
    assert "혁신기획과 주간회의" in page
    assert "치과 예약" not in page and "기관 체육대회" not in page
    mine = _page(alpha_people, "staff", "/schedules/", date="2026-05-01", scope="mine")
    assert "치과 예약" in mine and "혁신기획과 주간회의" not in mine


def test_another_month_is_empty_and_says_so(alpha_people, entries):
    page = _page(alpha_people, "staff", "/schedules/", date="2026-08-15")
    assert "2026년 8월" in page and "볼 수 있는 일정이 없습니다" in page
    assert "치과 예약" not in page
    assert 'href="/schedules/?date=2026-07-01"' in page  # previous month
    assert 'href="/schedules/?date=2026-09-01"' in page  # next month


def test_today_is_highlighted(alpha_people):
    page = _page(alpha_people, "staff", "/schedules/")
    assert page.count('aria-current="date"') == 1
    week = _page(alpha_people, "staff", "/schedules/week/")
    assert week.count('aria-current="date"') == 1
    assert f"?date={_today().isoformat()}" in week


def test_the_week_shows_only_its_days(alpha_people, entries):
    page = _page(alpha_people, "staff", "/schedules/week/", date="2026-05-13")
    assert "2026년 5월 10일 – 5월 16일" in page
    assert "국회 업무보고 배석" in page and "혁신기획과 주간회의" in page
    assert "기관 체육대회" not in page
    assert re.search(r"수 5/13", page)
    assert 'href="/schedules/week/?date=2026-05-03"' in page
    assert 'href="/schedules/week/?date=2026-05-17"' in page


@pytest.mark.parametrize("date", ["nonsense", "2026-13-45", "0001-01-01", "9999-12-31"])
def test_a_bad_date_falls_back_to_today(alpha_people, date):
    _page(alpha_people, "staff", "/schedules/", date=date)
    _page(alpha_people, "staff", "/schedules/week/", date=date)


def test_the_navigation_has_schedules(alpha_people):
    assert 'href="/schedules/"' in _page(alpha_people, "staff", "/")


def test_a_new_entry_needs_only_a_title_and_a_day(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    assert client.get("/schedules/new/", {"date": "2026-05-07"}).status_code == 200
    response = client.post("/schedules/new/", {
        "title": "보고서 마감", "start_date": "2026-05-07", "start_time": "15:00",
        "scope": "personal"})
    assert response.status_code == 302
    assert response["Location"] == "/schedules/?date=2026-05-07"
    with schema_context("alpha"):
        entry = Entry.objects.get(title="보고서 마감")
        assert AuditEvent.objects.filter(action="schedules.entry_created").count() == 1
    assert (entry.ends_at - entry.starts_at).total_seconds() == 3600
    assert entry.starts_at.isoformat() == "2026-05-07T06:00:00+00:00"


def test_an_all_day_entry_from_the_form(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    client.post("/schedules/new/", {"title": "출장", "start_date": "2026-05-07",
                                    "end_date": "2026-05-08", "all_day": "on",
                                    "scope": "personal"})
    with schema_context("alpha"):
        entry = Entry.objects.get(title="출장")
    assert entry.all_day and entry.first_day.day == 7 and entry.last_day.day == 8


@pytest.mark.parametrize("data, message", [
    ({"title": ""}, "제목을 입력하세요"),
    ({"end_date": "2026-05-06", "end_time": "10:00"}, "종료 일시는 시작 일시보다 뒤여야 합니다"),
    ({"start_time": ""}, "시작 시각을 입력하거나"),
    ({"start_date": "2026-02-30"}, "날짜를 2026-03-01 형식으로"),
    ({"scope": "agency"}, "목록에 있는 값 중에서 고르세요"),
])
def test_bad_input_gets_a_korean_message_and_writes_nothing(alpha_people, data, message):
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/schedules/new/", {
        "title": "보고", "start_date": "2026-05-07", "start_time": "09:00",
        "scope": "personal", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    with schema_context("alpha"):
        assert not Entry.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="schedules.").exists()


def test_admins_post_agency_entries(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    assert "기관" in client.get("/schedules/new/").content.decode()
    client.post("/schedules/new/", {"title": "시무식", "start_date": "2026-01-02",
                                    "start_time": "09:00", "scope": "agency"})
    with schema_context("alpha"):
        assert Entry.objects.get(title="시무식").scope == Scope.AGENCY


def test_the_unit_head_edits_a_unit_entry(alpha_people, entries):
    client = agency_client("alpha", alpha_people.head.user)
    url = f"/schedules/{entries.unit.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "주간회의(변경)", "start_date": "2026-05-11",
                                 "start_time": "10:00", "end_time": "11:00", "scope": "unit"})
    assert response.status_code == 302
    with schema_context("alpha"):
        assert Entry.objects.get(pk=entries.unit.pk).title == "주간회의(변경)"


@pytest.mark.parametrize("persona, kind, status", [
    ("head", "key", 403),        # sees the key schedule, may not change it
    ("admin", "unit", 403),      # an admin is not the unit head
    ("head", "agency", 403),
    ("other", "unit", 404),      # cannot even see another unit's entry
    ("staff", "other_unit", 404),
    ("hr", "personal", 404),
])
def test_the_wrong_persona_cannot_edit_or_delete(alpha_people, entries, persona, kind, status):
    entry = getattr(entries, kind)
    client = agency_client("alpha", getattr(alpha_people, persona).user)
    assert client.get(f"/schedules/{entry.pk}/edit/").status_code == status
    assert client.post(f"/schedules/{entry.pk}/edit/", {
        "title": "탈취", "start_date": "2026-05-11", "start_time": "10:00",
        "scope": entry.scope}).status_code == status
    assert client.post(f"/schedules/{entry.pk}/delete/").status_code == status
    with schema_context("alpha"):
        assert Entry.objects.get(pk=entry.pk).title == entry.title
        assert not AuditEvent.objects.filter(action__startswith="schedules.").exists()


def test_delete_asks_first_then_deletes(alpha_people, entries):
    client = agency_client("alpha", alpha_people.staff.user)
    url = f"/schedules/{entries.personal.pk}/delete/"
    confirm = client.get(url)
    assert "삭제할까요" in confirm.content.decode()
    with schema_context("alpha"):
        assert Entry.objects.filter(pk=entries.personal.pk).exists()
    assert client.post(url).status_code == 302
    with schema_context("alpha"):
        assert not Entry.objects.filter(pk=entries.personal.pk).exists()
        assert AuditEvent.objects.get(action="schedules.entry_deleted").changes["title"] == (
            "치과 예약")


def test_the_detail_page_shows_edit_buttons_only_to_editors(alpha_people, entries):
    url = f"/schedules/{entries.key.pk}/"
    assert "/edit/" in _page(alpha_people, "staff", url)
    assert "/edit/" not in _page(alpha_people, "head", url)


def test_the_month_uses_a_bounded_number_of_queries(alpha_people, entries,
                                                    django_assert_max_num_queries):
    from tests.schedules.factories import EntryFactory, kst

    client = agency_client("alpha", alpha_people.staff.user)
    client.get("/schedules/")
    with schema_context("alpha"):
        for day in range(1, 29):
            EntryFactory(owner=alpha_people.staff, scope=Scope.UNIT,
                         starts_at=kst(2026, 5, day, 9), ends_at=kst(2026, 5, day, 10))
    with django_assert_max_num_queries(12):
        assert client.get("/schedules/", {"date": "2026-05-01"}).status_code == 200


def test_english_headings_use_english_dates(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    client.cookies["django_language"] = "en"
    page = client.get("/schedules/", {"date": "2026-05-12"}).content.decode()
    assert "May 2026" in page and "2026년" not in page
