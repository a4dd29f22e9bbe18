"""People and unit imports as background jobs: the request validates the file, a worker
writes it. 20,000 rows neither time out a request nor refresh the head-count 20,000 times."""

from dataclasses import asdict
from hashlib import sha256

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit.services import COMMAND_ORIGIN, Origin
from core.jobs.models import Job
from core.jobs.runner import JobFailed, Progress, agency_task, job_start
from core.org import imports
from core.org.services import people_count_deferred

IMPORTERS = {"people": imports.people_import, "units": imports.units_import,
             "appointments": imports.appointments_import}
TITLES = {"people": gettext_lazy("직원 일괄 등록: %(name)s"),
          "units": gettext_lazy("부서 일괄 등록: %(name)s"),
          "appointments": gettext_lazy("발령 이력 일괄 등록: %(name)s")}


def org_import_start(*, kind: str, name: str, content: bytes, actor,
                     origin: Origin = COMMAND_ORIGIN) -> Job:
    """Queue the writing of an already validated import file. The same person uploading the
    same file again while it is being written joins the running job."""
    title = str(TITLES[kind]) % {"name": name}
    actor_id = getattr(actor, "pk", None)
    return job_start(
        job_task=org_import_job, title=title, actor=actor, origin=origin,
        key=f"org.import:{kind}:{actor_id}:{sha256(content).hexdigest()}",
        params={"kind": kind, "name": name, "return_url": reverse("org:import")},
        upload=content)


@agency_task(atomic=True)
def org_import_job(job: Job, progress: Progress) -> dict:
    """Write an import file in one transaction (all rows or none) and refresh the agency's
    head-count once at the end."""
    progress(0, step=_("파일을 다시 검사하는 중"))
    importer = IMPORTERS[job.params["kind"]]
    origin = Origin(ip_address=job.origin_ip, request_id=job.origin_request_id)
    with people_count_deferred():
        try:
            result = importer(name=job.params["name"], content=bytes(job.upload),
                              actor=job.started_by, origin=origin, progress=progress)
        except imports.ImportFileError as error:
            raise JobFailed(str(error)) from error
        if not result.ok:  # the agency's data changed since the file was checked
            raise JobFailed(_("오류가 있어 아무것도 저장하지 않았습니다"),
                            result={"row_errors": [asdict(e) for e in result.errors]})
    return {"summary": _("새로 등록 %(c)d건, 갱신 %(u)d건, 변경 없음 %(s)d건") % {
        "c": result.created, "u": result.updated, "s": result.unchanged}}
