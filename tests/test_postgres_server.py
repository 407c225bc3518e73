"""The throwaway PostgreSQL server (bot/postgres_server.py) and the database fixtures."""

from __future__ import annotations

import socket

import psycopg2
import pytest
import sqlalchemy as sa

from bot import postgres_server as pgs
from bot.postgres_server import PostgresServer, PostgresUnavailable

TEXTS = [
    "plain answer",
    "we retrain weekly 🚀🤖 and monitor drift 📉",
    "نحن نراقب دقة النموذج كل أسبوع",  # Arabic, right to left
    "אנחנו בודקים את הנתונים ידנית",  # Hebrew, right to left
    "x" * 10_000,
]


def scalar(server: PostgresServer, query: str, database: str = "postgres"):
    conn = server.connect(database)
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchone()[0]
    finally:
        conn.close()


def databases(server: PostgresServer) -> set[str]:
    conn = server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def test_listens_on_loopback_only(postgres_server):
    assert scalar(postgres_server, "SHOW listen_addresses") == "127.0.0.1"
    assert scalar(postgres_server, "SELECT host(inet_server_addr())") == "127.0.0.1"
    assert scalar(postgres_server, "SHOW unix_socket_directories") == str(postgres_server.dir)
    assert scalar(postgres_server, "SHOW server_encoding") == "UTF8"
    assert int(scalar(postgres_server, "SHOW port")) == postgres_server.port


def test_create_and_drop_database(postgres_server):
    url = postgres_server.create_database("pgs_create_drop")
    assert url == f"postgresql://postgres@127.0.0.1:{postgres_server.port}/pgs_create_drop"
    assert "pgs_create_drop" in databases(postgres_server)
    assert scalar(postgres_server, "SELECT current_database()", "pgs_create_drop") == "pgs_create_drop"
    left_open = postgres_server.connect("pgs_create_drop")  # drop closes it
    postgres_server.drop_database("pgs_create_drop")
    left_open.close()
    assert "pgs_create_drop" not in databases(postgres_server)
    postgres_server.drop_database("pgs_create_drop")  # dropping again is a no-op


@pytest.mark.parametrize("name", ["Capitals", "has-dash", "x; DROP DATABASE postgres", "", "a" * 64])
def test_refuses_odd_database_names(postgres_server, name):
    with pytest.raises(ValueError):
        postgres_server.create_database(name)


def test_sqlalchemy_round_trip(database_url):
    engine = sa.create_engine(database_url)
    table = sa.Table(
        "answers",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    try:
        table.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(table.insert(), [{"text": t} for t in TEXTS])
        with engine.connect() as conn:
            assert [row.text for row in conn.execute(sa.select(table).order_by(table.c.id))] == TEXTS
    finally:
        engine.dispose()


def test_database_url_fixture_runs_on_both(request, database_url, tmp_path):
    kind = request.node.callspec.params["database_url"]
    assert request.node.callspec.id == kind
    if kind == "sqlite":
        assert database_url.startswith(f"sqlite:///{tmp_path}/")
    else:
        assert database_url.startswith("postgresql://postgres@127.0.0.1:")
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_fresh_database_url_drops_its_databases(postgres_server, fresh_database_url):
    first, second = fresh_database_url("postgresql"), fresh_database_url("postgresql")
    assert first != second
    assert {first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]} <= databases(postgres_server)
    with pytest.raises(ValueError):
        fresh_database_url("mysql")


def test_two_servers_at_once(postgres_server):
    with PostgresServer() as other:
        assert other.port != postgres_server.port
        assert other.dir != postgres_server.dir
        other.create_database("only_on_other")
        assert "only_on_other" in databases(other)
        assert "only_on_other" not in databases(postgres_server)
    assert scalar(postgres_server, "SELECT 1") == 1


def test_stop_leaves_nothing_behind():
    server = PostgresServer().start()
    datadir, pid, port = server.datadir, server.pid, server.port
    assert pgs._alive(pid)
    assert "server is running" in server.status()
    directory = server.dir
    server.stop()
    assert not pgs._alive(pid)
    assert not directory.exists() and not datadir.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=3)
    server.stop()  # idempotent


def test_start_failure_reports_the_server_log():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = PostgresServer(port=taken.getsockname()[1])
        with pytest.raises(PostgresUnavailable, match="(?s)server log.*could not bind"):
            server.start()
    assert server.dir is None  # cleaned up


def test_retries_when_the_free_port_is_taken_meanwhile(monkeypatch):
    real_free_port = pgs.free_port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        monkeypatch.setattr(pgs, "free_port", lambda: next(ports, None) or real_free_port())
        with PostgresServer() as server:
            assert server.port != taken.getsockname()[1]
            assert scalar(server, "SELECT 1") == 1


def test_missing_binaries_without_root_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pgs, "find_bindir", lambda: None)
    monkeypatch.setattr(pgs.os, "geteuid", lambda: 1000)
    with pytest.raises(PostgresUnavailable, match="apt-get install postgresql"):
        pgs.ensure_installed()
