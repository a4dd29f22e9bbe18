"""The portal home page: what waits for the person today (한눈에), their agency, unit and
colleagues."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit.services import Origin
from core.org.selectors import is_agency_admin, unit_colleagues
from core.org.services import setup_checklist_dismiss
from core.portal.access import (
    current_person,
    current_queue_count,
    current_signers,
    person_cached,
)
from core.portal.selectors import at_a_glance
from core.portal.setup import setup_checklist


def home(request):
    """Also what the live stream re-reads for the menu's count after every change: what it
    shows is kept per person until the agency's data next changes (see ``person_cached``)."""
    person = current_person(request)
    colleagues, glance = [], None
    if person:
        # Read only if the page's kept fragment has to be rendered afresh.
        colleagues = SimpleLazyObject(lambda: person_cached(
            request, "colleagues", lambda: list(unit_colleagues(person))))
        if person.is_active:
            glance = SimpleLazyObject(lambda: person_cached(request, "glance", lambda: at_a_glance(
                person=person, signers=current_signers(request),
                turn_count=current_queue_count(request))))
    return render(request, "portal/home.html", {
        "person": person, "colleagues": colleagues, "glance": glance,
        "setup": setup_checklist(person)})


@require_POST
def setup_dismiss(request):
    """Close the first-steps checklist on 한눈에 (agency admins)."""
    if not is_agency_admin(current_person(request)):
        raise PermissionDenied
    setup_checklist_dismiss(actor=request.user, origin=Origin.from_request(request))
    messages.success(request, _("처음 설정 안내를 닫았습니다. 설정은 언제든 각 메뉴에서 "
                                "할 수 있습니다."))
    return redirect("portal:home")
