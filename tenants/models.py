"""Agencies (기관) and their domains, in the public schema."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

agency_code_validator = RegexValidator(r"^\d{7}$", _("행정기관코드는 숫자 7자리입니다."))


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("중앙행정기관")
    METROPOLITAN = "metropolitan", _("광역자치단체")
    BASIC = "basic", _("기초자치단체")
    # The public schema and the clone template are agency rows too (django-tenants needs it).
    PLATFORM = "platform", _("플랫폼")


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("운영 중")
    SUSPENDED = "suspended", _("이용 정지")


class Agency(TenantMixin):
    """One tenant (기관): a ministry, agency or local government, in its own schema."""

    name_ko = models.CharField(_("기관명"), max_length=100)
    name_en = models.CharField(_("영문 기관명"), max_length=150, blank=True)
    code = models.CharField(
        _("행정기관코드"), max_length=7, null=True, blank=True, unique=True,
        validators=[agency_code_validator],
    )
    kind = models.CharField(_("기관 유형"), max_length=20, choices=AgencyKind.choices)
    status = models.CharField(
        _("상태"), max_length=20, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE
    )
    standard_model_version = models.CharField(_("표준모델 버전"), max_length=20, blank=True)
    people_count = models.PositiveIntegerField(_("인원"), default=0)
    last_activity_at = models.DateTimeField(_("최근 활동"), null=True, blank=True)
    created_at = models.DateTimeField(_("등록일"), auto_now_add=True)

    auto_create_schema = True

    class Meta:
        verbose_name = _("기관")
        verbose_name_plural = _("기관")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="platform") | Q(code__regex=r"^\d{7}$"),
                name="agency_code_required_for_agencies",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ko

    @property
    def is_suspended(self) -> bool:
        return self.status == AgencyStatus.SUSPENDED


class Domain(DomainMixin):
    """A host name that reaches one agency (or the console, for the public schema)."""

    class Meta:
        verbose_name = _("도메인")
        verbose_name_plural = _("도메인")
