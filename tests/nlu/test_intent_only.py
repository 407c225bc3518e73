"""The intent components train on everything but the examples marked detector_only."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.intent_only import detector_only, without_detector_only

DATA = Path(__file__).resolve().parents[2] / "data"


def test_only_the_marked_intent_blocks_are_left_out(tmp_path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: inform\n"
        "  examples: |\n"
        "    - we use images\n"
        "- intent: inform\n"
        "  metadata:\n"
        "    detector_only: true\n"
        "  examples: |\n"
        "    - the labels are wrong\n"
        "    - half the fields are blank\n"
        "- intent: greet\n"
        "  examples: |\n"
        "    - hi\n"
    )
    data = load_data(str(nlu))
    kept = without_detector_only(data)
    assert sorted(m.get("text") for m in kept.training_examples) == ["hi", "we use images"]
    assert len(data.training_examples) == 4


def test_the_project_marks_every_issue_file_and_nothing_in_nlu_yml():
    for path in sorted(DATA.glob("nlu_issues_*.yml")):
        assert all(detector_only(m) for m in load_data(str(path)).training_examples), path
    assert not any(detector_only(m) for m in load_data(str(DATA / "nlu.yml")).training_examples)
