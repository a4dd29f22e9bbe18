"""The agency rulebook: every kind in force with its default, bounds and sources; drafts,
comparison, preview and adoption; the hand-written editors of delegation and lines."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit.services import Origin
from core.org.models import Person, PersonStatus, Position, Unit
from core.org.selectors import is_agency_admin
from core.policies import services
from core.policies.editor import AdoptForm, EvaluateesForm, RuleForm, compare
from core.policies.forms import (
    AbsenceRegistrarsForm,
    DelegationForm,
    LineTemplateForm,
    LineTemplateFormSet,
    StartForm,
    TransparencyForm,
)
from core.policies.kinds import kind_get
from core.policies.models import PolicyKind
from core.policies.selectors import (
    absence_registrars,
    colleague_records,
    document_types,
    draft_get,
    kind_book,
    policy_in_force,
    rule_shape,
    rulebook,
)
from core.portal.access import person_passes
from core.portal.feedback import flash_refused, form_refused
from core.portal.params import digits_to_int

admin_only = person_passes(is_agency_admin)


@admin_only
def rules(request):
    """The agency admin's rulebook: every kind with its value in force, the standard
    model's default beside it, its bounds and their sources, drafts waiting and history."""
    return render(request, "policies/rules.html",
                  {"books": rulebook(on=timezone.localdate())})


def _kind_or_404(code: str):
    kind = kind_get(code)
    if kind is None:
        raise Http404
    return kind


@admin_only
def kind_detail(request, kind):
    kind = _kind_or_404(kind)
    book = kind_book(kind, on=timezone.localdate())
    return render(request, "policies/kind.html", {"book": book})


@admin_only
@require_http_methods(["GET", "POST"])
def draft_edit(request, kind, pk=None):
    """A new draft (from the version in force) or a draft changed."""
    kind = _kind_or_404(kind)
    draft = None
    if pk is not None:
        draft = draft_get(kind, pk)
        if draft is None or not draft.is_draft:
            raise Http404
        base = draft.data
    else:
        base = kind_book(kind, on=timezone.localdate()).rule.model_dump(mode="json")
    if kind.editor_url and not RuleForm(kind=kind, data=base).fields:
        return redirect(kind.editor_url)
    form = RuleForm(request.POST or None, kind=kind, data=base)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_save(kind=kind, data=form.rule_data(), actor=request.user,
                                        draft=draft, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("초안을 저장했습니다. 적용 중인 버전과 비교하고 "
                                        "채택하세요."))
            return redirect("policies:version", kind=kind.code, pk=draft.pk)
    return render(request, "policies/draft_form.html",
                  {"form": form, "kind": kind, "label": _(kind.label), "draft": draft},
                  status=400 if form.errors else 200)


@admin_only
@require_http_methods(["GET", "POST"])
def version(request, kind, pk):
    """One version: a draft beside the version in force (changes highlighted) with its
    preview and adoption, or an older version to read."""
    kind = _kind_or_404(kind)
    policy = draft_get(kind, pk)
    if policy is None:
        raise Http404
    today = timezone.localdate()
    book = kind_book(kind, on=today)
    earliest = kind.earliest_effective(today)
    form = AdoptForm(request.POST or None, initial={"effective_from": earliest})
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_adopt(draft=policy, effective_from=form.cleaned_data["effective_from"],
                                 actor=request.user, origin=Origin.from_request(request))
        except ValidationError as error:
            form_refused(form, error)
        else:
            messages.success(request, _("새 버전을 채택했습니다: %(date)s부터 적용합니다.")
                             % {"date": form.cleaned_data["effective_from"].isoformat()})
            return redirect("policies:kind", kind=kind.code)
    rule = rule_shape(policy)
    return render(request, "policies/version.html", {
        "book": book, "policy": policy, "items": kind.describe(rule),
        "compared": compare(kind, book.rule, rule) if policy.is_draft else None,
        "form": form, "earliest": earliest}, status=400 if form.errors else 200)


@admin_only
@require_http_methods(["POST"])
def draft_discard(request, kind, pk):
    kind = _kind_or_404(kind)
    policy = draft_get(kind, pk)
    if policy is None:
        raise Http404
    try:
        services.draft_discard(draft=policy, actor=request.user,
                               origin=Origin.from_request(request))
    except ValidationError as error:
        flash_refused(request, error)
    else:
        messages.success(request, _("초안을 지웠습니다."))
    return redirect("policies:kind", kind=kind.code)


@admin_only
@require_http_methods(["POST"])
def standard_take(request, kind):
    """표준모델 받기: the standard model's newer value of this kind, as a draft."""
    kind = _kind_or_404(kind)
    try:
        draft = services.draft_from_standard_model(
            kind=kind, version=request.POST.get("version", "")[:20], actor=request.user,
            origin=Origin.from_request(request))
    except ValidationError as error:
        flash_refused(request, error)
        return redirect("policies:kind", kind=kind.code)
    messages.success(request, _("표준모델의 값을 초안으로 받았습니다. 비교한 뒤 채택하세요."))
    return redirect("policies:version", kind=kind.code, pk=draft.pk)


@admin_only
@require_http_methods(["GET", "POST"])
def preview(request, kind):
    """The effect of the version in force, or of a draft (?draft=id), on evaluatees entered
    here (the agency has no evaluation data of its own yet): nothing is written."""
    kind = _kind_or_404(kind)
    if not kind.has_preview:
        raise Http404
    today = timezone.localdate()
    draft = None
    if (draft_id := digits_to_int(request.GET.get("draft", ""))) is not None:
        draft = draft_get(kind, draft_id)
    rule = rule_shape(draft) if draft else kind_book(kind, on=today).rule
    form = EvaluateesForm(request.POST or None, initial={"lines": _staff_lines()})
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = kind.preview(rule, form.evaluatees())
        except ValidationError as error:
            form_refused(form, error)
    return render(request, "policies/preview.html", {
        "kind": kind, "label": _(kind.label), "form": form, "results": results,
        "draft": draft}, status=400 if form.errors else 200)


def _staff_lines() -> str:
    """Current staff with their units and a placeholder score, to start the preview from."""
    people = Person.objects.filter(status=PersonStatus.ACTIVE, unit__isnull=False).order_by(
        "unit__code", "employee_number").values_list("employee_number", "unit__code")[:2000]
    return "\n".join(f"{number}, {unit}, 80" for number, unit in people)


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
