"""Rasa's LexicalSyntacticFeaturizer with each token's feature columns cached.

Rasa builds, for every token of a message, a dictionary of raw features of the tokens in a
window around it (lowercase? title case? suffix? ...), as strings, and then looks each up in
its fitted index. A 150-word answer costs about 4 ms of the parse this way, spent mostly on
words the interview sees again and again. What a token adds at one window position depends
only on the token (its text and part-of-speech tag), except for the begin/end-of-sentence
flags, which depend on where it stands. So each (window position, token) gets its columns
once, from Rasa's own functions and index, and a message's rows are assembled from them and
the flags. A test checks the features are Rasa's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    BEGIN_OF_SENTENCE,
    END_OF_SENTENCE,
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

CACHED_TOKENS = 20_000  # per window position; an interview's vocabulary is a few thousand words
POSITIONAL = (BEGIN_OF_SENTENCE, END_OF_SENTENCE)


class TokenCachedLexicalSyntactic(LexicalSyntacticFeaturizer):
    def _set_feature_to_idx_dict(self, *args: Any, **kwargs: Any) -> None:
        """A new index (trained or loaded) starts new caches."""
        super()._set_feature_to_idx_dict(*args, **kwargs)
        positions = range(len(self._feature_config))
        self._token_columns = [self._columns_of(p) for p in positions]
        self._flag_columns = [
            {(start, end): self._flags_of(p, start, end) for start in (False, True) for end in (False, True)}
            for p in positions
        ]

    def _columns_of(self, window_position: int) -> Callable[[str, Any], tuple[int, ...]]:
        """The columns a token sets at one window position, but the begin/end flags."""
        names = [n for n in self._feature_config[window_position] if n not in POSITIONAL]

        @lru_cache(maxsize=CACHED_TOKENS)
        def columns(text: str, pos: Any) -> tuple[int, ...]:
            token = Token(text, 0, data={} if pos is None else {POS_TAG_KEY: pos})
            found = []
            for name in names:
                mapping = self._feature_to_idx_dict.get((window_position, name))
                value = self._extract_raw_features_from_token(name, token, 0, 1)
                if mapping and value in mapping:
                    found.append(mapping[value])
            return tuple(found)

        return columns

    def _flags_of(self, window_position: int, at_start: bool, at_end: bool) -> tuple[int, ...]:
        """The columns of the begin/end-of-sentence flags at one window position."""
        found = []
        for name, flag in ((BEGIN_OF_SENTENCE, at_start), (END_OF_SENTENCE, at_end)):
            if name in self._feature_config[window_position]:
                mapping = self._feature_to_idx_dict.get((window_position, name)) or {}
                if str(flag) in mapping:
                    found.append(mapping[str(flag)])
        return tuple(found)

    def _process_message(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not self._feature_to_idx_dict or not tokens:
            return super()._process_message(message)
        self.add_features_to_message(
            sequence=self._token_features(tokens), sentence=None, attribute=TEXT, message=message
        )

    def _token_features(self, tokens: list[Token]) -> scipy.sparse.coo_matrix:
        """Rasa's `_map_raw_features_to_indices(_map_tokens_to_raw_features(tokens))`."""
        window_size = len(self._feature_config)
        first = -(window_size // 2)
        keys = [(t.text, t.data.get(POS_TAG_KEY)) for t in tokens]
        last = len(tokens) - 1
        rows, cols = [], []
        for anchor in range(len(tokens)):
            for window_position in range(window_size):
                at = anchor + first + window_position
                if 0 <= at <= last:
                    found = self._token_columns[window_position](*keys[at])
                    found += self._flag_columns[window_position][at == 0, at == last]
                    rows.extend([anchor] * len(found))
                    cols.extend(found)
        return scipy.sparse.coo_matrix(
            (np.ones(len(rows)), (np.array(rows), np.array(cols))),
            shape=(len(tokens), self._number_of_features),
        )
