"""The Rasa test stories cover the whole guide, and nothing asks a question without an id.

`make test-stories` runs these stories with `rasa test core --fail-on-prediction-errors`;
this module checks *what* they cover, reading the project's own copy of questions.yml.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

import actions  # noqa: F401  (registers every action class)
from bot.interview import FOLLOWUP_PREFIX, Interview, is_followup
from tests.actions.conftest import make_tracker
from tests.e2e.build_test_stories import write_all

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
FLOW = Interview()
GUIDE = FLOW.guide

#: guide statements said by actions rather than by the form
SAID_BY_ACTION = {
    "action_start_interview": ["intro.welcome", "intro.objectives", "intro.consent"],
    "action_consent_declined": ["intro.consent_declined"],
    "action_complete_interview": ["conclusion.thanks"],
}


def load_stories() -> list[dict]:
    stories = []
    for path in sorted(HERE.glob("test_*.yml")):
        stories += yaml.safe_load(path.read_text())["stories"]
    return stories


STORIES = load_stories()


def asked_in(story: dict) -> list[str]:
    """Question ids in the order the story asks them."""
    asked = []
    for step in story["steps"]:
        for qid in SAID_BY_ACTION.get(step.get("action"), []):
            asked.append(qid)
        for slot in step.get("slot_was_set", []):
            qid = slot.get("current_question")
            if qid and (not asked or asked[-1] != qid):
                asked.append(qid)
    return asked


def test_committed_stories_are_what_the_builder_writes():
    for filename, text in write_all().items():
        assert (HERE / filename).read_text(encoding="utf-8") == text, (
            f"{filename} is stale: run `python -m tests.e2e.build_test_stories`"
        )


def test_every_question_id_is_asked_in_some_story():
    asked = {qid for story in STORIES for qid in asked_in(story)}
    assert set(GUIDE.questions) - asked == set()


def test_every_conditional_question_is_tested_both_ways():
    orders = [asked_in(s) for s in STORIES]
    index = {q.id: i for i, q in enumerate(GUIDE.ordered())}
    for q in GUIDE.questions.values():
        if not q.when:
            continue
        asked = any(q.id in order for order in orders)
        passed_over = any(
            q.id not in order
            and any(index.get(x, -1) > index[q.id] for x in order if not is_followup(x))
            and any(index.get(x, 10**6) < index[q.id] for x in order if not is_followup(x))
            for order in orders
        )
        assert asked and passed_over, q.id


def test_followups_at_ten_questions_in_five_sections_and_never_after_handles():
    triggers = set()
    for story in STORIES:
        order = asked_in(story)
        for before, after in zip(order, order[1:], strict=False):
            if is_followup(after):
                trigger = before
                while is_followup(trigger):  # a follow-up raised inside a follow-up answer
                    trigger = order[order.index(trigger) - 1]
                triggers.add(trigger)
                assert not GUIDE.questions[trigger].handles, trigger
    sections = {GUIDE.questions[t].section for t in triggers}
    assert len(triggers) >= 10 and len(sections) >= 5, (triggers, sections)
    conditional = [t for t in triggers if GUIDE.questions[t].when]
    assert conditional, "no follow-up inside a branch"


def test_a_handles_question_mentioning_an_issue_gets_no_followup():
    text = (HERE / "test_complete.yml").read_text()
    assert "we retrain when drift shows up" in text  # answer to maintenance.stale_handling
    story = next(s for s in STORIES if s["story"].startswith("complete interview, yes"))
    order = asked_in(story)
    after = order[order.index("maintenance.stale_handling") + 1]
    assert after == "maintenance.other_issues"


DIGRESSION_INTENTS = [
    "repeat_question",
    "clarify_question",
    "skip_question",
    "dont_know",
    "pause_interview",
    "stop_interview",
    "delete_my_data",
    "bot_challenge",
    "out_of_scope",
]


def test_every_digression_happens_at_three_or_more_places():
    places = defaultdict(set)
    for story in STORIES:
        current = None
        for step in story["steps"]:
            for slot in step.get("slot_was_set", []):
                current = slot.get("current_question", current)
            if step.get("intent") in DIGRESSION_INTENTS and current:
                places[step["intent"]].add(current)
    for intent in DIGRESSION_INTENTS:
        assert len(places[intent]) >= 3, (intent, places[intent])


def test_special_paths_are_covered():
    names = " | ".join(s["story"] for s in STORIES)
    for needle in ["consent refused", "pause", "complete interview", "several sources at once"]:
        assert needle in names


# --------------------------------------------------------------- ids on every question


def test_domain_responses_ask_nothing():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for name, variants in domain["responses"].items():
        for variant in variants:
            assert "?" not in variant.get("text", ""), f"{name} asks a question but has no question_id"


def _messages_of_every_action() -> list[dict]:
    messages = []
    states = [
        {"interview_status": "consent_pending", "current_question": "intro.consent"},
        {
            "interview_status": "in_progress",
            "current_question": "quality.robustness",
            "asked_section": "quality",
            "guide_position": "quality.scalability",
            "facts": {},
        },
        {"interview_status": "paused", "current_question": "followup.drift", "asked_section": "maintenance"},
        {"interview_status": "delete_pending", "status_before_delete": "in_progress"},
    ]
    for cls in Action.__subclasses__() + [c for a in Action.__subclasses__() for c in a.__subclasses__()]:
        if not cls.__module__.startswith("actions"):
            continue
        for slots in states:
            for intent in ("clarify_question", "inform", "bot_challenge"):
                dispatcher = CollectingDispatcher()
                try:
                    asyncio.run(cls().run(dispatcher, make_tracker(slots, "what?", intent), {}))
                except (KeyError, ValueError):
                    continue
                messages += dispatcher.messages
    return messages


def test_every_message_that_asks_carries_a_question_id():
    messages = _messages_of_every_action()
    assert len(messages) > 30
    for qid in list(GUIDE.questions) + [FOLLOWUP_PREFIX + i for i in FLOW.catalog.ids("quality_issue")]:
        for mode in (None, "choice"):
            try:
                messages += FLOW.ask({"current_question": qid, "question_mode": mode}).messages
            except ValueError:
                continue
    for message in messages:
        if "?" in (message.get("text") or ""):
            assert message.get("question_id"), message["text"]


@pytest.mark.parametrize("action,ids", sorted(SAID_BY_ACTION.items()))
def test_actions_say_the_statements_the_coverage_counts(action, ids):
    cls = next(
        c for c in Action.__subclasses__() if c.__module__.startswith("actions") and c().name() == action
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(cls().run(dispatcher, make_tracker({"interview_status": "in_progress"}), {}))
    assert [m.get("question_id") for m in dispatcher.messages] == ids
