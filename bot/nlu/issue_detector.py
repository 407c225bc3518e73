"""A learned detector for issues (and sources) that an answer describes in words the
catalog has no pattern for.

The catalog (catalog_entity_extractor.py) is precise, but tuned cues only buy the
phrasings they were written for. This component learns, from the annotated training
examples, which catalog ids an answer is about: one logistic regression per id over word
and character n-grams of the answer's lemmas (the catalog's labels, definitions and
synonyms are extra positives). It adds what the catalog missed, and holds its tongue:

- only for the intents in `intents` (an answer, not a greeting or a digression);
- not for an entity type the catalog held back as negated, handled or in passing (see
  HELD_BACK);
- only ids whose probability reaches `threshold`, or the stricter `threshold_beside_catalog`
  where the catalog already found an id of that type (a second issue in the answer is
  rarer than a paraphrase), at most `max_per_type` of them. Either may be one number or a
  number per entity type: a source or a data type is usually said in plain words the
  catalog knows, so the detector only adds one it is very sure of.

Where the catalog found no id of a type, one more regression must agree first: whether the
answer reports any id of the type at all (`presence_threshold`; trained on the same examples,
positives are the answers with an annotation of the type). The per-id regressions each see
a few dozen positives and fire on an answer that sounds like their id but reports nothing
("we fix the random seeds", "access to data is easy here"); the presence regression sees
every issue answer against every issue-free one.

Its entities span the whole answer (the issue is in the answer as a whole, not in a few
words) and carry the probability as `confidence`. A long answer that tells two issues in
two clauses dilutes the second in the answer's features, so each clause is also scored on
its own: where the answer already has an id of the type (from the catalog or the whole
answer), a clause adds its most probable id if it reaches `clause_threshold` (and the type's
threshold), within the same `max_per_type`. A clause never adds the first: read out of
context, clauses of answers about other things look like issues (on the researchers' real
answers, letting them raised the share of issue-free answers that trigger a follow-up from
0.30 to 0.48).

Training reads every example: an example of an intent in `intents` with no annotation of a
type is a negative for that type, and every other intent is a negative for all. The answer
and its clauses are vectorised together, from n-grams cached per word (`WordFeatures`, the
same vectors as the fitted TF-IDF), and each type's regressions are one weight matrix, so a
parse costs a few milliseconds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import MultiLabelBinarizer
from spacy.tokens import Doc, Token

from bot.catalog import Catalog, load_catalog
from bot.nlu.catalog_entity_extractor import HELD_BACK, lower_keeping_offsets

logger = logging.getLogger(__name__)

MODEL_FILE = "issue_detector.skops"
PRESENCE = "*"  # the label "reports some id of this type", fitted beside the ids


def lemma_text(message: Message) -> str:
    """The answer as lowercase lemmas (SpacyNLP's doc), punctuation dropped: "labels were
    wrong" and "the label is wrong" share their features."""
    doc = message.get(SPACY_DOCS[TEXT])
    return (message.get(TEXT) or "").lower() if doc is None else doc_lemmas(doc)


def doc_lemmas(doc: Doc) -> str:
    return " ".join(w for t in doc for w in token_lemmas(t))


def token_lemmas(token: Token) -> list[str]:
    """A token's lowercase lemma as words (none for punctuation and spaces): one rule for
    the training texts (doc_lemmas) and the parts of an answer (doc_parts)."""
    if token.is_punct or token.is_space:
        return []
    return (token.lemma_.lower() or token.lower_).split()


CLAUSE_END = {".", "!", "?", ";"}
CLAUSE_OPENERS = {"also", "plus"}  # "..., also the labels are late"
JOINED_AFTER_COMMA = {"and", "but"}  # "..., and then", "..., but"
MIN_CLAUSE_WORDS = 4


def answer_parts(message: Message) -> list[list[str]]:
    """The answer's lemmas, then, where it has two clauses or more, each clause's lemmas."""
    doc = message.get(SPACY_DOCS[TEXT])
    return [(message.get(TEXT) or "").lower().split()] if doc is None else doc_parts(doc)


def doc_parts(doc: Doc) -> list[list[str]]:
    """Clauses end at . ! ? ; and before "also", "plus", ", and" and ", but": where a long
    answer moves on to its next point. Clauses under MIN_CLAUSE_WORDS words are dropped."""
    words: list[str] = []
    clauses: list[list[str]] = [[]]
    for i, token in enumerate(doc):
        after_comma = i > 0 and doc[i - 1].text == ","
        if (
            token.text in CLAUSE_END
            or token.lower_ in CLAUSE_OPENERS
            or (after_comma and token.lower_ in JOINED_AFTER_COMMA)
        ):
            clauses.append([])
        lemmas = token_lemmas(token)
        words += lemmas
        clauses[-1] += lemmas
    clauses = [c for c in clauses if len(c) >= MIN_CLAUSE_WORDS]
    return [words, *clauses] if len(clauses) > 1 else [words]


def features() -> FeatureUnion:
    """Word 1–2-grams and character 3–5-grams of the lemmas."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)),
        ]
    )


@dataclass
class TypeWeights:
    """One entity type's ids and their logistic regressions as one matrix, with one more
    row last: the regression for "the answer reports some id of this type" (PRESENCE)."""

    ids: list[str]
    weights: np.ndarray  # (ids + presence) × features
    bias: np.ndarray  # ids + presence

    def __post_init__(self) -> None:
        if self.weights.shape[0] != len(self.ids) + 1 or self.bias.shape[0] != len(self.ids) + 1:
            raise ValueError("weights without the presence row (trained by an older version)")


class WordFeatures:
    """The fitted TF-IDF vectors (word 1–2-grams, then character n-grams within words) of
    several texts at once, from n-grams cached per word.

    Character n-grams never cross a word and word tokens never cross a space, so a text's
    counts are its words' counts added up; the words of an answer's clauses are the
    answer's own, so each is analysed once. sklearn analyses every text from scratch, which
    costs more than the rest of the detector. A test checks the vectors are sklearn's.
    """

    def __init__(self, union: FeatureUnion) -> None:
        transformers = dict(union.transformer_list)
        self._words, self._chars = transformers["words"], transformers["chars"]
        self._char_ngrams = self._chars.build_analyzer()
        self._word_token = re.compile(self._words.token_pattern)
        # the fitted idf_ is a property that rebuilds the array on every read
        self._word_idf, self._char_idf = self._words.idf_, self._chars.idf_
        self._offset = len(self._words.vocabulary_)
        self.n_features = self._offset + len(self._chars.vocabulary_)
        self.char_indices = lru_cache(maxsize=20_000)(self._char_indices)
        self.word_tokens = lru_cache(maxsize=20_000)(self._word_tokens)

    def _char_indices(self, word: str) -> list[int]:
        vocabulary = self._chars.vocabulary_
        return [vocabulary[g] for g in self._char_ngrams(word) if g in vocabulary]

    def _word_tokens(self, word: str) -> tuple[str, ...]:
        return tuple(self._word_token.findall(word.lower()))

    def transform(self, texts: list[list[str]]) -> sparse.csr_matrix:
        """One row per text, each given as its words."""
        rows = [self._row(words) for words in texts]
        indptr = np.cumsum([0] + [len(c) for c, _ in rows])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return sparse.csr_matrix((values, columns, indptr), shape=(len(rows), self.n_features))

    def _row(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        tokens = [t for w in words for t in self.word_tokens(w)]
        vocabulary = self._words.vocabulary_
        grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        known = [vocabulary[g] for g in grams if g in vocabulary]
        word_columns, word_values = self._tfidf(known, self._word_idf)
        chars = [i for w in words for i in self.char_indices(w)]
        char_columns, char_values = self._tfidf(chars, self._char_idf)
        return np.concatenate([word_columns, char_columns + self._offset]), np.concatenate(
            [word_values, char_values]
        )

    @staticmethod
    def _tfidf(indices: list[int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """sublinear tf × idf, L2-normalised: what the fitted vectoriser does with counts."""
        columns, counts = np.unique(np.asarray(indices, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(counts)) * idf[columns]
        norm = np.sqrt(values @ values)
        return columns, values / norm if norm else values


@dataclass
class DetectorModel:
    features: FeatureUnion
    types: dict[str, TypeWeights]
    vectoriser: WordFeatures = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.vectoriser = WordFeatures(self.features)

    def probabilities(self, texts: list[list[str]]) -> dict[str, np.ndarray]:
        """Per type, a texts × (ids + presence) array of probabilities; each text given as its
        words."""
        x = self.vectoriser.transform(texts)
        # an answer has a few hundred of the tens of thousands of features: multiply only their
        # weight columns (scipy's sparse @ dense.T copied the whole matrix on every parse)
        columns = np.unique(x.indices)
        used = sparse.csr_matrix(
            (x.data, np.searchsorted(columns, x.indices), x.indptr), shape=(x.shape[0], len(columns))
        )
        return {t: expit(used @ w.weights[:, columns].T + w.bias) for t, w in self.types.items()}


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)
    labels: dict[str, list[set[str]]] = field(default_factory=dict)


def training_set(
    messages: Iterable[Message],
    types: list[str],
    intents: set[str],
    lemmatize: Callable[[Message], str] = lemma_text,
) -> TrainingSet:
    data = TrainingSet(labels={t: [] for t in types})
    for message in messages:
        if not message.get(TEXT) or not message.get(INTENT):
            continue
        data.texts.append(lemmatize(message))
        answer = message.get(INTENT) in intents
        entities = message.get(ENTITIES) or [] if answer else []
        for t in types:
            data.labels[t].append({e["value"] for e in entities if e.get("entity") == t})
    return data


def catalog_examples(catalog: Catalog, types: list[str]) -> list[tuple[str, str, str]]:
    """(type, id, text): each id's label, definition and synonyms, as extra positives that
    give the models the catalog's own words."""
    return [
        (t, entry.id, text)
        for t in types
        for entry in catalog.entries.get(t, {}).values()
        for text in (entry.label, entry.definition, *entry.synonyms)
        if text
    ]


def add_catalog_examples(
    data: TrainingSet, catalog: Catalog, types: list[str], lemmatize: Callable[[str], str]
) -> None:
    for etype, value, text in catalog_examples(catalog, types):
        data.texts.append(lemmatize(text))
        for t in types:
            data.labels[t].append({value} if t == etype else set())


def train(texts: list[str], labels: dict[str, list[set[str]]], c: float) -> DetectorModel:
    """Balanced class weights: an id has a few dozen positives among thousands of examples.
    The ids' regressions are fitted in parallel worker processes (liblinear holds the GIL),
    each with the same seed, which halves this step of `rasa train` on two cores."""
    union = features()
    x = union.fit_transform(texts)
    types = {}
    for t, sets in labels.items():
        binarizer = MultiLabelBinarizer()
        y = binarizer.fit_transform([s | {PRESENCE} if s else s for s in sets])
        if y.shape[1] == 0:
            continue
        classes = list(binarizer.classes_)
        rows = [i for i, c in enumerate(classes) if c != PRESENCE] + [classes.index(PRESENCE)]
        regressions = OneVsRestClassifier(
            LogisticRegression(
                C=c, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=0
            ),
            n_jobs=-1,
        ).fit(x, y)
        types[t] = TypeWeights(
            ids=[classes[i] for i in rows[:-1]],
            weights=np.vstack([r.coef_ for r in regressions.estimators_])[rows].astype(np.float32),
            bias=np.hstack([r.intercept_ for r in regressions.estimators_])[rows].astype(np.float32),
        )
    return DetectorModel(features=union, types=types)


def stored_features(union: FeatureUnion) -> dict[str, dict[str, np.ndarray]]:
    """What the fitted vectorisers learned, as arrays: each one's terms in column order and
    their idf. skops writes a fitted vocabulary as one JSON node per term (74 MB for ours,
    3.4 s to check and load); as arrays, 0.13 s."""
    return {
        name: {"terms": np.array(sorted(v.vocabulary_, key=v.vocabulary_.get)), "idf": v.idf_}
        for name, v in union.transformer_list
    }


def fitted_features(stored: dict[str, dict[str, np.ndarray]]) -> FeatureUnion:
    """`features()` fitted back from `stored_features`: the same vectors as before storing."""
    union = features()
    for name, vectoriser in union.transformer_list:
        vectoriser.vocabulary_ = {term: i for i, term in enumerate(stored[name]["terms"].tolist())}
        vectoriser.idf_ = stored[name]["idf"]
    return union


def predicted_ids(
    probabilities: np.ndarray, ids: list[str], threshold: float, at_most: int
) -> list[tuple[str, float]]:
    order = np.argsort(-probabilities)[:at_most]
    return [(ids[i], float(probabilities[i])) for i in order if probabilities[i] >= threshold]


@dataclass(frozen=True)
class Thresholds:
    alone: float | dict[str, float] = 0.5  # where the catalog found nothing of the type
    beside_catalog: float | dict[str, float] = 0.8  # next to an id the catalog found
    at_most: int = 2  # ids per type
    clause: float = 1.01  # a clause's own id, at least this and the type's threshold (off)
    presence: float | dict[str, float] = 0.0  # "reports some id of the type", where the catalog found none

    def for_type(self, entity_type: str, beside_catalog: bool) -> float:
        return per_type(self.beside_catalog if beside_catalog else self.alone, entity_type)

    def for_presence(self, entity_type: str) -> float:
        return per_type(self.presence, entity_type)


def per_type(limit: float | dict[str, float], entity_type: str) -> float:
    return float(limit[entity_type] if isinstance(limit, dict) else limit)


def learned_entities(
    model: DetectorModel,
    parts: list[list[str]],
    found: list[dict],
    held_back: set[str],
    thresholds: Thresholds,
) -> list[dict]:
    """(type, id, probability) dicts the model adds to the catalog's `found`. `parts` is the
    answer's words, then its clauses' words (see `doc_parts`)."""
    present: dict[str, set[str]] = {}
    for e in found:
        present.setdefault(e.get("entity"), set()).add(e.get("value"))
    extra = []
    for t, probabilities in model.probabilities(parts).items():
        if t in held_back:
            continue
        ids = model.types[t].ids
        if not present.get(t) and probabilities[0, len(ids)] < thresholds.for_presence(t):
            continue
        per_id = probabilities[:, : len(ids)]  # without the presence column
        threshold = thresholds.for_type(t, beside_catalog=bool(present.get(t)))
        candidates = predicted_ids(per_id[0], ids, threshold, thresholds.at_most)
        if candidates or present.get(t):  # a clause adds a second id, never the first
            for clause in per_id[1:]:
                candidates += predicted_ids(clause, ids, max(threshold, thresholds.clause), 1)
        seen, added = set(present.get(t, set())), 0
        for value, p in sorted(candidates, key=lambda c: -c[1]):
            if value not in seen and added < thresholds.at_most:
                seen.add(value)
                added += 1
                extra.append({"entity": t, "value": value, "confidence": round(p, 3)})
    return extra


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True, model_from="SpacyNLP"
)
class IssueDetector(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "dimensions": ["quality_issue"],
            "intents": ["inform"],
            "threshold": 0.5,
            "threshold_beside_catalog": 0.8,
            "max_per_type": 2,
            "clause_threshold": 1.01,
            "presence_threshold": 0.0,
            "C": 32.0,
            "catalog_examples": True,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: DetectorModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        for key in ("threshold", "threshold_beside_catalog", "presence_threshold"):
            limit = self._config[key]
            missing = set(self._config["dimensions"]) - set(limit) if isinstance(limit, dict) else set()
            if missing:
                raise ValueError(f"IssueDetector: `{key}` gives no threshold for {sorted(missing)}")
        self._thresholds = Thresholds(
            self._config["threshold"],
            self._config["threshold_beside_catalog"],
            self._config["max_per_type"],
            float(self._config["clause_threshold"]),
            self._config["presence_threshold"],
        )
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IssueDetector:
        return cls(config, model_storage, resource)

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    def train(self, training_data: TrainingData, model: SpacyModel | None = None) -> Resource:
        types = list(self._config["dimensions"])
        data = training_set(training_data.intent_examples, types, set(self._config["intents"]))
        if self._config["catalog_examples"] and model is not None:
            add_catalog_examples(
                data, load_catalog(), types, lambda text: doc_lemmas(model.model(lower_keeping_offsets(text)))
            )
        self._model = train(data.texts, data.labels, float(self._config["C"]))
        for t, w in self._model.types.items():
            logger.info("IssueDetector: %s, %d ids from %d examples", t, len(w.ids), len(data.texts))
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message], model: SpacyModel | None = None) -> list[Message]:
        for message in messages:
            found = self.detect(message)
            if found:
                message.set(
                    ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True
                )
        return messages

    def detect(self, message: Message) -> list[dict]:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get("name")
        if self._model is None or not text.strip() or intent not in self._config["intents"]:
            return []
        extra = learned_entities(
            self._model,
            answer_parts(message),
            message.get(ENTITIES) or [],
            set(message.get(HELD_BACK) or ()),
            self._thresholds,
        )
        return [{**e, "start": 0, "end": len(text)} for e in extra]

    def persist(self) -> None:
        import skops.io as sio

        if self._model is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            stored = {
                "features": stored_features(self._model.features),
                "types": {
                    t: {"ids": w.ids, "weights": w.weights, "bias": w.bias}
                    for t, w in self._model.types.items()
                },
            }
            sio.dump(stored, model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IssueDetector:
        import skops.io as sio

        model = None
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / MODEL_FILE
                untrusted = sio.get_untrusted_types(file=path)
                if untrusted:
                    raise ValueError(
                        f"{path.name} holds types we do not load: {sorted(untrusted)} (retrain the model)"
                    )
                stored = sio.load(path, trusted=[])
                model = DetectorModel(
                    features=fitted_features(stored["features"]),
                    types={
                        t: TypeWeights(list(w["ids"]), w["weights"], w["bias"])
                        for t, w in stored["types"].items()
                    },
                )
        except (ValueError, FileNotFoundError) as error:
            logger.warning("IssueDetector: no usable trained model (%s); it will detect nothing", error)
        return cls(config, model_storage, resource, model)
