"""The page and the PDF draw the signature table from the same boxes (pdf.boxes_in_order):
a co-operator's "(의견 있음)", a 대결 mark and the absent approver's 후결 show on both."""

import io

from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from core.approvals import services
from core.approvals.models import StepRole
from tests.conftest import agency_client


def test_opinion_proxy_and_after_the_fact_show_on_the_page_and_the_pdf(alpha_people):
    people = alpha_people
    today = timezone.localdate()
    with schema_context("alpha"):
        services.absence_register(person=people.admin, acting=people.head, kind="trip",
                                  starts_on=today, ends_on=today, actor=people.admin)
        document = services.document_draft(drafter=people.staff, title="협조 문서", body="본문")
        services.document_submit(document=document, actor=people.staff, line=[
            services.LineEntry(person=people.hr, role=StepRole.COOPERATOR),
            services.LineEntry(person=people.admin, role=StepRole.APPROVER)])
        services.step_approve(document=document, actor=people.hr, opinion="예산 확인 필요")
        services.step_approve(document=document, actor=people.head)
        services.step_acknowledge(document=document, actor=people.admin)
    staff = agency_client("alpha", people.staff.user)
    page = staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = staff.get(f"/approvals/{document.pk}/pdf/").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for shown in (page, text):
        for expected in ("협조 (의견 있음)", "대결", "이앨리스 부재", "후결", "김현"):
            assert expected in shown, expected
