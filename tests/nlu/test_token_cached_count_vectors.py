"""The token-cached featurizer must give DIET exactly the features Rasa's own would."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import INTENT, TEXT
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer

from bot.nlu.token_cached_count_vectors import TokenCachedCountVectors

CORPUS = [
    "the labels were noisy and the data drifted",
    "we retrain every month on kubernetes",
    "yes",
    "no, not really",
]
MESSAGES = [
    ["the", "labels", "were", "noisy", "noisy", "again"],
    ["unseen", "wörds", "naïve", "café", "😀", "x"],
    [],
    ["we", "retrain", "every", "month"],
]


@pytest.fixture
def featurizer(tmp_path):
    return TokenCachedCountVectors.create(
        TokenCachedCountVectors.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("cv"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.mark.parametrize(
    "vectorizer",
    [
        CountVectorizer(analyzer="char_wb", ngram_range=(1, 4)),
        CountVectorizer(token_pattern=r"(?u)\b\w+\b"),
        CountVectorizer(ngram_range=(1, 2)),  # bigrams span tokens: Rasa's path
    ],
    ids=["char_wb", "words", "word bigrams"],
)
@pytest.mark.parametrize("attribute", [TEXT, INTENT])
@pytest.mark.parametrize("loaded", [False, True], ids=["fitted", "loaded"])
def test_features_are_rasas(featurizer, vectorizer, attribute, loaded):
    featurizer.vectorizers = {attribute: vectorizer.fit(CORPUS)}
    if loaded:  # as Rasa loads a trained one: given its vocabulary, never fitted
        featurizer.vectorizers[attribute] = clone(vectorizer).set_params(vocabulary=vectorizer.vocabulary_)
    for _ in range(2):  # the second time from the cache
        ours = featurizer._create_features(attribute, MESSAGES)
        rasas = CountVectorsFeaturizer._create_features(featurizer, attribute, MESSAGES)
        for our_list, rasa_list in zip(ours, rasas, strict=True):
            for a, b in zip(our_list, rasa_list, strict=True):
                assert (a is None) == (b is None)
                if a is not None:
                    assert a.dtype == b.dtype and a.shape == b.shape
                    assert (a.toarray() == b.toarray()).all()


def test_a_vectorizer_fitted_again_gets_a_new_cache(featurizer):
    trigrams = {"analyzer": "char_wb", "ngram_range": (3, 3)}
    featurizer.vectorizers = {TEXT: CountVectorizer(**trigrams).fit(["abc"])}
    first = featurizer._create_features(TEXT, [["xyz"]])[0][0]
    featurizer.vectorizers = {TEXT: CountVectorizer(**trigrams).fit(["xyz"])}
    second = featurizer._create_features(TEXT, [["xyz"]])[0][0]
    assert first.nnz == 0 and second.nnz == 3  # " xy", "xyz", "yz "
