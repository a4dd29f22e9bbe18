"""The agency's org chart: units (부서/팀), grades (직급), positions (직위), roles and people."""

from django.conf import settings
from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    STAFF = "staff", _("일반 직원")
    UNIT_HEAD = "unit_head", _("부서장")
    HR_OFFICER = "hr_officer", _("인사담당자")
    AGENCY_ADMIN = "agency_admin", _("기관 관리자")
    # Granted by the agency to those who must read every document (기록물관리, 감사).
    RECORDS_OFFICER = "records_officer", _("기록물 열람 담당자")
    # Handle every customer case and see customers' contact details (issue 9 §1).
    CUSTOMER_OFFICER = "customer_officer", _("고객 담당관")


class Grade(models.Model):
    """A civil-service grade (직급), from the standard model; lower rank = more senior."""

    code = models.CharField(_("코드"), max_length=20, unique=True)
    name = models.CharField(_("직급명"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("서열"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("직급")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post title (직위) such as 국장, 과장, 팀장, 주무관."""

    code = models.CharField(_("코드"), max_length=30, unique=True)
    name = models.CharField(_("직위명"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("서열"))
    is_head = models.BooleanField(_("부서장 직위"), default=False)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("직위")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    code = models.CharField(_("코드"), max_length=30, unique=True, choices=RoleCode.choices)
    name = models.CharField(_("역할명"), max_length=50)

    class Meta:
        ordering = ["id"]
        verbose_name = _("역할")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.Model):
    """A kind of unit (실, 국, 과, 팀 …) with its level in the hierarchy."""

    code = models.CharField(_("코드"), max_length=30, unique=True)
    name = models.CharField(_("명칭"), max_length=30)
    level = models.PositiveSmallIntegerField(_("단계"))

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisational unit (부서/팀); the handling unit (처리과) for documents."""

    code = models.CharField(_("부서코드"), max_length=30, unique=True)
    name = models.CharField(_("부서명"), max_length=100)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("유형"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("상위 부서"),
    )
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_units",
        verbose_name=_("부서장"),
    )
    sort_order = models.PositiveIntegerField(_("정렬 순서"), default=0)
    is_active = models.BooleanField(_("사용"), default=True)
    # The 기안문 foot (시행규칙 서식): the handling unit's contact details, the agency's where
    # the unit leaves one blank.
    postal_code = models.CharField(_("우편번호"), max_length=10, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    homepage = models.CharField(_("홈페이지"), max_length=200, blank=True)
    phone = models.CharField(_("전화"), max_length=30, blank=True)
    fax = models.CharField(_("전송"), max_length=30, blank=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("부서")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent")
        ]

    def __str__(self) -> str:
        return self.name


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("재직")
    LEFT = "left", _("퇴직·전출")


class Person(models.Model):
    """A member of the agency's staff, with or without a sign-in account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(_("성명"), max_length=50)
    employee_number = models.CharField(_("직원번호"), max_length=30, unique=True)
    email = models.EmailField(_("이메일"), blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        verbose_name=_("부서"),
    )
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT,
                              verbose_name=_("직급"))
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name=_("직위"))
    roles = models.ManyToManyField(Role, blank=True, verbose_name=_("역할"))
    status = models.CharField(_("상태"), max_length=10, choices=PersonStatus.choices,
                              default=PersonStatus.ACTIVE)
    phone = models.CharField(_("전화번호"), max_length=30, blank=True)

    class Meta:
        ordering = ["name", "employee_number"]
        verbose_name = _("직원")
        verbose_name_plural = _("직원")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="person_email_unique"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == PersonStatus.ACTIVE


API_TOKEN_DAYS_MIN, API_TOKEN_DAYS_MAX = 1, 365


class OrgSettings(models.Model):
    """Agency-wide sign-in rules; exactly one row per agency schema."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    # On unless the agency records why not: admins and HR officers can take over accounts.
    privileged_mfa_required = models.BooleanField(
        _("관리자·인사담당자 2단계 인증 필수"), default=True
    )
    privileged_mfa_opt_out_reason = models.TextField(_("2단계 인증을 끈 사유"), blank=True)
    api_token_days = models.PositiveSmallIntegerField(
        _("API 토큰 유효 기간(일)"), default=90,
        validators=[MinValueValidator(API_TOKEN_DAYS_MIN), MaxValueValidator(API_TOKEN_DAYS_MAX)],
    )
    # 발신명의: the head's title documents are sent under (과학기술부장관, 해양경찰청장,
    # 수원시장), proposed from the agency's name and kind at onboarding, editable by admins.
    sending_authority = models.CharField(_("발신명의"), max_length=100, blank=True)
    # The 기안문 foot (시행규칙 서식): the agency's contact details, used where a unit
    # has none of its own.
    postal_code = models.CharField(_("우편번호"), max_length=10, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    homepage = models.CharField(_("홈페이지"), max_length=200, blank=True)
    phone = models.CharField(_("전화"), max_length=30, blank=True)
    fax = models.CharField(_("전송"), max_length=30, blank=True)
    # The first-steps checklist on 한눈에 (units, people, rules, roles, MFA) for admins, until
    # one of them dismisses it.
    setup_checklist_dismissed = models.BooleanField(_("처음 설정 안내 닫음"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="org_settings_singleton"),
            models.CheckConstraint(
                condition=Q(api_token_days__gte=API_TOKEN_DAYS_MIN,
                            api_token_days__lte=API_TOKEN_DAYS_MAX),
                name="org_settings_api_token_days_bounds",
            ),
            models.CheckConstraint(
                condition=Q(privileged_mfa_required=True) | ~Q(privileged_mfa_opt_out_reason=""),
                name="org_settings_mfa_opt_out_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return "OrgSettings"


# --- History: appointments (발령), leave and absence, discipline (징계) ----------------------

class AppointmentKind(models.TextChoices):
    HIRE = "hire", _("신규임용")
    PROMOTION = "promotion", _("승진")
    TRANSFER = "transfer", _("전보")
    ACTING = "acting", _("직무대리")
    CONCURRENT = "concurrent", _("겸임")
    SECONDMENT = "secondment", _("파견")
    LEAVE = "leave", _("휴직")
    RETURN = "return", _("복직")
    RETIREMENT = "retirement", _("퇴직")


# 직무대리 and 겸임 are held beside the person's own post; every other kind replaces it, so a
# person's primary appointments form one chain without overlaps.
ADDITIONAL_KINDS = frozenset({AppointmentKind.ACTING, AppointmentKind.CONCURRENT})


def appointment_span() -> Func:
    """daterange(starts_on, ends_on, '[]'): the days an appointment runs, both ends included
    (no end: still running). Core PostgreSQL's range type and its GiST operator class."""
    return Func(F("starts_on"), F("ends_on"), Value("[]"), function="daterange",
                output_field=DateRangeField())


class SpanContains(Func):
    """``span @> day`` as a filter condition."""

    arg_joiner = " @> "
    template = "(%(expressions)s)"
    output_field = models.BooleanField()


class Appointment(models.Model):
    """One appointment (발령): where a person served, in which grade and post, from when to
    when (``ends_on`` is the last day; empty while it lasts)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments",
                               verbose_name=_("직원"))
    kind = models.CharField(_("발령 구분"), max_length=12, choices=AppointmentKind.choices)
    primary = models.BooleanField(_("본직"), default=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="appointments", verbose_name=_("부서"))
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("직급"))
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("직위"))
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"), null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("발령")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start"),
            # One open primary appointment per person: where they are now.
            models.UniqueConstraint(fields=["person"],
                                    condition=Q(primary=True, ends_on__isnull=True),
                                    name="appointment_one_open_primary"),
            models.UniqueConstraint(fields=["person", "starts_on"], condition=Q(primary=True),
                                    name="appointment_primary_start_once"),
        ]
        indexes = [
            # org_on(date): the primary appointments whose span holds the day (who had
            # retired is not in the agency), answered from the index alone: the columns a
            # placement needs are included (bench/org_history.py: an index-only scan).
            GistIndex(appointment_span(), name="appointment_span_gist",
                      condition=Q(primary=True) & ~Q(kind=AppointmentKind.RETIREMENT),
                      include=["id", "person", "unit", "grade", "position", "kind",
                               "starts_on", "ends_on"]),
            models.Index(fields=["person", "starts_on"], name="appointment_person_idx"),
            models.Index(fields=["unit", "starts_on"], name="appointment_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.starts_on}"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("휴가")
    TRIP = "trip", _("출장")
    OTHER = "other", _("기타")


class Absence(models.Model):
    """A registered absence with its acting official (직무대리), who signs the absent
    person's turns meanwhile; those signatures are marked 대결 and need 후결."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absences",
                               verbose_name=_("부재자"))
    acting = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="acting_for",
                               verbose_name=_("대결자"))
    kind = models.CharField(_("사유 구분"), max_length=10, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="absence_ends_after_start"),
            models.CheckConstraint(condition=~Q(acting=models.F("person")),
                                   name="absence_not_own_acting"),
        ]
        # Named as when the table belonged to approvals (the rows moved, the index too).
        indexes = [models.Index(fields=["acting", "starts_on", "ends_on"],
                                name="approvals_a_acting__3724f8_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on}~{self.ends_on} → {self.acting}"


class DisciplineKind(models.TextChoices):
    """국가공무원법 §79: the six disciplinary measures, heaviest first."""

    DISMISSAL = "dismissal", _("파면")
    REMOVAL = "removal", _("해임")
    DEMOTION = "demotion", _("강등")
    SUSPENSION = "suspension", _("정직")
    PAY_CUT = "pay_cut", _("감봉")
    REPRIMAND = "reprimand", _("견책")


class DisciplinaryAction(models.Model):
    """A disciplinary action (징계): decided on a day, in effect for a period (정직·감봉)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disciplinary",
                               verbose_name=_("직원"))
    kind = models.CharField(_("징계 구분"), max_length=12, choices=DisciplineKind.choices)
    decided_on = models.DateField(_("의결일"))
    starts_on = models.DateField(_("집행 시작일"))
    ends_on = models.DateField(_("집행 종료일"), null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("징계")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="discipline_ends_after_start"),
        ]
        indexes = [models.Index(fields=["person", "decided_on"], name="discipline_person_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.decided_on}"
