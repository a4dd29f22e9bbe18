"""XLSX export of the people list, as officials would open it in Excel."""

from django.http import HttpResponse
from django.utils import timezone

from core.spreadsheets import xlsx_response

HEADER = ["직원번호", "성명", "부서", "직급", "직위", "역할", "이메일", "상태"]


def csv_download(text: str, filename: str) -> HttpResponse:
    """Send CSV text with a byte-order mark, so Excel opens the Korean correctly."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def people_xlsx_response(people) -> HttpResponse:
    rows = ([person.employee_number, person.name, str(person.unit or ""),
             str(person.grade or ""), str(person.position or ""),
             ", ".join(role.name for role in person.roles.all()), person.email,
             person.get_status_display()]
            for person in people.iterator(chunk_size=500))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(sheet_title="직원", header=HEADER, rows=rows,
                         filename=f"people-{stamp}.xlsx")


APPOINTMENT_HEADER = ["직원번호", "성명", "발령구분", "시작일", "종료일", "부서코드", "부서",
                      "직급", "직위", "사유"]


def appointments_xlsx_response(appointments) -> HttpResponse:
    """The appointment history, one row per appointment, in the import's own columns (an
    exported sheet imports back unchanged); dates are written as text, as typed."""
    rows = ([a.person.employee_number, a.person.name, str(a.get_kind_display()),
             a.starts_on.isoformat(), a.ends_on.isoformat() if a.ends_on else "",
             a.unit.code if a.unit else "", a.unit.name if a.unit else "",
             str(a.grade or ""), str(a.position or ""), a.reason]
            for a in appointments.iterator(chunk_size=1000))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(sheet_title="발령 이력", header=APPOINTMENT_HEADER, rows=rows,
                         filename=f"appointments-{stamp}.xlsx")
