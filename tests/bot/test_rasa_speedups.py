"""The speed-ups behave exactly like the Rasa code they replace."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from bot import rasa_speedups

ORIGINAL = RemoteAction._validate_action_result
ACTION = RemoteAction("validate_interview_form", None)
VALID = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "answer", "value": "x", "timestamp": None}],
        "responses": [
            {"text": "Question?", "question_id": "background.position", "buttons": [], "custom": {}}
        ],
    },
]
INVALID = [
    {"events": [{"event": "slot", "name": 3}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": "answer", "timestamp": "yesterday"}]},
]


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_both(result):
    assert ORIGINAL(ACTION, result) is True
    assert rasa_speedups.validate_action_result(ACTION, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_both_with_rasas_message(result):
    with pytest.raises(ValidationError):
        ORIGINAL(ACTION, result)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        rasa_speedups.validate_action_result(ACTION, result)


@pytest.mark.parametrize("type_name", ["slot", "user", "action", "bot", "session_started", "active_loop"])
def test_event_classes_are_found_as_rasa_finds_them(type_name):
    assert rasa_speedups.resolve_by_type(type_name) is Event.resolve_by_type(type_name)
    assert rasa_speedups.resolve_by_type(type_name).type_name == type_name


def test_unknown_event_names_behave_as_in_rasa():
    assert rasa_speedups.resolve_by_type("topic") is None
    assert rasa_speedups.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        rasa_speedups.resolve_by_type("nonsense")


def test_events_deserialise_the_same():
    events = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"}), SlotSet("a", 1)]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events
