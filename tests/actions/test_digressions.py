from rasa_sdk.events import ActiveLoop, SlotSet

from actions.common import interview
from actions.digressions import (
    ActionClarifyQuestion,
    ActionDontKnow,
    ActionPauseInterview,
    ActionRepeatQuestion,
    ActionSkipQuestion,
    ActionStopInterview,
)
from tests.actions.conftest import make_tracker, run_action

IN_FORM = {
    "current_question": "maintenance.monitoring",
    "guide_position": "deployment.other_issues",
    "asked_section": "maintenance",
    "facts": {},
    "interview_status": "in_progress",
}


def texts(messages):
    return [m["text"] for m in messages]


def test_repeat_only_announces_the_form_reasks():
    events, messages = run_action(ActionRepeatQuestion(), make_tracker(IN_FORM, "repeat please"))
    assert events == []
    assert texts(messages) == ["Of course, here it is again."]
    assert "question_id" not in messages[0]


def test_clarify_explains_the_open_question_and_the_term_asked_about():
    tracker = make_tracker(
        IN_FORM,
        "what do you mean by drift?",
        "clarify_question",
        [{"entity": "quality_issue", "value": "drift"}],
    )
    events, messages = run_action(ActionClarifyQuestion(), tracker)
    flow = interview()
    assert events == []
    assert texts(messages) == [
        flow.guide.questions["maintenance.monitoring"].clarify
        + " "
        + f"{flow.catalog.issue('drift').label}: {flow.catalog.issue('drift').definition}"
    ]


def test_skip_moves_past_the_yes_no_branch():
    events, messages = run_action(ActionSkipQuestion(), make_tracker(IN_FORM, "skip", "skip_question"))
    assert texts(messages) == ["No problem, let's skip that one."]
    assert events == [
        SlotSet("facts", {"maintenance.monitoring": "__skipped__"}),
        SlotSet("guide_position", "maintenance.monitoring"),
        SlotSet("current_question", "maintenance.gone_stale"),
        SlotSet("question_mode", None),
        SlotSet("followups_pending", []),
    ]


def test_dont_know_is_acknowledged_and_moves_on():
    events, messages = run_action(ActionDontKnow(), make_tracker(IN_FORM, "no idea", "dont_know"))
    assert texts(messages) == ["That's fine, thanks for saying so. Let's move on."]
    assert SlotSet("facts", {"maintenance.monitoring": "__dont_know__"}) in events
    assert SlotSet("current_question", "maintenance.gone_stale") in events


def test_skip_of_a_followup_returns_to_the_guide():
    slots = {
        **IN_FORM,
        "current_question": "followup.drift",
        "guide_position": "maintenance.metrics",
        "facts": {"maintenance.monitoring": "yes"},
    }
    events, _ = run_action(ActionSkipQuestion(), make_tracker(slots, "skip"))
    assert events == [
        SlotSet("current_question", "maintenance.stale_process"),
        SlotSet("question_mode", None),
        SlotSet("followups_pending", []),
    ]


def test_pause_deactivates_the_form_and_keeps_the_place():
    events, messages = run_action(ActionPauseInterview(), make_tracker(IN_FORM, "later", "pause_interview"))
    assert events == [
        SlotSet("interview_status", "paused"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]
    assert "pause" in messages[0]["text"]


def test_stop_keeps_answers_and_says_how_to_delete():
    events, messages = run_action(ActionStopInterview(), make_tracker(IN_FORM, "stop", "stop_interview"))
    assert events == [
        SlotSet("interview_status", "stopped"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]
    assert "delete my data" in messages[0]["text"]
