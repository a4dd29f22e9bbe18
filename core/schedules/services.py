"""Change schedules. Every write checks who may make it, runs in a transaction and appends an
audit event in that same transaction."""

import secrets
from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record, field_changes
from core.org.models import Person
from core.org.selectors import is_agency_admin
from core.schedules.models import KST, Entry, FeedToken, Scope
from core.schedules.selectors import can_create, can_edit

ENTRY_FIELDS = ("title", "starts_at", "ends_at", "all_day", "location", "note", "scope",
                "is_key")
MAX_NOTE_CHARS = 5000
# A work calendar's range. Before 1908 Korean time is local mean time (UTC+08:27:52), whose
# offset RFC 3339 cannot write: year 784 was accepted and came back as an invalid date-time.
FIRST_YEAR, LAST_YEAR = 1950, 2100


def _clean(fields: dict) -> dict:
    """Validate an entry's complete set of fields; raise ValidationError in Korean."""
    fields = {**fields, "title": (fields.get("title") or "").strip(),
              "location": (fields.get("location") or "").strip(),
              "note": (fields.get("note") or "").strip()}
    errors: dict[str, str] = {}
    if not fields["title"]:
        errors["title"] = _("제목을 입력하세요.")
    elif len(fields["title"]) > 200:
        errors["title"] = _("제목은 200자 이내로 입력하세요.")
    if len(fields["location"]) > 200:
        errors["location"] = _("장소는 200자 이내로 입력하세요.")
    if len(fields["note"]) > MAX_NOTE_CHARS:
        errors["note"] = _("메모는 5,000자 이내로 입력하세요.")
    if fields["scope"] not in Scope.values:
        errors["scope"] = _("일정 구분을 다시 선택하세요.")
    errors.update(_time_errors(fields["starts_at"], fields["ends_at"], fields["all_day"]))
    if errors:
        raise ValidationError(errors)
    return fields


def _time_errors(starts_at: datetime, ends_at: datetime, all_day: bool) -> dict[str, str]:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        return {"starts_at": _("시간대가 없는 일시는 받을 수 없습니다.")}
    if ends_at <= starts_at:
        return {"ends_at": _("종료 일시는 시작 일시보다 뒤여야 합니다.")}
    if not (FIRST_YEAR <= starts_at.astimezone(KST).year
            and ends_at.astimezone(KST).year <= LAST_YEAR):
        return {"starts_at": _("일정은 %(first)d년부터 %(last)d년 사이로 입력하세요.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}}
    midnight = time(0, 0)
    if all_day and (starts_at.astimezone(KST).time() != midnight
                    or ends_at.astimezone(KST).time() != midnight):
        return {"starts_at": _("하루 종일 일정은 한국 시각 자정부터 자정까지여야 합니다.")}
    return {}


def _unit_for(scope: str, actor: Person, current: Entry | None = None):
    if scope != Scope.UNIT:
        return None
    if current is not None and current.scope == Scope.UNIT:
        return current.unit
    return actor.unit


def _lock(entry: Entry) -> Entry:
    """Lock the entry row (not its unit, which may be absent: an outer join)."""
    return Entry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=entry.pk)


def _summary(entry: Entry) -> dict:
    return {"title": entry.title, "scope": entry.scope, "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(), "is_key": entry.is_key}


def _entry_event(event_type: EventType, entry: Entry, actor: Person, origin: Origin,
                 changes: dict) -> None:
    event_record(event_type, actor=actor, subject=entry, person_id=entry.owner_id,
                 unit_id=entry.unit_id, payload={"title": entry.title[:200]}, changes=changes,
                 origin=origin)


def entry_create(*, actor: Person, title: str, starts_at: datetime, ends_at: datetime,
                 all_day: bool = False, location: str = "", note: str = "",
                 scope: str = Scope.PERSONAL, is_key: bool = False,
                 origin: Origin = COMMAND_ORIGIN) -> Entry:
    """Add an entry to the actor's personal, unit or agency calendar."""
    fields = _clean({"title": title, "starts_at": starts_at, "ends_at": ends_at,
                     "all_day": all_day, "location": location, "note": note, "scope": scope,
                     "is_key": is_key})
    if not can_create(actor, fields["scope"]):
        raise PermissionDenied(_("이 구분의 일정을 등록할 권한이 없습니다."))
    with transaction.atomic():
        entry = Entry.objects.create(owner=actor, unit=_unit_for(fields["scope"], actor),
                                     **fields)
        _entry_event(EventType.SCHEDULE_CREATED, entry, actor, origin, _summary(entry))
    return entry


def entry_update(*, entry: Entry, actor: Person, origin: Origin = COMMAND_ORIGIN,
                 **fields) -> Entry:
    """Change an entry; only its owner may move it to another scope."""
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    with transaction.atomic():
        entry = _lock(entry)
        if not can_edit(actor, entry):
            raise PermissionDenied(_("이 일정을 고칠 권한이 없습니다."))
        merged = _clean({name: fields.get(name, getattr(entry, name)) for name in ENTRY_FIELDS})
        if merged["scope"] != entry.scope and not (
            entry.owner_id == actor.pk and can_create(actor, merged["scope"])
        ):
            raise ValidationError({"scope": _("일정 구분을 바꿀 권한이 없습니다.")})
        merged["unit"] = _unit_for(merged["scope"], actor, entry)
        changes = field_changes(entry, merged)
        if not changes:
            return entry
        for name in changes:
            setattr(entry, name, merged[name])
        entry.save(update_fields=[*changes, "updated_at"])
        _entry_event(EventType.SCHEDULE_UPDATED, entry, actor, origin, changes)
    return entry


def entry_delete(*, entry: Entry, actor: Person, origin: Origin = COMMAND_ORIGIN) -> None:
    with transaction.atomic():
        entry = _lock(entry)
        if not can_edit(actor, entry):
            raise PermissionDenied(_("이 일정을 지울 권한이 없습니다."))
        _entry_event(EventType.SCHEDULE_DELETED, entry, actor, origin, _summary(entry))
        entry.delete()


def feed_token_rotate(*, person: Person, actor: Person,
                      origin: Origin = COMMAND_ORIGIN) -> FeedToken:
    """Issue a new feed link for the actor's own calendar; the old link stops working."""
    if actor.pk != person.pk or not person.is_active:
        raise PermissionDenied(_("본인의 구독 링크만 만들 수 있습니다."))
    key, now = secrets.token_urlsafe(32), timezone.now()
    with transaction.atomic():
        token = FeedToken.objects.select_for_update().filter(person=person).first()
        if token is None:
            token = FeedToken.objects.create(person=person, key=key, created_at=now)
        else:
            token.key, token.created_at = key, now
            token.save(update_fields=["key", "created_at"])
        # The secret itself never goes into the trail.
        event_record(EventType.FEED_ROTATED, actor=actor, subject=person, person_id=person.pk,
                     origin=origin)
    return token


def feed_token_revoke(*, person: Person, actor: Person, origin: Origin = COMMAND_ORIGIN) -> None:
    """Cut a feed link: the person themself, or an agency admin (e.g. after a lost device)."""
    if actor.pk != person.pk and not is_agency_admin(actor):
        raise PermissionDenied(_("이 구독 링크를 끊을 권한이 없습니다."))
    with transaction.atomic():
        token = FeedToken.objects.select_for_update().filter(person=person).first()
        if token is None:
            return
        token.delete()
        event_record(EventType.FEED_REVOKED, actor=actor, subject=person, person_id=person.pk,
                     origin=origin)
