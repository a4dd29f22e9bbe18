"""The main menu is grouped; the current page's group opens its items in a second row."""

import re

from tests.conftest import agency_client


def _menus(page: str) -> tuple[list[str], list[str]]:
    main = re.search(r'<nav class="hm-nav".*?</nav>', page, re.S).group(0)
    sub = re.search(r'<nav class="hm-subnav".*?</nav>', page, re.S)
    labels = re.compile(r"<a [^>]*>([^<]+)")
    return labels.findall(main), labels.findall(sub.group(0)) if sub else []


def test_staff_see_the_groups_and_the_open_groups_items(alpha_people):
    page = agency_client("alpha", alpha_people.staff.user).get("/work/memos/").content.decode()
    main, sub = _menus(page)
    assert main == ["홈", "업무관리", "전자결재", "일정", "고객관리", "성과관리", "조직"]
    assert sub == ["과제", "메모보고", "지시사항"]
    assert 'href="/work/memos/" aria-current="page"' in page
    assert 'href="/work/" aria-current="true"' in page


def test_admins_also_get_the_management_group(alpha_people):
    page = agency_client("alpha", alpha_people.admin.user).get("/rules/").content.decode()
    main, sub = _menus(page)
    assert main[-1] == "관리"
    assert sub == ["기관 설정", "기관 규칙", "감사 기록"]


def test_a_page_of_a_single_item_group_has_no_second_row(alpha_people):
    page = agency_client("alpha", alpha_people.staff.user).get("/schedules/").content.decode()
    assert _menus(page)[1] == []
    assert 'href="/schedules/" aria-current="page"' in page


def test_home_opens_the_record_of_work_and_for_heads_the_units_flow(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user).get("/").content.decode()
    head = agency_client("alpha", alpha_people.head.user).get("/").content.decode()
    assert _menus(staff)[1] == ["홈", "나의 업무 기록"]
    assert _menus(head)[1] == ["홈", "나의 업무 기록", "부서 업무 흐름"]
