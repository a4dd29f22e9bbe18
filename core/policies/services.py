"""Agency admins issue new versions of their rules; old versions stay for their periods."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.org.models import Position, Unit
from core.policies import selectors
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import (
    ABSENCE_REGISTRARS,
    ColleagueRecords,
    absence_registrars,
    policy_in_force,
)


def delegation_rules_update(*, final_positions: dict[str, str], effective_from: date, actor,
                            origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of 위임전결규정: document type → the position giving final approval."""
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
    with transaction.atomic():
        if Policy.objects.filter(kind=PolicyKind.DELEGATION,
                                 effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _(
                "같은 날짜에 시작하는 규정이 이미 있습니다. 다른 시작일을 고르세요.")})
        policy = Policy.objects.create(
            kind=PolicyKind.DELEGATION, effective_from=effective_from, data={"rules": rules},
            source=current.source, standard_model_version=current.standard_model_version)
        event_record(EventType.DELEGATION_UPDATED, actor=actor, subject=policy,
                     origin=origin, changes={"rules": [current.data["rules"], rules]})
    return policy


def line_templates_update(*, templates: list[dict], effective_from: date, actor,
                          origin: Origin = COMMAND_ORIGIN) -> Policy:
    """Issue a new version of the approval-line templates (결재선 템플릿). Each template names
    a document type and its boxes in order: reviewers and the approver by position (filled
    with the drafter's nearest heads), co-operators by unit (filled with the unit's head)."""
    current = policy_in_force(kind=PolicyKind.APPROVAL_LINES, on=effective_from)
    known = {"position": set(Position.objects.values_list("code", flat=True)),
             "unit": set(Unit.objects.filter(is_active=True).values_list("code", flat=True))}
    for template in templates:
        _check_line_template(template, known)
    with transaction.atomic():
        if Policy.objects.filter(kind=PolicyKind.APPROVAL_LINES,
                                 effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _(
                "같은 날짜에 시작하는 규정이 이미 있습니다. 다른 시작일을 고르세요.")})
        policy = Policy.objects.create(
            kind=PolicyKind.APPROVAL_LINES, effective_from=effective_from,
            data={"templates": templates}, source=current.source if current else "",
            standard_model_version=current.standard_model_version if current else "")
        event_record(EventType.LINE_TEMPLATES_UPDATED, actor=actor, subject=policy,
                     origin=origin, changes={"templates": [
                         current.data["templates"] if current else [], templates]})
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
    with transaction.atomic():
        if Policy.objects.filter(kind=kind, effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _(
                "같은 날짜에 시작하는 규정이 이미 있습니다. 다른 시작일을 고르세요.")})
        policy = Policy.objects.create(kind=kind, effective_from=effective_from, data=data)
        event_record(event_type, actor=actor, subject=policy, origin=origin, changes=changes)
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
