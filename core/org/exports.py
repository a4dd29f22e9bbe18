"""XLSX export of the people list, as officials would open it in Excel."""

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

HEADER = ["직원번호", "성명", "부서", "직급", "직위", "역할", "이메일", "상태"]


def csv_download(text: str, filename: str) -> HttpResponse:
    """Send CSV text with a byte-order mark, so Excel opens the Korean correctly."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def people_xlsx_response(people) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("직원")
    sheet.append(HEADER)
    for person in people.iterator(chunk_size=500):
        sheet.append([
            person.employee_number, person.name, str(person.unit or ""),
            str(person.grade or ""), str(person.position or ""),
            ", ".join(role.name for role in person.roles.all()), person.email,
            person.get_status_display(),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.xlsx"'
    return response
