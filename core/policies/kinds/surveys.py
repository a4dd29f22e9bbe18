"""The customer satisfaction survey (고객만족도 조사): the questions a customer answers after a
case closes, the points of the scale, whether a comment is asked for, the mean at or below
which the handling unit's head gets a follow-up task, and how long the survey stays open."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import Field

from core.policies.kinds.base import RuleKind, Shape, Table, Value


class Question(Shape):
    text: str = Field(title=gettext_noop("문항"), min_length=1, max_length=200)


class Survey(Shape):
    scale: int = Field(
        title=gettext_noop("척도"), ge=3, le=20, json_schema_extra={"unit": gettext_noop("점")}
    )
    questions: list[Question] = Field(title=gettext_noop("문항"), min_length=1, max_length=20)
    comment: bool = Field(title=gettext_noop("의견란"), default=True)
    low_mean: Decimal = Field(
        title=gettext_noop("후속 조치 기준 (평균 이하)"),
        ge=1,
        le=20,
        json_schema_extra={"unit": gettext_noop("점")},
    )
    open_days: int = Field(
        title=gettext_noop("응답 기간 (완료 후)"),
        ge=1,
        le=365,
        json_schema_extra={"unit": gettext_noop("일")},
    )


class SurveyKind(RuleKind):
    code = "survey"
    label = gettext_noop("고객만족도 조사")
    shape = Survey
    bound_labels = {
        "scale_max": gettext_noop("척도 상한(점)"),
        "questions_max": gettext_noop("문항 수 상한"),
    }

    def describe(self, rule: Survey):
        return [
            Value("scale", _("척도"), _("%(n)s점 척도") % {"n": rule.scale}),
            Table(
                "questions",
                _("문항"),
                [_("번호"), _("문항")],
                [[str(i), q.text] for i, q in enumerate(rule.questions, start=1)],
            ),
            Value("comment", _("의견란"), _("예") if rule.comment else _("아니요")),
            Value(
                "low_mean",
                _("후속 조치 기준 (평균 이하)"),
                _("%(n)s점 이하") % {"n": f"{rule.low_mean.normalize():f}"},
            ),
            Value("open_days", _("응답 기간 (완료 후)"), _("%(n)s일") % {"n": rule.open_days}),
        ]

    def check(self, rule: Survey, bounds):
        problems = []
        scale_max = bounds.get("scale_max")
        if scale_max and rule.scale > scale_max.value:
            problems.append(
                self.broken(_("척도는 %(n)s점을 넘을 수 없습니다.") % {"n": scale_max}, scale_max)
            )
        questions_max = bounds.get("questions_max")
        if questions_max and len(rule.questions) > questions_max.value:
            problems.append(
                self.broken(
                    _("문항은 %(n)s개까지 둘 수 있습니다.") % {"n": questions_max}, questions_max
                )
            )
        if rule.low_mean >= rule.scale:
            problems.append(_("후속 조치 기준은 척도의 최고점보다 낮아야 합니다."))
        return problems
