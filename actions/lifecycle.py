"""The interview's life: welcome and consent, resume after a pause, completion, the end.

No transcript is kept without consent: a "no" sets `purge_requested`, and the tracker store
then deletes the whole conversation instead of saving it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import interview, latest, state_of, utter
from bot.interview import YES_NO_BUTTONS

CONSENT = "intro.consent"


def _guide_message(question_id: str, **extra: Any) -> dict[str, Any]:
    question = interview().guide.questions[question_id]
    return {"text": question.ask, "question_id": question_id, **extra}


class ActionStartInterview(Action):
    def name(self) -> str:
        return "action_start_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        utter(dispatcher, _guide_message("intro.welcome"))
        utter(dispatcher, _guide_message("intro.objectives"))
        utter(dispatcher, _guide_message(CONSENT, buttons=YES_NO_BUTTONS))
        return [
            SlotSet("interview_status", "consent_pending"),
            SlotSet("current_question", CONSENT),
        ]


class ActionConsentGiven(Action):
    def name(self) -> str:
        return "action_consent_given"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(text="Thank you! Let's begin.")
        return [
            SlotSet("interview_status", "in_progress"),
            SlotSet("current_question", None),
            SlotSet("facts", {CONSENT: "yes"}),
        ]


class ActionConsentDeclined(Action):
    def name(self) -> str:
        return "action_consent_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        utter(dispatcher, _guide_message("intro.consent_declined"))
        return [
            SlotSet("interview_status", "declined"),
            SlotSet("current_question", None),
            SlotSet("purge_requested", True),
        ]


class ActionConsentReprompt(Action):
    """Anything but yes/no while consent is open: answer briefly, ask for consent again."""

    def name(self) -> str:
        return "action_consent_reprompt"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        _, intent, _ = latest(tracker)
        question = interview().guide.questions[CONSENT]
        if intent == "clarify_question":
            dispatcher.utter_message(text=question.clarify)
        elif intent == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        elif intent != "repeat_question":
            dispatcher.utter_message(
                text="Before we start I need your answer to one question, whether we may keep "
                "this conversation. Please answer yes or no."
            )
        utter(dispatcher, _guide_message(CONSENT, buttons=YES_NO_BUTTONS))
        return []


class ActionResumeInterview(Action):
    def name(self) -> str:
        return "action_resume_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(text=interview().reminder(state_of(tracker)))
        return [SlotSet("interview_status", "in_progress")]


class ActionCompleteInterview(Action):
    def name(self) -> str:
        return "action_complete_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        utter(dispatcher, _guide_message("conclusion.thanks"))
        return [SlotSet("interview_status", "completed"), SlotSet("current_question", None)]


class ActionInterviewClosed(Action):
    def name(self) -> str:
        return "action_interview_closed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text="This interview has ended. Thank you again! If you would like your answers "
            'deleted, write "delete my data".'
        )
        return []


class ActionSessionStart(Action):
    """Start a new session keeping the interview's slots; an interview that was in
    progress when the session expired becomes paused, so the next message resumes it."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        carried = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value is not None and key not in ("requested_slot", "answer", "session_started_metadata")
        ]
        if tracker.get_slot("interview_status") == "in_progress":
            carried.append(SlotSet("interview_status", "paused"))
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]


class ActionDefaultFallback(Action):
    """When no rule fits: say so, undo the participant's message, keep the interview's place."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text='Sorry, I didn\'t get that. You can type "repeat" to see the open question again.'
        )
        return [UserUtteranceReverted()]
