"""Read jobs: a person sees only the jobs they started, in the schema they are signed in to."""

from django.db.models import QuerySet

from core.jobs.models import Job


def jobs_of(user) -> QuerySet[Job]:
    """Return the jobs ``user`` started here, newest first (never another person's)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(started_by=user).defer("upload")


def job_for(user, pk) -> Job | None:
    return jobs_of(user).filter(pk=pk).first()
