"""`python -m bot`: list, show, delete and rebuild interviews, and check the database.

For researchers and operators. Exit codes: 0 ok, 1 unknown interview or bad input,
2 database unreachable — one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.research.db import (
    DatabaseUnavailable,
    check_reachable,
    current_revision,
    engine_for,
    head_revision,
    masked,
    upgrade,
)
from bot.research.deletion import EVENTS, delete_participant
from bot.research.models import Interview, IssueMention, Turn
from bot.research.projection import rebuild
from bot.settings import get_settings

OK, BAD_INPUT, UNREACHABLE = 0, 1, 2
TABLES = ("interviews", "turns", "issue_mentions", "tracker_snapshots", "events")


class BadInput(Exception):
    """Unknown interview, or an argument that makes no sense: exit code 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit 2, which here means "database unreachable"
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="database to use (default: DATABASE_URL from .env)"
    )
    parser = Parser(
        prog="python -m bot",
        description="Researcher and operator commands for the interview database. "
        "Exit codes: 0 ok, 1 unknown interview or bad input, 2 database unreachable.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    p = sub.add_parser(
        "list", parents=[common], help="list interviews", description="List interviews, newest last."
    )
    p.add_argument("--status", help="only interviews with this status (e.g. completed, in_progress)")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p = sub.add_parser(
        "show", parents=[common], help="show one transcript", description="Show one interview's transcript."
    )
    p.add_argument("interview", help="pseudonym (P-…), sender id or numeric interview id")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p = sub.add_parser(
        "delete",
        parents=[common],
        help="delete a participant everywhere",
        description="Delete every row of one participant: researcher tables, tracker snapshots and "
        "Rasa's event log. Asks for confirmation unless --yes.",
    )
    p.add_argument("interview", help="pseudonym (P-…), sender id or numeric interview id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p = sub.add_parser(
        "rebuild",
        parents=[common],
        help="regenerate researcher tables from the event log",
        description="Delete the researcher tables' rows (all, or one interview's) and project them "
        "again from Rasa's event log, the single source of truth.",
    )
    p.add_argument("interview", nargs="?", help="only this interview (pseudonym, sender id or id)")
    sub.add_parser(
        "status",
        parents=[common],
        help="database status",
        description="Database URL (password masked), reachability, schema revision, rows per table, "
        "and conversations in the event log not (yet) in the interviews table.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help (0) or bad usage (1, see Parser.error)
        return int(e.code or 0)
    url = getattr(args, "database_url", None) or get_settings().database_url
    try:
        return COMMANDS[args.command](args, url)
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return BAD_INPUT
    except DatabaseUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return UNREACHABLE
    except sa.exc.OperationalError as e:
        print(f"error: database {masked(url)} failed: {str(e.orig).strip().splitlines()[0]}", file=sys.stderr)
        return UNREACHABLE


def _open(url: str) -> sa.engine.Engine:
    """A reachable, migrated database (migrations run by themselves)."""
    engine = engine_for(url, create=False)
    check_reachable(engine)
    upgrade(engine)
    return engine


def find_interview(session: Session, ref: str) -> Interview | None:
    query = sa.select(Interview).where(
        sa.or_(Interview.pseudonym == ref, Interview.sender_id == ref, Interview.id == _int(ref))
    )
    return session.execute(query.order_by(Interview.id)).scalars().first()


def _int(ref: str) -> int:
    return int(ref) if ref.isdigit() and len(ref) < 10 else -1


def when(epoch: float | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def interview_dict(interview: Interview, mentions: int) -> dict:
    return {
        "id": interview.id,
        "pseudonym": interview.pseudonym,
        "sender_id": interview.sender_id,
        "status": interview.status,
        "channel": interview.channel,
        "started_at": interview.started_at,
        "ended_at": interview.ended_at,
        "guide_version": interview.guide_version,
        "turns": interview.turn_count,
        "issue_mentions": mentions,
    }


def cmd_list(args, url: str) -> int:
    with Session(_open(url), future=True) as session:
        mentions = (
            sa.select(sa.func.count(IssueMention.id))
            .join(Turn, IssueMention.turn_id == Turn.id)
            .where(Turn.interview_id == Interview.id)
            .scalar_subquery()
        )
        query = sa.select(Interview, mentions).order_by(Interview.started_at, Interview.id)
        if args.status:
            query = query.where(Interview.status == args.status)
        rows = [interview_dict(iv, n) for iv, n in session.execute(query)]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return OK
    if not rows:
        print("no interviews" + (f" with status {args.status}" if args.status else ""))
        return OK
    print(
        f"{'id':>4}  {'pseudonym':<12}  {'status':<14}  {'channel':<9}  {'started':<23}  {'turns':>5}  issues"
    )
    for r in rows:
        print(
            f"{r['id']:>4}  {r['pseudonym']:<12}  {r['status']:<14}  {r['channel'] or '-':<9}  "
            f"{when(r['started_at']):<23}  {r['turns']:>5}  {r['issue_mentions']:>6}"
        )
    return OK


def transcript(session: Session, interview: Interview) -> dict:
    turns = list(
        session.execute(
            sa.select(Turn).where(Turn.interview_id == interview.id).order_by(Turn.position)
        ).scalars()
    )
    position = {t.id: t.position for t in turns}
    mentions: dict[int, list[dict]] = {}
    query = sa.select(IssueMention).join(Turn, IssueMention.turn_id == Turn.id)
    for m in session.execute(
        query.where(Turn.interview_id == interview.id).order_by(IssueMention.id)
    ).scalars():
        mentions.setdefault(m.turn_id, []).append(
            {
                "quality_issue": m.quality_issue,
                "words": m.words,
                "followup_turn": position.get(m.followup_turn_id),
            }
        )
    data = interview_dict(interview, sum(len(v) for v in mentions.values()))
    data["turns"] = [
        {
            "position": t.position,
            "speaker": t.speaker,
            "timestamp": t.timestamp,
            "question_id": t.question_id,
            "text": t.text,
            "intent": t.intent,
            "confidence": t.confidence,
            "entities": json.loads(t.entities) if t.entities else None,
            "issue_mentions": mentions.get(t.id, []),
        }
        for t in turns
    ]
    return data


def cmd_show(args, url: str) -> int:
    with Session(_open(url), future=True) as session:
        interview = find_interview(session, args.interview)
        if interview is None:
            raise BadInput(f"no interview {args.interview!r} (try: python -m bot list)")
        data = transcript(session, interview)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return OK
    print(
        f"Interview {data['id']} · {data['pseudonym']} · {data['status']} · {data['channel'] or '-'} · "
        f"guide {data['guide_version']}\nstarted {when(data['started_at'])}, ended {when(data['ended_at'])}, "
        f"{len(data['turns'])} turns, {data['issue_mentions']} issue mentions\n"
    )
    for t in data["turns"]:
        about = f" ({t['question_id']})" if t["question_id"] else ""
        intent = (
            f" [{t['intent']} {t['confidence']:.2f}]" if t["intent"] and t["confidence"] is not None else ""
        )
        print(f"{t['position']:>4} {when(t['timestamp'])[11:19]} {t['speaker']}{about}{intent}: {t['text']}")
        for m in t["issue_mentions"]:
            answered = (
                f"answered in turn {m['followup_turn']}" if m["followup_turn"] else "no follow-up answer"
            )
            print(f'       issue {m["quality_issue"]}: "{m["words"]}" — {answered}')
    return OK


def cmd_delete(args, url: str) -> int:
    engine = _open(url)
    with Session(engine, future=True) as session:
        interview = find_interview(session, args.interview)
        sender_id = interview.sender_id if interview else args.interview
        if interview is None and not _has_events(session, sender_id):
            raise BadInput(f"no interview or conversation {args.interview!r} (try: python -m bot list)")
        label = (
            f"interview {interview.id} ({interview.pseudonym})"
            if interview
            else f"conversation {sender_id!r}"
        )
        if not args.yes and not _confirm(f"Delete {label} and every event of it, for good? [y/N] "):
            print("nothing deleted")
            return BAD_INPUT
        counts = delete_participant(session, sender_id)
        session.commit()
    print(f"deleted {label}: " + ", ".join(f"{counts[t]} {t}" for t in TABLES))
    return OK


def _has_events(session: Session, sender_id: str) -> bool:
    if not sa.inspect(session.connection()).has_table("events"):
        return False
    query = sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == sender_id).limit(1)
    return session.execute(query).first() is not None


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def cmd_rebuild(args, url: str) -> int:
    engine = _open(url)
    sender_id = None
    if args.interview:
        with Session(engine, future=True) as session:
            interview = find_interview(session, args.interview)
            sender_id = interview.sender_id if interview else args.interview
            known = _has_events(session, sender_id)
        if interview is None and not known:
            raise BadInput(f"no interview or conversation {args.interview!r} (try: python -m bot list)")
    counts = rebuild(engine, sender_id)
    print(
        f"rebuilt from the event log: {counts.interviews} interviews, {counts.turns} turns, "
        f"{counts.mentions} issue mentions"
    )
    return OK


def cmd_status(args, url: str) -> int:
    print(f"database: {masked(url)}")
    engine = engine_for(url, create=False)
    check_reachable(engine)
    print("reachable: yes")
    with engine.connect() as conn:
        revision, head = current_revision(conn), head_revision()
        state = (
            "up to date" if revision == head else "migrations pending (run any command but status to apply)"
        )
        print(f"schema revision: {revision or 'none'} (head {head}): {state}")
        inspector = sa.inspect(conn)
        for table in TABLES:
            count = (
                conn.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
                if inspector.has_table(table)
                else None
            )
            print(f"  {table:<18} {'missing' if count is None else count}")
        if inspector.has_table("events") and inspector.has_table("interviews"):
            missing = conn.execute(
                sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id))).where(
                    EVENTS.c.sender_id.not_in(sa.select(Interview.sender_id))
                )
            ).scalar_one()
            print(
                f"conversations in events but not in interviews: {missing} "
                "(consent not given yet, or not rebuilt)"
            )
    return OK


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "delete": cmd_delete,
    "rebuild": cmd_rebuild,
    "status": cmd_status,
}
