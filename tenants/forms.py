"""Validate agency onboarding input, one agency at a time or a wave from a CSV file."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.korean import with_particle
from core.org.tables import (
    Column,
    ImportFileError,
    duplicate,
    map_header,
    read_table,
    row_values,
    shown,
)
from tenants.models import Agency, AgencyKind, Domain, agency_code_validator
from tenants.standard_models import latest_standard_model_version, standard_model_versions

# Host names that must never become an agency's subdomain.
RESERVED_SUBDOMAINS = frozenset(
    {"www", "api", "admin", "static", "media", "mail", "smtp", "ftp", "public", "console",
     "central", "app", "accounts", "auth", "help", "status", "cdn", "assets", "localhost",
     "template", "standard_template", "harmony", "pg_catalog", "information_schema"}
)
SUBDOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$")
# The wave template's headers, the words its messages use; the single form's labels and
# the English field names of older files are accepted too.
WAVE_COLUMNS = (
    Column("name_ko", "기관명", ("기관명 (한글)", "한글 기관명"), required=True),
    Column("name_en", "영문 기관명", ("기관명 (영문)",), required=True),
    Column("code", "행정기관코드", ("행정기관코드 (7자리)", "기관코드"), required=True),
    Column("subdomain", "하위 도메인", ("도메인",), required=True),
    Column("kind", "기관 유형", ("유형",), required=True),
    Column("standard_model_version", "표준모델 버전", ("표준모델",), required=True),
    Column("admin_email", "관리자 이메일", ("첫 관리자 이메일",), required=True),
)
WAVE_HEADERS = {column.field: column for column in WAVE_COLUMNS}
MAX_WAVE_ROWS = 500
WAVE_TEMPLATE = (",".join(column.header for column in WAVE_COLUMNS) + "\n"
                 "부산광역시,Busan Metropolitan City,6260000,busan,광역자치단체,2026.1,"
                 "admin@busan.go.kr\n")

AGENCY_KIND_CHOICES = [(k.value, k.label) for k in AgencyKind if k != AgencyKind.PLATFORM]


def schema_name_for(subdomain: str) -> str:
    return subdomain.replace("-", "_")


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def agency_kind_code(text: str) -> str:
    """Return the kind's code for its code or its Korean name (중앙행정기관 …), which is
    what the template shows; anything else unchanged, for the form to refuse."""
    key = re.sub(r"\s+", "", text).lower()
    for code, label in AGENCY_KIND_CHOICES:
        with translation.override("ko"):
            korean = str(label)
        if key in (code, re.sub(r"\s+", "", korean), re.sub(r"\s+", "", str(label)).lower()):
            return code
    return text


def check_new_subdomain(subdomain: str) -> None:
    """Refuse a subdomain that is malformed, reserved or already an agency's (onboarding,
    and restoring a backup as a new agency)."""
    if not SUBDOMAIN_PATTERN.match(subdomain):
        raise forms.ValidationError(
            _("하위 도메인은 영문 소문자로 시작하고 영문 소문자·숫자·하이픈만 쓸 수 있습니다 "
              "(2~30자).")
        )
    if subdomain in RESERVED_SUBDOMAINS or subdomain.startswith("pg"):
        raise forms.ValidationError(_("%(name)s 예약된 이름이라 쓸 수 없습니다."),
                                    params={"name": with_particle(f"'{subdomain}'", "은")})
    host = f"{subdomain}.{settings.BASE_DOMAIN}"
    taken = Agency.objects.filter(schema_name=schema_name_for(subdomain)).exists()
    if taken or Domain.objects.filter(domain=host).exists():
        raise forms.ValidationError(_("이미 사용 중인 하위 도메인입니다."))


class AgencyOnboardingForm(forms.Form):
    name_ko = forms.CharField(label=_("기관명 (한글)"), max_length=_max_length(Agency, "name_ko"))
    name_en = forms.CharField(label=_("기관명 (영문)"), max_length=_max_length(Agency, "name_en"))
    code = forms.CharField(label=_("행정기관코드 (7자리)"), max_length=7, min_length=7,
                           validators=[agency_code_validator])
    subdomain = forms.CharField(label=_("하위 도메인"), max_length=30,
                                help_text=_("영문 소문자, 숫자, 하이픈 (예: mogaha)"))
    kind = forms.ChoiceField(label=_("기관 유형"), choices=AGENCY_KIND_CHOICES)
    standard_model_version = forms.ChoiceField(label=_("표준모델 버전"))
    admin_email = forms.EmailField(label=_("첫 관리자 이메일"),
                                   max_length=_max_length(get_user_model(), "email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = standard_model_versions()
        self.fields["standard_model_version"].choices = [(v, v) for v in reversed(versions)]
        self.fields["standard_model_version"].initial = latest_standard_model_version()

    def clean_subdomain(self) -> str:
        subdomain = self.cleaned_data["subdomain"].strip().lower()
        check_new_subdomain(subdomain)
        return subdomain

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Agency.objects.filter(code=code).exists():
            raise forms.ValidationError(_("이미 등록된 행정기관코드입니다."))
        return code

    def clean_admin_email(self) -> str:
        return self.cleaned_data["admin_email"].lower()


class WaveUploadForm(forms.Form):
    file = forms.FileField(label=_("기관 목록 CSV 파일"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.HARMONY_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다 (최대 %(mb)d MB)."),
                                        params={"mb": settings.HARMONY_MAX_UPLOAD_BYTES // 2**20})
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("CSV 파일(.csv)만 올릴 수 있습니다."))
        return upload


class WaveRowError:
    def __init__(self, line: int, messages: list[str]):
        self.line, self.messages = line, messages


def parse_wave(upload) -> tuple[list[dict], list[WaveRowError]]:
    """Validate every row of a wave file (UTF-8 or CP949 CSV); return the clean rows and
    each row's errors, named by the template's columns."""
    try:
        table = read_table("wave.csv", upload.read(), max_rows=MAX_WAVE_ROWS)
    except ImportFileError as error:
        return [], [WaveRowError(0, [str(error)])]
    try:
        mapped = map_header(table.header, WAVE_COLUMNS)
    except ImportFileError as error:
        return [], [WaveRowError(1, [str(error)])]
    rows, errors, seen = [], [], {"subdomain": {}, "code": {}}
    for line, cells in table.rows:
        values = row_values(cells, mapped)
        data = {column.field: values.get(column.field, "") for column in WAVE_COLUMNS}
        data["kind"] = agency_kind_code(data["kind"])
        form = AgencyOnboardingForm(data=data)
        messages = _wave_messages(form, data)
        for field in ("subdomain", "code"):
            value = data[field].lower()
            if value and value in seen[field]:
                messages.append(duplicate(WAVE_HEADERS[field], value, seen[field][value]))
            seen[field].setdefault(value, line)
        if messages:
            errors.append(WaveRowError(line, messages))
        else:
            rows.append(form.cleaned_data)
    if not rows and not errors:
        errors.append(WaveRowError(0, [gettext("등록할 기관이 없습니다.")]))
    return rows, errors


def _wave_messages(form: AgencyOnboardingForm, data: dict) -> list[str]:
    """The form's errors, each after its column's header; an unknown choice lists the
    choices in the words the template uses."""
    messages = []
    for field, field_errors in form.errors.as_data().items():
        prefix = f"{WAVE_HEADERS[field].header}: " if field in WAVE_HEADERS else ""
        for error in field_errors:
            texts = ([_choice_message(form, field, data)] if error.code == "invalid_choice"
                     else error.messages)
            messages += [prefix + text for text in texts]
    return messages


def _choice_message(form: AgencyOnboardingForm, field: str, data: dict) -> str:
    choices = ", ".join(str(label) for _code, label in form.fields[field].choices)
    return (gettext("%(value)s 없는 값입니다. 다음 중 하나를 쓰세요: %(choices)s")
            % {"value": with_particle(f"'{shown(data[field])}'", "은"), "choices": choices})
