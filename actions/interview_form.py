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

from actions.common import apply, interview, latest, latest_confidence, state_of

ANSWER = "answer"


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

        if ANSWER in tracker.slots_to_validate():
            text, intent, entities = latest(tracker)
            outcome = flow.record_answer(state, text, intent, entities, latest_confidence(tracker))
            events += apply(outcome, dispatcher)
            state.update(outcome.slots)
            events.append(SlotSet(ANSWER, None))

        if not state["current_question"]:
            return events + [SlotSet(REQUESTED_SLOT, None)]
        asking = flow.ask(state)
        events += apply(asking, dispatcher)
        return events + [SlotSet(REQUESTED_SLOT, ANSWER)]
