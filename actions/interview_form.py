"""`validate_interview_form`: reads each answer and asks the next question.

The form has one required slot, `answer`. Each run this action
1. takes a freshly extracted `answer` (if any) as the reply to the open question,
2. works out the next question (guide order, conditions, follow-ups),
3. asks it, with its `question_id` in the message metadata, and
4. empties `answer` so the form requests it again, or ends the form after the last question.
Runs without a fresh answer (form activation, return from a digression) just (re-)ask.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import apply, changed_only, interview, latest, latest_confidence, state_of

ANSWER = "answer"


#: digressions that a long reply is unlikely to be: such a reply is kept as the answer
COMMANDS_TO_DOUBT = {"clarify_question", "repeat_question", "skip_question", "dont_know", "bot_challenge"}
LONG_REPLY_WORDS = 12


def is_answer_misread_as_command(tracker: Tracker, intent: str | None, text: str) -> bool:
    """A long reply that NLU took for "repeat"/"what do you mean?"/… right after the
    question: it is an answer ("our stakeholders do not understand what ML can do …"),
    and losing it would be worse than answering a rare long clarification request."""
    return (
        intent in COMMANDS_TO_DOUBT
        and len(text.split()) >= LONG_REPLY_WORDS
        and _follows_user_message(tracker)
    )


def _follows_user_message(tracker: Tracker) -> bool:
    """True when this form run handles a fresh message (not a return from a digression)."""
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    # the temporary tracker ends with this form's own execution; look at what came before
    return len(actions) >= 2 and actions[-1] == "interview_form" and actions[-2] == "action_listen"


class ValidateInterviewForm(FormValidationAction):
    def name(self) -> str:
        return "validate_interview_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        flow = interview()
        state = state_of(tracker)
        events: list[dict[str, Any]] = []

        if not state["current_question"] and not state["guide_position"]:
            state["current_question"] = flow.first_question()
            events.append(SlotSet("current_question", state["current_question"]))

        text, intent, entities = latest(tracker)
        if ANSWER in tracker.slots_to_validate() or is_answer_misread_as_command(tracker, intent, text):
            outcome = flow.record_answer(state, text, intent, entities, latest_confidence(tracker))
            events += apply(outcome, dispatcher)
            state.update(outcome.slots)
            events.append(SlotSet(ANSWER, None))

        if not state["current_question"]:
            return changed_only(tracker, events, keep=(ANSWER,)) + [SlotSet(REQUESTED_SLOT, None)]
        asking = flow.ask(state)
        events += apply(asking, dispatcher)
        return changed_only(tracker, events, keep=(ANSWER,)) + [SlotSet(REQUESTED_SLOT, ANSWER)]
