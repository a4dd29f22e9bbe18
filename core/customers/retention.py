"""The retention job (개인정보 보호법 제21조): once a customer's retention date has passed,
erase their personal data — delete a customer with no case, anonymise one whose cases stay
as the agency's records — and record what was done, with counts.

Run daily for every agency by ``harmony customers_retention`` (queued as a background job per
agency; ``--now`` runs it in the command). It is idempotent: a second run the same day finds
nothing left to do."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.customers.models import OPEN_STATUSES, Case, Customer, SurveyResponse
from core.jobs.models import Job
from core.jobs.runner import Progress, agency_task, job_start

ANONYMOUS = "익명"


def customers_retention_apply(
    *, today: date | None = None, origin: Origin = COMMAND_ORIGIN
) -> dict[str, int]:
    """Erase the personal data of customers whose retention date is before ``today``:
    delete those without a case, anonymise the others (name, contacts, affiliation, field,
    their survey comments; their cases' status links are revoked). A customer with a case
    still open is held until it closes. Return the counts, recorded as one event."""
    today = today or timezone.localdate()
    now = timezone.now()
    expired = Customer.objects.filter(retain_until__lt=today, anonymised_at__isnull=True)
    with_cases = Exists(Case.objects.filter(customer_id=OuterRef("pk")))
    open_cases = Exists(Case.objects.filter(customer_id=OuterRef("pk"),
                                            status__in=OPEN_STATUSES))
    with transaction.atomic():
        held = expired.filter(open_cases).count()
        _total, by_model = expired.filter(~with_cases).delete()
        deleted = by_model.get(Customer._meta.label, 0)
        erasable = expired.filter(with_cases).exclude(open_cases)
        ids = list(erasable.select_for_update().values_list("pk", flat=True))
        Case.objects.filter(customer_id__in=ids, token_hash__isnull=False).update(
            token_hash=None, token_revoked_at=now)
        SurveyResponse.objects.filter(case__customer_id__in=ids).exclude(comment="").update(
            comment="")
        anonymised = Customer.objects.filter(pk__in=ids).update(
            name=ANONYMOUS, email="", phone="", affiliation="", field="", anonymised_at=now)
        counts = {"anonymised": anonymised, "deleted": deleted, "held": held}
        event_record(EventType.CUSTOMERS_RETENTION_APPLIED, actor=None, payload=counts,
                     changes={**counts, "retain_until": f"< {today.isoformat()}"},
                     origin=origin)
    return counts


def customers_retention_start(*, today: date | None = None, actor=None) -> Job:
    """Queue today's retention job in the current agency (joins one already queued)."""
    today = today or timezone.localdate()
    return job_start(
        job_task=customers_retention_job,
        title=_("개인정보 보유기간 경과 처리 (%(date)s)") % {"date": today.isoformat()},
        key=f"customers.retention:{today.isoformat()}",
        actor=actor,
        params={"today": today.isoformat()},
    )


@agency_task(atomic=True)
def customers_retention_job(job: Job, progress: Progress) -> dict:
    """Apply the retention rule as of the job's day and say what was done."""
    progress(0, step=_("보유기간이 지난 개인정보를 찾는 중"))
    counts = customers_retention_apply(
        today=date.fromisoformat(job.params["today"]),
        origin=Origin(request_id=f"job:{job.pk}"),
    )
    return {
        **counts,
        "summary": _("익명 처리 %(anonymised)d명, 삭제 %(deleted)d명, 진행 중인 민원으로 보류 "
                     "%(held)d명") % counts,
    }
