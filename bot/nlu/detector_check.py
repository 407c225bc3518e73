"""Tune the learned issue detector without training Rasa: `python -m bot.nlu.detector_check`.

Trains IssueDetector's per-type models on data/ (in seconds), then scores catalog +
detector on a development file (default tests/nlu/test_nlu_dev.yml) for a grid of
thresholds (alone, beside an id the catalog found, a clause's, the presence gate) and C,
with bot/evaluation.py's entity rules. Gold intents stand in for DIET's, so the figures are
a little above what `make eval` measures. Never point it at a holdout set: choosing
settings on it would spend it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from itertools import product
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.catalog import load_catalog
from bot.evaluation import entity_figures
from bot.nlu.catalog_entity_extractor import catalog_entities, cue_matcher, lower_keeping_offsets
from bot.nlu.issue_detector import (
    Thresholds,
    add_catalog_examples,
    doc_lemmas,
    doc_parts,
    learned_entities,
    train,
    training_set,
)
from bot.nlu.spacy_pipeline import build

DEV_SET = Path("tests/nlu/test_nlu_dev.yml")
TYPES = ["quality_issue", "data_source", "data_type"]  # config.yml's IssueDetector dimensions


def examples(paths: list[Path]) -> list[Message]:
    return [m for p in paths for m in load_data(str(p)).intent_examples]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEV_SET])
    parser.add_argument("--thresholds", default="0.4,0.5,0.6")
    parser.add_argument("--c", default="8,32")
    parser.add_argument("--beside", default="0.5,0.7,0.8,0.9,1.01", help="thresholds beside a catalog find")
    parser.add_argument("--clause", default="1.01", help="thresholds for a clause's own id (1.01: off)")
    parser.add_argument("--presence", default="0", help="presence thresholds, where the catalog found none")
    parser.add_argument(
        "--catalog-examples", action="store_true", help="add the catalog's words as positives"
    )
    parser.add_argument("--train", nargs="*", type=Path, help="training files (default data/nlu*.yml)")
    parser.add_argument("--types", default=",".join(TYPES), help="entity types the detector learns")
    args = parser.parse_args(argv)
    types = args.types.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        nlp = build(Path(tmp) / "pipeline")
    catalog = load_catalog()
    cues = cue_matcher(nlp, catalog)
    lemmas = lambda text: doc_lemmas(nlp(lower_keeping_offsets(text)))  # noqa: E731

    train_examples = examples(args.train or sorted(Path("data").glob("nlu*.yml")))
    data = training_set(train_examples, types, {"inform"}, lambda m: lemmas(m.get("text")))
    if args.catalog_examples:
        add_catalog_examples(data, catalog, types, lemmas)
    for path in args.files:
        dev = examples([path])
        gold = [m.get("entities") or [] for m in dev]
        dev_texts = [m.get("text") for m in dev]
        answers = [m.get("intent") == "inform" for m in dev]
        catalog_found, held = [], []
        for text in dev_texts:
            held_back: set[str] = set()
            catalog_found.append(catalog_entities(nlp(lower_keeping_offsets(text)), catalog, cues, held_back))
            held.append(held_back)
        base, _ = entity_figures(gold, catalog_found, dev_texts, max_errors=0)
        print(f"== {path} ({len(dev)}): catalog alone {base}")
        dev_parts = [doc_parts(nlp(lower_keeping_offsets(t))) for t in dev_texts]
        for c in [float(x) for x in args.c.split(",")]:
            model = train(data.texts, data.labels, c)
            options = (args.beside, args.thresholds, args.clause, args.presence)
            for beside, threshold, clause, presence in product(
                *(map(float, option.split(",")) for option in options)
            ):
                limits = Thresholds(threshold, beside, 2, clause, presence)
                found = [
                    f + (learned_entities(model, parts, f, h, limits) if a else [])
                    for f, parts, h, a in zip(catalog_found, dev_parts, held, answers, strict=True)
                ]
                scores, _ = entity_figures(gold, found, dev_texts, max_errors=0)
                setting = (
                    f"C={c:<5} threshold {threshold:.2f} beside {beside:.2f} clause {clause:.2f} "
                    f"presence {presence:.2f}"
                )
                print(f"{setting}  {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
