"""Database fixtures: run a test on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started lazily, once per session, only when a test asks for it;
it is a private throwaway cluster (bot/postgres_server.py), never a server we did not start.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from bot.postgres_server import PostgresServer, PostgresUnavailable

DATABASE_KINDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (installs Debian's postgresql when root and missing)."""
    server = PostgresServer(install=True)
    try:
        server.start()
        error = None
    except PostgresUnavailable as e:
        error = str(e)
    if error:  # outside the except block, so the report shows the message once, without a traceback
        pytest.fail(f"PostgreSQL tests need a server and none could be started:\n{error}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[[str], str]]:
    """make(kind) -> URL of a new empty database: "sqlite" (a file under tmp_path) or
    "postgresql" (a database on the session server, dropped at teardown)."""
    created: list[tuple[PostgresServer, str]] = []

    def make(kind: str) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        if kind == "postgresql":
            server = request.getfixturevalue("postgres_server")
            url = server.create_database(name)
            created.append((server, name))
            return url
        raise ValueError(f"unknown database kind {kind!r}, expected one of {DATABASE_KINDS}")

    yield make
    for server, name in created:
        server.drop_database(name)


@pytest.fixture(params=DATABASE_KINDS, ids=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]) -> str:
    """URL of a fresh empty database; a test taking it runs once on SQLite, once on PostgreSQL."""
    return fresh_database_url(request.param)
