"""The intent components train on everything but the examples marked detector_only."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.intent_only import (
    IntentCountVectors,
    IntentLexicalSyntactic,
    detector_only,
    without_detector_only,
)

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


def test_the_featurizers_featurize_only_the_intent_examples_for_training(tmp_path):
    """DIET, the only reader of these features, never trains on detector_only examples."""
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: inform\n"
        "  metadata:\n"
        "    detector_only: true\n"
        "  examples: |\n"
        "    - half the fields are blank\n"
        "- intent: greet\n"
        "  examples: |\n"
        "    - hi there\n"
    )
    data = load_data(str(nlu))
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(node_name="test", graph_schema=None)
    for component in (IntentCountVectors, IntentLexicalSyntactic):
        featurizer = component.create(
            component.get_default_config(), storage, Resource(component.__name__), context
        )
        featurizer.train(data)
        featurizer.process_training_data(data)
        by_text = {m.get("text"): m for m in data.training_examples}
        assert by_text["hi there"].features, component
        assert not by_text["half the fields are blank"].features, component
        # at parse time every message is featurized
        featurizer.process([by_text["half the fields are blank"]])
        assert by_text["half the fields are blank"].features, component
        for message in data.training_examples:
            message.features = []
