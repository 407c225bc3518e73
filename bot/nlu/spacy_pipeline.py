"""Build the blank English spaCy pipeline whose EntityRuler holds the catalog's patterns.

Pretrained spaCy models cannot be downloaded here and are not needed: a blank pipeline
with a lookup lemmatizer (tables from spacy-lookups-data plus the one-slip typos of the
catalog's words, see typos.py, saved inside the pipeline) lets lemma patterns match
"labels were noisy" and "noisy labelling" alike. Rasa's SpacyNLP loads the result from
disk (`python -m bot.nlu.spacy_pipeline [OUT_DIR]`).
Text is lowercased before matching (see CatalogEntityExtractor), so patterns are lowercase.

Synonyms go to the ruler as phrases compared by lemma (spaCy's PhraseMatcher, far faster
than one token pattern each), plus a plural where the lookup lemmatizer reads the singular as
a verb ("reading" -> "read", see plural_variant); `patterns` stay token patterns. The
catalog's cues are matched afterwards by CatalogEntityExtractor (see cues.py).

A token pattern whose first token is a set (`{"LEMMA": {"IN": [...]}}`) goes to the ruler
as one pattern per word of the set: spaCy's Matcher tests a set in Python, for every token
of the answer and every pattern, which made these 91 patterns 4–5 ms of a 150-word parse;
a plain first word is tested in C. The matches are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.catalog import Catalog, load_catalog
from bot.nlu.typos import add_typo_lemmas, catalog_words

DEFAULT_OUT = Path("var/spacy/catalog_pipeline")


def blank_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def catalog_patterns(catalog: Catalog, nlp: Language | None = None) -> list[dict]:
    patterns = []
    for entity, entries in catalog.entries.items():
        for entry in entries.values():
            for phrase in entry.synonyms:
                for variant in (phrase.lower(), *plural_variant(phrase.lower(), nlp)):
                    patterns.append({"label": entity, "id": entry.id, "pattern": variant})
            for token_pattern in entry.patterns:
                for pattern in first_token_expanded(list(token_pattern)):
                    patterns.append({"label": entity, "id": entry.id, "pattern": pattern})
    return patterns


def plural_variant(phrase: str, nlp: Language | None) -> tuple[str, ...]:
    """The phrase with its last word in the plural, where the lookup lemmatizer would miss it:
    it reads "reading" as the verb "read" but "readings" as "reading", so "sensor reading"
    alone never matched "sensor readings" (likewise recordings, feeds, postings)."""
    head, _, last = phrase.rpartition(" ")
    if nlp is None or not last.isalpha() or last.endswith("s"):
        return ()
    plural = last + "s"
    if nlp(last)[0].lemma_ == last or nlp(plural)[0].lemma_ != last:
        return ()
    return (f"{head} {plural}".strip(),)


def first_token_expanded(pattern: list[dict]) -> list[list[dict]]:
    """`[{"LEMMA": {"IN": [a, b]}}, *rest]` as `[{"LEMMA": a}, *rest]` and `[{"LEMMA": b}, *rest]`
    (only for a required first token with that one set; any other pattern is kept as is)."""
    first, rest = pattern[0], pattern[1:]
    if len(first) != 1:
        return [pattern]
    ((attr, spec),) = first.items()
    if not (isinstance(spec, dict) and list(spec) == ["IN"]):
        return [pattern]
    return [[{attr: value}, *rest] for value in dict.fromkeys(spec["IN"])]


def build(out_dir: Path = DEFAULT_OUT, catalog: Catalog | None = None) -> Language:
    nlp = blank_pipeline()
    catalog = catalog or load_catalog()
    add_typo_lemmas(nlp, catalog_words(catalog))
    patterns = catalog_patterns(catalog, nlp)  # before the ruler: plural_variant only lemmatizes
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "LEMMA"})
    ruler.add_patterns(patterns)  # phrases are lemmatized by the pipeline
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return nlp


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    pipeline = build(target)
    print(f"spaCy pipeline with {len(pipeline.get_pipe('entity_ruler'))} patterns written to {target}")
