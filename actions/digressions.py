"""Digressions inside the interview: none of them is recorded as an answer.

After each of these the rules run `interview_form` again, which re-asks the open question
(with its question_id), so the participant always sees where they are.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.common import apply, interview, latest, state_of
from bot.interview import DONT_KNOW, SKIPPED


class ActionRepeatQuestion(Action):
    def name(self) -> str:
        return "action_repeat_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(text="Of course, here it is again.")
        return []


class ActionClarifyQuestion(Action):
    def name(self) -> str:
        return "action_clarify_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        text, _, entities = latest(tracker)
        dispatcher.utter_message(text=interview().clarification(state_of(tracker), entities, text))
        return []


class ActionSkipQuestion(Action):
    marker = SKIPPED
    reply = "No problem, let's skip that one."

    def name(self) -> str:
        return "action_skip_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(text=self.reply)
        return apply(interview().skip(state_of(tracker), self.marker), dispatcher)


class ActionDontKnow(ActionSkipQuestion):
    marker = DONT_KNOW
    reply = "That's fine, thanks for saying so. Let's move on."

    def name(self) -> str:
        return "action_dont_know"


class ActionPauseInterview(Action):
    def name(self) -> str:
        return "action_pause_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text="No problem, let's pause here. Your answers so far are saved. Come back any "
            "time in this same chat and we'll continue where we left off."
        )
        return [SlotSet("interview_status", "paused"), ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]


class ActionStopInterview(Action):
    def name(self) -> str:
        return "action_stop_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text="Understood, we'll stop here. Thank you for your time! The answers you gave "
            "so far are kept for the study. If you'd rather have them deleted, write "
            '"delete my data".'
        )
        return [SlotSet("interview_status", "stopped"), ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
