"""A real headless Chromium (Debian's) against the app served on a real local port.

One browser for the whole session, a fresh context and page per test. Without
/usr/bin/chromium (or Playwright) every browser test skips, saying why.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from brewline.platform.runtime import Runtime
from brewline.web.app import create_app
from tests.organiser.conftest import EMAIL, PASSWORD, answer_id, organiser, password_hash  # noqa: F401

CHROMIUM = Path(os.environ.get("BREWLINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]
pytestmark = pytest.mark.browser


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"no browser: {CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"no browser: {exc.name} is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _why_no_browser()
    if reason:
        print(f"\nskipping browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _Later:
    """A WSGI app set after the port is known (the app's settings need the port)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class Live:
    """The app on a real port, with its own runtime on the test database and Redis."""

    def __init__(self, runtime: Runtime, server, url: str):
        self.runtime, self.server, self.url = runtime, server, url

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live(runtime, fake_twilio):
    """Serve the app on 127.0.0.1 in a thread; Twilio's REST API is the local fake."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    holder = _Later()
    server = make_server("127.0.0.1", 0, holder, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    live_runtime = Runtime(runtime.settings.with_(public_base_url=url,
                                                  twilio_api_base_url=fake_twilio.url))
    holder.app = create_app(runtime=live_runtime)
    thread = threading.Thread(target=server.serve_forever, name="brewline-web", daemon=True)
    thread.start()
    yield Live(live_runtime, server, url)
    server.shutdown()
    server.server_close()
    thread.join()
    live_runtime.close()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Sign in with the keyboard, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


def no_serious_axe_violations(page) -> None:
    """axe-core, run in the page: no serious or critical accessibility violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: " + "; ".join(bad)
