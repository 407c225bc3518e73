"""Glue between rasa-sdk trackers and the Rasa-free interview logic in `bot.interview`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.interview import SLOTS, Interview, Outcome


@lru_cache(maxsize=1)
def interview() -> Interview:
    """One Interview per process: the guide and catalog are read once."""
    return Interview()


def state_of(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in SLOTS}


def apply(outcome: Outcome, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """Send the outcome's messages and return its slot updates as events."""
    for message in outcome.messages:
        utter(dispatcher, message)
    return [SlotSet(key, value) for key, value in outcome.slots.items()]


def utter(dispatcher: CollectingDispatcher, message: dict[str, Any]) -> None:
    """Send one message; extra keys (question_id, progress) end up in the bot event's metadata."""
    message = dict(message)
    dispatcher.utter_message(
        text=message.pop("text", None), buttons=message.pop("buttons", None) or [], **message
    )


def latest(tracker: Tracker) -> tuple[str, str | None, list[dict]]:
    """Text, intent name and entities of the participant's latest message."""
    msg = tracker.latest_message or {}
    return msg.get("text") or "", (msg.get("intent") or {}).get("name"), msg.get("entities") or []


def latest_confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


def changed_only(
    tracker: Tracker, events: list[dict[str, Any]], keep: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Drop SlotSets that leave a slot as it is (the last one per slot wins).

    Every stored event is re-read and re-featurized by Rasa on every later turn, so the
    form, which runs once per answer for the whole interview, only records real changes.
    """
    last = {e["name"]: i for i, e in enumerate(events) if e.get("event") == "slot"}
    return [
        e
        for i, e in enumerate(events)
        if e.get("event") != "slot"
        or (last[e["name"]] == i and (e["name"] in keep or tracker.get_slot(e["name"]) != e["value"]))
    ]
