"""The interview page server (`make run` starts it on :8080, `python -m bot.web.server`).

Serves the page (bot/web/static/), the rasa-webchat widget's UMD bundle from node_modules
(`npm ci`), and /config.js, which tells the page where the rasa socket.io server is. Every
asset is held in memory, gzipped once, and revalidated by ETag. The Content-Security-Policy
lets the page reach only its own origin and the configured rasa socket URL.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.web.config import WebSettings, web_settings

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).parent / "static"
WIDGET_DIR = ROOT / "node_modules" / "rasa-webchat"
# The bundle's CSS imports the Inter font from Google Fonts; the page uses system fonts and
# must not call any third party, so the import is dropped when the bundle is served.
REMOTE_IMPORT = re.compile(rb"@import url\(https?://[^)]*\);?")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    cache: str = "no-cache"

    @classmethod
    def of(cls, body: bytes, content_type: str, cache: str = "no-cache") -> Asset:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body, gzip.compress(body, 9, mtime=0), content_type, etag, cache)


def widget_bundle() -> bytes:
    bundle = WIDGET_DIR / "lib" / "index.js"
    if not bundle.exists():
        raise SystemExit(f"{bundle} is missing: run `npm ci` in {ROOT} first.")
    return REMOTE_IMPORT.sub(b"", bundle.read_bytes())


def config_js(settings: WebSettings) -> bytes:
    config = {"socketUrl": settings.socket_url, "socketPath": "/socket.io/"}
    return f"window.INTERVIEW_CHAT_CONFIG = {json.dumps(config)};\n".encode()


def content_security_policy(socket_url: str) -> str:
    websocket = re.sub(r"^http", "ws", socket_url)
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {socket_url} {websocket}",
            "img-src 'self' data:",
            "font-src 'self' data:",  # the widget's CSS inlines its icon fonts
            "style-src 'self' 'unsafe-inline'",  # the widget injects its CSS as <style> elements
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


def load_assets(settings: WebSettings) -> dict[str, Asset]:
    text = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
    assets = {
        f"/{path.name}": Asset.of(path.read_bytes(), text[path.suffix] + "; charset=utf-8")
        for path in STATIC.iterdir()
        if path.suffix in text
    }
    assets["/"] = assets.pop("/index.html")
    assets["/config.js"] = Asset.of(config_js(settings), "text/javascript; charset=utf-8")
    assets["/vendor/rasa-webchat.js"] = Asset.of(
        widget_bundle(), "text/javascript; charset=utf-8", "public, max-age=86400"
    )
    assets["/vendor/rasa-webchat.LICENSE.txt"] = Asset.of(
        (WIDGET_DIR / "LICENSE").read_bytes(), "text/plain; charset=utf-8", "public, max-age=86400"
    )
    return assets


def make_app(settings: WebSettings) -> web.Application:
    assets = load_assets(settings)
    headers = {
        "Content-Security-Policy": content_security_policy(settings.socket_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }

    async def serve(request: web.Request) -> web.StreamResponse:
        asset = assets.get(request.path)
        if asset is None:
            raise web.HTTPNotFound()
        common = {**headers, "ETag": asset.etag, "Cache-Control": asset.cache, "Vary": "Accept-Encoding"}
        if request.headers.get("If-None-Match") == asset.etag:
            return web.Response(status=304, headers=common)
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            common["Content-Encoding"] = "gzip"
            body = asset.gzipped
        else:
            body = asset.body
        return web.Response(body=body, headers={**common, "Content-Type": asset.content_type})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/{path:.*}", serve)
    return app


def start_page_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    """Start this server in a child process (tests, benchmark): env carries RASA_SOCKET_URL."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.web.server", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def main(argv: list[str] | None = None) -> None:
    settings = web_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args(argv)
    app = make_app(settings)
    print(f"Interview page on http://localhost:{args.port}/ (rasa socket: {settings.socket_url})", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
