"""Rasa's CountVectorsFeaturizer with each token's counts cached.

Rasa featurizes a message by running the fitted CountVectorizer over every token (the
sequence features) and then over the tokens joined (the sentence features). With character
n-grams that is about 3 ms of a 150-word answer, spent analysing words the interview sees
again and again. A token's row depends only on the token, and where no n-gram can span two
tokens (character n-grams within words, or single words) the sentence row is the sum of the
token rows. So both come from a cache of sklearn's own rows, one token at a time; other
settings, and tokens holding a space, take Rasa's path. A test checks the features are Rasa's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from sklearn.feature_extraction.text import CountVectorizer

TokenRow = tuple[np.ndarray, np.ndarray]  # (columns, counts) of one token
CACHED_TOKENS = 20_000  # per attribute; an interview's vocabulary is a few thousand words


def sums_over_tokens(vectorizer: CountVectorizer) -> bool:
    """Whether the joined tokens' counts are the tokens' counts added up."""
    return vectorizer.analyzer == "char_wb" or (
        vectorizer.analyzer == "word" and tuple(vectorizer.ngram_range) == (1, 1)
    )


def token_rows(vectorizer: CountVectorizer) -> Callable[[str], TokenRow]:
    @lru_cache(maxsize=CACHED_TOKENS)
    def row(token: str) -> TokenRow:
        x = vectorizer.transform([token])
        return x.indices.copy(), x.data.copy()

    return row


class TokenCachedCountVectors(CountVectorsFeaturizer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token_rows: dict[str, tuple[CountVectorizer, Callable[[str], TokenRow]]] = {}

    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[list, list]:
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer or not sums_over_tokens(vectorizer):
            return super()._create_features(attribute, all_tokens)
        if any(any(c.isspace() for c in token) for tokens in all_tokens for token in tokens):
            return super()._create_features(attribute, all_tokens)
        row = self._cached_rows(attribute, vectorizer)
        sequences, sentences = [], []
        for tokens in all_tokens:
            if not tokens:
                sequences.append(None)
                sentences.append(None)
                continue
            rows = [row(token) for token in tokens]
            # read after a transform: a vectorizer Rasa loads sets vocabulary_ on its first one
            width = len(vectorizer.vocabulary_)
            columns = np.concatenate([c for c, _ in rows])
            counts = np.concatenate([n for _, n in rows])
            indptr = np.cumsum([0] + [len(c) for c, _ in rows])
            sequence = scipy.sparse.csr_matrix((counts, columns, indptr), shape=(len(tokens), width))
            sequence.sort_indices()
            sequences.append(sequence.tocoo())
            if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence = scipy.sparse.csr_matrix(
                    (counts, (np.zeros(len(columns), dtype=np.int32), columns)), shape=(1, width)
                )
                sentence.sum_duplicates()
                sentence.sort_indices()
                sentences.append(sentence.tocoo())
            else:
                sentences.append(None)
        return sequences, sentences

    def _cached_rows(self, attribute: str, vectorizer: CountVectorizer) -> Callable[[str], TokenRow]:
        """One cache per fitted vectorizer: a vectorizer fitted again starts a new one."""
        cached = self._token_rows.get(attribute)
        if cached is None or cached[0] is not vectorizer:
            cached = self._token_rows[attribute] = (vectorizer, token_rows(vectorizer))
        return cached[1]
