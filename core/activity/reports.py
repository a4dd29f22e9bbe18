"""Performance reports (성과 보고서) of a person or a unit for a period: one set of data,
shown as a printable page, a PDF (WeasyPrint with the KRDS typeface, as the approval
documents) and an XLSX workbook. The task cards' progress reports count as reports, as
the 2005 Harmony counted them."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from core.activity import selectors
from core.activity.models import ActivityRecord, CardEntry, RecordKind, RecordStatus
from core.activity.selectors import Period
from core.approvals.pdf import FontsOnlyFetcher, fonts_dir
from core.org.models import Appointment, Person, Unit
from core.spreadsheets import xlsx_workbook_response
from core.work.models import ProgressReport


@dataclass
class Report:
    title: str
    subject: str
    period: Period
    records: list[ActivityRecord]
    progress_reports: list[ProgressReport]
    entries: list[CardEntry] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)  # a unit's: name, counts by kind

    @property
    def counts(self) -> list[tuple[str, int]]:
        """Records by kind, with the progress reports counted as reports."""
        counted = Counter(record.kind for record in self.records)
        return [(label, counted.get(value, 0)) for value, label in RecordKind.choices]

    @property
    def filename_stem(self) -> str:
        since = self.period.since.strftime("%Y%m%d") if self.period.since else "start"
        until = self.period.until.strftime("%Y%m%d") if self.period.until else "today"
        return f"performance-{since}-{until}"


def _counted(records):
    """Returned records are not performance; everything else is, confirmed or not yet."""
    return records.exclude(status=RecordStatus.RETURNED)


def _in(records, period: Period):
    return selectors.record_list(records=records, period=period).order_by("occurred_on", "id")


def person_report(*, person: Person, period: Period) -> Report:
    records = _in(_counted(ActivityRecord.objects.filter(person=person)
                           .select_related("person", "unit")), period)
    entries = CardEntry.objects.filter(person=person).select_related("author")
    if period.since:
        entries = entries.filter(occurred_on__gte=period.since)
    if period.until:
        entries = entries.filter(occurred_on__lte=period.until)
    return Report(
        title=_("개인 성과 보고서"), subject=f"{person.name} ({person.employee_number})",
        period=period, records=list(records),
        progress_reports=list(selectors.progress_reports(period=period, person=person)),
        entries=list(entries.order_by("occurred_on", "id")))


def unit_members_during(unit: Unit, period: Period) -> list[Person]:
    """Who served in ``unit`` at any time in the period (org history), and — for people
    without recorded history — its members now."""
    spans = Appointment.objects.filter(unit=unit, primary=True)
    if period.until:
        spans = spans.filter(starts_on__lte=period.until)
    if period.since:
        spans = spans.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.since))
    ids = set(spans.values_list("person_id", flat=True))
    ids |= set(Person.objects.filter(unit=unit, appointments__isnull=True)
               .values_list("pk", flat=True))
    return list(Person.objects.filter(pk__in=ids).select_related("position")
                .order_by("position__rank", "name", "pk"))


def unit_report(*, unit: Unit, period: Period) -> Report:
    records = list(_in(_counted(ActivityRecord.objects.filter(unit=unit)
                                .select_related("person", "unit")), period))
    reports = list(selectors.progress_reports(period=period, unit=unit))
    by_person: dict[int, Counter] = {}
    for record in records:
        by_person.setdefault(record.person_id, Counter())[record.kind] += 1
    written = Counter(report.author_id for report in reports)
    members = [{"person": member,
                "counts": [by_person.get(member.pk, Counter()).get(value, 0)
                           for value in RecordKind.values],
                "total": sum(by_person.get(member.pk, Counter()).values()),
                "progress_reports": written.get(member.pk, 0)}
               for member in unit_members_during(unit, period)]
    return Report(title=_("부서 성과 보고서"), subject=unit.name, period=period,
                  records=records, progress_reports=reports, members=members)


def _context(report: Report, agency_name: str) -> dict:
    return {"report": report, "agency_name": agency_name, "kinds": RecordKind.choices,
            "printed_on": timezone.localdate()}


def report_html(report: Report, *, agency_name: str) -> str:
    return render_to_string("activity/report_print.html",
                            {**_context(report, agency_name), "for_pdf": True,
                             "fonts_url": fonts_dir().resolve().as_uri() + "/"})


def report_pdf_bytes(report: Report, *, agency_name: str) -> bytes:
    """The same page as a PDF; only the KRDS fonts may be fetched (user words are in it)."""
    return HTML(string=report_html(report, agency_name=agency_name),
                base_url=fonts_dir().resolve().as_uri() + "/",
                url_fetcher=FontsOnlyFetcher()).write_pdf()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def report_xlsx_response(report: Report):
    summary = [[str(label), count] for label, count in report.counts]
    summary.append([_("과제 진행보고 (보고 건수)"), len(report.progress_reports)])
    sheets = [(_("요약"), [_("구분"), _("건수")], summary)]
    if report.members:
        sheets.append((_("구성원별"), [_("성명"), *[str(label) for _v, label in
                                                   RecordKind.choices],
                                      _("합계"), _("진행보고")],
                       [[m["person"].name, *m["counts"], m["total"], m["progress_reports"]]
                        for m in report.members]))
    sheets.append((_("활동실적"), [_("실적일"), _("직원"), _("부서"), _("구분"), _("제목"),
                                   _("상태")],
                   [[_day(r.occurred_on), r.person.name, r.unit.name if r.unit else "",
                     r.get_kind_display(), r.title, r.get_status_display()]
                    for r in report.records]))
    sheets.append((_("과제 진행보고"), [_("보고일"), _("과제"), _("작성자"), _("진척률(%)"),
                                       _("추진 실적")],
                   [[_day(timezone.localdate(p.reported_at)), p.task.title, p.author.name,
                     p.percent, p.text[:2000]] for p in report.progress_reports]))
    if report.entries:
        sheets.append((_("성과관리카드"), [_("기준일"), _("구분"), _("제목"), _("내용"),
                                         _("작성자")],
                       [[_day(e.occurred_on), e.get_kind_display(), e.title, e.body,
                         e.author.name] for e in report.entries]))
    return xlsx_workbook_response(sheets=sheets, filename=f"{report.filename_stem}.xlsx")
