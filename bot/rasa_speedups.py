"""Two hot spots of Rasa 3.6 that py-spy found in the rasa server under load, removed.

With 20 interviews at once (make bench), the rasa server spent:
- half its CPU time in `RemoteAction._validate_action_result`: `jsonschema.validate()` first
  re-checks Rasa's own, constant response schema against the JSON Schema metaschema, on
  every action server response. We keep one compiled validator for that schema; responses
  are validated exactly as before, with Rasa's error message when invalid.
- a tenth in `Event.resolve_by_type`, which walks every Event subclass (recursively, with
  `inspect.isabstract`) for every event read back from the tracker store. We remember the
  class found for each type name (an unknown name is not remembered, so event classes
  defined later are still found).
`install()` is called by bot/rasa_server.py before Rasa starts.
"""

from __future__ import annotations

from functools import cache

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

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
