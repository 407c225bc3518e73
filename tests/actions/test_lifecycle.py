from rasa_sdk.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUtteranceReverted

from actions.common import interview
from actions.deletion import ActionCancelDelete, ActionConfirmDelete, ActionDeleteMyData
from actions.lifecycle import (
    ActionCompleteInterview,
    ActionConsentDeclined,
    ActionConsentGiven,
    ActionConsentReprompt,
    ActionDefaultFallback,
    ActionResumeInterview,
    ActionSessionStart,
    ActionStartInterview,
)
from tests.actions.conftest import make_tracker, run_action

GUIDE = interview().guide


def test_start_says_welcome_objectives_and_asks_consent_with_buttons():
    events, messages = run_action(ActionStartInterview(), make_tracker(text="hi", intent="greet"))
    assert [m["question_id"] for m in messages] == ["intro.welcome", "intro.objectives", "intro.consent"]
    assert [m["text"] for m in messages] == [
        GUIDE.questions[q].ask for q in ("intro.welcome", "intro.objectives", "intro.consent")
    ]
    assert [b["title"] for b in messages[2]["buttons"]] == ["Yes", "No"]
    assert events == [
        SlotSet("interview_status", "consent_pending"),
        SlotSet("current_question", "intro.consent"),
    ]


def test_consent_given_starts_the_interview():
    events, messages = run_action(ActionConsentGiven(), make_tracker({"interview_status": "consent_pending"}))
    assert events == [
        SlotSet("interview_status", "in_progress"),
        SlotSet("current_question", None),
        SlotSet("facts", {"intro.consent": "yes"}),
    ]
    assert messages[0]["text"] == "Thank you! Let's begin."


def test_consent_declined_thanks_and_asks_the_store_to_purge():
    events, messages = run_action(
        ActionConsentDeclined(), make_tracker({"interview_status": "consent_pending"})
    )
    assert messages[0]["question_id"] == "intro.consent_declined"
    assert messages[0]["text"] == GUIDE.questions["intro.consent_declined"].ask
    assert events == [
        SlotSet("interview_status", "declined"),
        SlotSet("current_question", None),
        SlotSet("purge_requested", True),
    ]


def test_consent_reprompt_explains_then_asks_again():
    tracker = make_tracker({"interview_status": "consent_pending"}, "what do you mean?", "clarify_question")
    events, messages = run_action(ActionConsentReprompt(), tracker)
    assert events == []
    assert messages[0]["text"] == GUIDE.questions["intro.consent"].clarify
    assert messages[1]["question_id"] == "intro.consent"


def test_resume_reminds_where_we_were():
    slots = {
        "interview_status": "paused",
        "current_question": "data_preparation.tools",
        "asked_section": "data_preparation",
    }
    events, messages = run_action(ActionResumeInterview(), make_tracker(slots, "hi again", "greet"))
    assert events == [SlotSet("interview_status", "in_progress")]
    assert messages[0]["text"] == (
        "Welcome back! We were at Part 4 of 10 · Data preparation. Here is the open question again."
    )


def test_complete_thanks_with_the_guide_statement():
    events, messages = run_action(
        ActionCompleteInterview(), make_tracker({"interview_status": "in_progress"})
    )
    assert messages[0]["question_id"] == "conclusion.thanks"
    assert events == [SlotSet("interview_status", "completed"), SlotSet("current_question", None)]


def test_delete_asks_to_confirm_and_leaves_the_form():
    tracker = make_tracker(
        {"interview_status": "in_progress"}, "delete my data", "delete_my_data", active_loop="interview_form"
    )
    events, messages = run_action(ActionConfirmDelete(), tracker)
    assert events == [
        SlotSet("status_before_delete", "in_progress"),
        SlotSet("interview_status", "delete_pending"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_delete_confirmed_requests_the_purge():
    events, _ = run_action(ActionDeleteMyData(), make_tracker({"interview_status": "delete_pending"}))
    assert events == [SlotSet("interview_status", "withdrawn"), SlotSet("purge_requested", True)]


def test_delete_cancelled_restores_the_status():
    tracker = make_tracker({"interview_status": "delete_pending", "status_before_delete": "paused"})
    events, messages = run_action(ActionCancelDelete(), tracker)
    assert events == [SlotSet("interview_status", "paused"), SlotSet("status_before_delete", None)]
    assert messages[0]["text"] == "All right, nothing has been deleted."


def test_session_start_carries_slots_and_pauses_a_running_interview():
    slots = {"interview_status": "in_progress", "current_question": "quality.robustness", "answer": "x"}
    events, _ = run_action(ActionSessionStart(), make_tracker(slots))
    assert events[0] == SessionStarted()
    assert SlotSet("current_question", "quality.robustness") in events
    assert SlotSet("answer", "x") not in events
    assert events[-2:] == [SlotSet("interview_status", "paused"), ActionExecuted("action_listen")]


def test_fallback_reverts_the_message():
    events, messages = run_action(ActionDefaultFallback(), make_tracker())
    assert events == [UserUtteranceReverted()]
    assert "repeat" in messages[0]["text"]
