"""The agency's rules: each in force with its source; agency admins edit delegation rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit.services import Origin
from core.org.models import Position, Unit
from core.org.selectors import is_agency_admin
from core.policies import services
from core.policies.forms import (
    AbsenceRegistrarsForm,
    DelegationForm,
    LineTemplateForm,
    LineTemplateFormSet,
    StartForm,
    TransparencyForm,
)
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import (
    absence_registrars,
    colleague_records,
    document_types,
    policy_in_force,
    readable_lines,
)
from core.portal.access import person_passes
from core.portal.feedback import form_refused

admin_only = person_passes(is_agency_admin)


@admin_only
def rules(request):
    today = timezone.localdate()
    in_force = [(p, readable_lines(p)) for kind in PolicyKind.values
                if (p := policy_in_force(kind=kind, on=today)) is not None]
    history = Policy.objects.order_by("kind", "-effective_from")
    return render(request, "policies/rules.html", {"in_force": in_force, "history": history})


@admin_only
@require_http_methods(["GET", "POST"])
def delegation(request):
    today = timezone.localdate()
    current = policy_in_force(kind=PolicyKind.DELEGATION, on=today)
    form = DelegationForm(request.POST or None, rules=current.data["rules"] if current else [],
                          initial={"effective_from": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_rules_update(
                final_positions=form.final_positions(),
                effective_from=form.cleaned_data["effective_from"],
                actor=request.user, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("위임전결규정 새 버전을 저장했습니다."))
            return redirect("policies:rules")
    return render(request, "policies/delegation.html", {"form": form, "current": current},
                  status=400 if form.errors else 200)


@admin_only
@require_http_methods(["GET", "POST"])
def line_templates(request):
    """Edit the approval-line templates offered in the draft form, as a new dated version."""
    today = timezone.localdate()
    current = policy_in_force(kind=PolicyKind.APPROVAL_LINES, on=today)
    options = {"document_types": document_types(on=today),
               "positions": [(p.code, p.name) for p in Position.objects.all()],
               "units": [(u.code, u.name) for u in Unit.objects.filter(is_active=True)]}
    formset = LineTemplateFormSet(
        request.POST or None, form_kwargs=options, prefix="templates",
        initial=[LineTemplateForm.initial_from(t) for t in current.data["templates"]]
        if current else [])
    start = StartForm(request.POST or None, initial={"effective_from": today})
    if request.method == "POST" and formset.is_valid() and start.is_valid():
        kept = [form.template() for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        try:
            services.line_templates_update(
                templates=kept, effective_from=start.cleaned_data["effective_from"],
                actor=request.user, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(start, error)
        else:
            messages.success(request, _("결재선 템플릿 새 버전을 저장했습니다."))
            return redirect("policies:rules")
    failed = request.method == "POST"
    return render(request, "policies/line_templates.html", {
        "formset": formset, "start": start, "current": current}, status=400 if failed else 200)


@admin_only
@require_http_methods(["GET", "POST"])
def transparency(request):
    """업무 공개 범위: what colleagues see of each other's record of work."""
    today = timezone.localdate()
    form = TransparencyForm(request.POST or None, initial={
        "effective_from": today, "colleague_records": colleague_records(on=today)})
    if request.method == "POST" and form.is_valid():
        try:
            services.transparency_update(actor=request.user, origin=Origin.from_request(request),
                                         **form.cleaned_data)
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("업무 공개 범위 새 버전을 저장했습니다."))
            return redirect("policies:rules")
    return render(request, "policies/transparency.html", {"form": form},
                  status=400 if form.errors else 200)


@admin_only
@require_http_methods(["GET", "POST"])
def absence_registrars_edit(request):
    """Who may register someone's absence with its acting official, as a new dated version."""
    today = timezone.localdate()
    form = AbsenceRegistrarsForm(request.POST or None, initial={
        "effective_from": today, "registrars": sorted(absence_registrars(on=today))})
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_registrars_update(
                registrars=set(form.cleaned_data["registrars"]),
                effective_from=form.cleaned_data["effective_from"],
                actor=request.user, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("부재 등록 권한 새 버전을 저장했습니다."))
            return redirect("policies:rules")
    return render(request, "org/form.html", {"form": form, "title": _("부재 등록 권한")},
                  status=400 if form.errors else 200)
