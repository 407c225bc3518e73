from pathlib import Path

import pytest
import yaml

from bot.guide import BUILDS_OWN, load_guide, parse_condition

SHARED = Path(__file__).resolve().parents[3] / "shared" / "guide" / "questions.yml"


def test_guide_has_every_question_with_wording():
    guide = load_guide()
    assert len(guide.questions) == 88
    assert all(q.ask.strip() and q.clarify.strip() for q in guide.questions.values())
    assert guide.parts == 10
    assert guide.section_of("data_preparation.tools").part == 4


def test_every_condition_of_the_guide_is_understood():
    for q in load_guide().questions.values():
        parse_condition(q.when)  # raises on a form it does not know


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside the project")
def test_project_copy_matches_the_shared_specification():
    ours = yaml.safe_load((Path("bot/guide/questions.yml")).read_text())
    assert ours == yaml.safe_load(SHARED.read_text())


@pytest.mark.parametrize(
    "when,facts,expected",
    [
        ("maintenance.monitoring = yes", {"maintenance.monitoring": "yes"}, True),
        ("maintenance.monitoring = yes", {"maintenance.monitoring": "no"}, False),
        ("maintenance.monitoring = yes", {}, False),
        ("data_source includes public_dataset", {"data_source": ["internal_system", "public_dataset"]}, True),
        ("data_source includes external_service or web_scraping", {"data_source": ["web_scraping"]}, True),
        ("data_source includes external_service or web_scraping", {"data_source": []}, False),
        ("data_preparation.time_split = balanced", {"data_preparation.time_split": "balanced"}, True),
        (BUILDS_OWN, {"builds_own": True}, True),
        (BUILDS_OWN, {"builds_own": False}, False),
        (None, {}, True),
    ],
)
def test_conditions(when, facts, expected):
    assert parse_condition(when)(facts) is expected


def test_unknown_condition_is_refused():
    with pytest.raises(ValueError):
        parse_condition("the moon is full")
