"""End-to-end fixtures: the real servers, started once per test session."""

from __future__ import annotations

import pytest

from bot.local_servers import MODEL, Servers, start_servers, stop_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("servers")
    # a small tracker window moves every few turns: the whole-interview tests check it too
    running = start_servers(
        workdir, f"sqlite:///{workdir / 'interviews.db'}", env_extra={"TRACKER_WINDOW_EVENTS": "40"}
    )
    yield running
    stop_servers(running)
