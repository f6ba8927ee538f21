"""Browser tests: a real chromium (Debian's, never a downloaded one) driven by Playwright.

The live server runs the app on a transactional test database; ``world`` builds the personas
of the root conftest into it. ``browse(persona)`` gives a :class:`Browsing` with a logged-in
page that records console errors and Content-Security-Policy violations, checks every page
it opens (status, ``<html lang="nb">``) and runs axe-core at desktop and at 360 px width.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from conftest import PASSWORD, World, build_world  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Collect CSP violations from the first moment of every document. Init scripts are injected
# through the DevTools protocol, so the page's CSP does not block them (as with evaluate()).
CSP_LISTENER = """
window.__samlaCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__samlaCsp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " (" + (e.sourceFile || "") + ":" + (e.lineNumber || "") + ")");
});
"""

AXE_RUN = """
async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} – browser tests must run in CI.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("SAMLA_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)) and not shutil.which(path):
        _fail_or_skip(f"Chromium not found at {path} (set SAMLA_CHROMIUM, or run `make chromium`)")
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        _fail_or_skip(f"{AXE_JS} is missing (run `npm ci`)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _fail_or_skip("The playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable chromium"
        playwright.stop()
        _fail_or_skip(f"Chromium at {chromium_path} would not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def world(transactional_db: None, live_server: Any) -> World:
    """The personas of the root conftest, committed so the live server sees them."""
    return build_world()


def format_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}")
            summary = (node["summary"] or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class Browsing:
    """A logged-in (or anonymous) page with the checks every page must pass."""

    def __init__(self, context: Any, base_url: str, axe_source: str) -> None:
        self.context = context
        self.base_url = base_url
        self.axe_source = axe_source
        self.errors: list[str] = []
        self.allowed_error_urls: set[str] = set()
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.allowed_error_urls:
            return  # the 403/404 page itself, asked for on purpose
        self.errors.append(f"console error: {message.text} ({url})")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, status: int = 200) -> Any:
        url = self.url(path)
        if status >= 400:
            self.allowed_error_urls.add(url)
        response = self.page.goto(url, wait_until="load")
        assert response is not None, f"no response for {url}"
        assert response.status == status, f"{url}: expected HTTP {status}, got {response.status}"
        self.check_document()
        return response

    def check_document(self) -> None:
        lang = self.page.evaluate("document.documentElement.getAttribute('lang')")
        assert lang == "nb", f"{self.page.url}: <html lang> is {lang!r}, not 'nb'"
        assert self.page.title().strip(), f"{self.page.url}: the page has no <title>"
        self.assert_no_errors()

    def assert_no_errors(self) -> None:
        csp = self.page.evaluate("window.__samlaCsp || []")
        problems = self.errors + [f"CSP violation: {c}" for c in csp]
        assert not problems, f"{self.page.url}:\n" + "\n".join(problems)

    def axe(self, where: str = "") -> None:
        """Inject axe-core with evaluate() (not a <script> tag, which the CSP blocks) and run it."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.axe_source)
        violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
        where = where or self.page.url
        assert not violations, format_violations(violations, where)

    def check_a11y(self) -> None:
        """axe at desktop width and at 360 px, and no horizontal scrolling at 360 px."""
        self.page.set_viewport_size(DESKTOP)
        self.axe(f"{self.page.url} at {DESKTOP['width']} px")
        self.page.set_viewport_size(MOBILE)
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > MOBILE["width"] + 1:
            culprits = self.page.evaluate(
                """(limit) => Array.from(document.querySelectorAll('body *'))
                    .filter((el) => el.getBoundingClientRect().right > limit)
                    .slice(0, 8)
                    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                           ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                        + ' right=' + Math.round(el.getBoundingClientRect().right))""",
                MOBILE["width"] + 1,
            )
            raise AssertionError(
                f"{self.page.url}: the document scrolls sideways at {MOBILE['width']} px "
                f"(scrollWidth {scroll_width}); too wide: {culprits}"
            )
        self.axe(f"{self.page.url} at {MOBILE['width']} px")
        self.page.set_viewport_size(DESKTOP)
        self.assert_no_errors()

    def visit(self, path: str, status: int = 200) -> Any:
        """Open a page and run every check on it."""
        response = self.goto(path, status)
        self.check_a11y()
        return response


def session_cookie(world: World, persona: str, base_url: str) -> dict[str, Any]:
    client = Client()
    client.force_login(world.persona(persona))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def login_with_form(browsing: Browsing, username: str, password: str = PASSWORD) -> None:
    page = browsing.page
    browsing.goto("/accounts/login/")
    page.get_by_label("Brukernavn eller e-post").fill(username)
    page.get_by_label("Passord", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn", exact=True).click()


CONTEXT_OPTIONS = {"viewport": DESKTOP, "locale": "nb-NO", "service_workers": "block"}


def _new_context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(**{**CONTEXT_OPTIONS, **options})
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_LISTENER)
    return context


@pytest.fixture(scope="session")
def shared_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """One context for the whole run: its warm cache saves time on every test.

    It depends on ``live_server`` so that it is closed (with its keep-alive connections)
    before the server stops.
    """
    # The server's first answer imports every view (seconds on a busy machine): take that
    # here, outside any page's time limit.
    with contextlib.suppress(urllib.error.HTTPError):  # any answer will do
        urllib.request.urlopen(live_server.url + "/accounts/login/", timeout=120).read()
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def browse(
    browser: Any, shared_context: Any, world: World, live_server: Any, axe_source: str
) -> Iterator[Callable[..., Browsing]]:
    """``browse("admin")`` → a Browsing logged in as that persona; ``browse(None)``: anonymous.

    The first call of a test reuses the shared context with its cookies cleared; further calls
    (a second persona in the same test) get a context of their own.
    """
    own_contexts: list[Any] = []
    pages: list[Any] = []

    def open_as(persona: str | None, **context_options: Any) -> Browsing:
        if not pages and not context_options:
            context = shared_context
            context.clear_cookies()
        else:
            context = _new_context(browser, **context_options)
            own_contexts.append(context)
        if persona is not None:
            context.add_cookies([session_cookie(world, persona, live_server.url)])
        browsing = Browsing(context, live_server.url, axe_source)
        pages.append(browsing.page)
        return browsing

    yield open_as
    for page in pages:
        page.close()
    for context in own_contexts:
        context.close()
