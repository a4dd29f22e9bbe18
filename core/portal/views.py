"""The portal home page: the signed-in person's agency, unit, role and colleagues."""

from django.shortcuts import render

from core.org.selectors import unit_colleagues
from core.portal.access import current_person


def home(request):
    person = current_person(request)
    colleagues = unit_colleagues(person) if person else []
    return render(request, "portal/home.html", {"person": person, "colleagues": colleagues})
