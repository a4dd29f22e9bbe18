"""Forms of the public intake page, the staff entry and the case moves. The services check
the rules (consent, contacts, type); the forms only read the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.customers.models import NOTICE_STEPS, STEP_TEXT, Channel, CustomerKind, NoticeChannel
from core.customers.services import MAX_BODY, MAX_TITLE


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("신청인 구분"), choices=CustomerKind.choices, initial=CustomerKind.CITIZEN
    )
    name = forms.CharField(label=_("이름"), max_length=100, required=False)
    email = forms.EmailField(label=_("이메일"), required=False)
    phone = forms.RegexField(
        label=_("전화번호"),
        regex=r"^[0-9+\-() ]{7,20}$",
        required=False,
        error_messages={"invalid": _("전화번호는 숫자와 - 로 입력하세요.")},
    )
    affiliation = forms.CharField(
        label=_("소속 (공무원·전문가·단체)"), max_length=200, required=False
    )
    field = forms.CharField(label=_("전문 분야 (정책전문가)"), max_length=200, required=False)
    case_type = forms.ChoiceField(label=_("민원 유형"))
    title = forms.CharField(label=_("제목"), max_length=MAX_TITLE, required=False)
    body = forms.CharField(
        label=_("내용"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        required=False,
    )
    notice_steps = forms.MultipleChoiceField(
        label=_("진행 상황 알림을 받을 단계"),
        choices=[(step, STEP_TEXT[step]) for step in NOTICE_STEPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(NOTICE_STEPS),
    )
    notice_channels = forms.MultipleChoiceField(
        label=_("알림 수단 (고르지 않으면 알림을 보내지 않습니다)"),
        choices=NoticeChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(label=_("위 개인정보 수집·이용에 동의합니다."), required=False)

    def __init__(self, *args, case_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [(t.code, t.name) for t in case_types]


class PublicIntakeForm(IntakeForm):
    # A honeypot: hidden from people, filled in by bots (the page refuses those).
    website = forms.CharField(label=_("홈페이지 (비워 두세요)"), required=False)


class StaffIntakeForm(IntakeForm):
    channel = forms.ChoiceField(
        label=_("접수 경로"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.VISIT, Channel.VISIT.label)],
    )
    field_order = ["channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("신청인이 개인정보 수집·이용에 구두로 동의했습니다.")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("담당자"), queryset=None)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("이송할 부서"), queryset=None)
    reason = forms.CharField(label=_("이송 사유"), max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("연장 기간 (근무일)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("연장 사유 (신청인에게 안내됩니다)"), max_length=500)


class CloseForm(forms.Form):
    answer = forms.CharField(
        label=_("답변"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_BODY
    )


class FollowerForm(forms.Form):
    """A policy expert or another agency's official who follows a public task card or a
    policy topic (registered by a customer officer, with the follower's consent)."""

    kind = forms.ChoiceField(
        label=_("구독자 구분"),
        choices=[
            (CustomerKind.EXPERT, CustomerKind.EXPERT.label),
            (CustomerKind.OFFICIAL, CustomerKind.OFFICIAL.label),
        ],
    )
    name = forms.CharField(label=_("이름"), max_length=100)
    email = forms.EmailField(label=_("이메일"))
    affiliation = forms.CharField(label=_("소속"), max_length=200, required=False)
    field = forms.CharField(label=_("전문 분야"), max_length=200, required=False)
    task = forms.ModelChoiceField(label=_("공개 과제"), queryset=None, required=False)
    topic = forms.ChoiceField(label=_("정책 분야"), required=False)
    consent = forms.BooleanField(
        label=_("구독자가 개인정보 수집·이용과 알림 수신에 동의했습니다."),
        error_messages={"required": _("구독자의 동의가 있어야 등록할 수 있습니다.")},
    )

    def __init__(self, *args, tasks=None, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["topic"].choices = [("", "—")] + [(t, t) for t in topics]
class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("처리 단계"))

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, s) for s in stages]


class LinkTaskForm(forms.Form):
    task = forms.ModelChoiceField(label=_("연결할 과제"), queryset=None)

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks


class LinkDocumentForm(forms.Form):
    document = forms.ModelChoiceField(label=_("연결할 문서"), queryset=None)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: (
            f"{d.title} ({d.get_status_display()})"
        )


class UnlinkForm(forms.Form):
    link = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class OutgoingRequestForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label=_("받는 기관"),
        queryset=None,
        required=False,
        empty_label=_("기관을 고르세요"),
    )
    title = forms.CharField(label=_("제목"), max_length=MAX_TITLE, required=False)
    body = forms.CharField(
        label=_("요청·질의 내용"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("제 이름·소속·직위가 받는 기관에 전달되는 데 동의합니다."), required=False
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies
        self.fields["to_agency"].label_from_instance = lambda a: a.name_ko
