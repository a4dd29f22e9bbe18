"""Forms for the org chart; they validate input, services make the change."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.org.models import (
    API_TOKEN_DAYS_MAX,
    API_TOKEN_DAYS_MIN,
    AppointmentKind,
    DisciplineKind,
    Grade,
    Person,
    PersonStatus,
    Position,
    Role,
    Unit,
    UnitKind,
)


def active_people():
    """Active people for pickers, grouped by unit and seniority."""
    return (Person.objects.filter(status=PersonStatus.ACTIVE)
            .select_related("unit", "position").order_by("unit__name", "position__rank", "name"))


def _person_label(person: Person) -> str:
    return f"{person.name} ({person.unit or '-'} {person.position or ''})".strip()


# frontend/static/harmony/filter-select.js adds a search box to selects marked so.
FILTERABLE = {"data-filterable": _("이름·부서·직위로 찾기")}


class PersonChoice(forms.ModelChoiceField):
    """Pick one person, shown with their unit and position."""

    widget = forms.Select(attrs=FILTERABLE)

    def label_from_instance(self, person: Person) -> str:
        return _person_label(person)


class PeopleChoice(forms.ModelMultipleChoiceField):
    """Pick several people, shown with their unit and position."""

    widget = forms.SelectMultiple(attrs={**FILTERABLE, "size": 8})

    def label_from_instance(self, person: Person) -> str:
        return _person_label(person)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("성명"), max_length=50)
    email = forms.EmailField(label=_("이메일"), required=False)
    unit = forms.ModelChoiceField(label=_("부서"), queryset=Unit.objects.filter(is_active=True),
                                  required=False)
    grade = forms.ModelChoiceField(label=_("직급"), queryset=Grade.objects.all(), required=False)
    position = forms.ModelChoiceField(label=_("직위"), queryset=Position.objects.all(),
                                      required=False)
    phone = forms.CharField(label=_("전화번호"), max_length=30, required=False)
    status = forms.ChoiceField(label=_("상태"), choices=PersonStatus.choices,
                               initial=PersonStatus.ACTIVE)

    @classmethod
    def for_person(cls, person: Person, data=None) -> "PersonForm":
        initial = {name: getattr(person, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class NewPersonForm(PersonForm):
    employee_number = forms.CharField(label=_("직원번호"), max_length=30)
    roles = forms.MultipleChoiceField(
        label=_("역할"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(r.code, r.name) for r in Role.objects.all()],
    )
    field_order = ["employee_number", "name"]

    def __init__(self, *args, grantable: set[str], **kwargs):
        """Offer only the roles the signed-in person may grant; without any, new people
        start as staff."""
        super().__init__(*args, **kwargs)
        if grantable:
            self.fields["roles"].choices = [(r.code, r.name) for r in
                                            Role.objects.filter(code__in=grantable)]
        else:
            del self.fields["roles"]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("역할"), widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(r.code, r.name) for r in Role.objects.all()],
        error_messages={"required": _("역할을 하나 이상 지정하세요.")},
    )


class UnitForm(forms.Form):
    code = forms.CharField(label=_("부서코드"), max_length=30)
    name = forms.CharField(label=_("부서명"), max_length=100)
    kind = forms.ModelChoiceField(label=_("유형"), queryset=UnitKind.objects.all())
    parent = forms.ModelChoiceField(label=_("상위 부서"), queryset=Unit.objects.all(),
                                    required=False)
    head = forms.ModelChoiceField(label=_("부서장"), required=False,
                                  queryset=Person.objects.filter(status=PersonStatus.ACTIVE))
    sort_order = forms.IntegerField(label=_("정렬 순서"), min_value=0, initial=0)
    postal_code = forms.CharField(label=_("우편번호"), max_length=10, required=False,
        help_text=_("비워 두면 기관 설정의 연락처를 씁니다."))
    address = forms.CharField(label=_("주소"), max_length=200, required=False)
    homepage = forms.CharField(label=_("홈페이지"), max_length=200, required=False)
    phone = forms.CharField(label=_("전화"), max_length=30, required=False)
    fax = forms.CharField(label=_("전송"), max_length=30, required=False)


CONTACT_FIELDS = ("postal_code", "address", "homepage", "phone", "fax")


class OrgSettingsForm(forms.Form):
    privileged_mfa_required = forms.BooleanField(
        label=_("기관 관리자와 인사담당자는 2단계 인증(OTP)을 반드시 사용"), required=False
    )
    privileged_mfa_opt_out_reason = forms.CharField(
        label=_("2단계 인증을 끈 사유"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("2단계 인증을 끌 때만 적습니다. 사유는 감사 기록에 남습니다."),
    )
    api_token_days = forms.IntegerField(
        label=_("API 토큰 유효 기간(일)"), min_value=API_TOKEN_DAYS_MIN,
        max_value=API_TOKEN_DAYS_MAX,
        help_text=_("발급한 날부터 이 기간이 지나면 토큰을 쓸 수 없습니다 (1–365일)."),
    )
    sending_authority = forms.CharField(
        label=_("발신명의"), max_length=100, required=False,
        help_text=_(
            "문서를 보내는 기관장의 직함입니다 (예: 과학기술부장관, 해양경찰청장, 수원시장)."),
    )
    postal_code = forms.CharField(label=_("우편번호"), max_length=10, required=False)
    address = forms.CharField(label=_("주소"), max_length=200, required=False)
    homepage = forms.CharField(label=_("홈페이지"), max_length=200, required=False)
    phone = forms.CharField(label=_("전화"), max_length=30, required=False)
    fax = forms.CharField(label=_("전송"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("privileged_mfa_required") and not (
                data.get("privileged_mfa_opt_out_reason") or "").strip():
            self.add_error("privileged_mfa_opt_out_reason",
                           _("2단계 인증을 끄려면 사유를 적어 주세요."))
        # Left out of a post (a client written before it existed): kept as it is.
        contact = {f: data.pop(f, "") for f in CONTACT_FIELDS}
        data["contact"] = contact if "address" in self.data else None
        if "sending_authority" not in self.data:
            data["sending_authority"] = None
        elif not (data.get("sending_authority") or "").strip():
            self.add_error("sending_authority", _("발신명의를 입력하세요."))
        return data


IMPORT_TYPES = {
    ".csv": {"text/csv", "application/vnd.ms-excel", "text/plain", "application/csv",
             "application/octet-stream"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/octet-stream", "application/zip"},
}


class ImportForm(forms.Form):
    KIND_CHOICES = [("people", _("직원")), ("units", _("부서")),
                    ("appointments", _("발령 이력"))]
    kind = forms.ChoiceField(label=_("등록 대상"), choices=KIND_CHOICES,
                             widget=forms.RadioSelect, initial="people")
    file = forms.FileField(label=_("CSV 또는 XLSX 파일"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in IMPORT_TYPES:
            raise forms.ValidationError(_("CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다."))
        if upload.content_type and upload.content_type not in IMPORT_TYPES[suffix]:
            raise forms.ValidationError(_("파일 형식(%(type)s)이 확장자와 맞지 않습니다."),
                                        params={"type": upload.content_type})
        if upload.size > settings.HARMONY_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다 (최대 %(mb)d MB)."),
                                        params={"mb": settings.HARMONY_MAX_UPLOAD_BYTES // 2**20})
        return upload


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = _("사유는 발령 이력과 감사 기록에 남습니다.")


class AppointmentForm(forms.Form):
    """Record an appointment (발령); unit, grade and post left empty stay as they were."""

    kind = forms.ChoiceField(label=_("발령 구분"), choices=AppointmentKind.choices)
    starts_on = forms.DateField(label=_("시작일"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("종료일"), widget=DATE_INPUT, required=False,
                              help_text=_("비우면 다음 발령 전날까지(현재 발령이면 계속)."))
    unit = forms.ModelChoiceField(label=_("부서"), queryset=Unit.objects.filter(is_active=True),
                                  required=False)
    grade = forms.ModelChoiceField(label=_("직급"), queryset=Grade.objects.all(), required=False)
    position = forms.ModelChoiceField(label=_("직위"), queryset=Position.objects.all(),
                                      required=False)
    reason = forms.CharField(label=_("사유"), max_length=200, help_text=REASON_HELP)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("종료일은 시작일 이후여야 합니다."))
        return data


class AppointmentCorrectForm(AppointmentForm):
    """Correct a recorded appointment: every field as it should have been, and why."""

    unit = forms.ModelChoiceField(label=_("부서"), queryset=Unit.objects.all(), required=False)

    @classmethod
    def for_appointment(cls, appointment, data=None) -> "AppointmentCorrectForm":
        initial = {name: getattr(appointment, name) for name in cls.base_fields
                   if name != "reason"}
        return cls(data=data, initial=initial)


class AppointmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("종료일"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("사유"), max_length=200, help_text=REASON_HELP)


class DisciplineForm(forms.Form):
    kind = forms.ChoiceField(label=_("징계 구분"), choices=DisciplineKind.choices)
    decided_on = forms.DateField(label=_("의결일"), widget=DATE_INPUT)
    starts_on = forms.DateField(label=_("집행 시작일"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("집행 종료일"), widget=DATE_INPUT, required=False,
                              help_text=_("정직·감봉처럼 기간이 있는 징계만 적습니다."))
    reason = forms.CharField(label=_("사유"), max_length=200)


class OrgOnForm(forms.Form):
    on = forms.DateField(label=_("기준일"), widget=DATE_INPUT)
    unit = forms.ModelChoiceField(label=_("부서"), queryset=Unit.objects.all(), required=False)
