"""Typed answers have typos ("mising data", "overfiting", "lables"): map them to the right lemma.

The lookup lemmatizer's table is extended, at build time, with the one-slip variants
(a letter dropped, doubled, or two letters swapped) of the longer words the catalog uses,
so every lemma pattern and cue matches the misspelt word too. A variant that is itself an
English word the table (or spaCy's stop-word list) knows is left alone, so "sales" never
becomes "scales" nor "there" "three".
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.strings import get_string_id

from bot.catalog import Catalog

MIN_WORD = 5  # only longer words get variants: short ones have too many real-word neighbours


def catalog_words(catalog: Catalog) -> set[str]:
    """Every alphabetic word in the catalog's synonyms, cues and token patterns."""
    text = list(catalog.cue_sets.values())
    for entries in catalog.entries.values():
        for entry in entries.values():
            text += entry.synonyms + entry.cues
            text += [str(token) for pattern in entry.patterns for token in pattern]
    return set(re.findall(r"[a-z]+", " ".join(text).lower()))


def one_slips(word: str) -> set[str]:
    dropped = {word[:i] + word[i + 1 :] for i in range(len(word))}
    doubled = {word[:i] + word[i] + word[i:] for i in range(len(word))}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return (dropped | doubled | swapped) - {word}


def add_typo_lemmas(nlp: Language, words: set[str]) -> int:
    """Add variant → lemma entries to the lemmatizer's lookup table; returns how many."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    # a Table keeps its keys as hashes: compare words through their hash
    # stop words are missing from the table but real: 'there' must not become 'three'
    known = set(table.keys()) | {get_string_id(w) for w in set(table.values()) | words | STOP_WORDS}
    added = 0
    for word in sorted(w for w in words if len(w) >= MIN_WORD):
        lemma = table.get(word, word)
        for variant in sorted(one_slips(word)):
            if get_string_id(variant) not in known:
                table[variant] = lemma
                known.add(get_string_id(variant))
                added += 1
    return added
