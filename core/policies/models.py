"""Agency rules as versioned data: evaluation weights, grade distributions, payout rates,
promotion weighting, approval-line templates and delegation rules (위임전결규정).

Each row applies from ``effective_from`` until the next row of the same kind; agencies get
the standard model's rows at onboarding and their admins add new versions later. Later
issues give each kind its own editor; the rows keep their source so a reviewer sees the value,
its bound and where it comes from side by side."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    SERVICE_RATING = "service_rating", _("근무성적평가")
    MULTI_RATER = "multi_rater", _("다면평가")
    BONUS = "bonus", _("성과상여금")
    PROMOTION = "promotion", _("승진후보자명부")
    APPROVAL_LINES = "approval_lines", _("결재선 템플릿")
    DELEGATION = "delegation", _("위임전결규정")
    TRANSPARENCY = "transparency", _("업무 공개 범위")
    ABSENCE_REGISTRARS = "absence_registrars", _("부재 등록 권한")


class Policy(models.Model):
    kind = models.CharField(_("규칙 종류"), max_length=30, choices=PolicyKind.choices)
    effective_from = models.DateField(_("적용 시작일"))
    data = models.JSONField(_("내용"))
    source = models.TextField(_("근거"), blank=True)
    standard_model_version = models.CharField(_("표준모델 버전"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("기관 규칙")
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="policy_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.effective_from:%Y-%m-%d})"
