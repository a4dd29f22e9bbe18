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
from tenants.forms import schema_name_for
from tenants.models import Agency
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
    origin = Origin(ip_address=job.origin_ip, request_id=job.origin_request_id)
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
            _("%(name)s을(를) 등록하지 못해 여기서 멈췄습니다: %(reason)s") % {
                "name": onboarding.name_ko, "reason": " ".join(error.messages)},
            result={"summary": _("앞의 %(n)d개 기관은 등록되었습니다.") % {"n": len(made)},
                    "items": made}) from error
