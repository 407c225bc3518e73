"""Browser tests of the interview page: real servers, headless Debian chromium via Playwright.

One stack per test session: the action server, the rasa server (socket.io origin = the page),
the page server, and between the browser and rasa's socket.io a TCP relay that a test can
cut to play an unreachable server. Each test gets a fresh browser context (a new participant).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.local_servers import MODEL, ROOT, Servers, free_port, start_servers, stop_servers, wait_for
from bot.web.config import CHROMIUM, CHROMIUM_ARGS
from bot.web.server import WIDGET_DIR, start_page_server

REPLY_MS = 30_000  # the longest a bot reply may take in these tests
EMBED = """<!doctype html><title>Our study</title><h1>Our study</h1>
<div id="chat" style="height: 600px"></div>
<script src="{page_url}/chat.js" data-mount="#chat" async></script>"""


def serve_site(html: str) -> ThreadingHTTPServer:
    """Another web site on loopback (a researcher's), whose page embeds the chat."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html.encode())

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Relay:
    """A TCP relay to the rasa server; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                if not self.up:
                    raise OSError("relay cut")
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            self._close(s)

    def _close(self, s: socket.socket) -> None:
        with self.lock:
            self.open.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def cut(self) -> None:
        self.up = False
        with self.lock:
            victims = list(self.open)
        for s in victims:
            self._close(s)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@dataclass
class Stack:
    servers: Servers
    page_url: str  # the page server's origin, e.g. http://127.0.0.1:41234
    socket_url: str  # what the page connects to (the relay)
    relay: Relay
    sites: dict[str, str]  # "allowed" / "other": researchers' sites embedding the chat


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    if not (WIDGET_DIR / "lib" / "index.js").exists():
        pytest.fail("the rasa-webchat bundle is missing: run `npm ci --ignore-scripts` (make test does it)")
    workdir = tmp_path_factory.mktemp("web")
    page_port = free_port()
    page_url = f"http://127.0.0.1:{page_port}"
    sites = {name: serve_site(EMBED.format(page_url=page_url)) for name in ("allowed", "other")}
    site_urls = {name: f"http://127.0.0.1:{site.server_port}" for name, site in sites.items()}
    env = {"CORS_ORIGINS": f"{page_url},{site_urls['allowed']}"}
    servers = relay = None
    try:
        servers = start_servers(
            workdir,
            f"sqlite:///{workdir / 'interviews.db'}",
            env_extra=env,
            rasa_args=["--cors", page_url, site_urls["allowed"]],
        )
        relay = Relay(int(servers.rasa_url.rsplit(":", 1)[1]))
        socket_url = f"http://127.0.0.1:{relay.port}"
        servers.procs["web"] = start_page_server(
            page_port, {**os.environ, **env, "RASA_SOCKET_URL": socket_url}, workdir / "web.log"
        )
        wait_for(f"{page_url}/health", 30, servers.procs["web"])
        yield Stack(servers, page_url, socket_url, relay, site_urls)
    finally:
        if relay:
            relay.close()
        if servers:
            stop_servers(servers)
        for site in sites.values():
            site.shutdown()
            site.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install -y chromium`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """Make browser contexts (a participant's browser profile); all are closed at the end."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(REPLY_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots() -> Path:
    folder = ROOT / "var" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Participant:
    """One participant's browser tab on the interview page."""

    def __init__(self, page, stack: Stack) -> None:
        self.page, self.stack = page, stack
        self.bot = page.locator(".rw-message:not(.rw-typing-indication) .rw-response")
        self.mine = page.locator(".rw-client")
        self.input = page.get_by_role("textbox", name="Your answer")

    def open(self) -> Participant:
        self.page.goto(self.stack.page_url + "/")
        return self

    def start(self) -> None:
        self.page.get_by_role("button", name="Start the interview").click()

    def type(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def choose(self, title: str) -> None:
        self.page.locator(".rw-replies").get_by_role("button", name=title, exact=True).click()

    def expect_bot(self, text: str):
        from playwright.sync_api import expect

        expect(self.bot.last).to_have_text(text, timeout=REPLY_MS)

    def session_id(self) -> str:
        return self.page.evaluate("JSON.parse(localStorage.getItem('chat_session')).session_id")

    def open_question(self) -> str | None:
        return self.stack.servers.chat(self.session_id()).open_question()

    def user_rows(self) -> list[str]:
        """Texts of this participant's user events in the tracker store's `events` table."""
        return self.user_rows_of(self.session_id())

    def user_rows_of(self, sender: str) -> list[str]:
        import json

        import sqlalchemy as sa

        engine = sa.create_engine(self.stack.servers.database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("select data from events where sender_id = :s and type_name = 'user' order by id"),
                {"s": sender},
            ).scalars()
            return [json.loads(row)["text"] for row in rows]


@pytest.fixture
def participant(new_context, stack):
    def make(**context_options) -> Participant:
        return Participant(new_context(**context_options).new_page(), stack)

    return make
