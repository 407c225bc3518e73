"""Write tests/e2e/test_*.yml: Rasa test stories for whole interviews and every path.

Each scenario is a list of participant turns. The builder runs them through the same
interview logic the action server uses (bot.interview), so each story states which guide
question is open after every turn (`current_question`), and `rasa test core
--fail-on-prediction-errors` then checks that the dialogue policies predict every action
of it. tests/e2e/test_story_coverage.py checks the committed files are what this writes.

    python -m tests.e2e.build_test_stories
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.interview import SLOTS, SMALL_TALK, Interview

HERE = Path(__file__).parent
FLOW = Interview()

DIGRESSIONS = {
    # intent: (action, moves the interview on?)
    "repeat_question": ("action_repeat_question", False),
    "clarify_question": ("action_clarify_question", False),
    "bot_challenge": ("utter_iamabot", False),
    "skip_question": ("action_skip_question", True),
    "dont_know": ("action_dont_know", True),
}

SAMPLE = {
    "background.position": "I lead a small data science team at an insurance company",
    "background.experience": "twelve years in software, the last six in machine learning",
    "background.ai_purpose": "pricing, claim triage and some document processing",
    "background.data_type": "mostly tabular policy data, plus scanned documents",
    "background.data_collection": "from our policy system and from forms customers fill in",
    "background.problem": "predicting which claims need a human expert",
    "background.models": "gradient boosting with xgboost, a few pytorch models",
    "background.deployment": "on AWS, in containers",
    "background.dev_practices": "scrum with two week sprints and CI pipelines",
    "general.main_issues": "keeping models accurate as things change around them",
    "data_collection.sme.verify_quality": "a second person reviews a sample every week",
    "data_collection.sme.problems": "people fill the forms in a hurry",
    "data_collection.sme.prevention": "we added validation to the forms",
    "data_collection.internal.origin": "both, typed by agents and logged by the system",
    "data_collection.internal.worst_source": "the old claims system, its exports are messy",
    "data_collection.internal.fix": "a cleaning job that runs every night",
    "data_collection.internal.merge": "we join on customer number in the warehouse",
    "data_collection.internal.merge_problems": "customer numbers do not always line up",
    "data_collection.internal.expertise": "yes, you need to know how claims work",
    "data_collection.internal.new_features": "it takes weeks because of approvals",
    "data_collection.public.which": "a public fraud benchmark and some census tables",
    "data_collection.public.why_part": "most of it was from another country",
    "data_collection.public.which_part": "we kept the years and regions close to ours",
    "data_collection.public.problems": "the documentation of the columns is thin",
    "data_collection.public.handling": "we asked the maintainers and wrote our own notes",
    "data_collection.external.which": "a weather API and a commercial address service",
    "data_collection.external.issues": "the API changes its format without warning",
    "data_collection.external.handling": "we check the schema on every call",
    "data_collection.cascading.problems": "errors of the first model end up in the second",
    "data_collection.cascading.mitigation": "we retrain both together and compare",
    "data_collection.other_issues": "not that I can think of",
    "data_preparation.tools": "pandas, spark and dbt",
    "data_preparation.why_so_long": "every source needs its own cleaning",
    "data_preparation.why_different": "our data was already clean from the warehouse",
    "data_preparation.pain_points": "dates in five formats",
    "data_preparation.pain_causes": "each system was built by a different vendor",
    "data_preparation.other_issues": "nothing else",
    "model_evaluation.how": "cross validation and a holdout month",
    "model_evaluation.existing_models": "we compare with the previous model in production",
    "model_evaluation.why_so_long": "tuning takes many runs on big data",
    "model_evaluation.why_different": "we mostly reuse known architectures",
    "model_evaluation.acceptance_measures": "how often agents override the model",
    "model_evaluation.why_no_acceptance": "nobody asked for it so far",
    "model_evaluation.group_why": "few examples from younger customers",
    "model_evaluation.group_fix": "we collected more examples and reweighted",
    "model_evaluation.other_issues": "no",
    "deployment.platform": "kubernetes on AWS, CPUs only",
    "deployment.method": "automatically through a pipeline",
    "deployment.problem": "the features were computed differently in production",
    "deployment.handling": "one feature store for training and serving now",
    "deployment.other_issues": "none",
    "maintenance.how_monitor": "dashboards and alerts",
    "maintenance.metrics": "accuracy on labelled samples and input statistics",
    "maintenance.stale_process": "an alert, then a person retrains",
    "maintenance.stale_cause": "customers changed how they behave",
    "maintenance.stale_handling": "retraining every quarter",
    "maintenance.other_issues": "not really",
    "quality.scalability_kind": "batch scoring got too slow",
    "quality.scalability_handling": "we moved scoring to spark",
    "quality.robustness_evaluation": "we test with perturbed inputs",
    "quality.robustness_handling": "input validation and fallbacks",
    "quality.explainability_how": "feature importance and example based explanations",
    "quality.other_issues": "cost of the cloud",
    "other.delay_reasons": "the data took longer than planned",
    "other.abort_problem": "the labels were not reliable enough",
    "conclusion.pressing_issue": "monitoring models in production",
    "conclusion.comments": "no, thanks for doing this",
    "data_collection.how": "we use our own systems",
    "data_preparation.time_split": "70/30",
    "model_evaluation.time_split": "half and half",
    "background.implementers": "our own team of data scientists",
}


def yes(text: str = "yes") -> tuple:
    return ("answer", text, "affirm", [])


def no(text: str = "no") -> tuple:
    return ("answer", text, "deny", [])


def issue(text: str, *ids: str) -> tuple:
    return ("answer", text, "inform", [{"entity": "quality_issue", "value": i} for i in ids])


def sources(text: str, *ids: str) -> tuple:
    return ("answer", text, "inform", [{"entity": "data_source", "value": i} for i in ids])


def split_button(value: str) -> tuple:
    """A click on one of the two 80/20 buttons."""
    return (
        "answer",
        f'/inform{{"time_split":"{value}"}}',
        "inform",
        [{"entity": "time_split", "value": value}],
    )


class StoryWriter:
    def __init__(self, name: str):
        self.name = name
        self.steps: list[dict] = []
        self.state = dict(SLOTS)
        self.status = None

    def user(self, text: str, intent: str) -> None:
        self.steps.append({"user": text, "intent": intent})

    def action(self, name: str) -> None:
        self.steps.append({"action": name})

    def slots(self, **values) -> None:
        self.steps.append({"slot_was_set": [{k: v} for k, v in values.items()]})

    def loop(self, name: str | None) -> None:
        self.steps.append({"active_loop": name})

    def set_status(self, status: str) -> None:
        self.status = status
        self.slots(interview_status=status)

    # ---------------------------------------------------------------- phases
    def start(self, text: str = "hi", intent: str = "greet") -> None:
        self.user(text, intent)
        self.action("action_start_interview")
        self.set_status("consent_pending")
        self.slots(current_question="intro.consent")

    def consent(self) -> None:
        self.user("yes, that's fine", "affirm")
        self.action("action_consent_given")
        self.set_status("in_progress")
        self.state["current_question"] = FLOW.first_question()
        self.action("interview_form")
        self.loop("interview_form")
        self.slots(current_question=self.state["current_question"])

    def answer(self, text: str | None, intent: str, entities: list[dict]) -> None:
        qid = self.state["current_question"]
        text = text or SAMPLE.get(qid) or "something"
        self.user(text, intent)
        self.action("interview_form")
        outcome = FLOW.record_answer(self.state, text, intent, entities)
        self.state.update(outcome.slots)
        if self.state["current_question"] != qid or "question_mode" in outcome.slots:
            changed = {"current_question": self.state["current_question"]}
            if outcome.slots.get("question_mode"):
                changed["question_mode"] = outcome.slots["question_mode"]
            self.slots(**changed)
        if not self.state["current_question"]:
            self.finish()

    def finish(self) -> None:
        self.loop(None)
        self.slots(requested_slot=None)
        self.action("action_complete_interview")
        self.set_status("completed")

    def digress(self, text: str, intent: str) -> None:
        if intent in SMALL_TALK:  # the form itself answers short small talk
            self.answer(text, intent, [])
            return
        self.user(text, intent)
        if intent in DIGRESSIONS:
            action, moves_on = DIGRESSIONS[intent]
            self.action(action)
            if moves_on:
                marker = "__dont_know__" if intent == "dont_know" else "__skipped__"
                self.state.update(FLOW.skip(self.state, marker).slots)
                self.slots(current_question=self.state["current_question"])
            self.action("interview_form")
            if self.state["current_question"]:
                self.loop("interview_form")
            else:
                self.finish()
        elif intent in ("pause_interview", "goodbye"):
            self.action("action_pause_interview")
            self.set_status("paused")
            self.loop(None)
        elif intent == "stop_interview":
            self.action("action_stop_interview")
            self.set_status("stopped")
            self.loop(None)
        elif intent == "delete_my_data":
            self.before_delete = self.status
            self.action("action_confirm_delete")
            self.set_status("delete_pending")
            self.loop(None)
        else:
            raise ValueError(intent)

    def come_back(self, text: str = "hi, I'm back", intent: str = "greet") -> None:
        self.user(text, intent)
        self.action("action_resume_interview")
        self.set_status("in_progress")
        self.action("interview_form")
        self.loop("interview_form")

    def confirm_delete(self, confirm: bool) -> None:
        if confirm:
            self.user("yes, delete everything", "affirm")
            self.action("action_delete_my_data")
            self.set_status("withdrawn")
            return
        self.user("no, keep it", "deny")
        self.action("action_cancel_delete")
        self.set_status(self.before_delete)
        if self.before_delete == "in_progress":
            self.action("interview_form")
            self.loop("interview_form")

    def run(self, turns: list[tuple]) -> None:
        for kind, text, intent, entities in turns:
            if kind == "answer":
                self.answer(text, intent, entities)
            elif kind == "back":
                self.come_back(text, intent)
            elif kind == "delete":
                self.confirm_delete(intent == "affirm")
            else:
                raise ValueError(kind)

    def answer_until(self, stop_at: str, replies: dict[str, tuple] | None = None) -> None:
        """Answer with sample replies (or `replies[qid]`) until `stop_at` is the open question."""
        replies = replies or {}
        for _ in range(300):
            qid = self.state["current_question"]
            if qid == stop_at:
                return
            if qid is None:
                raise RuntimeError(f"{self.name}: the interview ended before {stop_at}")
            self.run([replies.get(qid, default_reply(qid))])
        raise RuntimeError(f"{self.name}: never reached {stop_at}")

    def story(self) -> dict:
        return {"story": self.name, "steps": self.steps}


def default_reply(qid: str) -> tuple:
    question = FLOW.guide.questions.get(qid)
    if question is not None and question.kind == "yes_no":
        return yes()
    return ("answer", None, "inform", [])


def consented(name: str) -> StoryWriter:
    """A story that has greeted the bot and given consent: the first question is open."""
    w = StoryWriter(name)
    w.start()
    w.consent()
    return w


def full_interview(name: str, replies: dict[str, tuple]) -> StoryWriter:
    w = consented(name)
    w.answer_until(None, replies)
    return w


BACK = ("back", "hello again, let's continue", "greet", [])
ALL_YES_REPLIES = {
    "background.implementers": ("answer", None, "inform", []),
    "general.main_issues": issue(
        "mostly drift and missing values in the sensor data", "drift", "missing_values"
    ),
    "data_collection.how": sources(
        "annotators label some of it, the rest comes from our logs, kaggle, a weather api and "
        "the outputs of another model",
        "data_collectors",
        "internal_system",
        "public_dataset",
        "external_service",
        "model_predictions",
    ),
    "data_collection.sme.problems": issue("annotators disagree on the labels", "inconsistent_annotations"),
    "data_collection.internal.merge_problems": issue("ids never match across systems", "data_integration"),
    "data_collection.public.whole": no("no, only a part of it"),
    "data_collection.public.problems": issue("the columns are not documented", "metadata_issues"),
    "data_collection.public.handling": issue("we found outliers and removed them", "outliers"),
    "data_collection.external.issues": issue(
        "the provider changed its schema twice", "unstable_data_provider"
    ),
    "data_preparation.time_split": ("answer", "80/20 easily", "inform", []),
    "data_preparation.pain_points": issue("so much manual cleaning", "manual_data_work"),
    "model_evaluation.time_split": ("answer", "about 50/50", "inform", []),
    "model_evaluation.group_why": issue("the model was biased against older people", "fairness"),
    "deployment.problem": issue("the model overfit to the lab data", "overfitting"),
    "maintenance.metrics": issue(
        "accuracy, but it does not reflect what users care about", "misaligned_metrics"
    ),
    "maintenance.stale_handling": issue("we retrain when drift shows up", "drift", "class_imbalance"),
    "quality.scalability_kind": issue("it is too slow at peak load", "scalability"),
    "quality.explainability_how": issue("doctors cannot understand the black box", "explainability"),
    "other.delay_reasons": issue("there was too little data at first", "insufficient_data"),
    "conclusion.pressing_issue": issue("reproducibility of training runs", "reproducibility"),
}
ALL_NO_REPLIES = {
    "background.implementers": ("answer", "we hire consultants for that", "inform", []),
    "data_collection.how": sources("everything comes from our internal databases", "internal_system"),
    "data_preparation.time_split": ("answer", "half and half", "inform", []),
    "model_evaluation.time_split": ("answer", "90/10, tuning never ends", "inform", []),
    **{q.id: no() for q in FLOW.plan if q.kind == "yes_no"},
}


def scenarios() -> dict[str, list[StoryWriter]]:
    stories: dict[str, list[StoryWriter]] = {"complete": [], "paths": [], "digressions": [], "lifecycle": []}

    stories["complete"].append(
        full_interview("complete interview, yes to everything, every source", ALL_YES_REPLIES)
    )
    stories["complete"].append(
        full_interview("complete interview, no to everything, consultants", ALL_NO_REPLIES)
    )

    w = consented("groups yes but no poor group, public dataset used whole, several sources at once")
    w.answer_until(
        None,
        {
            "data_collection.how": sources(
                "kaggle plus scraping a few websites", "public_dataset", "web_scraping"
            ),
            "data_collection.public.whole": yes("yes, all of it"),
            "model_evaluation.group_poor": no("no, it works the same for everyone"),
            "maintenance.monitoring": no("we do not monitor them"),
        },
    )
    stories["paths"].append(w)

    w = consented("unrecognised data source offers buttons, unclear time split offers buttons")
    w.answer_until("data_collection.how")
    w.run([("answer", "it just sort of shows up", "inform", [])])
    w.run([sources('/inform{"data_source":"data_collectors"}', "data_collectors")])
    w.answer_until("data_preparation.time_split")
    w.run([("answer", "it depends on the project", "inform", [])])
    w.run([split_button("close_to_80_20")])
    w.answer_until("model_evaluation.time_split")
    w.run([("answer", "hard to say really", "inform", [])])
    w.run([split_button("balanced")])
    w.answer_until("model_evaluation.user_acceptance")
    stories["paths"].append(w)

    w = consented("a free-text yes counts as yes, an unclear reply is asked again")
    w.answer_until("maintenance.monitoring")
    w.run([("answer", "grafana", "inform", []), ("answer", "yes, we monitor accuracy weekly", "inform", [])])
    w.answer_until("maintenance.gone_stale")
    stories["paths"].append(w)

    w = consented("implementers unclear, then asked yes or no")
    w.answer_until("background.implementers")
    w.run([("answer", "it varies", "inform", []), yes("yes, we do it ourselves")])
    w.answer_until("general.main_issues")
    stories["paths"].append(w)

    # Every digression at three or more places, inside branches too.
    places = [
        "background.experience",
        "data_collection.public.why_part",
        "maintenance.how_monitor",
        "followup.noisy_labels",
        "quality.robustness",
        "conclusion.comments",
    ]
    replies = {
        "data_collection.how": sources("kaggle and our logs", "public_dataset", "internal_system"),
        "data_collection.public.whole": no(),
        "quality.scalability_kind": issue("honestly noisy labels hurt us more than scale", "noisy_labels"),
    }
    for intent, text in [
        ("repeat_question", "sorry, can you repeat the question?"),
        ("clarify_question", "what do you mean by that?"),
        ("skip_question", "I'd rather skip this one"),
        ("dont_know", "no idea honestly"),
        ("bot_challenge", "wait, are you a bot?"),
        ("out_of_scope", "what's the weather like tomorrow?"),
        ("greet", "hello"),
        ("thank", "thanks"),
    ]:
        w = consented(f"{intent} at several places, then the interview goes on")
        for place in places:
            w.answer_until(place, replies)
            w.digress(text, intent)
        w.answer_until(None, replies)
        stories["digressions"].append(w)

    w = consented("pause at three places and come back each time, then finish")
    for place, (intent, text) in zip(
        ["background.models", "data_preparation.pain_points", "other.aborted"],
        [
            ("pause_interview", "let's continue later"),
            ("goodbye", "bye for now"),
            ("pause_interview", "I need a break"),
        ],
        strict=True,
    ):
        w.answer_until(place)
        w.digress(text, intent)
        w.run([BACK])
    w.answer_until(None)
    stories["lifecycle"].append(w)

    for place in ["background.position", "data_collection.other_issues", "quality.explainability"]:
        w = consented(f"stop at {place}; writing again is answered politely")
        w.answer_until(place)
        w.digress("I want to stop the interview", "stop_interview")
        w.user("hello?", "greet")
        w.action("action_interview_closed")
        stories["lifecycle"].append(w)

    for place, confirm in [
        ("background.problem", True),
        ("model_evaluation.groups", False),
        ("followup.drift", True),
    ]:
        w = consented(f"delete my data at {place}, {'confirmed' if confirm else 'cancelled'}")
        w.answer_until(place, {"deployment.other_issues": issue("drift hits us hard", "drift")})
        w.digress("please delete my data", "delete_my_data")
        w.run([("delete", "", "affirm" if confirm else "deny", [])])
        if not confirm:
            w.answer_until("deployment.platform")
        stories["lifecycle"].append(w)

    w = consented("delete after pausing, cancelled, then resume")
    w.answer_until("data_preparation.tools")
    w.digress("pause", "pause_interview")
    w.digress("actually, delete my data", "delete_my_data")
    w.run([("delete", "", "deny", []), BACK])
    w.answer_until("data_preparation.pain_points")
    stories["lifecycle"].append(w)

    w = StoryWriter("consent refused")
    w.start("hello", "greet")
    w.user("no, I don't want to be recorded", "deny")
    w.action("action_consent_declined")
    w.set_status("declined")
    stories["lifecycle"].append(w)

    w = StoryWriter("questions before consent, then consent")
    w.start("hey", "greet")
    for text, intent in [
        ("what do you mean by anonymised?", "clarify_question"),
        ("are you a real person?", "bot_challenge"),
        ("hmm", "inform"),
    ]:
        w.user(text, intent)
        w.action("action_consent_reprompt")
    w.consent()
    w.answer_until("background.ai_purpose")
    stories["lifecycle"].append(w)
    return stories


def write_all() -> dict[str, str]:
    out = {}
    for name, writers in scenarios().items():
        text = yaml.safe_dump(
            {"version": "3.1", "stories": [w.story() for w in writers]},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        out[f"test_{name}.yml"] = (
            "# Written by tests/e2e/build_test_stories.py; do not edit by hand.\n" + text
        )
    return out


if __name__ == "__main__":
    for filename, text in write_all().items():
        (HERE / filename).write_text(text, encoding="utf-8")
        print(f"wrote tests/e2e/{filename}")
