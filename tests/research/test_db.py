"""Migrations run by themselves, agree with the models, and fail fast on a dead database."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.research.db import DatabaseUnavailable, check_reachable, engine_for, head_revision, upgrade
from bot.research.models import metadata
from tests.research.events import create_events_table, full_interview

OUR_TABLES = {"interviews", "turns", "issue_mentions", "tracker_snapshots"}


def tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_creates_the_tables_on_an_empty_database(research_db_url):
    assert upgrade(research_db_url) == head_revision()
    engine = engine_for(research_db_url)
    assert OUR_TABLES | {"alembic_version"} <= tables(engine)
    assert "events" not in tables(engine)


def test_upgrade_beside_rasas_events_keeps_them_and_is_idempotent(research_db_url):
    engine = engine_for(research_db_url)
    create_events_table(engine)
    full_interview().write(engine)
    upgrade(engine)
    started = time.perf_counter()
    upgrade(engine)
    assert time.perf_counter() - started < 0.5
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from events")).scalar_one() == 98


def test_models_and_migrations_agree(research_db_url):
    engine = engine_for(research_db_url)
    create_events_table(engine)  # Rasa's table must not show up as a difference
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: type_ != "table" or name in metadata.tables,
            },
        )
        assert compare_metadata(context, metadata) == []


def test_unreachable_postgresql_fails_fast_with_masked_password():
    started = time.perf_counter()
    with pytest.raises(DatabaseUnavailable) as error:
        upgrade("postgresql://u:secret@127.0.0.1:1/x")
    assert time.perf_counter() - started < 10
    assert "secret" not in str(error.value) and "127.0.0.1" in str(error.value)


def test_missing_sqlite_file_is_refused_when_not_creating(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="no database file"):
        check_reachable(engine_for(f"sqlite:///{tmp_path / 'nope.db'}", create=False))


def test_an_older_schema_is_migrated_keeping_its_rows(research_db_url):
    from alembic import command

    from bot.research.db import alembic_config

    engine = engine_for(research_db_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            sa.text(
                "insert into interviews (sender_id, pseudonym, status, started_at, guide_version,"
                " last_event_id, turn_count, followup_state) values"
                " ('s1', 'P-1', 'in_progress', 1.0, 'v', 3, 2, '{\"issue\": \"drift\"}')"
            )
        )
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(sa.text("select fold_state from interviews")).scalar() == '{"issue": "drift"}'
