"""The interview guide as data: sections, questions, their conditions and wording.

`guide/questions.yml` is the study's specification (a copy of the shared one, so the bot
never reads outside the project at run time); `guide/wording.yml` holds the friendly text
the bot says for each id. Everything that decides *what* is asked next reads this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

GUIDE_DIR = Path(__file__).parent / "guide"

Facts = Mapping[str, object]
Condition = Callable[[Facts], bool]


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str
    text: str
    ask: str
    clarify: str
    when: str | None = None
    handles: bool = False
    condition: Condition = field(default=lambda facts: True, compare=False, repr=False)

    @property
    def asks_something(self) -> bool:
        return self.kind != "statement"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    part: int | None  # 1-based part number shown to the participant; None for the intro
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    sections: tuple[Section, ...]
    questions: dict[str, Question]
    version: str

    @property
    def parts(self) -> int:
        return sum(1 for s in self.sections if s.part is not None)

    def section_of(self, question_id: str) -> Section:
        sid = self.questions[question_id].section
        return next(s for s in self.sections if s.id == sid)

    def ordered(self) -> list[Question]:
        return [self.questions[q] for s in self.sections for q in s.question_ids]


_EQUALS = re.compile(r"^([\w.]+) = (\w+)$")
_INCLUDES = re.compile(r"^data_source includes (\w+)(?: or (\w+))?$")
BUILDS_OWN = "they build and deploy their models themselves"


def parse_condition(when: str | None) -> Condition:
    """Turn a `when` string of questions.yml into a predicate over the interview facts.

    Facts hold normalised answers: yes/no questions as "yes"/"no", the two time splits as
    "close_to_80_20"/"balanced", `data_source` as a list of ids, `builds_own` as a bool.
    An unknown form raises, so a new condition in the guide cannot be silently ignored.
    """
    if not when:
        return lambda facts: True
    if when == BUILDS_OWN:
        return lambda facts: facts.get("builds_own") is True
    m = _EQUALS.match(when)
    if m:
        key, value = m.groups()
        return lambda facts: facts.get(key) == value
    m = _INCLUDES.match(when)
    if m:
        wanted = {s for s in m.groups() if s}
        return lambda facts: bool(wanted & set(facts.get("data_source") or []))
    raise ValueError(f"unsupported condition in questions.yml: {when!r}")


@cache
def load_guide(directory: Path = GUIDE_DIR) -> Guide:
    spec = yaml.safe_load((directory / "questions.yml").read_text(encoding="utf-8"))
    wording = yaml.safe_load((directory / "wording.yml").read_text(encoding="utf-8"))
    questions: dict[str, Question] = {}
    sections = []
    part = 0
    for sec in spec["sections"]:
        words = wording["sections"][sec["id"]]
        numbered = sec["id"] != "intro"
        part += numbered
        sections.append(
            Section(
                id=sec["id"],
                title=words["title"],
                intro=words["intro"],
                part=part if numbered else None,
                question_ids=tuple(q["id"] for q in sec["questions"]),
            )
        )
        for q in sec["questions"]:
            w = wording["questions"][q["id"]]
            questions[q["id"]] = Question(
                id=q["id"],
                section=sec["id"],
                kind=q["kind"],
                text=q["text"],
                ask=w["ask"],
                clarify=w["clarify"],
                when=q.get("when"),
                handles=bool(q.get("handles")),
                condition=parse_condition(q.get("when")),
            )
    version = str(spec.get("version", "1"))
    return Guide(sections=tuple(sections), questions=questions, version=version)
