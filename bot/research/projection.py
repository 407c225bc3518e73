"""Rasa's event log folded into interviews, turns and issue mentions.

A fold, so the tracker store can hand over only each turn's new events: the state it
continues from lives on the `interviews` row (last_event_id, open_question, turn_count,
fold_state), never in memory between calls. Applying a log in one batch or in any
split of consecutive batches writes the same rows, and `rebuild` (delete, re-apply the whole
`events` table) writes exactly what incremental application wrote.

Consent gates everything: nothing is written for a sender until `interview_status` first
becomes in_progress; then the opening (welcome, consent question, the "yes") is read back
from `events` and written with the rest. `declined` or `withdrawn` deletes the sender's rows.

Text rule: NUL and unpaired surrogates (which PostgreSQL text cannot hold) become U+FFFD,
on every database alike; everything else is stored verbatim. `events` keeps the original.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.research.deletion import delete_research_rows
from bot.research.identity import guide_version, pseudonym
from bot.research.models import BOT, PARTICIPANT, Interview, IssueMention, Turn

EventRow = tuple[int, dict]
EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("data"))

CONSENTED = "in_progress"
ERASED = {"declined", "withdrawn"}
ENDED = {"completed", "stopped"}
KEEPS_STATUS = {"delete_pending"}  # the previous status stands while deletion is being confirmed
FOLLOWUP = "followup."
ISSUE_ENTITY = "quality_issue"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """The one storage rule for text: NUL and lone surrogates → U+FFFD, on every database."""
    return _UNSTORABLE.sub("\ufffd", text)


def _is_consent(event: dict) -> bool:
    return (
        event.get("event") == "slot"
        and event.get("name") == "interview_status"
        and event.get("value") == CONSENTED
    )


def apply_events(session: Session, sender_id: str, events: Sequence[EventRow]) -> Interview | None:
    """Project one conversation's new events (events.id, event dict) into the researcher tables.

    Continues from the stored state; events at or below `last_event_id` are ignored, so a
    repeated call is harmless. Flushes, never commits. Returns the interview (None when there
    is none, e.g. before consent).
    """
    batch = sorted(events, key=lambda row: row[0])
    interview = session.execute(
        sa.select(Interview).where(Interview.sender_id == sender_id)
    ).scalar_one_or_none()
    if interview is not None:
        batch = [row for row in batch if row[0] > interview.last_event_id]
        if not batch:
            return interview
        fold = _Fold(session, sender_id, interview)
    else:
        if not any(_is_consent(event) for _, event in batch):
            return None
        fold = _Fold(session, sender_id)
        batch = earlier_events(session, sender_id, before=batch[0][0]) + batch
    for event_id, event in batch:
        fold.apply(event_id, event)
    return fold.finish()


def earlier_events(session: Session, sender_id: str, before: int) -> list[EventRow]:
    """The sender's events before `before` (the few pre-consent ones, read once at consent)."""
    if not sa.inspect(session.connection()).has_table("events"):
        return []
    rows = session.execute(
        sa.select(EVENTS.c.id, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.id < before)
        .order_by(EVENTS.c.id)
    )
    return [(event_id, json.loads(data)) for event_id, data in rows]


@dataclass
class RebuildCounts:
    interviews: int = 0
    turns: int = 0
    mentions: int = 0


def rebuild(session_or_engine: Session | Engine, sender_id: str | None = None) -> RebuildCounts:
    """Delete the researcher rows (all, or one sender's) and project them again from `events`.

    Given an engine, commits; given a session, only flushes (the caller commits).
    """
    if isinstance(session_or_engine, Engine):
        with Session(session_or_engine, future=True) as session, session.begin():
            return rebuild(session, sender_id)
    session = session_or_engine
    session.flush()
    delete_research_rows(session, sender_id)
    counts = RebuildCounts()
    if not sa.inspect(session.connection()).has_table("events"):
        return counts
    query = sa.select(EVENTS.c.sender_id, EVENTS.c.id, EVENTS.c.data).order_by(
        EVENTS.c.sender_id, EVENTS.c.id
    )
    if sender_id is not None:
        query = query.where(EVENTS.c.sender_id == sender_id)
    for sender, rows in _by_sender(session.execute(query).yield_per(1000)):
        interview = apply_events(session, sender, rows)
        if interview is not None:
            counts.interviews += 1
            counts.turns += interview.turn_count
            counts.mentions += session.execute(
                sa.select(sa.func.count(IssueMention.id))
                .join(Turn, IssueMention.turn_id == Turn.id)
                .where(Turn.interview_id == interview.id)
            ).scalar_one()
    return counts


def _by_sender(rows: Iterable) -> Iterable[tuple[str, list[EventRow]]]:
    sender, batch = None, []
    for row_sender, event_id, data in rows:
        if row_sender != sender and batch:
            yield sender, batch
            batch = []
        sender = row_sender
        batch.append((event_id, json.loads(data)))
    if batch:
        yield sender, batch


class _Fold:
    """The projection's state machine for one sender during one call."""

    def __init__(self, session: Session, sender_id: str, interview: Interview | None = None) -> None:
        self.session = session
        self.sender_id = sender_id
        self.interview = interview
        self.pending: list[Turn] = []  # turns before consent: kept only if consent comes
        self.pending_mentions: list[IssueMention] = []
        self.created: list[object] = []  # rows added in this call (forgotten again on erase)
        self.channel: str | None = None
        self.version: str | None = None
        self.last_id: int | None = None
        self.open_question = interview.open_question if interview else None
        state = json.loads(interview.fold_state) if interview and interview.fold_state else {}
        self.followup_issue: str | None = state.get("issue")
        #: (title, payload) of the buttons last offered: a click is stored as what it said
        self.buttons: list[list[str]] = state.get("buttons") or []
        ids = state.get("mentions") or []
        self.targets: list[IssueMention] = (
            list(session.execute(sa.select(IssueMention).where(IssueMention.id.in_(ids))).scalars())
            if ids
            else []
        )

    def apply(self, event_id: int, event: dict) -> None:
        kind = event.get("event")
        if kind == "user":
            self._participant(event_id, event)
        elif kind == "bot":
            self._bot(event_id, event)
        elif kind == "slot" and event.get("name") == "interview_status":
            self._status(event, event.get("value"))
        elif kind == "slot" and event.get("name") == "current_question":
            self.open_question = event.get("value")
        self.last_id = event_id

    # -- turns ---------------------------------------------------------------------------

    def _add(self, turn: Turn) -> Turn:
        if self.interview is None:
            self.pending.append(turn)
        else:
            self._attach(turn)
        return turn

    def _attach(self, turn: Turn) -> None:
        self.interview.turn_count += 1
        turn.position = self.interview.turn_count
        turn.interview = self.interview
        self._keep(turn)

    def _keep(self, row: object) -> None:
        self.session.add(row)
        self.created.append(row)

    def _participant(self, event_id: int, event: dict) -> None:
        text = event.get("text") or ""
        shown = next((title for title, payload in self.buttons if payload == text), text)
        self.buttons = []
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        entities = [e for e in parse.get("entities") or [] if isinstance(e, dict)]
        self.channel = self.channel or event.get("input_channel")
        if self.interview is not None and self.interview.channel is None:
            self.interview.channel = self.channel
        turn = self._add(
            Turn(
                speaker=PARTICIPANT,
                text=clean_text(shown),
                timestamp=event["timestamp"],
                question_id=self.open_question,
                intent=intent.get("name"),
                confidence=intent.get("confidence"),
                entities=clean_text(json.dumps(entities, ensure_ascii=False)),
                event_id=event_id,
            )
        )
        for entity in entities:
            if entity.get("entity") == ISSUE_ENTITY and entity.get("value") is not None:
                mention = IssueMention(
                    turn=turn, quality_issue=str(entity["value"]), words=_words(text, entity)
                )
                if self.interview is None:
                    self.pending_mentions.append(mention)
                else:
                    self._keep(mention)
        if self.followup_issue and self.open_question == FOLLOWUP + self.followup_issue:
            # the last reply while the follow-up is open is its answer (digressions are superseded)
            for mention in self.targets:
                mention.followup_turn = turn

    def _bot(self, event_id: int, event: dict) -> None:
        metadata = event.get("metadata") or {}
        question_id = metadata.get("question_id")
        buttons = (event.get("data") or {}).get("buttons") or []
        if buttons:
            self.buttons = [[str(b.get("title")), str(b.get("payload"))] for b in buttons if b.get("payload")]
        self.version = self.version or metadata.get("guide_version")
        self._add(
            Turn(
                speaker=BOT,
                text=clean_text(event.get("text") or ""),
                timestamp=event["timestamp"],
                question_id=question_id,
                event_id=event_id,
            )
        )
        if not question_id:
            return
        self.open_question = question_id
        if question_id.startswith(FOLLOWUP) and self.interview is not None:
            issue = question_id[len(FOLLOWUP) :]
            if issue != self.followup_issue:  # a new follow-up; the same id again is a re-ask
                self.followup_issue = issue
                self.targets = self._latest_unanswered(issue)

    def _latest_unanswered(self, issue: str) -> list[IssueMention]:
        """The mentions of `issue` in the latest turn that has any not yet followed up."""
        self.session.flush()
        mentions = list(
            self.session.execute(
                sa.select(IssueMention)
                .join(Turn, IssueMention.turn_id == Turn.id)
                .where(
                    Turn.interview_id == self.interview.id,
                    IssueMention.quality_issue == issue,
                    IssueMention.followup_turn_id.is_(None),
                )
                .order_by(Turn.position.desc(), IssueMention.id)
            ).scalars()
        )
        return [m for m in mentions if m.turn_id == mentions[0].turn_id] if mentions else []

    # -- status --------------------------------------------------------------------------

    def _status(self, event: dict, status: str | None) -> None:
        if status in ERASED:
            self._erase()
        elif self.interview is None:
            if status == CONSENTED:
                self._consent(event)
        elif status is not None and status not in KEEPS_STATUS:
            self.interview.status = status
            self.interview.ended_at = event["timestamp"] if status in ENDED else None

    def _consent(self, event: dict) -> None:
        pending, mentions, self.pending, self.pending_mentions = self.pending, self.pending_mentions, [], []
        self.interview = Interview(
            sender_id=self.sender_id,
            pseudonym=pseudonym(self.sender_id),
            channel=self.channel,
            status=CONSENTED,
            started_at=pending[0].timestamp if pending else event["timestamp"],
            guide_version=self.version or guide_version(),
            last_event_id=0,
            turn_count=0,
        )
        self._keep(self.interview)
        for turn in pending:
            self._attach(turn)
        for mention in mentions:
            self._keep(mention)

    def _erase(self) -> None:
        """Declined or withdrawn: no row of this conversation may remain."""
        if self.interview is not None:
            self.session.flush()
            delete_research_rows(self.session, self.sender_id)
            for row in self.created + self.targets + [self.interview]:
                if row in self.session:
                    self.session.expunge(row)
        self.interview, self.created, self.targets, self.followup_issue = None, [], [], None
        self.pending, self.pending_mentions = [], []

    def finish(self) -> Interview | None:
        if self.interview is None:
            self.session.flush()
            return None
        self.session.flush()  # mention ids for the follow-up state
        self.interview.open_question = self.open_question
        self.interview.last_event_id = self.last_id
        state = {
            "issue": self.followup_issue,
            "mentions": [m.id for m in self.targets],
            "buttons": self.buttons,
        }
        self.interview.fold_state = json.dumps(state) if self.followup_issue or self.buttons else None
        self.session.flush()
        return self.interview


def _words(text: str, entity: dict) -> str:
    start, end = entity.get("start"), entity.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return clean_text(text[start:end])
    return clean_text(str(entity.get("text") or entity.get("value")))
