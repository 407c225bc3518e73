"""Entity figures of the catalog alone, in seconds: `python -m bot.nlu.entity_check [FILES]`.

Entities come only from the catalog (spaCy EntityRuler + cues, see catalog_entity_extractor),
never from DIET, so tuning bot/catalog.yml needs no Rasa model: this builds the pipeline in
a temporary folder and scores, with bot/evaluation.py's own rules,

- each Rasa NLU test file (default: the test set and the blind test set): entity F1 by
  canonical value per type, then every error (text, gold, found). The holdout sets are left
  out of the default on purpose: reading their errors would spend them (see bot/evaluation.py);
- the coded real answers, when ../shared/data has them: issue recall, category hit,
  data-source accuracy and the share of uncoded answers that would trigger a follow-up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bot.catalog import load_catalog
from bot.evaluation import (
    BLIND_TEST_SET,
    REAL_ANSWERS,
    TEST_SET,
    entity_figures,
    load_real_answers,
    real_answer_scores,
)
from bot.nlu.catalog_entity_extractor import catalog_entities, cue_matcher, lower_keeping_offsets
from bot.nlu.spacy_pipeline import build


def extractor():
    """texts → entity dicts per text, as CatalogEntityExtractor gives them."""
    with tempfile.TemporaryDirectory() as tmp:
        nlp = build(Path(tmp) / "pipeline")
    catalog = load_catalog()
    cues = cue_matcher(nlp, catalog)
    return lambda texts: [catalog_entities(nlp(lower_keeping_offsets(t)), catalog, cues) for t in texts]


def check_file(path: Path, extract) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(path)).intent_examples
    texts = [e.get("text") for e in examples]
    gold = [e.get("entities") or [] for e in examples]
    scores, errors = entity_figures(gold, extract(texts), texts, max_errors=None)
    print(f"== {path} ({len(examples)} examples): F1 {scores}")
    for etype, wrong in errors.items():
        for e in wrong:
            print(f"  {etype}: gold {e['gold']} found {e['found']}\n      {e['text']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[TEST_SET, BLIND_TEST_SET])
    args = parser.parse_args(argv)
    extract = extractor()
    for path in args.files:
        check_file(path, extract)
    if REAL_ANSWERS.exists():
        rows = load_real_answers()
        scores = real_answer_scores(rows, extract([r["answer"] for r in rows]))
        print(f"== real answers ({len(rows)}): {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
