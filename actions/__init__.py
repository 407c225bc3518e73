"""Custom actions of the interview bot (run by `rasa run actions`).

Importing the package registers every action with the rasa-sdk executor.
"""

from actions import deletion, digressions, interview_form, lifecycle  # noqa: F401
