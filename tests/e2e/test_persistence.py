"""Transcripts in SQL, read back from the tables after real conversations over REST.

Runs once on SQLite and once on a real PostgreSQL server the test set-up starts
(tests/conftest.py). Both servers run with a small tracker window, so the window moves
every few turns and every check below also checks it.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.local_servers import MODEL, free_port, kill_process, start_process, start_servers, stop_servers
from bot.outages import DATABASE_APOLOGY
from bot.research.cli import main as cli
from tests.e2e.test_rest_interviews import YES_ANSWERS, drive
from tests.e2e.test_rest_robustness import reach

pytestmark = pytest.mark.e2e
APOLOGY_START = "Sorry, I have a technical problem"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"persistence-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'interviews.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("persistence")
    servers = start_servers(workdir, url, env_extra={"TRACKER_WINDOW_EVENTS": "40"})
    yield servers
    stop_servers(servers)


def engine(servers):
    return _engine(servers.database_url)


@functools.cache
def _engine(url: str):
    """One engine (one connection pool) per database for the whole module."""
    return sa.create_engine(url, pool_pre_ping=True)  # survives the outage test


def turns(servers, sender: str) -> list[dict]:
    with engine(servers).connect() as conn:
        rows = conn.execute(
            sa.text(
                "select t.id, t.position, t.speaker, t.text, t.question_id, t.intent "
                "from turns t join interviews i on i.id = t.interview_id "
                "where i.sender_id = :s order by t.position"
            ),
            {"s": sender},
        )
        return [dict(row._mapping) for row in rows]


def rows_of(servers, sender: str) -> dict[str, int]:
    """Rows of this participant in every table of the database."""
    queries = {
        "events": "select count(*) from events where sender_id = :s",
        "tracker_snapshots": "select count(*) from tracker_snapshots where sender_id = :s",
        "interviews": "select count(*) from interviews where sender_id = :s",
        "turns": "select count(*) from turns t join interviews i on i.id = t.interview_id "
        "where i.sender_id = :s",
    }
    with engine(servers).connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert tables >= {"events", "tracker_snapshots", "interviews", "turns", "issue_mentions"}
        counts = {name: conn.execute(sa.text(q), {"s": sender}).scalar() for name, q in queries.items()}
        # a table this test does not know about must not hold the participant either
        for table in tables - set(queries) - {"issue_mentions", "alembic_version"}:
            columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
            if "sender_id" in columns:
                counts[table] = conn.execute(
                    sa.text(f"select count(*) from {table} where sender_id = :s"), {"s": sender}
                ).scalar()
    return counts


def transcript_from_log(chat) -> list[tuple[str, str]]:
    """(speaker, text) of every message in Rasa's event log; a click on a button offered by
    the last bot message with buttons reads as the button's title."""
    out, offered = [], {}
    for event in chat.tracker()["events"]:
        if event["event"] == "user":
            out.append(("participant", offered.get(event["text"], event["text"])))
            offered = {}
        elif event["event"] == "bot":
            out.append(("bot", event["text"]))
            buttons = (event.get("data") or {}).get("buttons") or []
            offered = {b["payload"]: b["title"] for b in buttons} or offered
    return out


def test_every_message_once_in_order_with_question_ids_and_issue_followups(stack):
    chat = stack.chat()
    drive(chat, YES_ANSWERS, "/affirm")
    rows = turns(stack, chat.sender)
    assert [r["position"] for r in rows] == list(range(1, len(rows) + 1))
    assert [(r["speaker"], r["text"]) for r in rows] == transcript_from_log(chat)
    asked = [r["question_id"] for r in rows if r["speaker"] == "bot" and r["question_id"]]
    assert asked == chat.question_ids()
    # a participant turn answers the question that was open
    for before, row in zip(rows, rows[1:], strict=False):
        if row["speaker"] == "participant" and before["speaker"] == "bot" and before["question_id"]:
            assert row["question_id"] == before["question_id"]
    with engine(stack).connect() as conn:
        mentions = conn.execute(
            sa.text(
                "select m.quality_issue, m.words, f.text as answer, f.question_id "
                "from issue_mentions m join turns t on t.id = m.turn_id "
                "join interviews i on i.id = t.interview_id "
                "left join turns f on f.id = m.followup_turn_id where i.sender_id = :s"
            ),
            {"s": chat.sender},
        ).all()
        status = conn.execute(
            sa.text("select status from interviews where sender_id = :s"), {"s": chat.sender}
        ).scalar()
    assert status == "completed"
    by_issue = {m.quality_issue: m for m in mentions}
    for issue in ("missing_values", "overfitting", "scalability"):
        assert by_issue[issue].question_id == f"followup.{issue}"
        assert by_issue[issue].answer == "we have a weekly review where someone looks into it"
    assert by_issue["drift"].answer is None  # asked where the guide covers handling: no follow-up


def test_rebuild_regenerates_the_tables_exactly_from_the_event_log(stack, capsys):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "general.main_issues")
    chat.say("our labels are noisy and the data drifts every winter")
    chat.say("we relabel a sample each month")

    def dump():
        """Every row, with surrogate ids replaced by what they stand for (ids are new)."""
        with engine(stack).connect() as conn:
            return [
                conn.execute(sa.text(query)).all()
                for query in (
                    "select sender_id, pseudonym, channel, status, started_at, ended_at, guide_version,"
                    " last_event_id from interviews order by sender_id",
                    "select i.sender_id, t.position, t.speaker, t.text, t.timestamp, t.question_id,"
                    " t.intent, t.confidence, t.entities, t.event_id"
                    " from turns t join interviews i on i.id = t.interview_id"
                    " order by i.sender_id, t.position",
                    "select i.sender_id, t.position, m.quality_issue, m.words, f.position"
                    " from issue_mentions m join turns t on t.id = m.turn_id"
                    " join interviews i on i.id = t.interview_id"
                    " left join turns f on f.id = m.followup_turn_id"
                    " order by i.sender_id, t.position, m.quality_issue",
                )
            ]

    before = dump()
    assert any(row.sender_id == chat.sender for row in before[2])
    assert cli(["--database-url", stack.database_url, "rebuild"]) == 0
    assert "interviews" in capsys.readouterr().out
    assert dump() == before


def test_kill_9_of_the_rasa_server_loses_and_duplicates_nothing(stack):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "data_collection.how")
    chat.say("we buy it from a data vendor")
    open_before = chat.open_question()
    # a message in flight while the server dies: it is stored whole, with its reply, or not at all
    in_flight = threading.Thread(target=_say_ignoring_errors, args=(chat, "and some comes from our logs"))
    in_flight.start()
    kill_process(stack, "rasa")
    in_flight.join(timeout=60)
    start_process(stack, "rasa")

    rows = turns(stack, chat.sender)
    assert rows[-1]["speaker"] == "bot"  # no participant message without its reply
    texts = [r["text"] for r in rows if r["speaker"] == "participant"]
    assert texts.count("we buy it from a data vendor") == 1
    assert texts.count("and some comes from our logs") <= 1

    # coming back, the participant is reminded where they were; the same question stays open
    open_now = chat.open_question()
    assert open_now == open_before or "and some comes from our logs" in texts
    greeting = chat.say("hello")
    assert greeting[0]["text"].startswith("Hello again! We were at Part 3 of 10 · Data collection.")
    assert chat.open_question() == open_now
    reach(chat, "data_preparation.pain_points")
    after = turns(stack, chat.sender)
    assert [(r["speaker"], r["text"]) for r in after] == transcript_from_log(chat)
    assert after[: len(rows)] == rows


def test_after_a_session_timeout_the_participant_resumes_at_the_open_question(stack):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "background.ai_purpose")
    before = turns(stack, chat.sender)
    _age(stack, chat.sender, seconds=2 * 3600)  # the session expires after 60 minutes

    reply = chat.say("hi, I'm back")
    assert reply[0]["text"].startswith("Welcome back! We were at Part 1 of 10 · About you and your work.")
    assert chat.open_question() == "background.ai_purpose"
    after = turns(stack, chat.sender)
    assert [r["text"] for r in after[: len(before)]] == [r["text"] for r in before]
    chat.say("fraud detection for our payment platform")
    assert chat.open_question() == "background.data_type"


def _age(servers, sender: str, seconds: float) -> None:
    """Move a conversation's stored events back in time, as if the participant left."""

    def older(events: list[dict]) -> list[dict]:
        return [{**e, "timestamp": e["timestamp"] - seconds} if e.get("timestamp") else e for e in events]

    with engine(servers).begin() as conn:
        rows = conn.execute(sa.text("select id, data from events where sender_id = :s"), {"s": sender}).all()
        for row in rows:
            (event,) = older([json.loads(row.data)])
            conn.execute(
                sa.text("update events set data = :d, timestamp = :t where id = :i"),
                {"d": json.dumps(event), "t": event["timestamp"], "i": row.id},
            )
        snapshots = conn.execute(
            sa.text("select events from tracker_snapshots where sender_id = :s"), {"s": sender}
        ).all()
        for row in snapshots:
            conn.execute(
                sa.text("update tracker_snapshots set events = :e where sender_id = :s"),
                {"e": json.dumps(older(json.loads(row.events))), "s": sender},
            )


def test_a_database_outage_mid_interview_withholds_the_unsaved_turn(stack, request):
    answer = "we use it for fraud detection on our payment platform"
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "background.ai_purpose")
    outage = _PostgresOutage(request) if stack.database_url.startswith("postgresql") else _SqliteOutage(stack)
    outage.begin()
    try:
        reply = chat.say(answer)
        assert [m["text"] for m in reply] == [DATABASE_APOLOGY]  # not the next question
    finally:
        outage.end()
    chat.say(answer)
    assert chat.open_question() == "background.data_type"
    said = [r["text"] for r in turns(stack, chat.sender) if r["speaker"] == "participant"]
    assert said.count(answer) == 1  # the turn the database missed left nothing half-saved


class _PostgresOutage:
    """The server stops (its data kept) and starts again."""

    def __init__(self, request) -> None:
        self.server = request.getfixturevalue("postgres_server")

    def begin(self) -> None:
        self.server.halt()

    def end(self) -> None:
        self.server.resume()


class _SqliteOutage:
    """The database file goes away (a lost volume) and comes back."""

    def __init__(self, servers) -> None:
        self.path = Path(sa.engine.make_url(servers.database_url).database)
        self.away = self.path.with_suffix(".away")

    def begin(self) -> None:
        self.path.rename(self.away)

    def end(self) -> None:
        self.path.unlink(missing_ok=True)  # the empty file a connection attempt left
        self.away.rename(self.path)


def _say_ignoring_errors(chat, text: str) -> None:
    try:
        chat.say(text)
    except requests.RequestException:
        pass


def test_action_server_killed_gets_an_apology_and_the_interview_goes_on(stack):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "background.implementers")
    kill_process(stack, "actions")
    try:
        reply = chat.say("we have an in-house team of four")
        assert reply and reply[0]["text"].startswith(APOLOGY_START)
        assert chat.open_question() == "background.implementers"
    finally:
        start_process(stack, "actions")
    chat.say("we have an in-house team of four")
    assert chat.open_question() != "background.implementers"
    rows = turns(stack, chat.sender)
    assert [(r["speaker"], r["text"]) for r in rows] == transcript_from_log(chat)
    said = [r for r in rows if r["text"] == "we have an in-house team of four"]
    assert len(said) == 2  # both are in the transcript: the participant did type it twice


def test_twenty_interviews_at_once_keep_every_message_in_its_own_transcript(stack):
    senders = [f"crowd-{n}-{stack.workdir.name[-6:]}" for n in range(20)]
    sent: dict[str, list[str]] = {s: [] for s in senders}
    replies: dict[str, int] = dict.fromkeys(senders, 0)
    errors: list[str] = []

    def participant(sender: str) -> None:
        chat = stack.chat(sender)
        try:
            for text in ["hello", "/affirm", *[f"{sender} says answer {i}" for i in range(8)]]:
                sent[sender].append(text)
                replies[sender] += len(chat.say(text))
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=participant, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors
    for sender in senders:
        rows = turns(stack, sender)
        said = [r["text"] for r in rows if r["speaker"] == "participant"]
        assert said == ["hello", "Yes", *sent[sender][2:]]  # the consent click reads as its button
        assert len([r for r in rows if r["speaker"] == "bot"]) == replies[sender]
        others = [r for r in rows if "says answer" in r["text"] and not r["text"].startswith(sender)]
        assert not others


BAD = [
    "x" * 10_000,
    "a\x00b NUL inside",
    "😀🙈🔥 emoji",
    "مرحبا بالعالم שלום עולם",
    "<script>alert('x')</script><b>bold</b>",
    "'); DROP TABLE turns;--",
]


def test_bad_input_is_stored_verbatim(stack):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    reach(chat, "background.position")
    for text in BAD:
        assert chat.say(text)
    stored = [r["text"] for r in turns(stack, chat.sender) if r["speaker"] == "participant"]
    for text in BAD:
        assert text.replace("\x00", "\N{REPLACEMENT CHARACTER}") in stored or text in stored
    with engine(stack).connect() as conn:
        assert conn.execute(sa.text("select count(*) from turns")).scalar() > 0  # the table survived


def test_consent_refused_or_abandoned_leaves_nothing_in_any_table(stack):
    refused = stack.chat()
    refused.say("hello")
    refused.say("/deny")
    abandoned = stack.chat()
    abandoned.say("hello")
    for chat in (refused, abandoned):
        assert set(rows_of(stack, chat.sender).values()) == {0}, rows_of(stack, chat.sender)


def test_delete_in_the_chat_and_by_the_researcher_command_remove_every_row(stack, capsys):
    in_chat, by_command, kept = stack.chat(), stack.chat(), stack.chat()
    for chat in (in_chat, by_command, kept):
        chat.say("hello")
        chat.say("/affirm")
        chat.say("I'm an ML engineer; our data has missing values")
    in_chat.say("delete my data")
    in_chat.say("/affirm")
    assert set(rows_of(stack, in_chat.sender).values()) == {0}

    assert rows_of(stack, by_command.sender)["turns"] > 0
    assert cli(["--database-url", stack.database_url, "delete", by_command.sender, "--yes"]) == 0
    assert "deleted interview" in capsys.readouterr().out
    assert set(rows_of(stack, by_command.sender).values()) == {0}
    assert rows_of(stack, kept.sender)["turns"] > 0

    # a participant whose data is gone and who writes again starts afresh
    assert by_command.say("hello")
    assert by_command.question_ids()[-1] == "intro.consent"


def test_status_and_list_commands_see_the_interviews(stack, capsys):
    chat = stack.chat()
    chat.say("hello")
    chat.say("/affirm")
    capsys.readouterr()
    assert cli(["--database-url", stack.database_url, "status"]) == 0
    assert "interviews" in capsys.readouterr().out
    assert cli(["--database-url", stack.database_url, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert any(row["status"] == "in_progress" for row in listed)
    assert cli(["--database-url", stack.database_url, "show", "no-such-interview"]) == 1


def test_a_database_that_is_down_at_start_gives_a_clear_error_not_a_hang(tmp_path):
    port = free_port()  # nothing listens there
    env = {**os.environ, "DATABASE_URL": f"postgresql://someone:secret@127.0.0.1:{port}/interviews"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.rasa_server", "run", "--model", str(MODEL), "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "cannot reach database postgresql://someone:***@127.0.0.1" in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
