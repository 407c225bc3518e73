"""The interview as a small state machine over Rasa slots.

The form `interview_form` fills one generic slot, `answer`, again and again; this module
decides what that answer means for the open question, which question comes next (the
guide's order and `when` conditions, plus the standing follow-up "how do you currently
handle it?") and the messages that ask it. Keeping it free of Rasa makes every branch
testable with plain pytest, and keeps the guide (questions.yml) the only place where the
order and conditions live.

State is a plain dict of slot values (see `SLOTS`); functions return the slot updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import classify
from bot.catalog import Catalog, load_catalog
from bot.guide import Guide, Question, load_guide

FOLLOWUP_PREFIX = "followup."
SKIPPED, DONT_KNOW = "__skipped__", "__dont_know__"
SKIP_HINT = '(You can also type "skip".)'

#: slots this module reads and writes, with their empty values
SLOTS: dict[str, Any] = {
    "current_question": None,  # id of the open question (guide id or followup.<issue>)
    "question_mode": None,  # None, "choice" (buttons offered) or "retry" (unclear yes/no)
    "guide_position": None,  # last guide question that was dealt with
    "facts": None,  # normalised answers the guide's conditions read
    "followups_pending": None,  # issue ids still to ask about, in order
    "followed_up": None,  # issue ids already asked about (once per interview)
    "asked_section": None,  # section of the last question asked (for "Part N" headers)
}

YES_NO_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]

# The guide's extra choice offered when an answer cannot be classified.
SOURCE_QUESTION = "data_collection.how"
TIME_SPLIT_QUESTIONS = ("data_preparation.time_split", "model_evaluation.time_split")
IMPLEMENTERS_QUESTION = "background.implementers"


@dataclass
class Outcome:
    """What handling one reply produced: slot updates and messages said before the ask."""

    slots: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)


def is_followup(question_id: str | None) -> bool:
    return bool(question_id) and question_id.startswith(FOLLOWUP_PREFIX)


class Interview:
    def __init__(self, guide: Guide | None = None, catalog: Catalog | None = None):
        self.guide = guide or load_guide()
        self.catalog = catalog or load_catalog()
        # The form asks everything after consent that expects an answer.
        self.plan: list[Question] = [
            q for q in self.guide.ordered() if q.section != "intro" and q.asks_something
        ]

    # ------------------------------------------------------------------ order
    def next_guide_question(self, after: str | None, facts: dict) -> str | None:
        """The first question after `after` whose condition holds for the facts so far."""
        ids = [q.id for q in self.plan]
        start = ids.index(after) + 1 if after in ids else 0
        for q in self.plan[start:]:
            if q.condition(facts):
                return q.id
        return None

    def first_question(self) -> str:
        return self.next_guide_question(None, {})

    def _advance(self, state: dict, slots: dict) -> dict:
        """Slot updates that move from the open question to the next one."""
        merged = {**state, **slots}
        pending = list(merged.get("followups_pending") or [])
        if pending:
            nxt = FOLLOWUP_PREFIX + pending.pop(0)
        else:
            nxt = self.next_guide_question(merged.get("guide_position"), merged.get("facts") or {})
        slots.update(current_question=nxt, question_mode=None, followups_pending=pending)
        return slots

    # ------------------------------------------------------------------ replies
    def record_answer(
        self,
        state: dict,
        text: str,
        intent: str | None,
        entities: list[dict],
        confidence: float = 1.0,
    ) -> Outcome:
        """Handle a reply to the open question: normalise it, queue follow-ups, advance.

        Short, confident small talk (a greeting, thanks, an off-topic request) gets a short
        reply and the question stays open; anything longer is taken as the answer, since a
        real answer misread as small talk must never be lost.
        """
        qid = state.get("current_question")
        if not qid:
            return Outcome()
        text = text or ""
        if not text.strip():
            return Outcome(messages=[{"text": "I didn't receive any text, so please type your answer."}])
        if is_small_talk(intent, confidence, text):
            # a greeting mid-interview is someone coming back (a reload, a restart): say where
            reply = self.reminder(state, "Hello again!") if intent == "greet" else SMALL_TALK[intent]
            return Outcome(messages=[{"text": reply}])
        facts = dict(state.get("facts") or {})
        slots: dict[str, Any] = {}

        if not is_followup(qid):
            question = self.guide.questions[qid]
            unclear = self._normalise(question, state, text, intent, entities, facts)
            if unclear is not None:
                return unclear
            slots.update(facts=facts, guide_position=qid)

        issues = (
            []
            if (not is_followup(qid) and self.guide.questions[qid].handles)
            else (values(entities, "quality_issue"))
        )
        followed = list(state.get("followed_up") or [])
        pending = list(state.get("followups_pending") or [])
        new = [i for i in issues if i not in followed and i in self.catalog.entries["quality_issue"]]
        if new:
            slots.update(followed_up=followed + new, followups_pending=new + pending)
        return Outcome(slots=self._advance(state, slots))

    def _normalise(self, question, state, text, intent, entities, facts) -> Outcome | None:
        """Store what the branches need in `facts`; an Outcome means "ask again"."""
        retry = state.get("question_mode")
        if question.kind == "yes_no":
            value = classify.yes_no(intent, text)
            if value is None:  # ask again, as long as it takes; "skip" is always possible
                return Outcome(
                    slots={"question_mode": "retry"},
                    messages=[{"text": "Sorry, I didn't catch whether that was a yes or a no. " + SKIP_HINT}],
                )
            facts[question.id] = value
        elif question.id == SOURCE_QUESTION:
            sources = values(entities, "data_source")
            if not sources and not retry:
                return Outcome(slots={"question_mode": "choice"})
            facts["data_source"] = sources
        elif question.id in TIME_SPLIT_QUESTIONS:
            chosen = values(entities, "time_split")
            value = chosen[0] if chosen else classify.time_split(question.id, text)
            if value is None and not retry:
                return Outcome(slots={"question_mode": "choice"})
            facts[question.id] = value or SKIPPED
        elif question.id == IMPLEMENTERS_QUESTION:
            own = classify.builds_own(intent if retry else None, text)
            if own is None and not retry:
                return Outcome(slots={"question_mode": "choice"})
            facts["builds_own"] = bool(own)
        return None

    def skip(self, state: dict, marker: str = SKIPPED) -> Outcome:
        """Skip or "I don't know": move on without recording an answer or a branch."""
        qid = state.get("current_question")
        if not qid:
            return Outcome()
        slots: dict[str, Any] = {}
        if not is_followup(qid):
            facts = dict(state.get("facts") or {})
            question = self.guide.questions[qid]
            if question.kind == "yes_no" or qid in TIME_SPLIT_QUESTIONS:
                facts[qid] = marker
            elif qid == SOURCE_QUESTION:
                facts["data_source"] = []
            elif qid == IMPLEMENTERS_QUESTION:
                facts["builds_own"] = False
            slots.update(facts=facts, guide_position=qid)
        return Outcome(slots=self._advance(state, slots))

    # ------------------------------------------------------------------ messages
    def section_id(self, question_id: str) -> str | None:
        if is_followup(question_id):
            return None
        return self.guide.questions[question_id].section

    def progress(self, section_id: str) -> str:
        section = next(s for s in self.guide.sections if s.id == section_id)
        return f"Part {section.part} of {self.guide.parts} · {section.title}"

    def ask(self, state: dict, announce_section: bool = True) -> Outcome:
        """Messages asking the open question, with a "Part N" header on a new section."""
        qid = state.get("current_question")
        if not qid:
            return Outcome()
        section = self.section_id(qid) or state.get("asked_section")
        messages: list[dict[str, Any]] = []
        if announce_section and section and section != state.get("asked_section"):
            sec = next(s for s in self.guide.sections if s.id == section)
            messages.append(
                {"text": f"{self.progress(section)}. {sec.intro}", "progress": self.progress(section)}
            )
        messages.append(self.question_message(qid, state.get("question_mode"), section))
        # Only a *change* sets a slot: a run that merely re-asks must set none, or Rasa would
        # not reject the form when a digression interrupts it.
        slots = {"asked_section": section} if section != state.get("asked_section") else {}
        return Outcome(slots=slots, messages=messages)

    def question_message(self, qid: str, mode: str | None = None, section: str | None = None) -> dict:
        meta = {"question_id": qid}
        if section:
            meta["progress"] = self.progress(section)
        if is_followup(qid):
            issue = self.catalog.issue(qid[len(FOLLOWUP_PREFIX) :])
            return {"text": f"You mentioned {issue.followup}. How do you currently handle it?", **meta}
        question = self.guide.questions[qid]
        if question.kind == "yes_no":
            return {"text": question.ask, "buttons": YES_NO_BUTTONS, **meta}
        if mode == "choice":
            return {**self.choice_message(qid), **meta}
        return {"text": question.ask, **meta}

    def choice_message(self, qid: str) -> dict:
        if qid == SOURCE_QUESTION:
            buttons = [
                {"title": e.label, "payload": f'/inform{{"data_source":"{e.id}"}}'}
                for e in self.catalog.entries["data_source"].values()
            ] + [{"title": "Something else", "payload": "/inform"}]
            return {
                "text": "I couldn't tell where your training data comes from. "
                "Which of these fits best? (If several do, pick the main one.)",
                "buttons": buttons,
            }
        if qid in TIME_SPLIT_QUESTIONS:
            heavy = "preparing the data" if qid.startswith("data_") else "tuning and debugging"
            return {
                "text": f"Just to place your answer: is it close to 80/20, with most of the time "
                f"on {heavy}, or more balanced?",
                "buttons": [
                    {"title": "Close to 80/20", "payload": '/inform{"time_split":"close_to_80_20"}'},
                    {"title": "More balanced", "payload": '/inform{"time_split":"balanced"}'},
                ],
            }
        if qid == IMPLEMENTERS_QUESTION:
            return {
                "text": "Just to be sure: do you (your own team) build and deploy the models yourselves?",
                "buttons": YES_NO_BUTTONS,
            }
        raise ValueError(f"{qid} has no choice form")

    def clarification(self, state: dict, entities: list[dict], text: str = "") -> str:
        """Explain the open question, plus any catalog term the participant asked about."""
        qid = state.get("current_question")
        parts = []
        if is_followup(qid):
            issue = self.catalog.issue(qid[len(FOLLOWUP_PREFIX) :])
            parts.append(
                f"By {issue.label.lower()} I mean: {issue.definition} I'd like to know what you "
                "do about it today, for example a tool, a process, a workaround, or nothing yet."
            )
        elif qid:
            parts.append(self.guide.questions[qid].clarify)
        lowered = (text or "").lower()
        named = [
            i.id
            for i in self.catalog.entries["quality_issue"].values()
            if i.id.replace("_", " ") in lowered or i.label.lower() in lowered
        ]
        for issue_id in dict.fromkeys(values(entities, "quality_issue") + named):
            issue = self.catalog.issue(issue_id)
            text = f"{issue.label}: {issue.definition}"
            if not any(issue.label.lower() in p.lower() for p in parts):
                parts.append(text)
        return " ".join(parts) or "Let me know if anything is unclear."

    def reminder(self, state: dict, opening: str = "Welcome back!") -> str:
        section = self.section_id(state.get("current_question")) or state.get("asked_section")
        where = f" We were at {self.progress(section)}." if section else ""
        return f"{opening}{where} Here is the open question again."


SMALL_TALK = {
    "out_of_scope": "I'm only here to run this interview, so I can't help with that. Let's get back to it.",
    "greet": "Hello again!",  # replaced by a reminder of where the participant is
    "thank": "You're welcome! Let's continue.",
}
SMALL_TALK_MAX_WORDS = 8
SMALL_TALK_MIN_CONFIDENCE = 0.8


def is_small_talk(intent: str | None, confidence: float, text: str) -> bool:
    return (
        intent in SMALL_TALK
        and confidence >= SMALL_TALK_MIN_CONFIDENCE
        and len(text.split()) <= SMALL_TALK_MAX_WORDS
    )


def values(entities: list[dict] | None, entity: str) -> list[str]:
    """Distinct entity values of one type, in the order they were found."""
    seen: list[str] = []
    for e in entities or []:
        if e.get("entity") == entity and e.get("value") and e["value"] not in seen:
            seen.append(e["value"])
    return seen
