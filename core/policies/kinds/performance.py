"""Indicator definitions (성과지표 정의): how an indicator is measured from the activity events
— the count, sum, average or ratio of event types, with filters on their payload, over the
cycle's period (issue 10 §1). The measuring itself is ``core/performance/measures.py``; the
live update and the full recomputation both call it."""

from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.policies.kinds.base import RuleKind, Shape, Table

MEASURES = {
    "count": gettext_noop("건수"),
    "sum": gettext_noop("합계"),
    "average": gettext_noop("평균"),
    "ratio": gettext_noop("비율"),
}
ATTRIBUTION = {"actor": gettext_noop("행위자"), "person": gettext_noop("관련 직원")}
DIRECTIONS = {"higher": gettext_noop("높을수록 좋음"), "lower": gettext_noop("낮을수록 좋음")}
FILTER = r"^[a-z_][a-z0-9_]{0,39}=[^=,]{1,100}$"


class Definition(Shape):
    code: str = Field(title=gettext_noop("지표 코드"), min_length=1, max_length=40,
                      pattern=r"^[a-z0-9_]+$")
    name: str = Field(title=gettext_noop("지표명"), min_length=1, max_length=100)
    measure: Literal["count", "sum", "average", "ratio"] = Field(title=gettext_noop("측정 방식"))
    event_types: list[str] = Field(title=gettext_noop("대상 이벤트"), min_length=1, max_length=10)
    # "field=value" each; all must hold (an event's payload field equals the value).
    where: list[str] = Field(title=gettext_noop("조건"), default_factory=list, max_length=5)
    # Ratio only: the share of the events above that also meet these, in percent.
    numerator_where: list[str] = Field(title=gettext_noop("비율의 분자 조건"),
                                       default_factory=list, max_length=5)
    # Sum and average: the payload's number field.
    field: str | None = Field(title=gettext_noop("합산·평균할 항목"), default=None,
                              max_length=40)
    attribute_to: Literal["actor", "person"] = Field(title=gettext_noop("실적 귀속"))
    direction: Literal["higher", "lower"] = Field(title=gettext_noop("방향"), default="higher")
    unit: str = Field(title=gettext_noop("단위"), default="건", max_length=10)


class IndicatorDefinitions(Shape):
    definitions: list[Definition] = Field(title=gettext_noop("지표 정의"), min_length=1,
                                          max_length=100)


def _parse_filters(values: list[str]) -> dict[str, object]:
    """["on_time=true", "mark=전결"] → {"on_time": True, "mark": "전결"}."""
    parsed: dict[str, object] = {}
    for item in values:
        name, _sep, raw = item.partition("=")
        raw = raw.strip()
        value: object = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif raw.lstrip("-").isdigit():
            value = int(raw)
        parsed[name.strip()] = value
    return parsed


def definition_filters(definition: Definition) -> tuple[dict, dict]:
    """The definition's base and numerator filters as {field: value}."""
    return _parse_filters(definition.where), _parse_filters(definition.numerator_where)


class IndicatorDefinitionsKind(RuleKind):
    code = "indicator_definitions"
    label = gettext_noop("성과지표 정의")
    shape = IndicatorDefinitions
    default = {"definitions": [
        {"code": "documents_completed", "name": "결재 완료 문서", "measure": "count",
         "event_types": ["approvals.document_completed"], "attribute_to": "person",
         "unit": "건"},
        {"code": "documents_signed", "name": "결재 처리 (승인)", "measure": "count",
         "event_types": ["approvals.document_approved"], "attribute_to": "actor",
         "unit": "건"},
        {"code": "cases_closed", "name": "민원 처리 완료", "measure": "count",
         "event_types": ["customers.case_closed"], "attribute_to": "person", "unit": "건"},
        {"code": "cases_on_time", "name": "기한 내 민원 처리율", "measure": "ratio",
         "event_types": ["customers.case_closed"], "numerator_where": ["on_time=true"],
         "attribute_to": "person", "unit": "%"},
        {"code": "case_handling_days", "name": "민원 평균 처리일수", "measure": "average",
         "event_types": ["customers.case_closed"], "field": "handling_days",
         "attribute_to": "person", "direction": "lower", "unit": "일"},
        {"code": "instructions_on_time", "name": "기한 내 지시사항 이행", "measure": "count",
         "event_types": ["work.instruction_completed"], "where": ["on_time=true"],
         "attribute_to": "actor", "unit": "건"},
        {"code": "progress_reports", "name": "과제 진행 보고", "measure": "count",
         "event_types": ["work.progress_reported"], "attribute_to": "actor", "unit": "건"},
    ]}

    def display(self, path, value):
        names = {"definitions.measure": MEASURES, "definitions.attribute_to": ATTRIBUTION,
                 "definitions.direction": DIRECTIONS}.get(path)
        return _(names[value]) if names and value in names else value

    def describe(self, rule: IndicatorDefinitions):
        from core.audit.events import event_label

        return [Table("definitions", _("지표 정의"),
                      [_("지표명"), _("측정 방식"), _("대상 이벤트"), _("조건"),
                       _("실적 귀속"), _("방향"), _("단위")],
                      [[d.name, _(MEASURES[d.measure]),
                        ", ".join(event_label(t) for t in d.event_types),
                        self._conditions(d), _(ATTRIBUTION[d.attribute_to]),
                        _(DIRECTIONS[d.direction]), d.unit] for d in rule.definitions])]

    @staticmethod
    def _conditions(definition: Definition) -> str:
        parts = list(definition.where)
        if definition.numerator_where:
            parts.append(_("분자: %(c)s") % {"c": ", ".join(definition.numerator_where)})
        if definition.field:
            parts.append(_("항목: %(f)s") % {"f": definition.field})
        return " · ".join(parts) or "—"

    def check(self, rule: IndicatorDefinitions, bounds):
        from core.audit.events import SPECS, EventType

        problems = []
        codes = [d.code for d in rule.definitions]
        if len(codes) != len(set(codes)):
            problems.append(_("같은 지표 코드가 두 번 있습니다."))
        for d in rule.definitions:
            known = {t.value for t in EventType}
            unknown = [t for t in d.event_types if t not in known]
            if unknown:
                problems.append(_("%(name)s: 알 수 없는 이벤트입니다: %(types)s")
                                % {"name": d.name, "types": ", ".join(unknown)})
                continue
            fields = set.intersection(*(set(SPECS[EventType(t)].payload)
                                        for t in d.event_types))
            problems += self._definition_problems(d, fields)
        return problems

    def _definition_problems(self, d: Definition, fields: set[str]) -> list[str]:
        import re

        problems = []
        bad = [f for f in d.where + d.numerator_where if not re.match(FILTER, f)]
        if bad:
            problems.append(_("%(name)s: 조건은 항목=값 형식으로 적으세요: %(bad)s")
                            % {"name": d.name, "bad": ", ".join(bad)})
        used = set(_parse_filters(d.where + d.numerator_where))
        if d.field:
            used.add(d.field)
        if used - fields:
            problems.append(_("%(name)s: 이벤트에 없는 항목입니다: %(fields)s")
                            % {"name": d.name, "fields": ", ".join(sorted(used - fields))})
        if d.measure in ("sum", "average") and not d.field:
            problems.append(_("%(name)s: 합계·평균은 합산할 항목을 정해야 합니다.")
                            % {"name": d.name})
        if d.measure == "ratio" and not d.numerator_where:
            problems.append(_("%(name)s: 비율은 분자 조건을 정해야 합니다.") % {"name": d.name})
        return problems
