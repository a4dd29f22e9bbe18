"""The console's onboarding wave as one background job: hundreds of agencies, each created
in its own transaction with visible progress. A retry skips the agencies already made, so
none is made twice."""

import json
from hashlib import sha256

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit.services import COMMAND_ORIGIN, Origin
from core.jobs.models import Job
from core.jobs.runner import JobFailed, Progress, console_task, job_start
from core.korean import with_particle
from tenants.backups import Backup, agency_export, agency_restore
from tenants.forms import schema_name_for
from tenants.models import Agency
from tenants.selectors import agency_backup
from tenants.services import Onboarding, agency_onboard


def agency_wave_start(*, rows: list[dict], actor, origin: Origin = COMMAND_ORIGIN) -> Job:
    """Queue the onboarding of a validated wave (rows as AgencyOnboardingForm cleans them)."""
    digest = sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return job_start(
        job_task=agency_wave_job, actor=actor, origin=origin, key=f"agency.wave:{digest}",
        title=_("기관 일괄 등록: %(n)d개 기관") % {"n": len(rows)}, total=len(rows),
        params={"rows": rows, "return_url": reverse("console:wave")})


@console_task()
def agency_wave_job(job: Job, progress: Progress) -> dict:
    """Onboard each agency of the wave in turn; an agency already made by an earlier attempt
    of this job is left as it is."""
    rows = job.params["rows"]
    origin = _origin(job)
    made = []
    for done, row in enumerate(rows, start=1):
        agency = _onboard_once(Onboarding(**row), actor=job.started_by, origin=origin,
                               made=made)
        made.append(f"{agency.name_ko} ({agency.code})")
        progress(done, len(rows), step=agency.name_ko)
    return {"summary": ngettext("%(n)d개 기관을 등록했습니다.", "%(n)d개 기관을 등록했습니다.",
                                len(made)) % {"n": len(made)}, "items": made}


def _onboard_once(onboarding: Onboarding, *, actor, origin: Origin, made: list[str]) -> Agency:
    existing = Agency.objects.filter(code=onboarding.code,
                                     schema_name=schema_name_for(onboarding.subdomain)).first()
    if existing is not None:
        return existing
    try:
        return agency_onboard(onboarding=onboarding, actor=actor, origin=origin)
    except ValidationError as error:  # e.g. the code was taken after the file was checked
        raise JobFailed(
            _("%(name)s 등록하지 못해 여기서 멈췄습니다: %(reason)s") % {
                "name": with_particle(onboarding.name_ko, "을"),
                "reason": " ".join(error.messages)},
            result={"summary": _("앞의 %(n)d개 기관은 등록되었습니다.") % {"n": len(made)},
                    "items": made}) from error


def agency_export_start(*, agency: Agency, actor, origin: Origin = COMMAND_ORIGIN) -> Job:
    """Queue a backup of the agency (one at a time per agency: a second click joins it)."""
    return job_start(
        job_task=agency_export_job, actor=actor, origin=origin,
        key=f"agency.backup:{agency.pk}", title=_("%(name)s 백업") % {"name": agency.name_ko},
        params={"agency_id": agency.pk,
                "return_url": reverse("console:agency", kwargs={"pk": agency.pk})})


@console_task()
def agency_export_job(job: Job, progress: Progress) -> dict:
    agency = Agency.objects.get(pk=job.params["agency_id"])
    try:
        backup = agency_export(agency=agency, actor=job.started_by, origin=_origin(job),
                               progress=progress)
    except ValidationError as error:
        raise JobFailed(" ".join(error.messages)) from error
    return {"summary": _("백업을 만들었습니다: %(name)s") % {"name": backup.name},
            "items": [_("표 %(tables)d개, 행 %(rows)d개, 파일 %(files)d개") % {
                "tables": len(backup.manifest["tables"]), "rows": backup.rows,
                "files": backup.media_files}]}


def agency_restore_start(*, agency: Agency, backup: Backup, actor,
                         origin: Origin = COMMAND_ORIGIN) -> Job:
    """Queue the restore of one of the agency's backups over it (it must be suspended, which
    the restore checks again when it runs). Shares the backup's key: never both at once."""
    return job_start(
        job_task=agency_restore_job, actor=actor, origin=origin,
        key=f"agency.backup:{agency.pk}",
        title=_("%(name)s 복원: %(backup)s") % {"name": agency.name_ko, "backup": backup.name},
        params={"agency_id": agency.pk, "backup": backup.name,
                "return_url": reverse("console:agency", kwargs={"pk": agency.pk})})


@console_task()
def agency_restore_job(job: Job, progress: Progress) -> dict:
    agency = Agency.objects.get(pk=job.params["agency_id"])
    name = job.params["backup"]
    backup = agency_backup(agency, name)
    if backup is None:
        raise JobFailed(_("백업 파일을 찾을 수 없습니다: %(name)s") % {"name": name})
    try:
        agency_restore(source=backup.path, actor=job.started_by, origin=_origin(job),
                       over=agency, progress=progress)
    except ValidationError as error:
        raise JobFailed(" ".join(error.messages)) from error
    return {"summary": _("%(name)s 백업 %(backup)s 복원했습니다. 확인한 뒤 이용을 "
                         "재개하세요.") % {"name": with_particle(agency.name_ko, "을"),
                                          "backup": with_particle(backup.name, "(으)로")}}


def _origin(job: Job) -> Origin:
    return Origin(ip_address=job.origin_ip, request_id=job.origin_request_id)
