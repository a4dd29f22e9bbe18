"""The agency's rules: each in force with its source; agency admins edit delegation rules."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.audit.services import Origin
from core.org.models import Position
from core.org.selectors import is_agency_admin
from core.policies import services
from core.policies.models import Policy, PolicyKind
from core.policies.selectors import policy_in_force
from core.portal.access import person_passes

admin_only = person_passes(is_agency_admin)


class DelegationForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("적용 시작일"),
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, rules: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.code, p.name) for p in Position.objects.all()]
        for rule in rules:
            self.fields[rule["document_type"]] = forms.ChoiceField(
                label=rule.get("name") or rule["document_type"], choices=choices,
                initial=rule["final_position"])

    def final_positions(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "effective_from"}


@admin_only
def rules(request):
    today = timezone.localdate()
    in_force = [p for kind in PolicyKind.values
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
            form.add_error(None, error)
        else:
            messages.success(request, _("위임전결규정 새 버전을 저장했습니다."))
            return redirect("policies:rules")
    return render(request, "policies/delegation.html", {"form": form, "current": current},
                  status=400 if form.errors else 200)
