"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import datetime
import os
import zoneinfo
from pathlib import Path

import pytest

from tests.e2e.screen import assert_accessible

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these flags Chromium keeps trying to reach Google's services from a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if Path(CHROMIUM).exists():
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def context(context):
    """pytest-playwright's browser context, failing the test if a page breaks the
    Content-Security-Policy: Chromium reports every refused script, handler or style on the
    console ("Refused to … because it violates the following Content Security Policy…")."""
    violations: list[str] = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    context.on("console", watch)
    yield context
    assert violations == [], "CSP violations:\n" + "\n".join(violations)


@pytest.fixture(autouse=True)
def clock(time_machine, settings):
    """Every browser test runs from Tuesday 24 November 2026, 10:00 in Paris (a school day of
    period 2), whatever the machine's date and hour: the demo, "today's session" and the
    current period depend on it. The live server runs in this process, so it sees the same
    clock; Chromium does not, so cookies carry no expiry date it could judge in the past."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=paris), tick=True)
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    return time_machine


@pytest.fixture
def demo(transactional_db, settings):
    """A small demo school (80 students) with the demo accounts, without group plans."""
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = False
    return build_demo(seed=7, students=80)


@pytest.fixture
def demo_with_plans(transactional_db, settings):
    """The small demo school with its group plans (published and proposed)."""
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 1.0
    return build_demo(seed=7, students=80)


@pytest.fixture
def app(live_server, page):
    """Helpers to drive the app: open a path, log in as a demo account, check accessibility."""

    class App:
        base = live_server.url

        def open(self, path: str):
            response = page.goto(self.base + path)
            return response

        def login(self, username: str, password: str = "demo"):
            page.goto(self.base + "/compte/connexion/")
            page.get_by_label("Identifiant").fill(username)
            page.get_by_label("Mot de passe").fill(password)
            # Exact: the ENT links (« Se connecter avec l'ENT ») are buttons too when on.
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_load_state()

        def assert_accessible(self):
            assert_accessible(page)

    return App()
