import pytest

from bot import classify


@pytest.mark.parametrize(
    "intent,text,expected",
    [
        ("affirm", "yes", "yes"),
        ("deny", "no", "no"),
        ("inform", "yes, we monitor accuracy weekly", "yes"),
        ("inform", "Yeah all the time", "yes"),
        ("inform", "we do, with grafana dashboards", "yes"),
        ("inform", "no, never checked that", "no"),
        ("nlu_fallback", "not really", "no"),
        ("inform", "we don't monitor anything yet", "no"),
        ("inform", "pytorch and sklearn", None),
        ("affirm", "reversed", None),  # a lone word NLU was sure about: not a yes
        ("affirm", "\u200f\u202e reversed \u202c", None),
        ("affirm", "sure", "yes"),
        ("affirm", "/affirm", "yes"),  # a button
        ("deny", "nope", "no"),
        ("affirm", "👍", "yes"),
        ("affirm", "😀🙈🔥 مرحبا بالعالم שלום 🤖", None),  # no English word: NLU cannot know
        ("deny", "👎 نعم لا", "no"),
        ("affirm", "we check dashboards weekly", "yes"),
        (None, "", None),
    ],
)
def test_yes_no(intent, text, expected):
    assert classify.yes_no(intent, text) == expected


@pytest.mark.parametrize(
    "question,text,expected",
    [
        ("data_preparation.time_split", "70/30", "close_to_80_20"),
        ("data_preparation.time_split", "about 80-20 I guess", "close_to_80_20"),
        ("data_preparation.time_split", "50/50", "balanced"),
        ("data_preparation.time_split", "half and half", "balanced"),
        ("data_preparation.time_split", "60:40", "balanced"),
        ("data_preparation.time_split", "most of the time goes into data", "close_to_80_20"),
        ("data_preparation.time_split", "most of the time goes into modelling", "balanced"),
        ("data_preparation.time_split", "roughly 85% on cleaning", "close_to_80_20"),
        ("data_preparation.time_split", "it depends", None),
        ("model_evaluation.time_split", "mostly tuning hyperparameters", "close_to_80_20"),
        ("model_evaluation.time_split", "split evenly", "balanced"),
    ],
)
def test_time_split(question, text, expected):
    assert classify.time_split(question, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("we have a team of 5 data scientists in house", True),
        ("we mostly hire consultants", False),
        ("an external agency builds them for us", False),
        ("our team does it with help from consultants", True),
        ("hmm", None),
    ],
)
def test_builds_own(text, expected):
    assert classify.builds_own("inform", text) is expected
