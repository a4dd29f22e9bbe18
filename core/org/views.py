"""Org chart pages: everyone reads; agency admins and HR officers change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit.services import Origin
from core.org import imports, selectors, services
from core.org import jobs as org_jobs
from core.org.exports import appointments_xlsx_response, csv_download, people_xlsx_response
from core.org.forms import (
    AppointmentCorrectForm,
    AppointmentEndForm,
    AppointmentForm,
    DisciplineForm,
    ImportForm,
    NewPersonForm,
    OrgOnForm,
    OrgSettingsForm,
    PersonForm,
    RolesForm,
    UnitForm,
)
from core.org.models import Appointment, Grade, Person, PersonStatus, Role, Unit
from core.portal.access import current_person, person_passes
from core.portal.feedback import form_refused

manager_only = person_passes(selectors.can_manage_org)
admin_only = person_passes(selectors.is_agency_admin)


def _int_or_none(text: str | None) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses (a 500 from a URL).
    return int(text) if text and text.isdecimal() else None


def chart(request):
    return render(request, "org/chart.html", {
        "tree": selectors.unit_tree(),
        "can_manage": selectors.can_manage_org(current_person(request)),
    })


def people(request):
    filters = {
        "query": request.GET.get("q", "").strip(),
        "unit_id": _int_or_none(request.GET.get("unit")),
        "status": request.GET.get("status", PersonStatus.ACTIVE),
        "role": request.GET.get("role", ""),
        "grade_id": _int_or_none(request.GET.get("grade")),
        "ordering": request.GET.get("sort", "name"),
    }
    people_qs = selectors.people_list(**filters)
    if request.GET.get("format") == "xlsx":
        # The whole agency with e-mail addresses is for HR and admins (issue 12 §3).
        if not selectors.can_manage_org(current_person(request)):
            raise PermissionDenied(_("직원 명단(이메일 포함)은 인사담당자와 기관 관리자만 "
                                     "내려받을 수 있습니다."))
        services.people_export_record(actor=request.user, filters=filters,
                                      origin=Origin.from_request(request))
        return people_xlsx_response(people_qs)
    page = Paginator(people_qs, 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {
        "page": page, "filters": filters, "units": Unit.objects.filter(is_active=True),
        "grades": Grade.objects.all(), "roles": Role.objects.all(),
        "statuses": PersonStatus.choices, "can_manage": selectors.can_manage_org(
            current_person(request)),
        "querystring": request.GET.copy(),
    })


def person_detail(request, pk: int):
    person = get_object_or_404(
        Person.objects.select_related("unit", "grade", "position").prefetch_related("roles"),
        pk=pk,
    )
    viewer = current_person(request)
    can_manage = selectors.can_manage_org(viewer)
    context = {"person": person, "can_manage": can_manage,
               "can_change_roles": bool(selectors.grantable_roles(viewer))
               and viewer.pk != person.pk}
    # The appointment record is the person's own and HR's; discipline only HR's.
    if can_manage or viewer.pk == person.pk:
        today = timezone.localdate()
        context.update(history=selectors.appointments_of(person),
                       hire_date=selectors.hire_date(person),
                       days_in_grade=selectors.time_in_grade(person, today),
                       days_in_post=selectors.time_in_post(person, today),
                       absences=selectors.absences_of(person)[:20])
    if can_manage:
        context["disciplinary"] = selectors.disciplinary_of(person)
    return render(request, "org/person_detail.html", context)


def _appointment_for(person_pk: int, pk: int) -> Appointment:
    """The appointment ``pk`` of person ``person_pk`` (the URL names both), else 404."""
    return get_object_or_404(Appointment.objects.select_related("person"), pk=pk,
                             person_id=person_pk)


def _history_form(request, form, title: str, write, done: str, pk: int):
    """Render ``form``; on a valid post call ``write(cleaned_data)`` and go back to the
    person's page with ``done``."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, done)
            return redirect("org:person", pk=pk)
    return render(request, "org/form.html", {"form": form, "title": title},
                  status=400 if form.errors else 200)


@manager_only
@require_http_methods(["GET", "POST"])
def appointment_new(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    origin = Origin.from_request(request)
    return _history_form(
        request, AppointmentForm(request.POST or None),
        _("발령 등록: %(name)s") % {"name": person.name},
        lambda data: services.appointment_record(person=person, actor=request.user,
                                                 origin=origin, **data),
        _("발령을 등록했습니다."), pk)


@manager_only
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk: int, appointment_pk: int):
    appointment = _appointment_for(pk, appointment_pk)
    origin = Origin.from_request(request)
    return _history_form(
        request, AppointmentCorrectForm.for_appointment(appointment, data=request.POST or None),
        _("발령 정정: %(name)s") % {"name": appointment.person.name},
        lambda data: services.appointment_correct(appointment=appointment, actor=request.user,
                                                  origin=origin, **data),
        _("발령을 정정했습니다."), pk)


@manager_only
@require_http_methods(["GET", "POST"])
def appointment_end(request, pk: int, appointment_pk: int):
    appointment = _appointment_for(pk, appointment_pk)
    origin = Origin.from_request(request)
    return _history_form(
        request, AppointmentEndForm(request.POST or None),
        _("발령 종료: %(name)s") % {"name": appointment.person.name},
        lambda data: services.appointment_end(appointment=appointment, actor=request.user,
                                              origin=origin, **data),
        _("발령을 종료했습니다."), pk)


@manager_only
@require_http_methods(["GET", "POST"])
def discipline_new(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    origin = Origin.from_request(request)
    return _history_form(
        request, DisciplineForm(request.POST or None),
        _("징계 등록: %(name)s") % {"name": person.name},
        lambda data: services.discipline_record(person=person, actor=request.user,
                                                origin=origin, **data),
        _("징계를 등록했습니다."), pk)


@manager_only
def org_on_page(request):
    """Who was where on a date (기준일), by unit; HR's view of the past org chart."""
    form = OrgOnForm(request.GET or None)
    page = None
    if form.is_valid():
        on, unit = form.cleaned_data["on"], form.cleaned_data["unit"]
        placements = selectors.placements_shown(selectors.people_on(on, unit=unit))
        page = Paginator(placements, 100).get_page(request.GET.get("page"))
    return render(request, "org/org_on.html", {"form": form, "page": page,
                                               "querystring": request.GET.copy()},
                  status=400 if form.errors else 200)


@manager_only
def appointments_export(request):
    services.appointments_export_record(actor=request.user, origin=Origin.from_request(request))
    return appointments_xlsx_response(selectors.appointments_for_export())


@manager_only
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = NewPersonForm(request.POST or None,
                         grantable=selectors.grantable_roles(current_person(request)))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, origin=Origin.from_request(request),
                                            **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("직원을 등록했습니다."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/form.html", {"form": form, "title": _("직원 등록")})


@manager_only
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    form = PersonForm.for_person(person, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user,
                                   origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("직원 정보를 저장했습니다."))
            if person.user_id and form.cleaned_data["email"] not in ("", person.email):
                messages.info(request, _("새 이메일로 확인 메일을 보냈습니다. 확인하면 로그인 "
                                         "이메일이 바뀌고, 기존 주소로도 알림을 보냈습니다."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/form.html", {"form": form, "title": person.name})


@admin_only
@require_http_methods(["GET", "POST"])
def person_roles(request, pk: int):
    """Agency admins grant and take away roles (not their own)."""
    person = get_object_or_404(Person, pk=pk)
    initial = {"roles": list(person.roles.values_list("code", flat=True))}
    form = RolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_roles(person=person, roles=form.cleaned_data["roles"],
                                      actor=request.user, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("역할을 변경했습니다."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/form.html", {"form": form, "title": _("역할 변경")},
                  status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def email_confirm(request, token: str):
    """Confirm a new sign-in e-mail from the link mailed to it. GET only shows the change (a
    mail scanner opening the link must not confirm it); the button posts."""
    try:
        change = services.email_change_pending(token)
        if request.method == "POST":
            services.person_email_confirm(token=token, origin=Origin.from_request(request))
            messages.success(request, _("로그인 이메일을 변경했습니다. 새 이메일로 로그인하세요."))
            return redirect("account_login")
    except ValidationError as error:
        return render(request, "org/email_confirm.html", {"refused": error.messages},
                      status=400)
    return render(request, "org/email_confirm.html", {"change": change})


@manager_only
@require_http_methods(["GET", "POST"])
def unit_form(request, pk: int | None = None):
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    initial = {f: getattr(unit, f) for f in UnitForm.base_fields} if unit else None
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        origin = Origin.from_request(request)
        try:
            if unit:
                fields = {k: v for k, v in form.cleaned_data.items() if k != "code"}
                services.unit_update(unit=unit, actor=request.user, origin=origin, **fields)
            else:
                services.unit_create(actor=request.user, origin=origin, **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("부서를 저장했습니다."))
            return redirect("org:chart")
    title = unit.name if unit else _("부서 등록")
    return render(request, "org/form.html", {"form": form, "title": title})


@manager_only
@require_http_methods(["GET", "POST"])
def import_file(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result, file_error = None, None
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        content, origin = upload.read(), Origin.from_request(request)
        try:  # check every row now, so a bad file is answered at once; a worker writes it
            result = org_jobs.IMPORTERS[kind](name=upload.name, content=content,
                                              actor=request.user, origin=origin,
                                              validate_only=True)
        except imports.ImportFileError as error:
            file_error = str(error)
        else:
            if result.ok:
                job = org_jobs.org_import_start(kind=kind, name=upload.name, content=content,
                                                actor=request.user, origin=origin)
                return redirect("jobs:detail", pk=job.pk)
    status = 400 if file_error or (result and not result.ok) or form.errors else 200
    return render(request, "org/import.html",
                  {"form": form, "result": result, "file_error": file_error}, status=status)


@manager_only
def import_template(request, kind: str):
    if kind not in imports.TEMPLATES:
        raise Http404
    return csv_download(imports.TEMPLATES[kind], f"{kind}-template.csv")


@admin_only
@require_http_methods(["GET", "POST"])
def org_settings(request):
    current = selectors.org_settings()
    form = OrgSettingsForm(request.POST or None, initial={
        "privileged_mfa_required": current.privileged_mfa_required,
        "privileged_mfa_opt_out_reason": current.privileged_mfa_opt_out_reason,
        "api_token_days": current.api_token_days,
        "sending_authority": selectors.sending_authority(request.tenant),
        **{field: getattr(current, field) for field in selectors.CONTACT_FIELDS},
    })
    if request.method == "POST" and form.is_valid():
        services.org_settings_update(actor=request.user, origin=Origin.from_request(request),
                                     **form.cleaned_data)
        messages.success(request, _("설정을 저장했습니다."))
        return redirect("org:settings")
    return render(request, "org/form.html", {"form": form, "title": _("기관 설정")})
