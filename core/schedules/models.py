"""Schedules (일정): personal, unit and agency calendar entries, and each person's private
iCalendar feed link."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.org.models import Person, Unit

# Agency calendars are kept in Korean time whatever the server's or browser's zone.
KST = ZoneInfo("Asia/Seoul")


class Scope(models.TextChoices):
    PERSONAL = "personal", _("개인")
    UNIT = "unit", _("부서")
    AGENCY = "agency", _("기관")


class Entry(models.Model):
    """One calendar entry. ``ends_at`` is exclusive; an all-day entry runs from midnight
    (Asia/Seoul) of its first day to midnight after its last day, as iCalendar's DTEND does."""

    title = models.CharField(_("제목"), max_length=200)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    all_day = models.BooleanField(_("하루 종일"), default=False)
    location = models.CharField(_("장소"), max_length=200, blank=True)
    note = models.TextField(_("메모"), blank=True)
    scope = models.CharField(_("구분"), max_length=10, choices=Scope.choices,
                             default=Scope.PERSONAL)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="schedule_entries",
                              verbose_name=_("등록자"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="schedule_entries", verbose_name=_("부서"))
    is_key = models.BooleanField(_("주요일정"), default=False)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("일정")
        verbose_name_plural = _("일정")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="schedule_entry_ends_after_start"),
            # Only unit entries belong to a unit; personal entries follow their owner's unit.
            models.CheckConstraint(
                condition=Q(scope=Scope.UNIT, unit__isnull=False)
                | (~Q(scope=Scope.UNIT) & Q(unit__isnull=True)),
                name="schedule_entry_unit_iff_unit_scope",
            ),
        ]
        indexes = [
            models.Index(fields=["scope", "starts_at"]),
            models.Index(fields=["unit", "starts_at"]),
            models.Index(fields=["owner", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def first_day(self) -> date:
        return self.starts_at.astimezone(KST).date()

    @property
    def last_day(self) -> date:
        """Return the local date of the entry's last moment (its end is exclusive)."""
        return (self.ends_at - timedelta(microseconds=1)).astimezone(KST).date()


class FeedToken(models.Model):
    """The secret in a person's iCalendar feed link; rotating replaces it, revoking deletes it.
    It lives in the agency's schema, so it means nothing on another agency's host."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="schedule_feed")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("발급일시"))

    class Meta:
        verbose_name = _("일정 구독 링크")

    def __str__(self) -> str:
        return f"feed of {self.person}"
