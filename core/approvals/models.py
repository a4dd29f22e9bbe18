"""Electronic approval (전자결재): documents, their approval lines and the history of moves.

Rules: 행정업무의 운영 및 혁신에 관한 규정 (../shared/domain/rules.md §1). Workflow moves are
stored as rows (``DocumentAction``), so a document's decision history is data."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.org.models import Person, Unit

# The year of a register that never resets (훈령·예규 count on across years).
CONTINUOUS = 0


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    IN_PROGRESS = "in_progress", _("진행 중")
    HELD = "held", _("보류")
    RETURNED = "returned", _("반려")
    WITHDRAWN = "withdrawn", _("회수")
    APPROVED = "approved", _("완료")


class Disclosure(models.TextChoices):
    """공개 구분 (Official Information Disclosure Act art. 9(1) grounds 1–8 when not public)."""

    PUBLIC = "public", _("공개")
    PARTIAL = "partial", _("부분공개")
    CLOSED = "closed", _("비공개")


class Retention(models.TextChoices):
    """보존기간 (공공기록물 관리에 관한 법률 시행령 제26조)."""

    PERMANENT = "permanent", _("영구")
    SEMI_PERMANENT = "semi_permanent", _("준영구")
    YEARS_30 = "30", _("30년")
    YEARS_10 = "10", _("10년")
    YEARS_5 = "5", _("5년")
    YEARS_3 = "3", _("3년")
    YEARS_1 = "1", _("1년")


class Document(models.Model):
    """A draft for approval (기안문) and, once the approver signs, an official document."""

    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"))
    document_type = models.CharField(_("문서 유형"), max_length=30, default="general")
    drafter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="drafted",
                                verbose_name=_("기안자"))
    handling_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="documents",
                                      verbose_name=_("처리과"))
    # 경유: the office a document passes through on its way to the recipient (기안문 head).
    via = models.CharField(_("경유"), max_length=200, blank=True, default="", db_default="")
    disclosure = models.CharField(_("공개 구분"), max_length=10, choices=Disclosure.choices,
                                  default=Disclosure.PUBLIC)
    disclosure_ground = models.PositiveSmallIntegerField(_("비공개 근거 (제9조제1항)"), null=True,
                                                         blank=True)
    status = models.CharField(_("상태"), max_length=15, choices=DocumentStatus.choices,
                              default=DocumentStatus.DRAFT, db_index=True)
    # 문서관리카드의 관리정보: the document type's defaults, editable until the approver signs.
    retention = models.CharField(_("보존기간"), max_length=20, choices=Retention.choices,
                                 default=Retention.YEARS_3, db_default=Retention.YEARS_3)
    classification = models.CharField(_("분류"), max_length=100, blank=True, default="",
                                      db_default="")
    # 정책실명제: the type's rule made this a policy document when it was drafted (kept, so a
    # later change of the rule does not rewrite the record of who took part).
    policy_record = models.BooleanField(_("정책실명제 대상"), default=False, db_default=False)
    # 공고: when it takes effect (규정 제6조③: 5 days after notice unless it says otherwise),
    # empty until the approver signs unless the drafter set a date; and the days its type's
    # rule counted from notice when it was drafted (empty: not a 공고).
    effective_on = models.DateField(_("효력 발생일"), null=True, blank=True)
    effect_days = models.PositiveSmallIntegerField(_("공고 후 효력 발생까지 일수"), null=True,
                                                   blank=True)
    version = models.PositiveIntegerField(_("판"), default=1)
    year = models.PositiveSmallIntegerField(_("생산 연도"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("일련번호"), null=True, blank=True)
    # Empty: numbered in the handling unit's yearly register (생산등록번호). Otherwise the
    # document type whose own agency-wide register numbered it (훈령·예규 never reset, year 0;
    # 지시·공고 count per year), with the register's name as printed at that moment.
    register = models.CharField(_("등록 대장"), max_length=30, blank=True, default="",
                                db_default="")
    register_name = models.CharField(_("대장 이름"), max_length=50, blank=True, default="",
                                     db_default="")
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("상신일시"), null=True, blank=True)
    approved_at = models.DateTimeField(_("결재일시"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("문서")
        constraints = [
            models.UniqueConstraint(fields=["handling_unit", "year", "serial"],
                                    condition=Q(serial__isnull=False, register=""),
                                    name="document_number_unique"),
            models.UniqueConstraint(fields=["register", "year", "serial"],
                                    condition=Q(serial__isnull=False) & ~Q(register=""),
                                    name="document_typed_number_unique"),
            models.CheckConstraint(
                condition=Q(disclosure="public", disclosure_ground__isnull=True)
                | (~Q(disclosure="public") & Q(disclosure_ground__gte=1, disclosure_ground__lte=8)),
                name="document_disclosure_ground"),
            models.CheckConstraint(
                condition=Q(status="approved", serial__isnull=False, year__isnull=False)
                | (~Q(status="approved") & Q(serial__isnull=True)),
                name="document_numbered_when_approved"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        """The number once approved: `{처리과명}-{일련번호}` (생산등록번호), or in a type's own
        register `훈령 제12호` (never reset) or `공고 제2026-3호` (per year)."""
        if not self.serial:
            return ""
        if not self.register:
            return f"{self.handling_unit.name}-{self.serial}"
        if self.year == CONTINUOUS:
            return _("%(name)s 제%(serial)d호") % {"name": self.register_name,
                                                  "serial": self.serial}
        return _("%(name)s 제%(year)d-%(serial)d호") % {
            "name": self.register_name, "year": self.year, "serial": self.serial}


class StepRole(models.TextChoices):
    REVIEWER = "reviewer", _("검토")
    COOPERATOR = "cooperator", _("협조")
    APPROVER = "approver", _("결재")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("대기")
    PENDING = "pending", _("결재할 차례")
    HELD = "held", _("보류")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")
    SKIPPED = "skipped", _("건너뜀")


class SignMark(models.TextChoices):
    NONE = "", _("결재")
    DELEGATED = "delegated", _("전결")
    PROXY = "proxy", _("대결")


class ApprovalStep(models.Model):
    """One person's box on the approval line. Steps with the same ``order`` run in parallel
    (co-operators asked at once); the next order opens when all of them have approved."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("순서"))
    role = models.CharField(_("구분"), max_length=12, choices=StepRole.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="approval_steps",
                               verbose_name=_("결재자"))
    status = models.CharField(_("상태"), max_length=10, choices=StepStatus.choices,
                              default=StepStatus.WAITING)
    sign_mark = models.CharField(_("서명 구분"), max_length=10, choices=SignMark.choices,
                                 blank=True, default=SignMark.NONE)
    opinion = models.TextField(_("의견"), blank=True)
    # A reviewer who disagrees may rewrite the draft itself; like an opinion, it is marked
    # "(의견 있음)" in their box.
    revised = models.BooleanField(_("직접 수정"), default=False)
    # When the turn reached this box, so the timeline can say how long it waited here.
    opened_at = models.DateTimeField(_("차례 시작"), null=True, blank=True)
    acted_at = models.DateTimeField(_("처리일시"), null=True, blank=True)
    # 대결: the acting official who signed in the absent person's place, and when the absent
    # person acknowledged it afterwards (후결).
    acted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("대결자"))
    acknowledged_at = models.DateTimeField(_("후결일시"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "person"], name="step_person_once"),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            # The 후결 box count: proxy signatures still to be acknowledged, few at any time.
            models.Index(fields=["person"], name="step_after_the_fact",
                         condition=Q(sign_mark="proxy", acknowledged_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.order} {self.person}"

    @property
    def has_opinion(self) -> bool:
        """(의견 있음): the signer approved with an opinion or rewrote the draft."""
        return self.revised or bool(self.opinion and self.status == StepStatus.APPROVED)


class ActionKind(models.TextChoices):
    SUBMITTED = "submitted", _("상신")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")
    HELD = "held", _("보류")
    WITHDRAWN = "withdrawn", _("회수")
    COMPLETED = "completed", _("결재 완료")
    ACKNOWLEDGED = "acknowledged", _("후결")
    RECEIVED = "received", _("접수")
    CIRCULATED = "circulated", _("공람 지정")
    REVISED = "revised", _("검토자 수정")
    SKIPPED = "skipped", _("검토 건너뜀")


class DocumentAction(models.Model):
    """A move in the document's history (문서관리카드의 보고경로): who, what, when, why."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("처리"), max_length=12, choices=ActionKind.choices)
    note = models.TextField(_("사유·의견"), blank=True)
    version = models.PositiveIntegerField(_("판"))
    occurred_at = models.DateTimeField(_("일시"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind} {self.actor_id}"


class DocumentVersion(models.Model):
    """The text as submitted each time, so a returned and re-drafted document keeps every
    version (규정: a returned version of an important document is itself a record)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("판"))
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"],
                                               name="document_version_once")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class SerialCounter(models.Model):
    """The last serial issued in a register: a handling unit's per year, or a document
    type's agency-wide one (year 0 when it never resets). Locked while a number is taken,
    which keeps numbers gap-free and unique under concurrent approvals."""

    handling_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    register = models.CharField(max_length=30, blank=True, default="", db_default="")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handling_unit", "year"], condition=Q(register=""),
                                    name="serial_counter_once"),
            models.UniqueConstraint(fields=["register", "year"], condition=~Q(register=""),
                                    name="serial_counter_typed_once"),
            models.CheckConstraint(
                condition=(Q(register="") & Q(handling_unit__isnull=False))
                | (~Q(register="") & Q(handling_unit__isnull=True)),
                name="serial_counter_unit_or_type"),
        ]

    def __str__(self) -> str:
        return f"{self.register or self.handling_unit_id}/{self.year}: {self.last_serial}"


class DocumentRecipient(models.Model):
    """수신처: an internal unit (receives it in its inbox and registers receipt, 접수) or an
    external addressee (listed for dispatch). Dispatched when the document is approved."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inbox", verbose_name=_("수신 부서"))
    external_name = models.CharField(_("외부 수신처"), max_length=200, blank=True)
    dispatched_at = models.DateTimeField(_("시행일시"), null=True, blank=True)
    received_at = models.DateTimeField(_("접수일시"), null=True, blank=True)
    received_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("접수자"))
    # 처리담당자: who handles the received document in the unit (and names its 공람).
    handler = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("처리담당자"))
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_serial = models.PositiveIntegerField(_("접수번호"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(external_name=""))
                | (Q(unit__isnull=True) & ~Q(external_name="")),
                name="recipient_unit_or_external"),
            models.UniqueConstraint(fields=["document", "unit"], condition=Q(unit__isnull=False),
                                    name="recipient_unit_once"),
        ]
        # The 수신 box count: dispatched to a unit and not yet registered there.
        indexes = [models.Index(fields=["unit"], name="recipient_to_register",
                                condition=Q(received_at__isnull=True,
                                            dispatched_at__isnull=False))]

    def __str__(self) -> str:
        return self.unit.name if self.unit_id else self.external_name

    @property
    def receipt_number(self) -> str:
        """접수등록번호, from the same register (serial) as the unit's own documents."""
        return f"{self.unit.name}-{self.receipt_serial}" if self.receipt_serial else ""


class Circulation(models.Model):
    """공람: a document shared with a person to read; the first viewing is logged."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE,
                                 related_name="circulations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="circulated",
                               verbose_name=_("공람자"))
    circulated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("지정자"))
    deadline = models.DateField(_("공람 기한"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("열람일시"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["document", "person"],
                                               name="circulation_once")]
        # The 공람 box count: circulated to the person and not yet read.
        indexes = [models.Index(fields=["person"], name="circulation_unread",
                                condition=Q(read_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.person}"


class PolicyParticipant(models.Model):
    """정책실명제: someone who took part in a policy meeting on the draft (회의 참석자), with
    their rank or affiliation and remark. The drafter and the line come from the steps."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE,
                                 related_name="policy_participants")
    name = models.CharField(_("성명"), max_length=50)
    affiliation = models.CharField(_("소속·직위"), max_length=100, blank=True)
    remark = models.CharField(_("발언 요지"), max_length=500, blank=True)
    meeting_on = models.DateField(_("회의일"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class StoredFile(models.Model):
    """What every uploaded file keeps beside its content: the name it came with, its size
    and type, and when it arrived (documents' and cases' attachments)."""

    name = models.CharField(_("파일명"), max_length=200)
    size = models.PositiveBigIntegerField(_("크기"))
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile):
    """붙임: a file attached to a document, stored under the agency's own media folder."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="approvals/%Y/%m/")
