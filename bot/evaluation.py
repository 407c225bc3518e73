"""`make eval`: how well the bot understands practitioners, in figures.

1. The test sets kept apart from the training data (TEST_SETS), each scored for intent
   macro-F1, affirm/deny confusion, and entity F1 by *canonical value* (what the follow-up
   and the catalog use), per entity type. The newest holdout set is the headline: it was
   written blind and nothing has been tuned on it. The sets used for error analysis or for
   choosing settings give optimistic figures.
2. `rasa test nlu` on the headline set, and 5-fold cross-validation on the training data
   (reports under var/eval/rasa/), unless --quick.
3. The real-answer check on ../shared/data/coded-answers-dev.jsonl (researchers' coding;
   read at evaluation time only, never copied): issue recall, category hit, data-source
   accuracy, and the share of uncoded answers that would trigger a follow-up.
4. False triggers: the share of answers that mention no issue (NO_ISSUE_SET) in which the
   bot would ask "how do you currently handle it?".
5. Annotator agreement: a second, independent annotation of the newest holdout sets' answers
   (SECOND_ANNOTATIONS), scored against the first, and the bot against each.
6. The median parse time of a 150-word answer.

Writes var/eval/report.json and var/eval/report.md, and prints the Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bot.settings import MODEL_PATH, PROJECT_ROOT

MODEL = MODEL_PATH
TRAINING_DATA = PROJECT_ROOT / "data"  # every NLU file in it (nlu.yml, nlu_issues_*.yml)
TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
#: written later, by someone who had not seen the catalog, the training data or the first
#: test set; the NLU was then tuned on its error kinds, so it is no longer unseen
BLIND_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_blind.yml"
#: written blind after the catalog tuning and never used for error analysis. Its figures
#: were seen once (session 4, catalog only) before the learned detector was built.
HOLDOUT_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout.yml"
#: written blind on 2026-11-27, before the learned detector and its training data existed,
#: by someone who read neither the data, the catalog patterns nor the other test sets: the
#: honest estimate. Look at its errors only to report them, never to write cues or data.
HOLDOUT2_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout2.yml"
#: written blind on 2026-11-27 (session 6), while new detector training data was being written
#: by others, by someone who read neither data/, bot/ nor the other test sets. Never tuned
#: on: the headline. Look at its errors only to report them.
HOLDOUT3_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout3.yml"
#: written blind on 2026-11-27 (session 7) the same way; its figures were read six times (in
#: aggregate) and six of its data_type error lines once, by accident
HOLDOUT4_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout4.yml"
#: written blind on 2026-11-27 (session 8) the same way, before any change of that session
#: was measured on it; its figures were read twice (in aggregate)
HOLDOUT5_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout5.yml"
#: written blind on 2026-11-27 (session 9) the same way, while that session's catalog changes
#: were judged on other sets only; its figures were read once there and three times in
#: session 10 (in aggregate), among the validation sets that judged new intent data and epochs
HOLDOUT6_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout6.yml"
#: written blind on 2026-11-27 (session 10) the same way, while that session's intent data was
#: judged on other sets only. Its figures were read on the final models of sessions 9 to 12
#: only, after every choice was made; its errors were never read
HOLDOUT7_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout7.yml"
#: written blind on 2026-11-27 (session 12) the same way, while that session's catalog changes
#: were judged on the tuning sets only. Its figures were read on the final models of sessions
#: 13 to 15; session 16 read its entity errors to write catalog cues: a tuning set since then
HOLDOUT8_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout8.yml"
#: written blind on 2026-11-29 (session 16) by two writers who read only ANNOTATION.md, the
#: study's catalog and the guide, while that session's catalog changes were judged on the
#: tuning sets (holdout8 among them): the headline. Its figures are read on final models only
#: (three in session 16, two in session 17, two in session 18), its errors never
HOLDOUT9_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout9.yml"
#: written to choose the learned detector's settings (bot/nlu/detector_check.py)
DEV_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_dev.yml"
#: written blind on 2026-11-27 (session 8) by someone who read neither data/, bot/ nor the
#: test sets: answers that mention no quality issue, to count the follow-ups the bot would
#: ask wrongly (the test sets hold few long issue-free answers); sessions 16 to 18 used its
#: count beside the tuning sets to choose the detector's quality_issue thresholds (0.65 -> 0.7
#: -> 0.8 alone, 0.95 -> 0.9 beside the catalog, presence 0.4), so it is a little optimistic
NO_ISSUE_SET = PROJECT_ROOT / "tests" / "nlu" / "test_no_issue_answers.yml"
#: a second annotation of a test set's inform texts, by an annotator who saw neither the first
#: annotation, data/ nor bot/: how far two careful annotators agree bounds what the NLU can score
SECOND_ANNOTATIONS = {
    "holdout9_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout9_second.yml",
    "holdout8_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout8_second.yml",
    "holdout7_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout7_second.yml",
    "holdout6_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout6_second.yml",
    "holdout5_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout5_second.yml",
    "holdout4_test_set": PROJECT_ROOT / "tests" / "nlu" / "test_nlu_holdout4_second.yml",
}
#: report key -> (file, how it was used); the first is the headline
TEST_SETS = {
    "holdout9_test_set": (
        HOLDOUT9_TEST_SET,
        "written blind, never tuned on: the headline; figures read on three models of session 16 "
        "(after the catalog changes, the detector examples, the detector threshold) and two of "
        "session 17 (after the first new detector examples and thresholds, and the final model) "
        "and two of session 18 (after the new detector examples, and the final model)",
    ),
    "holdout8_test_set": (
        HOLDOUT8_TEST_SET,
        "written blind; figures read on the final models of sessions 13-15; "
        "entity errors read in session 16 to write catalog cues (tuning)",
    ),
    "holdout7_test_set": (
        HOLDOUT7_TEST_SET,
        "written blind, never tuned on; figures read on the final models of sessions 9-12",
    ),
    "holdout6_test_set": (
        HOLDOUT6_TEST_SET,
        "written blind; figures seen 4 times (session 10's intent data); entity errors read in session 11",
    ),
    "holdout5_test_set": (HOLDOUT5_TEST_SET, "written blind, never tuned on, figures seen twice before"),
    "holdout4_test_set": (HOLDOUT4_TEST_SET, "written blind, never tuned on, figures seen 6 times before"),
    "holdout3_test_set": (
        HOLDOUT3_TEST_SET,
        "written blind; figures seen about 18 times (sessions 8 and 9); entity errors read in session 11",
    ),
    "holdout2_test_set": (
        HOLDOUT2_TEST_SET,
        "written blind; figures seen about 20 times (sessions 8 and 9); entity errors read in session 11",
    ),
    "holdout_test_set": (HOLDOUT_TEST_SET, "written blind, never tuned on, figures seen once before"),
    "dev_test_set": (DEV_TEST_SET, "written apart, used to choose the learned detector's settings"),
    "blind_test_set": (BLIND_TEST_SET, "written blind, then used for error analysis"),
    "test_set": (TEST_SET, "written apart from training, then used for error analysis"),
}
#: sets still (nearly) honest: the report gives their figures and error counts but not the
#: misread texts, so that reading the report cannot make them tuning sets
SEALED = frozenset(
    {"holdout9_test_set", "holdout7_test_set", "holdout5_test_set", "holdout4_test_set", "holdout_test_set"}
)
REAL_ANSWERS = PROJECT_ROOT.parent / "shared" / "data" / "coded-answers-dev.jsonl"
OUT = PROJECT_ROOT / "var" / "eval"
ENTITY_TYPES = ("quality_issue", "data_source", "data_type")

LONG_ANSWER = (
    "so basically we are a team of five people and most of our work is on tabular data "
    "coming from the billing system and a couple of external vendors, and the thing that "
    "hurts the most is that the data keeps changing, fields get renamed, sometimes half of "
    "the values are empty for a week and nobody tells us, and then the model starts to "
    "predict nonsense and the business people ask why, and honestly we cannot always "
    "explain it, because the model is a gradient boosting thing with hundreds of features. "
    "we try to monitor it with some dashboards but it is a lot of manual work and we do "
    "not have labels quickly enough to know if the predictions are good, it takes months "
    "before we know whether a customer really churned, so the feedback loop is slow and "
    "painful for everyone on the team honestly"
)


def f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def load_agent():
    import logging

    import structlog
    from rasa.core.agent import Agent

    # unconfigured, Rasa's structlog prints a debug line per parsed message: hundreds of
    # lines of report noise, and time spent inside the parse-time measurement
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    return Agent.load(str(MODEL))


async def parse_all(agent, texts: list[str]) -> list[dict]:
    return [await agent.parse_message(t) for t in texts]


def intent_f1(gold: list[str], pred: list[str]) -> dict[str, float]:
    per_intent = {}
    for intent in sorted(set(gold)):
        tp = sum(g == p == intent for g, p in zip(gold, pred, strict=True))
        fp = sum(p == intent != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == intent != p for g, p in zip(gold, pred, strict=True))
        per_intent[intent] = round(f1(tp, fp, fn), 3)
    return per_intent


@functools.cache
def training_texts() -> frozenset[str]:
    """The training texts, lowercased, read once for all test sets."""
    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(TRAINING_DATA.glob("nlu*.yml"))
    return frozenset(e.get("text").lower().strip() for f in files for e in load_data(str(f)).intent_examples)


def test_set_figures(agent, path: Path = TEST_SET, sealed: bool = False) -> dict:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(path)).intent_examples
    texts = [e.get("text") for e in examples]
    parsed = asyncio.run(parse_all(agent, texts))
    gold_intents = [e.get("intent") for e in examples]
    pred_intents = [p["intent"]["name"] for p in parsed]
    per_intent = intent_f1(gold_intents, pred_intents)
    # short replies ("yes", "skip") are bound to repeat training texts; the F1 over the
    # other examples says how far the intents generalise
    trained = training_texts()
    unseen = [i for i, text in enumerate(texts) if text.lower().strip() not in trained]
    per_intent_unseen = intent_f1([gold_intents[i] for i in unseen], [pred_intents[i] for i in unseen])
    yes_no = [(g, p) for g, p in zip(gold_intents, pred_intents, strict=True) if g in ("affirm", "deny")]
    confused = sum((g, p) in (("affirm", "deny"), ("deny", "affirm")) for g, p in yes_no)

    gold = [e.get("entities") or [] for e in examples]
    f1_by_type, errors = entity_figures(
        gold, [p["entities"] for p in parsed], texts, max_errors=None if sealed else 15
    )
    intent_errors = [
        {
            "text": text[:160],
            "gold": g,
            "found": p["intent"]["name"],
            "confidence": round(p["intent"]["confidence"], 3),
        }
        for text, g, p in zip(texts, gold_intents, parsed, strict=True)
        if g != p["intent"]["name"]
    ]
    if sealed:  # how many were misread, not which
        entity_errors: dict = {etype: len(misread) for etype, misread in errors.items()}
        misread_intents: list | int = len(intent_errors)
    else:
        entity_errors, misread_intents = errors, intent_errors
    return {
        "examples": len(examples),
        "intent_macro_f1": round(statistics.mean(per_intent.values()), 3),
        "intent_f1": per_intent,
        "examples_not_in_training": len(unseen),
        "intent_macro_f1_not_in_training": round(statistics.mean(per_intent_unseen.values()), 3),
        "affirm_deny_confusion": round(confused / len(yes_no), 3) if yes_no else None,
        "entity_f1_by_value": f1_by_type,
        "entity_errors": entity_errors,
        # every misread intent, for looking at what kind of phrasing fails
        "intent_errors": misread_intents,
    }


def entity_figures(
    gold: list[list[dict]], found: list[list[dict]], texts: list[str], max_errors: int | None = 15
) -> tuple[dict, dict]:
    """Entity F1 by canonical value per type: per example, the set of gold (type, value)
    against the set found; tp/fp/fn summed over examples. Also the errors per type (the
    first `max_errors`, texts cut to 120 characters; None: all, whole)."""
    counts = {t: Counter() for t in ENTITY_TYPES}
    errors = defaultdict(list)
    for gold_entities, found_entities, text in zip(gold, found, texts, strict=True):
        g_all = {(e["entity"], e["value"]) for e in gold_entities}
        q_all = {(e["entity"], e["value"]) for e in found_entities if e["entity"] in ENTITY_TYPES}
        for etype in ENTITY_TYPES:
            g = {v for t, v in g_all if t == etype}
            q = {v for t, v in q_all if t == etype}
            counts[etype]["tp"] += len(g & q)
            counts[etype]["fp"] += len(q - g)
            counts[etype]["fn"] += len(g - q)
            if g != q and (max_errors is None or len(errors[etype]) < max_errors):
                shown = text[:120] if max_errors else text
                errors[etype].append({"text": shown, "gold": sorted(g), "found": sorted(q)})
    # a type the set does not annotate cannot be scored (its F1 would read 0)
    f1_by_type = {
        t: round(f1(c["tp"], c["fp"], c["fn"]), 3) if c["tp"] + c["fn"] else None for t, c in counts.items()
    }
    return f1_by_type, dict(errors)


def no_issue_figures(found: list[list[dict]]) -> dict:
    """Of answers that mention no issue, the share in which the bot finds one (and would ask
    "how do you currently handle it?"), and the ids it finds most often."""
    ids = [{e["value"] for e in entities if e["entity"] == "quality_issue"} for entities in found]
    counts = Counter(i for found_ids in ids for i in found_ids)
    return {
        "answers": len(found),
        "triggering_followup": round(sum(map(bool, ids)) / len(found), 3) if found else None,
        "ids_found_most": counts.most_common(5),
    }


def no_issue_answer_figures(agent, path: Path = NO_ISSUE_SET) -> dict:
    from rasa.shared.nlu.training_data.loading import load_data

    texts = [e.get("text") for e in load_data(str(path)).intent_examples]
    return no_issue_figures([p["entities"] for p in asyncio.run(parse_all(agent, texts))])


def agreement_figures(first: list, second: list, found: list[list[dict]]) -> dict:
    """Entity F1 by canonical value between two annotations of the same texts (symmetric),
    and of the bot against each: a goal above what two annotators agree on is out of reach."""
    texts = [e.get("text") for e in first]
    if texts != [e.get("text") for e in second]:
        raise ValueError("the second annotation's texts differ from the first's")
    a = [e.get("entities") or [] for e in first]
    b = [e.get("entities") or [] for e in second]
    return {
        "examples": len(texts),
        "annotators_f1": entity_figures(a, b, texts)[0],
        "bot_vs_first_f1": entity_figures(a, found, texts)[0],
        "bot_vs_second_f1": entity_figures(b, found, texts)[0],
    }


def second_annotation_figures(agent) -> dict:
    from rasa.shared.nlu.training_data.loading import load_data

    figures = {}
    for key, second_path in SECOND_ANNOTATIONS.items():
        if not second_path.exists():
            continue
        second = load_data(str(second_path)).intent_examples
        first = [e for e in load_data(str(TEST_SETS[key][0])).intent_examples if e.get("intent") == "inform"]
        parsed = asyncio.run(parse_all(agent, [e.get("text") for e in first]))
        figures[key] = agreement_figures(first, second, [p["entities"] for p in parsed])
    return figures


def sources_acceptable(found: set[str], acceptable: list[list[str]]) -> bool:
    """The dataset README's rule: `sources` holds one acceptable id set per data-collection
    code (Data-collection-external may be any external id), so an answer is right when every
    code is matched by one of its ids. (Requiring the found set to *equal* one inner set, as
    this check did first, failed answers that named two sources.)"""
    return all(found & set(ids) for ids in acceptable)


def load_real_answers() -> list[dict]:
    lines = REAL_ANSWERS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def real_answer_figures(agent) -> dict:
    if not REAL_ANSWERS.exists():
        return {"skipped": f"{REAL_ANSWERS} is absent"}
    rows = load_real_answers()
    parsed = asyncio.run(parse_all(agent, [r["answer"] for r in rows]))
    return real_answer_scores(rows, [p["entities"] for p in parsed])


def real_answer_scores(rows: list[dict], found: list[list[dict]]) -> dict:
    """Issue recall, category hit, data-source accuracy and uncoded trigger share of the
    entities found in each coded answer."""
    coded = detected = category_hit = 0
    uncoded = triggered = 0
    source_rows = source_ok = 0
    for row, entities in zip(rows, found, strict=True):
        issues = {e["value"] for e in entities if e["entity"] == "quality_issue"}
        sources = {e["value"] for e in entities if e["entity"] == "data_source"}
        if row["issues"]:
            coded += 1
            detected += bool(issues)
            category_hit += bool(issues & set(row["issues"]))
        else:
            uncoded += 1
            triggered += bool(issues)
        if row["sources"]:
            source_rows += 1
            source_ok += sources_acceptable(sources, row["sources"])
    return {
        "coded_issue_answers": coded,
        "issue_recall": round(detected / coded, 3) if coded else None,
        "category_hit": round(category_hit / coded, 3) if coded else None,
        "category_hit_among_detected": round(category_hit / detected, 3) if detected else None,
        "data_collection_answers": source_rows,
        "data_source_accuracy": round(source_ok / source_rows, 3) if source_rows else None,
        "uncoded_answers_triggering_followup": round(triggered / uncoded, 3) if uncoded else None,
    }


def parse_times_ms(agent, rounds: int = 5, repeats: int = 20) -> list[list[float]]:
    """Parse times in rounds a second apart: this machine's speed changes in bursts of a
    few seconds (the same parse takes 24 or 40 ms), so one run of 30 could land in one."""
    asyncio.run(agent.parse_message(LONG_ANSWER))  # the first parse builds TensorFlow's graph
    times = []
    for r in range(rounds):
        if r:
            time.sleep(1)
        round_times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            asyncio.run(agent.parse_message(LONG_ANSWER))
            round_times.append((time.perf_counter() - t0) * 1000)
        times.append(round_times)
    return times


def parse_figures(times: list[list[float]]) -> dict:
    return {
        "parse_ms_150_words": round(statistics.median(t for r in times for t in r), 1),
        "parse_ms_round_medians": [round(statistics.median(r), 1) for r in times],
    }


def headline_key() -> str:
    """The newest test set present: for a missing file, Rasa would test its default, data/."""
    return next(key for key, (path, _) in TEST_SETS.items() if path.exists())


def rasa_reports(quick: bool) -> dict:
    rasa = [sys.executable, "-m", "bot.rasa_server"]  # the rasa CLI with bot/rasa_speedups.py
    out = OUT / "rasa"
    headline = headline_key()
    headline_set = TEST_SETS[headline][0]
    commands = {
        headline: [
            *rasa,
            "test",
            "nlu",
            "--model",
            str(MODEL),
            "--nlu",
            str(headline_set),
            "--out",
            str(out / headline),
            *(["--no-errors"] if headline in SEALED else []),
        ]
    }
    if not quick:
        commands["cross_validation"] = [
            *rasa,
            "test",
            "nlu",
            "--nlu",
            # not data/: Rasa writes each fold out as YAML, and its writer keeps one
            # intent-level metadata per intent, so the detector_only mark of
            # data/nlu_issues_*.yml would spread to every inform example of the fold
            "data/nlu.yml",
            "--config",
            "config.yml",
            "--cross-validation",
            "--folds",
            "5",
            "--out",
            str(out / "cross_validation"),
        ]
    figures = {}
    for name, cmd in commands.items():
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True)
        figures[name] = {"exit_code": done.returncode, "seconds": round(time.perf_counter() - t0, 1)}
        report = out / name / "intent_report.json"
        if report.exists():
            macro = json.loads(report.read_text())["macro avg"]["f1-score"]
            figures[name]["intent_macro_f1"] = round(macro, 3)
    return figures


def markdown(report: dict) -> str:
    r = report["real_answers"]
    lines = ["# NLU evaluation"]
    for key, (path, how) in TEST_SETS.items():
        if key not in report:
            continue
        t, headline = report[key], key == headline_key()

        def goal(g: str, headline: bool = headline) -> str:
            return f" (goal {g})" if headline else ""

        lines += [
            "",
            f"{'**' if headline else ''}{path.name}{'**' if headline else ''} "
            f"({t['examples']} examples; {how}):",
            f"- intent macro-F1: {t['intent_macro_f1']}{goal('≥ 0.95')}; on the "
            f"{t['examples_not_in_training']} texts not also in the training data: "
            f"{t['intent_macro_f1_not_in_training']}",
            f"- affirm↔deny confusion: {t['affirm_deny_confusion']}{goal('< 0.02')}",
        ]
        for etype, value in t["entity_f1_by_value"].items():
            lines.append(f"- {etype} F1 by canonical value: {value}{goal('≥ 0.90')}")
    lines += ["", "Real answers (../shared/data, dev split):"]
    if "skipped" in r:
        lines.append(f"- skipped: {r['skipped']}")
    else:
        lines += [
            f"- issue recall: {r['issue_recall']} over {r['coded_issue_answers']} coded answers "
            "(goal ≥ 0.80)",
            f"- category hit: {r['category_hit']} (goal ≥ 0.70)",
            f"- data-source accuracy: {r['data_source_accuracy']} over {r['data_collection_answers']} "
            "answers (goal ≥ 0.80)",
            f"- uncoded answers that would trigger a follow-up: {r['uncoded_answers_triggering_followup']}",
        ]
    if "no_issue_answers" in report:
        n = report["no_issue_answers"]
        lines += [
            "",
            f"{NO_ISSUE_SET.name} ({n['answers']} answers that mention no issue, written blind):",
            f"- share that would trigger a follow-up: {n['triggering_followup']}; ids found most: "
            + ", ".join(f"{i} ({c})" for i, c in n["ids_found_most"]),
        ]
    for key, a in report.get("annotator_agreement", {}).items():
        lines += [
            "",
            f"Two annotators of {TEST_SETS[key][0].name}'s {a['examples']} inform texts, "
            "F1 by canonical value:",
            f"- first vs second annotator: {a['annotators_f1']}",
            f"- bot vs first: {a['bot_vs_first_f1']}; bot vs second: {a['bot_vs_second_f1']}",
        ]
    lines += [
        "",
        f"Median parse time of a 150-word answer: {report['parse_ms_150_words']} ms (goal ≤ 30 ms); "
        f"medians of the rounds: {report.get('parse_ms_round_medians')} ms",
    ]
    for name, fig in report.get("rasa", {}).items():
        lines.append(f"- rasa test nlu {name}: {fig}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 5-fold cross-validation")
    args = parser.parse_args(argv)
    agent = load_agent()
    report = {
        **{
            key: test_set_figures(agent, path, sealed=key in SEALED)
            for key, (path, _) in TEST_SETS.items()
            if path.exists()
        },
        "real_answers": real_answer_figures(agent),
        **({"no_issue_answers": no_issue_answer_figures(agent)} if NO_ISSUE_SET.exists() else {}),
        "annotator_agreement": second_annotation_figures(agent),
        **parse_figures(parse_times_ms(agent)),
    }
    report["rasa"] = rasa_reports(args.quick)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    (OUT / "report.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
