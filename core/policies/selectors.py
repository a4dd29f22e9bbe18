"""Read the agency's rules in force."""

from datetime import date

from django.utils.translation import gettext as _

from core.org.models import Position, Unit
from core.policies.models import Policy, PolicyKind


def policy_in_force(*, kind: str, on: date) -> Policy | None:
    """Return the version of a rule that applies on ``on`` (the latest one started by then)."""
    rules = Policy.objects.filter(kind=kind, effective_from__lte=on)
    return rules.order_by("-effective_from").first()


class ColleagueRecords:
    """What colleagues may see of each other's record of work (업무 공개 범위)."""

    READABLE = "readable"  # the work items the viewer may read anyway (default)
    UNIT = "unit"  # the same, and only colleagues of the viewer's own unit
    NONE = "none"  # only one's own record (unit heads and admins still see their people)
    CHOICES = ((READABLE, _("열람 가능한 업무")), (UNIT, _("같은 부서 직원의 열람 가능한 업무")),
               (NONE, _("본인 기록만")))


def colleague_records(*, on: date) -> str:
    """The agency's rule for colleagues' records of work; evaluations are never part of
    them (each person sees only their own, and aggregates)."""
    policy = policy_in_force(kind=PolicyKind.TRANSPARENCY, on=on)
    value = policy.data.get("colleague_records") if policy else None
    return value if value in dict(ColleagueRecords.CHOICES) else ColleagueRecords.READABLE


def delegation_rules(*, on: date) -> list[dict]:
    """위임전결규정 in force: [{document_type, name, final_position}, ...]."""
    policy = policy_in_force(kind=PolicyKind.DELEGATION, on=on)
    return policy.data["rules"] if policy else []


# Who may register someone's absence with its acting official (대결): the person themself,
# the head of their unit, HR officers, agency admins. Without a rule of its own, an agency
# keeps this default (issue 13 §1).
ABSENCE_REGISTRARS = ("self", "head", "hr", "admin")
DEFAULT_ABSENCE_REGISTRARS = frozenset({"self", "head", "hr"})


def absence_registrars(*, on: date) -> frozenset[str]:
    """Who may register absences under the rule in force on ``on``."""
    policy = policy_in_force(kind=PolicyKind.ABSENCE_REGISTRARS, on=on)
    return frozenset(policy.data["registrars"]) if policy else DEFAULT_ABSENCE_REGISTRARS


def document_types(*, on: date) -> list[tuple[str, str]]:
    """The document types the delegation rules know, as (code, name) choices."""
    return [(rule["document_type"], rule.get("name") or rule["document_type"])
            for rule in delegation_rules(on=on)]



def readable_lines(policy: Policy) -> list[str] | None:
    """The delegation rules and line templates as an admin reads them (문서 유형 → 직위;
    템플릿: 검토 … → 결재 …), names instead of codes; None for the kinds shown as data."""
    positions = dict(Position.objects.values_list("code", "name"))
    if policy.kind == PolicyKind.DELEGATION:
        return [f"{rule.get('name') or rule['document_type']} → "
                f"{positions.get(rule['final_position'], rule['final_position'])}"
                for rule in policy.data["rules"]]
    if policy.kind == PolicyKind.APPROVAL_LINES:
        units = dict(Unit.objects.values_list("code", "name"))
        return [f"{template['name']}: "
                + " → ".join(_box(step, positions, units) for step in template["steps"])
                for template in policy.data["templates"]]
    if policy.kind == PolicyKind.TRANSPARENCY:
        value = policy.data.get("colleague_records", ColleagueRecords.READABLE)
        return [_("동료의 업무 기록: %(rule)s") % {
            "rule": dict(ColleagueRecords.CHOICES).get(value, value)}]
    return None


def _box(step: dict, positions: dict, units: dict) -> str:
    roles = {"reviewer": _("검토"), "cooperator": _("협조"), "approver": _("결재")}
    who = units.get(step["unit"], step["unit"]) if step.get("unit") else positions.get(
        step.get("position"), step.get("position"))
    return f"{roles.get(step['role'], step['role'])} {who}"
