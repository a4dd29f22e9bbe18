"""Change the org chart. Every write runs in a transaction and appends an audit event."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.audit.services import COMMAND_ORIGIN, Origin, audit_record, field_changes
from core.org.models import (
    API_TOKEN_DAYS_MAX,
    API_TOKEN_DAYS_MIN,
    Grade,
    OrgSettings,
    Person,
    PersonStatus,
    Position,
    Role,
    RoleCode,
    Unit,
    UnitKind,
)
from core.org.selectors import API_TOKEN_DAYS_CACHE_KEY
from core.policies.models import Policy

User = get_user_model()

PERSON_FIELDS = ("name", "email", "unit", "grade", "position", "phone", "status")
UNIT_FIELDS = ("name", "kind", "parent", "head", "sort_order")


def standard_model_apply(*, model: dict, effective_from: date) -> None:
    """Seed an empty agency schema with the standard model's reference data and rules."""
    version = model["version"]
    UnitKind.objects.bulk_create(UnitKind(**row) for row in model["unit_kinds"])
    Grade.objects.bulk_create(Grade(**row) for row in model["grades"])
    Position.objects.bulk_create(Position(**row) for row in model["positions"])
    Role.objects.bulk_create(Role(**row) for row in model["roles"])
    Policy.objects.bulk_create(
        Policy(kind=row["kind"], data=row["data"], source=row["source"],
               effective_from=effective_from, standard_model_version=version)
        for row in model["policies"]
    )
    OrgSettings.objects.create(**model.get("sign_in", {}))


def _account_sync(person: Person) -> None:
    """Give a person with an e-mail address a sign-in account (no password until they set
    one from the e-mailed link), keep its e-mail in step, and close it when they leave."""
    if not person.email:
        return
    if person.user_id is None:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, None)
        person.user = user
        person.save(update_fields=["user"])
    user = person.user
    active = person.status == PersonStatus.ACTIVE
    if user.email != person.email or user.is_active != active:
        user.email, user.is_active = person.email, active
        user.save(update_fields=["email", "is_active"])


def _check_unique_email(email: str, person_id: int | None) -> None:
    if email and Person.objects.filter(email=email).exclude(pk=person_id).exists():
        raise ValidationError({"email": _("이미 다른 직원이 사용하는 이메일입니다.")})


def person_create(*, actor, origin: Origin = COMMAND_ORIGIN, roles: list[str] = (),
                  employee_number: str, **fields) -> Person:
    fields["email"] = fields.get("email", "").lower()
    with transaction.atomic():
        if Person.objects.filter(employee_number=employee_number).exists():
            raise ValidationError({"employee_number": _("이미 등록된 직원번호입니다.")})
        _check_unique_email(fields["email"], None)
        person = Person.objects.create(employee_number=employee_number, **fields)
        person.roles.set(Role.objects.filter(code__in=roles or [RoleCode.STAFF]))
        _account_sync(person)
        audit_record(actor=actor, action="org.person_created", target=person, origin=origin,
                     changes={"employee_number": employee_number, "roles": sorted(roles)})
    _people_count_changed()
    return person


def person_update(*, person: Person, actor, origin: Origin = COMMAND_ORIGIN, **fields) -> Person:
    if "email" in fields:
        fields["email"] = fields["email"].lower()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        _check_unique_email(fields.get("email", ""), person.pk)
        changes = field_changes(person, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
        if not changes:
            return person
        for name in changes:
            setattr(person, name, fields[name])
        person.save(update_fields=list(changes))
        _account_sync(person)
        audit_record(actor=actor, action="org.person_updated", target=person, origin=origin,
                     changes=changes)
    if "status" in changes:
        _people_count_changed()
    return person


def person_set_roles(*, person: Person, roles: list[str], actor,
                     origin: Origin = COMMAND_ORIGIN) -> Person:
    """Replace a person's roles; the change is audited with the old and new sets."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        old = sorted(person.roles.values_list("code", flat=True))
        new = sorted(set(roles))
        if old == new:
            return person
        if not new:
            raise ValidationError({"roles": _("역할을 하나 이상 지정하세요.")})
        person.roles.set(Role.objects.filter(code__in=new))
        audit_record(actor=actor, action="org.roles_changed", target=person, origin=origin,
                     changes={"roles": [old, new]})
    return person


def unit_create(*, actor, origin: Origin = COMMAND_ORIGIN, **fields) -> Unit:
    with transaction.atomic():
        if Unit.objects.filter(code=fields["code"]).exists():
            raise ValidationError({"code": _("이미 등록된 부서코드입니다.")})
        unit = Unit.objects.create(**fields)
        audit_record(actor=actor, action="org.unit_created", target=unit, origin=origin,
                     changes={"code": unit.code, "parent": str(unit.parent or "")})
    return unit


def unit_update(*, unit: Unit, actor, origin: Origin = COMMAND_ORIGIN, **fields) -> Unit:
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        parent = fields.get("parent", unit.parent)
        _check_no_cycle(unit, parent)
        changes = field_changes(unit, {k: v for k, v in fields.items() if k in UNIT_FIELDS})
        if not changes:
            return unit
        for name in changes:
            setattr(unit, name, fields[name])
        unit.save(update_fields=list(changes))
        audit_record(actor=actor, action="org.unit_updated", target=unit, origin=origin,
                     changes=changes)
    return unit


def _check_no_cycle(unit: Unit, parent: Unit | None) -> None:
    seen = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == unit.pk:
            raise ValidationError({"parent": _("하위 부서를 상위 부서로 지정할 수 없습니다.")})
        seen.add(parent.pk)
        parent = parent.parent


def org_settings_update(*, privileged_mfa_required: bool, api_token_days: int,
                        privileged_mfa_opt_out_reason: str = "", actor,
                        origin: Origin = COMMAND_ORIGIN) -> OrgSettings:
    """Change the agency's sign-in rules. MFA for admins and HR officers goes off only with a
    recorded reason; turning it back on clears the reason."""
    reason = privileged_mfa_opt_out_reason.strip() if not privileged_mfa_required else ""
    if not privileged_mfa_required and not reason:
        raise ValidationError({"privileged_mfa_opt_out_reason": _(
            "2단계 인증을 끄려면 사유를 적어 주세요.")})
    if not API_TOKEN_DAYS_MIN <= api_token_days <= API_TOKEN_DAYS_MAX:
        raise ValidationError({"api_token_days": _(
            "API 토큰 유효 기간은 %(min)s일에서 %(max)s일 사이여야 합니다.")
            % {"min": API_TOKEN_DAYS_MIN, "max": API_TOKEN_DAYS_MAX}})
    with transaction.atomic():
        row, _created = OrgSettings.objects.select_for_update().get_or_create(singleton=True)
        changes = field_changes(row, {"privileged_mfa_required": privileged_mfa_required,
                                      "privileged_mfa_opt_out_reason": reason,
                                      "api_token_days": api_token_days})
        if not changes:
            return row
        audit_record(actor=actor, action="org.settings_changed", target_label="OrgSettings",
                     changes=changes, origin=origin)
        row.privileged_mfa_required = privileged_mfa_required
        row.privileged_mfa_opt_out_reason = reason
        row.api_token_days = api_token_days
        row.save(update_fields=list(changes))
        transaction.on_commit(lambda: cache.delete(API_TOKEN_DAYS_CACHE_KEY))
    return row


def _people_count_changed() -> None:
    from tenants.services import agency_refresh_people_count

    schema_name = connection.schema_name
    transaction.on_commit(lambda: agency_refresh_people_count(schema_name=schema_name))
