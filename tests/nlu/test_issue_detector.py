"""The learned issue detector as a Rasa component, on a small training set of our own:
what it learns, where it must stay silent (other intents, catalog mentions held back or
already found), and that it survives Rasa's model storage."""

from __future__ import annotations

import pytest
import spacy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.catalog_entity_extractor import HELD_BACK
from bot.nlu.issue_detector import (
    IssueDetector,
    Thresholds,
    TypeWeights,
    WordFeatures,
    doc_parts,
    features,
    fitted_features,
    predicted_ids,
    stored_features,
)

DRIFT = [
    "customers behave differently since the pandemic and the scores slid",
    "the behaviour of our users changed and the forecasts went off",
    "shoppers changed their habits so the old model got worse",
    "after the price change people behave differently and accuracy sank",
    "user behaviour shifted over the year and the predictions degraded",
    "the customers are not the same as last year, the model got worse",
]
LABELS = [
    "the annotators got lots of the tags wrong",
    "many tags from the annotators are wrong",
    "the tags were wrong in a third of the images",
    "wrong tags everywhere from the outsourced annotators",
    "our tags are often wrong",
    "half the tags turned out wrong after review",
]
OTHER = [
    "I am a data scientist at a bank",
    "we use gradient boosting",
    "mostly tabular data from our warehouse",
    "the model runs in a batch job every night",
    "i work in retail forecasting",
    "we deploy on kubernetes",
]


def issue(text: str, value: str) -> dict:
    return {"entity": "quality_issue", "value": value, "start": 0, "end": len(text)}


def training_data() -> TrainingData:
    examples = [Message(data={TEXT: t, INTENT: "inform", ENTITIES: [issue(t, "drift")]}) for t in DRIFT]
    examples += [
        Message(data={TEXT: t, INTENT: "inform", ENTITIES: [issue(t, "noisy_labels")]}) for t in LABELS
    ]
    examples += [Message(data={TEXT: t, INTENT: "inform"}) for t in OTHER]
    examples += [Message(data={TEXT: t, INTENT: "greet"}) for t in ["hi", "hello there", "good morning"]]
    return TrainingData(training_examples=examples)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def trained(storage, context):
    config = {**IssueDetector.get_default_config(), "threshold": 0.5, "catalog_examples": False}
    resource = Resource("issue_detector")
    detector = IssueDetector.create(config, storage, resource, context)
    detector.train(training_data())
    return IssueDetector.load(config, storage, resource, context)


def message(text: str, intent: str = "inform", **data) -> Message:
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.9}, **data})


def values(m: Message) -> set[str]:
    return {e["value"] for e in m.get(ENTITIES, []) if e["entity"] == "quality_issue"}


def test_learns_described_issues_after_a_round_trip_through_model_storage(trained):
    drift, labels, plain = (
        message("the customers behave differently now and the forecasts got worse"),
        message("the annotators tagged many images wrong"),
        message("we use gradient boosting on tabular data"),
    )
    trained.process([drift, labels, plain])
    assert values(drift) == {"drift"}
    assert values(labels) == {"noisy_labels"}
    assert values(plain) == set()
    entity = drift.get(ENTITIES)[0]
    assert entity["extractor"] == "IssueDetector"
    assert entity["start"] == 0 and entity["end"] == len(drift.get(TEXT))
    assert 0.5 <= entity["confidence"] <= 1


def test_silent_for_other_intents_empty_text_and_held_back_mentions(trained):
    text = "the customers behave differently now and the forecasts got worse"
    greeting = message(text, intent="greet")
    held = message(text, **{HELD_BACK: ["quality_issue"]})
    empty = message("   ")
    trained.process([greeting, held, empty])
    assert [m.get(ENTITIES, []) for m in (greeting, held, empty)] == [[], [], []]


def test_beside_a_catalog_find_only_a_confident_id_is_added(trained, storage, context):
    text = "the customers behave differently now and the forecasts got worse"
    catalog_found = [{"entity": "quality_issue", "value": "class_imbalance", "extractor": "Catalog"}]
    alone = message(text)
    trained.process([alone])
    confidence = alone.get(ENTITIES)[0]["confidence"]

    def beside(threshold: float) -> set[str]:
        config = {**IssueDetector.get_default_config(), "threshold_beside_catalog": threshold}
        detector = IssueDetector.load(config, storage, Resource("issue_detector"), context)
        m = message(text, **{ENTITIES: list(catalog_found)})
        detector.process([m])
        return values(m)

    assert beside(confidence - 0.01) == {"class_imbalance", "drift"}
    assert beside(confidence + 0.01) == {"class_imbalance"}


def test_untrained_detector_detects_nothing(storage, context):
    detector = IssueDetector.load(
        IssueDetector.get_default_config(), storage, Resource("never_trained"), context
    )
    m = message("the customers behave differently now")
    detector.process([m])
    assert m.get(ENTITIES, []) == []


def test_predicted_ids_keeps_the_most_probable_above_the_threshold():
    import numpy as np

    assert predicted_ids(np.array([0.2, 0.9, 0.6, 0.7]), ["a", "b", "c", "d"], 0.5, 2) == [
        ("b", 0.9),
        ("d", 0.7),
    ]
    assert predicted_ids(np.array([0.2, 0.4]), ["a", "b"], 0.5, 2) == []


def test_thresholds_may_differ_per_entity_type():
    limits = Thresholds(alone={"quality_issue": 0.6, "data_source": 0.9}, beside_catalog=0.95)
    assert limits.for_type("data_source", beside_catalog=False) == 0.9
    assert limits.for_type("quality_issue", beside_catalog=False) == 0.6
    assert limits.for_type("quality_issue", beside_catalog=True) == 0.95


def test_a_threshold_per_type_must_cover_every_dimension():
    config = {"dimensions": ["quality_issue", "data_type"], "threshold": {"quality_issue": 0.5}}
    with pytest.raises(ValueError, match="data_type"):
        IssueDetector(config, None, Resource("detector"))


def test_word_features_are_the_fitted_tfidf_vectors():
    import numpy as np
    from scipy import sparse

    union = features().fit([*DRIFT, *LABELS, *OTHER])
    texts = [*DRIFT[:2], OTHER[0], "unseen wörds, naïve café -- 3x worse!", "", "a b", "the the the tags"]
    ours = WordFeatures(union).transform([t.split() for t in texts]).toarray()
    sklearn = sparse.hstack([v.transform(texts) for _, v in union.transformer_list]).toarray()
    assert ours.shape == sklearn.shape
    assert np.allclose(ours, sklearn)


def test_stored_features_load_back_as_the_same_vectors_with_no_untrusted_types(tmp_path):
    import numpy as np
    import skops.io as sio

    union = features().fit([*DRIFT, *LABELS, *OTHER])
    sio.dump(stored_features(union), tmp_path / "features.skops")
    assert sio.get_untrusted_types(file=tmp_path / "features.skops") == []
    loaded = fitted_features(sio.load(tmp_path / "features.skops", trusted=[]))
    texts = [DRIFT[0], LABELS[1], "unseen wörds, naïve café -- 3x worse!", ""]
    assert np.array_equal(union.transform(texts).toarray(), loaded.transform(texts).toarray())
    assert np.array_equal(
        WordFeatures(union).transform([t.split() for t in texts]).toarray(),
        WordFeatures(loaded).transform([t.split() for t in texts]).toarray(),
    )


def test_a_detector_stored_with_sklearn_objects_is_refused(storage, context, caplog):
    import skops.io as sio

    from bot.nlu.issue_detector import MODEL_FILE

    resource = Resource("old_detector")
    with storage.write_to(resource) as model_dir:  # how sessions up to 18 stored it
        sio.dump({"features": features().fit([*DRIFT, *LABELS]), "types": {}}, model_dir / MODEL_FILE)
    detector = IssueDetector.load(IssueDetector.get_default_config(), storage, resource, context)
    assert detector.detect(message(DRIFT[0])) == []
    assert "retrain the model" in caplog.text


BLANK = spacy.blank("en")


def test_an_answer_is_split_into_clauses_where_it_moves_on():
    doc = BLANK("we use gradient boosting on tabular data, and the tags were wrong in a third. also slow")
    whole, *clauses = doc_parts(doc)
    assert whole == [t.lower_ for t in doc if not t.is_punct]
    assert clauses == [
        "we use gradient boosting on tabular data".split(),
        "and the tags were wrong in a third".split(),
    ]  # "also slow" is too short to stand alone
    assert doc_parts(BLANK("the tags were wrong, and late")) == [
        ["the", "tags", "were", "wrong", "and", "late"]
    ]


def test_a_second_issue_told_in_a_clause_of_its_own_is_found_there(trained, storage, context):
    text = (
        "I am a data scientist at a bank, we use gradient boosting and we deploy on kubernetes, "
        "i work in retail forecasting. the tags were wrong in a third of the images"
    )
    drift = {"entity": "quality_issue", "value": "drift", "extractor": "Catalog"}

    def found(clause_threshold: float, catalog_found: list[dict]) -> set[str]:
        config = {**IssueDetector.get_default_config(), "threshold": 0.5}
        config["clause_threshold"] = clause_threshold
        detector = IssueDetector.load(config, storage, Resource("issue_detector"), context)
        m = message(text, **{SPACY_DOCS[TEXT]: BLANK(text), ENTITIES: list(catalog_found)})
        detector.process([m])
        return values(m)

    assert found(1.01, [drift]) == {"drift"}  # the whole answer is mostly about other things
    assert found(0.5, [drift]) == {"drift", "noisy_labels"}
    assert found(0.5, []) == set()  # a clause adds a second issue, never the first


def test_where_the_catalog_found_nothing_the_answer_must_also_report_some_issue(trained, storage, context):
    issue_text = "the customers behave differently now and the forecasts got worse"
    plain_text = "we use gradient boosting on tabular data"
    weights = trained._model.types["quality_issue"]
    assert weights.ids == ["drift", "noisy_labels"]
    [issue_row, plain_row] = [
        trained._model.probabilities([t.split()])["quality_issue"][0] for t in (issue_text, plain_text)
    ]
    assert issue_row.shape == (3,)  # drift, noisy_labels, then presence
    assert issue_row[-1] > 0.5 > plain_row[-1]

    def found(presence: float, catalog_found: list[dict]) -> set[str]:
        config = {**IssueDetector.get_default_config(), "threshold": 0.5, "threshold_beside_catalog": 0.5}
        config["presence_threshold"] = presence
        detector = IssueDetector.load(config, storage, Resource("issue_detector"), context)
        m = message(issue_text, **{ENTITIES: list(catalog_found)})
        detector.process([m])
        return values(m)

    imbalance = {"entity": "quality_issue", "value": "class_imbalance", "extractor": "Catalog"}
    assert found(0.0, []) == {"drift"}
    assert found(float(issue_row[-1]) - 0.01, []) == {"drift"}
    assert found(float(issue_row[-1]) + 0.01, []) == set()
    assert found(1.0, [imbalance]) == {"class_imbalance", "drift"}  # beside the catalog: no gate


def test_presence_thresholds_may_differ_per_type_and_must_cover_every_dimension():
    limits = Thresholds(presence={"quality_issue": 0.4, "data_source": 0.0})
    assert limits.for_presence("quality_issue") == 0.4
    assert limits.for_presence("data_source") == 0.0
    assert Thresholds().for_presence("data_type") == 0.0  # off by default
    config = {"dimensions": ["quality_issue", "data_type"], "presence_threshold": {"quality_issue": 0.4}}
    with pytest.raises(ValueError, match="presence_threshold"):
        IssueDetector(config, None, Resource("detector"))


def test_weights_stored_without_the_presence_row_are_refused():
    import numpy as np

    with pytest.raises(ValueError, match="presence"):
        TypeWeights(["drift", "outliers"], np.zeros((2, 5)), np.zeros(2))
    assert TypeWeights(["drift", "outliers"], np.zeros((3, 5)), np.zeros(3)).ids == ["drift", "outliers"]
