"""The central console (apex host, public schema): agencies, onboarding, suspension."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import views as audit_views
from core.audit.services import Origin
from core.korean import with_particle
from core.org.exports import csv_download
from tenants import backups, selectors, services
from tenants.forms import (
    AGENCY_KIND_CHOICES,
    WAVE_TEMPLATE,
    AgencyOnboardingForm,
    WaveUploadForm,
    parse_wave,
)
from tenants.jobs import agency_export_start, agency_restore_start, agency_wave_start
from tenants.models import Agency, AgencyKind, AgencyStatus


def central_staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@central_staff_only
def agencies(request):
    filters = {"query": request.GET.get("q", "").strip(), "kind": request.GET.get("kind", ""),
               "status": request.GET.get("status", ""),
               "ordering": request.GET.get("sort", "name_ko")}
    page = Paginator(selectors.agencies_list(**filters), 50).get_page(request.GET.get("page"))
    return render(request, "tenants/agencies.html", {
        "page": page, "filters": filters, "kinds": AGENCY_KIND_CHOICES,
        "statuses": AgencyStatus.choices, "querystring": request.GET.copy(),
    })


@central_staff_only
@require_http_methods(["GET", "POST"])
def onboard(request):
    form = AgencyOnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = services.agency_onboard(
            onboarding=services.Onboarding(**form.cleaned_data), actor=request.user,
            origin=Origin.from_request(request),
        )
        messages.success(request, _("%(name)s 등록하고 관리자에게 초대 메일을 보냈습니다.")
                         % {"name": with_particle(agency.name_ko, "을")})
        return redirect("console:agencies")
    return render(request, "tenants/onboard.html", {"form": form},
                  status=400 if form.errors else 200)


@central_staff_only
@require_http_methods(["GET", "POST"])
def wave(request):
    form = WaveUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        rows, errors = parse_wave(form.cleaned_data["file"])
        if not errors:  # every row checked now; a worker onboards them, showing progress
            job = agency_wave_start(rows=rows, actor=request.user,
                                    origin=Origin.from_request(request))
            return redirect("jobs:detail", pk=job.pk)
    failed = bool(errors or form.errors)
    return render(request, "tenants/wave.html", {"form": form, "errors": errors},
                  status=400 if failed else 200)


@central_staff_only
def wave_template(request):
    return csv_download(WAVE_TEMPLATE, "agency-wave-template.csv")


@central_staff_only
@require_POST
def set_status(request, pk: int):
    agency = get_object_or_404(Agency.objects.exclude(kind=AgencyKind.PLATFORM), pk=pk)
    status = request.POST.get("status")
    if status not in AgencyStatus.values:
        messages.error(request, _("알 수 없는 상태입니다."))
    else:
        services.agency_set_status(agency=agency, status=status, actor=request.user,
                                   origin=Origin.from_request(request))
        messages.success(request, _("%(name)s의 상태를 %(status)s 바꿨습니다.") % {
            "name": agency.name_ko,
            "status": with_particle(f"'{AgencyStatus(status).label}'", "(으)로")})
    if request.POST.get("back") == "agency":
        return redirect("console:agency", pk=agency.pk)
    return redirect("console:agencies")


def _agency_or_404(pk: int) -> Agency:
    agency = selectors.agency_for_console(pk)
    if agency is None:
        raise Http404
    return agency


def _backup_or_404(agency: Agency, name: str) -> backups.Backup:
    backup = selectors.agency_backup(agency, name)
    if backup is None:
        raise Http404
    return backup


@central_staff_only
def agency(request, pk: int):
    agency = _agency_or_404(pk)
    return render(request, "tenants/agency.html", {
        "agency": agency, "backups": selectors.agency_backups(agency),
        "jobs": selectors.agency_jobs(agency),
    })


@central_staff_only
@require_POST
def backup_start(request, pk: int):
    job = agency_export_start(agency=_agency_or_404(pk), actor=request.user,
                              origin=Origin.from_request(request))
    return redirect("jobs:detail", pk=job.pk)


@central_staff_only
def backup_download(request, pk: int, name: str):
    agency = _agency_or_404(pk)
    backup = _backup_or_404(agency, name)
    backups.agency_backup_download_record(agency=agency, backup=backup, actor=request.user,
                                          origin=Origin.from_request(request))
    return FileResponse(backup.path.open("rb"), as_attachment=True, filename=backup.name,
                        content_type="application/gzip")


@central_staff_only
@require_http_methods(["GET", "POST"])
def backup_restore(request, pk: int, name: str):
    """Restore over the (suspended) agency, after the person types its subdomain."""
    agency = _agency_or_404(pk)
    backup = _backup_or_404(agency, name)
    subdomain = agency.get_primary_domain().domain.split(".", 1)[0]
    error = None
    if request.method == "POST":
        if not agency.is_suspended:
            error = _("운영 중인 기관에는 복원할 수 없습니다. 먼저 이용을 정지하세요.")
        elif request.POST.get("confirm", "").strip().lower() != subdomain:
            error = _("확인을 위해 이 기관의 하위 도메인(%(subdomain)s)을 그대로 입력하세요.") % {
                "subdomain": subdomain}
        else:
            try:
                job = agency_restore_start(agency=agency, backup=backup, actor=request.user,
                                           origin=Origin.from_request(request))
            except ValidationError as failure:
                error = " ".join(failure.messages)
            else:
                return redirect("jobs:detail", pk=job.pk)
    return render(request, "tenants/restore.html", {
        "agency": agency, "backup": backup, "subdomain": subdomain, "error": error,
    }, status=400 if error else 200)


@central_staff_only
def audit(request):
    return audit_views.events(request, template="tenants/audit.html")
