"""The approval document as the official 기안문 form (행정업무의 운영 및 혁신에 관한 규정
시행규칙 별지 제1호서식), rendered to PDF with WeasyPrint and the KRDS government typeface."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from core.approvals import selectors, services
from core.approvals.models import ApprovalStep, Document, StepRole, StepStatus
from core.audit.services import Origin
from core.org import selectors as org_selectors
from core.portal.access import current_person, current_signers, person_passes

staff_only = person_passes(lambda person: person is not None and person.is_active)


def fonts_dir() -> Path:
    """The Pretendard GOV woff/woff2 files shipped in the KRDS package."""
    return settings.FRONTEND_DIR / "node_modules" / "krds-uiux" / "resources" / "fonts"


class FontsOnlyFetcher(URLFetcher):
    """Fetch the KRDS fonts and nothing else. The body is user HTML: an ``<img>`` pointing at
    a server file or an internal URL must not be read into the PDF (nor fetched at all)."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or not Path(unquote(parts.path)).resolve().is_relative_to(
                fonts_dir().resolve()):
            raise ValueError(f"refused: {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class SignBox:
    """One box of the signature table: who stands there, who signed, with which mark."""

    role: str
    position: str
    name: str
    mark: str = ""
    absent_name: str = ""
    signed_on: datetime | None = None
    status: str = ""
    acknowledged_on: datetime | None = None  # 후결: the absent signer saw it afterwards


def _box(step: ApprovalStep) -> SignBox:
    signed = step.status == "approved"
    role = step.get_role_display()
    status = "" if signed or step.status == "waiting" else step.get_status_display()
    if step.status == StepStatus.SKIPPED:  # the reason shows in the skipped box
        status = f"{status}: {step.opinion}"
    return SignBox(
        role=f"{role} ({_('의견 있음')})" if step.has_opinion else role,
        position=str(step.person.position or ""),
        name=step.acted_by.name if signed and step.acted_by_id else step.person.name,
        mark=step.get_sign_mark_display() if signed and step.sign_mark else "",
        absent_name=step.person.name if signed and step.acted_by_id else "",
        signed_on=step.acted_at if signed else None, status=status,
        acknowledged_on=step.acknowledged_at)


def boxes_in_order(document: Document) -> list[SignBox]:
    """Every box as the line runs: 기안자, then each step (the page's signature table)."""
    drafter = document.drafter
    return [SignBox(role=_("기안자"), position=str(drafter.position or ""), name=drafter.name,
                    signed_on=document.submitted_at),
            *(_box(step) for step in document.steps.all())]


def signature_boxes(document: Document) -> tuple[list[SignBox], list[SignBox]]:
    """Return the line (기안자, 검토자…, 결재권자) and the co-operators (협조자), in order:
    the same boxes the page shows, split as the 기안문 form prints them."""
    boxes, steps = boxes_in_order(document), list(document.steps.all())
    cooperators = [box for box, step in zip(boxes[1:], steps, strict=True)
                   if step.role == StepRole.COOPERATOR]
    line = [boxes[0], *(box for box, step in zip(boxes[1:], steps, strict=True)
                        if step.role != StepRole.COOPERATOR)]
    return line, cooperators


def document_pdf_bytes(*, document: Document, agency_name: str,
                       sending_authority: str = "", contact: dict | None = None) -> bytes:
    """Render ``document`` (fetched with ``selectors.document_for``) as a 기안문 PDF, sent
    under ``sending_authority`` (발신명의)."""
    line, cooperators = signature_boxes(document)
    html = render_to_string("approvals/document_pdf.html", {
        "document": document, "agency_name": agency_name, "line": line,
        "sending_authority": sending_authority or f"{agency_name}장",
        "contact": contact or {},
        "cooperators": cooperators, "received": [r for r in document.recipients.all()
                                                 if r.receipt_serial],
        "policy_entries": selectors.policy_record(document),
        "effect": selectors.notice_effect(document),
        "fonts_url": fonts_dir().resolve().as_uri() + "/"})
    return HTML(string=html, base_url=fonts_dir().resolve().as_uri() + "/",
                url_fetcher=FontsOnlyFetcher()).write_pdf()


def pdf_filename(document: Document) -> str:
    return f"{document.number or 'draft'}-{document.pk}.pdf"


@staff_only
@require_GET
def document_pdf(request, pk: int):
    """The document as a PDF, for whoever may read it on screen (same rule, else 404)."""
    person = current_person(request)
    found = selectors.document_for(person=person, pk=pk)
    if found is None:
        raise Http404
    services.circulation_mark_read(document=found, person=person)  # a download is a reading
    origin = Origin.from_request(request)
    services.document_read_record(document=found, reader=person,
                                  signers=current_signers(request), origin=origin)
    pdf = document_pdf_bytes(document=found, agency_name=request.tenant.name_ko,
                             **org_selectors.letterhead(request.tenant, found.handling_unit))
    services.document_download_record(document=found, actor=person,
                                      file=pdf_filename(found), origin=origin)
    return HttpResponse(pdf, content_type="application/pdf", headers={
        "Content-Disposition": content_disposition_header(True, pdf_filename(found))})
