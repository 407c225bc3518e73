"""Fixtures for the researcher storage tests: a fresh database URL per test.

Tests take `research_db_url`, so each runs twice: on SQLite and on the throwaway
PostgreSQL server of tests/conftest.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.research.db import engine_for, upgrade
from tests.research.events import create_events_table


@pytest.fixture(params=["sqlite", "postgresql"])
def research_db_url(request, fresh_database_url) -> str:
    """A new empty database of each kind."""
    return fresh_database_url(request.param)


@pytest.fixture
def engine(research_db_url):
    """A migrated database that also has Rasa's `events` table, as in production."""
    engine = engine_for(research_db_url)
    create_events_table(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, future=True) as session:
        yield session
