"""Change the org chart. Every write runs in a transaction and appends an audit event."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record, field_changes
from core.org.models import (
    ADDITIONAL_KINDS,
    API_TOKEN_DAYS_MAX,
    API_TOKEN_DAYS_MIN,
    Absence,
    Appointment,
    AppointmentKind,
    DisciplinaryAction,
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
from core.org.selectors import (
    API_TOKEN_DAYS_CACHE_KEY,
    absence_overlaps,
    appointment_of,
    grantable_roles,
    may_change_account,
    person_for_user,
)
from core.policies.models import Policy

User = get_user_model()
EMAIL_CHANGE_SALT = "harmony.org.email_change"
EMAIL_CHANGE_MAX_AGE = timedelta(days=3)

PERSON_FIELDS = ("name", "email", "unit", "grade", "position", "phone", "status")
UNIT_FIELDS = ("name", "kind", "parent", "head", "sort_order", "postal_code", "address",
               "homepage", "phone", "fax")


def standard_model_apply(*, model: dict, effective_from: date, agency_name: str = "",
                         agency_kind: str = "") -> None:
    """Seed an empty agency schema with the standard model's reference data and rules, and
    the 발신명의 the standard model proposes for the agency."""
    from core.org.selectors import sending_authority_propose

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
    OrgSettings.objects.create(
        **model.get("sign_in", {}),
        sending_authority=sending_authority_propose(name=agency_name, kind=agency_kind)
        if agency_name else "")


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


def _acting_person(actor) -> Person | None:
    """The agency person behind ``actor`` (a person or a sign-in account)."""
    return actor if isinstance(actor, Person) else person_for_user(actor)


def _check_may_grant(actor, person: Person | None, codes: set[str]) -> None:
    """Roles are granted and taken away only by agency admins, never above their own, and
    nobody changes their own roles. ``actor`` None: a command run by the operator."""
    if actor is None or not codes:
        return
    granter = _acting_person(actor)
    if not codes <= grantable_roles(granter):
        raise ValidationError({"roles": _("역할은 기관 관리자만 부여하거나 회수할 수 있습니다.")})
    if person is not None and granter.pk == person.pk:
        raise ValidationError({"roles": _("자신의 역할은 다른 기관 관리자가 변경해야 합니다.")})


def _check_may_change_account(actor, person: Person) -> None:
    """An admin's or HR officer's sign-in e-mail and status only another admin changes."""
    if actor is not None and not may_change_account(_acting_person(actor), person):
        raise ValidationError({NON_FIELD_ERRORS: _(
            "기관 관리자와 인사담당자의 계정(이메일·역할·상태)은 다른 기관 관리자만 변경할 수 "
            "있습니다.")})


def person_create(*, actor, origin: Origin = COMMAND_ORIGIN, roles: list[str] = (),
                  employee_number: str, hired_on: date | None = None, **fields) -> Person:
    """Register a person with their 신규임용 appointment (from ``hired_on``, else today)."""
    fields["email"] = fields.get("email", "").lower()
    roles = sorted(set(roles) or {RoleCode.STAFF})
    # Everyone starts as staff; any other role is a grant.
    _check_may_grant(actor, None, set(roles) - {RoleCode.STAFF})
    with transaction.atomic():
        if Person.objects.filter(employee_number=employee_number).exists():
            raise ValidationError({"employee_number": _("이미 등록된 직원번호입니다.")})
        _check_unique_email(fields["email"], None)
        person = Person.objects.create(employee_number=employee_number, **fields)
        person.roles.set(Role.objects.filter(code__in=roles))
        _account_sync(person)
        Appointment.objects.create(
            person=person, kind=AppointmentKind.HIRE, unit=person.unit, grade=person.grade,
            position=person.position, starts_on=hired_on or timezone.localdate(),
            reason=_("직원 등록"))
        event_record(EventType.PERSON_CREATED, actor=actor, subject=person, origin=origin,
                     person_id=person.pk, unit_id=person.unit_id,
                     changes={"employee_number": employee_number,
                              "roles": _role_names(roles or [RoleCode.STAFF])})
    _people_count_changed()
    return person


def person_update(*, person: Person, actor, origin: Origin = COMMAND_ORIGIN, **fields) -> Person:
    """Change a person's record. A new sign-in e-mail of an existing account is not applied
    here: it is confirmed from the new address and announced to the old one."""
    if "email" in fields:
        fields["email"] = fields["email"].lower()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        _check_unique_email(fields.get("email", ""), person.pk)
        changes = field_changes(person, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
        if not changes:
            return person
        if {"email", "status"} & set(changes):
            _check_may_change_account(actor, person)
        # Clearing the contact address leaves the account as it is (see _account_sync).
        if person.user_id and changes.get("email", ["", ""])[1]:
            new_email = changes.pop("email")[1]
            _email_change_request(person, new_email, actor=actor, origin=origin)
        if not changes:
            return person
        for name in changes:
            setattr(person, name, fields[name])
        person.save(update_fields=list(changes))
        _account_sync(person)
        if {"unit", "grade", "position", "status"} & set(changes):
            _appointment_follow_edit(person, changes)
        event_record(EventType.PERSON_UPDATED, actor=actor, subject=person, origin=origin,
                     person_id=person.pk, unit_id=person.unit_id, changes=changes)
    if "status" in changes:
        _people_count_changed()
    return person


def _role_names(codes) -> list[str]:
    return [str(RoleCode(code).label) for code in sorted(codes)]
def _email_change_request(person: Person, new_email: str, *, actor, origin: Origin) -> None:
    """Mail a signed confirmation link to the new address and a notice to the old one."""
    old_email = person.user.email
    if User.objects.filter(email=new_email).exclude(pk=person.user_id).exists():
        raise ValidationError({"email": _("이미 다른 계정이 사용하는 이메일입니다.")})
    token = signing.dumps({"schema": connection.schema_name, "person": person.pk,
                           "user": person.user_id, "old": old_email, "new": new_email},
                          salt=EMAIL_CHANGE_SALT)
    event_record(EventType.EMAIL_CHANGE_REQUESTED, actor=actor, subject=person,
                 origin=origin, changes={"email": [old_email, new_email]})
    context = {"person": person.name, "old": old_email, "new": new_email,
               "by": str(_acting_person(actor) or actor) if actor else "",
               "url": _agency_link(reverse("org:email_confirm", kwargs={"token": token})),
               "days": EMAIL_CHANGE_MAX_AGE.days}
    transaction.on_commit(lambda: _mail("org/email/email_change_confirm", new_email, context),
                          robust=True)
    transaction.on_commit(lambda: _mail("org/email/email_change_notice", old_email, context),
                          robust=True)


def email_change_pending(token: str) -> dict:
    """The change a confirmation link asks for, or a refusal when it is forged, expired,
    from another agency or already used."""
    try:
        change = signing.loads(token, salt=EMAIL_CHANGE_SALT,
                               max_age=EMAIL_CHANGE_MAX_AGE.total_seconds())
    except signing.BadSignature as error:
        raise ValidationError(_("확인 링크가 올바르지 않거나 만료되었습니다.")) from error
    if change.get("schema") != connection.schema_name:
        raise ValidationError(_("확인 링크가 올바르지 않거나 만료되었습니다."))
    return change


def person_email_confirm(*, token: str, origin: Origin = COMMAND_ORIGIN) -> Person:
    """Apply an e-mail change confirmed from the new address: the person's and the account's
    e-mail change together, once."""
    change = email_change_pending(token)
    with transaction.atomic():
        person = (Person.objects.select_for_update().select_related("user")
                  .filter(pk=change["person"], user_id=change["user"]).first())
        if person is None or person.user.email != change["old"]:
            raise ValidationError(_("이미 처리되었거나 더 이상 유효하지 않은 확인 링크입니다."))
        _check_unique_email(change["new"], person.pk)
        if User.objects.filter(email=change["new"]).exclude(pk=person.user_id).exists():
            raise ValidationError(_("이미 다른 계정이 사용하는 이메일입니다."))
        person.email = change["new"]
        person.save(update_fields=["email"])
        _account_sync(person)
        event_record(EventType.EMAIL_CHANGED, actor=person, subject=person, origin=origin,
                     changes={"email": [change["old"], change["new"]]})
    return person


def _agency_link(path: str) -> str:
    """An absolute link on the agency's own canonical domain (never the request's Host)."""
    from tenants.models import Agency
    from tenants.services import agency_base_url

    return agency_base_url(Agency.objects.get(schema_name=connection.schema_name)) + path


def _mail(template: str, to: str, context: dict) -> None:
    send_mail(subject=render_to_string(f"{template}_subject.txt", context).strip(),
              message=render_to_string(f"{template}.txt", context), from_email=None,
              recipient_list=[to])


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
        _check_may_grant(actor, person, set(old) ^ set(new))
        person.roles.set(Role.objects.filter(code__in=new))
        event_record(EventType.ROLES_CHANGED, actor=actor, subject=person, origin=origin,
                     person_id=person.pk, changes={"roles": [_role_names(old), _role_names(new)]})
    return person


def people_export_record(*, actor, filters: dict, origin: Origin = COMMAND_ORIGIN) -> None:
    """Record an XLSX export of the people list (personal data leaving the system)."""
    event_record(EventType.PEOPLE_EXPORTED, actor=actor, subject_label="people",
                 origin=origin, changes={k: str(v) for k, v in filters.items() if v})


def unit_create(*, actor, origin: Origin = COMMAND_ORIGIN, **fields) -> Unit:
    with transaction.atomic():
        if Unit.objects.filter(code=fields["code"]).exists():
            raise ValidationError({"code": _("이미 등록된 부서코드입니다.")})
        unit = Unit.objects.create(**fields)
        event_record(EventType.UNIT_CREATED, actor=actor, subject=unit, origin=origin,
                     unit_id=unit.pk, changes={"code": unit.code, "parent": str(unit.parent or "")})
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
        event_record(EventType.UNIT_UPDATED, actor=actor, subject=unit, origin=origin,
                     unit_id=unit.pk, changes=changes)
    return unit


def _check_no_cycle(unit: Unit, parent: Unit | None) -> None:
    seen = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == unit.pk:
            raise ValidationError({"parent": _("하위 부서를 상위 부서로 지정할 수 없습니다.")})
        seen.add(parent.pk)
        parent = parent.parent


def org_settings_update(*, privileged_mfa_required: bool, api_token_days: int,
                        privileged_mfa_opt_out_reason: str = "",
                        sending_authority: str | None = None,
                        contact: dict[str, str] | None = None, actor,
                        origin: Origin = COMMAND_ORIGIN) -> OrgSettings:
    """Change the agency's sign-in rules and its 발신명의. MFA for admins and HR officers goes
    off only with a recorded reason; turning it back on clears the reason."""
    if sending_authority is not None and not sending_authority.strip():
        raise ValidationError({"sending_authority": _("발신명의를 입력하세요.")})
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
        values = {"privileged_mfa_required": privileged_mfa_required,
                  "privileged_mfa_opt_out_reason": reason, "api_token_days": api_token_days}
        if sending_authority is not None:
            values["sending_authority"] = sending_authority.strip()[:100]
        for field, value in (contact or {}).items():
            values[field] = (value or "").strip()[:OrgSettings._meta.get_field(field).max_length]
        changes = field_changes(row, values)
        if not changes:
            return row
        event_record(EventType.ORG_SETTINGS_CHANGED, actor=actor, subject=row,
                     subject_label=_("기관 설정"), changes=changes, origin=origin)
        for field, value in values.items():
            setattr(row, field, value)
        row.save(update_fields=list(changes))
        transaction.on_commit(lambda: cache.delete(API_TOKEN_DAYS_CACHE_KEY))
    return row


def setup_checklist_dismiss(*, actor, origin: Origin = COMMAND_ORIGIN) -> OrgSettings:
    """Hide the first-steps checklist on 한눈에 for the agency's admins."""
    with transaction.atomic():
        row, _created = OrgSettings.objects.select_for_update().get_or_create(singleton=True)
        if row.setup_checklist_dismissed:
            return row
        event_record(EventType.ORG_SETTINGS_CHANGED, actor=actor, subject=row,
                     subject_label=_("기관 설정"),
                     changes={"setup_checklist_dismissed": [False, True]}, origin=origin)
        row.setup_checklist_dismissed = True
        row.save(update_fields=["setup_checklist_dismissed"])
    return row


# Set while a bulk change (an import of thousands of rows) runs: head-count changes are only
# noted, and the agency's head-count is refreshed once when the bulk change ends.
_count_deferral: ContextVar[list[bool] | None] = ContextVar("people_count_deferral",
                                                            default=None)


@contextmanager
def people_count_deferred() -> Iterator[None]:
    """Refresh the agency's head-count once after the block, not once per person changed."""
    noted: list[bool] = []
    token = _count_deferral.set(noted)
    try:
        yield
    finally:
        _count_deferral.reset(token)
    if noted:  # not reached when the block raised: a rolled-back change changed nothing
        _people_count_changed()


def _people_count_changed() -> None:
    from tenants.services import agency_refresh_people_count

    noted = _count_deferral.get()
    if noted is not None:
        noted.append(True)
        return
    schema_name = connection.schema_name
    transaction.on_commit(lambda: agency_refresh_people_count(schema_name=schema_name))


# --- History: appointments (발령), absences, discipline (징계) --------------------------------

PLACEMENT_FIELDS = ("unit", "grade", "position")
APPOINTMENT_FIELDS = ("kind", "unit", "grade", "position", "starts_on", "ends_on", "reason")


def _appointment_follow_edit(person: Person, changes: dict) -> None:
    """A unit, grade, post or status changed on the person's record is an appointment from
    today, so the history keeps answering where they are: 전보, 승진 to a more senior grade,
    퇴직 when they leave, 신규임용 when someone who had left comes back."""
    today = timezone.localdate()
    current = (Appointment.objects.select_for_update()
               .filter(person=person, primary=True, ends_on__isnull=True).first())
    if current is None or current.starts_on > today:
        return
    kind = _edit_kind(person, current, changes)
    placement = {name: getattr(person, name) for name in PLACEMENT_FIELDS}
    if current.starts_on == today:  # the same day: it is that appointment, corrected
        for name, value in placement.items():
            setattr(current, name, value)
        if "status" in changes:
            current.kind = kind
        current.save(update_fields=[*PLACEMENT_FIELDS, "kind"])
        return
    current.ends_on = today - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    Appointment.objects.create(person=person, starts_on=today, reason=_("직원 정보 수정"),
                               kind=kind, **placement)


def _edit_kind(person: Person, current: Appointment, changes: dict) -> str:
    if "status" in changes:
        return (AppointmentKind.RETIREMENT if person.status == PersonStatus.LEFT
                else AppointmentKind.HIRE)
    old_grade = current.grade
    promoted = ("grade" in changes and person.grade is not None
                and (old_grade is None or person.grade.rank < old_grade.rank))
    return AppointmentKind.PROMOTION if promoted else AppointmentKind.TRANSFER


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("사유를 적어 주세요.")})
    return reason


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _(
            "시작일은 오늘 이후일 수 없습니다. 발령은 시행일 당일부터 기록합니다.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("종료일은 시작일 이후여야 합니다.")})


def _fit_primary(person: Person, starts_on: date, ends_on: date | None, *,
                 exclude: int | None = None) -> tuple[date | None, Appointment | None]:
    """Fit a primary appointment into the person's chain: return its end (the day before the
    next one when not given) and the open appointment it closes, or refuse an overlap."""
    others = list(Appointment.objects.filter(person=person, primary=True)
                  .exclude(pk=exclude).order_by("starts_on"))
    if any(other.starts_on == starts_on for other in others):
        raise ValidationError({"starts_on": _("같은 날 시작하는 본직 발령이 이미 있습니다.")})
    before = [other for other in others if other.starts_on < starts_on]
    after = [other for other in others if other.starts_on > starts_on]
    if after:
        following = after[0].starts_on
        if ends_on is None:
            ends_on = following - timedelta(days=1)
        elif ends_on >= following:
            raise ValidationError({"ends_on": _(
                "다음 발령(%(date)s) 전날까지만 지정할 수 있습니다.") % {"date": following}})
    to_close = None
    if before:
        previous = before[-1]
        if previous.ends_on is None:
            to_close = previous
        elif previous.ends_on >= starts_on:
            raise ValidationError({"starts_on": _(
                "이전 발령(%(start)s ~ %(end)s)과 기간이 겹칩니다.")
                % {"start": previous.starts_on, "end": previous.ends_on}})
    return ends_on, to_close


def _carry_over(person: Person, starts_on: date, placement: dict) -> dict:
    """Unit, grade and post not given stay as they were on the day before (a promotion names
    only the new grade)."""
    previous = appointment_of(person, starts_on - timedelta(days=1))
    return {name: value if value is not None else getattr(previous, name, None)
            for name, value in placement.items()}


def _person_follow(person: Person, actor) -> dict:
    """Keep the person's current unit, grade, post and status those of the appointment in
    force today; return what changed."""
    current = appointment_of(person, timezone.localdate())
    if current is None:
        return {}
    wanted = {name: getattr(current, name) for name in PLACEMENT_FIELDS}
    wanted["status"] = (PersonStatus.LEFT if current.kind == AppointmentKind.RETIREMENT
                        else PersonStatus.ACTIVE)
    changes = field_changes(person, wanted)
    if not changes:
        return {}
    if "status" in changes:
        _check_may_change_account(actor, person)
    for name in changes:
        setattr(person, name, wanted[name])
    person.save(update_fields=list(changes))
    if "status" in changes:
        _account_sync(person)
        _people_count_changed()
    return changes


def _appointment_changes(appointment: Appointment) -> dict:
    return {"kind": str(appointment.get_kind_display()), "starts_on": str(appointment.starts_on)}


def appointment_record(*, person: Person, kind: str, starts_on: date, reason: str,
                       unit: Unit | None = None, grade: Grade | None = None,
                       position: Position | None = None, ends_on: date | None = None,
                       actor, origin: Origin = COMMAND_ORIGIN) -> Appointment:
    """Record an appointment (발령). A primary one closes the one it follows, and the
    person's current unit, grade, post and status follow the appointment in force today."""
    reason = _require_reason(reason)
    _check_dates(starts_on, ends_on)
    primary = kind not in ADDITIONAL_KINDS
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        placement = {"unit": unit, "grade": grade, "position": position}
        if primary:
            placement = _carry_over(person, starts_on, placement)
            ends_on, to_close = _fit_primary(person, starts_on, ends_on)
            if to_close is not None:
                to_close.ends_on = starts_on - timedelta(days=1)
                to_close.save(update_fields=["ends_on"])
        elif placement["unit"] is None and placement["position"] is None:
            raise ValidationError({"unit": _("겸임·직무대리는 부서나 직위를 지정해야 합니다.")})
        appointment = Appointment.objects.create(person=person, kind=kind, primary=primary,
                                                 starts_on=starts_on, ends_on=ends_on,
                                                 reason=reason, **placement)
        followed = _person_follow(person, actor)
        event_record(EventType.APPOINTMENT_RECORDED, actor=actor, subject=appointment,
                     person_id=person.pk, unit_id=appointment.unit_id, origin=origin,
                     payload={"kind": kind, "starts_on": str(starts_on)},
                     changes={**_appointment_changes(appointment), "reason": reason,
                              **followed})
    return appointment


def appointment_correct(*, appointment: Appointment, reason: str, actor,
                        origin: Origin = COMMAND_ORIGIN, **fields) -> Appointment:
    """Correct a recorded appointment (정정) with a reason; the before and after are
    audited and the person's current record follows."""
    reason = _require_reason(reason)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=appointment.person_id)
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        fields = {k: v for k, v in fields.items() if k in APPOINTMENT_FIELDS and k != "reason"}
        starts_on = fields.get("starts_on", appointment.starts_on)
        ends_on = fields.get("ends_on", appointment.ends_on)
        _check_dates(starts_on, ends_on)
        kind = fields.get("kind", appointment.kind)
        if (kind in ADDITIONAL_KINDS) == appointment.primary:
            raise ValidationError({"kind": _(
                "본직 발령과 겸임·직무대리는 서로 바꿀 수 없습니다. 새로 등록하세요.")})
        adjacent = {}
        if appointment.primary and starts_on != appointment.starts_on:
            adjacent = _previous_follow(appointment, starts_on)
        if appointment.primary:
            fitted, to_close = _fit_primary(appointment.person, starts_on, ends_on,
                                            exclude=appointment.pk)
            if to_close is not None and to_close.starts_on < starts_on:
                raise ValidationError({"starts_on": _(
                    "이전 발령(%(start)s ~)이 아직 끝나지 않았습니다.")
                    % {"start": to_close.starts_on}})
            if ends_on is None and fitted is not None:
                raise ValidationError({"ends_on": _(
                    "뒤에 다른 발령이 있어 종료일을 비울 수 없습니다.")})
        changes = field_changes(appointment, fields)
        if not changes:
            return appointment
        for name in changes:
            setattr(appointment, name, fields[name])
        appointment.reason = reason
        appointment.save(update_fields=[*changes, "reason"])
        followed = _person_follow(appointment.person, actor)
        event_record(EventType.APPOINTMENT_CORRECTED, actor=actor, subject=appointment,
                     person_id=appointment.person_id, unit_id=appointment.unit_id,
                     origin=origin,
                     payload={"kind": appointment.kind, "starts_on": str(appointment.starts_on)},
                     changes={**changes, "reason": reason, **adjacent, **followed})
    return appointment


def _previous_follow(appointment: Appointment, starts_on: date) -> dict:
    """A corrected start date moves the end of the appointment just before it along (it
    ended the day before), so the chain stays without gaps; return that change."""
    previous = (Appointment.objects.select_for_update()
                .filter(person_id=appointment.person_id, primary=True,
                        ends_on=appointment.starts_on - timedelta(days=1)).first())
    if previous is None or previous.starts_on >= starts_on:
        return {}
    new_end = starts_on - timedelta(days=1)
    change = {"previous_ends_on": [str(previous.ends_on), str(new_end)]}
    previous.ends_on = new_end
    previous.save(update_fields=["ends_on"])
    return change


def appointment_end(*, appointment: Appointment, ends_on: date, reason: str, actor,
                    origin: Origin = COMMAND_ORIGIN) -> Appointment:
    """End a concurrent post or acting duty (겸임·직무대리) on ``ends_on``. A primary
    appointment ends only by the next one (전보, 휴직, 퇴직 …)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.primary:
            raise ValidationError({"ends_on": _(
                "본직 발령은 다음 발령(전보·휴직·퇴직 등)을 등록하면 끝납니다.")})
        if ends_on < appointment.starts_on:
            raise ValidationError({"ends_on": _("종료일은 시작일 이후여야 합니다.")})
        changes = field_changes(appointment, {"ends_on": ends_on})
        if not changes:
            return appointment
        appointment.ends_on = ends_on
        appointment.save(update_fields=["ends_on"])
        event_record(EventType.APPOINTMENT_ENDED, actor=actor, subject=appointment,
                     person_id=appointment.person_id, unit_id=appointment.unit_id,
                     origin=origin,
                     payload={"kind": appointment.kind, "ends_on": str(ends_on)},
                     changes={**changes, "reason": reason})
    return appointment


def absence_record(*, person: Person, acting: Person, kind: str, starts_on: date,
                   ends_on: date, reason: str = "", actor: Person,
                   origin: Origin = COMMAND_ORIGIN) -> Absence:
    """Record leave or a business trip on the person's record with the acting official who
    signs meanwhile (who may register it is the caller's rule)."""
    if acting.pk == person.pk:
        raise ValidationError({"acting": _("자기 자신을 대결자로 지정할 수 없습니다.")})
    if not acting.is_active:
        raise ValidationError({"acting": _("퇴직·전출한 직원은 대결자가 될 수 없습니다.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("종료일은 시작일 이후여야 합니다.")})
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)  # one registration at a time
        if absence_overlaps(person=person, starts_on=starts_on, ends_on=ends_on):
            raise ValidationError(_("같은 기간에 이미 등록된 부재가 있습니다."))
        absence = Absence.objects.create(person=person, acting=acting, kind=kind,
                                         starts_on=starts_on, ends_on=ends_on, reason=reason)
        event_record(EventType.ABSENCE_REGISTERED, actor=actor, subject=absence,
                     person_id=person.pk, unit_id=person.unit_id,
                     audience={person.pk, acting.pk} - {actor.pk},
                     payload={"starts_on": str(starts_on), "ends_on": str(ends_on),
                              "kind": str(kind)},
                     changes={"person": person.name, "acting": acting.name,
                              "starts_on": str(starts_on), "ends_on": str(ends_on)},
                     origin=origin)
    return absence


def discipline_record(*, person: Person, kind: str, decided_on: date, starts_on: date,
                      ends_on: date | None = None, reason: str, actor,
                      origin: Origin = COMMAND_ORIGIN) -> DisciplinaryAction:
    """Record a disciplinary action (징계); it excludes the person from the performance
    bonus of a period it falls in (rules.md §6)."""
    reason = _require_reason(reason)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("종료일은 시작일 이후여야 합니다.")})
    if starts_on < decided_on:
        raise ValidationError({"starts_on": _("집행 시작일은 의결일 이후여야 합니다.")})
    with transaction.atomic():
        action = DisciplinaryAction.objects.create(
            person=person, kind=kind, decided_on=decided_on, starts_on=starts_on,
            ends_on=ends_on, reason=reason)
        event_record(EventType.DISCIPLINE_RECORDED, actor=actor, subject=action,
                     person_id=person.pk, origin=origin,
                     changes={"kind": str(action.get_kind_display()),
                              "decided_on": str(decided_on), "starts_on": str(starts_on),
                              "ends_on": str(ends_on or ""), "reason": reason})
    return action


def appointments_export_record(*, actor, origin: Origin = COMMAND_ORIGIN) -> None:
    """Record an XLSX export of the appointment history (personal data leaving the system)."""
    event_record(EventType.APPOINTMENTS_EXPORTED, actor=actor, subject_label="appointments",
                 origin=origin)
