"""Performance pages (성과관리): the unit head's dashboard of attainment now (it moves with
the live stream), a person's goals with their hand-entered values, the cycles, and giving
one goal to many people."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit.services import Origin
from core.org.selectors import can_manage_org
from core.performance import forms, selectors, services
from core.performance.models import CycleMember, Goal, Indicator, Level
from core.portal.access import current_person
from core.portal.params import digits_to_int


def _member(request):
    person = current_person(request)
    if person is None or not person.is_active:
        raise PermissionDenied
    return person


def _cycle(person, pk):
    cycle = selectors.cycle_for(person, pk) if pk is not None else selectors.current_cycle(
        person)
    if pk is not None and cycle is None:
        raise Http404
    return cycle


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def dashboard(request):
    """The unit's and each member's attainment now; the viewer's own for everyone else."""
    person = _member(request)
    cycles = list(selectors.cycles_visible_to(person)[:20])
    wanted_cycle = request.GET.get("cycle") or None
    cycle = (next((c for c in cycles if str(c.pk) == wanted_cycle), None)
             or _cycle(person, wanted_cycle)) if wanted_cycle else selectors.current_cycle(
        person, cycles)
    context = {"cycle": cycle, "cycles": cycles}
    if cycle is not None:
        units = list(selectors.units_headed(person, cycle))
        wanted = digits_to_int(request.GET.get("unit", ""))
        unit = next((u for u in units if u.unit_id == wanted), units[0] if units else None)
        board = selectors.unit_board(cycle, unit) if unit else None
        # A head is a member of their own unit: their row is their own attainment.
        mine = next((row.now for row in board.members if row.member.person_id == person.pk),
                    None) if board else None
        context.update(units=units, unit=unit, board=board,
                       mine=mine or selectors.person_now(cycle, person.pk),
                       manages=can_manage_org(person),
                       person_base=reverse("performance:person", args=[cycle.pk, 0])[:-2],
                       agency=selectors.agency_now(cycle) if can_manage_org(person) else None)
    return render(request, "performance/dashboard.html", context)


def person(request, pk: int, person_id: int):
    """One person's goals, indicators and attainment, with the entry of hand-measured values."""
    viewer = _member(request)
    cycle = _cycle(viewer, pk)
    if not selectors.may_see_person(viewer, cycle, person_id):
        raise Http404
    member = (CycleMember.objects.filter(cycle=cycle, person_id=person_id)
              .select_related("person", "unit", "rater", "confirmer").first())
    if member is None:
        raise Http404
    return render(request, "performance/person.html", {
        "cycle": cycle, "member": member, "now": selectors.person_now(cycle, person_id),
        "may_edit": cycle.is_open and selectors.may_edit_person_goals(viewer, cycle,
                                                                      person_id),
        "entry_form": forms.EntryForm()})


@require_POST
def entry(request, pk: int):
    viewer = _member(request)
    indicator = (Indicator.objects.select_related("goal__cycle")
                 .filter(pk=pk, goal__in=selectors.goals_visible_to(viewer)).first())
    if indicator is None:
        raise Http404
    form = forms.EntryForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_value_enter(indicator=indicator, actor=viewer,
                                           origin=Origin.from_request(request),
                                           **form.cleaned_data)
            messages.success(request, _("실적을 입력했습니다."))
        except ValidationError as error:
            _refused(request, error)
    else:
        messages.error(request, _("실적과 증빙을 모두 입력하세요."))
    goal = indicator.goal
    if goal.level == Level.PERSON:
        return redirect("performance:person", goal.cycle_id, goal.person_id)
    return redirect(f"{reverse('performance:dashboard')}?cycle={goal.cycle_id}")


@require_http_methods(["GET", "POST"])
def cycles(request):
    """The cycles; HR officers and agency admins open new ones."""
    person = _member(request)
    form = forms.CycleOpenForm(request.POST or None)
    if request.method == "POST":
        if not can_manage_org(person):
            raise PermissionDenied
        if form.is_valid():
            try:
                cycle = services.cycle_open(actor=person, origin=Origin.from_request(request),
                                            **form.cleaned_data)
                messages.success(request, _("%(name)s를 열었습니다.") % {"name": cycle.name})
                return redirect("performance:cycles")
            except ValidationError as error:
                _refused(request, error)
    return render(request, "performance/cycles.html", {
        "cycles": selectors.cycles_visible_to(person), "form": form,
        "manages": can_manage_org(person)})


@require_POST
def cycle_close(request, pk: int):
    person = _member(request)
    cycle = _cycle(person, pk)
    try:
        services.cycle_close(cycle=cycle, actor=person, origin=Origin.from_request(request))
        messages.success(request, _("%(name)s를 마감했습니다.") % {"name": cycle.name})
    except ValidationError as error:
        _refused(request, error)
    return redirect("performance:cycles")


def _assignable(viewer, cycle) -> list[tuple[int, str]]:
    units = selectors.units_headed(viewer, cycle).values("unit_id")
    members = (CycleMember.objects.filter(cycle=cycle, unit_id__in=units)
               .select_related("person", "unit").order_by("unit__name", "person__name"))
    return [(m.person_id, f"{m.person.name} · {m.unit.name if m.unit else ''}")
            for m in members]


@require_http_methods(["GET", "POST"])
def assign(request, pk: int):
    """Give one goal with one indicator to many people at once (일괄 부여)."""
    viewer = _member(request)
    cycle = _cycle(viewer, pk)
    people = _assignable(viewer, cycle)
    if not people:
        raise PermissionDenied
    parents = [(g.pk, f"{g.unit.name} · {g.title}") for g in Goal.objects.filter(
        cycle=cycle, level=Level.UNIT).select_related("unit")]
    definitions = [(d.code, d.name) for d in selectors.definitions_of(cycle).values()]
    form = forms.GoalAssignForm(request.POST or None, people=people, parents=parents,
                                definitions=definitions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        goal = services.GoalInput(title=data["title"], weight=data["weight"],
                                  parent_id=data["parent"], indicators=[services.IndicatorInput(
                                      name=data["indicator"], weight=100,
                                      target=data["target"], code=data["code"])])
        try:
            made = services.goal_assign(cycle=cycle, people=data["people"], goal=goal,
                                        actor=viewer, origin=Origin.from_request(request))
            messages.success(request, _("%(n)s명에게 목표를 부여했습니다.") % {"n": len(made)})
            return redirect(f"{reverse('performance:dashboard')}?cycle={cycle.pk}")
        except ValidationError as error:
            _refused(request, error)
    return render(request, "performance/assign.html", {"cycle": cycle, "form": form})


BLANK_ROWS = 2


def _goal_rows(post, existing: dict[int, Goal]) -> list[services.GoalInput]:
    """The goals typed in the editor's rows; a row without a title is left out. A kept goal
    keeps its indicators; a new one gets the row's indicator (weight 100)."""
    goals = []
    rows = min(digits_to_int(post.get("rows", "")) or 0, services.MAX_GOALS + BLANK_ROWS)
    for index in range(rows):
        def field(name: str, i: int = index) -> str:
            return post.get(f"{name}-{i}", "").strip()

        if not field("title"):
            continue
        weight = int(field("weight")) if field("weight").isdigit() else field("weight")
        kept = existing.get(digits_to_int(field("goal")) or 0)
        indicators = [services.IndicatorInput(
            name=i.name, weight=i.weight, target=i.target, code=i.code, direction=i.direction,
            unit_label=i.unit_label, id=i.pk) for i in kept.indicators.all()] if kept else (
            [services.IndicatorInput(name=field("indicator"), weight=100,
                                     target=field("target"), code=field("code"))]
            if field("target") else [])
        goals.append(services.GoalInput(title=field("title"), weight=weight,
                                        parent_id=digits_to_int(field("parent")),
                                        indicators=indicators, id=kept.pk if kept else None))
    return goals


@require_http_methods(["GET", "POST"])
def goals_edit(request, pk: int, level: str, owner_id: int):
    """Set the goals of the agency (HR), a unit (its head) or a person at once: their
    weights must add up to 100, or nothing is saved."""
    viewer = _member(request)
    cycle = _cycle(viewer, pk)
    if level not in Level.values:
        raise Http404
    owner = {Level.AGENCY: {}, Level.UNIT: {"unit_id": owner_id},
             Level.PERSON: {"person_id": owner_id}}[level]
    existing = {g.pk: g for g in Goal.objects.filter(cycle=cycle, level=level, **owner)
                .prefetch_related("indicators")}
    if request.method == "POST":
        try:
            services.goals_set(cycle=cycle, level=level, owner_id=owner_id or None,
                               goals=_goal_rows(request.POST, existing), actor=viewer,
                               origin=Origin.from_request(request))
            messages.success(request, _("성과목표를 저장했습니다."))
            return redirect(f"{reverse('performance:dashboard')}?cycle={cycle.pk}")
        except ValidationError as error:
            _refused(request, error)
    parent_level = {Level.UNIT: Level.AGENCY, Level.PERSON: Level.UNIT}.get(level)
    parents = Goal.objects.filter(cycle=cycle, level=parent_level) if parent_level else []
    if level == Level.PERSON:
        unit_id = (CycleMember.objects.filter(cycle=cycle, person_id=owner_id)
                   .values_list("unit_id", flat=True).first())
        parents = parents.filter(unit_id=unit_id)
    return render(request, "performance/goals.html", {
        "cycle": cycle, "level": Level(level), "goals": list(existing.values()),
        "blank": range(len(existing), len(existing) + BLANK_ROWS),
        "rows": len(existing) + BLANK_ROWS, "parents": list(parents),
        "definitions": list(selectors.definitions_of(cycle).values())})
