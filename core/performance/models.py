"""Performance management (성과관리): evaluation cycles with their snapshot of the org, goals
that cascade agency → unit → person with their indicators, hand-entered indicator values
with evidence, and the running tallies of indicators measured from activity events."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.org.models import Grade, Person, Position, Unit


class Scheme(models.TextChoices):
    """rules.md §4: 성과계약등평가 for grade 4 and above (yearly), 근무성적평가 for grade 5 and
    below (base dates 30 June and 31 December)."""

    CONTRACT = "contract", _("성과계약등평가")
    SERVICE = "service", _("근무성적평가")


class CycleStatus(models.TextChoices):
    OPEN = "open", _("진행 중")
    CLOSED = "closed", _("마감")


class Cycle(models.Model):
    """One evaluation period of one scheme; what it evaluates is fixed when it opens."""

    scheme = models.CharField(_("평가 종류"), max_length=10, choices=Scheme.choices)
    name = models.CharField(_("명칭"), max_length=100)
    starts_on = models.DateField(_("평가 기간 시작일"))
    ends_on = models.DateField(_("평가 기간 종료일"))
    base_date = models.DateField(_("평가 기준일"))
    # The day the org history was read for evaluatees, raters and units (the base date, or
    # the opening day while the base date is still ahead).
    snapshot_on = models.DateField(_("대상 기준일"))
    status = models.CharField(_("상태"), max_length=10, choices=CycleStatus.choices,
                              default=CycleStatus.OPEN)
    # The rule versions the cycle follows (policies.Policy ids; empty: the standard model's
    # default): the scheme's rule and the indicator definitions.
    scheme_rule_id = models.BigIntegerField(_("평가 규칙 버전"), null=True, blank=True)
    definitions = models.ForeignKey("policies.Policy", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("지표 정의 버전"))
    opened_at = models.DateTimeField(_("개시 일시"), auto_now_add=True)
    closed_at = models.DateTimeField(_("마감 일시"), null=True, blank=True)

    class Meta:
        ordering = ["-base_date", "scheme", "-id"]
        verbose_name = _("평가 주기")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="cycle_ends_after_start"),
            models.UniqueConstraint(fields=["scheme", "base_date"], name="cycle_one_per_base_date"),
        ]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"],
                                name="cycle_open_period")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN


class CycleUnit(models.Model):
    """A unit as it stood when the cycle opened: its parent and head."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("부서명"), max_length=100)
    parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    head = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("부서장"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"],
                                               name="cycle_unit_once")]
        indexes = [models.Index(fields=["cycle", "head"], name="cycle_unit_head")]

    def __str__(self) -> str:
        return self.name


class CycleMember(models.Model):
    """An evaluatee of the cycle, placed as the org history had them on its snapshot day,
    with their rater (평가자) and confirmer (확인자)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    rater = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("평가자"))
    confirmer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("확인자"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "person"],
                                               name="cycle_member_once")]
        indexes = [models.Index(fields=["cycle", "unit"], name="cycle_member_unit"),
                   models.Index(fields=["person"], name="cycle_member_person")]

    def __str__(self) -> str:
        return f"{self.cycle_id}:{self.person_id}"


class Level(models.TextChoices):
    AGENCY = "agency", _("기관")
    UNIT = "unit", _("부서")
    PERSON = "person", _("개인")


class Goal(models.Model):
    """A goal (성과목표) of the agency, a unit or a person in a cycle; a unit's goal serves
    one of the agency's, a person's one of their unit's. The goals of one owner weigh 100."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="goals")
    level = models.CharField(_("단계"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children", verbose_name=_("상위 목표"))
    title = models.CharField(_("목표"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("가중치"))
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("성과목표")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100),
                                   name="goal_weight_range"),
            models.CheckConstraint(
                condition=(Q(level="agency", unit__isnull=True, person__isnull=True)
                           | Q(level="unit", unit__isnull=False, person__isnull=True)
                           | Q(level="person", unit__isnull=True, person__isnull=False)),
                name="goal_owner_matches_level"),
        ]
        indexes = [models.Index(fields=["cycle", "level", "unit"], name="goal_unit"),
                   models.Index(fields=["cycle", "person"], name="goal_person")]

    def __str__(self) -> str:
        return self.title


class Source(models.TextChoices):
    MANUAL = "manual", _("직접 입력")
    EVENTS = "events", _("활동 이벤트")


class Direction(models.TextChoices):
    HIGHER = "higher", _("높을수록 좋음")
    LOWER = "lower", _("낮을수록 좋음")


class Indicator(models.Model):
    """An indicator (성과지표) of a goal with its target: entered by hand with evidence, or
    measured from the activity events by a definition (its ``code``). The indicators of one
    goal weigh 100."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("지표명"), max_length=200)
    source = models.CharField(_("측정"), max_length=10, choices=Source.choices)
    code = models.CharField(_("지표 정의"), max_length=40, blank=True)
    weight = models.PositiveSmallIntegerField(_("가중치"))
    target = models.DecimalField(_("목표치"), max_digits=14, decimal_places=2)
    direction = models.CharField(_("방향"), max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    unit_label = models.CharField(_("단위"), max_length=10, blank=True)
    # Hand-entered indicators: the latest entry (IndicatorEntry keeps them all).
    value = models.DecimalField(_("실적"), max_digits=14, decimal_places=2, null=True,
                                blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("성과지표")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100),
                                   name="indicator_weight_range"),
            models.CheckConstraint(condition=Q(source="manual", code="")
                                   | (Q(source="events") & ~Q(code="")),
                                   name="indicator_code_with_events"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorEntry(models.Model):
    """A value entered by hand for an indicator, with its evidence (증빙)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries")
    value = models.DecimalField(_("실적"), max_digits=14, decimal_places=2)
    evidence = models.CharField(_("증빙"), max_length=500)
    entered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-entered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class Tally(models.Model):
    """The running tally of one indicator definition for one person in one cycle, moved by
    each matching activity event as it is recorded (core/performance/measures.py)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    person_id = models.BigIntegerField()
    count = models.BigIntegerField(default=0)
    total = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    hits = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "code", "person_id"],
                                               name="tally_once")]
        indexes = [models.Index(fields=["cycle", "person_id"], name="tally_person")]

    def __str__(self) -> str:
        return f"{self.code}:{self.person_id} {self.count}"
