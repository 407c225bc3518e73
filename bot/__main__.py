"""`python -m bot …`: the researcher and operator command line (bot/research/cli.py)."""

from bot.research.cli import main

raise SystemExit(main())
