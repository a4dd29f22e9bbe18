"""Activity records (활동실적) and the performance card (성과관리카드)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.approvals.models import StoredFile
from core.audit.models import ActivityEvent
from core.org.models import Person, Unit


class RecordKind(models.TextChoices):
    DOCUMENT = "document", _("결재 완료 문서")
    PROGRESS = "progress", _("과제 진행보고")
    TASK_DONE = "task_done", _("과제 완료")
    INSTRUCTION = "instruction", _("지시 이행")
    MEMO = "memo", _("메모보고")
    CASE = "case", _("민원 처리")
    MANUAL = "manual", _("직접 등록")


class RecordStatus(models.TextChoices):
    COLLECTED = "collected", _("자동 수집")  # the move itself is the evidence
    PENDING = "pending", _("확인 대기")
    CONFIRMED = "confirmed", _("확인")
    RETURNED = "returned", _("반려")


class EvidenceType(models.TextChoices):
    """The objects a record may point at, each read through its own access helper."""

    DOCUMENT = "approvals.document", _("문서")
    TASK = "work.task", _("과제")
    MEMO = "work.memo", _("메모보고")
    INSTRUCTION = "work.instruction", _("지시사항")
    CASE = "customers.case", _("민원")


class ActivityRecord(models.Model):
    """One piece of evidence of work done by ``person``: collected from a move (unique per
    source event, so collecting again adds nothing) or added by hand with a file or a link."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="activity_records",
                               verbose_name=_("직원"))
    # Where the person served on ``occurred_on`` (org history), so the record stays with
    # the unit it was earned in after the person moves.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("부서"))
    kind = models.CharField(_("구분"), max_length=12, choices=RecordKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("내용"), blank=True)
    occurred_on = models.DateField(_("실적일"))
    status = models.CharField(_("상태"), max_length=10, choices=RecordStatus.choices)
    source_event = models.OneToOneField(ActivityEvent, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("원천 이벤트"))
    evidence_type = models.CharField(_("증빙 유형"), max_length=30, blank=True,
                                     choices=EvidenceType.choices)
    evidence_id = models.CharField(_("증빙 번호"), max_length=60, blank=True)
    # The rater (평가자) who confirms a record added by hand: the head of the unit the
    # person served in on ``occurred_on``, fixed when the record is added.
    rater = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="activity_records_to_confirm",
                              verbose_name=_("확인자"))
    decided_at = models.DateTimeField(_("확인일시"), null=True, blank=True)
    return_reason = models.CharField(_("반려 사유"), max_length=500, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("활동실적")
        verbose_name_plural = _("활동실적")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RecordKind.MANUAL) | Q(source_event__isnull=False),
                name="activity_record_collected_has_source"),
            models.CheckConstraint(
                condition=~Q(status=RecordStatus.RETURNED) | ~Q(return_reason=""),
                name="activity_record_return_has_reason"),
        ]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="activity_record_person"),
            models.Index(fields=["unit", "occurred_on"], name="activity_record_unit"),
            models.Index(fields=["rater"], name="activity_record_to_confirm",
                         condition=Q(status=RecordStatus.PENDING)),
        ]

    def __str__(self) -> str:
        return self.title


class RecordFile(StoredFile):
    """A file given as a record's evidence."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="activity/%Y/%m/")


class CardEntryKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("주요 성과")
    OPINION = "opinion", _("상급자 평가의견")
    EXTERNAL = "external", _("외부 정책평가·감사 결과")
    EVALUATION = "evaluation", _("평가 결과")


class CardEntry(models.Model):
    """One entry of an official's 성과관리카드, kept for their whole career. Only its author
    may correct it; every addition and correction is in the audit trail."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="card_entries",
                               verbose_name=_("직원"))
    kind = models.CharField(_("구분"), max_length=12, choices=CardEntryKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"))
    occurred_on = models.DateField(_("기준일"))
    # Where the person served on ``occurred_on`` (org history): the card follows them.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("당시 부서"))
    unit_name = models.CharField(_("당시 부서명"), max_length=100, blank=True)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("작성자"))
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("성과관리카드 기재 사항")
        verbose_name_plural = _("성과관리카드 기재 사항")
        indexes = [models.Index(fields=["person", "occurred_on"], name="card_entry_person")]

    def __str__(self) -> str:
        # No words of the entry: the audit trail's label is seen beside other moves.
        return f"{_('성과관리카드')} #{self.pk}"
