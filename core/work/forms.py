"""Forms for task cards, memo reports and instructions; they validate input, services act."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.org.forms import PeopleChoice, PersonChoice, active_people
from core.org.models import Person, Unit
from core.work.models import DecisionKind, Priority, TaskStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("과제명"), max_length=200)
    owner = PersonChoice(label=_("담당자"), queryset=Person.objects.none(),
                         error_messages={"required": _("담당자를 지정하세요.")})
    unit = forms.ModelChoiceField(label=_("부서"), queryset=Unit.objects.filter(is_active=True),
                                  required=False, help_text=_("비워 두면 담당자의 부서"))
    goal = forms.CharField(label=_("관련 성과목표"), max_length=200, required=False)
    plan = forms.CharField(label=_("추진 계획"), required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    start_date = forms.DateField(label=_("시작일"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("완료 예정일"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("상태"), choices=TaskStatus.choices,
                               initial=TaskStatus.PLANNED)
    priority = forms.TypedChoiceField(label=_("중요도"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    is_public = forms.BooleanField(
        label=_("공개 과제 (고객이 구독할 수 있음)"), required=False,
        help_text=_("고객에게 공개한 진행 보고가 구독자에게 이메일로 전달됩니다."))
    topic = forms.CharField(label=_("정책 분야"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_people()

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("완료 예정일은 시작일보다 빠를 수 없습니다."))
        if not data.get("unit") and data.get("owner"):
            data["unit"] = data["owner"].unit
        return data


class ProgressForm(forms.Form):
    percent = forms.IntegerField(
        label=_("진척률(%)"), min_value=0, max_value=100,
        error_messages={"required": _("진척률을 입력하세요."),
                        "min_value": _("진척률은 0에서 100 사이의 숫자로 입력하세요."),
                        "max_value": _("진척률은 0에서 100 사이의 숫자로 입력하세요."),
                        "invalid": _("진척률은 0에서 100 사이의 숫자로 입력하세요.")})
    text = forms.CharField(label=_("추진 실적"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("추진 실적을 입력하세요.")})
    share_with_customers = forms.BooleanField(
        label=_("고객에게 공개 (연결된 민원의 진행 조회 화면에 표시, 공개 과제의 구독자에게 알림)"),
        required=False)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("구분"), choices=DecisionKind.choices,
                             widget=forms.RadioSelect, initial=DecisionKind.OPINION)
    content = forms.CharField(label=_("내용"), max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("내용을 입력하세요.")})


class LinkDocumentForm(forms.Form):
    document = forms.ModelChoiceField(label=_("연결할 결재 문서"), queryset=None,
                                      error_messages={
                                          "required": _("연결할 문서를 선택하세요."),
                                          "invalid_choice": _(
                                              "열람 권한이 있는 문서만 연결할 수 있습니다.")})

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class MemoForm(forms.Form):
    recipients = PeopleChoice(label=_("받는 사람"), queryset=Person.objects.none(),
                              error_messages={"required": _("받는 사람을 한 명 이상 지정하세요.")})
    title = forms.CharField(label=_("제목"), max_length=200,
                            error_messages={"required": _("제목을 입력하세요.")})
    body = forms.CharField(label=_("내용"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": _("내용을 입력하세요.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = active_people()


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("답신"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("답신 내용을 입력하세요.")})


class InstructionForm(forms.Form):
    assignees = PeopleChoice(label=_("담당자"), queryset=Person.objects.none(),
                             error_messages={"required": _("담당자를 한 명 이상 지정하세요.")})
    title = forms.CharField(label=_("제목"), max_length=200,
                            error_messages={"required": _("제목을 입력하세요.")})
    body = forms.CharField(label=_("지시 내용"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("지시 내용을 입력하세요.")})
    due_date = forms.DateField(label=_("처리기한"), widget=DATE,
                               error_messages={"required": _("처리기한을 입력하세요."),
                                               "invalid": _("처리기한을 날짜로 입력하세요.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = active_people()


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("처리 결과"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("처리 결과를 입력하세요.")})
