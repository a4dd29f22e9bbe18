"""Who sees which entry, and who may change it (업무관리 §2: key schedules visible to the unit)."""

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.org.models import PersonStatus
from core.schedules import selectors, services
from core.schedules.models import Entry, Scope
from tests.schedules.factories import kst

# Sam (staff) and Hyun (head) and Alice (admin) share 혁신기획과; Hana (hr) and Olivia (other)
# are in 성과관리과.
SEES = {
    "staff": {"personal", "key", "unit", "agency"},
    "head": {"key", "unit", "agency"},
    "admin": {"key", "unit", "agency"},
    "hr": {"other_unit", "agency"},
    "other": {"other_unit", "agency"},
}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_persona_sees_exactly_what_the_rule_allows(alpha_people, entries, persona):
    names = {getattr(entries, name).pk: name for name in
             ("personal", "key", "unit", "other_unit", "agency")}
    with schema_context("alpha"):
        seen = {names[e.pk] for e in selectors.visible_entries(getattr(alpha_people, persona))}
    assert seen == SEES[persona]


def test_a_person_who_left_sees_nothing(alpha_people, entries):
    with schema_context("alpha"):
        staff = alpha_people.staff
        staff.status = PersonStatus.LEFT
        staff.save(update_fields=["status"])
        assert not selectors.visible_entries(staff).exists()
        assert not selectors.visible_entries(None).exists()


def test_a_key_schedule_follows_its_owner_to_a_new_unit(alpha_people, entries):
    with schema_context("alpha"):
        staff = alpha_people.staff
        staff.unit = alpha_people.other.unit
        staff.save(update_fields=["unit"])
        assert not selectors.visible_entries(alpha_people.head).filter(pk=entries.key.pk).exists()
        assert selectors.visible_entries(alpha_people.other).filter(pk=entries.key.pk).exists()


EDITORS = {
    "personal": {"staff"},
    "key": {"staff"},
    "unit": {"staff", "head"},
    "other_unit": {"other"},
    "agency": {"admin"},
}


@pytest.mark.parametrize("kind", sorted(EDITORS))
def test_only_the_owner_the_unit_head_or_an_admin_may_edit(alpha_people, entries, kind):
    entry = getattr(entries, kind)
    with schema_context("alpha"):
        entry = Entry.objects.select_related("unit").get(pk=entry.pk)
        editors = {name for name in SEES if selectors.can_edit(getattr(alpha_people, name), entry)}
    assert editors == EDITORS[kind]


def test_an_agency_entry_is_refused_to_its_owner_once_no_longer_admin(alpha_people, entries):
    with schema_context("alpha"):
        alpha_people.admin.roles.set(alpha_people.staff.roles.all())
        with pytest.raises(PermissionDenied):
            services.entry_update(entry=entries.agency, actor=alpha_people.admin, title="변경")
        assert Entry.objects.get(pk=entries.agency.pk).title == "기관 체육대회"


def test_staff_may_not_post_to_the_agency_calendar_and_nothing_is_written(alpha_people):
    with schema_context("alpha"):
        with pytest.raises(PermissionDenied):
            services.entry_create(actor=alpha_people.staff, title="전 직원 교육",
                                  starts_at=kst(2026, 5, 1, 9), ends_at=kst(2026, 5, 1, 10),
                                  scope=Scope.AGENCY)
        assert not Entry.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="schedules.").exists()


def test_the_unit_head_changes_a_unit_entry_and_the_change_is_audited(alpha_people, entries):
    with schema_context("alpha"):
        services.entry_update(entry=entries.unit, actor=alpha_people.head, location="3층 회의실")
        event = AuditEvent.objects.get(action="schedules.entry_updated")
    assert event.changes == {"location": ["", "3층 회의실"]}
    assert event.actor_id == alpha_people.head.pk
    assert event.target_id == str(entries.unit.pk)


def test_the_unit_head_may_not_move_a_unit_entry_out_of_the_unit(alpha_people, entries):
    from django.core.exceptions import ValidationError

    with schema_context("alpha"):
        with pytest.raises(ValidationError):
            services.entry_update(entry=entries.unit, actor=alpha_people.head,
                                  scope=Scope.PERSONAL)
        assert Entry.objects.get(pk=entries.unit.pk).scope == Scope.UNIT


def test_unit_entries_belong_to_the_authors_unit(alpha_people):
    with schema_context("alpha"):
        entry = services.entry_create(actor=alpha_people.other, title="과 회식",
                                      starts_at=kst(2026, 5, 1, 18), ends_at=kst(2026, 5, 1, 20),
                                      scope=Scope.UNIT)
        assert entry.unit_id == alpha_people.other.unit_id
        assert AuditEvent.objects.filter(action="schedules.entry_created",
                                         target_id=str(entry.pk)).exists()


@pytest.mark.parametrize("fields, field", [
    ({"title": "  "}, "title"),
    ({"ends_at": kst(2026, 5, 1, 9)}, "ends_at"),
    ({"all_day": True}, "starts_at"),
])
def test_bad_input_is_refused_in_korean_and_writes_nothing(alpha_people, fields, field):
    from django.core.exceptions import ValidationError

    values = {"title": "보고", "starts_at": kst(2026, 5, 1, 9), "ends_at": kst(2026, 5, 1, 10),
              **fields}
    with schema_context("alpha"):
        with pytest.raises(ValidationError) as error:
            services.entry_create(actor=alpha_people.staff, **values)
        assert not Entry.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="schedules.").exists()
    assert field in error.value.message_dict
