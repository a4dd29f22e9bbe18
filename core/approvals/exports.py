"""The document list as XLSX (문서 등록대장 as officials keep it in Excel)."""

from django.http import HttpResponse
from django.utils import timezone

from core.spreadsheets import xlsx_response

HEADER = ["문서번호", "제목", "문서 유형", "기안자", "처리과", "상태", "공개 구분", "상신일시",
          "결재일시"]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def documents_xlsx_response(documents, *, box: str) -> HttpResponse:
    rows = ([document.number, document.title, document.document_type, document.drafter.name,
             document.handling_unit.name,
             "접수 대기" if getattr(document, "awaiting_receipt", False)
             else document.get_status_display(),
             document.get_disclosure_display(), _local(document.submitted_at),
             _local(document.approved_at)]
            for document in documents.iterator(chunk_size=1000))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(sheet_title="문서", header=HEADER, rows=rows,
                         filename=f"documents-{box}-{stamp}.xlsx")
