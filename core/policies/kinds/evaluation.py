"""Evaluation rules: service rating (근무성적평가), performance contract (성과계약등평가) and
multi-rater evaluation (다면평가), rules.md §4–§5."""

import re
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.performance.distribution import DistributionRule, Evaluatee, Grade, distribute
from core.policies.kinds.base import Bound, RuleKind, Shape

MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
Rounding = Literal["half_up", "down", "up"]
PERCENT = {"unit": "%"}


class Component(Shape):
    code: str = Field(
        title=gettext_noop("코드"),
        min_length=1,
        max_length=30,
        json_schema_extra={"internal": True},
    )
    name: str = Field(title=gettext_noop("평가 요소"), min_length=1, max_length=50)
    weight: int = Field(title=gettext_noop("가중치"), ge=0, le=100, json_schema_extra=PERCENT)


class GradeShare(Shape):
    code: str = Field(
        title=gettext_noop("코드"),
        min_length=1,
        max_length=30,
        json_schema_extra={"internal": True},
    )
    name: str = Field(title=gettext_noop("등급"), min_length=1, max_length=20)
    share: Decimal = Field(title=gettext_noop("비율"), ge=0, le=100, json_schema_extra=PERCENT)


class RoundingRule(Shape):
    top: Rounding = Field(title=gettext_noop("최상위 등급 인원 끝수"))
    bottom: Rounding = Field(title=gettext_noop("최하위 등급 인원 끝수"))


class ServiceRating(Shape):
    components: list[Component] = Field(
        title=gettext_noop("평가 요소와 가중치"), min_length=2, max_length=6
    )
    base_dates: list[str] = Field(
        title=gettext_noop("평가 기준일 (월-일)"), min_length=1, max_length=4
    )
    grades: list[GradeShare] = Field(title=gettext_noop("등급과 비율"), min_length=2, max_length=6)
    rounding: RoundingRule = Field(title=gettext_noop("인원 끝수 처리"))
    small_unit_pool_below: int = Field(
        title=gettext_noop("상위 단위와 합치는 평가단위 인원 (미만)"),
        ge=1,
        le=100,
        json_schema_extra={"unit": "명"},
    )
    min_service_months: int = Field(
        title=gettext_noop("평가 대상 최소 근무 개월 (정기)"), ge=0, le=12
    )
    min_service_months_annual: int = Field(
        title=gettext_noop("평가 대상 최소 근무 개월 (연간)"), ge=0, le=12
    )
    committee_min_members: int = Field(title=gettext_noop("평가위원회 최소 위원 수"), ge=2, le=20)
    appeal_days: int = Field(
        title=gettext_noop("이의신청 기간"), ge=1, le=60, json_schema_extra={"unit": "일"}
    )


def grade_share_problems(kind: RuleKind, grades, bounds: dict[str, Bound], what: str) -> list[str]:
    """The forced-distribution bounds shared by service rating and performance contract."""
    problems = []
    total = sum((g.share for g in grades), Decimal(0))
    if total != 100:
        problems.append(
            _("%(what)s 등급 비율의 합은 100%%여야 합니다 (지금 %(total)s%%).")
            % {"what": what, "total": f"{total.normalize():f}"}
        )
    if (bound := bounds.get("min_grades")) and len(grades) < bound.value:
        problems.append(kind.broken(_("등급은 %(n)s개 이상이어야 합니다.") % {"n": bound}, bound))
    if (bound := bounds.get("top_share_max")) and grades and grades[0].share > bound.value:
        problems.append(
            kind.broken(_("최상위 등급 비율은 %(n)s%%를 넘을 수 없습니다.") % {"n": bound}, bound)
        )
    if (bound := bounds.get("bottom_share_min")) and grades and grades[-1].share < bound.value:
        problems.append(
            kind.broken(_("최하위 등급 비율은 %(n)s%% 이상이어야 합니다.") % {"n": bound}, bound)
        )
    return problems


def _month_day_problems(values: list[str]) -> list[str]:
    bad = [v for v in values if not re.match(MONTH_DAY, v)]
    return (
        [_("날짜는 월-일(예: 06-30) 형식으로 적으세요: %(values)s") % {"values": ", ".join(bad)}]
        if bad
        else []
    )


class ServiceRatingKind(RuleKind):
    code = "service_rating"
    label = gettext_noop("근무성적평가")
    shape = ServiceRating
    has_preview = True
    bound_labels = {
        "top_share_max": gettext_noop("최상위 등급 비율 상한 (%)"),
        "bottom_share_min": gettext_noop("최하위 등급 비율 하한 (%)"),
        "min_grades": gettext_noop("최소 등급 수"),
        "min_service_months_min": gettext_noop("평가 대상 최소 근무 개월 (정기) 하한"),
        "min_service_months_annual_min": gettext_noop("평가 대상 최소 근무 개월 (연간) 하한"),
    }

    def display(self, path, value):
        return (
            {"half_up": _("반올림"), "down": _("버림"), "up": _("올림")}.get(value, value)
            if path.startswith("rounding.")
            else value
        )

    def check(self, rule: ServiceRating, bounds):
        problems = grade_share_problems(self, rule.grades, bounds, _("근무성적평가"))
        weights = sum(c.weight for c in rule.components)
        if weights != 100:
            problems.append(
                _("평가 요소 가중치의 합은 100이어야 합니다 (지금 %(total)s).") % {"total": weights}
            )
        problems += _month_day_problems(rule.base_dates)
        if (
            bound := bounds.get("min_service_months_min")
        ) and rule.min_service_months < bound.value:
            problems.append(
                self.broken(
                    _("근무 %(n)s개월 미만인 사람은 평가하지 않습니다.") % {"n": bound}, bound
                )
            )
        if (
            bound := bounds.get("min_service_months_annual_min")
        ) and rule.min_service_months_annual < bound.value:
            problems.append(
                self.broken(
                    _("연간 평가는 근무 %(n)s개월 미만인 사람을 평가하지 않습니다.") % {"n": bound},
                    bound,
                )
            )
        return problems

    def distribution_rule(self, rule: ServiceRating):
        """The rule as the forced-distribution function takes it."""
        return DistributionRule(
            grades=tuple(Grade(name=g.name, share=g.share) for g in rule.grades),
            min_unit_size=rule.small_unit_pool_below,
            top_rounding=rule.rounding.top,
            bottom_rounding=rule.rounding.bottom,
        )

    def preview(self, rule: ServiceRating, evaluatees: list[dict]) -> list[dict]:
        """Grades by forced distribution for ``evaluatees`` ([{id, unit, score, parent?}]):
        a unit that is one of the agency's unit codes pools along the org chart, any other
        label is an evaluation unit of its own (pooling into ``parent`` when given)."""
        from core.org.models import Unit

        tree = dict(Unit.objects.values_list("code", "parent__code"))
        parents: dict[str, str | None] = {}
        people = []
        for row in evaluatees:
            label = row["unit"]
            if label in tree:
                while label is not None and label not in parents:
                    parents[label] = tree.get(label)
                    label = tree.get(label)
            else:
                parents[label] = row.get("parent") or parents.get(label)
                parent = row.get("parent")
                while parent and parent in tree and parent not in parents:
                    parents[parent] = tree[parent]
                    parent = tree[parent]
            people.append(
                Evaluatee(id=str(row["id"]), unit=row["unit"], score=Decimal(str(row["score"])))
            )
        try:
            graded = distribute(people, self.distribution_rule(rule), parents)
        except ValueError as error:  # the function's refusal (DistributionError), in Korean
            raise ValidationError(str(error)) from None
        return [
            {"id": g.id, "grade": g.grade, "rank": g.rank, "pooled_into": g.pooled_into}
            for g in graded
        ]


class PerformanceContract(Shape):
    evaluated_grades: list[str] = Field(title=gettext_noop("대상 직급 (코드)"), min_length=1)
    base_date: str = Field(title=gettext_noop("평가 기준일 (월-일)"))
    grades: list[GradeShare] = Field(title=gettext_noop("등급과 비율"), min_length=2, max_length=6)
    indicators_min: int = Field(title=gettext_noop("성과목표당 최소 지표 수"), ge=1, le=10)
    appeal_days: int = Field(
        title=gettext_noop("이의신청 기간"), ge=1, le=60, json_schema_extra={"unit": "일"}
    )


class PerformanceContractKind(RuleKind):
    code = "performance_contract"
    label = gettext_noop("성과계약등평가")
    shape = PerformanceContract
    bound_labels = {
        "top_share_max": gettext_noop("최상위 등급 비율 상한 (%)"),
        "bottom_share_min": gettext_noop("최하위 등급 비율 하한 (%)"),
        "min_grades": gettext_noop("최소 등급 수"),
    }
    default = {
        "evaluated_grades": ["SCS", "G1", "G2", "G3", "G4"],
        "base_date": "12-31",
        "grades": [
            {"code": "s", "name": "매우우수", "share": 20},
            {"code": "a", "name": "우수", "share": 30},
            {"code": "b", "name": "보통", "share": 40},
            {"code": "c", "name": "미흡", "share": 10},
        ],
        "indicators_min": 1,
        "appeal_days": 7,
    }

    def check(self, rule: PerformanceContract, bounds):
        return grade_share_problems(
            self, rule.grades, bounds, _("성과계약등평가")
        ) + _month_day_problems([rule.base_date])


class RaterWeights(Shape):
    superiors: int = Field(title=gettext_noop("상급자"), ge=0, le=100, json_schema_extra=PERCENT)
    peers: int = Field(title=gettext_noop("동료"), ge=0, le=100, json_schema_extra=PERCENT)
    subordinates: int = Field(title=gettext_noop("하급자"), ge=0, le=100, json_schema_extra=PERCENT)


class MultiRater(Shape):
    min_raters: int = Field(
        title=gettext_noop("피평가자당 최소 평가자 수"),
        ge=1,
        le=50,
        json_schema_extra={"unit": "명"},
    )
    weights: RaterWeights = Field(title=gettext_noop("평가자 집단 가중치"))
    min_responses_shown: int = Field(
        title=gettext_noop("결과를 보여 주는 최소 응답 수"),
        ge=1,
        le=50,
        json_schema_extra={"unit": "명"},
    )


class MultiRaterKind(RuleKind):
    code = "multi_rater"
    label = gettext_noop("다면평가")
    shape = MultiRater
    bound_labels = {"min_responses_shown_min": gettext_noop("결과 공개 최소 응답 수 하한")}

    def check(self, rule: MultiRater, bounds):
        problems = []
        weights = rule.weights
        if weights.superiors + weights.peers + weights.subordinates != 100:
            problems.append(_("평가자 집단 가중치의 합은 100이어야 합니다."))
        if (
            bound := bounds.get("min_responses_shown_min")
        ) and rule.min_responses_shown < bound.value:
            problems.append(
                self.broken(
                    _("익명성을 지키려면 결과는 응답 %(n)s명 이상일 때만 보여 줄 수 있습니다.")
                    % {"n": bound},
                    bound,
                )
            )
        return problems
