"""What the bot says while the action server is down, instead of saying nothing.

Rasa 3.6 logs a failed custom action, drops its events and carries on, so the participant
gets no reply and their answer sits in the history unprocessed. `install()` wraps every
action the processor runs: when the action server cannot be reached, the bot apologises and
undoes the participant's message (UserUtteranceReverted, Rasa's own fallback pattern), so the
interview stays at the open question and the same answer can simply be sent again. The
message stays in the event log, so the transcript keeps every word.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUtteranceReverted, UserUttered
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, I have a technical problem and couldn't take in your last message. Nothing you "
    "said before is lost. Please send it again in a minute."
)
MARK = "action_server_unavailable"


def _unreachable(error: BaseException) -> bool:
    cause = error.__cause__ or error.__context__
    return isinstance(cause, aiohttp.ClientError | TimeoutError)


def _awaits_reply(tracker) -> bool:
    """True when the participant's message of this turn is on the tracker."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted) and event.action_name == "action_listen":
            return False
    return False


class _Guarded:
    """An action whose run() turns "action server unreachable" into an apology."""

    def __init__(self, action: Any) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    async def run(self, output_channel, nlg, tracker, domain):
        try:
            return await self._action.run(output_channel, nlg, tracker, domain)
        except RasaException as error:
            if not _unreachable(error):
                raise
            logger.error("action server unreachable while running %s", self._action.name())
            if not _awaits_reply(tracker):
                return []
            return [BotUttered(APOLOGY, metadata={MARK: True}), UserUtteranceReverted()]


def install() -> None:
    """Wrap MessageProcessor._run_action once (idempotent)."""
    original = MessageProcessor._run_action
    if getattr(original, "_guarded", False):
        return

    async def _run_action(self, action, *args, **kwargs):
        return await original(self, _Guarded(action), *args, **kwargs)

    _run_action._guarded = True
    MessageProcessor._run_action = _run_action
