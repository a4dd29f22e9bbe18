"""Reward rules: performance bonus (성과상여금, rules.md §6) and the promotion candidate list
(승진후보자명부, §7)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.policies.kinds.base import RuleKind, Shape

PERCENT = {"unit": "%"}


class BonusGrade(Shape):
    code: str = Field(title=gettext_noop("등급"), min_length=1, max_length=10)
    share: Decimal = Field(title=gettext_noop("인원 비율"), ge=0, le=100, json_schema_extra=PERCENT)
    rate: Decimal = Field(
        title=gettext_noop("지급률 (지급기준액 대비)"), ge=0, le=500, json_schema_extra=PERCENT
    )


class Committee(Shape):
    min: int = Field(title=gettext_noop("최소"), ge=1, le=20, json_schema_extra={"unit": "명"})
    max: int = Field(title=gettext_noop("최대"), ge=1, le=20, json_schema_extra={"unit": "명"})


class Bonus(Shape):
    grades: list[BonusGrade] = Field(
        title=gettext_noop("등급, 인원 비율과 지급률"), min_length=2, max_length=6
    )
    method: Literal[1, 2, 3, 4, 5] = Field(title=gettext_noop("지급 방법"))
    special_extra_top_share: Decimal = Field(
        title=gettext_noop("특별성과가산금 대상 (상위)"), ge=0, le=100, json_schema_extra=PERCENT
    )
    special_extra_max_rate: Decimal = Field(
        title=gettext_noop("특별성과가산금 최대 가산율"), ge=0, le=100, json_schema_extra=PERCENT
    )
    long_term_extra_years: int = Field(
        title=gettext_noop("장기성과급 연속 최상위 연수"),
        ge=1,
        le=10,
        json_schema_extra={"unit": "년"},
    )
    long_term_extra_max_rate: Decimal = Field(
        title=gettext_noop("장기성과급 최대 가산율"), ge=0, le=100, json_schema_extra=PERCENT
    )
    committee_members: Committee = Field(title=gettext_noop("성과급심사위원회 위원 수"))
    base_amounts: dict[str, int] = Field(
        title=gettext_noop("직급별 지급기준액 (원)"), default_factory=dict
    )
    confirm: bool = Field(title=gettext_noop("연도별 지침 확인 필요"), default=True)


METHODS = {
    1: gettext_noop("개인별"),
    2: gettext_noop("부서별 균등"),
    3: gettext_noop("개인별·부서별 혼합"),
    4: gettext_noop("부서별 후 개인 차등"),
    5: gettext_noop("인사혁신처와 협의한 방법"),
}


class BonusKind(RuleKind):
    code = "bonus"
    label = gettext_noop("성과상여금")
    shape = Bonus
    bound_labels = {
        "min_grades": gettext_noop("지급 방법 2~5의 최소 등급 수"),
        "special_extra_max_rate": gettext_noop("특별성과가산금 가산율 상한 (%)"),
        "long_term_extra_max_rate": gettext_noop("장기성과급 가산율 상한 (%)"),
        "long_term_extra_years_min": gettext_noop("장기성과급 연속 연수 하한"),
        "committee_members_min": gettext_noop("심사위원회 최소 위원 수"),
        "committee_members_max": gettext_noop("심사위원회 최대 위원 수"),
    }

    def display(self, path, value):
        if path == "method":
            return f"{value}. {_(METHODS[value])}"
        return value

    def check(self, rule: Bonus, bounds):
        problems = []
        total = sum((g.share for g in rule.grades), Decimal(0))
        if total != 100:
            problems.append(
                _("성과상여금 등급 인원 비율의 합은 100%%여야 합니다 (지금 %(total)s%%).")
                % {"total": f"{total.normalize():f}"}
            )
        if (
            rule.method != 1
            and (bound := bounds.get("min_grades"))
            and len(rule.grades) < bound.value
        ):
            problems.append(
                self.broken(
                    _("지급 방법 2~5는 등급이 %(n)s개 이상이어야 합니다.") % {"n": bound}, bound
                )
            )
        limits = (
            (
                "special_extra_max_rate",
                rule.special_extra_max_rate,
                _("특별성과가산금은 %(n)s%%를 넘을 수 없습니다."),
            ),
            (
                "long_term_extra_max_rate",
                rule.long_term_extra_max_rate,
                _("장기성과급 가산율은 %(n)s%%를 넘을 수 없습니다."),
            ),
        )
        for code, value, message in limits:
            if (bound := bounds.get(code)) and value > bound.value:
                problems.append(self.broken(message % {"n": bound}, bound))
        if (
            bound := bounds.get("long_term_extra_years_min")
        ) and rule.long_term_extra_years < bound.value:
            problems.append(
                self.broken(
                    _("장기성과급은 %(n)s년 이상 연속 최상위 등급일 때 줍니다.") % {"n": bound},
                    bound,
                )
            )
        members = rule.committee_members
        if members.min > members.max:
            problems.append(_("심사위원회 최소 위원 수가 최대 위원 수보다 큽니다."))
        if (bound := bounds.get("committee_members_min")) and members.min < bound.value:
            problems.append(
                self.broken(_("심사위원회는 %(n)s명 이상이어야 합니다.") % {"n": bound}, bound)
            )
        if (bound := bounds.get("committee_members_max")) and members.max > bound.value:
            problems.append(
                self.broken(_("심사위원회는 %(n)s명을 넘을 수 없습니다.") % {"n": bound}, bound)
            )
        return problems


class PromotionWeights(Shape):
    service_rating: int = Field(
        title=gettext_noop("근무성적"), ge=0, le=100, json_schema_extra=PERCENT
    )
    experience: int = Field(title=gettext_noop("경력"), ge=0, le=100, json_schema_extra=PERCENT)


class Promotion(Shape):
    weights: PromotionWeights = Field(title=gettext_noop("명부 점수 비중"))
    bonus_points_max: Decimal = Field(
        title=gettext_noop("가점 상한"), ge=0, le=100, json_schema_extra={"unit": "점"}
    )
    compile_dates: list[str] = Field(title=gettext_noop("명부 작성 기준일 (월-일)"), min_length=1)
    rating_years: dict[str, int] = Field(title=gettext_noop("직급별 근무성적 반영 연수"))


class PromotionKind(RuleKind):
    code = "promotion"
    label = gettext_noop("승진후보자명부")
    shape = Promotion
    bound_labels = {
        "max_service_rating_weight": gettext_noop("근무성적 비중 상한 (%)"),
        "bonus_points_max": gettext_noop("가점 상한 (점)"),
    }

    def earliest_effective(self, today: date) -> date:
        """A change of the weighting applies one year later (rules.md §7)."""
        try:
            return today.replace(year=today.year + 1)
        except ValueError:  # 29 February
            return today.replace(year=today.year + 1, day=28) + timedelta(days=1)

    def late_start_reason(self, earliest: date) -> str:
        return _(
            "승진후보자명부 평정 비중의 변경은 1년 뒤부터 적용합니다. %(date)s 이후 날짜를 "
            "고르세요 — 공무원 승진규정"
        ) % {"date": earliest.isoformat()}

    def check(self, rule: Promotion, bounds):
        problems = []
        weights = rule.weights
        if weights.service_rating + weights.experience != 100:
            problems.append(_("근무성적과 경력 비중의 합은 100이어야 합니다."))
        if (
            bound := bounds.get("max_service_rating_weight")
        ) and weights.service_rating > bound.value:
            problems.append(
                self.broken(_("근무성적 비중은 %(n)s%%를 넘을 수 없습니다.") % {"n": bound}, bound)
            )
        if (bound := bounds.get("bonus_points_max")) and rule.bonus_points_max > bound.value:
            problems.append(
                self.broken(_("가점은 %(n)s점을 넘을 수 없습니다.") % {"n": bound}, bound)
            )
        return problems
