"""`make run`: start the action server, the rasa server and the interview page together;
Ctrl-C stops them all.

The rasa server listens on :5005 with the REST and socket.io channels
(credentials.yml), the interview page (bot/web/server.py) on :8080. The rasa HTTP API stays
off unless RASA_ENABLE_API=1 *and* RASA_AUTH_TOKEN are set, so a public instance never
exposes trackers. `--shell` chats in the terminal.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import MODEL_PATH, PROJECT_ROOT, get_settings
from bot.web.config import allowed_origins, web_settings

BIN = Path(sys.executable).parent


def wait_until_up(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def rasa_command(args: argparse.Namespace) -> list[str]:
    model = str(MODEL_PATH)
    if args.shell:
        return [sys.executable, "-m", "bot.rasa_server", "shell", "--model", model]
    cmd = [
        sys.executable,
        "-m",
        "bot.rasa_server",
        "run",
        "--model",
        model,
        "--port",
        str(args.port),
        "--cors",
        *allowed_origins(),
    ]
    token = os.environ.get("RASA_AUTH_TOKEN")
    if os.environ.get("RASA_ENABLE_API") == "1":
        if not token:
            sys.exit("RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN: the API must never run without auth.")
        cmd += ["--enable-api", "--auth-token", token]
    return cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in this terminal instead of serving")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    args = parser.parse_args(argv)
    get_settings()  # reads .env (CORS_ORIGINS, RASA_SOCKET_URL, WEB_PORT, ...)

    os.chdir(PROJECT_ROOT)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no outbound calls from here
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    actions = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(args.actions_port)]
    )
    procs = [actions]
    try:
        if not wait_until_up(f"http://localhost:{args.actions_port}/health", 120):
            print("The action server did not start; see the messages above.", file=sys.stderr)
            return 1
        rasa = subprocess.Popen(rasa_command(args))
        procs.append(rasa)
        if not args.shell:
            procs.append(subprocess.Popen([sys.executable, "-m", "bot.web.server"]))
            if wait_until_up(f"http://localhost:{args.port}/", 300):
                print(
                    f"\nThe interview bot is up. Interview page: http://localhost:{web_settings().port}/\n"
                    f"Chat over REST:\n"
                    f"  curl -s localhost:{args.port}/webhooks/rest/webhook "
                    '-d \'{"sender": "me", "message": "hi"}\'\n'
                    "or run `make shell` for a terminal chat. Ctrl-C stops all servers.\n",
                    flush=True,
                )
        return rasa.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
