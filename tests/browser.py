"""Real headless Chromium (Debian's) driven by Playwright, against a site on localhost."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium reaches for Google services at start-up (and the sandbox
# needs privileges root in a container does not have).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _PolicyHandler(_QuietHandler):
    """Sends a Content-Security-Policy header with every response, as a host configured for it would."""

    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()


@contextmanager
def static_server(root: Path, csp: str | None = None) -> Iterator[str]:
    """Serve ``root`` as any static host would, on 127.0.0.1; yields the base URL.

    With ``csp``, every response carries that policy as an HTTP header (it then
    covers workers too, which a ``<meta>`` policy does not).
    """
    base: type[_QuietHandler] = _QuietHandler
    if csp is not None:
        base = type("_SitePolicyHandler", (_PolicyHandler,), {"policy": csp})
    handler = functools.partial(base, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("BRIEFING_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Every request a page makes, and every dialog or CSP violation it triggers."""

    def __init__(self, page: object) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._dialog)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign(self) -> list[str]:
        """Requests to any host other than this machine."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in ("127.0.0.1", "localhost"):
                out.append(url)
        return out
