"""The first journeys through a real browser: central staff onboard an agency, its admin
sets a password from the e-mailed link and enrols in MFA, and a staff member sees their home
page."""

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from core.korean import with_particle
from tests.browser.conftest import fresh_totp_code, screenshot, sign_in, url_pattern

pytestmark = pytest.mark.browser

TOTP_SECRET = "JBSWY3DPEHPK3PXPBROWSERTESTS2345"
NEW_PASSWORD = "Harmony-browser-2026!"


def test_central_staff_sign_in_with_totp_and_onboard_an_agency(harmony_server, page):
    from tests.factories import PASSWORD

    staff = harmony_server.central_staff(TOTP_SECRET)
    console = harmony_server.console_url

    page.goto(f"{console}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, staff.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(fresh_totp_code(TOTP_SECRET))
    page.locator("input[name=code]").press("Enter")

    expect(page).to_have_url(url_pattern(f"{console}/"))
    expect(page.locator("h1")).to_have_text("기관 목록")
    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="기관 등록").click()

    expect(page).to_have_url(url_pattern(f"{console}/agencies/new/"))
    subdomain = harmony_server.subdomain("onboard")
    harmony_server.forget_agency(subdomain)
    admin_email = harmony_server.email("first-admin")
    name_ko = f"브라우저시험청 {harmony_server.run_id}"
    form = page.locator("main form.hm-form")
    form.locator("[name=name_ko]").fill(name_ko)
    form.locator("[name=name_en]").fill("Browser Test Agency")
    form.locator("[name=code]").fill(harmony_server.agency_code())
    form.locator("[name=subdomain]").fill(subdomain)
    form.locator("[name=kind]").select_option("central")
    expect(form.locator("[name=standard_model_version]")).not_to_have_value("")
    form.locator("[name=admin_email]").fill(admin_email)
    form.get_by_role("button", name="등록", exact=True).click()

    expect(page).to_have_url(url_pattern(f"{console}/"))
    expect(page.locator(".hm-messages")).to_contain_text(f"{with_particle(name_ko, '을')} 등록하고")
    row = page.locator("table.hm-table tbody tr", has_text=name_ko)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{subdomain}.localhost")
    expect(row).to_contain_text("운영 중")
    screenshot(page, "1-console-agency-onboarded")

    (invitation,) = mail.outbox
    assert invitation.to == [admin_email]
    link = re.escape(f"http://{subdomain}.localhost:{harmony_server.port}")
    assert re.search(link + r"/accounts/password/reset/key/\S+/", invitation.body)
    assert page.problems == []


def test_the_new_admin_sets_a_password_from_the_emailed_link_and_signs_in(
    harmony_server, page
):
    agency = harmony_server.onboard("invite", name_ko="초대시험처")
    (invitation,) = mail.outbox
    base = harmony_server.url_for(agency)
    link = re.search(re.escape(base) + r"/accounts/password/reset/key/\S+/", invitation.body)
    assert link, invitation.body

    page.goto(link.group(0))
    form = page.locator("form", has=page.locator("input[name=password1]"))
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").press("Enter")
    expect(page).to_have_url(url_pattern(f"{base}/accounts/password/reset/key/done/"))

    page.goto(f"{base}/accounts/login/")
    sign_in(page, invitation.to[0], NEW_PASSWORD)

    # Agency admins must use MFA (the default): enrolment comes first, after allauth asks for
    # the password once more, and shows the secret.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(url_pattern(f"{base}/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(fresh_totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    expect(page).not_to_have_url(url_pattern(f"{base}/accounts/2fa/totp/activate/"))
    page.goto(f"{base}/")
    expect(page).to_have_url(url_pattern(f"{base}/"))
    expect(page.locator("h1")).to_contain_text("님, 안녕하세요")
    expect(page.locator("h1")).to_have_text("기관 관리자 님, 안녕하세요")
    expect(page.locator(".hm-brand .hm-agency")).to_have_text("초대시험처")
    screenshot(page, "2-agency-admin-first-sign-in")
    assert page.problems == []


def test_a_staff_member_sees_their_agency_unit_and_role_in_korean(harmony_server, page):
    from core.org.models import Role, RoleCode
    from tests.factories import PASSWORD, PersonFactory, UnitFactory

    agency = harmony_server.onboard("staff", name_ko="시험행정부", invite=False)
    with schema_context(agency.schema_name):
        unit = UnitFactory(name="혁신기획과")
        person = PersonFactory(name="최샘", unit=unit, roles=[RoleCode.STAFF])
        role_name = Role.objects.get(code=RoleCode.STAFF).name
    base = harmony_server.url_for(agency)

    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, person.user.email, PASSWORD)

    expect(page).to_have_url(url_pattern(f"{base}/"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text("최샘 님, 안녕하세요")
    my_info = page.get_by_role("region", name="내 정보")
    expect(my_info.locator("dt:has-text('기관') + dd")).to_have_text("시험행정부")
    expect(my_info.locator("dt:has-text('부서') + dd")).to_have_text("혁신기획과")
    expect(my_info.locator("dt:has-text('역할') + dd")).to_contain_text(role_name)
    expect(page.locator(".hm-whoami")).to_have_text("최샘 · 혁신기획과")

    # Keyboard users: the first Tab from the top of a freshly loaded page lands on the skip
    # link, and following it moves focus to the main content.
    page.reload()
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("본문 바로가기")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()
    screenshot(page, "3-staff-home-skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.problems == []
