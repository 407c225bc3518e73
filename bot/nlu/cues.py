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
uh, is messy") but never a sentence end, keeping a cue inside one sentence, nor a negation
("the data is not messy"). Fillers ("um", "uh") and the intensifiers "really", "very" are
skipped without using up a gap ("the sample is, um, really very small").

The matcher is plain Python indexed by each cue's first word: spaCy's Matcher needs one
optional wildcard token per gap position, which made it the slowest step of a parse. It
reads the doc once into plain lists and skips a cue whose required words are not all in the
doc.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

GAP = "..."
DEFAULT_GAP = 3
NUM = "#num"
SENTENCE_ENDS = frozenset({".", "!", "?", ";", "...", "\n"})
NEGATIONS = frozenset({"not", "n't", "nt", "no", "never", "nothing"})  # "nt": "dont", "didnt"
#: spoken fillers and intensifiers: skipped without using up a gap ("is, uh, really limited")
FILLERS = frozenset({"um", "uh", "erm", "uhm", "hmm", "really", "very"})


@dataclass(frozen=True)
class Slot:
    lemmas: frozenset[str] = frozenset()  # empty: a number
    optional: bool = False
    gap: int = 0  # tokens that may be skipped before this slot


@dataclass(frozen=True)
class Cue:
    label: str  # entity type
    id: str  # catalog id
    slots: tuple[Slot, ...]
    innocent: bool = False  # an innocent sense of the id's words (catalog `innocent`)


def lemma_set(nlp: Language, words: str) -> frozenset[str]:
    """The lemmas of `a|b|c` (and the words themselves, for lemmas the table lacks)."""
    found: set[str] = set()
    for word in words.lower().split("|"):
        doc = nlp(word)
        found.add(doc[0].lemma_ if len(doc) == 1 else word)
        found.add(word)
    return frozenset(found)


def compile_cue(nlp: Language, cue: str, sets: dict[str, str] | None = None) -> tuple[Slot, ...]:
    """The slots of one cue string; `sets` resolves "@name" slots."""
    slots: list[Slot] = []
    gap = 0
    for part in cue.split():
        if part.startswith(GAP):
            gap += int(part[len(GAP) :] or DEFAULT_GAP)
            continue
        optional = part.startswith("?")
        words = part.lstrip("?")
        if words.startswith("@"):
            words = (sets or {})[words[1:]]
        lemmas = frozenset() if words == NUM else lemma_set(nlp, words)
        slots.append(Slot(lemmas=lemmas, optional=optional, gap=gap))
        gap = 0
    if not slots or slots[0].optional or slots[-1].optional:
        raise ValueError(f"a cue must start and end with a required word: {cue!r}")
    return tuple(slots)


class CueMatcher:
    """Finds the catalog's cues in a processed doc."""

    def __init__(self, cues: list[Cue]):
        self.by_first_lemma: dict[str, list[Cue]] = defaultdict(list)
        self.starting_with_number: list[Cue] = []
        for cue in cues:
            first = cue.slots[0]
            if first.lemmas:
                for lemma in first.lemmas:
                    self.by_first_lemma[lemma].append(cue)
            else:
                self.starting_with_number.append(cue)
        # per cue: the lemma sets of its later required words, and whether it needs a number
        self.required: dict[int, tuple[tuple[frozenset[str], ...], bool]] = {
            id(cue): (
                tuple(slot.lemmas for slot in cue.slots[1:] if slot.lemmas and not slot.optional),
                any(not slot.lemmas and not slot.optional for slot in cue.slots[1:]),
            )
            for cue in cues
        }

    def _could_match(self, cue: Cue, words: _Words) -> bool:
        """False when a later required word (or number) of the cue is nowhere in the doc:
        most candidates fail here without a walk."""
        needed, needs_number = self.required[id(cue)]
        return (words.has_number or not needs_number) and all(
            not lemmas.isdisjoint(words.lemmas) for lemmas in needed
        )

    def __call__(self, doc: Doc) -> list[tuple[Cue, int, int]]:
        """(cue, start token, end token) of each cue's first match at each position."""
        words = _Words(doc)
        possible: dict[int, bool] = {}
        found = []
        for i, lemma in enumerate(words.lemma):
            candidates = self.by_first_lemma.get(lemma, [])
            if words.like_num[i]:
                candidates = candidates + self.starting_with_number
            for cue in candidates:
                key = id(cue)
                if key not in possible:
                    possible[key] = self._could_match(cue, words)
                if not possible[key]:
                    continue
                end = _match(words, cue.slots, 1, i + 1)
                if end is not None:
                    found.append((cue, i, end))
        return found


class _Words:
    """What matching reads of each token, as plain lists: indexing a spaCy Doc builds a
    Token object each time, which made the matcher the slowest step of a parse."""

    __slots__ = ("lemma", "lower", "like_num", "lemmas", "has_number")

    def __init__(self, doc: Doc):
        self.lemma = [token.lemma_ for token in doc]
        self.lower = [token.lower_ for token in doc]
        self.like_num = [token.like_num for token in doc]
        self.lemmas = frozenset(self.lemma)
        self.has_number = any(self.like_num)


_STOPS = SENTENCE_ENDS | NEGATIONS


def _match(words: _Words, slots: tuple[Slot, ...], k: int, pos: int, extra_gap: int = 0) -> int | None:
    """End of the shortest match of slots[k:] starting at token `pos`, or None.
    A skipped optional slot hands its gap on to the next one."""
    if k == len(slots):
        return pos
    slot = slots[k]
    gap = slot.gap + extra_gap
    stops = _STOPS if slot.lemmas.isdisjoint(NEGATIONS) else SENTENCE_ENDS  # "don't, don't"
    lemmas, lower = slot.lemmas, words.lower
    at, skipped, n = pos, 0, len(lower)
    while at < n and skipped <= gap:
        if at > pos and lower[at - 1] in stops:
            break
        if words.lemma[at] in lemmas if lemmas else words.like_num[at]:
            end = _match(words, slots, k + 1, at + 1)
            if end is not None:
                return end
        skipped += lower[at] not in FILLERS
        at += 1
    if slot.optional:
        return _match(words, slots, k + 1, pos, gap)
    return None
