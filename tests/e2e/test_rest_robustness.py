"""Bad input, digressions, consent and deletion over REST against the real servers."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.e2e


def start_interview(servers, until: str):
    chat = servers.chat()
    chat.say("hi")
    chat.say("/affirm")
    reach(chat, until)
    return chat


def reach(chat, target: str) -> None:
    from bot.guide import load_guide

    guide = load_guide()
    for _ in range(120):
        qid = chat.open_question()
        if qid == target:
            return
        question = guide.questions.get(qid)
        chat.say("/affirm" if question is not None and question.kind == "yes_no" else "nothing to add here")
    raise AssertionError(f"never reached {target}")


def events_in_db(servers, sender: str) -> int:
    engine = sa.create_engine(servers.database_url)
    with engine.connect() as conn:
        return conn.execute(
            sa.text("select count(*) from events where sender_id = :s"), {"s": sender}
        ).scalar()


@pytest.fixture(scope="module")
def in_branch(servers):
    """A participant at a yes/no question inside the monitoring branch of maintenance."""
    chat = servers.chat()
    chat.say("hi")
    chat.say("/affirm")
    reach(chat, "maintenance.monitoring")
    chat.say("/affirm")
    reach(chat, "maintenance.gone_stale")
    return chat


BAD_INPUTS = [
    "",
    "   ",
    "x" * 10_000,
    "😀🙈🔥 مرحبا بالعالم שלום 🤖",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "'); DROP TABLE events;--",
    "what's the weather in Paris tomorrow?",
    "\u200f\u202e reversed \u202c",
]


@pytest.mark.parametrize(
    "text", BAD_INPUTS, ids=["empty", "blank", "10k", "emoji-rtl", "html", "sql", "off-topic", "bidi"]
)
def test_bad_input_gets_a_reply_and_the_same_question_continues(in_branch, text):
    before = in_branch.open_question()
    replies = in_branch.say(text)
    assert replies and all(m.get("text") for m in replies)
    assert in_branch.open_question() == before == "maintenance.gone_stale"
    assert replies[-1]["text"].startswith("Have")  # the yes/no question is asked again


def test_a_10000_character_answer_to_an_open_question_is_kept_verbatim(servers):
    chat = start_interview(servers, "background.position")
    text = "I am a data scientist." + " Lots of detail here." * 470
    chat.say(text)
    assert chat.open_question() == "background.experience"
    user_texts = [e.get("text") for e in chat.tracker()["events"] if e["event"] == "user"]
    assert text in user_texts


@pytest.mark.parametrize(
    "utterance,expected_start",
    [
        ("can you repeat the question?", "Of course, here it is again."),
        ("what do you mean?", None),
        ("are you a bot?", "Yes, I'm a bot"),
    ],
)
def test_digressions_reask_the_same_question_with_its_id(in_branch, utterance, expected_start):
    replies = in_branch.say(utterance)
    if expected_start:
        assert replies[0]["text"].startswith(expected_start)
    assert in_branch.open_question() == "maintenance.gone_stale"
    last_bot = [e for e in in_branch.tracker()["events"] if e["event"] == "bot"][-1]
    assert last_bot["metadata"]["question_id"] == "maintenance.gone_stale"
    assert len(replies) == 2


def test_skip_moves_on_without_recording_an_answer(servers):
    chat = start_interview(servers, "background.position")
    replies = chat.say("skip this one please")
    assert replies[0]["text"] == "No problem, let's skip that one."
    assert chat.open_question() == "background.experience"
    assert chat.tracker()["slots"]["answer"] is None


def test_pause_then_come_back_resumes_with_a_reminder(servers):
    chat = start_interview(servers, "background.ai_purpose")
    replies = chat.say("let's continue later")
    assert "pause" in replies[0]["text"]
    assert chat.tracker()["slots"]["interview_status"] == "paused"
    replies = chat.say("hi, I'm back")
    assert replies[0]["text"].startswith("Welcome back! We were at Part 1 of 10")
    assert chat.open_question() == "background.ai_purpose"
    chat.say("fraud detection for card payments")
    assert chat.open_question() == "background.data_type"


def test_stop_keeps_the_answers_and_closes_the_interview(servers):
    chat = start_interview(servers, "background.experience")
    chat.say("I want to stop the interview")
    assert chat.tracker()["slots"]["interview_status"] == "stopped"
    replies = chat.say("hello?")
    assert replies[0]["text"].startswith("This interview has ended")
    assert events_in_db(servers, chat.sender) > 0


def test_consent_refused_keeps_nothing(servers):
    chat = servers.chat()
    chat.say("hello")
    replies = chat.say("no, I don't agree")
    assert "nothing" in replies[0]["text"].lower()
    assert events_in_db(servers, chat.sender) == 0


def test_delete_my_data_confirmed_purges_the_conversation(servers):
    chat = start_interview(servers, "background.ai_purpose")
    assert events_in_db(servers, chat.sender) > 0
    replies = chat.say("please delete my data")
    assert replies[0]["buttons"] and "delete" in replies[0]["text"]
    replies = chat.say("/affirm")
    assert replies[0]["text"].startswith("Done: everything from this interview has been deleted")
    assert events_in_db(servers, chat.sender) == 0
    replies = chat.say("hi")  # a withdrawn participant who writes again starts afresh
    assert [m.get("text", "")[:2] for m in replies][0] == "Hi"
    assert chat.open_question() == "intro.consent"


def test_delete_cancelled_returns_to_the_open_question(servers):
    chat = start_interview(servers, "background.data_type")
    chat.say("delete my data")
    replies = chat.say("/deny")
    assert replies[0]["text"] == "All right, nothing has been deleted."
    assert chat.open_question() == "background.data_type"
    assert json.dumps(chat.tracker()["slots"]["interview_status"]) == '"in_progress"'


def test_a_long_answer_with_command_words_is_kept_as_the_answer(servers):
    chat = start_interview(servers, "background.models")
    text = "sorry what do you mean, well I guess we mostly use random forests and some deep learning models"
    chat.say(text)
    assert chat.open_question() == "background.deployment"
