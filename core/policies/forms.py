"""Forms agency admins edit their rules with."""

from django import forms
from django.utils.translation import gettext_lazy

from core.org.models import Position
from core.policies.selectors import ColleagueRecords


class StartForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("적용 시작일"),
                                     widget=forms.DateInput(attrs={"type": "date"}))


class TransparencyForm(StartForm):
    colleague_records = forms.ChoiceField(label=gettext_lazy("동료의 업무 기록"),
                                          choices=ColleagueRecords.CHOICES,
                                          widget=forms.RadioSelect)


class DelegationForm(StartForm):
    def __init__(self, *args, rules: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.code, p.name) for p in Position.objects.all()]
        for rule in rules:
            # A type left out of the post keeps its final position.
            self.fields[rule["document_type"]] = forms.ChoiceField(
                label=rule.get("name") or rule["document_type"], choices=choices,
                initial=rule["final_position"], required=False)

    def final_positions(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "effective_from" and v}


class LineTemplateForm(forms.Form):
    """One template as an admin sees it: up to three reviewer positions, co-operating units,
    the approver's position."""

    REVIEWERS = ("reviewer_1", "reviewer_2", "reviewer_3")
    name = forms.CharField(label=gettext_lazy("템플릿 이름"), max_length=50)
    document_type = forms.ChoiceField(label=gettext_lazy("문서 유형"))
    reviewer_1 = forms.ChoiceField(label=gettext_lazy("검토 1"), required=False)
    reviewer_2 = forms.ChoiceField(label=gettext_lazy("검토 2"), required=False)
    reviewer_3 = forms.ChoiceField(label=gettext_lazy("검토 3"), required=False)
    cooperator_units = forms.MultipleChoiceField(label=gettext_lazy("협조 부서 (부서장)"),
                                                 required=False)
    approver = forms.ChoiceField(label=gettext_lazy("결재권자 직위"))

    def __init__(self, *args, document_types, positions, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = document_types
        for name in self.REVIEWERS:
            self.fields[name].choices = [("", "—"), *positions]
        self.fields["approver"].choices = positions
        self.fields["cooperator_units"].choices = units

    @staticmethod
    def initial_from(template: dict) -> dict:
        reviewers = [s["position"] for s in template["steps"] if s["role"] == "reviewer"]
        return {"name": template["name"], "document_type": template["document_type"],
                **dict(zip(LineTemplateForm.REVIEWERS, reviewers, strict=False)),
                "cooperator_units": [s["unit"] for s in template["steps"] if s.get("unit")],
                "approver": template["steps"][-1]["position"]}

    def template(self) -> dict:
        data = self.cleaned_data
        steps = ([{"role": "reviewer", "position": data[name]}
                  for name in self.REVIEWERS if data[name]]
                 + [{"role": "cooperator", "unit": code} for code in data["cooperator_units"]]
                 + [{"role": "approver", "position": data["approver"]}])
        return {"document_type": data["document_type"], "name": data["name"].strip(),
                "steps": steps}


LineTemplateFormSet = forms.formset_factory(LineTemplateForm, extra=1, can_delete=True,
                                            max_num=30, validate_max=True)


class AbsenceRegistrarsForm(StartForm):
    REGISTRARS = [("self", gettext_lazy("본인")), ("head", gettext_lazy("소속 부서장")),
                  ("hr", gettext_lazy("인사담당자")), ("admin", gettext_lazy("기관 관리자"))]
    registrars = forms.MultipleChoiceField(
        label=gettext_lazy("부재(대결자 지정)를 등록할 수 있는 사람"), choices=REGISTRARS,
        widget=forms.CheckboxSelectMultiple)
