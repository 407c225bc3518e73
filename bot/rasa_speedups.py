"""Hot spots of Rasa 3.6, removed: two in the rasa server under load (found with py-spy),
one in loading training data (found with cProfile in `rasa train`).

With 20 interviews at once (make bench), the rasa server spent:
- half its CPU time in `RemoteAction._validate_action_result`: `jsonschema.validate()` first
  re-checks Rasa's own, constant response schema against the JSON Schema metaschema, on
  every action server response. We keep one compiled validator for that schema; responses
  are validated exactly as before, with Rasa's error message when invalid.
- a tenth in `Event.resolve_by_type`, which walks every Event subclass (recursively, with
  `inspect.isabstract`) for every event read back from the tracker store. We remember the
  class found for each type name (an unknown name is not remembered, so event classes
  defined later are still found).
- `rasa train` spent about 50 s of its 4.5 minutes reading the NLU data (twice: once for the
  NLU pipeline, once more for the domain), almost all of it in `validate_training_data`:
  `jsonschema.validate()` re-checks Rasa's constant entity schema against the metaschema for
  every annotated entity (2.5 ms each, ~10k entities). We keep one compiled validator per
  schema; the data is validated exactly as before, with Rasa's error when invalid.
`install()` is called by bot/rasa_server.py before Rasa starts (so for `make train` too).
"""

from __future__ import annotations

import json
from functools import cache

import rasa.shared.utils.validation as rasa_validation
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL, DOCS_URL_TRAINING_DATA
from rasa.shared.core.events import Event
from rasa.shared.exceptions import SchemaValidationError

_resolve_by_type = Event.resolve_by_type


@cache
def _validator():
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def validate_action_result(self, result: dict) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


@cache
def _schema_validator(schema_json: str):
    schema = json.loads(schema_json)
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # what jsonschema.validate() does on every call
    return validator_class(schema)


def validate_training_data(json_data: dict, schema: dict) -> None:
    """`rasa.shared.utils.validation.validate_training_data`, with the schema checked once."""
    error = best_match(_schema_validator(json.dumps(schema, sort_keys=True)).iter_errors(json_data))
    if error is not None:
        error.message += (
            ". Failed to validate data, make sure your data is valid. For more information "
            f"about the format visit {DOCS_URL_TRAINING_DATA}."
        )
        raise SchemaValidationError.create_from(error) from error


@cache
def _event_class(type_name: str):
    return _resolve_by_type(type_name)  # raises ValueError for an unknown name: not cached


def resolve_by_type(type_name: str, default=None):
    try:
        return _event_class(type_name)
    except ValueError:
        if default is not None:
            return default
        raise


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)
    rasa_validation.validate_training_data = validate_training_data
