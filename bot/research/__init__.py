"""Researcher-facing storage: clean tables derived from Rasa's event log, and their tools.

Rasa's `events` table stays the single source of truth; `projection` folds it into
interviews, turns and issue mentions, and `rebuild` regenerates them from it at any time.
"""
