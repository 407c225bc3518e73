"""The `rasa` command line, with the interview's start-up checks and outage guard.

`python -m bot.rasa_server run …` takes every option of `rasa run`; make run, the tests and
the benchmarks start the rasa server this way. Before Rasa starts, the database is reached
and migrated (bot/research/db.py): a database that is down stops the start with one clear
line and exit code 2, instead of a traceback deep in Rasa. While it runs, an unreachable
action server gets an apology instead of silence (bot/outages.py), and two hot
spots of Rasa are removed (bot/rasa_speedups.py).
"""

from __future__ import annotations

import sys

from bot import outages, rasa_speedups
from bot.research.db import DatabaseUnavailable, upgrade
from bot.settings import get_settings


def main() -> None:
    if sys.argv[1:2] == ["run"] and sys.argv[2:3] != ["actions"]:
        try:
            upgrade(get_settings().database_url)
        except DatabaseUnavailable as error:
            print(f"The rasa server cannot start: {error}", file=sys.stderr)
            sys.exit(2)
    outages.install()
    rasa_speedups.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
