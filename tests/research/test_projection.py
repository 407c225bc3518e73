"""The fold from Rasa events to researcher rows: consent gating, turns, follow-up links, and
exactness (any split of the log into batches == one batch == rebuild from `events`)."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.research.deletion import delete_research_rows
from bot.research.identity import guide_version, pseudonym
from bot.research.models import Interview, Turn
from bot.research.projection import apply_events, rebuild
from tests.research.events import ROBUST, Conversation, full_interview
from tests.research.snapshot import snapshot


def project(engine, conversation: Conversation, batches: list[list]) -> dict:
    with Session(engine, future=True) as session:
        for batch in batches:
            apply_events(session, conversation.sender_id, batch)
            session.commit()
        return snapshot(session)


def rebuilt(engine) -> dict:
    rebuild(engine)
    with Session(engine, future=True) as session:
        return snapshot(session)


def test_nothing_is_written_before_consent(engine, session):
    c = Conversation("bob").opening()
    c.user("what is this about?", "clarify_question")
    c.write(engine)
    for row in c.events:
        assert apply_events(session, "bob", [row]) is None
    assert session.execute(sa.select(sa.func.count(Turn.id))).scalar_one() == 0
    assert session.execute(sa.select(sa.func.count(Interview.id))).scalar_one() == 0


def test_declined_leaves_no_row(engine, session):
    c = Conversation("dan").opening().decline()
    c.write(engine)
    assert apply_events(session, "dan", c.events) is None
    assert rebuild(session).interviews == 0
    assert snapshot(session) == {}


def test_consent_writes_the_opening_with_the_yes(engine, session):
    c = Conversation("eve").opening()
    c.write(engine)
    for row in c.events:
        apply_events(session, "eve", [row])
    consent = Conversation("eve", c.counter, clock=c.clock).consent()
    consent.write(engine)
    interview = apply_events(session, "eve", consent.events)
    turns = [(t.speaker, t.question_id, t.text) for t in interview.turns]
    assert turns[:6] == [
        ("participant", None, "hi"),
        ("bot", "intro.welcome", "Hi, and thank you for joining!"),
        ("bot", "intro.objectives", "Here is what the study is about."),
        ("bot", "intro.consent", "Do you agree to us keeping this conversation?"),
        ("participant", "intro.consent", "yes"),
        ("bot", None, "Thank you! Let's begin."),
    ]
    assert interview.status == "in_progress"
    assert interview.started_at == c.events[3][1]["timestamp"]  # the participant's "hi"
    assert interview.pseudonym == pseudonym("eve") and interview.pseudonym.startswith("P-")
    assert interview.guide_version == guide_version()
    assert interview.channel == "rest"


def test_turns_questions_intents_entities_and_followups(engine, session):
    c = full_interview()
    c.write(engine)
    interview = apply_events(session, "alice", c.events)
    assert [t.position for t in interview.turns] == list(range(1, interview.turn_count + 1))
    by_text = {t.text: t for t in interview.turns if t.speaker == "participant"}
    answer = by_text[ROBUST]
    assert (answer.question_id, answer.intent, answer.confidence) == ("general.main_issues", "inform", 0.99)
    assert '"quality_issue"' in answer.entities and '"not robust"' not in answer.entities
    links = snapshot(session)["alice"]["mentions"]
    position = {t.text: t.position for t in interview.turns if t.speaker == "participant"}
    assert links == [
        # a clarification request is a mention, but no follow-up is asked about it
        (position["what do you mean by robustness?"], "robustness", "robustness", None),
        # two issues in one answer, followed up one at a time; "what do you mean?" is superseded
        (answer.position, "robustness", "not robust", position["We add noise augmentation during training"]),
        (
            answer.position,
            "inference_latency",
            "inference is too slow",
            position["We quantise the models, but then the data drift gets worse"],
        ),
        # raised in a follow-up answer, followed up after pause, deletion asked and cancelled
        (
            position["We quantise the models, but then the data drift gets worse"],
            "data_drift",
            "data drift",
            position["We retrain monthly"],
        ),
        (position["No, robustness again maybe"], "robustness", "robustness", None),
    ]


def test_status_mapping_keeps_status_during_delete_pending_and_sets_ended_at(engine, session):
    c = full_interview()
    c.write(engine)
    statuses = []
    for row in c.events:
        interview = apply_events(session, "alice", [row])
        if interview is not None and (not statuses or statuses[-1] != interview.status):
            statuses.append(interview.status)
    assert statuses == ["in_progress", "paused", "in_progress", "paused", "in_progress", "completed"]
    assert interview.ended_at == c.events[-2][1]["timestamp"]
    assert interview.open_question is None


def test_withdrawn_deletes_rows_and_a_new_consent_starts_afresh(engine, session):
    c = Conversation("fay").opening().consent()
    c.ask("background.position").answer("ML engineer")
    c.user("delete my data", "delete_my_data").bot("Sure?", "delete_my_data.confirm")
    c.slot("status_before_delete", "in_progress").slot("interview_status", "delete_pending")
    c.user("yes", "affirm").slot("interview_status", "withdrawn").slot("purge_requested", True)
    withdrawn_at = len(c.events)
    c.opening().consent()
    c.write(engine)
    apply_events(session, "fay", c.events[:withdrawn_at])
    assert snapshot(session) == {}
    interview = apply_events(session, "fay", c.events[withdrawn_at:])
    assert [t.text for t in interview.turns][:2] == ["hi", "Hi, and thank you for joining!"]
    assert "ML engineer" not in [t.text for t in interview.turns]
    incremental = snapshot(session)
    session.commit()
    assert incremental == rebuilt(engine) == project(engine, c, [c.events])


def full_log(engine) -> Conversation:
    c = full_interview()
    c.write(engine)
    return c


def test_every_split_point_equals_one_batch_and_rebuild(engine):
    c = full_log(engine)
    expected = rebuilt(engine)
    assert expected["alice"]["interview"]["turn_count"] == 35
    for split in range(1, len(c.events)):
        with Session(engine, future=True) as session:
            delete_research_rows(session)
            session.commit()
        assert project(engine, c, [c.events[:split], c.events[split:]]) == expected, split


def test_one_event_at_a_time_and_random_splits_equal_rebuild(engine):
    c = full_log(engine)
    expected = rebuilt(engine)
    rng = random.Random(7)
    splits = [[[row] for row in c.events]]
    for _ in range(5):
        cuts = sorted(rng.sample(range(1, len(c.events)), 6))
        splits.append([c.events[a:b] for a, b in zip([0, *cuts], [*cuts, len(c.events)], strict=True)])
    for batches in splits:
        with Session(engine, future=True) as session:
            delete_research_rows(session)
            session.commit()
        assert project(engine, c, batches) == expected


def test_repeated_events_are_ignored(engine, session):
    c = full_log(engine)
    apply_events(session, "alice", c.events[:40])
    apply_events(session, "alice", c.events[:60])
    apply_events(session, "alice", c.events)
    apply_events(session, "alice", c.events[-3:])
    incremental = snapshot(session)
    session.commit()
    assert incremental == rebuilt(engine)


def test_rebuild_one_sender_leaves_others(engine, session):
    a = full_interview("alice")
    b = full_interview("ben", a.counter)
    a.write(engine)
    b.write(engine)
    assert rebuild(session).interviews == 2
    before = snapshot(session)
    counts = rebuild(session, "ben")
    assert (counts.interviews, counts.turns, counts.mentions) == (1, 35, 5)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "emoji 🤖🧪 and ZWJ 👩‍💻",
        "עברית ומילים בערבית: مرحبا بالعالم",
        "<img src=x onerror=alert(1)><script>alert('x')</script>",
        "'); DROP TABLE turns;--",
        'tab\tnewline\nquote" backslash\\ percent %s',
    ],
)
def test_text_is_stored_verbatim(engine, session, text):
    c = Conversation("gil").opening().consent().ask("background.position").answer(text)
    c.write(engine)
    apply_events(session, "gil", c.events)
    session.commit()
    stored = session.execute(sa.select(Turn.text).where(Turn.speaker == "participant")).scalars().all()
    assert stored[-1] == text
    assert snapshot(session) == rebuilt(engine)


def test_nul_and_lone_surrogates_become_replacement_characters(engine, session):
    text = "before\x00after \ud800 robust"
    entity = {"entity": "quality_issue", "value": "robustness", "start": 0, "end": 10}
    c = Conversation("hal").opening().consent().ask("background.position").answer(text, [entity])
    c.write(engine)
    apply_events(session, "hal", c.events)
    session.commit()
    turn = (
        session.execute(sa.select(Turn).where(Turn.speaker == "participant").order_by(Turn.position.desc()))
        .scalars()
        .first()
    )
    assert turn.text == "before\ufffdafter \ufffd robust"
    assert turn.mentions[0].words == "before\ufffdaft"
    assert "\x00" not in turn.entities
    assert snapshot(session) == rebuilt(engine)


def test_a_button_click_is_stored_as_the_buttons_title(engine, session):
    yes_no = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    c = Conversation("bea").opening().consent()
    c.bot("Do you monitor your models?", "maintenance.monitoring", buttons=yes_no)
    c.slot("current_question", "maintenance.monitoring")
    c.user("/affirm", "affirm")  # the click
    c.bot("Question next?", "maintenance.next")
    c.user("/deny", "deny")  # typed, no buttons on offer: kept as typed
    c.write(engine)
    for row in c.events:  # one event at a time: the buttons survive between calls
        apply_events(session, "bea", [row])
        session.commit()
    said = [
        t.text
        for t in session.execute(sa.select(Turn).order_by(Turn.position)).scalars()
        if t.speaker == "participant"
    ]
    assert said[-2:] == ["Yes", "/deny"]
