"""The agency lifecycle: onboarding from the standard model, suspension, activity."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from tenants.middleware import forget_hosts
from tenants.models import Agency, AgencyKind, AgencyStatus, Domain
from tenants.provisioning import create_agency_schema, serialise_agency_creation
from tenants.standard_models import load_standard_model

ACTIVITY_RESOLUTION = timedelta(minutes=5)


def agency_host(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"


def agency_base_url(agency: Agency) -> str:
    domain = agency.get_primary_domain()
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{domain.domain}{port}"


@dataclass(frozen=True)
class Onboarding:
    """What central staff enter to onboard one agency (validated by AgencyOnboardingForm)."""

    name_ko: str
    name_en: str
    code: str
    subdomain: str
    kind: str
    standard_model_version: str
    admin_email: str


def agency_onboard(*, onboarding: Onboarding, actor, origin: Origin = COMMAND_ORIGIN,
                   fast: bool = True, invite: bool = True) -> Agency:
    """Create the agency, its schema (cloned from the template, or migrated when ``fast`` is
    off), its domain, the standard model and its first admin, all or nothing; then e-mail the
    admin a link to set a password (unless ``invite`` is off, as for demo agencies)."""
    with transaction.atomic():
        agency = _agency_create(onboarding, fast=fast)
        with schema_context(agency.schema_name):
            invitation = _agency_seed(agency, onboarding, actor=actor, origin=origin)
        event_record(EventType.AGENCY_ONBOARDED, actor=actor, subject=agency, origin=origin,
                     changes={"code": agency.code, "subdomain": onboarding.subdomain,
                              "standard_model_version": agency.standard_model_version})
        if invite:
            # robust: a mail server failure is logged, and must not turn a committed
            # onboarding into an error page.
            transaction.on_commit(lambda: _send_invitation(agency, *invitation), robust=True)
        transaction.on_commit(lambda: forget_hosts([agency_host(onboarding.subdomain)]))
    return agency


def _agency_create(onboarding: Onboarding, *, fast: bool) -> Agency:
    serialise_agency_creation()
    agency = Agency(
        schema_name=onboarding.subdomain.replace("-", "_"),
        name_ko=onboarding.name_ko,
        name_en=onboarding.name_en,
        code=onboarding.code,
        kind=onboarding.kind,
        standard_model_version=onboarding.standard_model_version,
    )
    agency.auto_create_schema = False
    agency.full_clean(exclude=["schema_name"])
    agency.save()
    create_agency_schema(agency, fast=fast)
    Domain.objects.create(domain=agency_host(onboarding.subdomain), tenant=agency,
                          is_primary=True)
    return agency


def _agency_seed(agency: Agency, onboarding: Onboarding, *, actor, origin: Origin):
    """Inside the new schema: the standard model, then the first admin and their invitation."""
    from core.accounts.invitations import password_setup_path
    from core.org.models import RoleCode
    from core.org.services import person_create, standard_model_apply

    standard_model_apply(model=load_standard_model(onboarding.standard_model_version),
                         effective_from=timezone.localdate(), agency_name=agency.name_ko,
                         agency_kind=agency.kind)
    # The platform grants the first admin (actor None: central staff hold no person in the
    # agency to grant with); the agency.onboarded event below names who onboarded it.
    admin = person_create(
        actor=None, origin=origin, employee_number="ADMIN-001", name="기관 관리자",
        email=onboarding.admin_email, roles=[RoleCode.AGENCY_ADMIN, RoleCode.STAFF],
    )
    event_record(EventType.AGENCY_ONBOARDED, actor=actor, subject_label=agency.name_ko,
                 origin=origin, changes={"standard_model_version": agency.standard_model_version})
    return admin.email, password_setup_path(admin.user)


def _send_invitation(agency: Agency, email: str, path: str) -> None:
    # The mail ends on the sign-in button: setting the password is step 1, signing in step 2.
    base = agency_base_url(agency)
    context = {"agency": agency, "email": email, "url": base + path,
               "login_url": base + reverse("account_login", urlconf="harmony.urls_tenant")}
    send_mail(
        subject=render_to_string("tenants/email/invitation_subject.txt", context).strip(),
        message=render_to_string("tenants/email/invitation.txt", context),
        html_message=render_to_string("tenants/email/invitation.html", context),
        from_email=None,
        recipient_list=[email],
    )


def agency_set_status(*, agency: Agency, status: str, actor,
                      origin: Origin = COMMAND_ORIGIN) -> Agency:
    """Suspend or resume an agency; suspension also ends every session in its schema."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if agency.kind == AgencyKind.PLATFORM or agency.status == status:
            return agency
        old = agency.status
        agency.status = status
        agency.save(update_fields=["status"])
        if status == AgencyStatus.SUSPENDED:
            with schema_context(agency.schema_name):
                Session.objects.all().delete()
        event_type = (EventType.AGENCY_SUSPENDED if status == AgencyStatus.SUSPENDED
                      else EventType.AGENCY_ACTIVATED)
        event_record(event_type, actor=actor, subject=agency, origin=origin,
                     changes={"status": [old, status]})
        hosts = list(agency.domains.values_list("domain", flat=True))
        transaction.on_commit(lambda: forget_hosts(hosts))
    return agency


def agency_touch() -> None:
    """Note activity for the current agency, at most once per few minutes."""
    if connection.schema_name == get_public_schema_name():
        return
    now = timezone.now()
    Agency.objects.filter(schema_name=connection.schema_name).exclude(
        last_activity_at__gt=now - ACTIVITY_RESOLUTION
    ).update(last_activity_at=now)


def agency_refresh_people_count(*, schema_name: str) -> None:
    """Store an agency's head-count for the central console's list."""
    from core.org.models import Person, PersonStatus

    with schema_context(schema_name):
        count = Person.objects.filter(status=PersonStatus.ACTIVE).count()
    Agency.objects.filter(schema_name=schema_name).update(people_count=count)
