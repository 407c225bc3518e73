"""Fixtures for the researcher storage tests: a fresh database URL per test.

Tests take `research_db_url`; it is SQLite for now, and can be parametrised over
PostgreSQL by pointing it at tests/conftest.py's `database_url` fixture.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.orm import Session

from bot.research.db import engine_for, upgrade
from tests.research.events import create_events_table


@pytest.fixture
def research_db_url(fresh_database_url) -> str:
    """A new empty database: SQLite, or the kind named by RESEARCH_DB_KIND (e.g. postgresql)."""
    return fresh_database_url(os.environ.get("RESEARCH_DB_KIND", "sqlite"))


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
