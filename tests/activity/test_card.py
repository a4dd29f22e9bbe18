"""The performance card (성과관리카드): the person sees their own, HR and admins everyone's,
unit heads their current members'; HR adds external results, heads their opinions; nobody
edits another's entry; every change is audited; the card follows the person across units."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.activity import selectors, services
from core.activity.models import CardEntry
from core.audit.models import AuditEvent
from tests.activity.helpers import appoint, events
from tests.conftest import agency_client
from tests.factories import UnitFactory

YESTERDAY = timezone.localdate() - timedelta(days=1)


def _entry(people, author: str, kind: str, **fields):
    values = {"title": "정부업무평가 우수", "body": "2025년 정부업무평가 우수 과제",
              "occurred_on": YESTERDAY}
    with schema_context("alpha"):
        return services.card_entry_add(actor=getattr(people, author), person=people.staff,
                                       kind=kind, **{**values, **fields})


@pytest.mark.parametrize("viewer, sees", [
    ("staff", True), ("hr", True), ("admin", True), ("head", True), ("other", False)])
def test_who_sees_a_card(alpha_people, viewer, sees):
    client = agency_client("alpha", getattr(alpha_people, viewer).user)
    response = client.get(f"/activity/cards/{alpha_people.staff.pk}/")
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert "최샘의 성과관리카드" in response.content.decode()


def test_a_head_who_moved_away_no_longer_sees_the_members_of_the_unit_left(alpha_people):
    with schema_context("alpha"):
        assert selectors.card_for(viewer=alpha_people.head, person=alpha_people.staff)
        new_unit = UnitFactory(name="새부서")
    # Sam moves to another unit (org history): Hyun heads his old unit only.
    appoint(alpha_people.staff, new_unit, date(2025, 1, 1))
    with schema_context("alpha"):
        assert selectors.card_for(viewer=alpha_people.head, person=alpha_people.staff) is None


def test_hr_adds_an_external_evaluation_and_the_head_an_opinion(alpha_people):
    _entry(alpha_people, "hr", "external")
    _entry(alpha_people, "head", "opinion", title="업무 추진력 우수", body="적극적")
    with schema_context("alpha"):
        kinds = sorted(CardEntry.objects.filter(person=alpha_people.staff)
                       .values_list("kind", flat=True))
    assert kinds == ["external", "opinion"]
    assert events("activity.card_entry_added") == 2
    page = agency_client("alpha", alpha_people.staff.user).get(
        f"/activity/cards/{alpha_people.staff.pk}/").content.decode()
    assert "정부업무평가 우수" in page and "업무 추진력 우수" in page


@pytest.mark.parametrize("author, kind", [
    ("head", "external"), ("head", "evaluation"), ("staff", "achievement"),
    ("other", "opinion")])
def test_entries_outside_ones_role_are_refused_and_nothing_written(alpha_people, author, kind):
    with pytest.raises(ValidationError) as refused:
        _entry(alpha_people, author, kind)
    assert "기재할 권한이 없습니다" in str(refused.value)
    with schema_context("alpha"):
        assert not CardEntry.objects.exists()
    assert events("activity.card_entry_added") == 0


def test_a_future_date_is_refused(alpha_people):
    with pytest.raises(ValidationError) as refused:
        _entry(alpha_people, "hr", "external", occurred_on=timezone.localdate() + timedelta(1))
    assert "앞으로의 날짜" in str(refused.value)


def test_only_the_author_corrects_an_entry_and_the_change_is_audited(alpha_people):
    entry = _entry(alpha_people, "head", "opinion", title="의견", body="처음 의견")
    with schema_context("alpha"), pytest.raises(ValidationError) as refused:
        services.card_entry_edit(entry=entry, actor=alpha_people.hr, title="고친 의견",
                                 body="다른 사람", occurred_on=YESTERDAY)
    assert "다른 사람이 기재한 항목은 고칠 수 없습니다" in str(refused.value)
    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.post(f"/activity/cards/entries/{entry.pk}/edit/", {
        "title": "x", "body": "y", "occurred_on": YESTERDAY.isoformat()}).status_code == 403

    with schema_context("alpha"):
        services.card_entry_edit(entry=entry, actor=alpha_people.head, title="의견",
                                 body="고친 의견", occurred_on=YESTERDAY)
        entry.refresh_from_db()
        audit = AuditEvent.objects.get(action="activity.card_entry_edited")
    assert entry.body == "고친 의견"
    assert audit.changes == {"body": ["처음 의견", "고친 의견"]}


def test_the_card_follows_the_person_across_units(alpha_people):
    with schema_context("alpha"):
        old_unit = UnitFactory(name="지방행정과")
    appoint(alpha_people.staff, old_unit, date(2019, 3, 1), date(2023, 12, 31))
    appoint(alpha_people.staff, alpha_people.staff.unit, date(2024, 1, 1))
    old = _entry(alpha_people, "hr", "external", title="2022 감사 결과",
                 occurred_on=date(2022, 5, 1))
    new = _entry(alpha_people, "hr", "evaluation", title="2025 평가")
    assert (old.unit_name, new.unit_name) == ("지방행정과", alpha_people.staff.unit.name)
    page = agency_client("alpha", alpha_people.staff.user).get(
        "/activity/card/", follow=True).content.decode()
    assert "2022 감사 결과" in page and "지방행정과" in page and "2025 평가" in page
