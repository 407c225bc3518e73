"""Rasa's SQL tracker store, configured from settings, that can forget a participant.

The event log in this store is the transcript's source of truth. When an action sets
`purge_requested` (consent refused, "delete my data" confirmed), `save` deletes every
event of that conversation instead of writing the new ones, so nothing of it remains.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.settings import get_settings

logger = logging.getLogger(__name__)
PURGE_SLOT = "purge_requested"


class InterviewTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        database_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        url = make_url(database_url or get_settings().database_url)
        if url.drivername.startswith("sqlite") and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(PURGE_SLOT):
            await self.purge(tracker.sender_id)
            return
        await super().save(tracker)

    async def purge(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many went."""
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("purged %d events of one conversation", deleted)
        return deleted
