"""Read the org chart, with the role checks every view and endpoint uses."""

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from core.org.models import OrgSettings, Person, PersonStatus, RoleCode, Unit

ORG_MANAGER_ROLES = {RoleCode.AGENCY_ADMIN, RoleCode.HR_OFFICER}
# Roles from the least to the most a person may do with them. Only agency admins grant or
# take away roles, and never one above their own highest (an admin's is the top, so an admin
# grants every role; the order keeps the rule explicit if the top ever changes).
ROLE_ORDER = (RoleCode.STAFF, RoleCode.UNIT_HEAD, RoleCode.RECORDS_OFFICER,
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
