"""Browser tests: uvicorn in a thread on a free port, Debian's Chromium through Playwright.

Why not pytest-django's ``live_server``: it needs ``transactional_db``, which empties tables
with TRUNCATE, and the audit trail's trigger refuses TRUNCATE; and it is WSGI, which cannot
stream /live/. Instead this module starts uvicorn itself (tests/asgi_server.py), as
production serves, and the tests write *committed* data (no test
transaction), under subdomains, codes and e-mails made unique per run. What they create is
removed again when the module ends (agency rows and their schemas, public accounts); the
append-only audit events stay, as they would in production.

The server thread shares pytest-django's test database, so the database stays unblocked for
as long as the server runs (the blocker patches every thread's connections, not just ours).
pytest-django only creates the test database when some collected test asks for ``db`` (or a
``django_db`` mark, which would wrap the test in a transaction); so this folder overrides
``db`` with a fixture that asks for the test database without the transaction, and the
server refuses to start on anything but the test database.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test.utils import override_settings

from tests.asgi_server import asgi_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# Short enough that a broken page fails fast, long enough for a schema clone on a slow box.
TIMEOUT_MS = 15_000


@dataclass
class HarmonyServer:
    """The running server, and what the tests created that must be removed afterwards."""

    port: int
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    schemas: list[str] = field(default_factory=list)
    public_user_ids: list[int] = field(default_factory=list)
    _serial: int = 0

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.port}"

    def url_for(self, agency) -> str:
        """The base URL of an agency's own host (its primary domain) on this server."""
        return f"http://{agency.get_primary_domain().domain}:{self.port}"

    def subdomain(self, label: str) -> str:
        """A fresh subdomain such as ``bt-a1b2c3-onboard-1`` (valid, never reserved)."""
        self._serial += 1
        return f"bt-{self.run_id}-{label}-{self._serial}"[:30].rstrip("-")

    def agency_code(self) -> str:
        """A seven-digit administrative code no agency in the database uses yet."""
        from tenants.models import Agency

        while True:
            code = f"9{secrets.randbelow(10**6):06d}"
            if not Agency.objects.filter(code=code).exists():
                return code

    def email(self, label: str) -> str:
        return f"{label}-{self.run_id}@browser.test"

    def forget_agency(self, subdomain: str) -> None:
        """Remember to drop this agency (and its schema) when the module ends."""
        self.schemas.append(subdomain.replace("-", "_"))

    def onboard(self, label: str, *, name_ko: str, invite: bool = True):
        """Onboard an agency through the real service, committed, with a unique host/code."""
        from tenants.services import Onboarding, agency_onboard
        from tenants.standard_models import latest_standard_model_version

        subdomain = self.subdomain(label)
        self.forget_agency(subdomain)
        return agency_onboard(
            onboarding=Onboarding(
                name_ko=name_ko, name_en=f"{label} agency", code=self.agency_code(),
                subdomain=subdomain, kind="central",
                standard_model_version=latest_standard_model_version(),
                admin_email=self.email(f"admin-{label}"),
            ),
            actor=None, invite=invite,
        )

    def onboard_division(self, label: str, *, name_ko: str, staff_roles=("staff",)):
        """An agency with 혁신기획과: 김현, its head and a 과장 (who signs general documents by
        delegation), and 최샘, staff there. Call it from function-scoped fixtures, so the
        passwords are hashed with the tests' hasher (see _clean_slate)."""
        from django_tenants.utils import schema_context

        from core.org.models import Position, RoleCode
        from tests.factories import PersonFactory, UnitFactory

        agency = self.onboard(label, name_ko=name_ko, invite=False)
        with schema_context(agency.schema_name):
            unit = UnitFactory(name="혁신기획과")
            head = PersonFactory(name="김현", unit=unit,
                                 roles=[RoleCode.STAFF, RoleCode.UNIT_HEAD],
                                 position=Position.objects.get(code="division_head"))
            unit.head = head
            unit.save(update_fields=["head"])
            staff = PersonFactory(name="최샘", unit=unit, roles=list(staff_roles))
        return agency, head, staff

    def central_staff(self, secret: str):
        """A central staff account in the public schema with TOTP enrolled."""
        from core.accounts.mfa import totp_enrol
        from tests.factories import UserFactory

        user = UserFactory(email=self.email("central"), is_staff=True)
        self.public_user_ids.append(user.pk)
        totp_enrol(user, secret)
        return user


def _remove_test_data(server: HarmonyServer) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.contrib.sessions.models import Session
    from django.db import connection

    from tenants.models import Agency
    from tests.committed import agency_drop

    connection.set_schema_to_public()
    for agency in Agency.objects.filter(schema_name__in=server.schemas):
        agency_drop(agency)  # its domains go with it
    # Not ``User.delete()``: Django's deletion collector also looks for the agency-only
    # tables that point at users (API tokens), which the public schema does not have.
    ids = server.public_user_ids
    signed_in = {str(pk) for pk in ids}
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in signed_in:
            session.delete()
    Authenticator.objects.filter(user_id__in=ids).delete()
    EmailAddress.objects.filter(user_id__in=ids).delete()
    user_model = get_user_model()
    with connection.cursor() as cursor:
        for table in (user_model.groups.through._meta.db_table,
                      user_model.user_permissions.through._meta.db_table):
            cursor.execute(f'DELETE FROM "{table}" WHERE user_id = ANY(%s)', [ids])
        cursor.execute(f'DELETE FROM "{user_model._meta.db_table}" WHERE id = ANY(%s)', [ids])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after all others: their data is committed, not rolled back."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def db(harmony_server):
    """pytest-django's ``db`` without its transaction: the browser tests' writes are committed
    so the server thread sees them (and are removed when the module ends).

    Asking for ``db`` is what makes pytest-django create the test database. Beware that the
    fixtures of tests/conftest.py built on ``db`` (``alpha``, ``central_user``...) commit too
    here; use ``harmony_server.onboard`` and ``harmony_server.central_staff`` instead."""


@pytest.fixture(autouse=True)
def _test_database(db):
    """Every browser test uses the (committed) test database."""


def _require_test_database() -> None:
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = connection.settings_dict["NAME"]
    wanted = connection.settings_dict["TEST"]["NAME"]
    if (name != wanted) if wanted else not name.startswith(TEST_DATABASE_PREFIX):
        pytest.fail(f"refusing to serve the browser tests from database {name!r}: "
                    "pytest-django has not set up the test database")


@pytest.fixture(scope="module")
def harmony_server(django_db_setup, django_db_blocker):
    """Serve Harmony (with static files) through uvicorn, as production does, on 127.0.0.1
    at a free port for one test module.

    ``PUBLIC_URL_PORT`` follows the port, so e-mailed links point at this server."""
    _require_test_database()
    with django_db_blocker.unblock(), asgi_server(static=True) as port:
        server = HarmonyServer(port=port)
        port_override = override_settings(PUBLIC_URL_PORT=str(port))
        port_override.enable()
        try:
            yield server
        finally:
            port_override.disable()
            _remove_test_data(server)


@pytest.fixture(scope="module")
def chromium(harmony_server):
    """Debian's Chromium, headless, for the module (closed before the server stops)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop on this thread, so Django would refuse the
    # tests' own ORM calls as "async"; they are plain synchronous code, so allow them here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
                # While Playwright runs, Django hands this thread's code a connection of its
                # own (it looks like an async context); close it, or the test database
                # cannot be dropped at the end of the session.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium):
    """A fresh browser context (no cookies) in Korean, one tab.

    ``page.problems`` collects server errors, failed static files, script errors and what
    the Content-Security-Policy blocked, so a test can assert the pages it visited were
    whole."""
    context = chromium.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []

    def on_response(response):
        if response.status >= 500 or ("/static/" in response.url and response.status >= 400):
            problems.append(f"{response.status} {response.url}")

    def on_console(message):
        # What the Content-Security-Policy blocks shows only as a console message.
        if "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    tab.on("response", on_response)
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", on_console)
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under tests/browser/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fresh_totp_code(secret: str) -> str:
    """The current code, waiting for the next period when this one is about to lapse (so the
    code is still valid when the server checks it)."""
    from allauth.mfa import app_settings

    from core.accounts.mfa import totp_current_code

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.2)
    return totp_current_code(secret)


def sign_in(page, email: str, password: str) -> None:
    """Fill the sign-in form on the current page and submit it with the Enter key."""
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=password]").press("Enter")


def url_pattern(url: str) -> re.Pattern:
    """Match exactly ``url`` (for ``expect(page).to_have_url``)."""
    return re.compile("^" + re.escape(url) + "$")


def htmx_settled(page) -> None:
    """Wait until htmx has finished its swaps. New content gets its triggers only when htmx
    settles it (20 ms after the swap, longer on a busy machine): typing into a field swapped
    in a moment ago would go unheard."""
    from playwright.sync_api import expect

    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
           ).to_have_count(0, timeout=TIMEOUT_MS)
