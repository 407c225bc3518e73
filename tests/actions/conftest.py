"""Trackers built by hand, as the rasa server would send them to the action server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.interview import SLOTS


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict] | None = None,
    events: list[dict] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    all_slots = {
        **SLOTS,
        "answer": None,
        "interview_status": None,
        "requested_slot": None,
        "status_before_delete": None,
        "purge_requested": False,
        **(slots or {}),
    }
    return Tracker(
        sender_id="participant-1",
        slots=all_slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


@pytest.fixture
def tracker_factory():
    return make_tracker
