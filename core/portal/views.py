"""The portal home page: what waits for the person today (한눈에), their agency, unit and
colleagues."""

from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from core.org.selectors import unit_colleagues
from core.portal.access import (
    current_person,
    current_queue_count,
    current_signers,
    person_cached,
)
from core.portal.selectors import at_a_glance


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
        "person": person, "colleagues": colleagues, "glance": glance})
