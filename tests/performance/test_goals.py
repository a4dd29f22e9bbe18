"""Cycles, goals and indicators, and attainment that moves as the work is recorded."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import AuditEvent
from core.audit.services import event_record
from core.org.models import Grade
from core.performance import selectors, services
from core.performance.models import Cycle, CycleMember, Goal, Indicator, Level, Tally
from core.performance.services import GoalInput, IndicatorInput
from tests.factories import PersonFactory
from tests.performance.conftest import base_date_now, hire


def _goal(title="민원 신속 처리", weight=100, code="cases_closed", target="4", **kw):
    return GoalInput(title=title, weight=weight, indicators=[
        IndicatorInput(name="" if code else "이수 실적", weight=100, target=target, code=code)],
        **kw)


def _completed(document_drafter, actor):
    """A document of ``document_drafter`` reaching its final sign-off (결재 완료)."""
    return event_record(EventType.DOCUMENT_COMPLETED, actor=actor, person_id=document_drafter.pk,
                        unit_id=document_drafter.unit_id,
                        payload={"title": "보고", "status": "completed", "number": "혁신-1",
                                 "handling_seconds": 60})


def test_opening_a_cycle_snapshots_evaluatees_raters_and_units(placed, cycle):
    p = placed
    with schema_context("alpha"):
        members = {m.person_id: m for m in CycleMember.objects.filter(cycle=cycle)}
        assert set(members) == {p.admin.pk, p.hr.pk, p.head.pk, p.staff.pk, p.other.pk}
        assert members[p.staff.pk].rater_id == p.head.pk
        assert members[p.staff.pk].unit_id == p.staff.unit_id
        assert members[p.head.pk].rater_id is None  # no head above 김현
        assert cycle.starts_on.month in (1, 7) and cycle.ends_on == base_date_now()
        assert AuditEvent.objects.filter(action="performance.cycle_opened").count() == 1

        # A later transfer does not move the snapshot: the cycle judges the past as it was.
        p.staff.unit = p.other.unit
        p.staff.save()
        assert CycleMember.objects.get(cycle=cycle, person=p.staff).unit_id == p.head.unit_id


def test_the_contract_scheme_takes_grade_4_and_above_only(placed):
    with schema_context("alpha"):
        director = PersonFactory(name="서국장", unit=placed.head.unit,
                                 grade=Grade.objects.get(code="G4"))
        hire(director, placed.hr)
        cycle = services.cycle_open(scheme="contract", base_date=date(base_date_now().year,
                                                                       12, 31), actor=placed.hr)
        assert list(CycleMember.objects.filter(cycle=cycle).values_list(
            "person_id", flat=True)) == [director.pk]
        assert cycle.starts_on == date(base_date_now().year, 1, 1)


def test_a_wrong_base_date_or_a_second_cycle_is_refused(placed, cycle):
    with schema_context("alpha"), pytest.raises(ValidationError, match="기준일"):
        services.cycle_open(scheme="service", base_date=date(2026, 5, 31), actor=placed.hr)
    with schema_context("alpha"), pytest.raises(ValidationError, match="이미 있습니다"):
        services.cycle_open(scheme="service", base_date=base_date_now(), actor=placed.hr)
    with schema_context("alpha"), pytest.raises(PermissionDenied):
        services.cycle_open(scheme="contract", base_date=date(2026, 12, 31),
                            actor=placed.staff)


def test_weights_not_summing_to_100_are_refused_and_nothing_is_written(placed, cycle):
    with schema_context("alpha"):
        with pytest.raises(ValidationError, match="가중치의 합은 100이어야 합니다 \\(지금 90\\)"):
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                               goals=[_goal(weight=60), _goal(title="보고", weight=30)],
                               actor=placed.staff)
        bad_indicators = GoalInput(title="혁신", weight=100, indicators=[
            IndicatorInput(name="제안", weight=50, target="3")])
        with pytest.raises(ValidationError, match="지표 가중치의 합은 100"):
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                               goals=[bad_indicators], actor=placed.staff)
        assert not Goal.objects.exists()
        assert not AuditEvent.objects.filter(action="performance.goals_set").exists()


def test_a_target_that_is_not_a_number_is_refused(placed, cycle):
    with schema_context("alpha"):
        with pytest.raises(ValidationError, match="목표치는 숫자로 적으세요: 열 건"):
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                               goals=[_goal(target="열 건")], actor=placed.staff)
        assert not Goal.objects.exists() and not Indicator.objects.exists()


def test_a_closed_cycle_refuses_every_change(placed, cycle):
    with schema_context("alpha"):
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                           goals=[_goal()], actor=placed.staff)
        services.cycle_close(cycle=cycle, actor=placed.hr)
        with pytest.raises(ValidationError, match="마감된 평가 주기"):
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                               goals=[_goal(title="바꾼 목표")], actor=placed.staff)
        assert list(Goal.objects.values_list("title", flat=True)) == ["민원 신속 처리"]
        # Nor do moves count any more once it is closed.
        _completed(placed.staff, placed.head)
        assert not Tally.objects.filter(cycle=cycle).exists()


def test_a_colleague_may_not_set_someone_elses_goals(placed, cycle):
    with schema_context("alpha"), pytest.raises(PermissionDenied):
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=placed.staff.pk,
                           goals=[_goal()], actor=placed.other)


def test_goals_cascade_agency_unit_person(placed, cycle):
    p = placed
    with schema_context("alpha"):
        [agency] = services.goals_set(cycle=cycle, level=Level.AGENCY, owner_id=None,
                                      goals=[_goal("국민 체감 행정")], actor=p.hr)
        [unit] = services.goals_set(cycle=cycle, level=Level.UNIT, owner_id=p.head.unit_id,
                                    goals=[_goal("민원 기한 준수", parent_id=agency.pk)],
                                    actor=p.head)
        [mine] = services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk,
                                    goals=[_goal("배정 민원 처리", parent_id=unit.pk)],
                                    actor=p.staff)
        assert mine.parent.parent == agency
        # A person's goal serves their own unit's goal, not the agency's directly.
        with pytest.raises(ValidationError, match="상위 목표"):
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk,
                               goals=[_goal(parent_id=agency.pk)], actor=p.staff)
        # The head of another unit may not set this unit's goals.
        with pytest.raises(PermissionDenied):
            services.goals_set(cycle=cycle, level=Level.UNIT, owner_id=p.head.unit_id,
                               goals=[_goal()], actor=p.other)


def test_a_completed_document_moves_the_drafters_attainment_at_once(placed, cycle):
    p = placed
    with schema_context("alpha"):
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk,
                           goals=[_goal(code="documents_completed", target="4")], actor=p.staff)
        assert selectors.person_now(cycle, p.staff.pk).attainment == 0
        _completed(p.staff, p.head)
        assert selectors.person_now(cycle, p.staff.pk).attainment == Decimal("25.00")
        _completed(p.staff, p.head)
        _completed(p.other, p.head)  # someone else's document counts for them
        assert selectors.person_now(cycle, p.staff.pk).attainment == Decimal("50.00")


def test_a_closed_case_moves_the_handlers_on_time_ratio(placed, cycle):
    from core.customers.services import case_assign, case_close, case_receive
    from tests.customers.conftest import intake

    p = placed
    with schema_context("alpha"):
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk, goals=[
            GoalInput(title="민원 기한 준수", weight=100, indicators=[
                IndicatorInput(name="", weight=50, target="90", code="cases_on_time"),
                IndicatorInput(name="", weight=50, target="2", code="cases_closed")])],
            actor=p.staff)
        case, _token = case_receive(intake=intake(), channel="web")
        case.handling_unit = p.head.unit
        case.save(update_fields=["handling_unit"])
        case_assign(case=case, assignee=p.staff, actor=p.head)
        case_close(case=case, answer="단속을 요청했습니다.", actor=p.staff)

        now = selectors.person_now(cycle, p.staff.pk)
        on_time, closed = now.goals[0].indicators
        assert (on_time.value, closed.value) == (Decimal("100.00"), Decimal(1))
        # 100% of 90% → 100 (at most), 1 of 2 → 50: weighted 50/50.
        assert now.attainment == Decimal("75.00")


def test_the_live_tallies_equal_a_full_recomputation(placed, cycle):
    p = placed
    with schema_context("alpha"):
        for _ in range(3):
            _completed(p.staff, p.head)
        _completed(p.other, p.head)
        live = set(Tally.objects.filter(cycle=cycle).values_list("code", "person_id", "count"))
        events, tallies = services.attainment_recompute(cycle=cycle, actor=p.hr)
        again = set(Tally.objects.filter(cycle=cycle).values_list("code", "person_id", "count"))
        assert live == again == {("documents_completed", p.staff.pk, 3),
                                 ("documents_completed", p.other.pk, 1)}
        assert (events, tallies) == (4, 2)


def test_moves_before_the_cycle_opened_count_from_its_start(placed):
    with schema_context("alpha"):
        _completed(placed.staff, placed.head)
        cycle = services.cycle_open(scheme="service", base_date=base_date_now(), actor=placed.hr)
        assert services.tally_of(cycle, "documents_completed", placed.staff.pk).count == 1


def test_the_unit_head_is_told_when_a_members_attainment_moves(placed, cycle, monkeypatch):
    from core.performance import collect

    told = []
    monkeypatch.setattr(collect, "announce_to", lambda event, people: told.append(people))
    with schema_context("alpha"):
        _completed(placed.staff, placed.other)
    assert told == [{placed.staff.pk, placed.head.pk}]


def test_a_hand_entered_value_needs_evidence(placed, cycle):
    p = placed
    with schema_context("alpha"):
        [goal] = services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk,
                                    goals=[_goal(code="", target="10")], actor=p.staff)
        indicator = goal.indicators.get()
        with pytest.raises(ValidationError, match="증빙"):
            services.indicator_value_enter(indicator=indicator, value="5", evidence=" ",
                                           actor=p.staff)
        with pytest.raises(ValidationError, match="숫자로"):
            services.indicator_value_enter(indicator=indicator, value="다섯", evidence="보고서",
                                           actor=p.staff)
        assert not indicator.entries.exists()
        services.indicator_value_enter(indicator=indicator, value="5", evidence="혁신-12 보고서",
                                       actor=p.staff)
        assert selectors.person_now(cycle, p.staff.pk).attainment == Decimal("50.00")


def test_one_goal_is_given_to_many_people_at_once(placed, cycle):
    p = placed
    with schema_context("alpha"):
        people = [p.staff.pk, p.admin.pk]
        made = services.goal_assign(cycle=cycle, people=people,
                                    goal=_goal("청렴 교육 이수", weight=30, code=""),
                                    actor=p.head)
        assert len(made) == 2
        assert set(Goal.objects.values_list("person_id", "weight")) == {(p.staff.pk, 30),
                                                                       (p.admin.pk, 30)}
        # 30 + 80 would pass 100 for both: refused, naming them, nothing written.
        with pytest.raises(ValidationError, match="최샘 \\(30\\+80\\)"):
            services.goal_assign(cycle=cycle, people=people, goal=_goal("보고", weight=80),
                                 actor=p.head)
        assert Goal.objects.count() == 2
        # Not to someone outside the head's unit.
        with pytest.raises(PermissionDenied):
            services.goal_assign(cycle=cycle, people=[p.other.pk], goal=_goal(weight=10),
                                 actor=p.head)


def test_one_indicator_is_given_to_many_peoples_goals(placed, cycle):
    p = placed
    with schema_context("alpha"):
        [unit_goal] = services.goals_set(cycle=cycle, level=Level.UNIT,
                                         owner_id=p.head.unit_id,
                                         goals=[_goal("민원 기한 준수")], actor=p.head)
        for person in (p.staff, p.admin):  # goals whose indicators the head gives next
            services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=person.pk, goals=[
                GoalInput(title="민원 처리", weight=100, parent_id=unit_goal.pk)],
                actor=p.head)
        for code, weight in (("cases_closed", 60), ("cases_on_time", 40)):
            made = services.indicator_assign(
                cycle=cycle, parent_goal=unit_goal, people=[p.staff.pk, p.admin.pk],
                indicator=IndicatorInput(name="", weight=weight, target="5", code=code),
                actor=p.head)
            assert len(made) == 2
        assert sorted(Indicator.objects.filter(code="cases_on_time").values_list(
            "goal__person_id", flat=True)) == sorted([p.staff.pk, p.admin.pk])
        with pytest.raises(ValidationError, match="지표 가중치의 합이 100을 넘는"):
            services.indicator_assign(
                cycle=cycle, parent_goal=unit_goal, people=[p.staff.pk],
                indicator=IndicatorInput(name="만족도", weight=10, target="4"), actor=p.head)
        assert Indicator.objects.count() == 5  # the unit's one, two each for the people


def test_the_unit_board_adds_up_the_members(placed, cycle):
    p = placed
    with schema_context("alpha"):
        services.goals_set(cycle=cycle, level=Level.UNIT, owner_id=p.head.unit_id,
                           goals=[_goal("문서 처리", code="documents_completed", target="4")],
                           actor=p.head)
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk,
                           goals=[_goal(code="documents_completed", target="2")], actor=p.staff)
        _completed(p.staff, p.head)
        _completed(p.admin, p.head)
        unit = selectors.units_headed(p.head, cycle).get(unit=p.head.unit)
        board = selectors.unit_board(cycle, unit)
        assert board.now.attainment == Decimal("50.00")
        rows = {row.member.person_id: row.now for row in board.members}
        assert rows[p.staff.pk].attainment == Decimal("50.00")
        assert rows[p.admin.pk].goals == []


def test_cycles_listing_pins_the_rule_versions(placed, cycle):
    with schema_context("alpha"):
        assert Cycle.objects.get().definitions is None  # the standard default definitions
        assert selectors.definitions_of(cycle)["cases_on_time"].measure == "ratio"
