"""Withdrawal: "delete my data" asks for confirmation, then purges the conversation.

While the question is open the status is `delete_pending`; "no" restores the previous
status. The purge itself happens in the tracker store (bot/tracker_store.py) when it sees
`purge_requested`: it deletes every stored event of this participant instead of saving.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from bot.interview import YES_NO_BUTTONS

#: id of the one question the bot asks that is not in the guide
CONFIRM_DELETE = "delete_my_data.confirm"


class ActionConfirmDelete(Action):
    def name(self) -> str:
        return "action_confirm_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text="Do you want me to delete everything you have told me in this interview? "
            "This cannot be undone.",
            buttons=YES_NO_BUTTONS,
            question_id=CONFIRM_DELETE,
        )
        status = tracker.get_slot("interview_status")
        if status == "delete_pending":  # asked again after an unclear reply
            return []
        events = [SlotSet("status_before_delete", status), SlotSet("interview_status", "delete_pending")]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events


class ActionDeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(
            text="Done: everything from this interview has been deleted. Thank you for your "
            "time. If you write again, a new interview will start."
        )
        return [SlotSet("interview_status", "withdrawn"), SlotSet("purge_requested", True)]


class ActionCancelDelete(Action):
    def name(self) -> str:
        return "action_cancel_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(text="All right, nothing has been deleted.")
        previous = tracker.get_slot("status_before_delete") or "in_progress"
        return [SlotSet("interview_status", previous), SlotSet("status_before_delete", None)]
