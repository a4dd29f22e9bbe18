"""Customers (고객) and their cases (요청·민원·질의), with each step of a case kept as a row."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.approvals.models import Document, StoredFile
from core.org.models import Person, Unit
from core.work.models import Task


class CustomerKind(models.TextChoices):
    OFFICIAL = "official", _("타부처 공무원")
    EXPERT = "expert", _("정책전문가")
    CITIZEN = "citizen", _("국민")
    ORGANISATION = "organisation", _("단체·기업")


class Customer(models.Model):
    """The minimum about a customer, with the purpose and consent it was collected under and
    the date it must be anonymised by (개인정보 보호법 제15조·제21조)."""

    kind = models.CharField(_("고객 유형"), max_length=20, choices=CustomerKind.choices)
    name = models.CharField(_("이름"), max_length=100)
    email = models.EmailField(_("이메일"), blank=True)
    phone = models.CharField(_("전화번호"), max_length=30, blank=True)
    affiliation = models.CharField(_("소속"), max_length=200, blank=True)
    field = models.CharField(_("전문 분야"), max_length=200, blank=True)
    # An official of another agency on the platform: their agency's code. They are reached
    # through the channel (core/exchange), so they need no e-mail or phone here.
    agency_code = models.CharField(_("소속 기관코드"), max_length=7, blank=True, default="")
    purpose = models.CharField(_("수집 목적"), max_length=200)
    consent_version = models.CharField(_("동의문 버전"), max_length=20)
    consented_at = models.DateTimeField(_("동의 일시"))
    retain_until = models.DateField(_("보유 기한"))
    # Set by the retention job once the personal data above has been erased (개인정보
    # 보호법 제21조): the row stays only as the anonymous customer of its cases.
    anonymised_at = models.DateTimeField(_("익명 처리 일시"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the customer stopped every notice (the unsubscribe link, "모든 알림").
    notices_stopped_at = models.DateTimeField(_("알림 수신 거부 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("고객")
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | ~Q(agency_code="")
                | Q(anonymised_at__isnull=False),
                name="customer_has_a_contact",
            ),
        ]
        indexes = [models.Index(fields=["retain_until"], name="customer_retention_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("접수")
    ASSIGNED = "assigned", _("배정")
    IN_PROGRESS = "in_progress", _("처리중")
    EXTENDED = "extended", _("연장")
    CLOSED = "closed", _("완료")
    TRANSFERRED = "transferred", _("이송")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]

# Each step as the customer reads it, in plain Korean (status page and notices).
STEP_TEXT = {
    CaseStatus.RECEIVED: _("신청이 접수되었습니다."),
    CaseStatus.ASSIGNED: _("담당자가 정해져 처리하고 있습니다."),
    CaseStatus.IN_PROGRESS: _("처리하고 있습니다."),
    CaseStatus.EXTENDED: _("처리기간이 연장되었습니다."),
    CaseStatus.TRANSFERRED: _("담당 부서가 바뀌었습니다."),
    CaseStatus.CLOSED: _("처리가 끝나 답변을 드렸습니다."),
}

# The steps a customer may ask to be told about: those the services record as moves.
NOTICE_STEPS = [
    CaseStatus.RECEIVED,
    CaseStatus.ASSIGNED,
    CaseStatus.TRANSFERRED,
    CaseStatus.EXTENDED,
    CaseStatus.CLOSED,
]


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("이메일")
    SMS = "sms", _("문자")


class Channel(models.TextChoices):
    WEB = "web", _("누리집")
    PHONE = "phone", _("전화")
    VISIT = "visit", _("방문")
    API = "api", _("API")
    AGENCY = "agency", _("타기관 요청")


class Case(models.Model):
    """요청·민원·질의: numbered per agency per year (접수번호 2026-000001, gap-free), with a
    private status link whose token is stored only as its SHA-256 hash."""

    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(_("접수 경로"), max_length=10, choices=Channel.choices)
    case_type = models.CharField(_("유형 코드"), max_length=40)
    case_type_name = models.CharField(_("유형"), max_length=100)
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"))
    status = models.CharField(
        _("상태"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    handling_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("처리 부서"),
    )
    assignee = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("담당자"),
    )
    # The official who entered a phone, visit or API case (None: the public page).
    received_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("접수자"),
    )
    received_at = models.DateTimeField(_("접수 일시"))
    due_on = models.DateField(_("처리 기한"))
    extended = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("완료 일시"), null=True, blank=True)
    answer = models.TextField(_("답변"), blank=True)
    # The stage of the case type's stages the case is at (처리 단계), "" when it has none.
    stage = models.CharField(_("처리 단계"), max_length=100, blank=True, default="")
    # A request from an official of another agency: the channel row's id (by value, no key
    # into the public schema); its status and answer go back through the channel.
    exchange_request_id = models.IntegerField(null=True, blank=True, unique=True)
    # The rule version (case_types) whose due days and stages the case follows.
    rule_version_id = models.IntegerField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    # The steps and channels the customer opted into (맞춤 알림); stopped by the
    # unsubscribe link. The nonce is part of every unsubscribe token of the case: a new one
    # (when the status link is revoked) makes the old links answer 404.
    notice_steps = models.JSONField(_("알림 받을 단계"), default=list, blank=True)
    notice_channels = models.JSONField(_("알림 수단"), default=list, blank=True)
    notices_stopped_at = models.DateTimeField(_("알림 수신 거부 일시"), null=True, blank=True)
    notice_nonce = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("민원")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="case_closed_when_closed_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=~Q(status="closed"), name="case_open_due_idx"
            ),
            models.Index(fields=["handling_unit", "due_on"], name="case_unit_due_idx"),
            models.Index(fields=["assignee", "due_on"], name="case_assignee_due_idx"),
            # Satisfaction results read the cases closed in a period.
            models.Index(
                fields=["closed_at"], condition=Q(status="closed"), name="case_closed_at_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """접수번호: year and the agency's serial of that year."""
        return f"{self.year}-{self.serial:06d}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseStep(models.Model):
    """One step of a case as the customer reads it on the status page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    occurred_at = models.DateTimeField()
    unit_name = models.CharField(max_length=200, blank=True)
    # What the customer is told (an extension's reason, a transfer's destination).
    note = models.TextField(blank=True)
    # The stage the case moved to (an in-progress step), in the case type's words.
    stage = models.CharField(max_length=100, blank=True, default="")
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.status}"


class CaseCounter(models.Model):
    """The last receipt serial of a year; locked while a number is taken (gap-free)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


class CaseAttachment(StoredFile):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="customers/%Y/%m/")


class CaseLink(models.Model):
    """A task card (과제관리카드) or an approval document linked to a case: the work done for
    it. A linked task's progress reports shared with customers show on the status page; an
    approved linked document is the answer's basis where the case type requires one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=True, document__isnull=False)
                | Q(task__isnull=False, document__isnull=True),
                name="case_link_task_or_document",
            ),
            models.UniqueConstraint(
                fields=["case", "task"], condition=Q(task__isnull=False), name="case_link_task"
            ),
            models.UniqueConstraint(
                fields=["case", "document"],
                condition=Q(document__isnull=False),
                name="case_link_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.task_id or self.document_id}"


class OutgoingRequest(models.Model):
    """This agency's record of a request one of its officials sent to another agency through
    the channel: who sent it and from which unit (which the channel does not carry), so only
    they, their unit and the customer officers follow it here."""

    exchange_request_id = models.IntegerField(unique=True)
    requester = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency_name = models.CharField(_("받는 기관"), max_length=100)
    title = models.CharField(_("제목"), max_length=200)
    sent_at = models.DateTimeField(_("발송 일시"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["requester", "sent_at"], name="outgoing_requester_idx")]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """The customer's one answer to the satisfaction survey of a closed case (고객만족도).

    Written once from the status page and never edited (no service changes it; staff read
    only aggregates). The rule version whose questions and scale were asked is pinned. The
    one-to-one key is the database's guarantee of one response per case. Results read the
    person, unit and type from the case, which no move changes once it is closed."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survey_response")
    # The survey rule version asked (None: the standard model's default, no version row).
    rule_version_id = models.IntegerField(null=True, blank=True)
    scale = models.PositiveSmallIntegerField(_("척도"))
    answers = models.JSONField(_("응답"))
    mean = models.DecimalField(_("평균"), max_digits=5, decimal_places=2)
    # The mean on a 0–100 scale, so that versions with different scales roll up together.
    score = models.DecimalField(_("환산 점수"), max_digits=5, decimal_places=1)
    low = models.BooleanField(_("후속 조치 대상"), default=False)
    comment = models.TextField(_("의견"), blank=True)
    answered_at = models.DateTimeField(_("응답 일시"))

    class Meta:
        verbose_name = _("만족도 응답")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="survey_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"


class SatisfactionTally(models.Model):
    """The monthly counts behind the satisfaction results, kept as cases close and surveys
    are answered (in the same transaction), so a year of results reads at most a few
    thousand rows whatever the number of cases. One row per month of closure, handling
    unit, assignee and case type; ids by value, 0 for none. ``tally.tally_rebuild``
    recounts them from the cases (back-fill, checks)."""

    month = models.DateField()  # the first day of the month the cases closed in
    unit_id = models.IntegerField(default=0)
    person_id = models.IntegerField(default=0)
    case_type = models.CharField(max_length=40)
    case_type_name = models.CharField(max_length=100)
    closed = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    low = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit_id", "person_id", "case_type"],
                name="satisfaction_tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id}/{self.person_id}/{self.case_type}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    SENDING = "sending", _("보내는 중")
    RETRYING = "retrying", _("재시도 대기")
    SENT = "sent", _("발송")
    FAILED = "failed", _("실패")
    SKIPPED = "skipped", _("수신 거부로 보내지 않음")


class Subscription(models.Model):
    """A customer (a policy expert, another agency's official) following a policy topic or a
    public task card: each progress report shared with customers is e-mailed to them."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="subscriptions")
    task = models.ForeignKey(
        "work.Task",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("과제"),
    )
    topic = models.CharField(_("정책 분야"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("구독 종료 일시"), null=True, blank=True)
    nonce = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("구독")
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(topic=""))
                | (Q(task__isnull=True) & ~Q(topic="")),
                name="subscription_task_or_topic",
            ),
            models.UniqueConstraint(
                fields=["customer", "task"],
                condition=Q(ended_at__isnull=True, task__isnull=False),
                name="subscription_one_active_per_task",
            ),
            models.UniqueConstraint(
                fields=["customer", "topic"],
                condition=Q(ended_at__isnull=True, task__isnull=True),
                name="subscription_one_active_per_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.task_id or self.topic}"


class NoticeDelivery(models.Model):
    """One notice to one address by one channel: a case step (case, step, channel) or a
    progress report to a subscriber (subscription, report, channel). The unique keys make a
    retried or duplicated job send once; the row is the case's delivery log. Only the masked
    address is kept: the real one is read from the customer when sending."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    step = models.ForeignKey(
        CaseStep, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    report = models.ForeignKey(
        "work.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("수단"), max_length=10, choices=NoticeChannel.choices)
    address_masked = models.CharField(_("받는 곳"), max_length=254)
    status = models.CharField(
        _("상태"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    error = models.CharField(_("오류"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("생성 일시"), auto_now_add=True)
    sent_at = models.DateTimeField(_("발송 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("알림 발송")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "channel"],
                condition=Q(step__isnull=False),
                name="notice_once_per_case_step_channel",
            ),
            models.UniqueConstraint(
                fields=["subscription", "report", "channel"],
                condition=Q(report__isnull=False),
                name="notice_once_per_subscription_report_channel",
            ),
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, step__isnull=False)
                    & Q(subscription__isnull=True, report__isnull=True)
                )
                | (
                    Q(case__isnull=True, step__isnull=True)
                    & Q(subscription__isnull=False, report__isnull=False)
                ),
                name="notice_for_a_step_or_a_report",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="notice_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "created_at"], name="notice_case_idx"),
            # What the sending jobs look for: the few rows still waiting.
            models.Index(
                fields=["id"],
                condition=Q(status__in=["pending", "retrying"]),
                name="notice_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"
