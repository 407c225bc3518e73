"""Settings, read once from the environment and `.env` (python-dotenv) into one object.

Every process (rasa server, action server, tests, researcher commands) gets its
configuration here, so a `.env` line is the only thing to change between a laptop and a
PostgreSQL deployment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: the trained Rasa model every process serves or tests (make train writes it)
MODEL_PATH = PROJECT_ROOT / "models" / "interview.tar.gz"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'interviews.db'}"
#: development-only key for participant pseudonyms; refused outside development
DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"


@dataclass(frozen=True)
class Settings:
    database_url: str
    action_server_url: str
    environment: str
    #: HMAC key turning a sender id into a participant pseudonym (bot/research/identity.py)
    pseudonym_key: str = DEV_PSEUDONYM_KEY
    #: events Rasa may see beyond the compact prefix before the window moves (0: whole history)
    tracker_window_events: int = 120

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        action_server_url=os.environ.get("ACTION_SERVER_URL", "http://localhost:5055/webhook"),
        environment=os.environ.get("BOT_ENV", "development"),
        pseudonym_key=os.environ.get("PSEUDONYM_KEY") or DEV_PSEUDONYM_KEY,
        tracker_window_events=int(os.environ.get("TRACKER_WINDOW_EVENTS", "120")),
    )
