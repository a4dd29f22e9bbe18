"""What every page's shell shows: the agency, the signed-in person, the navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.approvals.selectors import approval_queue
from core.org.selectors import can_manage_org, is_agency_admin
from core.portal.access import current_person, current_signers, on_agency_host


def _agency_nav(person, signers: list[int]) -> list[dict]:
    queue = approval_queue(person=person, signers=signers).count() if person else 0
    items = [{"label": _("홈"), "url": reverse("portal:home")},
             {"label": _("전자결재"), "url": reverse("approvals:boxes"), "count": queue},
             {"label": _("조직도"), "url": reverse("org:chart")},
             {"label": _("직원"), "url": reverse("org:people")},
             {"label": _("업무"), "url": reverse("work:tasks")},
             {"label": _("메모보고"), "url": reverse("work:memos")},
             {"label": _("지시사항"), "url": reverse("work:instructions")},
             {"label": _("일정"), "url": reverse("schedules:month")}]
    if can_manage_org(person):
        items.append({"label": _("일괄 등록"), "url": reverse("org:import")})
    if is_agency_admin(person):
        items += [{"label": _("기관 설정"), "url": reverse("org:settings")},
                  {"label": _("기관 규칙"), "url": reverse("policies:rules")},
                  {"label": _("감사 기록"), "url": reverse("audit:events")}]
    return items


def _console_nav() -> list[dict]:
    return [{"label": _("기관 목록"), "url": reverse("console:agencies")},
            {"label": _("기관 등록"), "url": reverse("console:onboard")},
            {"label": _("일괄 등록"), "url": reverse("console:wave")},
            {"label": _("감사 기록"), "url": reverse("console:audit")}]


def portal(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"agency": getattr(request, "tenant", None), "nav": []}
    if on_agency_host():
        person = current_person(request)
        return {"agency": request.tenant, "me": person,
                "nav": _agency_nav(person, current_signers(request))}
    return {"agency": None, "is_console": True, "nav": _console_nav()}
