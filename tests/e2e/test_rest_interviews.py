"""Two whole interviews over the REST channel against the real servers.

The question_ids in the tracker's bot events must be exactly the sequence that
questions.yml's `when` conditions give for the answers, with the follow-up for each
quality issue mentioned (once, never after a `handles: true` question).
"""

from __future__ import annotations

import pytest

from bot.guide import load_guide, parse_condition

pytestmark = pytest.mark.e2e
GUIDE = load_guide()


def expected_ids(facts: dict, yes_no: dict[str, str], mentions: dict[str, list[str]]) -> list[str]:
    """The guide's order and conditions, written independently of bot.interview.

    `facts` holds the classified open answers (sources, splits, builds_own); a yes/no
    answer counts only once its question has been asked.
    """
    facts = dict(facts)
    ids = ["intro.welcome", "intro.objectives", "intro.consent"]
    followed = set()
    for q in GUIDE.ordered():
        if q.section == "intro" or q.kind == "statement" or not parse_condition(q.when)(facts):
            continue
        ids.append(q.id)
        if q.kind == "yes_no":
            facts[q.id] = yes_no[q.id]
        for issue in [] if q.handles else mentions.get(q.id, []):
            if issue not in followed:
                followed.add(issue)
                ids.append(f"followup.{issue}")
    return ids + ["conclusion.thanks"]


def drive(chat, answers: dict[str, str], yes_no: str, limit: int = 200) -> list[str]:
    """Answer every question the bot asks, choosing the reply by the open question's id."""
    chat.say("hello")
    for _ in range(limit):
        qid = chat.open_question()
        if qid == "conclusion.thanks":
            return chat.question_ids()
        question = GUIDE.questions.get(qid)
        if qid in answers:
            reply = answers[qid]
        elif question is not None and question.kind == "yes_no":
            reply = yes_no
        elif qid and qid.startswith("followup."):
            reply = "we have a weekly review where someone looks into it"
        else:
            reply = "nothing special to add there"
        assert chat.say(reply), f"no reply to {reply!r} at {qid}"
    raise AssertionError(f"the interview did not end; last questions: {chat.question_ids()[-8:]}")


YES_ANSWERS = {
    "background.implementers": "we have an in-house team of four data scientists",
    "general.main_issues": "the biggest headache is missing values in the sensor readings",
    "data_collection.how": "annotators label part of it, the rest comes from our application logs "
    "and from kaggle",
    "data_collection.public.whole": "/deny",
    "data_preparation.time_split": "roughly 70/30",
    "model_evaluation.time_split": "about 50/50",
    "deployment.problem": "it was overfitting to the lab data",
    "maintenance.stale_handling": "we retrain as soon as we see data drift",
    "quality.scalability_kind": "inference became too slow when the number of requests grew",
}
YES_FACTS = {
    "builds_own": True,
    "data_source": ["data_collectors", "internal_system", "public_dataset"],
    "data_preparation.time_split": "close_to_80_20",
    "model_evaluation.time_split": "balanced",
}
ALL_YES = {q.id: "yes" for q in GUIDE.questions.values() if q.kind == "yes_no"}
ALL_YES["data_collection.public.whole"] = "no"
YES_MENTIONS = {
    "general.main_issues": ["missing_values"],
    "deployment.problem": ["overfitting"],
    "maintenance.stale_handling": ["drift"],  # handles: true, so no follow-up
    "quality.scalability_kind": ["scalability"],
}

NO_ANSWERS = {
    "intro.consent": "yes, that's fine with me",
    "background.implementers": "an external consultancy builds them for us",
    "data_collection.how": "we call a weather API and we scrape a few public websites",
    "data_preparation.time_split": "half and half",
    "model_evaluation.time_split": "90/10, tuning never ends",
    "model_evaluation.why_no_acceptance": "our stakeholders do not understand what the model can do",
    "maintenance.other_issues": "the model is a black box, nobody can explain its decisions",
}
NO_FACTS = {
    "builds_own": False,
    "data_source": ["external_service", "web_scraping"],
    "data_preparation.time_split": "balanced",
    "model_evaluation.time_split": "close_to_80_20",
}
ALL_NO = {q.id: "no" for q in GUIDE.questions.values() if q.kind == "yes_no"}
NO_MENTIONS = {
    "model_evaluation.why_no_acceptance": ["stakeholder_knowledge"],
    "maintenance.other_issues": ["explainability"],
}


def test_interview_saying_yes_with_buttons_follows_every_yes_branch(servers):
    chat = servers.chat()
    asked = drive(chat, YES_ANSWERS, "/affirm")
    assert asked == expected_ids(YES_FACTS, ALL_YES, YES_MENTIONS)


def test_interview_saying_no_in_words_skips_every_yes_branch(servers):
    chat = servers.chat()
    asked = drive(chat, NO_ANSWERS, "no, not really")
    assert asked == expected_ids(NO_FACTS, ALL_NO, NO_MENTIONS)
    assert chat.tracker()["slots"]["interview_status"] == "completed"


def test_section_starts_say_where_the_participant_is(servers):
    chat = servers.chat()
    chat.say("hi")
    texts = [m.get("text") for m in chat.say("/affirm")]
    assert "Part 1 of 10 · About you and your work. A few questions about you and your work first." in texts
