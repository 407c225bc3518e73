"""Settings of the web chat page, from the environment and `.env` (read by bot.settings).

CORS_ORIGINS   origins (scheme://host:port, comma or space separated) allowed to talk to
               the rasa server from a browser: its HTTP CORS (`rasa run --cors`) and its
               socket.io channel (bot.web.socketio_channel). Add a researcher's site here
               to embed the chat there.
RASA_SOCKET_URL where browsers reach the rasa server's socket.io (default http://localhost:5005).
WEB_HOST, WEB_PORT where the page server listens (default 0.0.0.0:8080).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from bot.settings import get_settings

DEFAULT_ORIGINS = "http://localhost:8080 http://127.0.0.1:8080"
# How the browser tests and the benchmark run Debian's chromium (Playwright's own download
# is not used): headless, no sandbox (root in CI), and nothing that calls home.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def allowed_origins() -> list[str]:
    get_settings()  # loads .env into the environment
    raw = os.environ.get("CORS_ORIGINS") or DEFAULT_ORIGINS
    return [origin.rstrip("/") for origin in re.split(r"[,\s]+", raw) if origin]


@dataclass(frozen=True)
class WebSettings:
    host: str
    port: int
    socket_url: str
    origins: tuple[str, ...]


def web_settings() -> WebSettings:
    get_settings()
    return WebSettings(
        host=os.environ.get("WEB_HOST", "0.0.0.0"),
        port=int(os.environ.get("WEB_PORT", "8080")),
        socket_url=os.environ.get("RASA_SOCKET_URL", "http://localhost:5005").rstrip("/"),
        origins=tuple(allowed_origins()),
    )
