"""Agency admins draft, adopt and issue new versions of their rules; old versions stay for
their periods. Every version is checked against its kind's shape and the legal bounds of the
standard model, and may not start in the past (nor earlier than its kind allows)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.org.models import Position, Unit
from core.policies import selectors
from core.policies.kinds import KINDS, RuleKind, Shape
from core.policies.models import Policy, PolicyKind, PolicyStatus
from core.policies.selectors import (
    ABSENCE_REGISTRARS,
    ColleagueRecords,
    absence_registrars,
    policy_in_force,
    rulebook_forget,
)
from tenants.standard_models import load_standard_model


def _plain(value):
    """JSON as the rows keep it: whole numbers as numbers, other decimals as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else f"{value.normalize():f}"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def rule_data(rule: Shape) -> dict:
    return _plain(rule.model_dump(exclude_none=True))


def start_check(kind: RuleKind, start: date, today: date | None = None) -> None:
    """Refuse a start in the past, or earlier than the kind allows, with the reason."""
    refusal = kind.start_refusal(start, today or timezone.localdate())
    if refusal:
        raise ValidationError({"effective_from": refusal})


def _same_day_check(kind: str, start: date) -> None:
    if Policy.objects.filter(kind=kind, effective_from=start,
                             status=PolicyStatus.ADOPTED).exists():
        raise ValidationError({"effective_from": _(
            "같은 날짜에 시작하는 규정이 이미 있습니다. 다른 시작일을 고르세요.")})


def draft_save(*, kind: RuleKind, data: dict, actor, draft: Policy | None = None,
               source: str | None = None, standard_model_version: str | None = None,
               origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Save a draft version of ``kind`` (a new one, or ``draft`` changed); refused when the
    data breaks the kind's shape or the legal bounds, with every reason."""
    rule = kind.validate(data)
    current = policy_in_force(kind=kind.code, on=timezone.localdate())
    with transaction.atomic():
        if draft is None:
            draft = Policy(kind=kind.code, status=PolicyStatus.DRAFT)
            draft.source = current.source if current else ""
            draft.standard_model_version = current.standard_model_version if current else ""
        elif not draft.is_draft:
            raise ValidationError(_("채택된 버전은 고칠 수 없습니다. 새 초안을 만드세요."))
        before = draft.data if draft.pk else None
        draft.data = rule_data(rule)
        if source is not None:
            draft.source = source
        if standard_model_version is not None:
            draft.standard_model_version = standard_model_version
        draft.save()
        event_record(EventType.RULE_DRAFT_SAVED, actor=actor, subject=draft, origin=origin,
                     payload={"kind": kind.code}, changes={"data": [before, draft.data]})
    return draft


def draft_from_standard_model(*, kind: RuleKind, version: str, actor,
                              origin: Origin = COMMAND_ORIGIN) -> Policy:
    """A draft holding the standard model ``version``'s value of ``kind`` (표준모델 받기)."""
    try:
        row = next(p for p in load_standard_model(version)["policies"]
                   if p["kind"] == kind.code)
    except (KeyError, StopIteration):
        raise ValidationError(_("표준모델 %(version)s에는 이 규칙이 없습니다.")
                              % {"version": version}) from None
    current = policy_in_force(kind=kind.code, on=timezone.localdate())
    return draft_save(kind=kind, data=kind.standard_merge(current.data if current else None,
                                                          row["data"]),
                      actor=actor, source=row["source"], standard_model_version=version,
                      origin=origin)


def draft_discard(*, draft: Policy, actor, origin: Origin = COMMAND_ORIGIN) -> None:
    if not draft.is_draft:
        raise ValidationError(_("채택된 버전은 지울 수 없습니다."))
    with transaction.atomic():
        event_record(EventType.RULE_DRAFT_DISCARDED, actor=actor, subject=draft, origin=origin,
                     payload={"kind": draft.kind})
        draft.delete()


def draft_adopt(*, draft: Policy, effective_from: date, actor,
                origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Adopt ``draft`` from ``effective_from``: checked again against the bounds in force
    today and the kind's earliest start; recorded with what changed."""
    kind = KINDS[draft.kind]
    if not draft.is_draft:
        raise ValidationError(_("이미 채택된 버전입니다."))
    start_check(kind, effective_from)
    kind.validate(draft.data)
    before = policy_in_force(kind=kind.code, on=effective_from)
    with transaction.atomic():
        draft = Policy.objects.select_for_update().get(pk=draft.pk)
        if not draft.is_draft:
            raise ValidationError(_("이미 채택된 버전입니다."))
        _same_day_check(kind.code, effective_from)
        draft.status = PolicyStatus.ADOPTED
        draft.effective_from = effective_from
        draft.adopted_at = timezone.now()
        draft.save(update_fields=["status", "effective_from", "adopted_at"])
        event_record(EventType.RULE_ADOPTED, actor=actor, subject=draft, origin=origin,
                     payload={"kind": kind.code, "effective_from": effective_from.isoformat()},
                     changes={"data": [before.data if before else None, draft.data]})
    rulebook_forget()
    return draft


def delegation_rules_update(*, final_positions: dict[str, str], effective_from: date, actor,
                            origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of 위임전결규정: document type → the position giving final approval."""
    start_check(KINDS[PolicyKind.DELEGATION], effective_from)
    current = policy_in_force(kind=PolicyKind.DELEGATION, on=effective_from)
    if current is None:
        raise ValidationError(_("적용 중인 위임전결규정이 없습니다."))
    known = set(Position.objects.values_list("code", flat=True))
    unknown = sorted(set(final_positions.values()) - known)
    if unknown:
        raise ValidationError(_("알 수 없는 직위입니다: %(codes)s") % {"codes": ", ".join(unknown)})
    rules = [{**rule, "final_position": final_positions.get(rule["document_type"],
                                                             rule["final_position"])}
             for rule in current.data["rules"]]
    KINDS[PolicyKind.DELEGATION].validate({"rules": rules})
    with transaction.atomic():
        _same_day_check(PolicyKind.DELEGATION, effective_from)
        policy = Policy.objects.create(
            kind=PolicyKind.DELEGATION, effective_from=effective_from, data={"rules": rules},
            source=current.source, standard_model_version=current.standard_model_version)
        event_record(EventType.DELEGATION_UPDATED, actor=actor, subject=policy,
                     origin=origin, changes={"rules": [current.data["rules"], rules]})
    rulebook_forget()
    return policy


def line_templates_update(*, templates: list[dict], effective_from: date, actor,
                          origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of the approval-line templates (결재선 템플릿). Each template names
    a document type and its boxes in order: reviewers and the approver by position (filled
    with the drafter's nearest heads), co-operators by unit (filled with the unit's head)."""
    start_check(KINDS[PolicyKind.APPROVAL_LINES], effective_from)
    current = policy_in_force(kind=PolicyKind.APPROVAL_LINES, on=effective_from)
    known = {"position": set(Position.objects.values_list("code", flat=True)),
             "unit": set(Unit.objects.filter(is_active=True).values_list("code", flat=True))}
    for template in templates:
        _check_line_template(template, known)
    KINDS[PolicyKind.APPROVAL_LINES].validate({"templates": templates})
    with transaction.atomic():
        _same_day_check(PolicyKind.APPROVAL_LINES, effective_from)
        policy = Policy.objects.create(
            kind=PolicyKind.APPROVAL_LINES, effective_from=effective_from,
            data={"templates": templates}, source=current.source if current else "",
            standard_model_version=current.standard_model_version if current else "")
        event_record(EventType.LINE_TEMPLATES_UPDATED, actor=actor, subject=policy,
                     origin=origin, changes={"templates": [
                         current.data["templates"] if current else [], templates]})
    rulebook_forget()
    return policy


def _check_line_template(template: dict, known: dict[str, set[str]]) -> None:
    """``known``: the agency's position codes and active unit codes."""
    name = template.get("name", "").strip()
    steps = template.get("steps", [])
    if not name or not template.get("document_type"):
        raise ValidationError(_("템플릿마다 이름과 문서 유형을 지정하세요."))
    if not steps or steps[-1].get("role") != "approver" or not steps[-1].get("position"):
        raise ValidationError(_("'%(name)s' 템플릿의 마지막 칸은 결재권자 직위여야 합니다.")
                              % {"name": name})
    for step in steps:
        kind = "unit" if step.get("unit") else "position"
        if step.get(kind) not in known[kind]:
            raise ValidationError(_("'%(name)s' 템플릿에 알 수 없는 직위나 부서가 있습니다.")
                                  % {"name": name})


def _version_issue(*, kind: str, effective_from: date, data: dict, event_type: EventType,
                   changes: dict, actor, origin: Origin) -> Policy:
    """Add a dated version of a simple rule and record it; one version per start date."""
    start_check(KINDS[kind], effective_from)
    KINDS[kind].validate(data)
    with transaction.atomic():
        _same_day_check(kind, effective_from)
        policy = Policy.objects.create(kind=kind, effective_from=effective_from, data=data)
        event_record(event_type, actor=actor, subject=policy, origin=origin, changes=changes)
    rulebook_forget()
    return policy


def transparency_update(*, colleague_records: str, effective_from: date, actor,
                        origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of 업무 공개 범위: what colleagues see of each other's work."""
    choices = dict(ColleagueRecords.CHOICES)
    if colleague_records not in choices:
        raise ValidationError({"colleague_records": _("알 수 없는 공개 범위입니다.")})
    before = selectors.colleague_records(on=effective_from)
    return _version_issue(
        kind=PolicyKind.TRANSPARENCY, effective_from=effective_from,
        data={"colleague_records": colleague_records},
        event_type=EventType.TRANSPARENCY_UPDATED, actor=actor, origin=origin,
        changes={"colleague_records": [str(choices[before]), str(choices[colleague_records])]})


def absence_registrars_update(*, registrars: set[str], effective_from: date, actor,
                              origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of who may register someone's absence with its acting official:
    any of the person themself, their unit head, HR officers and agency admins."""
    chosen = sorted(set(registrars))
    if not chosen or not set(chosen) <= set(ABSENCE_REGISTRARS):
        raise ValidationError({"registrars": _("부재를 등록할 수 있는 사람을 하나 이상 고르세요.")})
    before = sorted(absence_registrars(on=effective_from))
    return _version_issue(
        kind=PolicyKind.ABSENCE_REGISTRARS, effective_from=effective_from,
        data={"registrars": chosen}, event_type=EventType.ABSENCE_REGISTRARS_UPDATED,
        actor=actor, origin=origin, changes={"registrars": [before, chosen]})
