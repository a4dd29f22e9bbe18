"""The first-steps checklist an agency admin sees on 한눈에 (issue 12 §3): units, people,
rules, roles and two-step sign-in, each ticked from the agency's own data, until every step
is done or an admin dismisses it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.accounts.mfa import has_mfa
from core.audit.models import AuditEvent
from core.org.models import OrgSettings, Person, RoleCode, Unit
from core.org.selectors import is_agency_admin


@dataclass(frozen=True)
class SetupStep:
    key: str
    label: str
    hint: str
    url: str
    done: bool


def setup_checklist(person: Person | None) -> list[SetupStep] | None:
    """Return the steps for an admin while the checklist is open, else None."""
    if not is_agency_admin(person):
        return None
    settings_row = OrgSettings.objects.filter(singleton=True).first()
    if settings_row is not None and settings_row.setup_checklist_dismissed:
        return None
    others = Person.objects.exclude(pk=person.pk)
    steps = [
        SetupStep("units", _("부서 만들기"), _("조직도에 실·국·과를 등록하거나 일괄 등록합니다."),
                  reverse("org:chart"), Unit.objects.filter(parent__isnull=False).exists()),
        SetupStep("people", _("직원 등록"), _("직원을 한 명씩 또는 CSV/XLSX로 등록합니다."),
                  reverse("org:people"), others.exists()),
        SetupStep("rules", _("규정 확인"),
                  _("위임전결규정과 평가·보상 규칙을 기관에 맞게 고칩니다."),
                  reverse("policies:rules"),
                  AuditEvent.objects.filter(action__startswith="policies.").exists()),
        SetupStep("roles", _("역할 부여"), _("인사담당자·부서장 역할을 맡길 직원을 정합니다."),
                  reverse("org:people"),
                  others.filter(roles__code__in=[RoleCode.HR_OFFICER, RoleCode.AGENCY_ADMIN,
                                                 RoleCode.UNIT_HEAD]).exists()),
        SetupStep("mfa", _("2단계 인증 설정"), _("관리자 계정을 인증 앱으로 한 번 더 보호합니다."),
                  reverse("mfa_activate_totp"), has_mfa(person.user)),
    ]
    return None if all(step.done for step in steps) else steps
