"""Schedule pages: month and week calendars, entry forms, and the private iCalendar feed."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.audit.services import Origin
from core.portal.access import current_person, person_passes
from core.portal.feedback import form_refused
from core.schedules import selectors, services
from core.schedules.forms import EntryForm
from core.schedules.ical import calendar_bytes
from core.schedules.models import KST, Entry

staff_only = person_passes(lambda person: person is not None and person.is_active)
WEEKDAYS = [pgettext_lazy("weekday", "일"), pgettext_lazy("weekday", "월"),
            pgettext_lazy("weekday", "화"), pgettext_lazy("weekday", "수"),
            pgettext_lazy("weekday", "목"), pgettext_lazy("weekday", "금"),
            pgettext_lazy("weekday", "토")]
FILTER_TABS = [("", gettext_lazy("전체")), ("mine", gettext_lazy("내 일정")),
               ("unit", gettext_lazy("부서 일정")), ("agency", gettext_lazy("기관 일정"))]


def _today() -> date:
    return datetime.now(KST).date()


def _anchor(request) -> date:
    """Return the ?date= day, or today when it is missing, malformed or absurdly far off."""
    try:
        parsed = parse_date(request.GET.get("date") or "")
    except ValueError:
        parsed = None
    return parsed if parsed and 1900 <= parsed.year <= 2200 else _today()


def _filter_key(request) -> str:
    key = request.GET.get("scope", "")
    return key if key in selectors.FILTERS else ""


def _url(name: str, day: date, key: str = "") -> str:
    query = {"date": day.isoformat(), **({"scope": key} if key else {})}
    return f"{reverse(name)}?{urlencode(query)}"


def _calendar_context(request, view: str, anchor: date, previous: date, following: date):
    key = _filter_key(request)
    name = f"schedules:{view}"
    return {
        "view": view, "anchor": anchor, "today": _today(), "weekdays": WEEKDAYS, "key": key,
        "previous_url": _url(name, previous, key), "next_url": _url(name, following, key),
        "today_url": _url(name, _today(), key),
        "month_url": _url("schedules:month", anchor, key),
        "week_url": _url("schedules:week", anchor, key),
        "tabs": [(label, _url(name, anchor, value), value == key) for value, label in FILTER_TABS],
    }


@staff_only
def month(request):
    anchor = _anchor(request)
    first = anchor.replace(day=1)
    weeks, count = selectors.month_grid(current_person(request), first.year, first.month,
                                        selectors.FILTERS.get(_filter_key(request), ""))
    context = _calendar_context(request, "month", first, (first - timedelta(days=1)).replace(
        day=1), (first + timedelta(days=32)).replace(day=1))
    heading = date_format(first, "YEAR_MONTH_FORMAT")  # 2026년 11월 / November 2026
    return render(request, "schedules/month.html", {**context, "weeks": weeks, "count": count,
                                                    "heading": heading})


@staff_only
def week(request):
    start = selectors.week_start(_anchor(request))
    days, count = selectors.week_days(current_person(request), start,
                                      selectors.FILTERS.get(_filter_key(request), ""))
    context = _calendar_context(request, "week", start, start - timedelta(days=7),
                                start + timedelta(days=7))
    last = start + timedelta(days=6)
    heading = f"{date_format(start, 'DATE_FORMAT')} – {date_format(last, 'MONTH_DAY_FORMAT')}"
    return render(request, "schedules/week.html", {
        **context, "rows": list(zip(WEEKDAYS, days, strict=True)), "count": count,
        "heading": heading})


def _visible_or_404(request, pk: int) -> Entry:
    entry = selectors.visible_entries(current_person(request)).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def _editable_or_403(request, pk: int) -> Entry:
    entry = _visible_or_404(request, pk)
    if not selectors.can_edit(current_person(request), entry):
        raise PermissionDenied
    return entry


@staff_only
def entry_detail(request, pk: int):
    entry = _visible_or_404(request, pk)
    return render(request, "schedules/entry_detail.html", {
        "entry": entry, "can_edit": selectors.can_edit(current_person(request), entry)})


@staff_only
@require_http_methods(["GET", "POST"])
def entry_new(request):
    person = current_person(request)
    form = EntryForm(request.POST or None, scopes=selectors.creatable_scopes(person),
                     initial={"start_date": _anchor(request), "start_time": time(9, 0)})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(actor=person, origin=Origin.from_request(request),
                                          **form.entry_fields())
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("일정을 등록했습니다."))
            return redirect(_url("schedules:month", entry.first_day))
    status = 400 if form.errors else 200
    return render(request, "schedules/form.html", {"form": form, "title": _("일정 등록")},
                  status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int):
    person, entry = current_person(request), _editable_or_403(request, pk)
    scopes = selectors.creatable_scopes(person) if entry.owner_id == person.pk else [
        (entry.scope, entry.get_scope_display())]
    form = EntryForm(request.POST or None, scopes=scopes, initial=EntryForm.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(entry=entry, actor=person, origin=Origin.from_request(request),
                                  **form.entry_fields())
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("일정을 저장했습니다."))
            return redirect("schedules:entry", pk=entry.pk)
    status = 400 if form.errors else 200
    return render(request, "schedules/form.html", {"form": form, "title": entry.title,
                                                   "entry": entry}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def entry_delete(request, pk: int):
    entry = _editable_or_403(request, pk)
    if request.method == "POST":
        services.entry_delete(entry=entry, actor=current_person(request),
                              origin=Origin.from_request(request))
        messages.success(request, _("일정을 삭제했습니다."))
        return redirect(_url("schedules:month", entry.first_day))
    return render(request, "schedules/confirm_delete.html", {"entry": entry})


@staff_only
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    person = current_person(request)
    if request.method == "POST":
        origin = Origin.from_request(request)
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(person=person, actor=person, origin=origin)
            done = _("구독 링크를 끊었습니다. 이전 링크는 더 이상 열리지 않습니다.")
        else:
            services.feed_token_rotate(person=person, actor=person, origin=origin)
            done = _("새 구독 링크를 만들었습니다. 이전 링크는 더 이상 열리지 않습니다.")
        messages.success(request, done)
        return redirect("schedules:feed_settings")
    token = selectors.feed_token_of(person)
    feed_url = request.build_absolute_uri(
        reverse("schedules:feed", kwargs={"token": token.key})) if token else ""
    return render(request, "schedules/feed.html", {"token": token, "feed_url": feed_url})


@login_not_required
@require_GET
def feed(request, token: str):
    """Serve a person's calendar to their calendar app; the secret link is the credential."""
    person = selectors.person_for_feed(token)
    if person is None:
        raise Http404
    body = calendar_bytes(selectors.feed_entries(person),
                          deadlines=selectors.feed_deadlines(person),
                          name=f"{request.tenant.name_ko} · {person.name}",
                          uid_domain=f"{request.tenant.schema_name}.harmony")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="harmony.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
