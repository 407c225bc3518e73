"""make eval's own figures: parse time (rounds pooled, each round's median kept so a burst of
slowness on the machine shows as a round, not as the figure), false triggers on issue-free
answers, and agreement between two annotations."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.evaluation import agreement_figures, no_issue_figures, parse_figures
from bot.evaluation import test_set_figures as set_figures  # not collected as a test


def issue(value: str, entity: str = "quality_issue") -> dict:
    return {"entity": entity, "value": value}


def example(text: str, *entities: dict) -> Message:
    return Message(data={"text": text, "intent": "inform", "entities": list(entities)})


def test_parse_figures_pool_the_rounds_and_keep_each_rounds_median():
    figures = parse_figures([[10.0, 11.0, 12.0], [30.0, 31.0, 32.0], [11.0, 12.0, 13.0]])
    assert figures == {"parse_ms_150_words": 12.0, "parse_ms_round_medians": [11.0, 31.0, 12.0]}


def test_no_issue_figures_count_answers_with_any_issue_once():
    drift, outliers, tabular = issue("data_drift"), issue("outliers"), issue("tabular", "data_type")
    found = [[drift, outliers], [tabular], [], [drift]]
    assert no_issue_figures(found) == {
        "answers": 4,
        "triggering_followup": 0.5,
        "ids_found_most": [("data_drift", 2), ("outliers", 1)],
    }
    assert no_issue_figures([])["triggering_followup"] is None


def test_agreement_scores_annotators_and_bot_by_canonical_value():
    drift, tabular = issue("data_drift"), issue("tabular", "data_type")
    first = [example("a", drift), example("b", issue("outliers"), tabular)]
    second = [example("a", drift), example("b", issue("missing_values"), tabular)]
    found = [[issue("data_drift")], [issue("outliers")]]
    figures = agreement_figures(first, second, found)
    assert figures["examples"] == 2
    assert figures["annotators_f1"] == {"quality_issue": 0.5, "data_source": None, "data_type": 1.0}
    assert figures["bot_vs_first_f1"]["quality_issue"] == 1.0
    assert figures["bot_vs_second_f1"]["quality_issue"] == 0.5
    assert figures["bot_vs_first_f1"]["data_type"] == 0.0


def test_agreement_refuses_annotations_of_different_texts():
    with pytest.raises(ValueError, match="texts differ"):
        agreement_figures([example("a")], [example("b")], [[]])


class ReadsEverythingAsDeny:
    """Stands in for the Rasa agent: every answer is 'deny' with no entities."""

    async def parse_message(self, text: str) -> dict:
        return {"intent": {"name": "deny", "confidence": 0.9}, "entities": []}


def test_a_sealed_set_reports_how_many_were_misread_but_not_which(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n'
        "    - the [labels](quality_issue:noisy_labels) are a mess\n"
        "    - mostly [images](data_type:image) from the line\n"
        "- intent: deny\n  examples: |\n    - nope\n"
    )
    open_figures = set_figures(ReadsEverythingAsDeny(), path)
    sealed = set_figures(ReadsEverythingAsDeny(), path, sealed=True)
    assert "the labels are a mess" in str(open_figures)
    assert "labels" not in str(sealed) and "images" not in str(sealed)
    assert sealed["entity_errors"] == {"quality_issue": 1, "data_type": 1}
    assert sealed["intent_errors"] == 2
    assert sealed["entity_f1_by_value"] == open_figures["entity_f1_by_value"]
