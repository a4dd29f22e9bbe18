"""Forms for drafting, building the approval line and acting on a turn."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.approvals.models import Disclosure, Retention, StepRole
from core.approvals.selectors import absence_registrable_people
from core.approvals.services import MAX_BODY_CHARS, LineEntry, Participant, body_is_empty
from core.org.forms import PeopleChoice, PersonChoice, active_people
from core.org.models import AbsenceKind, Person, Unit

MAX_REVIEWERS = 3
LINE_FIELDS = ("reviewers", "cooperators", "approver")
TOO_MANY_REVIEWERS = _("검토자는 %(n)d명까지 지정할 수 있습니다.")
# frontend/static/harmony/rich-text.js turns this textarea into a rich-text editor.
RICH_TEXT = forms.Textarea(attrs={"rows": 12, "data-rich-text": ""})
EMPTY_BODY = _("본문을 입력하세요.")


class BodyField(forms.CharField):
    """The text of a document: rich text (HTML) or plain lines; a body that shows nothing —
    an editor left as ``<div><br></div>`` — is refused like a missing one."""

    def __init__(self, **kwargs):
        super().__init__(label=_("본문"), widget=RICH_TEXT, max_length=MAX_BODY_CHARS,
                         error_messages={"required": EMPTY_BODY}, **kwargs)

    def validate(self, value):
        super().validate(value)
        if body_is_empty(value):
            raise forms.ValidationError(EMPTY_BODY, code="required")


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


class OrderedPeople(forms.ModelMultipleChoiceField):
    """Several people, kept in the order they were sent (a queryset would sort them) and each
    once; hidden fields, written by the line builder."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {
            "invalid_choice": _("결재선에 넣을 수 없는 사람이 있습니다. 다시 지정하세요."),
            "invalid_pk_value": _("결재선에 넣을 수 없는 사람이 있습니다. 다시 지정하세요.")})
        super().__init__(queryset=Person.objects.none(), **kwargs)

    def clean(self, value) -> list[Person]:
        found = {person.pk: person for person in super().clean(value)}
        order = [int(pk) for pk in dict.fromkeys(str(pk) for pk in value or ())]
        return [found[pk] for pk in order if pk in found]


def line_edit(line: dict[str, list[str]], data) -> tuple[dict[str, list[str]], str]:
    """Apply one edit the line builder sent without JavaScript (its buttons submit the form):
    ``line_add`` ``field:pk``, ``line_move`` ``field:pk:up|down``, ``line_remove``
    ``field:pk``. Return the new line (ids as text per field) and a refusal, if any."""
    line = {field: [pk for pk in line.get(field, []) if pk] for field in LINE_FIELDS}
    if data.get("line_add"):
        field, _sep, pk = data["line_add"].partition(":")
        if field not in line or not pk.isdecimal():
            return line, ""
        kept = {name: [p for p in ids if p != pk] for name, ids in line.items()}
        if field == "approver":
            kept["approver"] = [pk]
        elif field == "reviewers" and len(kept["reviewers"]) >= MAX_REVIEWERS:
            return line, str(TOO_MANY_REVIEWERS % {"n": MAX_REVIEWERS})
        else:
            kept[field].append(pk)
        return kept, ""
    field, _sep, rest = (data.get("line_move") or data.get("line_remove") or "").partition(":")
    pk, _sep, direction = rest.partition(":")
    ids = line.get(field)
    if ids is None or pk not in ids:
        return line, ""
    index = ids.index(pk)
    if data.get("line_remove"):
        ids.pop(index)
    elif direction in ("up", "down"):
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
    return line, ""


class DraftForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    document_type = forms.ChoiceField(label=_("문서 유형"))
    body = BodyField()
    disclosure = forms.ChoiceField(label=_("공개 구분"), choices=Disclosure.choices)
    disclosure_ground = forms.TypedChoiceField(
        label=_("비공개 근거 (정보공개법 제9조제1항)"), required=False, coerce=int,
        empty_value=None, choices=[("", "—")] + [(n, _("제%(n)d호") % {"n": n})
                                                 for n in range(1, 9)])
    line_template = forms.ChoiceField(label=_("결재선 템플릿"), required=False)
    # The line builder (approvals/_line_builder.html) writes the line as hidden fields, one
    # per person in the order chosen; the agency's people are searched, never all sent.
    reviewers = OrderedPeople(label=_("검토자"), required=False)
    cooperators = OrderedPeople(label=_("협조자"), required=False)
    cooperate_in_parallel = forms.BooleanField(label=_("협조자에게 동시에 요청"), required=False)
    approver = forms.ModelChoiceField(
        label=_("결재권자"), queryset=Person.objects.none(), widget=forms.HiddenInput,
        error_messages={"required": _("결재권자를 지정하세요."),
                        "invalid_choice": _("결재권자로 지정할 수 없는 사람입니다.")})
    attachments = MultipleFileField(label=_("붙임 파일"), required=False)
    recipient_units = forms.ModelMultipleChoiceField(
        label=_("수신 부서 (없으면 내부결재)"), required=False, queryset=Unit.objects.none())
    external_recipients = forms.CharField(
        label=_("외부 수신처 (한 줄에 하나)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))
    via = forms.CharField(label=_("경유"), required=False, max_length=200,
                          help_text=_("거쳐 가는 기관이 있을 때만 적습니다."))
    # 문서관리카드의 관리정보: empty takes the document type's default.
    retention = forms.ChoiceField(label=_("보존기간"), required=False,
                                  choices=[("", _("문서 유형의 기본값"))] + Retention.choices)
    classification = forms.CharField(label=_("분류"), required=False, max_length=100,
                                     help_text=_("비워 두면 문서 유형의 기본 분류를 씁니다."))
    effective_on = forms.DateField(label=_("효력 발생일 (공고)"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("공고 문서만 적습니다. 비워 두면 공고 후 5일이 "
                                               "지난 날입니다."))
    meeting_on = forms.DateField(label=_("정책 회의일"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(
        label=_("정책 회의 참석자"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("정책실명제 대상 문서만 적습니다. 한 줄에 한 명씩 '성명 / 소속·직위 / "
                    "발언 요지' 순서로 적습니다."))

    def __init__(self, *args, drafter: Person, document_types: list[tuple[str, str]],
                 templates: list[dict], saving: bool = False, **kwargs):
        """``saving``: 임시 저장, which keeps the draft without sending it up, so its line
        may still be incomplete."""
        super().__init__(*args, **kwargs)
        self.fields["approver"].required = not saving
        self.fields["document_type"].choices = document_types
        type_names = dict(document_types)
        self.fields["line_template"].choices = [("", _("직접 지정"))] + [
            (str(index), f"{template['name']} ({type_names.get(template['document_type'], '')})")
            for index, template in enumerate(templates)]
        for name in ("reviewers", "cooperators", "approver"):  # the drafter signs as drafter
            self.fields[name].queryset = active_people().exclude(pk=drafter.pk)
        self.fields["recipient_units"].queryset = Unit.objects.filter(is_active=True)

    def clean_participants(self) -> list[Participant]:
        """One participant a line: name / affiliation / remark (the last two optional)."""
        return [Participant(*[part.strip() for part in line.split("/", 2)])
                for line in self.cleaned_data["participants"].splitlines() if line.strip()]

    def management(self) -> dict:
        """보존기간, 분류, the 공고's effective date and the policy meeting, as the services
        take them (None: the type's default)."""
        data = self.cleaned_data
        meeting_on = data.get("meeting_on")
        return {"retention": data.get("retention") or None,
                "classification": data.get("classification", "").strip() or None,
                "effective_on": data.get("effective_on"),
                "participants": [Participant(p.name, p.affiliation, p.remark, meeting_on)
                                 for p in data.get("participants", [])]}

    def clean_external_recipients(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["external_recipients"].splitlines()
                if line.strip()]

    def clean_reviewers(self):
        reviewers = self.cleaned_data["reviewers"]
        if len(reviewers) > MAX_REVIEWERS:
            raise forms.ValidationError(TOO_MANY_REVIEWERS, params={"n": MAX_REVIEWERS})
        return reviewers  # in the order chosen: 검토 runs in that order

    def line_ids(self) -> dict[str, list[int]]:
        """The line chosen, as ids in order (kept with a saved draft until it goes up)."""
        data = self.cleaned_data
        return {"reviewers": [p.pk for p in data["reviewers"]],
                "cooperators": [p.pk for p in data["cooperators"]],
                "approver": [data["approver"].pk] if data.get("approver") else []}

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
    people = PeopleChoice(label=_("공람자"), queryset=Person.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("부서 전체에 공람"), required=False, queryset=Unit.objects.none(),
        help_text=_("고른 부서의 재직 중인 직원 모두에게 공람합니다."))
    deadline = forms.DateField(label=_("공람 기한"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = active_people()
        self.fields["units"].queryset = Unit.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("people") and not data.get("units") and not self.errors:
            raise forms.ValidationError(_("공람할 사람이나 부서를 지정하세요."))
        return data

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError(_("공람 기한은 오늘이나 그 뒤여야 합니다."))
        return deadline


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    body = BodyField()


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("건너뛰는 사유"), max_length=500)


class ManagementForm(forms.Form):
    """문서관리카드의 관리정보, changed on the card until the approver signs."""

    retention = forms.ChoiceField(label=_("보존기간"), choices=Retention.choices)
    classification = forms.CharField(label=_("분류"), required=False, max_length=100)
