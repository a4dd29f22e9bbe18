"""The transparency pages: an object's timeline, a unit's flow, a person's record."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.org.models import Person, Unit
from core.org.selectors import is_agency_admin
from core.portal import timeline
from core.portal.access import current_person
from core.portal.params import digits_to_int


def object_timeline(request, key: str, pk: int):
    found = timeline.object_timeline(viewer=current_person(request), key=key, pk=pk,
                                     now=timezone.now())
    if found is None:
        raise Http404
    return render(request, "portal/timeline.html", {"timeline": found})


def unit_flow(request):
    viewer = current_person(request)
    unit = _unit(request, viewer)
    if unit is None or not timeline.can_see_unit_flow(viewer, unit):
        raise Http404
    units = (Unit.objects.filter(is_active=True).order_by("sort_order", "name")
             if is_agency_admin(viewer) else [])
    return render(request, "portal/unit_flow.html", {
        "unit": unit, "units": units,
        "rows": timeline.unit_flow(unit=unit, now=timezone.now())})


def _unit(request, viewer: Person | None) -> Unit | None:
    if (unit_id := digits_to_int(request.GET.get("unit", ""), max_digits=11)) is not None:
        return Unit.objects.filter(pk=unit_id).first()
    return viewer.unit if viewer else None


def work_record(request, pk: int | None = None):
    viewer = current_person(request)
    person = viewer if pk is None else Person.objects.select_related("unit").filter(
        pk=pk).first()
    if person is None or not timeline.may_see_record(viewer=viewer, person=person,
                                                      on=timezone.localdate()):
        raise Http404
    page = Paginator(timeline.work_record(viewer=viewer, person=person), 50).get_page(
        request.GET.get("page"))
    return render(request, "portal/work_record.html", {
        "person": person, "page": page, "rows": timeline.record_rows(page.object_list),
        "querystring": request.GET.copy()})
