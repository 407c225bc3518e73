"""Build the blank English spaCy pipeline whose EntityRuler holds the catalog's patterns.

Pretrained spaCy models cannot be downloaded here and are not needed: a blank pipeline
with a lookup lemmatizer (tables from spacy-lookups-data plus the one-slip typos of the
catalog's words, see typos.py, saved inside the pipeline) lets lemma patterns match
"labels were noisy" and "noisy labelling" alike. Rasa's SpacyNLP loads the result from
disk (`python -m bot.nlu.spacy_pipeline [OUT_DIR]`).
Text is lowercased before matching (see CatalogEntityExtractor), so patterns are lowercase.

Two rulers: the EntityRuler (synonyms and token patterns: the issue is *named*) writes
`doc.ents`; a SpanRuler holds the catalog's cues (the issue is *described*, see cues.py)
and writes possibly overlapping spans to `doc.spans["issue_cues"]`, so a long description
never hides a named issue.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.catalog import Catalog, load_catalog
from bot.nlu.cues import cue_pattern
from bot.nlu.typos import add_typo_lemmas, catalog_words

DEFAULT_OUT = Path("var/spacy/catalog_pipeline")
CUES_KEY = "issue_cues"


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


def cue_patterns(nlp: Language, catalog: Catalog) -> list[dict]:
    return [
        {"label": entity, "id": entry.id, "pattern": cue_pattern(nlp, cue, catalog.cue_sets)}
        for entity, entries in catalog.entries.items()
        for entry in entries.values()
        for cue in entry.cues
    ]


def build(out_dir: Path = DEFAULT_OUT, catalog: Catalog | None = None) -> Language:
    nlp = blank_pipeline()
    catalog = catalog or load_catalog()
    add_typo_lemmas(nlp, catalog_words(catalog))
    patterns = catalog_patterns(nlp, catalog)  # lemmatized before the rulers exist
    cues = cue_patterns(nlp, catalog)
    nlp.add_pipe("entity_ruler", config={"overwrite_ents": True}).add_patterns(patterns)
    nlp.add_pipe("span_ruler", config={"spans_key": CUES_KEY}).add_patterns(cues)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return nlp


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    pipeline = build(target)
    patterns, cues = len(pipeline.get_pipe("entity_ruler")), len(pipeline.get_pipe("span_ruler"))
    print(f"spaCy pipeline with {patterns} patterns and {cues} cues written to {target}")
