"""Fixtures for the real-browser tests: the test app served over HTTP, Debian's Chromium driven by
Playwright (headless), and full-page screenshots kept under ``tests/artifacts/browser/<test>/``.

The browser is never downloaded: Playwright launches ``/usr/bin/chromium``.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
TIMEOUT_MS = 10_000

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is slow (a real Chromium); without Chromium they are skipped."""
    skip = None if Path(CHROMIUM).exists() else pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
            if skip is not None:
                item.add_marker(skip)


class _InFlight:
    """WSGI middleware that counts the requests being handled, so that the server can be stopped only
    once no page is still using the database (the app's teardown empties the tables)."""

    def __init__(self, app: Flask):
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            return self.app(environ, start_response)  # Flask pops its contexts before returning
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


class LiveServer:
    """The test app on 127.0.0.1:<port> in a background thread."""

    def __init__(self, app: Flask, port: int):
        self.in_flight = _InFlight(app)
        self.server = make_server("127.0.0.1", port, self.in_flight, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        assert self.in_flight.wait_idle(timeout=15), "a page request was still running when the test ended"


@pytest.fixture
def live_server(app: Flask, free_port: int) -> Iterator[LiveServer]:
    """Pages are served from other threads: each request pushes its own app context, so it gets its
    own scoped database session. The test's own session must end its transaction (``rollback``)
    before reading what a page wrote."""
    server = LiveServer(app, free_port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _page(browser, live_server: LiveServer, size: dict):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url, **size
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh phone-sized context (390×844, touch) for an applicant."""
    context = _page(browser, live_server, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    """A fresh desktop-sized context for a window clerk."""
    context = _page(browser, live_server, DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(desktop_page):
    return desktop_page


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``shot(page, "step")`` saves ``tests/artifacts/browser/<test>/NN-step.png`` (full page);
    ``shot.keep("name.pdf", data)`` keeps another file there (a downloaded document)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def keep(name: str, data: bytes) -> Path:
        path = folder / f"{next(counter):02d}-{name}"
        path.write_bytes(data)
        return path

    take.keep = keep  # type: ignore[attr-defined]
    return take


# the web-app fixtures of tests/app/conftest.py, for this folder too
