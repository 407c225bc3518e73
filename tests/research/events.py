"""Builders of Rasa event dicts shaped like the real ones in the tracker store's `events`.

`Conversation` numbers events like the `events.id` column and writes them into an `events`
table with the same columns as Rasa's SQLTrackerStore, so projection tests run without Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa

META = {"model_id": "53d82cd62a824565b723ba767a9f9843", "assistant_id": "ml-quality-interview"}
RASA_EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def create_events_table(engine: sa.engine.Engine) -> None:
    RASA_EVENTS.create(engine, checkfirst=True)


def issue(value: str, text: str, words: str) -> dict:
    start = text.index(words)
    return {
        "entity": "quality_issue",
        "value": value,
        "start": start,
        "end": start + len(words),
        "confidence": None,
        "extractor": "CatalogEntityExtractor",
    }


@dataclass
class Conversation:
    """Events of one sender, in order; ids continue a shared counter like events.id."""

    sender_id: str
    counter: list = field(default_factory=lambda: [0])
    events: list[tuple[int, dict]] = field(default_factory=list)
    clock: float = 1_795_699_727.5
    channel: str = "rest"

    def _add(self, event: dict) -> None:
        self.counter[0] += 1
        self.clock += 0.25
        self.events.append((self.counter[0], {"timestamp": self.clock, "metadata": dict(META), **event}))

    def user(self, text: str, intent: str = "inform", confidence: float = 0.99, entities=()) -> Conversation:
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": list(entities),
            "text": text,
            "message_id": f"m{self.counter[0] + 1}",
            "metadata": {},
        }
        self._add({"event": "user", "text": text, "parse_data": parse, "input_channel": self.channel})
        self._add({"event": "user_featurization", "use_text_for_featurization": False})
        return self

    def bot(
        self, text: str, question_id: str | None = None, buttons: list | None = None, **metadata
    ) -> Conversation:
        meta = {**META, **metadata, **({"question_id": question_id} if question_id else {})}
        self.counter[0] += 1
        self.clock += 0.25
        self.events.append(
            (
                self.counter[0],
                {
                    "event": "bot",
                    "timestamp": self.clock,
                    "metadata": meta,
                    "text": text,
                    "data": {"buttons": buttons},
                },
            )
        )
        return self

    def slot(self, name: str, value) -> Conversation:
        self._add({"event": "slot", "name": name, "value": value})
        return self

    def action(self, name: str) -> Conversation:
        self._add({"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0})
        return self

    def ask(self, question_id: str, text: str | None = None) -> Conversation:
        self.bot(text or f"Question {question_id}?", question_id)
        return self.slot("current_question", question_id).slot("requested_slot", "answer")

    def answer(self, text: str, entities=(), intent: str = "inform") -> Conversation:
        self.user(text, intent, entities=entities)
        return self.slot("answer", text)

    # -- pieces of a real interview --

    def opening(self) -> Conversation:
        self._add({"event": "session_started"})
        self.slot("purge_requested", False).action("action_listen")
        self.user("hi", "greet", 0.998)
        self.bot("Hi, and thank you for joining!", "intro.welcome")
        self.bot("Here is what the study is about.", "intro.objectives")
        self.bot("Do you agree to us keeping this conversation?", "intro.consent")
        return self.slot("interview_status", "consent_pending").slot("current_question", "intro.consent")

    def consent(self) -> Conversation:
        self.user("yes", "affirm", 0.9999)
        self.bot("Thank you! Let's begin.")
        self.slot("interview_status", "in_progress").slot("current_question", None)
        self._add({"event": "active_loop", "name": "interview_form"})
        return self.bot(
            "Part 1 of 10 · About you and your work.", progress="Part 1 of 10 · About you and your work"
        )

    def decline(self) -> Conversation:
        self.user("no", "deny", 0.99)
        self.bot("Thank you for your time. Nothing is kept.", "intro.consent_declined")
        return (
            self.slot("interview_status", "declined")
            .slot("current_question", None)
            .slot("purge_requested", True)
        )

    def write(self, engine: sa.engine.Engine) -> None:
        with engine.begin() as conn:
            conn.execute(
                RASA_EVENTS.insert(),
                [
                    {
                        "id": event_id,
                        "sender_id": self.sender_id,
                        "type_name": event["event"],
                        "timestamp": event["timestamp"],
                        "intent_name": (event.get("parse_data") or {}).get("intent", {}).get("name"),
                        "action_name": event.get("name") if event["event"] == "action" else None,
                        "data": json.dumps(event),
                    }
                    for event_id, event in self.events
                ],
            )


ROBUST = "Our models are not robust to noisy inputs and inference is too slow"


def full_interview(sender_id: str = "alice", counter: list | None = None) -> Conversation:
    """A complete interview: opening, consent, digressions, two issues in one answer followed
    up one at a time (one follow-up interrupted by "what do you mean?"), pause and resume,
    a follow-up answer that raises a new issue, deletion asked then cancelled, completion."""
    c = Conversation(sender_id, counter or [0])
    c.opening().consent()
    c.ask("background.position").answer("Senior data scientist at a bank")
    c.ask("background.experience")
    c.user(
        "what do you mean by robustness?",
        "clarify_question",
        entities=[issue("robustness", "what do you mean by robustness?", "robustness")],
    )
    c.ask("background.experience").answer("8 years, 5 in ML")
    c.ask("general.main_issues")
    c.answer(
        ROBUST,
        [
            issue("robustness", ROBUST, "not robust"),
            issue("inference_latency", ROBUST, "inference is too slow"),
        ],
    )
    c.ask("followup.robustness", "You mentioned robustness. How do you currently handle it?")
    c.user("what do you mean?", "clarify_question")
    c.ask("followup.robustness", "You mentioned robustness. How do you currently handle it?")
    c.answer("We add noise augmentation during training")
    c.ask("followup.inference_latency", "You mentioned slow inference. How do you currently handle it?")
    c.user("let's continue later", "pause_interview").slot("interview_status", "paused")
    c._add({"event": "session_started"})
    c.slot("interview_status", "in_progress").slot("interview_status", "paused")
    c.user("hi", "greet").bot("Welcome back! We were at Part 2.").slot("interview_status", "in_progress")
    c.ask("followup.inference_latency", "You mentioned slow inference. How do you currently handle it?")
    text = "We quantise the models, but then the data drift gets worse"
    c.answer(text, [issue("data_drift", text, "data drift")])
    c.ask("followup.data_drift", "You mentioned data drift. How do you currently handle it?")
    c.user("delete my data", "delete_my_data")
    c.bot("Do you really want to delete everything?", "delete_my_data.confirm")
    c.slot("status_before_delete", "in_progress").slot("interview_status", "delete_pending")
    c.user("no", "deny").bot("Good, nothing was deleted.")
    c.slot("interview_status", "in_progress").slot("status_before_delete", None)
    c.ask("followup.data_drift", "You mentioned data drift. How do you currently handle it?")
    c.answer("We retrain monthly")
    c.ask("general.other", "Anything else?").answer(
        "No, robustness again maybe", [issue("robustness", "No, robustness again maybe", "robustness")]
    )
    c.bot("Thank you very much for your time!", "conclusion.thanks")
    return c.slot("interview_status", "completed").slot("current_question", None)
