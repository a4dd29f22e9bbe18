"""Pages of activity records (활동실적), the performance card (성과관리카드) and reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.activity import reports, selectors, services
from core.activity.forms import (
    CardEntryEditForm,
    CardEntryForm,
    PeriodForm,
    RecordFilterForm,
    RecordForm,
    ReturnForm,
)
from core.activity.jobs import records_backfill_start
from core.activity.models import RecordKind
from core.audit.services import Origin
from core.org.models import Unit
from core.org.selectors import can_manage_org
from core.portal.access import current_person, person_passes
from core.portal.feedback import flash_refused, form_refused
from core.spreadsheets import xlsx_response

staff_only = person_passes(selectors.is_member)
PAGE_SIZE = 30
XLSX_HEADER = ["실적일", "구분", "제목", "부서", "상태", "증빙", "확인자", "반려 사유"]


def _filters(request) -> tuple[RecordFilterForm, dict]:
    form = RecordFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {"period": selectors.Period(data.get("since"), data.get("until")),
                  "kind": data.get("kind", ""), "status": data.get("status", "")}


@staff_only
@require_GET
def records(request):
    """My activity records: by period, kind and status; paged; as XLSX."""
    person = current_person(request)
    form, filters = _filters(request)
    found = selectors.my_records(person=person, **filters)
    if request.GET.get("format") == "xlsx" and not form.errors:
        services.records_export_record(actor=person, filters={
            "since": filters["period"].since, "until": filters["period"].until,
            "kind": filters["kind"], "status": filters["status"]},
            origin=Origin.from_request(request))
        rows = ([r.occurred_on.isoformat(), r.get_kind_display(), r.title,
                 r.unit.name if r.unit else "", r.get_status_display(),
                 r.get_evidence_type_display() + (f" {r.evidence_id}" if r.evidence_id else "")
                 or ", ".join(f.name for f in r.files.all()),
                 r.rater.name if r.rater else "", r.return_reason]
                for r in found.iterator(chunk_size=1000))
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(sheet_title="활동실적", header=XLSX_HEADER, rows=rows,
                             filename=f"activity-{stamp}.xlsx")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activity/records.html", {
        "person": person, "page": page, "form": form, "querystring": request.GET.copy(),
        "to_confirm": selectors.records_to_confirm(person=person).count(),
        "headed_units": Unit.objects.filter(pk__in=selectors.headed_unit_ids(person)),
        "may_collect": can_manage_org(person)}, status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def record_new(request):
    person = current_person(request)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_add(actor=person, files=request.FILES.getlist("files"),
                                         origin=Origin.from_request(request),
                                         **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("활동실적을 등록했습니다. 부서장의 확인을 기다립니다."))
            return redirect("activity:record", pk=record.pk)
    return render(request, "activity/record_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _record_or_404(request, pk):
    record = selectors.record_for(person=current_person(request), pk=pk)
    if record is None:
        raise Http404
    return record


def _render_record(request, record, *, return_form=None, status=200):
    person = current_person(request)
    evidence = (selectors.evidence_for(person=person, evidence_type=record.evidence_type,
                                       evidence_id=record.evidence_id)
                if record.evidence_type else None)
    url_name = selectors.EVIDENCE_URLS.get(record.evidence_type)
    return render(request, "activity/record.html", {
        "record": record, "evidence": evidence,
        "evidence_url": reverse(url_name, args=[evidence.pk]) if evidence and url_name else "",
        "can_decide": selectors.can_decide(person, record),
        "return_form": return_form or ReturnForm()}, status=status)


@staff_only
@require_GET
def record(request, pk: int):
    return _render_record(request, _record_or_404(request, pk))


@staff_only
@require_GET
def record_file(request, pk: int, file_pk: int):
    item = _record_or_404(request, pk).files.filter(pk=file_pk).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@staff_only
@require_POST
def record_decide(request, pk: int, action: str):
    person, found = current_person(request), _record_or_404(request, pk)
    origin = Origin.from_request(request)
    if action == "confirm":
        try:
            services.record_confirm(record=found, actor=person, origin=origin)
        except ValidationError as error:
            flash_refused(request, error)
            return _render_record(request, found, status=400)
        messages.success(request, _("실적을 확인했습니다."))
    elif action == "return":
        form = ReturnForm(request.POST)
        try:
            if not form.is_valid():
                return _render_record(request, found, return_form=form, status=400)
            services.record_return(record=found, actor=person, origin=origin,
                                   reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_refused(form, error)
            return _render_record(request, found, return_form=form, status=400)
        messages.success(request, _("실적을 반려했습니다."))
    else:
        raise Http404
    return redirect("activity:review")


@staff_only
@require_GET
def review(request):
    """Records added by hand waiting for my confirmation (as their rater)."""
    person = current_person(request)
    page = Paginator(selectors.records_to_confirm(person=person), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "activity/review.html", {"page": page,
                                                    "querystring": request.GET.copy()})


@person_passes(can_manage_org)
@require_POST
def collect(request):
    """HR and admins: collect every move not collected yet, as a background job."""
    job = records_backfill_start(actor=request.user,
                                 origin=Origin.from_request(request))
    return redirect("jobs:detail", pk=job.pk)


# --- the performance card -----------------------------------------------------------------------

def _card_person_or_404(request, person_id: int):
    person = selectors.card_for(viewer=current_person(request), person=person_id)
    if person is None:
        raise Http404
    return person


@staff_only
@require_GET
def my_card(request):
    return redirect("activity:card", person_id=current_person(request).pk)


@staff_only
@require_GET
def card(request, person_id: int):
    viewer, person = current_person(request), _card_person_or_404(request, person_id)
    return render(request, "activity/card.html", {
        "person": person, **selectors.card(person=person), "viewer": viewer,
        "kinds": selectors.writable_kinds(author=viewer, person=person)})


@staff_only
@require_GET
def card_people(request):
    """Whose cards I may read (HR: everyone; heads: their current members)."""
    query = request.GET.get("q", "").strip()[:50]
    people = selectors.card_people(current_person(request)).order_by("name", "pk")
    if query:
        people = people.filter(name__icontains=query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activity/card_people.html", {
        "page": page, "query": query, "querystring": request.GET.copy()})


@staff_only
@require_http_methods(["GET", "POST"])
def card_entry_new(request, person_id: int):
    viewer, person = current_person(request), _card_person_or_404(request, person_id)
    kinds = selectors.writable_kinds(author=viewer, person=person)
    if not kinds:
        raise PermissionDenied
    form = CardEntryForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            services.card_entry_add(actor=viewer, person=person,
                                    origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("성과관리카드에 기재했습니다."))
            return redirect("activity:card", person_id=person.pk)
    return render(request, "activity/entry_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def card_entry_edit(request, pk: int):
    viewer = current_person(request)
    entry = selectors.card_entry_for(viewer=viewer, pk=pk)
    if entry is None:
        raise Http404
    if entry.author_id != viewer.pk:
        raise PermissionDenied
    form = CardEntryEditForm(request.POST or None, initial={
        "title": entry.title, "body": entry.body, "occurred_on": entry.occurred_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.card_entry_edit(entry=entry, actor=viewer,
                                     origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("기재 사항을 고쳤습니다."))
            return redirect("activity:card", person_id=entry.person_id)
    return render(request, "activity/entry_form.html", {"form": form, "person": entry.person,
                                                        "entry": entry},
                  status=400 if form.errors else 200)


# --- reports -------------------------------------------------------------------------------------

def _period(request) -> tuple[PeriodForm, selectors.Period | None]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"since": today.replace(month=1, day=1), "until": today})
    if not form.is_valid():
        return form, None
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    try:
        services.check_period(since, until)
    except ValidationError as error:
        form_refused(form, error)
        return form, None
    return form, selectors.Period(since, until)


def _send(request, report, form) -> HttpResponse:
    output = request.GET.get("format", "")
    agency = request.tenant.name_ko
    if output in ("pdf", "xlsx"):
        services.report_export_record(
            actor=current_person(request), label=f"{report.title}: {report.subject}",
            period=f"{report.period.since or ''}~{report.period.until or ''}",
            file_format=output, origin=Origin.from_request(request))
    if output == "pdf":
        pdf = reports.report_pdf_bytes(report, agency_name=agency)
        return HttpResponse(pdf, content_type="application/pdf", headers={
            "Content-Disposition": content_disposition_header(
                True, f"{report.filename_stem}.pdf")})
    if output == "xlsx":
        return reports.report_xlsx_response(report)
    template = "activity/report_print.html" if output == "print" else "activity/report.html"
    return render(request, template, {"report": report, "form": form, "agency_name": agency,
                                      "kinds": RecordKind.choices,
                                      "printed_on": timezone.localdate(),
                                      "querystring": request.GET.copy()})


@staff_only
@require_GET
def person_report(request, person_id: int):
    person = _card_person_or_404(request, person_id)
    form, period = _period(request)
    if period is None:
        return render(request, "activity/report.html", {"form": form, "subject": person},
                      status=400)
    return _send(request, reports.person_report(person=person, period=period), form)


def _unit_or_404(request, unit_id: int) -> Unit:
    viewer = current_person(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not (can_manage_org(viewer)
                            or unit.pk in selectors.headed_unit_ids(viewer)):
        raise Http404
    return unit


@staff_only
@require_GET
def unit_report(request, unit_id: int):
    unit = _unit_or_404(request, unit_id)
    form, period = _period(request)
    if period is None:
        return render(request, "activity/report.html", {"form": form, "subject": unit},
                      status=400)
    return _send(request, reports.unit_report(unit=unit, period=period), form)


