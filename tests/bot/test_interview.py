"""The interview logic without Rasa: order, branches, follow-ups, skips, choices."""

from bot.interview import SLOTS, Interview, values

FLOW = Interview()


def qi(*ids):
    return [{"entity": "quality_issue", "value": i} for i in ids]


def ds(*ids):
    return [{"entity": "data_source", "value": i} for i in ids]


def start():
    state = dict(SLOTS)
    state["current_question"] = FLOW.first_question()
    return state


def answer(state, text="an answer", intent="inform", entities=()):
    outcome = FLOW.record_answer(state, text, intent, list(entities))
    state.update(outcome.slots)
    return outcome


def run(replies):
    """Answer question after question; `replies` maps question id → (text, intent, entities)."""
    state, asked = start(), []
    while state["current_question"]:
        qid = state["current_question"]
        asked.append(qid)
        default = (
            ("yes", "affirm", [])
            if FLOW.guide.questions.get(qid, None) and FLOW.guide.questions[qid].kind == "yes_no"
            else ("something", "inform", [])
        )
        text, intent, entities = replies.get(qid, default)
        answer(state, text, intent, entities)
        if len(asked) > 200:
            raise AssertionError("the interview does not end")
    return asked


YES_TO_ALL = {q.id: ("yes", "affirm", []) for q in FLOW.plan if q.kind == "yes_no"}
NO_TO_ALL = {q.id: ("no", "deny", []) for q in FLOW.plan if q.kind == "yes_no"}


def test_first_question_is_the_position():
    assert FLOW.first_question() == "background.position"


def test_yes_everywhere_asks_every_conditional_yes_question():
    replies = dict(YES_TO_ALL)
    replies["data_collection.how"] = (
        "annotators, our logs, kaggle, an api, model outputs",
        "inform",
        ds("data_collectors", "internal_system", "public_dataset", "external_service", "model_predictions"),
    )
    replies["data_collection.public.whole"] = ("no", "deny", [])
    replies["data_preparation.time_split"] = ("80/20", "inform", [])
    replies["model_evaluation.time_split"] = ("50/50", "inform", [])
    replies["background.implementers"] = ("our own team of data scientists", "inform", [])
    asked = run(replies)
    expected = [
        q.id
        for q in FLOW.plan
        if q.id
        not in {
            "model_evaluation.why_no_acceptance",
            "data_preparation.why_different",
            "model_evaluation.why_so_long",
        }
    ]
    assert asked == expected


def test_no_everywhere_skips_every_conditional_question():
    replies = dict(NO_TO_ALL)
    replies["data_collection.how"] = ("from our internal databases", "inform", ds("internal_system"))
    replies["data_preparation.time_split"] = ("half and half", "inform", [])
    replies["model_evaluation.time_split"] = ("90/10", "inform", [])
    replies["background.implementers"] = ("we outsource to consultants", "inform", [])
    asked = run(replies)
    assert "background.dev_practices" not in asked
    assert "maintenance.how_monitor" not in asked
    assert "model_evaluation.why_no_acceptance" in asked
    assert "model_evaluation.acceptance_measures" not in asked
    assert "model_evaluation.group_poor" not in asked
    assert "data_preparation.why_different" in asked
    assert "model_evaluation.why_so_long" in asked
    assert not [q for q in asked if q.startswith("data_collection.public")]
    assert asked[-1] == "conclusion.comments"


def test_several_sources_ask_each_block_in_guide_order():
    replies = {
        "data_collection.how": ("kaggle and web scraping", "inform", ds("web_scraping", "public_dataset"))
    }
    asked = run(replies)
    blocks = [q for q in asked if q.startswith("data_collection.") and q.count(".") == 2]
    assert blocks[:2] == ["data_collection.public.which", "data_collection.public.whole"]
    assert blocks[-3:] == [
        "data_collection.external.which",
        "data_collection.external.issues",
        "data_collection.external.handling",
    ]


def test_unrecognised_source_offers_buttons_then_uses_the_choice():
    state = start()
    state["current_question"] = "data_collection.how"
    answer(state, "we just sort of get it")
    assert state["current_question"] == "data_collection.how"
    assert state["question_mode"] == "choice"
    message = FLOW.ask(state).messages[-1]
    assert message["question_id"] == "data_collection.how"
    assert {b["title"] for b in message["buttons"]} >= {"Something else"}
    answer(state, '/inform{"data_source":"public_dataset"}', "inform", ds("public_dataset"))
    assert state["facts"]["data_source"] == ["public_dataset"]
    assert state["current_question"] == "data_collection.public.which"


def test_unclear_time_split_offers_two_buttons():
    state = start()
    state["current_question"] = "data_preparation.time_split"
    answer(state, "it really depends on the project")
    assert state["question_mode"] == "choice"
    buttons = FLOW.ask(state).messages[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Close to 80/20", "More balanced"]
    answer(state, "/inform", "inform", [{"entity": "time_split", "value": "balanced"}])
    assert state["current_question"] == "data_preparation.why_different"


def test_unclear_yes_no_is_asked_again_until_clear():
    state = start()
    state["current_question"] = "maintenance.monitoring"
    for reply in ("grafana", "hmm", "<script>"):
        out = answer(state, reply, "inform")
        assert state["current_question"] == "maintenance.monitoring"
        assert "yes or a no" in out.messages[0]["text"]
    answer(state, "yes, we do", "inform")
    assert state["current_question"] == "maintenance.how_monitor"


def test_followup_comes_right_after_the_answer_and_returns_to_the_guide():
    state = start()
    answer(state, "we fight drift all the time", entities=qi("drift"))
    assert state["current_question"] == "followup.drift"
    message = FLOW.ask(state).messages[-1]
    assert message["question_id"] == "followup.drift"
    assert "How do you currently handle it?" in message["text"]
    answer(state, "we retrain monthly")
    assert state["current_question"] == "background.experience"


def test_followup_once_per_issue_and_one_per_issue_in_order():
    state = start()
    answer(state, "missing values and drift", entities=qi("missing_values", "drift"))
    assert state["current_question"] == "followup.missing_values"
    answer(state, "imputation")
    assert state["current_question"] == "followup.drift"
    answer(state, "retraining")
    assert state["current_question"] == "background.experience"
    answer(state, "drift again", entities=qi("drift"))
    assert state["current_question"] == "background.ai_purpose"


def test_no_followup_after_a_handles_question():
    state = start()
    state.update(
        current_question="maintenance.stale_handling",
        guide_position="maintenance.stale_cause",
        facts={"maintenance.gone_stale": "yes"},
    )
    answer(state, "we retrain when drift shows up", entities=qi("drift"))
    assert state["current_question"] == "maintenance.other_issues"
    assert not state["followed_up"]


def test_a_followup_answer_can_raise_a_new_issue():
    state = start()
    answer(state, "drift", entities=qi("drift"))
    answer(state, "we retrain but labels are noisy", entities=qi("noisy_labels"))
    assert state["current_question"] == "followup.noisy_labels"


def test_skip_and_dont_know_move_on_without_a_branch():
    state = start()
    state.update(current_question="maintenance.monitoring", guide_position="maintenance.monitoring")
    state.update(current_question="maintenance.monitoring", guide_position="deployment.other_issues")
    out = FLOW.skip(state)
    state.update(out.slots)
    assert state["current_question"] == "maintenance.gone_stale"
    state.update(FLOW.skip(state, "__dont_know__").slots)
    assert state["current_question"] == "maintenance.other_issues"


def test_empty_answer_is_refused_without_moving():
    state = start()
    out = answer(state, "   ")
    assert state["current_question"] == "background.position"
    assert out.messages and "didn't receive" in out.messages[0]["text"]


def test_section_header_only_when_the_section_changes():
    state = start()
    first = FLOW.ask(state)
    assert first.messages[0]["text"].startswith("Part 1 of 10 · About you")
    assert "question_id" not in first.messages[0]
    state.update(first.slots)
    again = FLOW.ask(state)
    assert len(again.messages) == 1 and again.messages[0]["question_id"] == "background.position"


def test_clarification_uses_the_guide_and_the_catalog():
    state = start()
    state["current_question"] = "quality.robustness"
    text = FLOW.clarification(state, qi("robustness"))
    assert FLOW.guide.questions["quality.robustness"].clarify in text
    by_name = FLOW.clarification(state, [], "what do you mean by robustness?")
    assert FLOW.catalog.issue("robustness").definition in by_name
    state["current_question"] = "followup.drift"
    assert FLOW.catalog.issue("drift").definition in FLOW.clarification(state, [])


def test_values_keeps_order_and_drops_duplicates():
    assert values(qi("a", "b", "a") + ds("c"), "quality_issue") == ["a", "b"]


def test_short_small_talk_is_answered_and_the_question_stays_open():
    state = start()
    out = answer(state, "what's the weather tomorrow?", "out_of_scope")
    assert state["current_question"] == "background.position"
    assert out.messages[0]["text"].startswith("I'm only here to run this interview")


def test_a_greeting_mid_interview_reminds_where_the_participant_is():
    state = start()
    out = answer(state, "hi there", "greet")
    assert state["current_question"] == "background.position"
    assert out.messages[0]["text"] == (
        "Hello again! We were at Part 1 of 10 · About you and your work. Here is the open question again."
    )


def test_a_long_answer_misread_as_small_talk_is_kept_as_the_answer():
    state = start()
    out = FLOW.record_answer(
        state, "we have a weekly review where someone looks into every alert", "out_of_scope", [], 0.66
    )
    state.update(out.slots)
    assert state["current_question"] == "background.experience"
    out = FLOW.record_answer(state, "hello", "greet", [], 0.5)  # unsure: taken as the answer
    assert out.slots["current_question"] == "background.ai_purpose"
