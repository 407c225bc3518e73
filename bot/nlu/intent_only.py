"""Rasa's intent components, trained without the examples written only for the issue detector.

`data/nlu_issues_*.yml` hold about 900 long annotated answers that teach IssueDetector which
issue an answer describes. They are all `inform`, which DIET already knows well from
`data/nlu.yml`; letting them in would double DIET's training time (about 3 → 5 minutes)
and, through the featurizers' vocabularies, change what DIET learns from everything else
(short replies such as "we have a weekly review" drifted to other intents). Their intent
blocks carry `metadata: {detector_only: true}`; these subclasses leave them out of their
own training, and the featurizers do not featurize them for training either (only DIET reads
their features, and it never sees these examples: about 20 s of `rasa train`). At parse
time every message is featurized as usual. IssueDetector, which learns its own features,
reads them all.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.token_cached_count_vectors import TokenCachedCountVectors
from bot.nlu.token_cached_lexical_syntactic import TokenCachedLexicalSyntactic

logger = logging.getLogger(__name__)


def detector_only(message: Message) -> bool:
    intent_metadata = (message.get("metadata") or {}).get("intent") or {}
    return bool(intent_metadata.get("detector_only"))


def intent_examples(training_data: TrainingData) -> list[Message]:
    return [m for m in training_data.training_examples if not detector_only(m)]


def without_detector_only(training_data: TrainingData) -> TrainingData:
    return TrainingData(
        training_examples=intent_examples(training_data),
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
        responses=training_data.responses,
    )


class IntentExamplesFeaturized:
    """Featurizes only the intent examples of the training data (the featurizer's `process`
    does the work); DIET, the only reader of these features, never sees the others."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(intent_examples(training_data))  # type: ignore[attr-defined]
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class IntentCountVectors(IntentExamplesFeaturized, TokenCachedCountVectors):
    """CountVectorsFeaturizer whose vocabulary comes from the intent examples only (and which
    caches each token's counts: bot/nlu/token_cached_count_vectors.py)."""

    def train(self, training_data: TrainingData, model: Any = None) -> Resource:
        return super().train(without_detector_only(training_data), model)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class IntentLexicalSyntactic(IntentExamplesFeaturized, TokenCachedLexicalSyntactic):
    """LexicalSyntacticFeaturizer whose feature vocabulary comes from the intent examples only
    (and which caches each token's columns: bot/nlu/token_cached_lexical_syntactic.py)."""

    def train(self, training_data: TrainingData) -> Resource:
        return super().train(without_detector_only(training_data))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class IntentDIET(DIETClassifier):
    """DIETClassifier trained on the intent examples only."""

    def train(self, training_data: TrainingData) -> Resource:
        kept = without_detector_only(training_data)
        logger.info(
            "IntentDIET: training on %d of %d examples (the rest are detector_only)",
            len(kept.training_examples),
            len(training_data.training_examples),
        )
        return super().train(kept)
