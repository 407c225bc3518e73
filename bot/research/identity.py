"""Participant pseudonyms and the guide version stamped on each interview.

A pseudonym is a keyed hash (HMAC-SHA256) of the sender id: stable across rebuilds, so
researchers can cite "P-3f9a…" in papers, yet not reversible without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from pathlib import Path

import yaml

from bot.guide import GUIDE_DIR
from bot.settings import DEV_PSEUDONYM_KEY, get_settings


def pseudonym(sender_id: str) -> str:
    settings = get_settings()
    if settings.pseudonym_key == DEV_PSEUDONYM_KEY and settings.environment != "development":
        raise RuntimeError("PSEUDONYM_KEY is not set: refusing the development key outside development")
    digest = hmac.new(
        settings.pseudonym_key.encode(), sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()
    return "P-" + digest[:10]


@cache
def guide_version(path: Path = GUIDE_DIR / "questions.yml") -> str:
    """questions.yml's `version` field if it has one, else the first 12 hex of its SHA-256."""
    raw = path.read_bytes()
    version = (yaml.safe_load(raw) or {}).get("version")
    return str(version) if version is not None else hashlib.sha256(raw).hexdigest()[:12]
