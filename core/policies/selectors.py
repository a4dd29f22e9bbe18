"""Read the agency's rules in force, their drafts and history.

Within a request the adopted versions of every kind are read once (one query) and kept for
the rest of the request (``RulebookMiddleware``); each version's typed shape is parsed once
per agency and version (keyed by schema name and row id: adopted versions never change)."""

from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from core.policies.kinds import KINDS, RuleKind, Shape
from core.policies.models import Policy, PolicyKind, PolicyStatus

# schema name → kind → adopted versions, newest start first; None outside a request.
_rulebook: ContextVar[dict | None] = ContextVar("policies_rulebook", default=None)
_shapes: dict[tuple, Shape] = {}
_SHAPES_KEPT = 5000


class RulebookMiddleware:
    """Keep the rules read during one request for the rest of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _rulebook.set({})
        try:
            return self.get_response(request)
        finally:
            _rulebook.reset(token)


def rulebook_forget() -> None:
    """After a write: the request's later reads see it."""
    memo = _rulebook.get()
    if memo is not None:
        memo.pop(connection.schema_name, None)


def _adopted(kind: str) -> list[Policy]:
    memo = _rulebook.get()
    adopted = Policy.objects.filter(status=PolicyStatus.ADOPTED).order_by("-effective_from",
                                                                            "-id")
    if memo is None:
        return list(adopted.filter(kind=kind))
    schema = connection.schema_name
    if schema not in memo:
        by_kind: dict[str, list[Policy]] = defaultdict(list)
        for policy in adopted:
            by_kind[policy.kind].append(policy)
        memo[schema] = by_kind
    return memo[schema].get(kind, [])


def policy_in_force(*, kind: str, on: date) -> Policy | None:
    """Return the version of a rule that applies on ``on`` (the latest one started by then)."""
    return next((p for p in _adopted(kind) if p.effective_from <= on), None)


def rule_shape(policy: Policy) -> Shape:
    """The version's data as its kind's typed shape (parsed once per agency and version)."""
    # The row's creation time too: a schema recreated or restored may reuse ids.
    key = (connection.schema_name, policy.pk, policy.created_at)
    if policy.is_draft or policy.pk is None:
        return KINDS[policy.kind].parse(policy.data)
    if key not in _shapes:
        if len(_shapes) > _SHAPES_KEPT:
            _shapes.clear()
        _shapes[key] = KINDS[policy.kind].parse(policy.data)
    return _shapes[key]


@dataclass(frozen=True)
class RuleVersion:
    """A rule as a result pins it: the version's id (store it with the result), its start
    and its typed data. Read a pinned version back with ``rule_version_get(id)``."""

    id: int | None
    kind: str
    effective_from: date | None
    rule: Shape
    standard_model_version: str

    @property
    def label(self) -> str:
        name = _(KINDS[self.kind].label)
        if self.id is None:
            return _("%(kind)s 표준모델 기본값") % {"kind": name}
        return _("%(kind)s %(date)s 적용 버전 (#%(id)s)") % {
            "kind": name, "date": self.effective_from, "id": self.id}


def rule_version(*, kind: str, on: date) -> RuleVersion:
    """The version of ``kind`` in force on ``on``; the kind's default where the agency has
    none (the standard model's value or the kind's own), with no id."""
    policy = policy_in_force(kind=kind, on=on)
    if policy is not None:
        return RuleVersion(policy.pk, kind, policy.effective_from, rule_shape(policy),
                           policy.standard_model_version)
    data, _source, version = KINDS[kind].standard_default()
    return RuleVersion(None, kind, None, KINDS[kind].parse(data), version)


def rule_version_get(pk: int) -> RuleVersion:
    """A pinned version by its id, adopted or not (Policy.DoesNotExist when unknown)."""
    policy = Policy.objects.get(pk=pk)
    return RuleVersion(policy.pk, policy.kind, policy.effective_from, rule_shape(policy),
                       policy.standard_model_version)


def drafts(kind: str | None = None):
    rows = Policy.objects.filter(status=PolicyStatus.DRAFT).order_by("-created_at")
    return rows.filter(kind=kind) if kind else rows


def history(kind: str):
    """Adopted versions of ``kind``, newest start first."""
    return Policy.objects.filter(kind=kind, status=PolicyStatus.ADOPTED).order_by(
        "-effective_from")


def draft_get(kind: RuleKind, pk: int) -> Policy | None:
    return Policy.objects.filter(kind=kind.code, pk=pk).first()


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


@dataclass
class KindBook:
    """One kind as the rulebook shows it."""

    kind: RuleKind
    in_force: Policy | None
    rule: Shape
    items: list
    default_items: list
    default_version: str
    default_source: str
    bounds: list
    drafts: list
    history: list
    # The newest standard-model version whose value for this kind the agency has not taken.
    newer_standard: str | None

    @property
    def label(self) -> str:
        return _(self.kind.label)

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def take_label(self) -> str:
        return _(self.kind.take_label) % {"version": self.newer_standard}


def kind_book(kind: RuleKind, *, on: date, all_drafts=None, all_history=None) -> KindBook:
    from tenants.standard_models import latest_standard_model_version, version_key

    in_force = policy_in_force(kind=kind.code, on=on)
    version = rule_version(kind=kind.code, on=on)
    default, source, default_version = kind.standard_default()
    latest = latest_standard_model_version()
    adopted = [p for p in (all_history if all_history is not None else history(kind.code))
               if p.kind == kind.code]
    # Offered until a version from it is adopted (today or later), unless the value is the
    # same as the one in force.
    taken = any(version_key(p.standard_model_version or "0") >= version_key(latest)
                for p in adopted)
    newer = None
    if default_version == latest and default is not None and not taken and (
            in_force is None or kind.parse(default) != version.rule):
        newer = latest
    bounds = [(_(kind.bound_labels.get(code, code)), bound)
              for code, bound in kind.bounds().items()]
    return KindBook(
        kind=kind, in_force=in_force, rule=version.rule, items=kind.describe(version.rule),
        default_items=kind.describe(kind.parse(default)) if default is not None else [],
        default_version=default_version, default_source=source, bounds=bounds,
        drafts=[d for d in (all_drafts if all_drafts is not None else drafts(kind.code))
                if d.kind == kind.code],
        history=adopted,
        newer_standard=newer)


def rulebook(*, on: date) -> list[KindBook]:
    """Every kind: value in force, the standard model's default, bounds, drafts, history."""
    waiting = list(drafts())
    adopted = list(Policy.objects.filter(status=PolicyStatus.ADOPTED).order_by(
        "kind", "-effective_from"))
    return [kind_book(kind, on=on, all_drafts=waiting, all_history=adopted)
            for kind in KINDS.values()]
