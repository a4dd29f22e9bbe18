"""The page of one job: status and progress, polled by htmx every two seconds while it runs."""

from django.http import Http404
from django.shortcuts import render

from core.jobs.selectors import job_for


def job_detail(request, pk):
    job = job_for(request.user, pk)
    if job is None:  # another person's job, or another agency's: as if it did not exist
        raise Http404
    template = "jobs/_job_status.html" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": job})
