"""Agency rules as versioned data: evaluation weights, grade distributions, payout rates,
promotion weighting, approval-line templates and delegation rules (위임전결규정).

Each adopted row applies from ``effective_from`` until the next adopted row of the same
kind; agencies get the standard model's rows at onboarding and their admins draft, compare,
preview and adopt new versions. What a kind's data looks like, its legal bounds and how it
reads are declared once in ``core.policies.kinds``: the ``kind`` column is checked against
that registry, not against database choices, so a new kind needs no migration.

A result computed under a rule (an evaluation, a payout, a candidate list) pins the row it
used by its id (``Policy.pk``, see ``selectors.rule_version``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    """The kinds' codes, for code that names one (the registry is the authority)."""

    SERVICE_RATING = "service_rating", _("근무성적평가")
    PERFORMANCE_CONTRACT = "performance_contract", _("성과계약등평가")
    MULTI_RATER = "multi_rater", _("다면평가")
    BONUS = "bonus", _("성과상여금")
    PROMOTION = "promotion", _("승진후보자명부")
    APPROVAL_LINES = "approval_lines", _("결재선 템플릿")
    DELEGATION = "delegation", _("위임전결규정")
    TRANSPARENCY = "transparency", _("업무 공개 범위")
    ABSENCE_REGISTRARS = "absence_registrars", _("부재 등록 권한")
    CASE_TYPES = "case_types", _("민원 유형")
    SURVEY = "survey", _("고객만족도 조사")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("초안")
    ADOPTED = "adopted", _("채택")


def _known_kind(value: str) -> None:
    from core.policies.kinds import kind_get

    if kind_get(value) is None:
        raise ValidationError(gettext("알 수 없는 규칙 종류입니다: %(kind)s") % {"kind": value})


class Policy(models.Model):
    kind = models.CharField(_("규칙 종류"), max_length=40, validators=[_known_kind])
    status = models.CharField(_("상태"), max_length=10, choices=PolicyStatus.choices,
                              default=PolicyStatus.ADOPTED)
    # Set when adopted; a draft has none until then.
    effective_from = models.DateField(_("적용 시작일"), null=True, blank=True)
    data = models.JSONField(_("내용"))
    source = models.TextField(_("근거"), blank=True)
    standard_model_version = models.CharField(_("표준모델 버전"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_at = models.DateTimeField(_("채택 일시"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("기관 규칙")
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="policy_one_per_day",
                                    condition=models.Q(status="adopted")),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(effective_from__isnull=False),
                name="policy_adopted_has_start"),
        ]

    def __str__(self) -> str:
        if self.effective_from is None:
            return gettext("%(kind)s 초안 #%(id)s") % {"kind": self.kind_label, "id": self.pk}
        return f"{self.kind_label} ({self.effective_from:%Y-%m-%d})"

    @property
    def kind_label(self) -> str:
        from core.policies.kinds import kind_get

        kind = kind_get(self.kind)
        return gettext(kind.label) if kind else self.kind

    @property
    def is_draft(self) -> bool:
        return self.status == PolicyStatus.DRAFT
