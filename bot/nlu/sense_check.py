"""The catalog on its word-sense probes, in seconds: `python -m bot.nlu.sense_check`.

Many catalog words also have a sense that reports no issue ("we add a bias term", "we
scale the features"), and a follow-up about such a word reads as if the bot did not listen.
tests/nlu/catalog_sense_probes.yml pairs answers that use a word innocently with answers
that use it to report its issue. This prints, for the catalog alone (no Rasa model), the
innocent probes that would still trigger a follow-up and the issue probes that lose their
id, so that an `innocent:` phrase added to bot/catalog.yml can be judged on both sides.
It is a tuning set, written from the catalog: the test sets say how the bot does overall.
`python -m bot.nlu.sense_check tests/nlu/negation_handling_probes.yml` does the same for
negated and handling-only answers against answers that report an issue near a negation or a
handling verb (the negation rules of catalog_entity_extractor.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.nlu.entity_check import extractor

PROBES = Path(__file__).parents[2] / "tests" / "nlu" / "catalog_sense_probes.yml"


@dataclass(frozen=True)
class Probe:
    word: str
    text: str
    expect: str | None  # the quality_issue id it reports; None: innocent


def load_probes(path: Path = PROBES) -> list[Probe]:
    probes = []
    for group in yaml.safe_load(path.read_text(encoding="utf-8"))["probes"]:
        probes += [Probe(group["word"], text, None) for text in group.get("innocent") or ()]
        probes += [Probe(group["word"], p["text"], p["expect"]) for p in group.get("issue") or ()]
    return probes


@dataclass
class SenseFigures:
    innocent: int = 0
    innocent_triggered: int = 0  # innocent probes with any quality_issue
    issue: int = 0
    issue_found: int = 0  # issue probes whose expected id was found
    failures: list[tuple[Probe, dict[str, str]]] = field(default_factory=list)


def sense_figures(probes: list[Probe], issues_of: Callable[[str], dict[str, str]]) -> SenseFigures:
    figures = SenseFigures()
    for probe in probes:
        found = issues_of(probe.text)
        if probe.expect is None:
            ok = not found
            figures.innocent += 1
            figures.innocent_triggered += not ok
        else:
            ok = probe.expect in found
            figures.issue += 1
            figures.issue_found += ok
        if not ok:
            figures.failures.append((probe, found))
    return figures


def catalog_issues() -> Callable[[str], dict[str, str]]:
    """The quality_issue ids the catalog alone finds in a text, each with the words it matched."""
    extract = extractor()

    def issues_of(text: str) -> dict[str, str]:
        (entities,) = extract([text])
        return {e["value"]: text[e["start"] : e["end"]] for e in entities if e["entity"] == "quality_issue"}

    return issues_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probes", nargs="?", type=Path, default=PROBES)
    args = parser.parse_args(argv)
    figures = sense_figures(load_probes(args.probes), catalog_issues())
    for probe, found in figures.failures:
        kind = "innocent, found" if probe.expect is None else f"expected {probe.expect}, found"
        print(f"[{probe.word}] {kind} {found or '{}'}: {probe.text}")
    print(
        f"innocent probes triggering a follow-up: {figures.innocent_triggered}/{figures.innocent}; "
        f"issue probes with their id: {figures.issue_found}/{figures.issue}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
