from rasa_sdk.events import SlotSet

from actions.common import interview
from actions.interview_form import ValidateInterviewForm
from tests.actions.conftest import make_tracker, run_action

FORM = ValidateInterviewForm()
ANSWERED = [{"event": "action", "name": "interview_form"}]


def answered(text, **kw):
    return make_tracker(
        text=text,
        events=ANSWERED + [{"event": "slot", "name": "answer", "value": text}],
        active_loop="interview_form",
        **kw,
    )


def test_activation_asks_the_first_question_with_its_part():
    tracker = make_tracker(slots={"interview_status": "in_progress"})
    events, messages = run_action(FORM, tracker)
    assert events == [
        SlotSet("current_question", "background.position"),
        SlotSet("asked_section", "background"),
        SlotSet("requested_slot", "answer"),
    ]
    assert messages[0]["text"].startswith("Part 1 of 10 · About you and your work.")
    assert "question_id" not in messages[0]
    assert messages[1]["question_id"] == "background.position"
    assert messages[1]["text"] == FORM_TEXT("background.position")


def FORM_TEXT(qid):
    return interview().guide.questions[qid].ask


def test_answer_with_an_issue_asks_the_followup_next():
    tracker = answered(
        "Lead data scientist; our labels were noisy",
        slots={"current_question": "background.position", "asked_section": "background"},
        entities=[{"entity": "quality_issue", "value": "noisy_labels", "start": 27, "end": 44}],
    )
    events, messages = run_action(FORM, tracker)
    assert events == [
        SlotSet("facts", {}),
        SlotSet("guide_position", "background.position"),
        SlotSet("followed_up", ["noisy_labels"]),
        SlotSet("followups_pending", []),
        SlotSet("current_question", "followup.noisy_labels"),
        SlotSet("answer", None),
        SlotSet("requested_slot", "answer"),
    ]
    followup = interview().catalog.issue("noisy_labels").followup
    assert messages == [
        {
            "text": f"You mentioned {followup}. How do you currently handle it?",
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
            "question_id": "followup.noisy_labels",
            "progress": "Part 1 of 10 · About you and your work",
        }
    ]


def test_last_answer_ends_the_form():
    tracker = answered(
        "no more comments",
        slots={
            "current_question": "conclusion.comments",
            "guide_position": "conclusion.pressing_issue",
            "asked_section": "conclusion",
            "facts": {},
        },
    )
    events, messages = run_action(FORM, tracker)
    assert events[-1] == SlotSet("requested_slot", None)
    assert SlotSet("current_question", None) in events
    assert messages == []


def test_yes_no_question_shows_buttons():
    tracker = answered(
        "ok",
        slots={
            "current_question": "deployment.method",
            "guide_position": "deployment.platform",
            "asked_section": "deployment",
            "facts": {},
        },
    )
    _, messages = run_action(FORM, tracker)
    assert messages[-1]["question_id"] == "deployment.local_vs_prod"
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]


def test_rerun_without_answer_reasks_the_open_question():
    tracker = make_tracker(
        slots={
            "current_question": "quality.robustness",
            "guide_position": "quality.scalability",
            "asked_section": "quality",
        },
        events=ANSWERED,
        active_loop="interview_form",
    )
    events, messages = run_action(FORM, tracker)
    assert events == [SlotSet("requested_slot", "answer")]
    assert [m["question_id"] for m in messages] == ["quality.robustness"]


def test_a_long_reply_taken_for_a_command_is_kept_as_the_answer():
    text = "our stakeholders do not understand what the model can and cannot do for them at all"
    tracker = make_tracker(
        slots={"current_question": "background.position", "asked_section": "background"},
        text=text,
        intent="clarify_question",
        events=[{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}] + ANSWERED,
        active_loop="interview_form",
    )
    events, messages = run_action(FORM, tracker)
    assert SlotSet("current_question", "background.experience") in events
    assert messages[-1]["question_id"] == "background.experience"


def test_a_short_command_is_left_to_the_digression_rules():
    tracker = make_tracker(
        slots={"current_question": "background.position", "asked_section": "background"},
        text="what do you mean?",
        intent="clarify_question",
        events=[{"event": "action", "name": "action_listen"}, {"event": "user", "text": "x"}] + ANSWERED,
        active_loop="interview_form",
    )
    events, _ = run_action(FORM, tracker)
    assert events == [SlotSet("requested_slot", "answer")]  # nothing validated: Rasa rejects the form


def test_returning_from_a_digression_does_not_reread_the_long_message():
    text = "can you please repeat the question because I was distracted by a phone call just now"
    tracker = make_tracker(
        slots={"current_question": "background.position", "asked_section": "background"},
        text=text,
        intent="repeat_question",
        events=[
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text},
            {"event": "action", "name": "action_repeat_question"},
        ]
        + ANSWERED,
        active_loop="interview_form",
    )
    events, messages = run_action(FORM, tracker)
    assert events == [SlotSet("requested_slot", "answer")]
    assert messages[-1]["question_id"] == "background.position"


def test_only_changed_slots_are_recorded():
    tracker = answered(
        "an ML engineer",
        slots={
            "current_question": "background.position",
            "asked_section": "background",
            "facts": {},
            "followups_pending": [],
            "question_mode": None,
        },
    )
    events, _ = run_action(FORM, tracker)
    assert [e["name"] for e in events] == ["guide_position", "current_question", "answer", "requested_slot"]
