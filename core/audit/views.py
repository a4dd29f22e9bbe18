"""Browse the audit trail of the current schema (agency admins, or central staff)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core.audit.display import describe, type_label
from core.audit.events import event_label
from core.audit.selectors import audit_actions, audit_events


def events(request, template: str = "audit/events.html"):
    filters = {
        "query": request.GET.get("q", "").strip(),
        "action": request.GET.get("action", ""),
        "since": _date(request, "since"),
        "until": _date(request, "until"),
    }
    range_error = None
    if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
        range_error = _("시작일(%(since)s)이 종료일(%(until)s)보다 늦습니다. 기간을 바르게 "
                        "고쳐 주세요.") % {"since": filters["since"].isoformat(),
                                          "until": filters["until"].isoformat()}
    found = audit_events(**filters) if range_error is None else audit_events().none()
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [(event, type_label(event), describe(event)) for event in page.object_list]
    actions = [(action, event_label(action)) for action in audit_actions()]
    return render(request, template, {"page": page, "rows": rows, "filters": filters,
                                      "actions": actions, "querystring": request.GET.copy(),
                                      "range_error": range_error},
                  status=400 if range_error else 200)


def _date(request, name: str):
    try:
        return parse_date(request.GET.get(name) or "")
    except ValueError:  # a well-formed but impossible date such as 2026-02-30
        return None
