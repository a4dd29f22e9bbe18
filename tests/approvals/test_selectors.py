"""Who may read which document: the id set the timeline tests against says exactly what the
document pages say."""

from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import StepRole
from core.approvals.selectors import visible_document_ids, visible_documents
from core.org.models import RoleCode
from tests.factories import PersonFactory


def _line(*entries):
    return [services.LineEntry(person=person, role=role) for person, role in entries]


def test_the_readable_ids_are_the_documents_each_person_may_read(alpha_people):
    people = alpha_people
    today = timezone.localdate()
    with schema_context("alpha"):
        officer = PersonFactory(name="기록관", unit=people.other.unit,
                                roles=[RoleCode.STAFF, RoleCode.RECORDS_OFFICER])
        bystander = PersonFactory(name="무관한", unit=people.staff.unit)
        # Completed, sent to the other unit and circulated to the admin.
        done = services.document_draft(drafter=people.staff, title="완료", body="<p>본문</p>",
                                       recipient_units=[people.other.unit])
        services.document_submit(document=done, actor=people.staff, line=_line(
            (people.hr, StepRole.REVIEWER), (people.head, StepRole.APPROVER)))
        services.step_approve(document=done, actor=people.hr)
        done = services.step_approve(document=done, actor=people.head)
        services.document_circulate(document=done, people=[people.admin], actor=people.head)
        # Waiting with the head, who is away today: the admin signs for them (대결).
        services.absence_register(person=people.head, acting=people.admin, kind="leave",
                                  starts_on=today, ends_on=today, actor=people.head)
        waiting = services.document_draft(drafter=people.staff, title="대기", body="<p>본문</p>")
        services.document_submit(document=waiting, actor=people.staff,
                                 line=_line((people.head, StepRole.APPROVER)))
        services.document_draft(drafter=people.other, title="초안", body="<p>본문</p>")

        for person in (people.staff, people.head, people.hr, people.admin, people.other,
                       officer, bystander):
            expected = {str(pk) for pk in visible_documents(person=person)
                        .values_list("pk", flat=True)}
            found = set(visible_document_ids(person=person).values_list("text_id", flat=True))
            assert found == expected, person.name
            # Every source above is exercised: all read something, the bystander nothing.
            assert bool(found) == (person != bystander), person.name
        admin_reads = set(visible_document_ids(person=people.admin)
                          .values_list("text_id", flat=True))
        assert admin_reads == {str(done.pk), str(waiting.pk)}  # circulated; acting for head
