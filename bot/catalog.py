"""The study's catalog of quality issues, data sources and data types (`catalog.yml`).

One file feeds the spaCy entity patterns, the follow-up wording, clarifications and the
researchers' exports, so an id, its label and its phrasings never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).parent / "catalog.yml"

#: catalog section → Rasa entity name
ENTITY_OF = {
    "quality_issues": "quality_issue",
    "data_sources": "data_source",
    "data_types": "data_type",
}


@dataclass(frozen=True)
class Entry:
    id: str
    entity: str
    label: str
    definition: str
    followup: str
    synonyms: tuple[str, ...]
    patterns: tuple[tuple[dict, ...], ...]
    cues: tuple[str, ...] = ()  # descriptions of the issue, see bot/nlu/cues.py
    #: cue-syntax phrases in which this entry's words carry no issue ("bias term")
    innocent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    entries: dict[str, dict[str, Entry]]  # entity name → id → entry
    #: words that show a data type is *the data they work with* (see CatalogEntityExtractor)
    data_type_context: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: named word sets a cue can use as "@name" (see bot/nlu/cues.py)
    cue_sets: dict[str, str] = field(default_factory=dict)
    #: verbs (lemmas) that make a following issue mention a handling statement
    handling_words: tuple[str, ...] = ()
    #: nouns (lemmas) that make an issue mention right before them a handling statement
    handling_nouns: tuple[str, ...] = ()
    #: verbs (lemmas) whose object is what the model predicts, and the subjects before them
    prediction_verbs: tuple[str, ...] = ()
    prediction_subjects: tuple[str, ...] = ()
    #: data source id → issue ids: the source named right by such an issue is its subject
    source_as_subject: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ids(self, entity: str) -> list[str]:
        return list(self.entries[entity])

    def get(self, entity: str, id_: str) -> Entry:
        return self.entries[entity][id_]

    def issue(self, id_: str) -> Entry:
        return self.entries["quality_issue"][id_]


def words(where: str, values: list | None) -> tuple[str, ...]:
    """A word list of the catalog, checked: YAML reads a bare on, off, yes or no as a
    boolean, which would silently never match (quote them)."""
    values = values or ()
    odd = [v for v in values if not isinstance(v, str)]
    if odd:
        raise ValueError(f"catalog {where}: {odd} are not words; quote on/off/yes/no in bot/catalog.yml")
    return tuple(values)


@cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries: dict[str, dict[str, Entry]] = {}
    for section, entity in ENTITY_OF.items():
        entries[entity] = {
            item["id"]: Entry(
                id=item["id"],
                entity=entity,
                label=item["label"],
                definition=item["definition"],
                followup=item.get("followup") or item["label"].lower(),
                synonyms=words(f"{item['id']} synonyms", item.get("synonyms")),
                patterns=tuple(tuple(p) for p in item.get("patterns") or ()),
                cues=words(f"{item['id']} cues", item.get("cues")),
                innocent=words(f"{item['id']} innocent", item.get("innocent")),
            )
            for item in raw[section]
        }
    context = {k: words(f"data_type_context {k}", v) for k, v in (raw.get("data_type_context") or {}).items()}
    return Catalog(
        entries=entries,
        data_type_context=context,
        cue_sets=dict(raw.get("cue_sets") or {}),
        handling_words=words("handling_words", raw.get("handling_words")),
        handling_nouns=words("handling_nouns", raw.get("handling_nouns")),
        prediction_verbs=words("prediction_verbs", raw.get("prediction_verbs")),
        prediction_subjects=words("prediction_subjects", raw.get("prediction_subjects")),
        source_as_subject={
            k: words(f"source_as_subject {k}", v) for k, v in (raw.get("source_as_subject") or {}).items()
        },
    )
