"""Workflow rules: delegation (위임전결규정), approval-line templates (결재선 템플릿), what
colleagues see of each other's work (업무 공개 범위) and who registers absences."""

import warnings
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.policies.kinds.base import RuleKind, Shape, Table, Value

REGISTERS = {
    "continuous": gettext_noop("누년 일련번호"),
    "yearly": gettext_noop("연도표시 일련번호"),
}

RETENTIONS = {
    "permanent": gettext_noop("영구"),
    "semi_permanent": gettext_noop("준영구"),
    "30": gettext_noop("30년"),
    "10": gettext_noop("10년"),
    "5": gettext_noop("5년"),
    "3": gettext_noop("3년"),
    "1": gettext_noop("1년"),
}


def _positions() -> dict[str, str]:
    from core.org.models import Position

    return dict(Position.objects.values_list("code", "name"))


# The stored key is "register" (a name BaseModel's metaclass also has); harmless here.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)


class DelegationRule(Shape):
    document_type: str = Field(title=gettext_noop("문서 유형 코드"), min_length=1, max_length=40)
    name: str = Field(title=gettext_noop("문서 유형"), default="", max_length=50)
    final_position: str = Field(title=gettext_noop("최종 결재 직위"), min_length=1, max_length=40)
    register: Literal["continuous", "yearly"] | None = Field(
        title=gettext_noop("번호 체계"), default=None
    )
    # 문서관리카드의 관리정보, proposed on each new document of the type (editable there).
    retention: (
        Literal["permanent", "semi_permanent", "30", "10", "5", "3", "1"] | None
    ) = Field(title=gettext_noop("보존기간"), default=None)
    classification: str | None = Field(title=gettext_noop("분류"), default=None, max_length=100)
    # 정책실명제: documents of the type record who took part (the type "policy" always does).
    policy_record: bool | None = Field(title=gettext_noop("정책실명제 대상"), default=None)
    # 공고: days from notice until the document takes effect (규정 제6조③: 5 days).
    effect_days: int | None = Field(
        title=gettext_noop("공고 후 효력 발생까지 일수"), default=None, ge=0, le=365
    )


class Delegation(Shape):
    rules: list[DelegationRule] = Field(
        title=gettext_noop("문서 유형별 최종 결재 직위"), min_length=1
    )


class DelegationKind(RuleKind):
    code = "delegation"
    label = gettext_noop("위임전결규정")
    shape = Delegation
    editor_url = "policies:delegation"
    take_label = gettext_noop("표준모델 %(version)s의 새 문서 유형 받기")

    def standard_merge(self, current, standard):
        """The agency keeps its final positions; the new document types are added."""
        if not current:
            return standard
        known = {rule["document_type"] for rule in current["rules"]}
        return {
            **current,
            "rules": current["rules"]
            + [rule for rule in standard["rules"] if rule["document_type"] not in known],
        }

    def describe(self, rule: Delegation):
        positions = _positions()
        return [
            Table(
                "rules",
                _("문서 유형별 최종 결재 직위"),
                [_("문서 유형"), _("최종 결재 직위"), _("번호 체계"), _("보존기간"), _("분류"),
                 _("정책실명제")],
                [
                    [
                        r.name or r.document_type,
                        positions.get(r.final_position, r.final_position),
                        _(REGISTERS[r.register]) if r.register else _("처리과 연도 일련번호"),
                        _(RETENTIONS[r.retention]) if r.retention else "—",
                        r.classification or "—",
                        _("대상") if r.policy_record or r.document_type == "policy" else "—",
                    ]
                    for r in rule.rules
                ],
            )
        ]

    def check(self, rule: Delegation, bounds):
        problems = []
        types = [r.document_type for r in rule.rules]
        if len(types) != len(set(types)):
            problems.append(_("같은 문서 유형이 두 번 있습니다."))
        unknown = sorted({r.final_position for r in rule.rules} - set(_positions()))
        if unknown:
            problems.append(_("알 수 없는 직위입니다: %(codes)s") % {"codes": ", ".join(unknown)})
        return problems


class Step(Shape):
    role: Literal["reviewer", "cooperator", "approver"] = Field(title=gettext_noop("역할"))
    position: str | None = Field(title=gettext_noop("직위"), default=None)
    unit: str | None = Field(title=gettext_noop("부서"), default=None)


class LineTemplate(Shape):
    document_type: str = Field(title=gettext_noop("문서 유형"), min_length=1)
    name: str = Field(title=gettext_noop("템플릿 이름"), min_length=1, max_length=50)
    steps: list[Step] = Field(title=gettext_noop("결재 칸"), min_length=1)


class ApprovalLines(Shape):
    templates: list[LineTemplate] = Field(title=gettext_noop("결재선 템플릿"))


class ApprovalLinesKind(RuleKind):
    code = "approval_lines"
    label = gettext_noop("결재선 템플릿")
    shape = ApprovalLines
    editor_url = "policies:line_templates"

    def describe(self, rule: ApprovalLines):
        from core.org.models import Unit

        positions = _positions()
        units = dict(Unit.objects.values_list("code", "name"))
        roles = {"reviewer": _("검토"), "cooperator": _("협조"), "approver": _("결재")}

        def box(step: Step) -> str:
            who = (
                units.get(step.unit, step.unit)
                if step.unit
                else positions.get(step.position, step.position)
            )
            return f"{roles[step.role]} {who}"

        return [
            Table(
                "templates",
                _("결재선 템플릿"),
                [_("템플릿"), _("결재선")],
                [[t.name, " → ".join(box(s) for s in t.steps)] for t in rule.templates],
            )
        ]

    def check(self, rule: ApprovalLines, bounds):
        from core.org.models import Unit

        problems = []
        positions = set(_positions())
        units = set(Unit.objects.filter(is_active=True).values_list("code", flat=True))
        for template in rule.templates:
            if any(
                (s.unit and s.unit not in units) or (not s.unit and s.position not in positions)
                for s in template.steps
            ):
                problems.append(
                    _("'%(name)s' 템플릿에 알 수 없는 직위나 부서가 있습니다.")
                    % {"name": template.name}
                )
            last = template.steps[-1]
            if last.role != "approver" or not last.position:
                problems.append(
                    _("'%(name)s' 템플릿의 마지막 칸은 결재권자 직위여야 합니다.")
                    % {"name": template.name}
                )
        return problems


COLLEAGUE_RECORDS = {
    "readable": gettext_noop("열람 가능한 업무"),
    "unit": gettext_noop("같은 부서 직원의 열람 가능한 업무"),
    "none": gettext_noop("본인 기록만"),
}


class Transparency(Shape):
    colleague_records: Literal["readable", "unit", "none"] = Field(
        title=gettext_noop("동료의 업무 기록")
    )


class TransparencyKind(RuleKind):
    code = "transparency"
    label = gettext_noop("업무 공개 범위")
    shape = Transparency
    default = {"colleague_records": "readable"}
    editor_url = "policies:transparency"

    def describe(self, rule: Transparency):
        return [
            Value(
                "colleague_records",
                _("동료의 업무 기록"),
                _(COLLEAGUE_RECORDS[rule.colleague_records]),
            )
        ]


REGISTRARS = {
    "self": gettext_noop("본인"),
    "head": gettext_noop("소속 부서장"),
    "hr": gettext_noop("인사담당자"),
    "admin": gettext_noop("기관 관리자"),
}


class AbsenceRegistrars(Shape):
    registrars: list[Literal["self", "head", "hr", "admin"]] = Field(
        title=gettext_noop("부재(대결자 지정)를 등록할 수 있는 사람"), min_length=1
    )


class AbsenceRegistrarsKind(RuleKind):
    code = "absence_registrars"
    label = gettext_noop("부재 등록 권한")
    shape = AbsenceRegistrars
    default = {"registrars": ["self", "head", "hr"]}
    editor_url = "policies:absence_registrars"

    def describe(self, rule: AbsenceRegistrars):
        return [
            Value(
                "registrars",
                _("부재(대결자 지정)를 등록할 수 있는 사람"),
                ", ".join(str(_(REGISTRARS[r])) for r in rule.registrars),
            )
        ]
