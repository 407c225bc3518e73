"""Issue cues: short lemma patterns with bounded gaps, written compactly in the catalog.

Practitioners describe an issue more often than they name it ("the model got worse after
customers changed their habits"). A cue is a string of slots, matched left to right:

    "model|prediction|accuracy ... worse|degrade"   two lemma sets, up to 3 tokens between
    "not|never ?really enough data|example"         `?` makes a slot optional
    "...5"                                          a gap of up to 5 tokens
    "only ...3 #num scan|image"                     `#num` is any number ("80", "ten")
    "@people ...3 label|annotate"                   `@people` is the catalog's cue set `people`

Words are lemmatized with the pipeline's own lemmatizer, so "labels", "labelled" and
"labelling" all match `label`. Gaps cross commas (spoken answers are full of "the data is,
uh, is messy") but never a sentence end, keeping a cue inside one sentence.
"""

from __future__ import annotations

from spacy.language import Language

GAP = "..."
DEFAULT_GAP = 3
NUM = "#num"
SENTENCE_ENDS = [".", "!", "?", ";", "...", "\n"]


def lemma_set(nlp: Language, words: str) -> list[str]:
    """The lemmas of `a|b|c` (and the words themselves, for lemmas the table lacks)."""
    found: set[str] = set()
    for word in words.split("|"):
        doc = nlp(word.lower())
        found.add(doc[0].lemma_ if len(doc) == 1 else word.lower())
        found.add(word.lower())
    return sorted(found)


def cue_pattern(nlp: Language, cue: str, sets: dict[str, str] | None = None) -> list[dict]:
    """A spaCy token pattern for one cue string; `sets` resolves "@name" slots."""
    pattern: list[dict] = []
    for slot in cue.split():
        if slot.startswith(GAP):
            size = int(slot[len(GAP) :] or DEFAULT_GAP)
            pattern += [{"LOWER": {"NOT_IN": SENTENCE_ENDS}, "OP": "?"}] * size
            continue
        optional = slot.startswith("?")
        words = slot.lstrip("?")
        if words.startswith("@"):
            words = (sets or {})[words[1:]]
        token = {"LIKE_NUM": True} if words == NUM else {"LEMMA": {"IN": lemma_set(nlp, words)}}
        if optional:
            token["OP"] = "?"
        pattern.append(token)
    if "OP" in pattern[0] or all("OP" in token for token in pattern):
        raise ValueError(f"a cue must start with a required slot: {cue!r}")
    return pattern
