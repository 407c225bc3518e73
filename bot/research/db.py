"""Engines and schema migrations for the researcher tables, run by the code that needs them.

`upgrade()` brings any database (empty, or already holding Rasa's `events`) to the newest
Alembic revision; it is cheap when the schema is already there, so every process calls it
at start instead of relying on someone remembering `alembic upgrade`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT = 5  # seconds; an unreachable PostgreSQL must fail fast, not hang
#: pg_advisory_xact_lock key, so that servers starting together migrate one at a time
MIGRATION_LOCK = 7_142_015


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened (message is safe to show: password masked)."""


def masked(url: str | sa.engine.URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str, create: bool = True) -> Engine:
    """An engine with a connect timeout. create=False refuses a SQLite file that does not
    exist (a mistyped path should not silently make a new empty database)."""
    parsed = make_url(url)
    connect_args: dict = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.exists() and not create:
            raise DatabaseUnavailable(f"no database file at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(parsed, future=True, pool_pre_ping=True, connect_args=connect_args)


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except DBAPIError as e:
        raise unavailable(engine, e) from None


def unavailable(engine: Engine, error: Exception) -> DatabaseUnavailable:
    reason = str(getattr(error, "orig", error)).strip().splitlines()
    return DatabaseUnavailable(
        f"cannot reach database {masked(engine.url)}: {reason[0] if reason else error}"
    )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: sa.engine.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: str | Engine) -> str:
    """Migrate to head (idempotent); returns the revision. Raises DatabaseUnavailable."""
    engine = database if isinstance(database, Engine) else engine_for(database)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if current_revision(conn) != head_revision():
                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
    except DBAPIError as e:
        if e.connection_invalidated or isinstance(e, sa.exc.OperationalError):
            raise unavailable(engine, e) from None
        raise
    return head_revision()
