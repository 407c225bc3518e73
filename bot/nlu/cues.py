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
optional wildcard token per gap position, which made it the slowest step of a parse.
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

    def matches(self, token) -> bool:
        return token.lemma_ in self.lemmas if self.lemmas else token.like_num


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

    def __call__(self, doc: Doc) -> list[tuple[Cue, int, int]]:
        """(cue, start token, end token) of each cue's first match at each position."""
        found = []
        for i, token in enumerate(doc):
            candidates = self.by_first_lemma.get(token.lemma_, [])
            if token.like_num:
                candidates = candidates + self.starting_with_number
            for cue in candidates:
                end = _match(doc, cue.slots, 1, i + 1)
                if end is not None:
                    found.append((cue, i, end))
        return found


def _match(doc: Doc, slots: tuple[Slot, ...], k: int, pos: int, extra_gap: int = 0) -> int | None:
    """End of the shortest match of slots[k:] starting at token `pos`, or None.
    A skipped optional slot hands its gap on to the next one."""
    if k == len(slots):
        return pos
    slot = slots[k]
    gap = slot.gap + extra_gap
    stops = SENTENCE_ENDS if slot.lemmas & NEGATIONS else SENTENCE_ENDS | NEGATIONS  # "don't, don't"
    at, skipped = pos, 0
    while at < len(doc) and skipped <= gap:
        if at > pos and doc[at - 1].lower_ in stops:
            break
        if slot.matches(doc[at]):
            end = _match(doc, slots, k + 1, at + 1)
            if end is not None:
                return end
        skipped += doc[at].lower_ not in FILLERS
        at += 1
    if slot.optional:
        return _match(doc, slots, k + 1, pos, gap)
    return None
