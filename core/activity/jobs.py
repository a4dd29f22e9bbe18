"""The backfill of activity records as a background job of the agency: it collects every
move not collected yet (the on-commit collector may have missed some — a crash, a failure,
moves recorded before this app existed). Idempotent: a second run adds nothing."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.activity.collect import BATCH, COLLECTED_TYPES, records_collect
from core.audit.models import ActivityEvent
from core.audit.services import COMMAND_ORIGIN, Origin
from core.jobs.models import Job
from core.jobs.runner import Progress, agency_task, job_start


def records_backfill_start(*, actor, origin: Origin = COMMAND_ORIGIN) -> Job:
    """Queue the backfill (``actor``: the sign-in account); while one runs, asking again
    joins it."""
    return job_start(job_task=records_backfill_job, title=_("활동실적 수집"),
                     key="activity.backfill", actor=actor, origin=origin,
                     params={"return_url": reverse("activity:records")})


@agency_task()
def records_backfill_job(job: Job, progress: Progress) -> dict:
    """Collect in batches, each committed on its own, so a long backfill shows progress and
    a retry resumes where the moves are not collected yet."""
    total = ActivityEvent.objects.filter(type__in=COLLECTED_TYPES).count()
    progress(0, total, step=_("활동실적을 수집하는 중"))
    added = seen = after = 0
    while True:
        count, last = records_collect(after_id=after, limit=BATCH)
        if not last:
            break
        added, after = added + count, last
        seen = ActivityEvent.objects.filter(type__in=COLLECTED_TYPES, id__lte=after).count()
        progress(seen, total)
    return {"summary": _("새로 수집한 활동실적 %(n)d건") % {"n": added}}
