"""The portal home page: what waits for the person today (한눈에), their agency, unit and
colleagues."""

from django.shortcuts import render

from core.org.selectors import unit_colleagues
from core.portal.access import current_person, current_queue_count, current_signers
from core.portal.selectors import at_a_glance


def home(request):
    person = current_person(request)
    return render(request, "portal/home.html", {
        "person": person, "colleagues": unit_colleagues(person) if person else [],
        "glance": at_a_glance(person=person, signers=current_signers(request),
                              turn_count=current_queue_count(request))
        if person and person.is_active else None})
