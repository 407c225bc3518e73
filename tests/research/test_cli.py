"""`python -m bot`: each command's output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.research.cli import main
from bot.research.identity import pseudonym
from bot.research.projection import rebuild
from tests.research.events import Conversation, full_interview

ROOT = Path(__file__).resolve().parents[2]
DEAD = "postgresql://u:secret@127.0.0.1:1/x"


@pytest.fixture
def url(engine, research_db_url):
    alice = full_interview("alice")
    alice.write(engine)
    Conversation("pending", alice.counter).opening().write(engine)  # no consent yet
    with Session(engine, future=True) as session, session.begin():
        rebuild(session)
    return research_db_url


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_text_json_and_status_filter(url, capsys):
    code, out, _ = run(capsys, "list", "--database-url", url)
    assert code == 0 and pseudonym("alice") in out and "completed" in out and "alice" not in out
    code, out, _ = run(capsys, "--database-url", url, "list", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["sender_id"] for r in rows] == ["alice"] and rows[0]["issue_mentions"] == 5
    code, out, _ = run(capsys, "list", "--status", "paused", "--database-url", url)
    assert code == 0 and out.strip() == "no interviews with status paused"


def test_show_by_pseudonym_sender_or_id_in_text_and_json(url, capsys):
    code, out, _ = run(capsys, "show", pseudonym("alice"), "--database-url", url)
    assert code == 0
    assert "(general.main_issues) [inform 0.99]: Our models are not robust" in out
    assert 'issue robustness: "not robust" — answered in turn 19' in out
    code, out, _ = run(capsys, "show", "alice", "--format", "json", "--database-url", url)
    data = json.loads(out)
    assert code == 0 and len(data["turns"]) == 35 and data["turns"][0]["text"] == "hi"
    code, out2, _ = run(capsys, "show", str(data["id"]), "--format", "json", "--database-url", url)
    assert json.loads(out2) == data


def test_unknown_interview_and_bad_input_exit_1(url, capsys):
    for argv in (
        ["show", "nobody"],
        ["delete", "nobody", "--yes"],
        ["rebuild", "nobody"],
        ["show", "x", "--format", "xml"],
    ):
        code, out, err = run(capsys, *argv, "--database-url", url)
        assert code == 1, argv
        assert "Traceback" not in err and err.strip()


def test_delete_asks_then_removes_everything(url, capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = run(capsys, "delete", "alice", "--database-url", url)
    assert code == 1 and "nothing deleted" in out
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out, _ = run(capsys, "delete", pseudonym("alice"), "--database-url", url)
    assert code == 0
    assert "1 interviews, 35 turns, 5 issue_mentions, 0 tracker_snapshots, 98 events" in out
    code, out, _ = run(capsys, "show", "alice", "--database-url", url)
    assert code == 1
    code, out, _ = run(capsys, "delete", "pending", "--yes", "--database-url", url)  # events only
    assert code == 0 and "0 interviews" in out and "events" in out


def test_rebuild_and_status(url, capsys):
    code, out, _ = run(capsys, "rebuild", "--database-url", url)
    assert code == 0 and out.strip() == "rebuilt from the event log: 1 interviews, 35 turns, 5 issue mentions"
    code, out, _ = run(capsys, "rebuild", "alice", "--database-url", url)
    assert code == 0 and "1 interviews" in out
    code, out, _ = run(capsys, "status", "--database-url", url)
    assert code == 0
    assert "reachable: yes" in out and "up to date" in out
    assert "interviews         1" in out and "turns              35" in out
    assert "conversations in events but not in interviews: 1" in out


def test_unreachable_database_exits_2_quickly_without_traceback():
    for argv in (["status"], ["list"], ["show", "P-1"]):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot", *argv, "--database-url", DEAD],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert time.perf_counter() - started < 15
        assert "Traceback" not in done.stderr and "secret" not in done.stderr
        assert (
            done.stderr.strip()
            .splitlines()[-1]
            .startswith("error: cannot reach database postgresql://u:***@")
        )


def test_help_documents_every_command():
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0
    for command in ("list", "show", "delete", "rebuild", "status", "--database-url"):
        assert command in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "bot", "show", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert "--format" in done.stdout and "pseudonym" in done.stdout
