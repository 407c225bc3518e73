"""What the bot says while the action server or the database is down, instead of silence
or a wrong next question.

- Action server unreachable: Rasa 3.6 logs the failed custom action, drops its events and
  carries on, so the participant gets no reply and their answer sits in the history
  unprocessed. Every action the processor runs is wrapped: the bot apologises and undoes the
  participant's message (UserUtteranceReverted, Rasa's own fallback pattern), so the
  interview stays at the open question and the same answer can simply be sent again. The
  message stays in the event log, so the transcript keeps every word.
- Database unreachable: the turn cannot be read or saved, but Rasa's REST channel would
  still return the replies collected so far, i.e. the *next* question of a turn that was
  never saved; the participant's answer to it would then be taken for the previous one.
  The turn's replies are dropped and replaced by an apology asking to send it again.
  Rasa's FailSafeTrackerStore would hide such errors altogether: a failed read returns no
  tracker (the interview silently restarts at the welcome) and a failed save goes to memory
  only. For transcripts that must lose nothing, the error has to reach the guard above, so
  the wrapper passes reads and saves straight through.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUtteranceReverted, UserUttered
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, I have a technical problem and couldn't take in your last message. Nothing you "
    "said before is lost. Please send it again in a minute."
)
MARK = "action_server_unavailable"
DATABASE_APOLOGY = (
    "Sorry, I have a technical problem and couldn't save your last message. Please send it again in a minute."
)


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
    """Wrap MessageProcessor._run_action and handle_message once (idempotent)."""
    run_action, handle_message = MessageProcessor._run_action, MessageProcessor.handle_message
    if getattr(run_action, "_guarded", False):
        return

    async def _run_action(self, action, *args, **kwargs):
        return await run_action(self, _Guarded(action), *args, **kwargs)

    async def _handle_message(self, message):
        try:
            return await handle_message(self, message)
        except SQLAlchemyError as error:
            logger.error("database unavailable, turn not saved: %s", str(error).splitlines()[0])
            channel = message.output_channel
            if isinstance(channel, CollectingOutputChannel):
                channel.messages.clear()  # this turn was not saved: its replies must not show
            await channel.send_text_message(message.sender_id, DATABASE_APOLOGY)
            return None

    async def retrieve(self, sender_id):
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id):
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker):
        await self._tracker_store.save(tracker)

    _run_action._guarded = True
    MessageProcessor._run_action = _run_action
    MessageProcessor.handle_message = _handle_message
    FailSafeTrackerStore.retrieve = retrieve
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker
    FailSafeTrackerStore.save = save
