"""The speed-ups behave exactly like the Rasa code they replace."""

from __future__ import annotations

import pytest
import rasa.shared.utils.validation as rasa_validation
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.exceptions import SchemaValidationError
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.schemas.data_schema import entity_dict_schema, rasa_nlu_data_schema

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


ENTITY_DICTS_VALID = [
    {"entity": "quality_issue", "value": "drift"},
    {"entity": "data_source", "value": "public_data", "role": "main", "group": "1"},
]
ENTITY_DICTS_INVALID = [
    {"entity": 3, "value": "drift"},
    {"value": "drift"},
    {"entity": "quality_issue", "value": ["drift"]},
]


@pytest.mark.parametrize("data", ENTITY_DICTS_VALID)
def test_valid_entity_annotations_pass_both(data):
    schema = entity_dict_schema()
    assert rasa_validation.validate_training_data(data, schema) is None
    assert rasa_speedups.validate_training_data(data, schema) is None


@pytest.mark.parametrize("data", ENTITY_DICTS_INVALID)
def test_invalid_entity_annotations_fail_both_with_the_same_message(data):
    schema = entity_dict_schema()
    with pytest.raises(SchemaValidationError) as original:
        rasa_validation.validate_training_data(data, schema)
    with pytest.raises(SchemaValidationError) as ours:
        rasa_speedups.validate_training_data(data, schema)
    assert str(ours.value) == str(original.value)


def test_each_schema_gets_its_own_validator():
    """The JSON NLU format's schema is validated too (rasa/shared/nlu/training_data/formats/rasa.py)."""
    nlu = {"rasa_nlu_data": {"common_examples": [{"text": "hi", "intent": "greet"}]}}
    rasa_speedups.validate_training_data(nlu, rasa_nlu_data_schema())
    with pytest.raises(SchemaValidationError):
        rasa_speedups.validate_training_data(
            {"rasa_nlu_data": {"common_examples": "hi"}}, rasa_nlu_data_schema()
        )
    with pytest.raises(SchemaValidationError):
        rasa_speedups.validate_training_data(nlu, entity_dict_schema())


@pytest.fixture
def installed(monkeypatch):
    """install(), undone after the test (monkeypatch restores what it set first)."""
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction.__dict__["_validate_action_result"]
    )
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(rasa_validation, "validate_training_data", rasa_validation.validate_training_data)
    rasa_speedups.install()


def test_training_data_with_a_bad_entity_is_refused_after_install(installed, tmp_path):
    bad = tmp_path / "nlu.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n    - [drift]{"value": "drift"}\n')
    good = tmp_path / "good.yml"
    good.write_text(
        'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n'
        '    - the [labels]{"entity": "quality_issue", "value": "noisy_labels"} are wrong\n'
    )
    assert rasa_validation.validate_training_data is rasa_speedups.validate_training_data
    with pytest.raises(SchemaValidationError):
        load_data(str(bad))
    [example] = load_data(str(good)).training_examples
    assert example.get("entities")[0]["value"] == "noisy_labels"
