"""Forms of the performance pages; they read the fields, the services check the rules (a
target that is not a number is refused there, in Korean, as for the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.performance.models import Scheme


class CycleOpenForm(forms.Form):
    scheme = forms.ChoiceField(label=_("평가 종류"), choices=Scheme.choices)
    base_date = forms.DateField(label=_("평가 기준일"),
                                widget=forms.DateInput(attrs={"type": "date"}))


class GoalAssignForm(forms.Form):
    """One goal with one indicator, for the chosen people."""

    people = forms.TypedMultipleChoiceField(label=_("대상 직원"), coerce=int,
                                            widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=_("성과목표"), max_length=200)
    weight = forms.IntegerField(label=_("목표 가중치"), min_value=1, max_value=100)
    parent = forms.TypedChoiceField(label=_("상위 목표 (부서 목표)"), coerce=int, required=False,
                                    empty_value=None)
    code = forms.ChoiceField(label=_("지표 측정"), required=False)
    indicator = forms.CharField(label=_("지표명 (직접 입력 지표)"), max_length=200,
                                required=False)
    target = forms.CharField(label=_("목표치"), max_length=30)

    def __init__(self, *args, people=(), parents=(), definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people
        self.fields["parent"].choices = [("", "—"), *parents]
        self.fields["code"].choices = [("", _("직접 입력 (증빙 첨부)")), *definitions]


class EntryForm(forms.Form):
    value = forms.CharField(label=_("실적"), max_length=30)
    evidence = forms.CharField(label=_("증빙 (문서 번호, 링크, 설명)"), max_length=500)
