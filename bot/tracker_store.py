"""Rasa's SQL tracker store, configured from settings, with the interview's storage rules.

- The `events` table (Rasa's own) is the transcript's source of truth. Each save writes the
  turn's new events and, in the same transaction, projects them into the researcher tables
  (bot/research), so both are written exactly once or not at all.
- Nothing is stored before consent: until the participant says yes, the conversation lives
  in memory only (`PendingConsent`), so a "no" or an abandoned consent leaves no row behind.
- When an action sets `purge_requested` (consent refused, "delete my data" confirmed), every
  row of that participant goes, in every table.
- Rasa gets a bounded window of the history (bot/tracker_window.py): a compact prefix,
  stored in `tracker_snapshots`, plus the events after it, so reply time does not grow
  with the length of the interview.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot import tracker_window
from bot.research import db as research_db
from bot.research import projection
from bot.research.deletion import delete_participant
from bot.research.models import TrackerSnapshot
from bot.settings import get_settings

logger = logging.getLogger(__name__)
PURGE_SLOT = "purge_requested"
#: statuses before consent: such conversations are kept in memory only
NOT_CONSENTED = (None, "consent_pending", "declined")

SNAPSHOTS = TrackerSnapshot.__table__  # the window's prefixes (bot/tracker_window.py)


class PendingConsent:
    """Conversations waiting for consent, in memory, forgotten after `ttl` seconds idle
    (the session expiry) and beyond `capacity` conversations (oldest first)."""

    def __init__(self, ttl: float, capacity: int = 10_000) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[float, list[dict]]] = OrderedDict()

    def get(self, sender_id: str) -> list[dict] | None:
        self._expire()
        item = self._items.get(sender_id)
        return item[1] if item else None

    def put(self, sender_id: str, events: list[dict]) -> None:
        self._items.pop(sender_id, None)
        self._items[sender_id] = (time.monotonic(), events)
        self._expire()

    def drop(self, sender_id: str) -> None:
        self._items.pop(sender_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._items:
            sender_id, (touched, _) = next(iter(self._items.items()))
            if now - touched <= self.ttl and len(self._items) <= self.capacity:
                break
            del self._items[sender_id]


class InterviewTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        database_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        settings = get_settings()
        url = make_url(database_url or settings.database_url)
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
        # pre-ping: after a database restart, stale pooled connections are replaced, not used
        self.engine.dispose()
        url = self.engine.url
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        research_db.upgrade(self.engine)
        self.window_max = settings.tracker_window_events
        self.window_keep = max(self.window_max // 3, 1)
        expiry_minutes = domain.session_config.session_expiration_time if domain else 60
        self.pending = PendingConsent(ttl=(expiry_minutes or 60) * 60)

    # ---- reading -------------------------------------------------------------------

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        pending = self.pending.get(sender_id)
        if pending is not None:
            return DialogueStateTracker.from_dict(sender_id, pending, self.domain.slots)
        if fetch_events_from_all_sessions or not self.window_max:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            snapshot = session.execute(
                sa.select(SNAPSHOTS.c.upto_event_id, SNAPSHOTS.c.events).where(
                    SNAPSHOTS.c.sender_id == sender_id
                )
            ).first()
            if snapshot is None:
                return await super()._retrieve(sender_id, False)
            rows = session.execute(
                sa.select(self.SQLEvent.data)
                .where(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > snapshot.upto_event_id)
                .order_by(self.SQLEvent.id)
            ).scalars()
            events = json.loads(snapshot.events) + [json.loads(data) for data in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    # ---- writing -------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        if tracker.get_slot(PURGE_SLOT):
            await self.purge(sender_id)
            return
        if tracker.get_slot("interview_status") in NOT_CONSENTED and not self._has_rows(sender_id):
            self.pending.put(sender_id, [event.as_dict() for event in tracker.events])
            return
        self.pending.drop(sender_id)
        await self.stream_events(tracker)

        events = list(tracker.events)
        prefix_len, upto = tracker_window.prefix_length(events)
        with self.session_scope() as session:
            stored = self._stored_ids(session, sender_id, upto)
            new = events[prefix_len + len(stored) :]
            rows = [self._row(sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()
            projection.apply_events(session, sender_id, [(row.id, json.loads(row.data)) for row in rows])
            if self.window_max and len(events) - prefix_len > self.window_max:
                self._move_window(session, sender_id, events, prefix_len, stored + [r.id for r in rows])
            session.commit()

    async def purge(self, sender_id: str) -> dict[str, int]:
        """Delete every row of one participant, in every table; returns counts per table."""
        self.pending.drop(sender_id)
        with self.session_scope() as session:
            counts = delete_participant(session, sender_id)
            session.commit()
        logger.info("purged one conversation: %s", counts)
        return counts

    def _has_rows(self, sender_id: str) -> bool:
        with self.session_scope() as session:
            return (
                session.query(self.SQLEvent.id).filter(self.SQLEvent.sender_id == sender_id).first()
                is not None
            )

    def _stored_ids(self, session, sender_id: str, upto: int | None) -> list[int]:
        """Ids of the stored events the tracker's non-prefix events correspond to."""
        if upto is None:  # a whole session, as Rasa's own store reads it
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            return [row.id for row in query.with_entities(self.SQLEvent.id)]
        return list(
            session.execute(
                sa.select(self.SQLEvent.id)
                .where(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > upto)
                .order_by(self.SQLEvent.id)
            ).scalars()
        )

    def _row(self, sender_id: str, event: Event):
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _move_window(
        self, session, sender_id: str, events: list[Event], prefix_len: int, ids: list[int]
    ) -> None:
        """Replace the history before a recent turn by a compact prefix (see tracker_window)."""
        if len(ids) != len(events) - prefix_len:
            return  # a tracker not read from the store (brand new): next turn
        cut = tracker_window.window(events, self.domain.slots, prefix_len + 1, self.window_keep)
        if cut is None:
            return
        index, prefix = cut
        upto = ids[index - 1 - prefix_len]
        session.execute(SNAPSHOTS.delete().where(SNAPSHOTS.c.sender_id == sender_id))
        session.execute(
            SNAPSHOTS.insert().values(
                sender_id=sender_id,
                upto_event_id=upto,
                events=json.dumps(tracker_window.marked(prefix, upto)),
                created_at=time.time(),
            )
        )
