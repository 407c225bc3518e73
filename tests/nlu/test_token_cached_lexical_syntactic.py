"""The token-cached lexical-syntactic featurizer must give DIET exactly Rasa's features."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import LexicalSyntacticFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.token_cached_lexical_syntactic import TokenCachedLexicalSyntactic

TRAINING = [
    "The labels were noisy and the DATA drifted in 2021",
    "we retrain every month on Kubernetes",
    "yes",
    "No , not really",
]
MESSAGES = [
    "the labels were noisy noisy again",
    "Unseen wörds NAÏVE café 😀 x 42",
    "yes",
    "we retrain every month",
    "ok ok",
]
FEATURES = {
    "default": None,
    "wide, odd window": [
        ["low", "suffix2"],
        ["BOS", "title", "prefix2"],
        ["BOS", "EOS", "low", "upper", "title", "digit", "prefix5", "suffix5", "suffix3", "suffix1"]
        + ["pos", "pos2"],
        ["EOS", "pos", "upper"],
        ["suffix1"],
    ],
    "even window": [["pos2", "BOS"], ["EOS", "low", "suffix3"]],
    "one position": [["BOS", "EOS", "low", "pos"]],
}
TAGS = ["NOUN", "VERB", "ADJ"]


def message(text: str, tagged: bool) -> Message:
    tokens, start = [], 0
    for i, word in enumerate(text.split()):
        start = text.index(word, start)
        tokens.append(Token(word, start, data={POS_TAG_KEY: TAGS[i % 3]} if tagged else {}))
        start += len(word)
    return Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens})


def trained(cls, features, tmp_path, tagged):
    config = {**cls.get_default_config(), **({"features": features} if features else {})}
    context = ExecutionContext(GraphSchema({}), cls.__name__)
    featurizer = cls.create(config, LocalModelStorage(tmp_path), Resource(cls.__name__), context)
    featurizer.train(TrainingData([message(t, tagged) for t in TRAINING]))
    return featurizer


@pytest.mark.parametrize("features", FEATURES.values(), ids=FEATURES.keys())
@pytest.mark.parametrize("tagged", [False, True], ids=["no tags", "tags"])
def test_features_are_rasas(features, tagged, tmp_path):
    ours = trained(TokenCachedLexicalSyntactic, features, tmp_path, tagged)
    rasas = trained(LexicalSyntacticFeaturizer, features, tmp_path, tagged)
    for _ in range(2):  # the second time from the cache
        for text in MESSAGES:
            a, b = message(text, tagged), message(text, tagged)
            ours.process([a])
            rasas.process([b])
            (fa,), (fb,) = a.features, b.features
            assert fa.features.shape == fb.features.shape
            assert (fa.features.toarray() == fb.features.toarray()).all(), text
            assert (fa.type, fa.attribute, fa.origin) == (fb.type, fb.attribute, fb.origin)


def test_loaded_featurizer_is_rasas(tmp_path):
    """As Rasa loads a trained model: the index comes from disk, and new caches with it."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "lex")
    config = TokenCachedLexicalSyntactic.get_default_config()
    first = TokenCachedLexicalSyntactic.create(config, storage, Resource("lex"), context)
    first.train(TrainingData([message(t, False) for t in TRAINING]))
    loaded = TokenCachedLexicalSyntactic.load(config, storage, Resource("lex"), context)
    rasas = LexicalSyntacticFeaturizer.load(config, storage, Resource("lex"), context)
    a, b = message(MESSAGES[0], False), message(MESSAGES[0], False)
    loaded.process([a])
    rasas.process([b])
    assert (a.features[0].features.toarray() == b.features[0].features.toarray()).all()


def test_untrained_and_empty_messages_take_rasas_path(tmp_path):
    featurizer = TokenCachedLexicalSyntactic.create(
        TokenCachedLexicalSyntactic.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("lex"),
        ExecutionContext(GraphSchema({}), "lex"),
    )
    with pytest.warns(UserWarning, match="not been trained"):
        featurizer.process([message("hello there", False)])
    featurizer.train(TrainingData([message(t, False) for t in TRAINING]))
    empty = Message(data={TEXT: "", TOKENS_NAMES[TEXT]: []})
    featurizer.process([empty])
    assert empty.features == []
