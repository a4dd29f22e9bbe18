"""Work management (업무관리): task cards with progress and decision records, memo reports
and instructions (../shared/domain/rules.md §2).

History is data: progress reports, decision records, read receipts, replies and completions
are rows of their own, appended by the services and never edited."""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.approvals.models import Document
from core.org.models import Person, Unit


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("계획")
    IN_PROGRESS = "in_progress", _("진행 중")
    DONE = "done", _("완료")
    ON_HOLD = "on_hold", _("보류")


class Priority(models.IntegerChoices):
    """Lower number sorts first, so ordering by priority puts urgent work on top."""

    HIGH = 1, _("높음")
    NORMAL = 2, _("보통")
    LOW = 3, _("낮음")


class Task(models.Model):
    """A task card (과제관리카드): a unit of work with its owner, plan, progress and history."""

    title = models.CharField(_("과제명"), max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="owned_tasks",
                              verbose_name=_("담당자"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks",
                             verbose_name=_("부서"))
    goal = models.CharField(_("관련 성과목표"), max_length=200, blank=True)
    plan = models.TextField(_("추진 계획"), blank=True)
    start_date = models.DateField(_("시작일"), null=True, blank=True)
    due_date = models.DateField(_("완료 예정일"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.PLANNED)
    priority = models.PositiveSmallIntegerField(_("중요도"), choices=Priority.choices,
                                                default=Priority.NORMAL)
    progress = models.PositiveSmallIntegerField(_("진척률(%)"), default=0)
    # A card marked public may be followed by customers (experts, other agencies' officials),
    # who receive its progress reports shared with customers; ``topic`` is the policy topic
    # (정책 분야) they may follow instead of one card.
    is_public = models.BooleanField(_("공개 과제"), default=False)
    topic = models.CharField(_("정책 분야"), max_length=100, blank=True)
    documents = models.ManyToManyField(Document, through="TaskDocument", related_name="tasks",
                                       blank=True, verbose_name=_("관련 문서"))
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("과제")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="task_due_after_start"),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values),
                                   name="task_status_known"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values),
                                   name="task_priority_known"),
        ]
        indexes = [models.Index(fields=["unit", "status"]),
                   models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        """지연: the due date has passed and the task is not done."""
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and self.status != TaskStatus.DONE)


class ProgressReport(models.Model):
    """A progress report (실적) on a task: how far along, and what was done."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("보고자"))
    percent = models.PositiveSmallIntegerField(_("진척률(%)"))
    text = models.TextField(_("추진 실적"))
    # Shown to customers: on the status page of each case the task is linked to (and to
    # subscribers of the task, issue 9 §3).
    share_with_customers = models.BooleanField(_("고객에게 공개"), default=False)
    reported_at = models.DateTimeField(_("보고일시"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100),
                                              name="progress_report_percent_max_100")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class DecisionKind(models.TextChoices):
    OPINION = "opinion", _("의견")
    DECISION = "decision", _("결정")


class DecisionRecord(models.Model):
    """One step of the decision process (의사결정 과정) on a task, in the order it happened."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="decisions")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("작성자"))
    kind = models.CharField(_("구분"), max_length=10, choices=DecisionKind.choices)
    content = models.TextField(_("내용"))
    recorded_at = models.DateTimeField(_("일시"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=DecisionKind.values),
                                              name="decision_kind_known")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.author_id}"


class TaskDocument(models.Model):
    """An approval document linked to a task card, with who linked it and when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="document_links")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "document"],
                                               name="task_document_once")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.document_id}"


class Memo(models.Model):
    """A memo report (메모보고): a short report to one or more superiors."""

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memos_sent",
                               verbose_name=_("보고자"))
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="memos", verbose_name=_("관련 과제"))
    sent_at = models.DateTimeField(_("보고일시"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("메모보고")

    def __str__(self) -> str:
        return self.title


class MemoRecipient(models.Model):
    """A recipient of a memo and the read receipt: ``read_at`` is set the first time only."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memos_received",
                               verbose_name=_("받는 사람"))
    read_at = models.DateTimeField(_("열람일시"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["memo", "person"],
                                               name="memo_recipient_once")]
        indexes = [models.Index(fields=["person", "read_at"])]

    def __str__(self) -> str:
        return f"{self.memo_id} → {self.person_id}"


class MemoReply(models.Model):
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("작성자"))
    body = models.TextField(_("내용"))
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.memo_id} reply {self.author_id}"


class Instruction(models.Model):
    """An instruction (지시사항) from a superior, with a due date, tracked to completion."""

    issuer = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="instructions_issued", verbose_name=_("지시자"))
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("지시 내용"))
    due_date = models.DateField(_("처리기한"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="instructions", verbose_name=_("관련 과제"))
    issued_at = models.DateTimeField(_("지시일시"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("지시사항")

    def __str__(self) -> str:
        return self.title


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("처리 중")
    DONE = "done", _("완료")


class InstructionAssignment(models.Model):
    """One assignee's part of an instruction and its completion note."""

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE,
                                    related_name="assignments")
    assignee = models.ForeignKey(Person, on_delete=models.PROTECT,
                                 related_name="instruction_assignments",
                                 verbose_name=_("담당자"))
    status = models.CharField(_("상태"), max_length=8, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.OPEN)
    note = models.TextField(_("처리 결과"), blank=True)
    done_at = models.DateTimeField(_("완료일시"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "assignee"],
                                    name="instruction_assignee_once"),
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False),
                name="assignment_done_has_time"),
        ]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"{self.instruction_id} → {self.assignee_id}"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == AssignmentStatus.OPEN and self.instruction.due_date < today
