"""Forms for drafting, building the approval line and acting on a turn."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.approvals.models import Disclosure, StepRole
from core.approvals.selectors import absence_registrable_people
from core.approvals.services import MAX_BODY_CHARS, LineEntry
from core.org.forms import PeopleChoice, PersonChoice, active_people
from core.org.models import AbsenceKind, Person, Unit

MAX_REVIEWERS = 3
# frontend/static/harmony/rich-text.js turns this textarea into a rich-text editor.
RICH_TEXT = forms.Textarea(attrs={"rows": 12, "data-rich-text": ""})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class DraftForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    document_type = forms.ChoiceField(label=_("문서 유형"))
    body = forms.CharField(label=_("본문"), widget=RICH_TEXT, max_length=MAX_BODY_CHARS)
    disclosure = forms.ChoiceField(label=_("공개 구분"), choices=Disclosure.choices)
    disclosure_ground = forms.TypedChoiceField(
        label=_("비공개 근거 (정보공개법 제9조제1항)"), required=False, coerce=int,
        empty_value=None, choices=[("", "—")] + [(n, _("제%(n)d호") % {"n": n})
                                                 for n in range(1, 9)])
    line_template = forms.ChoiceField(label=_("결재선 템플릿"), required=False)
    reviewers = PeopleChoice(label=_("검토자 (선택 순서대로, 최대 3명)"), required=False,
                             queryset=Person.objects.none())
    cooperators = PeopleChoice(label=_("협조자"), required=False, queryset=Person.objects.none())
    cooperate_in_parallel = forms.BooleanField(label=_("협조자에게 동시에 요청"), required=False)
    approver = PersonChoice(label=_("결재권자"), queryset=Person.objects.none(),
                            error_messages={"required": _("결재권자를 지정하세요.")})
    attachments = MultipleFileField(label=_("붙임 파일"), required=False)
    recipient_units = forms.ModelMultipleChoiceField(
        label=_("수신 부서 (없으면 내부결재)"), required=False, queryset=Unit.objects.none())
    external_recipients = forms.CharField(
        label=_("외부 수신처 (한 줄에 하나)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, drafter: Person, document_types: list[tuple[str, str]],
                 templates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = document_types
        type_names = dict(document_types)
        self.fields["line_template"].choices = [("", _("직접 지정"))] + [
            (str(index), f"{template['name']} ({type_names.get(template['document_type'], '')})")
            for index, template in enumerate(templates)]
        for name in ("reviewers", "cooperators", "approver"):  # the drafter signs as drafter
            self.fields[name].queryset = active_people().exclude(pk=drafter.pk)
        self.fields["recipient_units"].queryset = Unit.objects.filter(is_active=True)

    def clean_external_recipients(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["external_recipients"].splitlines()
                if line.strip()]

    def clean_reviewers(self):
        reviewers = self.cleaned_data["reviewers"]
        if len(reviewers) > MAX_REVIEWERS:
            raise forms.ValidationError(_("검토자는 %(n)d명까지 지정할 수 있습니다."),
                                        params={"n": MAX_REVIEWERS})
        return sorted(reviewers, key=lambda p: (p.position.rank if p.position else 99, p.name),
                      reverse=True)

    def line(self) -> list[LineEntry]:
        data = self.cleaned_data
        parallel = data["cooperate_in_parallel"]
        return ([LineEntry(person=p, role=StepRole.REVIEWER) for p in data["reviewers"]]
                + [LineEntry(person=p, role=StepRole.COOPERATOR, parallel=parallel)
                   for p in data["cooperators"]]
                + [LineEntry(person=data["approver"], role=StepRole.APPROVER)])


class ActForm(forms.Form):
    DECISIONS = [("approve", pgettext_lazy("decision", "승인")),
                 ("return", pgettext_lazy("decision", "반려")),
                 ("hold", pgettext_lazy("decision", "보류"))]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, label=_("처리"))
    opinion = forms.CharField(label=_("의견·사유"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AbsenceForm(forms.Form):
    person = PersonChoice(label=_("부재자"), queryset=Person.objects.none())
    acting = PersonChoice(label=_("대결자 (직무대리)"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("사유 구분"), choices=AbsenceKind.choices)
    starts_on = forms.DateField(label=_("시작일"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("종료일"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)

    def __init__(self, *args, person: Person, **kwargs):
        """Offer the absences the agency's rule lets the person register (부재 등록 권한)."""
        super().__init__(*args, **kwargs)
        people = active_people()
        registrable = absence_registrable_people(actor=person, on=timezone.localdate())
        self.fields["person"].queryset = people.filter(pk__in=registrable.values("pk"))
        self.fields["person"].initial = person.pk
        self.fields["acting"].queryset = people


class CirculateForm(forms.Form):
    people = PeopleChoice(label=_("공람자"), queryset=Person.objects.none(),
                          error_messages={"required": _("공람할 사람을 지정하세요.")})
    deadline = forms.DateField(label=_("공람 기한"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = active_people()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError(_("공람 기한은 오늘이나 그 뒤여야 합니다."))
        return deadline


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    body = forms.CharField(label=_("본문"), widget=RICH_TEXT, max_length=MAX_BODY_CHARS)


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("건너뛰는 사유"), max_length=500)
