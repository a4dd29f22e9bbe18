"""Read the org chart, with the role checks every view and endpoint uses."""

import gc
from contextlib import contextmanager
from datetime import date
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DateField, Min, Prefetch, Q, QuerySet, Value

from core.org.models import (
    Absence,
    Appointment,
    AppointmentKind,
    DisciplinaryAction,
    OrgSettings,
    Person,
    PersonStatus,
    RoleCode,
    SpanContains,
    Unit,
    appointment_span,
)

ORG_MANAGER_ROLES = {RoleCode.AGENCY_ADMIN, RoleCode.HR_OFFICER}
# Roles from the least to the most a person may do with them. Only agency admins grant or
# take away roles, and never one above their own highest (an admin's is the top, so an admin
# grants every role; the order keeps the rule explicit if the top ever changes).
ROLE_ORDER = (RoleCode.STAFF, RoleCode.UNIT_HEAD, RoleCode.CUSTOMER_OFFICER,
              RoleCode.RECORDS_OFFICER,
              RoleCode.HR_OFFICER, RoleCode.AGENCY_ADMIN)


def person_for_user(user) -> Person | None:
    """Return the person behind a signed-in account, with what the shell shows of them."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Person.objects.select_related("unit", "grade", "position")
        .prefetch_related("roles")
        .filter(user=user)
        .first()
    )


def role_codes(person: Person | None) -> set[str]:
    if person is None or not person.is_active:
        return set()
    return {role.code for role in person.roles.all()}


def can_manage_org(person: Person | None) -> bool:
    """Agency admins and HR officers keep the org chart and people."""
    return bool(role_codes(person) & ORG_MANAGER_ROLES)


def is_agency_admin(person: Person | None) -> bool:
    return RoleCode.AGENCY_ADMIN in role_codes(person)


def grantable_roles(granter: Person | None) -> set[str]:
    """The roles ``granter`` may grant or take away: none unless they are an agency admin,
    and none above their own highest role."""
    codes = role_codes(granter)
    if RoleCode.AGENCY_ADMIN not in codes:
        return set()
    top = max(ROLE_ORDER.index(code) for code in codes if code in ROLE_ORDER)
    return {str(code) for code in ROLE_ORDER[: top + 1]}


def holds_privileged_account(person: Person) -> bool:
    """An agency admin's or HR officer's account, whatever their status (a departed admin's
    account must not be reopened by an HR officer either)."""
    return person.roles.filter(code__in=ORG_MANAGER_ROLES).exists()


def may_change_account(actor: Person | None, person: Person) -> bool:
    """Whether ``actor`` may change ``person``'s sign-in account (e-mail, roles, status):
    an admin's or HR officer's account only another agency admin changes; other accounts,
    whoever keeps the org chart."""
    if holds_privileged_account(person):
        return is_agency_admin(actor) and actor.pk != person.pk
    return can_manage_org(actor)


# 발신명의 by the agency's name (시행규칙 서식: the head's title): the longest ending wins.
HEAD_TITLES = (
    ("특별자치도", "지사"), ("교육청", "교육감"), ("위원회", "위원장"), ("도", "지사"),
    ("부", "장관"), ("군", "수"), ("구", "청장"), ("시", "장"), ("처", "장"), ("청", "장"),
)


def sending_authority_propose(*, name: str, kind: str = "") -> str:
    """The standard model's 발신명의 for an agency: 과학기술부 → 과학기술부장관, 해양경찰청 →
    해양경찰청장, 수원시 → 수원시장, 양평군 → 양평군수, 경기도 → 경기도지사,
    공정거래위원회 → 공정거래위원장; otherwise the name and 장."""
    name = name.strip()
    for ending, title in HEAD_TITLES:
        if name.endswith(ending):
            if ending in ("위원회", "교육청"):
                return name[: -len(ending)] + title
            return name + title
    return f"{name}장"


def sending_authority(agency) -> str:
    """The agency's 발신명의 as configured, or as proposed where none is yet."""
    configured = org_settings().sending_authority
    return configured or sending_authority_propose(name=agency.name_ko, kind=agency.kind)


CONTACT_FIELDS = ("postal_code", "address", "homepage", "phone", "fax")


def unit_contact(unit, settings_row: OrgSettings | None = None) -> dict[str, str]:
    """The handling unit's 우편번호, 주소, 홈페이지, 전화 and 전송 for the 기안문 foot, each
    taken from the agency's settings where the unit has none."""
    agency = settings_row or org_settings()
    return {field: getattr(unit, field, "") or getattr(agency, field) for field in CONTACT_FIELDS}


def letterhead(agency, unit) -> dict:
    """What the 기안문 prints of the agency and the handling unit (one read of the
    settings): 발신명의 and the unit's contact details."""
    row = org_settings()
    return {"sending_authority": row.sending_authority or sending_authority_propose(
                name=agency.name_ko, kind=agency.kind),
            "contact": unit_contact(unit, row)}


def org_settings() -> OrgSettings:
    settings_row, _ = OrgSettings.objects.get_or_create(singleton=True)
    return settings_row


# Read on every token-authenticated API request: kept in the (per-agency) cache, dropped when
# the rule changes (org_settings_update).
API_TOKEN_DAYS_CACHE_KEY = "org:api-token-days"


def api_token_days() -> int:
    """Return how many days an API token of this agency stays valid."""
    days = cache.get(API_TOKEN_DAYS_CACHE_KEY)
    if days is None:
        days = org_settings().api_token_days
        cache.set(API_TOKEN_DAYS_CACHE_KEY, days, 300)
    return days


def privileged_mfa_required(person: Person | None) -> bool:
    """Agency admins and HR officers must use MFA when their agency requires it."""
    # The role first: most people hold none, and then the setting need not be read.
    return can_manage_org(person) and org_settings().privileged_mfa_required


def visible_units(person: Person | None) -> QuerySet[Unit]:
    """The org chart is open to the whole agency: every unit for an active member."""
    if person is None or not person.is_active:
        return Unit.objects.none()
    return Unit.objects.select_related("kind").order_by("sort_order", "id")


def visible_people(person: Person | None) -> QuerySet[Person]:
    """Everyone in the agency, for an active member (the people directory is shared)."""
    if person is None or not person.is_active:
        return Person.objects.none()
    return (Person.objects.select_related("unit", "grade", "position")
            .prefetch_related("roles").order_by("name", "id"))


def unit_tree() -> list[tuple[Unit, int]]:
    """Return every active unit in tree order with its depth, heads and head-counts loaded."""
    units = list(
        Unit.objects.filter(is_active=True)
        .select_related("kind", "head__position")
        .annotate(member_count=Count("members", filter=Q(members__status=PersonStatus.ACTIVE)))
        .order_by("sort_order", "name")  # Meta.ordering does not apply to GROUP BY queries
    )
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def people_list(
    *, query: str = "", unit_id: int | None = None, status: str = "", role: str = "",
    grade_id: int | None = None, ordering: str = "name",
) -> QuerySet[Person]:
    people = Person.objects.select_related("unit", "grade", "position").prefetch_related(
        Prefetch("roles")
    )
    if query:
        people = people.filter(
            Q(name__icontains=query) | Q(employee_number__icontains=query)
            | Q(email__icontains=query)
        )
    if unit_id:
        people = people.filter(unit_id=unit_id)
    if status:
        people = people.filter(status=status)
    if role:
        people = people.filter(roles__code=role)
    if grade_id:
        people = people.filter(grade_id=grade_id)
    allowed = {"name", "-name", "employee_number", "-employee_number", "grade__rank",
               "-grade__rank", "unit__name", "-unit__name"}
    return people.order_by(ordering if ordering in allowed else "name", "id")


def unit_colleagues(person: Person) -> QuerySet[Person]:
    """Return the active members of the person's unit, most senior first."""
    if person.unit_id is None:
        return Person.objects.none()
    return (
        Person.objects.filter(unit_id=person.unit_id, status=PersonStatus.ACTIVE)
        .select_related("grade", "position")
        .order_by("position__rank", "grade__rank", "name")
    )


def can_edit_history(person: Person | None) -> bool:
    """Appointments, discipline and their corrections: HR officers and agency admins."""
    return can_manage_org(person)


# --- History: who was where on a date -------------------------------------------------------

class Placement(NamedTuple):
    """Where a person served on a date, by their primary appointment (발령) in force."""

    person_id: int
    unit_id: int | None
    grade_id: int | None
    position_id: int | None
    kind: str
    appointment_id: int
    starts_on: date


PLACEMENT_FIELDS = ("person_id", "unit_id", "grade_id", "position_id", "kind", "id",
                    "starts_on")


def in_force_on(on: date) -> Q:
    """Appointments (or periods) running on ``on``: started, and not ended before it."""
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def people_on(on: date, *, unit: Unit | int | None = None) -> list[Placement]:
    """Return everyone in the agency on ``on`` (one query): their unit, grade, post and the
    kind of appointment they held. Who had left (퇴직) is not in the agency any more; who
    was on leave (휴직) or seconded (파견) is, with that kind, so callers decide."""
    # The rows straight from the cursor: a 20,000-person agency answers in one round trip
    # without the ORM's per-row iteration (issue 8: org_on(date) <= 50 ms).
    sql, params = people_on_query(on, unit=unit).query.sql_with_params()
    with connection.cursor() as cursor, _gc_paused():
        cursor.execute(sql, params)
        return list(map(Placement._make, cursor.fetchall()))


@contextmanager
def _gc_paused():
    """Hold the cyclic garbage collector while tens of thousands of tuples are made: they
    hold no cycles, and each allocation burst otherwise sets off collections that walk every
    object the process has (bench/org_history.py measured them as the slowest part)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def people_on_query(on: date, *, unit: Unit | int | None = None) -> QuerySet:
    """The one query behind people_on (the benchmark explains it)."""
    day = Value(on, output_field=DateField())
    appointments = (Appointment.objects.filter(SpanContains(appointment_span(), day),
                                               primary=True)
                    .exclude(kind=AppointmentKind.RETIREMENT).order_by())
    if unit is not None:
        appointments = appointments.filter(unit=unit)
    return appointments.values_list(*PLACEMENT_FIELDS)


def org_on(on: date) -> dict[int, Placement]:
    """Return person id → placement for everyone in the agency on ``on`` (one query)."""
    return {placement.person_id: placement for placement in people_on(on)}


def unit_members_on(unit: Unit | int, on: date) -> list[Placement]:
    """Return who served in ``unit`` on ``on`` by their own post (one query)."""
    return people_on(on, unit=unit)


def appointment_of(person: Person | int, on: date) -> Appointment | None:
    """Return the person's primary appointment in force on ``on`` (one query)."""
    return (Appointment.objects.filter(in_force_on(on), person=person, primary=True)
            .select_related("unit", "grade", "position").first())


def appointments_of(person: Person | int) -> QuerySet[Appointment]:
    """The person's appointments, the latest first (their history table)."""
    return (Appointment.objects.filter(person=person)
            .select_related("unit", "grade", "position").order_by("-starts_on", "-id"))


def hire_date(person: Person | int) -> date | None:
    """The day the person joined: their first 신규임용, else their first appointment."""
    dates = Appointment.objects.filter(person=person, primary=True).aggregate(
        hire=Min("starts_on", filter=Q(kind=AppointmentKind.HIRE)), first=Min("starts_on"))
    return dates["hire"] or dates["first"]


def _primary_chain(person: Person | int, on: date) -> list[Appointment]:
    return list(Appointment.objects.filter(person=person, primary=True, starts_on__lte=on)
                .order_by("-starts_on").only("grade_id", "unit_id", "position_id", "kind",
                                             "starts_on", "ends_on"))


def _held_since(chain: list[Appointment], on: date, same) -> int:
    """Days up to ``on`` through the unbroken run of appointments ``same`` as the latest."""
    if not chain or (chain[0].ends_on is not None and chain[0].ends_on < on):
        return 0
    since = chain[0].starts_on
    for previous, later in zip(chain[1:], chain, strict=False):
        if not same(previous, chain[0]) or previous.ends_on is None or (
                (later.starts_on - previous.ends_on).days > 1):
            break
        since = previous.starts_on
    return (on - since).days + 1


def time_in_grade(person: Person | int, on: date) -> int:
    """Days the person has held their grade on ``on`` (transfers keep the grade)."""
    return _held_since(_primary_chain(person, on), on, lambda a, b: a.grade_id == b.grade_id)


def time_in_post(person: Person | int, on: date) -> int:
    """Days the person has served in their unit and post on ``on``."""
    return _held_since(_primary_chain(person, on), on,
                       lambda a, b: (a.unit_id, a.position_id) == (b.unit_id, b.position_id))


# --- Leave and absence ----------------------------------------------------------------------

def absences_concerning(*, person: Person) -> QuerySet[Absence]:
    """Absences the person registered for themselves or their unit, or acts in."""
    return (Absence.objects.filter(Q(person=person) | Q(acting=person)
                                   | Q(person__unit__head=person))
            .select_related("person", "acting").order_by("-starts_on", "-id"))


def absences_of(person: Person | int) -> QuerySet[Absence]:
    """The person's own absences, the latest first."""
    return (Absence.objects.filter(person=person).select_related("acting")
            .order_by("-starts_on", "-id"))


def people_absent_with_acting(*, acting: Person, on: date) -> QuerySet[Person]:
    """The people absent on ``on`` whose turns ``acting`` signs (대결)."""
    return Person.objects.filter(absences__acting=acting, absences__starts_on__lte=on,
                                 absences__ends_on__gte=on)


def absence_overlaps(*, person: Person, starts_on: date, ends_on: date) -> bool:
    return Absence.objects.filter(person=person, starts_on__lte=ends_on,
                                  ends_on__gte=starts_on).exists()


# --- Discipline -----------------------------------------------------------------------------

def disciplinary_of(person: Person | int) -> QuerySet[DisciplinaryAction]:
    return DisciplinaryAction.objects.filter(person=person).order_by("-decided_on", "-id")


def disciplined_during(person_ids, start: date, end: date) -> set[int]:
    """Return who among ``person_ids`` was disciplined during [start, end]: an action decided
    in the period or in effect during it (rules.md §6: no performance bonus), one query."""
    # No end: a measure without a period (견책), in effect on its first day only.
    in_effect = Q(starts_on__lte=end) & (Q(ends_on__gte=start)
                                         | Q(ends_on__isnull=True, starts_on__gte=start))
    decided = Q(decided_on__gte=start, decided_on__lte=end)
    return set(DisciplinaryAction.objects.filter(decided | in_effect, person__in=person_ids)
               .values_list("person_id", flat=True).distinct())


def placements_shown(placements: list[Placement]) -> list[dict]:
    """Placements with the names a page shows, sorted by unit and seniority (three small
    lookups, not one per row)."""
    from core.org.models import Grade, Position

    people = dict(Person.objects.filter(pk__in=[p.person_id for p in placements])
                  .values_list("pk", "name"))
    units = {u.pk: u for u in Unit.objects.all()}
    grades = {g.pk: g for g in Grade.objects.all()}
    positions = {p.pk: p for p in Position.objects.all()}
    kinds = dict(AppointmentKind.choices)
    rows = [{"person_id": p.person_id, "name": people.get(p.person_id, ""),
             "unit": units.get(p.unit_id), "grade": grades.get(p.grade_id),
             "position": positions.get(p.position_id), "kind": kinds.get(p.kind, p.kind),
             "since": p.starts_on} for p in placements]
    rows.sort(key=lambda r: (r["unit"].sort_order if r["unit"] else 1 << 31,
                             r["unit"].name if r["unit"] else "",
                             r["position"].rank if r["position"] else 1 << 15,
                             r["grade"].rank if r["grade"] else 1 << 15, r["name"]))
    return rows


def appointments_for_export() -> QuerySet[Appointment]:
    """Every appointment, by employee number and date, with the names the sheet shows."""
    return (Appointment.objects.select_related("person", "unit", "grade", "position")
            .order_by("person__employee_number", "starts_on", "id"))


def visible_appointments(person: Person | None) -> QuerySet[Appointment]:
    """Everyone's appointments for HR officers and agency admins; one's own for others."""
    if person is None or not person.is_active:
        return Appointment.objects.none()
    appointments = (Appointment.objects.select_related("unit", "grade", "position")
                    .order_by("-starts_on", "-id"))
    return appointments if can_manage_org(person) else appointments.filter(person=person)
