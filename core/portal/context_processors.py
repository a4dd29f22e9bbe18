"""What every page's shell shows: the agency, the signed-in person, the navigation.

The agency's menu is grouped (홈 · 업무관리 · 전자결재 · 일정 · 조직 · 관리); the group of the
current page opens its items in a second row, so the first row stays short for everyone."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.org.models import RoleCode
from core.org.selectors import can_manage_org, is_agency_admin, role_codes
from core.portal.access import (
    current_data_version,
    current_person,
    current_queue_count,
    on_agency_host,
)


@dataclass
class NavItem:
    label: str
    url: str
    current: bool = False


@dataclass
class NavGroup:
    label: str
    items: list[NavItem]
    count: int = 0
    key: str = ""  # names the group's count badge, which the live stream refreshes
    current: bool = field(default=False)

    @property
    def url(self) -> str:
        return self.items[0].url


def _items(*pairs) -> list[NavItem]:
    return [NavItem(label, reverse(name)) for label, name in pairs]


def _agency_nav(person, queue: int) -> list[NavGroup]:
    org = [(_("조직도"), "org:chart"), (_("직원"), "org:people")]
    if can_manage_org(person):
        org.append((_("일괄 등록"), "org:import"))
    home = [(_("홈"), "portal:home"), (_("나의 업무 기록"), "portal:my_record")]
    if RoleCode.UNIT_HEAD in role_codes(person) or is_agency_admin(person):
        home.append((_("부서 업무 흐름"), "portal:unit_flow"))
    groups = [
        NavGroup(_("홈"), _items(*home)),
        NavGroup(_("업무관리"), _items((pgettext_lazy("menu", "과제"), "work:tasks"),
                                      (_("메모보고"), "work:memos"),
                                      (_("지시사항"), "work:instructions"))),
        NavGroup(_("전자결재"), _items((_("결재함"), "approvals:boxes"),
                                      (_("기안하기"), "approvals:draft"),
                                      (_("부재·대결"), "approvals:absences")), count=queue,
                 key="approvals"),
        NavGroup(_("일정"), _items((_("일정"), "schedules:month"))),
        NavGroup(_("고객관리"), _items((_("민원함"), "cases:box"),
                                      (_("전화·방문 민원 접수"), "cases:new"),
                                      (_("타기관 요청"), "cases:outgoing"))),
        NavGroup(_("성과관리"), _items((_("나의 활동실적"), "activity:records"),
                                      (_("확인할 실적"), "activity:review"),
                                      (_("성과관리카드"), "activity:card_people"))),
        NavGroup(_("조직"), _items(*org)),
    ]
    if is_agency_admin(person):
        groups.append(NavGroup(pgettext_lazy("menu", "관리"), _items(
            (_("기관 설정"), "org:settings"), (_("기관 규칙"), "policies:rules"),
            (_("감사 기록"), "audit:events"))))
    return groups


def _console_nav() -> list[NavGroup]:
    return [NavGroup(label, _items((label, name))) for label, name in [
        (_("기관 목록"), "console:agencies"), (_("기관 등록"), "console:onboard"),
        (_("일괄 등록"), "console:wave"), (_("감사 기록"), "console:audit")]]


def _mark_current(groups: list[NavGroup], path: str) -> NavGroup | None:
    """The item whose address is the longest prefix of the path is the current one (the
    home page only on itself); its group opens. Returns the group when it has a submenu."""
    candidates = [(len(item.url), group, item) for group in groups for item in group.items
                  if path == item.url or (item.url != "/" and path.startswith(item.url))]
    if not candidates:
        return None
    _length, group, item = max(candidates, key=lambda found: found[0])
    group.current = item.current = True
    return group if len(group.items) > 1 else None


def _lazy_nav(request, person):
    """The menu and its open group, built only if the page's kept menu (base.html) has to be
    rendered afresh."""
    built = {}

    def build() -> dict:
        if not built:
            built["nav"] = _agency_nav(person, current_queue_count(request))
            built["subnav"] = _mark_current(built["nav"], request.path)
        return built

    return (SimpleLazyObject(lambda: build()["nav"]),
            SimpleLazyObject(lambda: build()["subnav"]))


def kept_for(request, person) -> str:
    """What a fragment kept with ``{% keep %}`` (core/portal/templatetags/keep.py) varies on:
    the signed-in person and account, the agency's data version (anything written in the
    agency since reads it afresh), the date, the language and the time zone. The cache key
    carries the agency's schema (django-tenants' key function)."""
    return ":".join(str(part) for part in (
        person.pk if person else "-", request.user.pk, current_data_version(request),
        timezone.localdate().isoformat(), translation.get_language(),
        timezone.get_current_timezone_name()))


def portal(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"agency": getattr(request, "tenant", None), "nav": []}
    if on_agency_host():
        person = current_person(request)
        nav, subnav = _lazy_nav(request, person)
        return {"agency": request.tenant, "me": person, "nav": nav, "subnav": subnav,
                "kept": SimpleLazyObject(lambda: kept_for(request, person))}
    nav = _console_nav()
    return {"agency": None, "is_console": True, "nav": nav,
            "subnav": _mark_current(nav, request.path)}
