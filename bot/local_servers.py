"""Run the real action server and rasa server on loopback, and talk to them over REST.

Used by the end-to-end tests and the benchmark: fresh database, free ports, the rasa HTTP
API on 127.0.0.1 with a random token (to read trackers).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.settings import MODEL_PATH

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL = MODEL_PATH
TOKEN = "e2e-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds}s")


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    database_url: str
    workdir: Path
    procs: dict
    commands: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)

    def chat(self, sender: str | None = None) -> Chat:
        return Chat(self, sender or f"e2e-{uuid.uuid4().hex[:12]}")


@dataclass
class Chat:
    servers: Servers
    sender: str

    def say(self, text: str) -> list[dict]:
        r = requests.post(
            f"{self.servers.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            timeout=120,
        )
        r.raise_for_status()
        return r.json()

    def tracker(self) -> dict:
        r = requests.get(
            f"{self.servers.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": TOKEN, "include_events": "ALL"},
            timeout=30,
        )
        r.raise_for_status()
        return r.json()

    def question_ids(self) -> list[str]:
        """question_id of every bot message so far, from the tracker's bot events."""
        return [
            e["metadata"]["question_id"]
            for e in self.tracker()["events"]
            if e["event"] == "bot" and (e.get("metadata") or {}).get("question_id")
        ]

    def open_question(self) -> str | None:
        ids = self.question_ids()
        return ids[-1] if ids else None


def start_servers(
    workdir: Path, database_url: str, env_extra: dict | None = None, rasa_args: list[str] | None = None
) -> Servers:
    """rasa_args: extra `rasa run` options, e.g. ["--cors", origin] for a browser page."""
    rasa_port, actions_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "tracker_store:\n  type: bot.tracker_store.InterviewTrackerStore\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        **(env_extra or {}),
    }
    commands = {
        "actions": [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        "rasa": [
            sys.executable,
            "-m",
            "bot.rasa_server",
            "run",
            "--model",
            str(MODEL),
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
            "--enable-api",
            "--auth-token",
            TOKEN,
            *(rasa_args or []),
        ],
    }
    servers = Servers(
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        actions_url=f"http://127.0.0.1:{actions_port}",
        database_url=database_url,
        workdir=workdir,
        procs={},
        commands=commands,
        env=env,
    )
    try:
        for name in ("actions", "rasa"):  # both load at once, then both are awaited
            _spawn(servers, name)
        for name in ("actions", "rasa"):
            _wait(servers, name)
    except Exception:
        stop_servers(servers)
        raise
    return servers


def start_process(servers: Servers, name: str) -> None:
    """Start (or restart after a kill) one of the two servers and wait until it answers."""
    _spawn(servers, name)
    _wait(servers, name)


def _spawn(servers: Servers, name: str) -> None:
    with open(servers.workdir / f"{name}.log", "a") as log:
        servers.procs[name] = subprocess.Popen(
            servers.commands[name], cwd=ROOT, env=servers.env, stdout=log, stderr=subprocess.STDOUT
        )


def _wait(servers: Servers, name: str) -> None:
    proc = servers.procs[name]
    if name == "actions":
        wait_for(f"{servers.actions_url}/health", 120, proc)
    else:
        wait_for(f"{servers.rasa_url}/", 300, proc)


def kill_process(servers: Servers, name: str) -> None:
    """kill -9: the server gets no chance to flush or clean up."""
    proc = servers.procs[name]
    proc.kill()
    proc.wait(timeout=30)


def stop_servers(servers: Servers) -> None:
    for proc in servers.procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in servers.procs.values():
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
