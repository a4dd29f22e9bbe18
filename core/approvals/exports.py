"""The document list as XLSX (문서 등록대장 as officials keep it in Excel)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

HEADER = ["문서번호", "제목", "문서 유형", "기안자", "처리과", "상태", "공개 구분", "상신일시",
          "결재일시"]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def documents_xlsx_response(documents, *, box: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("문서")
    sheet.append(HEADER)
    for document in documents.iterator(chunk_size=1000):
        sheet.append([
            document.number, document.title, document.document_type, document.drafter.name,
            document.handling_unit.name, document.get_status_display(),
            document.get_disclosure_display(), _local(document.submitted_at),
            _local(document.approved_at),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="documents-{box}-{stamp}.xlsx"'
    return response
