"""The interview page in headless chromium: weight of a first load, time to the first bot message.

    python -m bot.web.benchmark [--runs 5]

Starts the real servers on loopback (bot.local_servers), the page server and Debian's
chromium (Playwright). Each run is a new participant with an empty cache:
- bytes: what the page's first load transferred (headers + encoded bodies of every HTTP
  response, socket.io traffic counted apart);
- load_ms: navigation to the `load` event (the welcome is shown);
- first_reply_ms: click on "Start the interview" to the first bot reply in the browser
  (socket.io connect and the bot's reply; the widget then shows its typing indicator);
- first_message_ms: the same click to the first bot message on screen (after the typing
  delay, at most 1.2 s);
- back_ms: reload of a started interview to the bot's reminder on screen.
Writes var/bench/web.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bot.local_servers import ROOT, free_port, start_servers, stop_servers, wait_for
from bot.web.config import CHROMIUM, CHROMIUM_ARGS
from bot.web.server import start_page_server

FIRST_BOT = ".rw-message:not(.rw-typing-indication) .rw-response"


def one_run(browser, url: str) -> dict:
    context = browser.new_context()
    responses = []
    context.on("requestfinished", lambda request: responses.append(request))
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    load_ms = (time.perf_counter() - start) * 1000
    button = page.get_by_role("button", name="Start the interview")
    button.wait_for()
    page.wait_for_function("() => !!window.WebChat")  # the bundle, loaded while the welcome is read
    static = [r for r in responses if "/socket.io/" not in r.url]
    weight = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in static)
    start = time.perf_counter()
    button.click()
    page.locator(".rw-typing-indication").wait_for(timeout=60_000)  # the first reply has arrived
    reply_ms = (time.perf_counter() - start) * 1000
    page.locator(FIRST_BOT).first.wait_for(timeout=60_000)
    first_ms = (time.perf_counter() - start) * 1000
    page.get_by_role("button", name="Yes", exact=True).click()
    page.get_by_text("what is your current position").wait_for(timeout=60_000)
    count = page.locator(FIRST_BOT).count()
    start = time.perf_counter()
    page.reload()
    page.locator(FIRST_BOT).nth(count).wait_for(timeout=60_000)
    back_ms = (time.perf_counter() - start) * 1000
    context.close()
    return {
        "bytes": weight,
        "requests": [r.url.rsplit("/", 1)[-1] or "/" for r in static],
        "load_ms": load_ms,
        "first_reply_ms": reply_ms,
        "first_message_ms": first_ms,
        "back_ms": back_ms,
    }


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="web-bench-"))
    page_url = f"http://127.0.0.1:{free_port()}"
    env = {"CORS_ORIGINS": page_url}
    servers = start_servers(
        workdir, f"sqlite:///{workdir / 'bench.db'}", env_extra=env, rasa_args=["--cors", page_url]
    )
    try:
        page_server = start_page_server(
            int(page_url.rsplit(":", 1)[1]),
            {**os.environ, **env, "RASA_SOCKET_URL": servers.rasa_url},
            workdir / "web.log",
        )
        servers.procs["web"] = page_server
        wait_for(page_url + "/health", 30, page_server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            runs = [one_run(browser, page_url + "/") for _ in range(args.runs)]
            browser.close()
    finally:
        stop_servers(servers)

    first = runs[0]
    result = {"runs": len(runs), "bytes_first_load": first["bytes"], "requests_first_load": first["requests"]}
    for key in ("load_ms", "first_reply_ms", "first_message_ms", "back_ms"):
        values = [r[key] for r in runs]
        result[key] = {"median": round(statistics.median(values)), "max": round(max(values))}
    out = ROOT / "var" / "bench" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
