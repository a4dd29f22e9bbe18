"""Customer management rules: the agency's case types (민원·요청 유형) with their handling unit,
due date in working days, stages and whether the answer needs an approved document, and how
long customers' personal data is kept per kind of customer."""

from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.policies.kinds.base import RuleKind, Shape, Table

CUSTOMER_KINDS = {
    "official": gettext_noop("타부처 공무원"),
    "expert": gettext_noop("정책전문가"),
    "citizen": gettext_noop("국민"),
    "organisation": gettext_noop("단체·기업"),
}


class CaseType(Shape):
    code: str = Field(
        title=gettext_noop("유형 코드"), min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$"
    )
    name: str = Field(title=gettext_noop("유형"), min_length=1, max_length=100)
    handling_unit: str | None = Field(title=gettext_noop("처리 부서 코드"), default=None)
    due_days: int = Field(
        title=gettext_noop("처리기간"),
        ge=1,
        le=365,
        json_schema_extra={"unit": gettext_noop("일(근무일)")},
    )
    stages: list[str] = Field(title=gettext_noop("처리 단계"), default_factory=list)
    answer_needs_document: bool = Field(title=gettext_noop("답변에 결재 문서 필요"), default=False)
    public: bool = Field(title=gettext_noop("누리집 신청 가능"), default=True)


class Retention(Shape):
    kind: Literal["official", "expert", "citizen", "organisation"] = Field(
        title=gettext_noop("고객 유형")
    )
    years: int = Field(
        title=gettext_noop("보유 기간"), ge=1, le=10, json_schema_extra={"unit": gettext_noop("년")}
    )


class CaseTypes(Shape):
    types: list[CaseType] = Field(title=gettext_noop("민원 유형"), min_length=1)
    retention: list[Retention] = Field(
        title=gettext_noop("개인정보 보유 기간"), min_length=4, max_length=4
    )


class CaseTypesKind(RuleKind):
    code = "case_types"
    label = gettext_noop("민원 유형")
    shape = CaseTypes
    bound_labels = {"due_days_max": gettext_noop("처리기간 상한(근무일)")}

    def display(self, path, value):
        if path == "retention.kind":
            return _(CUSTOMER_KINDS[value])
        return value

    def describe(self, rule: CaseTypes):
        from core.org.models import Unit

        units = dict(Unit.objects.values_list("code", "name"))
        return [
            Table(
                "types",
                _("민원 유형"),
                [
                    _("유형"),
                    _("처리 부서"),
                    _("처리기간"),
                    _("처리 단계"),
                    _("답변에 결재 문서 필요"),
                    _("누리집 신청 가능"),
                ],
                [
                    [
                        t.name,
                        units.get(t.handling_unit, t.handling_unit or _("고객 담당관 배정")),
                        _("%(n)s일(근무일)") % {"n": t.due_days},
                        " → ".join(t.stages) or "—",
                        _("예") if t.answer_needs_document else _("아니요"),
                        _("예") if t.public else _("아니요"),
                    ]
                    for t in rule.types
                ],
            ),
            Table(
                "retention",
                _("개인정보 보유 기간"),
                [_("고객 유형"), _("보유 기간")],
                [
                    [_(CUSTOMER_KINDS[r.kind]), _("%(n)s년") % {"n": r.years}]
                    for r in rule.retention
                ],
            ),
        ]

    def check(self, rule: CaseTypes, bounds):
        from core.org.models import Unit

        problems = []
        codes = [t.code for t in rule.types]
        if len(codes) != len(set(codes)):
            problems.append(_("같은 유형 코드가 두 번 있습니다."))
        if {r.kind for r in rule.retention} != set(CUSTOMER_KINDS):
            problems.append(_("고객 유형마다 보유 기간을 한 번씩 정하세요."))
        limit = bounds.get("due_days_max")
        if limit and any(t.due_days > limit.value for t in rule.types):
            problems.append(
                self.broken(
                    _("처리기간은 %(n)s일(근무일)을 넘을 수 없습니다.") % {"n": limit}, limit
                )
            )
        wanted = {t.handling_unit for t in rule.types if t.handling_unit}
        known = set(
            Unit.objects.filter(code__in=wanted, is_active=True).values_list("code", flat=True)
        )
        if wanted - known:
            problems.append(
                _("알 수 없는 부서 코드입니다: %(codes)s")
                % {"codes": ", ".join(sorted(wanted - known))}
            )
        return problems
