"""Browser tests: the real app on 127.0.0.1, driven by Debian's Chromium through Playwright.

The live server serves the very `app` object of tests/conftest.py, so it shares the engine, the
migrated database, the rate limiter and the `_clean` fixture that empties every table after each
test. That app sets SERVER_NAME "bro.test", which is harmless here: since Flask 3.1, SERVER_NAME
no longer restricts which Host a request may carry (we checked: 127.0.0.1:<port> is served), and
session cookies have no Domain unless SESSION_COOKIE_DOMAIN is set. Only `url_for(...,
_external=True)` names bro.test (the invitation link shown as text); these tests never follow it.
A second app object would need its own engine and limiter and would make `_clean` miss them.

Never `playwright install`: we launch /usr/bin/chromium with flags that keep it off the network.
"""

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import work
from portal.i18n import LANGUAGES as SPOKEN

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 800}
LANGUAGES = list(SPOKEN)  # every language the switcher offers
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium logs every 4xx/5xx answer as a console error; we allow only the statuses a step
# asks for (a 404 page, a 422 form with errors).
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


# -- the server and the browser --------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="bro-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright passes this to every context: page.goto("/accounts/login") works."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Fail, never skip: a missing browser must not turn the suite green.
    assert CHROMIUM.exists(), "needs Debian's Chromium at /usr/bin/chromium (make browser-deps)"
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE_PATH.exists(), "needs axe-core in node_modules (npm ci)"
    return AXE_PATH.read_text(encoding="utf-8")


# -- a page that reports its own problems ----------------------------------------------------

@dataclass
class Tab:
    """A Playwright page that records console errors, CSP violations and uncaught exceptions.

    Call `check()` after each visit or action; it fails naming what was visited.
    """

    page: object
    axe_source: str = ""
    problems: list = field(default_factory=list)
    allowed_statuses: set = field(default_factory=set)

    def __post_init__(self):
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))

    def _on_console(self, message):
        if message.type != "error":
            return
        failed = FAILED_LOAD.search(message.text)
        if failed and int(failed.group(1)) in self.allowed_statuses:
            return
        where = message.location.get("url", "") if message.location else ""
        self.problems.append(f"console error: {message.text} {where}".strip())

    def visit(self, path: str, status: int = 200):
        """Load a page, check its HTTP status and that it logged no error."""
        self.allowed_statuses = {status} if status >= 400 else set()
        work.commit()  # what the test set up is the server's to read, as the test client does
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"{path}: expected HTTP {status}, got {response and response.status}")
        self.check(path)
        return response

    def check(self, what: str | None = None) -> None:
        self.page.evaluate("0")  # a round trip: every console event sent before it has arrived
        what = what or self.page.url
        problems, self.problems = self.problems, []
        assert not problems, f"{what}:\n  " + "\n  ".join(problems)

    def expect_status(self, *statuses: int) -> None:
        """Before an action whose answer is meant to be an error status (e.g. 422 via htmx)."""
        self.allowed_statuses = set(statuses)

    # -- checks -------------------------------------------------------------------------------

    def axe_violations(self) -> list:
        """axe-core's WCAG 2.x A/AA violations on the current page (CSP stays active: code
        evaluated over CDP is not subject to the page's script-src)."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe_source)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        return result["violations"]

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def overflowing_elements(self) -> list[str]:
        """The elements that stick out past the viewport, to say where an overflow comes from."""
        return self.page.evaluate("""() => {
            const width = document.documentElement.clientWidth, found = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.width && (box.right > width + 1 || box.left < -1)) {
                    found.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                        ` [${Math.round(box.left)}..${Math.round(box.right)}]`);
                }
            }
            return found.slice(0, 8);
        }""")

    def assert_no_overflow(self, what: str) -> None:
        excess = self.overflow()
        assert excess <= 0, (f"{what}: {excess}px wider than the viewport; sticking out: "
                             f"{self.overflowing_elements()}")


def describe_violations(violations: list) -> str:
    """axe results as lines a person can act on: rule, impact, help text, affected nodes."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
                     f" <{violation.get('helpUrl', '')}>")
        for node in violation["nodes"][:6]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary[:240]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    … and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)


@pytest.fixture
def open_tab(new_context, axe_source):
    """open_tab(**context_options) → a Tab in a fresh browser context (phone, JS on by default)."""

    def open_(viewport=None, **options) -> Tab:
        # pytest-playwright refuses a second `viewport` keyword, so resize the page instead.
        page = new_context(**options).new_page()
        if viewport:
            page.set_viewport_size(viewport)
        return Tab(page, axe_source)

    return open_


@pytest.fixture
def tab(open_tab) -> Tab:
    return open_tab()


def log_in(tab: Tab, user) -> None:
    """Log a factory-made user in through the real form (password tests.conftest.PASSWORD)."""
    from urllib.parse import urlsplit

    from tests.conftest import PASSWORD

    tab.visit("/accounts/login")
    tab.page.fill("#login", user.email)
    tab.page.fill("#password", PASSWORD)
    tab.page.locator("#login-form button[type=submit]").click()
    tab.page.wait_for_url(lambda url: urlsplit(url).path == "/")
    tab.check(f"logged in as {user.display_name}")
