"""Validate agency onboarding input, one agency at a time or a wave from a CSV file."""

import csv
import io
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tenants.models import Agency, AgencyKind, Domain, agency_code_validator
from tenants.standard_models import latest_standard_model_version, standard_model_versions

# Host names that must never become an agency's subdomain.
RESERVED_SUBDOMAINS = frozenset(
    {"www", "api", "admin", "static", "media", "mail", "smtp", "ftp", "public", "console",
     "central", "app", "accounts", "auth", "help", "status", "cdn", "assets", "localhost",
     "template", "standard_template", "harmony", "pg_catalog", "information_schema"}
)
SUBDOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$")
WAVE_COLUMNS = ("name_ko", "name_en", "code", "subdomain", "kind", "standard_model_version",
                "admin_email")
MAX_WAVE_ROWS = 500
WAVE_TEMPLATE = (",".join(WAVE_COLUMNS) + "\n"
                 "부산광역시,Busan Metropolitan City,6260000,busan,metropolitan,2026.1,"
                 "admin@busan.go.kr\n")

AGENCY_KIND_CHOICES = [(k.value, k.label) for k in AgencyKind if k != AgencyKind.PLATFORM]


def schema_name_for(subdomain: str) -> str:
    return subdomain.replace("-", "_")


class AgencyOnboardingForm(forms.Form):
    name_ko = forms.CharField(label=_("기관명 (한글)"), max_length=100)
    name_en = forms.CharField(label=_("기관명 (영문)"), max_length=150)
    code = forms.CharField(label=_("행정기관코드 (7자리)"), max_length=7, min_length=7,
                           validators=[agency_code_validator])
    subdomain = forms.CharField(label=_("하위 도메인"), max_length=30,
                                help_text=_("영문 소문자, 숫자, 하이픈 (예: mogaha)"))
    kind = forms.ChoiceField(label=_("기관 유형"), choices=AGENCY_KIND_CHOICES)
    standard_model_version = forms.ChoiceField(label=_("표준모델 버전"))
    admin_email = forms.EmailField(label=_("첫 관리자 이메일"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = standard_model_versions()
        self.fields["standard_model_version"].choices = [(v, v) for v in reversed(versions)]
        self.fields["standard_model_version"].initial = latest_standard_model_version()

    def clean_subdomain(self) -> str:
        subdomain = self.cleaned_data["subdomain"].strip().lower()
        if not SUBDOMAIN_PATTERN.match(subdomain):
            raise forms.ValidationError(
                _("하위 도메인은 영문 소문자로 시작하고 영문 소문자·숫자·하이픈만 쓸 수 있습니다 "
                  "(2~30자).")
            )
        if subdomain in RESERVED_SUBDOMAINS or subdomain.startswith("pg"):
            raise forms.ValidationError(_("'%(name)s'은(는) 예약된 이름이라 쓸 수 없습니다."),
                                        params={"name": subdomain})
        host = f"{subdomain}.{settings.BASE_DOMAIN}"
        taken = Agency.objects.filter(schema_name=schema_name_for(subdomain)).exists()
        if taken or Domain.objects.filter(domain=host).exists():
            raise forms.ValidationError(_("이미 사용 중인 하위 도메인입니다."))
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
    """Validate every row of a wave file; return the clean rows and each row's errors."""
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [WaveRowError(0, [str(_("파일을 UTF-8 텍스트로 읽을 수 없습니다."))])]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in WAVE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [WaveRowError(1, [str(_("필수 열이 없습니다: %(cols)s") % {
            "cols": ", ".join(missing)})])]
    rows, errors, seen = [], [], {"subdomain": {}, "code": {}}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_WAVE_ROWS:
            errors.append(WaveRowError(line, [str(_("한 번에 %(n)d개 기관까지 등록할 수 있습니다.")
                                                  % {"n": MAX_WAVE_ROWS})]))
            break
        form = AgencyOnboardingForm(data={k: (raw.get(k) or "").strip() for k in WAVE_COLUMNS})
        messages = [f"{form.fields[f].label}: {m}" if f in form.fields else str(m)
                    for f, ms in form.errors.items() for m in ms]
        for field in ("subdomain", "code"):
            value = (raw.get(field) or "").strip().lower()
            if value and value in seen[field]:
                messages.append(str(_("%(field)s '%(value)s'이(가) %(line)d행과 중복됩니다.") % {
                    "field": form.fields[field].label, "value": value,
                    "line": seen[field][value]}))
            seen[field].setdefault(value, line)
        if messages:
            errors.append(WaveRowError(line, messages))
        else:
            rows.append(form.cleaned_data)
    if not rows and not errors:
        errors.append(WaveRowError(0, [str(_("등록할 기관이 없습니다."))]))
    return rows, errors
