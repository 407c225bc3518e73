"""Build the blank English spaCy pipeline whose EntityRuler holds the catalog's patterns.

Pretrained spaCy models cannot be downloaded here and are not needed: a blank pipeline
with a lookup lemmatizer (tables from spacy-lookups-data, saved inside the pipeline) lets
lemma patterns match "labels were noisy" and "noisy labelling" alike. Rasa's SpacyNLP
loads the result from disk (`python -m bot.nlu.spacy_pipeline [OUT_DIR]`).
Text is lowercased before matching (see CatalogEntityExtractor), so patterns are lowercase.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.catalog import Catalog, load_catalog

DEFAULT_OUT = Path("var/spacy/catalog_pipeline")


def blank_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def phrase_pattern(nlp: Language, phrase: str) -> list[dict]:
    """A literal phrase as a lemma pattern: each token must have the phrase token's lemma."""
    doc = nlp(phrase.lower())
    return [{"LEMMA": tok.lemma_} if tok.is_alpha else {"LOWER": tok.lower_} for tok in doc]


def catalog_patterns(nlp: Language, catalog: Catalog) -> list[dict]:
    patterns = []
    for entity, entries in catalog.entries.items():
        for entry in entries.values():
            for phrase in entry.synonyms:
                patterns.append({"label": entity, "id": entry.id, "pattern": phrase_pattern(nlp, phrase)})
            for token_pattern in entry.patterns:
                patterns.append({"label": entity, "id": entry.id, "pattern": list(token_pattern)})
    return patterns


def build(out_dir: Path = DEFAULT_OUT, catalog: Catalog | None = None) -> Language:
    nlp = blank_pipeline()
    patterns = catalog_patterns(nlp, catalog or load_catalog())  # before the ruler exists
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return nlp


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    pipeline = build(target)
    print(f"spaCy pipeline with {len(pipeline.get_pipe('entity_ruler'))} patterns written to {target}")
