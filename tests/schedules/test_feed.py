"""The private iCalendar feed: a revocable secret link per person, valid RFC 5545 output."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django_tenants.utils import schema_context
from icalendar import Calendar

from core.audit.models import AuditEvent
from core.org.models import PersonStatus
from core.schedules import selectors, services
from core.schedules.models import KST, Entry, FeedToken, Scope
from tests.conftest import agency_client
from tests.schedules.factories import EntryFactory


@pytest.fixture
def soon(alpha_people):
    """Entries a few days from now (the feed carries a window around today), one of each kind
    that Hyun (head) may or may not see."""
    p, base = alpha_people, datetime.now(KST).date() + timedelta(days=3)
    at = datetime.combine(base, time(9), tzinfo=KST)
    with schema_context("alpha"):
        EntryFactory(title="치과 예약", owner=p.staff, starts_at=at)
        EntryFactory(title="국회 업무보고 배석", owner=p.staff, is_key=True, starts_at=at)
        EntryFactory(title="혁신기획과 주간회의", owner=p.staff, scope=Scope.UNIT, starts_at=at,
                     location="본관 3층", note="안건 공유")
        EntryFactory(title="성과관리과 워크숍", owner=p.other, scope=Scope.UNIT, starts_at=at)
        EntryFactory(title="기관 체육대회", owner=p.admin, scope=Scope.AGENCY, all_day=True,
                     starts_at=selectors.day_start(base),
                     ends_at=selectors.day_start(base + timedelta(days=2)))
        EntryFactory(title="지난해 행사", owner=p.admin, scope=Scope.AGENCY,
                     starts_at=at - timedelta(days=800))
    return at


def _link(people, persona="staff") -> str:
    client = agency_client("alpha", getattr(people, persona).user)
    assert client.post("/schedules/feed/", {"action": "rotate"}).status_code == 302
    page = client.get("/schedules/feed/").content.decode()
    with schema_context("alpha"):
        key = FeedToken.objects.get(person=getattr(people, persona)).key
    assert f"/schedules/feed/{key}.ics" in page
    return f"/schedules/feed/{key}.ics"


def test_the_feed_holds_the_visible_entries_as_valid_icalendar(alpha_people, soon):
    response = agency_client("alpha").get(_link(alpha_people, "head"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"국회 업무보고 배석", "혁신기획과 주간회의", "기관 체육대회"}
    for event in events.values():
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in event
    meeting = events["혁신기획과 주간회의"]
    assert meeting.decoded("DTSTART") == soon
    assert str(meeting["LOCATION"]) == "본관 3층" and str(meeting["DESCRIPTION"]) == "안건 공유"
    utc = soon.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{utc}".encode() in response.content
    sports = events["기관 체육대회"]
    assert f"DTSTART;VALUE=DATE:{soon:%Y%m%d}".encode() in response.content
    assert sports.decoded("DTEND") == soon.date() + timedelta(days=2)
    assert len({str(e["UID"]) for e in events.values()}) == 3


def test_long_korean_text_is_folded_and_special_characters_escaped(alpha_people, soon):
    note = "1. 안건: 예산, 인력; 일정\n2. " + "가나다라마바사아자차카타파하" * 8
    with schema_context("alpha"):
        Entry.objects.all().delete()
        EntryFactory(owner=alpha_people.staff, title="예산 협의, 2차; 최종", location="본관 3층",
                     note=note, starts_at=soon)
    response = agency_client("alpha").get(_link(alpha_people))
    lines = response.content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # a continuation line
    response.content.decode("utf-8")  # folding never splits a character
    assert b"SUMMARY:\xec\x98\x88\xec\x82\xb0 \xed\x98\x91\xec\x9d\x98\\, 2\xec\xb0\xa8\\;" in (
        response.content)
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == note
    assert str(event["LOCATION"]) == "본관 3층"
    assert str(event["SUMMARY"]) == "예산 협의, 2차; 최종"


def test_a_new_link_replaces_the_old_one(alpha_people, soon):
    first = _link(alpha_people)
    second = _link(alpha_people)
    assert first != second
    anonymous = agency_client("alpha")
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    with schema_context("alpha"):
        events = AuditEvent.objects.filter(action="schedules.feed_rotated")
        assert events.count() == 2
        assert all(second.split("/")[-1][:-4] not in str(e.changes) for e in events)


def test_a_cut_link_answers_404(alpha_people, soon):
    link = _link(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)
    client.post("/schedules/feed/", {"action": "revoke"})
    assert agency_client("alpha").get(link).status_code == 404
    assert "아직 구독 링크가 없습니다" in client.get("/schedules/feed/").content.decode()
    with schema_context("alpha"):
        assert not FeedToken.objects.exists()
        assert AuditEvent.objects.filter(action="schedules.feed_revoked").count() == 1


def test_an_unknown_link_answers_404(alpha):
    assert agency_client("alpha").get("/schedules/feed/not-a-real-token.ics").status_code == 404


def test_a_link_of_one_agency_means_nothing_on_another(alpha_people, beta_people, soon):
    link = _link(alpha_people)
    assert agency_client("alpha").get(link).status_code == 200
    assert agency_client("beta").get(link).status_code == 404


def test_the_link_stops_when_its_person_leaves(alpha_people, soon):
    link = _link(alpha_people)
    with schema_context("alpha"):
        staff = alpha_people.staff
        staff.status = PersonStatus.LEFT
        staff.save(update_fields=["status"])
    assert agency_client("alpha").get(link).status_code == 404


def test_only_the_person_or_an_admin_may_touch_a_link(alpha_people):
    from django.core.exceptions import PermissionDenied

    with schema_context("alpha"):
        services.feed_token_rotate(person=alpha_people.staff, actor=alpha_people.staff)
        with pytest.raises(PermissionDenied):
            services.feed_token_rotate(person=alpha_people.staff, actor=alpha_people.head)
        with pytest.raises(PermissionDenied):
            services.feed_token_revoke(person=alpha_people.staff, actor=alpha_people.head)
        services.feed_token_revoke(person=alpha_people.staff, actor=alpha_people.admin)
        assert not FeedToken.objects.exists()


def test_a_sample_token_is_404_with_no_session_and_with_a_foreign_one(alpha_people,
                                                                      beta_people):
    foreign = agency_client("alpha")
    foreign.cookies = agency_client("beta", beta_people.staff.user).cookies
    for client in (agency_client("alpha"), foreign):
        assert client.get("/schedules/feed/x.ics").status_code == 404
